package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"shopauth/auth"
)

// CreateResetToken stores a password-reset token (hashed).
func (d *DB) CreateResetToken(ctx context.Context, t auth.ResetToken) error {
	_, err := d.write.ExecContext(ctx, `INSERT INTO password_reset (token_hash, customer_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		t.Hash, t.CustomerID, t.CreatedAt.Unix(), t.ExpiresAt.Unix())
	return err
}

// CountResetRequests counts reset tokens made for a customer since a time.
func (d *DB) CountResetRequests(ctx context.Context, customerID int64, since time.Time) (int, error) {
	var n int
	err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM password_reset WHERE customer_id = ? AND created_at >= ?`,
		customerID, since.Unix()).Scan(&n)
	return n, err
}

// ConsumeResetToken marks a token used if it is the customer's, unused and unexpired,
// in one statement; ok reports whether it was.
func (d *DB) ConsumeResetToken(ctx context.Context, hash string, customerID int64, now time.Time) (bool, error) {
	res, err := d.write.ExecContext(ctx, `UPDATE password_reset SET used_at = ?1
		WHERE token_hash = ?2 AND customer_id = ?3 AND used_at = 0 AND expires_at > ?1`, now.Unix(), hash, customerID)
	if err != nil {
		return false, fmt.Errorf("consume reset token: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetConfirmation sets (or with "" clears) a customer's pending confirmation key.
func (d *DB) SetConfirmation(ctx context.Context, id int64, key string) error {
	_, err := d.write.ExecContext(ctx, `UPDATE customer SET confirmation = ?, updated_at = ? WHERE id = ?`, key, time.Now().Unix(), id)
	d.cache.changed()
	return err
}

// Send queues a message in the outbox (auth.Mailer).
func (d *DB) Send(ctx context.Context, m auth.Mail) error {
	vars, err := json.Marshal(m.Vars)
	if err != nil {
		return err
	}
	if m.Vars == nil {
		vars = []byte("{}")
	}
	_, err = d.write.ExecContext(ctx, `INSERT INTO mail_outbox (to_addr, subject, template, vars_json, created_at) VALUES (?, ?, ?, ?, ?)`,
		m.To, m.Subject, m.Template, string(vars), time.Now().Unix())
	return err
}

func scanMail(row interface{ Scan(...any) error }) (auth.OutboxMail, error) {
	var m auth.OutboxMail
	var vars string
	var created, sent, next int64
	err := row.Scan(&m.ID, &m.To, &m.Subject, &m.Template, &vars, &created, &sent, &m.Attempts, &m.LastError, &next)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(vars), &m.Vars); err != nil {
		return m, fmt.Errorf("mail %d vars: %w", m.ID, err)
	}
	m.CreatedAt, m.SentAt, m.NextAttempt = time.Unix(created, 0).UTC(), unixOrZero(sent), unixOrZero(next)
	return m, nil
}

const mailColumns = `id, to_addr, subject, template, vars_json, created_at, sent_at, attempts, last_error, next_attempt_at`

// ListMail returns the newest limit messages, oldest first.
func (d *DB) ListMail(ctx context.Context, limit int) ([]auth.OutboxMail, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT * FROM (SELECT `+mailColumns+` FROM mail_outbox ORDER BY id DESC LIMIT ?) ORDER BY id`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.OutboxMail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ClaimDueMail leases up to limit unsent messages that are due, so that two
// processes never send the same one at once; the lease ends at leaseUntil.
func (d *DB) ClaimDueMail(ctx context.Context, now, leaseUntil time.Time, limit int) ([]auth.OutboxMail, error) {
	var out []auth.OutboxMail
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_outbox WHERE sent_at = 0 AND next_attempt_at <= ? ORDER BY id LIMIT ?`, now.Unix(), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			m, err := scanMail(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, m)
		}
		rows.Close()
		for _, m := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET next_attempt_at = ? WHERE id = ?`, leaseUntil.Unix(), m.ID); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return out, err
}

// MarkMailSent records that an SMTP server accepted the message.
func (d *DB) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	_, err := d.write.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`, at.Unix(), id)
	return err
}

// MarkMailFailed records a failed attempt and when to try again.
func (d *DB) MarkMailFailed(ctx context.Context, id int64, msg string, next time.Time) error {
	_, err := d.write.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`,
		msg, next.Unix(), id)
	return err
}
