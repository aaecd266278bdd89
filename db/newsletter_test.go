package db_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
)

// TestNewsletterMigration: on a database from before migration 0012, a customer whose
// row said is_subscribed becomes a subscription, found by any case of the address.
func TestNewsletterMigration(t *testing.T) {
	ctx := context.Background()
	path := sqliteDSN(t)
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c := &auth.Customer{Email: "Old.Sub@Example.com", Firstname: "O", Lastname: "S", IsSubscribed: true, CreatedAt: time.Now()}
	if err := d.CreateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := d.CreateCustomer(ctx, &auth.Customer{Email: "not@example.com", Firstname: "N", Lastname: "S", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	// Back to 0011: no subscriptions table, the flag on the customer row.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE newsletter_subscriber`, `DELETE FROM schema_migration WHERE version = 12`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()

	d, err = db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for email, want := range map[string]int{"old.sub@example.com": auth.SubscriptionSubscribed, "OLD.SUB@EXAMPLE.COM": auth.SubscriptionSubscribed, "not@example.com": 0} {
		if st, err := d.SubscriptionStatus(ctx, email); err != nil || st != want {
			t.Errorf("%s: %d %v, want %d", email, st, err, want)
		}
	}
}
