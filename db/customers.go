package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"shopauth/auth"
)

// customerFields are a customer's columns after id, in the order customerDest lists
// them.
const customerFields = `email, firstname, lastname, middlename, prefix, suffix, dob, taxvat, gender,
	is_subscribed, allow_assistance, group_id, created_at, password_hash, confirmation,
	failures_num, first_failure, lock_expires, addr_lock_until`

const customerColumns = `id, ` + customerFields

type rowScanner interface{ Scan(...any) error }

// scanCustomer reads a row of customerColumns.
func scanCustomer(row rowScanner) (*auth.Customer, error) {
	c := &auth.Customer{}
	dest := customerDest(c)
	return scanned(c, row.Scan(dest[:]...))
}

// scanCustomerByID reads a row of customerFields, the customer's with that id:
// CustomerByID knows the id, so it has one column fewer to read.
func scanCustomerByID(row rowScanner, id int64) (*auth.Customer, error) {
	c := &auth.Customer{ID: id}
	dest := customerDest(c)
	return scanned(c, row.Scan(dest[1:]...))
}

// customerDest gives where each of customerColumns goes in c. Numbers and times are
// scanned straight into it (intCol and the others below), so a row costs one allocation
// besides its strings and database/sql's own.
func customerDest(c *auth.Customer) [20]any {
	return [...]any{int64Col{&c.ID}, &c.Email, &c.Firstname, &c.Lastname, &c.Middlename, &c.Prefix, &c.Suffix,
		&c.DateOfBirth, &c.Taxvat, intCol{&c.Gender}, flagCol{&c.IsSubscribed}, flagCol{&c.AllowAssistance},
		intCol{&c.GroupID}, unixCol{&c.CreatedAt}, &c.PasswordHash, &c.Confirmation, intCol{&c.FailuresNum},
		unixOrZeroCol{&c.FirstFailure}, unixOrZeroCol{&c.LockExpires}, unixOrZeroCol{&c.AddrLockUntil}}
}

