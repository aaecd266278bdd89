package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"shopauth/auth"
)

const adminColumns = `id, username, email, firstname, lastname, password_hash, is_active, failures_num,
	first_failure, lock_expires, totp_secret, totp_last_step, created_at, addr_lock_until`

func scanAdmin(row interface{ Scan(...any) error }) (*auth.Admin, error) {
	var a auth.Admin
	var active int
	var first, lock, created, addrLock int64
	err := row.Scan(&a.ID, &a.Username, &a.Email, &a.Firstname, &a.Lastname, &a.PasswordHash, &active,
		&a.FailuresNum, &first, &lock, &a.TOTPSecret, &a.TOTPLastStep, &created, &addrLock)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	a.Active = active != 0
	a.FirstFailure, a.LockExpires, a.CreatedAt = unixOrZero(first), unixOrZero(lock), time.Unix(created, 0).UTC()
	a.AddrLockUntil = unixOrZero(addrLock)
	return &a, nil
}

// AdminByUsername finds an admin, ignoring case.
func (d *DB) AdminByUsername(ctx context.Context, username string) (*auth.Admin, error) {
	return scanAdmin(d.read.QueryRowContext(ctx, `SELECT `+adminColumns+` FROM admin_user WHERE `+d.dl.foldEq("username", "$1"), username))
}

// AdminByID finds an admin by id.
func (d *DB) AdminByID(ctx context.Context, id int64) (*auth.Admin, error) {
	return scanAdmin(d.read.QueryRowContext(ctx, `SELECT `+adminColumns+` FROM admin_user WHERE id = $1`, id))
}

