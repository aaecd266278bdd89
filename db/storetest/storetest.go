// Package storetest is the conformance suite of shopauth's storage: every engine's
// test calls Run with a way to open a fresh database twice, so each case runs over two
// handles at once, as two instances of the service would.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
)

// Opener returns a DSN of a new, empty database for one test.
type Opener func(t *testing.T) string

// Run runs every case over two handles on one new database from newDSN.
func Run(t *testing.T, newDSN Opener) {
	cases := []struct {
		name string
		fn   func(t *testing.T, a, b *db.DB)
	}{
		{"Customers", testCustomers},
		{"CustomerFields", testCustomerFields},
		{"EmailCase", testEmailCase},
		{"Admins", testAdmins},
		{"RetireAdmin", testRetireAdmin},
		{"Settings", testSettings},
		{"Revocations", testRevocations},
		{"RevocationOrder", testRevocationOrder},
		{"RevocationWindow", testRevocationWindow},
		{"Throttle", testThrottle},
		{"Lockout", testLockout},
		{"OneTimeCodeOnce", testOneTimeCodeOnce},
		{"TOTPStepOnce", testTOTPStepOnce},
		{"ResetTokens", testResetTokens},
		{"MailLimit", testMailLimit},
		{"OutboxClaim", testOutboxClaim},
		{"AdminSessions", testAdminSessions},
		{"SearchAndAudit", testSearchAndAudit},
		{"Import", testImport},
		{"Addresses", testAddresses},
		{"CustomAttributes", testCustomAttributes},
		{"EmailChange", testEmailChange},
		{"RemoveCustomer", testRemoveCustomer},
		{"RateLimit", testRateLimit},
		{"Newsletter", testNewsletter},
		{"SigningKeys", testSigningKeys},
		{"SigningKeyLifetime", testSigningKeyLifetime},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dsn := newDSN(t)
			a := open(t, dsn)
			b := open(t, dsn)
			c.fn(t, a, b)
		})
	}
}

func open(t *testing.T, dsn string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

var ctx = context.Background()

// parallel runs fn n times at once and waits.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

// pick alternates between the two handles.
func pick(i int, a, b *db.DB) *db.DB {
	if i%2 == 0 {
		return a
	}
	return b
}

func newCustomer(t *testing.T, d *db.DB, email string) *auth.Customer {
	t.Helper()
	c := &auth.Customer{Email: email, Firstname: "Jane", Lastname: "Doe", GroupID: 1, CreatedAt: time.Unix(1700000000, 0), AllowAssistance: true}
	if err := d.CreateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// testCustomerFields: every field of a customer comes back as stored from each way of
// reading one (by id from the database, then from the cache; by email; streamed; listed),
// and a failed sign-in's counters from a read by id.
func testCustomerFields(t *testing.T, a, b *db.DB) {
	want := &auth.Customer{Email: "Émile@example.com", Firstname: "Émile", Lastname: "Zola", Middlename: "É",
		Prefix: "M.", Suffix: "Jr", DateOfBirth: "1840-04-02", Taxvat: "FR123", Gender: 1, IsSubscribed: true,
		AllowAssistance: true, GroupID: 3, CreatedAt: time.Unix(1700000000, 0).UTC(),
		PasswordHash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef:salt:3_32_2_67108864",
		Confirmation: "confirm-key"}
	if err := a.CreateCustomer(ctx, want); err != nil {
		t.Fatal(err)
	}
	plain := newCustomer(t, a, "plain@example.com") // every optional field empty or 0
	plain.CreatedAt = plain.CreatedAt.UTC()
	check := func(how string, got *auth.Customer, err error, want *auth.Customer) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got %+v %v\nwant %+v", how, got, err, want)
		}
	}
	for _, c := range []*auth.Customer{want, plain} {
		got, err := b.CustomerByID(ctx, c.ID)
		check("by id", got, err, c)
		got, err = b.CustomerByID(ctx, c.ID)
		check("by id again (cached)", got, err, c)
		got, err = a.CustomerByEmail(ctx, c.Email)
		check("by email", got, err, c)
	}
	var streamed []*auth.Customer
	if err := b.EachCustomer(ctx, func(c *auth.Customer) error { streamed = append(streamed, c); return nil }); err != nil || len(streamed) != 2 {
		t.Fatalf("EachCustomer: %d customers, %v", len(streamed), err)
	}
	check("streamed", streamed[0], nil, want)
	check("streamed", streamed[1], nil, plain)
	listed, n, err := a.ListCustomers(ctx, "", 0, 10)
	if err != nil || n != 2 || len(listed) != 2 {
		t.Fatalf("ListCustomers: %d of %d, %v", len(listed), n, err)
	}
	check("listed", &listed[1], nil, want)
	if _, err := b.CustomerByID(ctx, plain.ID+1000); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("a missing id: %v", err)
	}
}

