package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shopauth/auth"
)

// CreateAdminSession stores a new admin page session, and drops the sessions idle longer
// than idle (they could not be used again), so the table does not grow forever.
func (d *DB) CreateAdminSession(ctx context.Context, s auth.AdminSession, idle time.Duration) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM admin_session WHERE last_seen < $1`, s.CreatedAt.Add(-idle).Unix()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO admin_session (id_hash, admin_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)`,
			s.IDHash, s.AdminID, s.CSRF, s.CreatedAt.Unix(), s.LastSeen.Unix())
		return err
	})
}

// TouchAdminSession returns the session and moves its last_seen to now, unless it has
// been idle longer than idle (then it is deleted and ErrNotFound returned).
func (d *DB) TouchAdminSession(ctx context.Context, idHash string, now time.Time, idle time.Duration) (*auth.AdminSession, error) {
	var s auth.AdminSession
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var created, seen int64
		err := tx.QueryRowContext(ctx, `SELECT id_hash, admin_id, csrf, created_at, last_seen FROM admin_session WHERE id_hash = $1`+d.dl.forUpdate, idHash).
			Scan(&s.IDHash, &s.AdminID, &s.CSRF, &created, &seen)
		if errors.Is(err, sql.ErrNoRows) {
			return auth.ErrNotFound
		}
		if err != nil {
			return err
		}
		s.CreatedAt, s.LastSeen = time.Unix(created, 0), time.Unix(seen, 0)
		if now.Sub(s.LastSeen) > idle {
			tx.ExecContext(ctx, `DELETE FROM admin_session WHERE id_hash = $1`, idHash)
			return errExpired
		}
		_, err = tx.ExecContext(ctx, `UPDATE admin_session SET last_seen = $1 WHERE id_hash = $2`, now.Unix(), idHash)
		return err
	})
	if errors.Is(err, errExpired) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &s, nil
}

var errExpired = errors.New("expired")

// DeleteAdminSession ends a session.
func (d *DB) DeleteAdminSession(ctx context.Context, idHash string) error {
	_, err := d.write.ExecContext(ctx, `DELETE FROM admin_session WHERE id_hash = $1`, idHash)
	return err
}

// ListCustomers finds customers whose email or name contains q, newest first.
func (d *DB) ListCustomers(ctx context.Context, q string, offset, limit int) ([]auth.Customer, int, error) {
	pattern := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.TrimSpace(q)) + "%"
	like := d.dl.ilike + ` $1 ESCAPE '\'`
	where := ` FROM customer WHERE email ` + like + ` OR firstname ` + like + ` OR lastname ` + like + `
		OR (firstname || ' ' || lastname) ` + like
	var total int
	if err := d.read.QueryRowContext(ctx, `SELECT count(*)`+where, pattern).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := d.read.QueryContext(ctx, `SELECT `+customerColumns+where+` ORDER BY id DESC LIMIT $2 OFFSET $3`, pattern, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []auth.Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// ThrottledUntil returns, for each of names held by the sign-in throttle at now, when
// the hold ends.
func (d *DB) ThrottledUntil(ctx context.Context, names []string, userType int, now time.Time, maxFailures int) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(names) == 0 {
		return out, nil
	}
	args := []any{userType, maxFailures, now.Unix()}
	marks := make([]string, len(names))
	for i, n := range names {
		args = append(args, n)
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	// A name has a row per client address (issue 14 item 3): the latest hold counts.
	rows, err := d.read.QueryContext(ctx, `SELECT user_name, MAX(lock_expires_at) FROM token_request_log
		WHERE user_type = $1 AND failures_count >= $2 AND lock_expires_at > $3 AND user_name IN (`+strings.Join(marks, ", ")+`)
		GROUP BY user_name`, args...)
	if err != nil {
		return nil, fmt.Errorf("read throttle: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var until int64
		if err := rows.Scan(&name, &until); err != nil {
			return nil, err
		}
		out[name] = time.Unix(until, 0).UTC()
	}
	return out, rows.Err()
}