// CreateAdmin inserts a and sets its ID; ErrDuplicate when the username is taken.
func (d *DB) CreateAdmin(ctx context.Context, a *auth.Admin) error {
	err := d.write.QueryRowContext(ctx, `INSERT INTO admin_user (username, email, firstname, lastname, password_hash, is_active, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.Username, a.Email, a.Firstname, a.Lastname, a.PasswordHash, boolInt(a.Active), a.CreatedAt.Unix()).Scan(&a.ID)
	if d.dl.isUniqueViolation(err) {
		return auth.ErrDuplicate
	}
	return err
}

// SetAdminPasswordHash replaces an admin's password hash.
func (d *DB) SetAdminPasswordHash(ctx context.Context, id int64, hash string) error {
	_, err := d.write.ExecContext(ctx, `UPDATE admin_user SET password_hash = $1 WHERE id = $2`, hash, id)
	return err
}

// SetAdminTOTPSecret stores an admin's TOTP secret (base32) and forgets used steps.
func (d *DB) SetAdminTOTPSecret(ctx context.Context, id int64, secret string) error {
	_, err := d.write.ExecContext(ctx, `UPDATE admin_user SET totp_secret = $1, totp_last_step = 0 WHERE id = $2`, secret, id)
	return err
}

// SetAdminTOTPSecretIfNone stores a TOTP secret only if the admin has none, in one
// statement, so two parallel setups cannot both succeed.
func (d *DB) SetAdminTOTPSecretIfNone(ctx context.Context, id int64, secret string) (bool, error) {
	res, err := d.write.ExecContext(ctx, `UPDATE admin_user SET totp_secret = $1, totp_last_step = 0 WHERE id = $2 AND totp_secret = ''`, secret, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UseTOTPStep records step as used, only if it is later than the last used one; it
// reports false when the code of that step (or a later one) was already used.
func (d *DB) UseTOTPStep(ctx context.Context, id, step int64) (bool, error) {
	res, err := d.write.ExecContext(ctx, `UPDATE admin_user SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $3`, step, id, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetAdminActive switches an admin on or off.
func (d *DB) SetAdminActive(ctx context.Context, id int64, active bool) error {
	res, err := d.write.ExecContext(ctx, `UPDATE admin_user SET is_active = $1 WHERE id = $2`, boolInt(active), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return auth.ErrNotFound
	}
	return nil
}

// LockAdmin sets the account-wide lock of an admin (the cap's lock_expires) to until:
// password sign-ins from every address are refused until then.
func (d *DB) LockAdmin(ctx context.Context, id int64, until time.Time) error {
	res, err := d.write.ExecContext(ctx, `UPDATE admin_user SET lock_expires = $1 WHERE id = $2`, until.Unix(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return auth.ErrNotFound
	}
	return nil
}

// ResetAdminLoginFailures clears every failure count and lock of an admin: the
// account-wide cap and the lock of every address.
func (d *DB) ResetAdminLoginFailures(ctx context.Context, id int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error { return clearLocks(ctx, tx, auth.UserTypeAdmin, id) })
}

// CreateOneTimeCode stores a code (hashed) for a customer.
func (d *DB) CreateOneTimeCode(ctx context.Context, c auth.OneTimeCode) error {
	_, err := d.write.ExecContext(ctx, `INSERT INTO one_time_code (code_hash, customer_id, admin_id, reason, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.Hash, c.CustomerID, c.AdminID, c.Reason, c.CreatedAt.Unix(), c.ExpiresAt.Unix())
	return err
}

// ConsumeOneTimeCode marks the code used if it belongs to the customer, is unused and
// unexpired, and the customer allows assistance in the database right now (whatever a
// cache saw), in one statement, so of two parallel uses exactly one wins.
// OneTimeCodeByHash reads a one-time code without using it; auth.ErrNotFound when
// there is none.
func (d *DB) OneTimeCodeByHash(ctx context.Context, hash string) (auth.OneTimeCode, time.Time, error) {
	var c auth.OneTimeCode
	var created, expires, used int64
	err := d.read.QueryRowContext(ctx, `SELECT code_hash, customer_id, admin_id, reason, created_at, expires_at, used_at
		FROM one_time_code WHERE code_hash = $1`, hash).Scan(&c.Hash, &c.CustomerID, &c.AdminID, &c.Reason, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return c, time.Time{}, auth.ErrNotFound
	}
	if err != nil {
		return c, time.Time{}, fmt.Errorf("read one-time code: %w", err)
	}
	c.CreatedAt, c.ExpiresAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
	var usedAt time.Time
	if used != 0 {
		usedAt = time.Unix(used, 0).UTC()
	}
	return c, usedAt, nil
}

func (d *DB) ConsumeOneTimeCode(ctx context.Context, hash string, customerID int64, now time.Time) (adminID int64, reason string, ok bool, err error) {
	err = d.write.QueryRowContext(ctx, `UPDATE one_time_code SET used_at = $1
		WHERE code_hash = $2 AND customer_id = $3 AND used_at = 0 AND expires_at > $1
		AND EXISTS (SELECT 1 FROM customer WHERE id = $3 AND allow_assistance = 1) RETURNING admin_id, reason`,
		now.Unix(), hash, customerID).Scan(&adminID, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, fmt.Errorf("consume one-time code: %w", err)
	}
	return adminID, reason, true, nil
}

// ListAdmins returns every admin user, oldest first (the admin page's list; shops have
// a handful).
func (d *DB) ListAdmins(ctx context.Context) ([]auth.Admin, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT `+adminColumns+` FROM admin_user ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list admins: %w", err)
	}
	defer rows.Close()
	var out []auth.Admin
	for rows.Next() {
		a, err := scanAdmin(rows)
		if err != nil {
			return nil, fmt.Errorf("list admins: %w", err)
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// RetireAdmin deactivates admin id (lockUntil zero) or locks it until lockUntil, only
// while another admin stays able to sign in: active and not locked for every address at
// now. It returns auth.ErrLastAdmin when none would, auth.ErrNotFound when there is no
// such admin. Two admins retiring each other at once cannot both succeed: the check and
// the change are one statement, and on PostgreSQL the transactions that make them take
// turns (an advisory lock), so the second one's statement sees the first one's change.
func (d *DB) RetireAdmin(ctx context.Context, id int64, lockUntil, now time.Time) error {
	set, args := `is_active = 0`, []any{id, now.Unix()}
	if !lockUntil.IsZero() {
		set, args = `lock_expires = $3`, append(args, lockUntil.Unix())
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.dl.lock(ctx, tx, "admin_user: keep one admin"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE admin_user SET `+set+` WHERE id = $1 AND EXISTS (SELECT 1 FROM admin_user o
			WHERE o.id <> $1 AND o.is_active = 1 AND o.lock_expires <= $2)`, args...)
		if err != nil {
			return fmt.Errorf("retire admin %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM admin_user WHERE id = $1`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return auth.ErrNotFound
		} else if err != nil {
			return fmt.Errorf("retire admin %d: %w", id, err)
		}
		return auth.ErrLastAdmin
	})
}
