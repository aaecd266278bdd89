package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"shopauth/auth"
)

// CreateResetToken stores a password-reset token (hashed) and queues its mail, unless
// the customer already asked for max tokens after the given time; ok reports whether it
// did. The customer's older unused tokens end: only the newest link works (Magento keeps
// one rp_token per customer). One transaction, so a burst of parallel requests cannot
// pass the limit together, the newest mail always holds the live token, and there is
// never a token without its mail.
func (d *DB) CreateResetToken(ctx context.Context, t auth.ResetToken, since time.Time, max int, m auth.Mail) (ok bool, err error) {
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.dl.lock(ctx, tx, fmt.Sprintf("password_reset %d", t.CustomerID)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM password_reset WHERE customer_id = $1 AND created_at > $2`,
			t.CustomerID, since.Unix()).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_reset SET used_at = $1 WHERE customer_id = $2 AND used_at = 0`,
			t.CreatedAt.Unix(), t.CustomerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_reset (token_hash, customer_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			t.Hash, t.CustomerID, t.CreatedAt.Unix(), t.ExpiresAt.Unix()); err != nil {
			return err
		}
		if err := insertMail(ctx, tx, m); err != nil {
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store reset token: %w", err)
	}
	return ok, nil
}

// ConsumeResetToken marks a token used if it is the customer's, unused and unexpired,
// in one statement; ok reports whether it was.
func (d *DB) ConsumeResetToken(ctx context.Context, hash string, customerID int64, now time.Time) (bool, error) {
	res, err := d.write.ExecContext(ctx, `UPDATE password_reset SET used_at = $1
		WHERE token_hash = $2 AND customer_id = $3 AND used_at = 0 AND expires_at > $1`, now.Unix(), hash, customerID)
	if err != nil {
		return false, fmt.Errorf("consume reset token: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ResetTokenUsable reports whether a token is the customer's, unused and unexpired.
func (d *DB) ResetTokenUsable(ctx context.Context, hash string, customerID int64, now time.Time) (bool, error) {
	var n int
	err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM password_reset
		WHERE token_hash = $1 AND customer_id = $2 AND used_at = 0 AND expires_at > $3`, hash, customerID, now.Unix()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up reset token: %w", err)
	}
	return n == 1, nil
}

// SetPassword stores a new password (auth.AccountStore): in one transaction it consumes
// the reset token when one is given (ok false, nothing changed, when it is not the
// customer's unused, unexpired token), stores the hash, clears the failure count on a
// reset, ends every other unused reset token and revokes the customer's tokens and
// sessions. One transaction, so a crash can never leave a used token with the old
// password, or a new password with the old tokens still valid.
func (d *DB) SetPassword(ctx context.Context, ch auth.PasswordChange) (ok bool, err error) {
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		now := ch.Now.Unix()
		if ch.ResetTokenHash != "" {
			res, err := tx.ExecContext(ctx, `UPDATE password_reset SET used_at = $1
				WHERE token_hash = $2 AND customer_id = $3 AND used_at = 0 AND expires_at > $1`, now, ch.ResetTokenHash, ch.CustomerID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return err
			}
			// A completed reset is the owner's way back (issue 14 item 3): every lock and
			// throttle count on the account ends, those of the attackers' addresses too,
			// and the new password signs in at once.
			if err := clearLocks(ctx, tx, auth.UserTypeCustomer, ch.CustomerID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE token_request_log SET failures_count = 0 WHERE user_name = $1 AND user_type = $2`,
				ch.ThrottleName, auth.UserTypeCustomer); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customer SET password_hash = $1, updated_at = $2 WHERE id = $3`, ch.Hash, now, ch.CustomerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_reset SET used_at = $1 WHERE customer_id = $2 AND used_at = 0`, now, ch.CustomerID); err != nil {
			return err
		}
		if err := d.revoke(ctx, tx, ch.Revoke); err != nil {
			return err
		}
		ok = true
		return nil
	})
	d.cache.changedID(ch.CustomerID)
	if err != nil {
		return false, fmt.Errorf("set password of %d: %w", ch.CustomerID, err)
	}
	return ok, nil
}

// SetConfirmation sets (or with "" clears) a customer's pending confirmation key.
func (d *DB) SetConfirmation(ctx context.Context, id int64, key string) error {
	_, err := d.write.ExecContext(ctx, `UPDATE customer SET confirmation = $1, updated_at = $2 WHERE id = $3`, key, time.Now().Unix(), id)
	d.cache.changedID(id)
	return err
}

// Send queues a message in the outbox (auth.Mailer).
func (d *DB) Send(ctx context.Context, m auth.Mail) error {
	return insertMail(ctx, d.write, m)
}

// QueueMailLimited queues m unless max messages of its template went to its address
// after since; the count and the insert are one transaction.
func (d *DB) QueueMailLimited(ctx context.Context, m auth.Mail, since time.Time, max int) (ok bool, err error) {
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.dl.lock(ctx, tx, "mail_outbox "+m.Template+"\x00"+m.To); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM mail_outbox WHERE to_addr = $1 AND template = $2 AND created_at > $3`,
			m.To, m.Template, since.Unix()).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return nil
		}
		ok = true
		return insertMail(ctx, tx, m)
	})
	return ok, err
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertMail(ctx context.Context, ex execer, m auth.Mail) error {
	vars, err := json.Marshal(m.Vars)
	if err != nil {
		return err
	}
	if m.Vars == nil {
		vars = []byte("{}")
	}
	created := m.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	_, err = ex.ExecContext(ctx, `INSERT INTO mail_outbox (to_addr, subject, template, vars_json, created_at) VALUES ($1, $2, $3, $4, $5)`,
		m.To, m.Subject, m.Template, string(vars), created.Unix())
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
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
	rows, err := d.read.QueryContext(ctx, `SELECT * FROM (SELECT `+mailColumns+` FROM mail_outbox ORDER BY id DESC LIMIT $1) AS newest ORDER BY id`, limit)
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
		rows, err := tx.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_outbox WHERE sent_at = 0 AND next_attempt_at <= $1 ORDER BY id LIMIT $2`+d.dl.skipLocked, now.Unix(), limit)
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
			if _, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET next_attempt_at = $1 WHERE id = $2`, leaseUntil.Unix(), m.ID); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return out, err
}

// MarkMailSent records that an SMTP server accepted the message.
func (d *DB) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	_, err := d.write.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, last_error = '' WHERE id = $2`, at.Unix(), id)
	return err
}

// MarkMailFailed records a failed attempt and when to try again.
func (d *DB) MarkMailFailed(ctx context.Context, id int64, msg string, next time.Time) error {
	_, err := d.write.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3`,
		msg, next.Unix(), id)
	return err
}
