package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"shopauth/auth"
)

// Subscribe records email as subscribed, linked to the account with that address if
// there is one, in one statement: it reports false, changing nothing, when the address
// was subscribed already.
func (d *DB) Subscribe(ctx context.Context, email string, now time.Time) (bool, error) {
	var id int64
	err := d.write.QueryRowContext(ctx, `INSERT INTO newsletter_subscriber (email, customer_id, status, changed_at)
		VALUES ($1, (SELECT id FROM customer WHERE lower(email) = $1), $2, $3)
		ON CONFLICT (email) DO UPDATE SET status = excluded.status, customer_id = excluded.customer_id, changed_at = excluded.changed_at
		WHERE newsletter_subscriber.status <> excluded.status
		RETURNING id`, strings.ToLower(email), auth.SubscriptionSubscribed, now.Unix()).Scan(&id)
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
	_, err := d.write.ExecContext(ctx, `INSERT INTO newsletter_subscriber (email, customer_id, status, changed_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (email) DO UPDATE SET status = excluded.status, customer_id = excluded.customer_id, changed_at = excluded.changed_at`,
		strings.ToLower(email), customerID, status, now.Unix())
	return err
}

// SubscriptionStatus returns the status of email's subscription, 0 when it has none.
func (d *DB) SubscriptionStatus(ctx context.Context, email string) (int, error) {
	var status int
	err := d.read.QueryRowContext(ctx, `SELECT status FROM newsletter_subscriber WHERE email = $1`, strings.ToLower(email)).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return status, err
}

// MoveSubscription carries a customer's subscription to the address the account
// changed to, replacing whatever row the new address had.
func (d *DB) MoveSubscription(ctx context.Context, customerID int64, oldEmail, newEmail string) error {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	newEmail, oldEmail = strings.ToLower(newEmail), strings.ToLower(oldEmail)
	if newEmail == oldEmail {
		return nil
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM newsletter_subscriber WHERE email = $1`, oldEmail).Scan(&n); err != nil || n == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM newsletter_subscriber WHERE email = $1`, newEmail); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE newsletter_subscriber SET email = $1, customer_id = $2 WHERE email = $3`,
		newEmail, customerID, oldEmail); err != nil {
		return err
	}
	return tx.Commit()
}
