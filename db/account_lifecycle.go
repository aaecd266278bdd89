package db

import (
	"context"
	"database/sql"

	"shopauth/auth"
)

// ChangeEmail gives a customer a new email in one transaction with what goes with it
// (auth.EmailChange): unused reset links end, a pending confirmation key is replaced,
// the notice to the old address is queued.
func (d *DB) ChangeEmail(ctx context.Context, ch auth.EmailChange) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE customer SET email = $1, email_key = $2, updated_at = $3,
			confirmation = CASE WHEN confirmation = '' THEN '' ELSE $4 END WHERE id = $5`,
			ch.NewEmail, auth.EmailKey(ch.NewEmail), ch.Now.Unix(), ch.NewConfirmation, ch.CustomerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return auth.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_reset SET used_at = $1 WHERE customer_id = $2 AND used_at = 0`,
			ch.Now.Unix(), ch.CustomerID); err != nil {
			return err
		}
		return insertMail(ctx, tx, ch.Notice)
	})
	d.cache.changedID(ch.CustomerID)
	if d.dl.isUniqueViolation(err) {
		return auth.ErrDuplicate
	}
	return err
}

// RemoveCustomer deletes a customer and everything of it in one transaction
// (auth.AccountRemoval). Addresses, one-time codes, reset links and attribute values go
// with the row (ON DELETE CASCADE).
func (d *DB) RemoveCustomer(ctx context.Context, r auth.AccountRemoval) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.revoke(ctx, tx, r.Revoke); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM token_request_log WHERE user_name = $1 AND user_type = $2`,
			r.ThrottleName, auth.UserTypeCustomer); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_lock WHERE user_type = $1 AND user_id = $2`,
			auth.UserTypeCustomer, r.CustomerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mail_outbox WHERE lower(to_addr) = lower($1)`, r.Email); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET username = '', remote_addr = '' WHERE customer_id = $1`,
			r.CustomerID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM customer WHERE id = $1`, r.CustomerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return auth.ErrNotFound
		}
		return nil
	})
	d.cache.changedID(r.CustomerID)
	return err
}
