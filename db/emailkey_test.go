package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
)

// TestEmailKeyUpgrade, on both engines: rows without an email_key (as a binary from
// before migration 0008 left them) get theirs when the database is opened, and two
// rows whose emails fold to one key keep both: the lower id keeps the address, the
// other gets a key no email has and a customer.email_conflict event.
func TestEmailKeyUpgrade(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			dsn := e.dsn(t)
			d, err := db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			for _, email := range []string{"émile@example.com", "two@example.com", "kelvin@example.com", "four@example.com"} {
				if err := d.CreateCustomer(ctx, &auth.Customer{Email: email, Firstname: "F", Lastname: "L", CreatedAt: time.Unix(1700000000, 0)}); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`UPDATE customer SET email = $1 WHERE id = $2`, []any{"ÉMILE@example.com", 2}},
				{`UPDATE customer SET email = $1 WHERE id = $2`, []any{"\u212Aelvin@example.com", 4}},
				{`UPDATE customer SET email_key = NULL`, nil},
			} {
				if err := d.ExecForTest(ctx, q.sql, q.args...); err != nil {
					t.Fatal(err)
				}
			}
			d.Close()
			d, err = db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			for email, id := range map[string]int64{"émile@example.com": 1, "ÉMILE@EXAMPLE.COM": 1, "KELVIN@example.com": 3, "\u212Aelvin@example.com": 3} {
				if c, err := d.CustomerByEmail(ctx, email); err != nil || c.ID != id {
					t.Errorf("by %q: %+v %v, want customer %d", email, c, err, id)
				}
			}
			if _, err := d.CustomerByEmail(ctx, "two@example.com"); !errors.Is(err, auth.ErrNotFound) {
				t.Errorf("the old address of customer 2: %v", err)
			}
			ev, err := d.AuditList(ctx, db.AuditFilter{Event: auth.EventEmailConflict, Limit: 10})
			if err != nil || len(ev) != 2 || ev[0].CustomerID != 4 || ev[1].CustomerID != 2 ||
				ev[1].Detail != "same email as customer 1 after Unicode case folding; this account cannot sign in by email until its email changes" {
				t.Fatalf("conflict events %+v %v", ev, err)
			}
			// A profile change of the later account keeps its conflict key: no duplicate error.
			c, _ := d.CustomerByID(ctx, 2)
			c.Firstname = "Renamed"
			if err := d.UpdateCustomer(ctx, c); err != nil {
				t.Errorf("profile change of the later account: %v", err)
			}
			// Moving it to an address of its own makes it reachable again.
			c.Email = "emile.two@example.com"
			if err := d.UpdateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
			if got, err := d.CustomerByEmail(ctx, "Emile.Two@example.com"); err != nil || got.ID != 2 {
				t.Errorf("after its email changed: %+v %v", got, err)
			}
		})
	}
}