func scanned(c *auth.Customer, err error) (*auth.Customer, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// The customer's integer columns, scanned without database/sql's reflection (which
// takes an integer bound for an int field through a string). Both engines' drivers give
// int64 for them (STRICT INTEGER, BIGINT); each type holds one pointer, so making it an
// interface value allocates nothing.
type (
	int64Col      struct{ p *int64 }
	intCol        struct{ p *int }
	flagCol       struct{ p *bool }      // 0 or not
	unixCol       struct{ p *time.Time } // Unix seconds, UTC
	unixOrZeroCol struct{ p *time.Time } // Unix seconds, UTC; 0 is the zero time
)

func colInt64(src any) (int64, error) {
	v, ok := src.(int64)
	if !ok {
		return 0, fmt.Errorf("customer column: want an integer, have %T", src)
	}
	return v, nil
}

func (d int64Col) Scan(src any) (err error) {
	*d.p, err = colInt64(src)
	return err
}

func (d intCol) Scan(src any) error {
	v, err := colInt64(src)
	*d.p = int(v)
	return err
}

func (d flagCol) Scan(src any) error {
	v, err := colInt64(src)
	*d.p = v != 0
	return err
}

func (d unixCol) Scan(src any) error {
	v, err := colInt64(src)
	*d.p = time.Unix(v, 0).UTC()
	return err
}

func (d unixOrZeroCol) Scan(src any) error {
	v, err := colInt64(src)
	*d.p = unixOrZero(v)
	return err
}

func unixOrZero(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

const (
	customerByIDSQL    = `SELECT ` + customerFields + ` FROM customer WHERE id = $1`
	customerByEmailSQL = `SELECT ` + customerColumns + ` FROM customer WHERE email_key = $1`
)

func (d *DB) prepare(ctx context.Context) error {
	if d.dl.name != "sqlite" {
		return nil
	}
	var err error
	if d.customerByID, err = d.read.PrepareContext(ctx, customerByIDSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if d.customerByEmail, err = d.read.PrepareContext(ctx, customerByEmailSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if d.addressesByCustomer, err = d.read.PrepareContext(ctx, addressesByCustomerSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if d.valuesByCustomer, err = d.read.PrepareContext(ctx, valuesByCustomerSQL); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	return nil
}

// CustomerByEmail finds a customer by email, compared as auth.EmailKey.
func (d *DB) CustomerByEmail(ctx context.Context, email string) (*auth.Customer, error) {
	if d.customerByEmail == nil {
		return scanCustomer(d.read.QueryRowContext(ctx, customerByEmailSQL, auth.EmailKey(email)))
	}
	return scanCustomer(d.customerByEmail.QueryRowContext(ctx, auth.EmailKey(email)))
}

// fillEmailKeys gives every customer row without an email_key its key (migration 0008,
// and rows an older binary wrote since). Two rows whose emails fold to one key (possible
// before 0008: "ÉMILE@x" and "émile@x") cannot both have it: rows that have a key keep
// it, then the oldest row (lowest id) gets it, and each later one a key no email can
// have ("conflict ID: KEY", with spaces), so it can no longer sign in by email, and an
// audit event customer.email_conflict names both. Nothing is deleted: the account is
// still listed, exported, and its tokens still work, so its email can be changed.
func fillEmailKeys(ctx context.Context, tx *sql.Tx, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, email FROM customer WHERE email_key IS NULL ORDER BY id`)
	if err != nil {
		return err
	}
	type row struct {
		id    int64
		email string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.email); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range todo {
		key := auth.EmailKey(r.email)
		var owner int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM customer WHERE email_key = $1`, key).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (created_at, event, customer_id, username, detail)
				VALUES ($1, $2, $3, $4, $5)`, now.Unix(), auth.EventEmailConflict, r.id, key,
				fmt.Sprintf("same email as customer %d after Unicode case folding; this account cannot sign in by email until its email changes", owner)); err != nil {
				return err
			}
			key = fmt.Sprintf("conflict %d: %s", r.id, key)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customer SET email_key = $1 WHERE id = $2`, key, r.id); err != nil {
			return err
		}
	}
	return nil
}

// CustomerByID finds a customer by id.
func (d *DB) CustomerByID(ctx context.Context, id int64) (*auth.Customer, error) {
	c, gen := d.cache.get(id)
	if c != nil {
		return c, nil
	}
	var row *sql.Row
	if d.customerByID == nil {
		row = d.read.QueryRowContext(ctx, customerByIDSQL, id)
	} else {
		// Not cancelled with the request: given a context that can end, the SQLite driver
		// starts a goroutine per statement to watch it, which cost more than this read of
		// one row by its key (a few µs from the file or the OS cache).
		// What the request's end no longer cuts short: the wait for one of the read pool's
		// connections (the statements holding them end by themselves) and this statement
		// (a reader does not wait for writers under WAL); the request stops at its next
		// step. PostgreSQL keeps the request's context: its reads cross a network.
		row = d.customerByID.QueryRowContext(context.WithoutCancel(ctx), id)
	}
	c, err := scanCustomerByID(row, id)
	if err == nil {
		d.cache.put(c, gen)
	}
	return c, err
}

// CreateCustomer inserts c and sets its ID.
func (d *DB) CreateCustomer(ctx context.Context, c *auth.Customer) error {
	now := time.Now().Unix()
	var id int64
	err := d.write.QueryRowContext(ctx, `INSERT INTO customer (email, firstname, lastname, middlename, prefix, suffix,
		dob, taxvat, gender, is_subscribed, allow_assistance, group_id, created_at, updated_at, password_hash, confirmation, email_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		c.Email, c.Firstname, c.Lastname, c.Middlename, c.Prefix, c.Suffix, c.DateOfBirth, c.Taxvat, c.Gender,
		boolInt(c.IsSubscribed), boolInt(c.AllowAssistance), c.GroupID, c.CreatedAt.Unix(), now, c.PasswordHash, c.Confirmation,
		auth.EmailKey(c.Email)).Scan(&id)
	if d.dl.isUniqueViolation(err) {
		return auth.ErrDuplicate
	}
	if err != nil {
		return err
	}
	d.cache.changedID(id)
	c.ID = id
	return nil
}

// UpdateCustomer saves c's profile fields and email.
func (d *DB) UpdateCustomer(ctx context.Context, c *auth.Customer) error {
	res, err := d.write.ExecContext(ctx, `UPDATE customer SET email = $1, firstname = $2, lastname = $3, middlename = $4,
		prefix = $5, suffix = $6, dob = $7, taxvat = $8, gender = $9, is_subscribed = $10, allow_assistance = $11, updated_at = $12,
		email_key = CASE WHEN email = $1 THEN email_key ELSE $14 END WHERE id = $13`,
		c.Email, c.Firstname, c.Lastname, c.Middlename, c.Prefix, c.Suffix, c.DateOfBirth, c.Taxvat, c.Gender,
		boolInt(c.IsSubscribed), boolInt(c.AllowAssistance), time.Now().Unix(), c.ID, auth.EmailKey(c.Email))
	d.cache.changedID(c.ID)
	if d.dl.isUniqueViolation(err) {
		return auth.ErrDuplicate
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return auth.ErrNotFound
	}
	return nil
}

// SetPasswordHash replaces a customer's password hash.
func (d *DB) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	_, err := d.write.ExecContext(ctx, `UPDATE customer SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, time.Now().Unix(), id)
	d.cache.changedID(id)
	return err
}

// ResetLoginFailures clears every failure count and lock of the customer: the
// account-wide cap and the lock of every address (the admin page's unlock).
func (d *DB) ResetLoginFailures(ctx context.Context, id int64) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error { return clearLocks(ctx, tx, auth.UserTypeCustomer, id) })
	d.cache.changedID(id)
	return err
}

// DeleteCustomer removes a customer (admin action; tokens then fail with "does not exist").
func (d *DB) DeleteCustomer(ctx context.Context, id int64) error {
	_, err := d.write.ExecContext(ctx, `DELETE FROM customer WHERE id = $1`, id)
	d.cache.changedID(id)
	return err
}
