package db

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shopauth/auth"
)

// Subscribe records email as subscribed, linked to the account with that address if
// there is one, in one statement: it reports false, changing nothing, when the address
// was subscribed already.
func (d *DB) Subscribe(ctx context.Context, email string, now time.Time) (bool, error) {
	key := auth.EmailKey(email)
	var id int64
	err := d.write.QueryRowContext(ctx, `INSERT INTO newsletter_subscriber (email, email_key, customer_id, status, changed_at)
		VALUES ($1, $2, (SELECT id FROM customer WHERE email_key = $3), $4, $5)
		ON CONFLICT (email_key) DO UPDATE SET email = excluded.email, status = excluded.status,
			customer_id = excluded.customer_id, changed_at = excluded.changed_at
		WHERE newsletter_subscriber.status <> excluded.status
		RETURNING id`, email, key, key, auth.SubscriptionSubscribed, now.Unix()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// SetSubscription subscribes or unsubscribes the account customerID with address email.
func (d *DB) SetSubscription(ctx context.Context, customerID int64, email string, subscribed bool, now time.Time) error {
	status := auth.SubscriptionUnsubscribed
	if subscribed {
		status = auth.SubscriptionSubscribed
	}
	_, err := d.write.ExecContext(ctx, `INSERT INTO newsletter_subscriber (email, email_key, customer_id, status, changed_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (email_key) DO UPDATE SET email = excluded.email, status = excluded.status,
			customer_id = excluded.customer_id, changed_at = excluded.changed_at`,
		email, auth.EmailKey(email), customerID, status, now.Unix())
	return err
}

// SubscriptionStatus returns the status of email's subscription, 0 when it has none.
func (d *DB) SubscriptionStatus(ctx context.Context, email string) (int, error) {
	var status int
	err := d.read.QueryRowContext(ctx, `SELECT status FROM newsletter_subscriber WHERE email_key = $1`, auth.EmailKey(email)).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return status, err
}

// MoveSubscription carries a customer's subscription to the address the account
// changed to, replacing whatever row the new address had; nothing when the old
// address had none.
func (d *DB) MoveSubscription(ctx context.Context, customerID int64, oldEmail, newEmail string) error {
	oldKey, newKey := auth.EmailKey(oldEmail), auth.EmailKey(newEmail)
	if oldKey == newKey {
		_, err := d.write.ExecContext(ctx, `UPDATE newsletter_subscriber SET email = $1 WHERE email_key = $2`, newEmail, newKey)
		return err
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM newsletter_subscriber WHERE email_key = $1`+d.dl.forUpdate, oldKey).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM newsletter_subscriber WHERE email_key = $1`, newKey); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE newsletter_subscriber SET email = $1, email_key = $2, customer_id = $3 WHERE id = $4`,
			newEmail, newKey, customerID, id)
		return err
	})
}

// fillSubscriberKeys is migration 0012's Go step: subscriptions copied from customers
// whose email_key migration 0008's Go step had not written yet take it now.
func fillSubscriberKeys(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE newsletter_subscriber SET email_key =
		(SELECT email_key FROM customer WHERE customer.id = newsletter_subscriber.customer_id)
		WHERE email_key IS NULL AND customer_id IS NOT NULL`)
	return err
}
