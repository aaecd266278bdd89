package db

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shopauth/auth"
)

// Revoke stores a user's revocation time; it only ever moves forward.
func (d *DB) Revoke(ctx context.Context, r auth.Revocation) error {
	return d.inTx(ctx, func(tx *sql.Tx) error { return d.revoke(ctx, tx, r) })
}

// revoke moves a user's revocation time forward (never back) and gives the row the
// next seq, so other processes pick it up. The seq is MAX+1 taken under a lock held
// until the transaction ends, so revocations commit in seq order: a reader that saw
// seq N has seen every seq below it (a sequence alone would not do: its numbers commit
// out of order, and a poller past N+1 would never read a late N).
func (d *DB) revoke(ctx context.Context, tx *sql.Tx, r auth.Revocation) error {
	if err := d.dl.lock(ctx, tx, "token_revocation"); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO token_revocation (user_type, user_id, revoke_before_us, seq)
	VALUES ($1, $2, $3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM token_revocation))
	ON CONFLICT (user_type, user_id) DO UPDATE SET
		revoke_before_us = CASE WHEN excluded.revoke_before_us > token_revocation.revoke_before_us
			THEN excluded.revoke_before_us ELSE token_revocation.revoke_before_us END,
		seq = excluded.seq`, r.UserType, r.UserID, r.BeforeMicro)
	return err
}

// RevocationsSince returns revocations written after seq and the highest seq seen.
func (d *DB) RevocationsSince(ctx context.Context, seq int64) ([]auth.Revocation, int64, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT user_type, user_id, revoke_before_us, seq FROM token_revocation WHERE seq > $1 ORDER BY seq`, seq)
	if err != nil {
		return nil, seq, err
	}
	defer rows.Close()
	var out []auth.Revocation
	for rows.Next() {
		var r auth.Revocation
		if err := rows.Scan(&r.UserType, &r.UserID, &r.BeforeMicro, &seq); err != nil {
			return nil, seq, err
		}
		out = append(out, r)
	}
	return out, seq, rows.Err()
}

// RevocationsFrom returns the revocations made at or after fromMicro (unix µs) and the
// highest seq, read first: RevocationsSince from it then misses nothing written after.
func (d *DB) RevocationsFrom(ctx context.Context, fromMicro int64) ([]auth.Revocation, int64, error) {
	var seq int64
	if err := d.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM token_revocation`).Scan(&seq); err != nil {
		return nil, 0, err
	}
	rows, err := d.read.QueryContext(ctx, `SELECT user_type, user_id, revoke_before_us FROM token_revocation WHERE revoke_before_us >= $1`, fromMicro)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []auth.Revocation
	for rows.Next() {
		var r auth.Revocation
		if err := rows.Scan(&r.UserType, &r.UserID, &r.BeforeMicro); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, seq, rows.Err()
}

// RevocationBefore returns one user's revocation time (unix µs), 0 when never revoked.
func (d *DB) RevocationBefore(ctx context.Context, userType int, userID int64) (int64, error) {
	var us int64
	err := d.read.QueryRowContext(ctx, `SELECT revoke_before_us FROM token_revocation WHERE user_type = $1 AND user_id = $2`, userType, userID).Scan(&us)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return us, err
}

// Audit appends one event to the audit log.
func (d *DB) Audit(ctx context.Context, e auth.AuditEvent) error {
	_, err := d.write.ExecContext(ctx, `INSERT INTO audit_log (created_at, event, admin_id, customer_id, username, detail, remote_addr)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.Time.Unix(), e.Event, e.AdminID, e.CustomerID, e.Username, e.Detail, e.RemoteAddr)
	return err
}

// AuditList returns up to limit events, newest first, optionally filtered.
func (d *DB) AuditList(ctx context.Context, f AuditFilter) ([]auth.AuditEvent, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var since, until int64
	if !f.Since.IsZero() {
		since = f.Since.Unix()
	}
	if !f.Until.IsZero() {
		until = f.Until.Unix()
	}
	rows, err := d.read.QueryContext(ctx, `SELECT created_at, event, admin_id, customer_id, username, detail, remote_addr
		FROM audit_log WHERE ($1 = 0 OR customer_id = $1) AND ($2 = 0 OR admin_id = $2) AND ($3 = '' OR event = $3)
		AND ($5 = 0 OR created_at >= $5) AND ($6 = 0 OR created_at < $6)
		ORDER BY id DESC LIMIT $4 OFFSET $7`, f.CustomerID, f.AdminID, f.Event, f.Limit, since, until, max(f.Offset, 0))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.AuditEvent
	for rows.Next() {
		var e auth.AuditEvent
		var t int64
		if err := rows.Scan(&t, &e.Event, &e.AdminID, &e.CustomerID, &e.Username, &e.Detail, &e.RemoteAddr); err != nil {
			return nil, err
		}
		e.Time = time.Unix(t, 0).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditFilter narrows AuditList (the domain's type).
type AuditFilter = auth.AuditFilter
