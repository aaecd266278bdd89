package storetest

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
)

// testRetireAdmin: the admin list, and locking or deactivating admins never leaves none
// who can sign in, also when two instances retire two admins at once.
func testRetireAdmin(t *testing.T, a, b *db.DB) {
	now := time.Unix(1700000000, 0)
	var ids []int64
	for _, name := range []string{"one", "two"} {
		ad := &auth.Admin{Username: name, Email: name + "@example.com", PasswordHash: "h", Active: true, CreatedAt: now}
		if err := a.CreateAdmin(ctx, ad); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ad.ID)
	}
	list, err := b.ListAdmins(ctx)
	if err != nil || len(list) != 2 || list[0].Username != "one" || list[1].Username != "two" || !list[1].Active {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := a.RetireAdmin(ctx, 999, time.Time{}, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("unknown admin: %v", err)
	}
	// Two at once on two handles, each retiring the other: one goes through.
	for round, lock := range []bool{false, true} {
		var ok, last atomic.Int32
		parallel(100, func(i int) {
			var until time.Time
			if lock {
				until = now.Add(time.Hour)
			}
			switch err := pick(i, a, b).RetireAdmin(ctx, ids[i%2], until, now); {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, auth.ErrLastAdmin):
				last.Add(1)
			default:
				t.Error(err)
			}
		})
		able := 0
		list, _ := a.ListAdmins(ctx)
		for _, x := range list {
			if x.Active && !x.LockExpires.After(now) {
				able++
			}
		}
		if able != 1 || ok.Load() == 0 || last.Load() == 0 {
			t.Fatalf("round %d: %d admins can sign in; %d changes, %d refusals", round, able, ok.Load(), last.Load())
		}
		// Back for the next round: both active and unlocked.
		for _, id := range ids {
			if err := b.SetAdminActive(ctx, id, true); err != nil {
				t.Fatal(err)
			}
			if err := b.ResetAdminLoginFailures(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A lock that has ended counts as none.
	if err := a.LockAdmin(ctx, ids[0], now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := b.RetireAdmin(ctx, ids[1], now.Add(time.Hour), now); err != nil {
		t.Fatalf("lock beside an admin whose lock ended: %v", err)
	}
	got, _ := a.AdminByID(ctx, ids[1])
	if got.LockExpires.Unix() != now.Add(time.Hour).Unix() || !got.Active {
		t.Errorf("locked admin: %+v", got)
	}
}