func testCustomers(t *testing.T, a, b *db.DB) {
	c := newCustomer(t, a, "jane@example.com")
	if c.ID == 0 {
		t.Fatal("no id")
	}
	got, err := b.CustomerByID(ctx, c.ID)
	if err != nil || got.Email != "jane@example.com" || got.Firstname != "Jane" || !got.AllowAssistance {
		t.Fatalf("by id on the other handle: %+v %v", got, err)
	}
	c.Firstname, c.Gender, c.IsSubscribed = "Janet", 2, true
	if err := b.UpdateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := a.RefreshCache(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.CustomerByID(ctx, c.ID); got.Firstname != "Janet" || got.Gender != 2 || !got.IsSubscribed {
		t.Fatalf("a sees %+v after b's update and a refresh", got)
	}
	other := newCustomer(t, b, "other@example.com")
	if other.ID == c.ID {
		t.Fatal("same id twice")
	}
	other.Email = "jane@example.com"
	if err := a.UpdateCustomer(ctx, other); !errors.Is(err, auth.ErrDuplicate) {
		t.Fatalf("update to a taken email: %v", err)
	}
	if err := a.UpdateCustomer(ctx, &auth.Customer{ID: 999999, Email: "x@example.com"}); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("update of a missing customer: %v", err)
	}
	if err := b.SetPasswordHash(ctx, c.ID, "h1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.CustomerByEmail(ctx, "jane@example.com"); got.PasswordHash != "h1" {
		t.Fatalf("hash %q", got.PasswordHash)
	}
	if err := a.DeleteCustomer(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.RefreshCache(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CustomerByID(ctx, c.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("deleted customer: %v", err)
	}
	// 100 parallel creations of one address from two handles: exactly one wins.
	var won, dup atomic.Int32
	parallel(100, func(i int) {
		err := pick(i, a, b).CreateCustomer(ctx, &auth.Customer{Email: "race@example.com", Firstname: "R", Lastname: "R", CreatedAt: time.Now()})
		switch {
		case err == nil:
			won.Add(1)
		case errors.Is(err, auth.ErrDuplicate):
			dup.Add(1)
		default:
			t.Error(err)
		}
	})
	if won.Load() != 1 || dup.Load() != 99 {
		t.Fatalf("parallel creations: %d won, %d duplicate", won.Load(), dup.Load())
	}
}

// testEmailCase: an address matches whatever its letter case, on both engines alike.
func testEmailCase(t *testing.T, a, b *db.DB) {
	newCustomer(t, a, "Mixed.Case@Example.com")
	for _, e := range []string{"mixed.case@example.com", "MIXED.CASE@EXAMPLE.COM", "Mixed.Case@Example.com"} {
		if c, err := b.CustomerByEmail(ctx, e); err != nil || c.Email != "Mixed.Case@Example.com" {
			t.Errorf("by %q: %+v %v", e, c, err)
		}
	}
	if err := b.CreateCustomer(ctx, &auth.Customer{Email: "MIXED.case@example.COM", Firstname: "x", Lastname: "y", CreatedAt: time.Now()}); !errors.Is(err, auth.ErrDuplicate) {
		t.Fatalf("same address in other case: %v", err)
	}
	// Beyond ASCII, by auth.EmailKey: accents in either case or decomposed, the Kelvin sign.
	emile := newCustomer(t, a, "Émile@Example.com")
	newCustomer(t, a, "kelvin@example.com")
	for _, e := range []string{"émile@example.com", "ÉMILE@EXAMPLE.COM", "e\u0301mile@example.com"} {
		if c, err := b.CustomerByEmail(ctx, e); err != nil || c.ID != emile.ID {
			t.Errorf("by %q: %+v %v", e, c, err)
		}
	}
	for _, dup := range []string{"ÉMILE@example.com", "\u212Aelvin@example.com"} {
		if err := b.CreateCustomer(ctx, &auth.Customer{Email: dup, Firstname: "x", Lastname: "y", CreatedAt: time.Now()}); !errors.Is(err, auth.ErrDuplicate) {
			t.Errorf("create %q: %v, want a duplicate", dup, err)
		}
	}
	// A profile change keeps the key; moving to another account's address is a duplicate.
	emile.Firstname = "Émile"
	if err := b.UpdateCustomer(ctx, emile); err != nil {
		t.Fatal(err)
	}
	emile.Email = "\u212AELVIN@example.com"
	if err := a.UpdateCustomer(ctx, emile); !errors.Is(err, auth.ErrDuplicate) {
		t.Errorf("email moved onto kelvin@: %v", err)
	}
}

func testAdmins(t *testing.T, a, b *db.DB) {
	ad := &auth.Admin{Username: "Boss", Email: "boss@example.com", Firstname: "B", Lastname: "B", PasswordHash: "h", Active: true, CreatedAt: time.Unix(1700000000, 0)}
	if err := a.CreateAdmin(ctx, ad); err != nil || ad.ID == 0 {
		t.Fatalf("create admin: %v %d", err, ad.ID)
	}
	if err := b.CreateAdmin(ctx, &auth.Admin{Username: "boss", Email: "x@example.com", PasswordHash: "h", CreatedAt: time.Now()}); !errors.Is(err, auth.ErrDuplicate) {
		t.Fatalf("duplicate username: %v", err)
	}
	// Usernames ignore ASCII case only, on both engines alike (SQLite's NOCASE).
	uml := &auth.Admin{Username: "Ärger", Email: "u@example.com", PasswordHash: "h", Active: true, CreatedAt: time.Now()}
	if err := a.CreateAdmin(ctx, uml); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateAdmin(ctx, &auth.Admin{Username: "ärger", Email: "v@example.com", PasswordHash: "h", CreatedAt: time.Now()}); err != nil {
		t.Fatalf("ärger beside Ärger: %v", err)
	}
	if got, err := b.AdminByUsername(ctx, "ÄRGER"); err != nil || got.ID != uml.ID {
		t.Fatalf("ÄRGER: %+v %v", got, err)
	}
	got, err := b.AdminByUsername(ctx, "BOSS")
	if err != nil || got.ID != ad.ID || !got.Active {
		t.Fatalf("by username: %+v %v", got, err)
	}
	if err := b.SetAdminPasswordHash(ctx, ad.ID, "h2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.AdminByID(ctx, ad.ID); got.PasswordHash != "h2" {
		t.Fatalf("hash %q", got.PasswordHash)
	}
	// Of parallel first 2FA setups on two instances, one stores its secret.
	var set atomic.Int32
	parallel(20, func(i int) {
		ok, err := pick(i, a, b).SetAdminTOTPSecretIfNone(ctx, ad.ID, fmt.Sprintf("SECRET%d", i))
		if err != nil {
			t.Error(err)
		}
		if ok {
			set.Add(1)
		}
	})
	if set.Load() != 1 {
		t.Fatalf("%d setups stored a secret", set.Load())
	}
}

func testSettings(t *testing.T, a, b *db.DB) {
	v0, err := b.SettingsVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetSetting(ctx, "web/cookie/cookie_lifetime", "3600"); err != nil {
		t.Fatal(err)
	}
	v1, _ := b.SettingsVersion(ctx)
	if v1 == v0 {
		t.Fatal("version did not change on the other handle")
	}
	m, _ := b.LoadSettings(ctx)
	if m["web/cookie/cookie_lifetime"] != "3600" {
		t.Fatalf("settings %v", m)
	}
	if err := b.SetSettingIfUnset(ctx, "web/cookie/cookie_lifetime", "1"); err != nil {
		t.Fatal(err)
	}
	if m, _ := a.LoadSettings(ctx); m["web/cookie/cookie_lifetime"] != "3600" {
		t.Fatalf("SetSettingIfUnset overwrote: %v", m)
	}
	// Parallel writes from two handles: every version a reader sees is one whose
	// settings it can load, and the last version reflects every write.
	parallel(40, func(i int) {
		if err := pick(i, a, b).SetSetting(ctx, fmt.Sprintf("test/path/%d", i), "v"); err != nil {
			t.Error(err)
		}
	})
	m, _ = a.LoadSettings(ctx)
	for i := range 40 {
		if m[fmt.Sprintf("test/path/%d", i)] != "v" {
			t.Fatalf("write %d lost", i)
		}
	}
}

func testRevocations(t *testing.T, a, b *db.DB) {
	if err := a.Revoke(ctx, auth.Revocation{UserType: 3, UserID: 7, BeforeMicro: 2000}); err != nil {
		t.Fatal(err)
	}
	revs, seq, err := b.RevocationsSince(ctx, 0)
	if err != nil || len(revs) != 1 || revs[0].BeforeMicro != 2000 || seq == 0 {
		t.Fatalf("since 0: %v %d %v", revs, seq, err)
	}
	// An older revocation never moves the time back, but is still a change.
	if err := b.Revoke(ctx, auth.Revocation{UserType: 3, UserID: 7, BeforeMicro: 1000}); err != nil {
		t.Fatal(err)
	}
	revs, seq2, _ := a.RevocationsSince(ctx, seq)
	if len(revs) != 1 || revs[0].BeforeMicro != 2000 || seq2 <= seq {
		t.Fatalf("after an older revocation: %v %d", revs, seq2)
	}
	if revs, _, _ := a.RevocationsSince(ctx, seq2); len(revs) != 0 {
		t.Fatalf("nothing new, got %v", revs)
	}
}

// testRevocationWindow: a server loads only revocations made from a time on, and looks
// an older one up by user.
func testRevocationWindow(t *testing.T, a, b *db.DB) {
	for i, us := range []int64{1000, 5000, 9000} {
		if err := a.Revoke(ctx, auth.Revocation{UserType: 3, UserID: int64(i + 1), BeforeMicro: us}); err != nil {
			t.Fatal(err)
		}
	}
	revs, seq, err := b.RevocationsFrom(ctx, 5000)
	if err != nil || len(revs) != 2 || seq == 0 {
		t.Fatalf("from 5000: %v %d %v", revs, seq, err)
	}
	for _, r := range revs {
		if r.BeforeMicro < 5000 || r.UserType != 3 {
			t.Fatalf("from 5000: %v", revs)
		}
	}
	if since, _, _ := b.RevocationsSince(ctx, seq); len(since) != 0 {
		t.Fatalf("seq of RevocationsFrom is not the high-water mark: %v", since)
	}
	if us, err := b.RevocationBefore(ctx, 3, 1); err != nil || us != 1000 {
		t.Fatalf("user 1: %d %v", us, err)
	}
	if us, err := b.RevocationBefore(ctx, 3, 99); err != nil || us != 0 {
		t.Fatalf("never revoked: %d %v", us, err)
	}
	if us, _ := b.RevocationBefore(ctx, 2, 1); us != 0 {
		t.Fatalf("an admin with a revoked customer's id: %d", us)
	}
}

// testRevocationOrder: writers on two handles revoke 400 users while a poller reads
// RevocationsSince from its high-water mark, as every instance does: the poller must
// see every revocation (a sequence number read out of order would hide one forever).
func testRevocationOrder(t *testing.T, a, b *db.DB) {
	const n = 400
	var done atomic.Bool
	seen := map[int64]bool{}
	var pollErr error
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		var seq int64
		for {
			last := done.Load()
			revs, s, err := b.RevocationsSince(ctx, seq)
			if err != nil {
				pollErr = err
				return
			}
			for _, r := range revs {
				seen[r.UserID] = true
			}
			seq = s
			if last {
				return
			}
		}
	}()
	parallel(n, func(i int) {
		if err := pick(i, a, b).Revoke(ctx, auth.Revocation{UserType: 3, UserID: int64(i + 1), BeforeMicro: time.Now().UnixMicro()}); err != nil {
			t.Error(err)
		}
	})
	done.Store(true)
	<-pollDone
	if pollErr != nil {
		t.Fatal(pollErr)
	}
	if len(seen) != n {
		t.Fatalf("the poller saw %d of %d revocations", len(seen), n)
	}
}

// begins runs n parallel BeginAttempt calls of a on both handles and counts the results.
func begins(t *testing.T, a, b *db.DB, n int, at auth.Attempt) map[auth.AttemptResult]int {
	t.Helper()
	var mu sync.Mutex
	got := map[auth.AttemptResult]int{}
	parallel(n, func(i int) {
		res, err := pick(i, a, b).BeginAttempt(ctx, at)
		if err != nil {
			t.Error(err)
		}
		mu.Lock()
		got[res]++
		mu.Unlock()
	})
	return got
}

// testThrottle: 100 parallel token requests for one name from one address, on two
// handles: exactly max are let through (the rest wait, busy); once they fail the name
// is throttled from that address, not from another; a reset ends it.
func testThrottle(t *testing.T, a, b *db.DB) {
	now := time.Unix(1700000000, 0)
	at := auth.Attempt{UserType: 3, Name: "jane@example.com", Addr: "203.0.113.7", Now: now,
		Throttle: auth.Lockout{MaxFailures: 6, Window: time.Hour}}
	if got := begins(t, a, b, 100, at); got[auth.AttemptAllowed] != 6 || got[auth.AttemptBusy] != 94 {
		t.Fatalf("100 parallel, max 6: %v", got)
	}
	parallel(6, func(i int) {
		if _, err := pick(i, a, b).FailAttempt(ctx, at); err != nil {
			t.Error(err)
		}
	})
	if got := begins(t, a, b, 20, at); got[auth.AttemptThrottled] != 20 {
		t.Fatalf("after 6 failures: %v", got)
	}
	for _, c := range []struct {
		max  int
		want bool
	}{{6, true}, {7, false}} {
		if got, err := a.Throttled(ctx, "jane@example.com", 3, now, c.max); err != nil || got != c.want {
			t.Fatalf("6 failures, max %d: throttled %v %v", c.max, got, err)
		}
	}
	// The admin page's list: which names are held (from any address), until when.
	if got, err := b.ThrottledUntil(ctx, []string{"jane@example.com", "nobody@example.com"}, 3, now, 6); err != nil ||
		len(got) != 1 || !got["jane@example.com"].Equal(now.Add(time.Hour)) {
		t.Fatalf("ThrottledUntil: %v %v", got, err)
	}
	if got, err := a.ThrottledUntil(ctx, []string{"jane@example.com"}, 3, now, 7); err != nil || len(got) != 0 {
		t.Fatalf("ThrottledUntil under the max: %v %v", got, err)
	}
	other := at
	other.Addr = "198.51.100.1"
	if res, err := b.BeginAttempt(ctx, other); err != nil || res != auth.AttemptAllowed {
		t.Fatalf("another address: %v %v", res, err)
	}
	if err := a.EndThrottle(ctx, other, false, true); err != nil {
		t.Fatal(err)
	}
	later := at
	later.Now = now.Add(2 * time.Hour)
	if res, _ := b.BeginAttempt(ctx, later); res != auth.AttemptAllowed {
		t.Fatalf("after the lock ran out: %v", res)
	}
	if err := a.EndThrottle(ctx, later, false, false); err != nil {
		t.Fatal(err)
	}
	if err := b.ResetThrottle(ctx, "jane@example.com", 3); err != nil {
		t.Fatal(err)
	}
	if res, _ := a.BeginAttempt(ctx, at); res != auth.AttemptAllowed {
		t.Fatalf("after reset: %v", res)
	}
}

// testLockout: Magento's lock per account and address, and the cap over every address,
// under 100 parallel attempts on two handles.
func testLockout(t *testing.T, a, b *db.DB) {
	c := newCustomer(t, a, "lock@example.com")
	now := time.Unix(1700000000, 0)
	at := auth.Attempt{UserType: 3, UserID: c.ID, Addr: "203.0.113.7", Now: now,
		Lock: auth.Lockout{MaxFailures: 10, Window: time.Hour}, Cap: auth.Lockout{MaxFailures: 15, Window: time.Hour}}
	if got := begins(t, a, b, 100, at); got[auth.AttemptAllowed] != 10 || got[auth.AttemptBusy] != 90 {
		t.Fatalf("100 parallel, max 10: %v", got)
	}
	var locked, newly atomic.Int32
	parallel(10, func(i int) {
		res, err := pick(i, a, b).FailAttempt(ctx, at)
		if err != nil {
			t.Error(err)
		}
		if res.Locked {
			locked.Add(1)
		}
		if res.NewlyLocked {
			newly.Add(1)
		}
		if res.LockedEverywhere {
			t.Error("locked everywhere after 10 of 15")
		}
	})
	if newly.Load() != 1 || locked.Load() != 1 {
		t.Fatalf("10 failures, max 10: %d newly locked, %d locked", newly.Load(), locked.Load())
	}
	if got := begins(t, a, b, 10, at); got[auth.AttemptLocked] != 10 {
		t.Fatalf("locked address: %v", got)
	}
	if l, err := b.LockedAt(ctx, 3, c.ID, at.Addr, now); err != nil || !l {
		t.Fatalf("LockedAt: %v %v", l, err)
	}
	b.RefreshCache(ctx)
	if got, _ := b.CustomerByID(ctx, c.ID); got.FailuresNum != 10 || !got.Locked(now) || !got.AddrLockUntil.After(now) || got.LockExpires.After(now) {
		t.Fatalf("customer %+v", got)
	}
	// From other addresses the account is open, until the cap (15) is reached.
	for i := range 5 {
		o := at
		o.Addr = fmt.Sprintf("198.51.100.%d", i)
		if l, _ := a.LockedAt(ctx, 3, c.ID, o.Addr, now); l {
			t.Fatal("another address locked")
		}
		if res, err := pick(i, a, b).BeginAttempt(ctx, o); err != nil || res != auth.AttemptAllowed {
			t.Fatalf("address %d: %v %v", i, res, err)
		}
		res, err := pick(i, b, a).FailAttempt(ctx, o)
		if err != nil || res.LockedEverywhere != (i == 4) {
			t.Fatalf("failure %d from another address: %+v %v", 11+i, res, err)
		}
	}
	o := at
	o.Addr = "192.0.2.1"
	if res, _ := a.BeginAttempt(ctx, o); res != auth.AttemptLocked {
		t.Fatalf("after the cap: %v", res)
	}
	if err := b.ResetLoginFailures(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	a.RefreshCache(ctx)
	if got, _ := a.CustomerByID(ctx, c.ID); got.FailuresNum != 0 || got.Locked(now) {
		t.Fatalf("after reset %+v", got)
	}
	if res, _ := a.BeginAttempt(ctx, at); res != auth.AttemptAllowed {
		t.Fatalf("after reset: %v", res)
	}
	if err := b.PasswordRight(ctx, at); err != nil {
		t.Fatal(err)
	}
}

func testOneTimeCodeOnce(t *testing.T, a, b *db.DB) {
	c := newCustomer(t, a, "otc@example.com")
	now := time.Unix(1700000000, 0)
	if err := a.CreateOneTimeCode(ctx, auth.OneTimeCode{Hash: "h", CustomerID: c.ID, AdminID: 4, Reason: "why", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	var wins atomic.Int32
	parallel(100, func(i int) {
		admin, reason, ok, err := pick(i, a, b).ConsumeOneTimeCode(ctx, "h", c.ID, now)
		if err != nil {
			t.Error(err)
		}
		if ok {
			wins.Add(1)
			if admin != 4 || reason != "why" {
				t.Errorf("consumed: %d %q", admin, reason)
			}
		}
	})
	if wins.Load() != 1 {
		t.Fatalf("code used %d times", wins.Load())
	}
	// Read without using it (the audit log's reason for a refused exchange).
	code, usedAt, err := b.OneTimeCodeByHash(ctx, "h")
	if err != nil || code.CustomerID != c.ID || code.AdminID != 4 || code.Reason != "why" || !code.ExpiresAt.Equal(now.Add(time.Minute)) || !usedAt.Equal(now) {
		t.Errorf("OneTimeCodeByHash: %+v used %v, %v", code, usedAt, err)
	}
	if _, _, err := a.OneTimeCodeByHash(ctx, "nope"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
}

func testTOTPStepOnce(t *testing.T, a, b *db.DB) {
	ad := &auth.Admin{Username: "totp", Email: "t@example.com", PasswordHash: "h", Active: true, CreatedAt: time.Now()}
	if err := a.CreateAdmin(ctx, ad); err != nil {
		t.Fatal(err)
	}
	var wins atomic.Int32
	parallel(100, func(i int) {
		ok, err := pick(i, a, b).UseTOTPStep(ctx, ad.ID, 5000)
		if err != nil {
			t.Error(err)
		}
		if ok {
			wins.Add(1)
		}
	})
	if wins.Load() != 1 {
		t.Fatalf("step used %d times", wins.Load())
	}
	if ok, _ := b.UseTOTPStep(ctx, ad.ID, 4999); ok {
		t.Fatal("an earlier step after a later one")
	}
}

func testResetTokens(t *testing.T, a, b *db.DB) {
	c := newCustomer(t, a, "reset@example.com")
	now := time.Unix(1700000000, 0)
	var ok atomic.Int32
	parallel(100, func(i int) {
		d := pick(i, a, b)
		created, err := d.CreateResetToken(ctx, auth.ResetToken{Hash: fmt.Sprintf("t%d", i), CustomerID: c.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
			now.Add(-time.Hour), 5, auth.Mail{To: c.Email, Subject: "s", Template: "reset", CreatedAt: now})
		if err != nil {
			t.Error(err)
		}
		if created {
			ok.Add(1)
		}
	})
	if ok.Load() != 5 {
		t.Fatalf("%d of 100 parallel reset requests got a token, want 5", ok.Load())
	}
	var live []string
	for i := range 100 {
		if u, _ := b.ResetTokenUsable(ctx, fmt.Sprintf("t%d", i), c.ID, now); u {
			live = append(live, fmt.Sprintf("t%d", i))
		}
	}
	if len(live) != 1 {
		t.Fatalf("live reset tokens %v, want only the newest", live)
	}
	mails, _ := a.ListMail(ctx, 100)
	if len(mails) != 5 {
		t.Fatalf("%d mails queued", len(mails))
	}
	var used atomic.Int32
	parallel(50, func(i int) {
		if u, err := pick(i, a, b).ConsumeResetToken(ctx, live[0], c.ID, now); err != nil {
			t.Error(err)
		} else if u {
			used.Add(1)
		}
	})
	if used.Load() != 1 {
		t.Fatalf("reset token used %d times", used.Load())
	}
	// SetPassword with a used token changes nothing; a password change revokes.
	if ok, err := a.SetPassword(ctx, auth.PasswordChange{CustomerID: c.ID, Hash: "new", ResetTokenHash: live[0], Now: now,
		Revoke: auth.Revocation{UserType: 3, UserID: c.ID, BeforeMicro: now.UnixMicro()}}); ok || err != nil {
		t.Fatalf("set password with a used token: %v %v", ok, err)
	}
	if ok, err := b.SetPassword(ctx, auth.PasswordChange{CustomerID: c.ID, Hash: "new", Now: now,
		Revoke: auth.Revocation{UserType: 3, UserID: c.ID, BeforeMicro: now.UnixMicro()}}); !ok || err != nil {
		t.Fatalf("set password: %v %v", ok, err)
	}
	if revs, _, _ := a.RevocationsSince(ctx, 0); len(revs) != 1 || revs[0].UserID != c.ID {
		t.Fatalf("revocations %v", revs)
	}
}

func testMailLimit(t *testing.T, a, b *db.DB) {
	now := time.Unix(1700000000, 0)
	var ok atomic.Int32
	parallel(100, func(i int) {
		queued, err := pick(i, a, b).QueueMailLimited(ctx, auth.Mail{To: "x@example.com", Subject: "s", Template: "confirm", CreatedAt: now}, now.Add(-time.Hour), 5)
		if err != nil {
			t.Error(err)
		}
		if queued {
			ok.Add(1)
		}
	})
	if ok.Load() != 5 {
		t.Fatalf("%d of 100 parallel limited mails queued, want 5", ok.Load())
	}
}

// testOutboxClaim: two handles claim due mail at once, many times over; each message
// is handed to exactly one of them.
func testOutboxClaim(t *testing.T, a, b *db.DB) {
	now := time.Unix(1700000000, 0)
	const n = 150
	for i := range n {
		if err := a.Send(ctx, auth.Mail{To: fmt.Sprintf("m%d@example.com", i), Subject: "s", Template: "t", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	claimed := map[int64]int{}
	parallel(8, func(i int) {
		d := pick(i, a, b)
		for {
			ms, err := d.ClaimDueMail(ctx, now, now.Add(time.Minute), 7)
			if err != nil {
				t.Error(err)
				return
			}
			if len(ms) == 0 {
				return
			}
			mu.Lock()
			for _, m := range ms {
				claimed[m.ID]++
			}
			mu.Unlock()
			for _, m := range ms {
				if err := d.MarkMailSent(ctx, m.ID, now); err != nil {
					t.Error(err)
				}
			}
		}
	})
	var twice []int64
	for id, k := range claimed {
		if k != 1 {
			twice = append(twice, id)
		}
	}
	sort.Slice(twice, func(i, j int) bool { return twice[i] < twice[j] })
	if len(claimed) != n || len(twice) != 0 {
		t.Fatalf("%d of %d mails claimed; claimed more than once: %v", len(claimed), n, twice)
	}
	// A lease that runs out (the claiming instance died) hands the mail out again.
	if err := b.Send(ctx, auth.Mail{To: "late@example.com", Subject: "s", Template: "t", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	ms, _ := a.ClaimDueMail(ctx, now, now.Add(time.Minute), 10)
	if len(ms) != 1 {
		t.Fatalf("claimed %d", len(ms))
	}
	if again, _ := b.ClaimDueMail(ctx, now.Add(30*time.Second), now.Add(2*time.Minute), 10); len(again) != 0 {
		t.Fatalf("claimed during the lease: %v", again)
	}
	if again, _ := b.ClaimDueMail(ctx, now.Add(time.Minute), now.Add(2*time.Minute), 10); len(again) != 1 || again[0].ID != ms[0].ID {
		t.Fatalf("not claimed again after the lease: %v", again)
	}
	if err := a.MarkMailFailed(ctx, ms[0].ID, "boom", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	list, _ := b.ListMail(ctx, 1)
	if len(list) != 1 || list[0].LastError != "boom" || list[0].Attempts != 1 {
		t.Fatalf("list %+v", list)
	}
}

func testAdminSessions(t *testing.T, a, b *db.DB) {
	ad := &auth.Admin{Username: "sess", Email: "s@example.com", PasswordHash: "h", Active: true, CreatedAt: time.Now()}
	if err := a.CreateAdmin(ctx, ad); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1700000000, 0)
	if err := a.CreateAdminSession(ctx, auth.AdminSession{IDHash: "s1", AdminID: ad.ID, CSRF: "c", CreatedAt: now, LastSeen: now}, time.Hour); err != nil {
		t.Fatal(err)
	}
	s, err := b.TouchAdminSession(ctx, "s1", now.Add(30*time.Minute), time.Hour)
	if err != nil || s.AdminID != ad.ID || s.CSRF != "c" {
		t.Fatalf("touch on the other handle: %+v %v", s, err)
	}
	if _, err := a.TouchAdminSession(ctx, "s1", now.Add(80*time.Minute), time.Hour); err != nil {
		t.Fatalf("touched 50 min ago: %v", err)
	}
	if _, err := b.TouchAdminSession(ctx, "s1", now.Add(150*time.Minute), time.Hour); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("idle for 70 min: %v", err)
	}
	if err := a.CreateAdminSession(ctx, auth.AdminSession{IDHash: "s2", AdminID: ad.ID, CSRF: "c", CreatedAt: now, LastSeen: now}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteAdminSession(ctx, "s2"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TouchAdminSession(ctx, "s2", now, time.Hour); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
}

func testSearchAndAudit(t *testing.T, a, b *db.DB) {
	newCustomer(t, a, "alice@example.com")
	c2 := &auth.Customer{Email: "bob_smith@example.com", Firstname: "Bob", Lastname: "Smith", CreatedAt: time.Now()}
	if err := b.CreateCustomer(ctx, c2); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    string
		want int
	}{{"ALICE", 1}, {"bob smith", 1}, {"_", 1}, {"example", 2}, {"%", 0}, {"nobody", 0}} {
		list, total, err := a.ListCustomers(ctx, c.q, 0, 10)
		if err != nil || total != c.want || len(list) != c.want {
			t.Errorf("search %q: %d/%d %v", c.q, len(list), total, err)
		}
	}
	at := time.Unix(1700000000, 0).UTC()
	for i, e := range []auth.AuditEvent{{Event: "customer.signin", CustomerID: 1}, {Event: "admin.signin", AdminID: 2}, {Event: "customer.signin", CustomerID: 3, Detail: "d"}} {
		e.Time = at.Add(time.Duration(i) * time.Second)
		if err := pick(i, a, b).Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := b.AuditList(ctx, auth.AuditFilter{})
	if len(all) != 3 || all[0].CustomerID != 3 || all[0].Detail != "d" || !all[0].Time.Equal(at.Add(2*time.Second)) {
		t.Fatalf("audit %+v", all)
	}
	if l, _ := a.AuditList(ctx, auth.AuditFilter{Event: "customer.signin"}); len(l) != 2 {
		t.Fatalf("by event %+v", l)
	}
	if l, _ := a.AuditList(ctx, auth.AuditFilter{AdminID: 2}); len(l) != 1 {
		t.Fatalf("by admin %+v", l)
	}
	// Paging and a time range (the admin page's audit log).
	if l, err := a.AuditList(ctx, auth.AuditFilter{Limit: 1, Offset: 1}); err != nil || len(l) != 1 || l[0].Event != "admin.signin" {
		t.Fatalf("page 2 of 1: %+v %v", l, err)
	}
	if l, err := b.AuditList(ctx, auth.AuditFilter{Since: at.Add(time.Second), Until: at.Add(2 * time.Second)}); err != nil || len(l) != 1 || l[0].Event != "admin.signin" {
		t.Fatalf("time range: %+v %v", l, err)
	}
}

// testImport: an import run tells a customer that existed before it (skipped, or
// updated) from one an earlier line of its own file stored (a duplicate, with that
// line), within a chunk, across chunks of a batch and across batches; a run on the
// other handle, or a customer written there meanwhile, is no line of this run's file.
func testImport(t *testing.T, a, b *db.DB) {
	newCustomer(t, a, "Existing@example.com")
	newCustomer(t, a, "émile@example.com")
	at := time.Unix(1700000000, 0)
	cust := func(email string) *auth.Customer {
		return &auth.Customer{Email: email, Firstname: "New", Lastname: "Name", GroupID: 1, CreatedAt: at}
	}
	batch := func(run auth.ImportRun, update map[string]bool, first int, emails ...string) []auth.ImportResult {
		t.Helper()
		var cs []*auth.Customer
		var lines []int
		for i, e := range emails {
			cs, lines = append(cs, cust(e)), append(lines, first+i)
		}
		out, err := run.ImportBatch(ctx, cs, lines, update, at, at.UnixMicro())
		if err != nil || len(out) != len(emails) {
			t.Fatalf("import %v: %v %v", emails, out, err)
		}
		return out
	}
	want := func(got []auth.ImportResult, want ...auth.ImportResult) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("import: %v, want %v", got, want)
		}
	}
	ins, exists := auth.ImportResult{Outcome: auth.Inserted}, auth.ImportResult{Outcome: auth.SkippedExisting}
	dup := func(line int) auth.ImportResult {
		return auth.ImportResult{Outcome: auth.DuplicateInFile, FirstLine: line}
	}

	run, err := b.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want(batch(run, nil, 2, "existing@EXAMPLE.com", "fresh@example.com", "ÉMILE@example.com", "FRESH@example.com", "existing@example.com"),
		exists, ins, exists, dup(3), dup(2))
	// A customer the other handle writes while the run is open existed before its line.
	newCustomer(t, a, "meanwhile@example.com")
	want(batch(run, nil, 7, "fresh@example.com", "new@example.com", "meanwhile@example.com", "ÉMILE@example.com"),
		dup(3), ins, exists, dup(4))
	// 250 rows: three chunks, the last one short; repeats reach back across chunks.
	var many []string
	for i := range 248 {
		many = append(many, fmt.Sprintf("bulk%d@example.com", i))
	}
	many = append(many, "BULK5@example.com", "bulk247@example.com")
	out := batch(run, nil, 11, many...)
	for i, o := range out[:248] {
		if o != ins {
			t.Fatalf("row %d: %v", i, o)
		}
	}
	want(out[248:], dup(16), dup(258))
	// A second run at the same time, on the other handle, is another file.
	other, err := a.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want(batch(other, nil, 2, "fresh@example.com", "other@example.com", "Other@example.com"), exists, ins, dup(3))
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := run.ImportBatch(ctx, []*auth.Customer{cust("late@example.com")}, []int{99}, nil, at, 0); err == nil {
		t.Fatal("a batch after Close was stored")
	}

	// Update: the listed columns of an existing customer; its repeat is a duplicate.
	run, err = a.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want(batch(run, map[string]bool{"firstname": true}, 2, "existing@EXAMPLE.com", "Existing@example.com"),
		auth.ImportResult{Outcome: auth.Updated}, dup(2))
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	b.RefreshCache(ctx)
	got, _ := b.CustomerByEmail(ctx, "existing@example.com")
	if got.Firstname != "New" || got.Lastname != "Doe" {
		t.Fatalf("updated %+v", got)
	}
	var n int
	a.EachCustomer(ctx, func(*auth.Customer) error { n++; return nil })
	if n != 254 {
		t.Fatalf("%d customers", n)
	}
}

// testRateLimit: the per-address budget is one across handles: of 100 parallel
// requests against 10 a minute, 10 pass; the bucket refills evenly.
func testRateLimit(t *testing.T, a, b *db.DB) {
	now := time.Unix(1700000000, 0)
	var ok atomic.Int32
	parallel(100, func(i int) {
		took, err := pick(i, a, b).TakeRate(ctx, "signin 192.0.2.1", 10, 1, now)
		if err != nil {
			t.Error(err)
		}
		if took {
			ok.Add(1)
		}
	})
	if ok.Load() != 10 {
		t.Fatalf("%d of 100 parallel requests passed a limit of 10 a minute", ok.Load())
	}
	for _, c := range []struct {
		after time.Duration
		n     int
		want  bool
	}{
		{5 * time.Second, 1, false}, // a token every 6 s
		{6 * time.Second, 1, true},
		{6 * time.Second, 1, false},
		{time.Hour, 11, false}, // more than a minute's worth, refused whole
		{time.Hour, 10, true},  // a full bucket after a quiet hour
		{time.Hour, 1, false},
	} {
		if got, err := b.TakeRate(ctx, "signin 192.0.2.1", 10, c.n, now.Add(c.after)); err != nil || got != c.want {
			t.Fatalf("after %v, %d: %v %v, want %v", c.after, c.n, got, err, c.want)
		}
	}
	if got, _ := a.TakeRate(ctx, "signin 192.0.2.2", 10, 1, now); !got {
		t.Fatal("another address shares the bucket")
	}
	if got, _ := a.TakeRate(ctx, "signin 192.0.2.1", 0, 1000, now); !got {
		t.Fatal("no limit (0) refused")
	}
}

// testNewsletter: one subscription per address whatever its case, subscribed once by
// 100 requests over two handles, linked to the account of that address, following an
// email change, gone with the account.
func testNewsletter(t *testing.T, a, b *db.DB) {
	now := time.Unix(1700000000, 0)
	status := func(d *db.DB, email string) int {
		t.Helper()
		st, err := d.SubscriptionStatus(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	var wins atomic.Int32
	parallel(100, func(i int) {
		ok, err := pick(i, a, b).Subscribe(ctx, []string{"Émile@Example.com", "émile@example.com"}[i%2], now)
		if err != nil {
			t.Error(err)
		}
		if ok {
			wins.Add(1)
		}
	})
	if wins.Load() != 1 {
		t.Fatalf("subscribed %d times", wins.Load())
	}
	if status(b, "ÉMILE@EXAMPLE.COM") != auth.SubscriptionSubscribed || status(a, "other@example.com") != 0 {
		t.Fatal("statuses")
	}

	// A customer's own subscription, on and off; subscribing again after off works.
	c := newCustomer(t, a, "Sub@Example.com")
	if err := a.SetSubscription(ctx, c.ID, c.Email, true, now); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.Subscribe(ctx, "sub@example.com", now); ok || err != nil {
		t.Fatalf("subscribed twice: %v %v", ok, err)
	}
	if err := b.SetSubscription(ctx, c.ID, c.Email, false, now); err != nil || status(a, "sub@example.com") != auth.SubscriptionUnsubscribed {
		t.Fatalf("unsubscribe: %v", err)
	}
	if ok, err := a.Subscribe(ctx, "SUB@example.com", now); !ok || err != nil {
		t.Fatalf("subscribe again: %v %v", ok, err)
	}
	// An email change carries it, replacing what the new address had.
	if ok, err := a.Subscribe(ctx, "new@example.com", now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := b.SetSubscription(ctx, c.ID, c.Email, false, now); err != nil {
		t.Fatal(err)
	}
	if err := a.MoveSubscription(ctx, c.ID, "sub@example.com", "New@Example.com"); err != nil {
		t.Fatal(err)
	}
	if status(b, "new@example.com") != auth.SubscriptionUnsubscribed || status(b, "sub@example.com") != 0 {
		t.Fatalf("moved: %d %d", status(b, "new@example.com"), status(b, "sub@example.com"))
	}
	if err := a.MoveSubscription(ctx, c.ID, "none@example.com", "none2@example.com"); err != nil || status(a, "none2@example.com") != 0 {
		t.Fatalf("move of nothing: %v", err)
	}
	// Deleting the account deletes its subscription (no address of a deleted account is kept).
	if err := b.DeleteCustomer(ctx, c.ID); err != nil || status(a, "new@example.com") != 0 {
		t.Fatalf("after delete: %v %d", err, status(a, "new@example.com"))
	}
}
