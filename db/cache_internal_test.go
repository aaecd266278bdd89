package db

import (
	"context"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db/pgtest"
)

// Both cached forms give back exactly the customer scanCustomer made, and refuse what
// they could not give back; the compact one (outside the heap) refuses what does not fit.
func TestCachedCustomerRoundTrip(t *testing.T) {
	magento := strings.Repeat("0123456789abcdef", 4) + ":saltsaltsaltsaltsaltsaltsaltsalt:3_32_2_67108864"
	full := &auth.Customer{ID: 7, Email: "Émile@example.com", Firstname: "Émile", Lastname: "Zola", Middlename: "É",
		Prefix: "M.", Suffix: "Jr", DateOfBirth: "1840-04-02", Taxvat: "FR123", Gender: 1, IsSubscribed: true,
		AllowAssistance: true, GroupID: 3, CreatedAt: time.Unix(1700000000, 0).UTC(),
		PasswordHash: magento, Confirmation: "key",
		FailuresNum: 4, FirstFailure: time.Unix(1700000100, 0).UTC(), LockExpires: time.Unix(1700000200, 0).UTC(),
		AddrLockUntil: time.Unix(1700000300, 0).UTC()}
	with := func(change func(c *auth.Customer)) *auth.Customer {
		c := *full
		change(&c)
		return &c
	}
	for _, tc := range []struct {
		c       *auth.Customer
		compact bool // fits the compact form
	}{
		{full, true},
		{&auth.Customer{ID: 1, CreatedAt: time.Unix(0, 0).UTC()}, true}, // every string empty, no lock
		{&auth.Customer{ID: 2, Email: "a@b", CreatedAt: time.Unix(-5, 0).UTC(), GroupID: -1}, true},
		{with(func(c *auth.Customer) { c.PasswordHash = strings.ToUpper(magento[:64]) + magento[64:] }), true},
		{with(func(c *auth.Customer) { c.PasswordHash = magento[:64] }), true},
		{with(func(c *auth.Customer) { c.PasswordHash = "0123abc:salt:1" }), true},
		{with(func(c *auth.Customer) { c.Lastname = strings.Repeat("z", 100) }), false}, // 184 bytes in all
		{with(func(c *auth.Customer) { c.Taxvat = strings.Repeat("x", 256) }), false},   // one string over 255
	} {
		if cc, ok := packCompact(tc.c); ok != tc.compact {
			t.Errorf("%+v: compact %v, want %v", tc.c, ok, tc.compact)
		} else if got := cc.unpack(tc.c.ID); ok && !reflect.DeepEqual(got, tc.c) {
			t.Errorf("compact round trip:\n got %+v\nwant %+v", got, tc.c)
		}
		cc, ok := pack(tc.c)
		if !ok {
			t.Fatalf("%+v not packed", tc.c)
		}
		if got := cc.unpack(tc.c.ID); !reflect.DeepEqual(got, tc.c) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, tc.c)
		}
	}
	for name, change := range map[string]func(c *auth.Customer){
		"strings over 64 KiB":  func(c *auth.Customer) { c.Taxvat = strings.Repeat("x", 1<<16) },
		"group beyond 32 bits": func(c *auth.Customer) { c.GroupID = 1 << 40 },
		"sub-second time":      func(c *auth.Customer) { c.LockExpires = c.LockExpires.Add(time.Millisecond) },
		"local time":           func(c *auth.Customer) { c.CreatedAt = c.CreatedAt.In(time.FixedZone("x", 3600)) },
		"lock at Unix 0":       func(c *auth.Customer) { c.FirstFailure = time.Unix(0, 0).UTC() },
	} {
		c := with(change)
		_, heap := pack(c)
		_, compact := packCompact(c)
		if heap || compact {
			t.Errorf("%s: packed (heap %v, compact %v), would not come back the same", name, heap, compact)
		}
	}
	// A customer too large for the compact form is cached on the heap.
	cc := newCustomerCacheSized(16, 16, 1)
	big := with(func(c *auth.Customer) { c.ID, c.Lastname = 8, strings.Repeat("z", 200) })
	cc.put(big, cc.small.Gen())
	cc.put(full, cc.small.Gen())
	if cc.small.Len() != 1 || cc.large.Len() != 1 {
		t.Fatalf("compact %d, heap %d", cc.small.Len(), cc.large.Len())
	}
	if got, _ := cc.get(big.ID); !reflect.DeepEqual(got, big) {
		t.Fatalf("large customer: %+v", got)
	}
	if !cc.small.OffHeap() || cc.large.OffHeap() {
		t.Fatal("the compact form is not outside the heap")
	}
}

// Reads of more customers than the cache holds keep it full (never emptied); a write,
// by this handle or another (at the next RefreshCache), drops only the customer written;
// a write the store cannot attribute (an import), or more than changeLogRead changes
// between refreshes, drop all; a read that raced a write is not kept. On both engines.
func TestCustomerCacheBoundedAndPerCustomer(t *testing.T) {
	for _, e := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "c.db") }},
		{"postgres", func(t *testing.T) string { return pgtest.DSN(t) }},
	} {
		t.Run(e.name, func(t *testing.T) { testCustomerCache(t, e.dsn(t)) })
	}
}

func testCustomerCache(t *testing.T, dsn string) {
	ctx := context.Background()
	d, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	other, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const n, capacity = 600, 256
	seq := d.cache.seq
	d.cache = newCustomerCacheSized(capacity, 16, 4)
	d.cache.seq = seq
	now := time.Unix(1700000000, 0)
	cs := make([]*auth.Customer, n)
	for i := range cs {
		cs[i] = &auth.Customer{Email: "c" + strconv.Itoa(i) + "@example.com", Firstname: "F", Lastname: "L", CreatedAt: now}
	}
	if err := d.ImportCustomers(ctx, cs, now); err != nil {
		t.Fatal(err)
	}
	refresh := func(d *DB) {
		t.Helper()
		if err := d.RefreshCache(ctx); err != nil {
			t.Fatal(err)
		}
	}
	refresh(d)
	cached := func(id int64) bool { c, _ := d.cache.get(id); return c != nil }
	for round := range 3 {
		for id := int64(1); id <= n; id++ {
			c, err := d.CustomerByID(ctx, id)
			if err != nil || c.Email != "c"+strconv.Itoa(int(id-1))+"@example.com" {
				t.Fatalf("round %d: customer %d: %+v %v", round, id, c, err)
			}
			// Each of the 4 shards holds 64; after the first pass all are full and stay so.
			if l := d.cache.len(); l > capacity || (round > 0 && l != capacity) {
				t.Fatalf("round %d after %d reads: %d cached, capacity %d", round, id, l, capacity)
			}
		}
	}
	// A working set within the capacity stays cached.
	for range 3 {
		for id := int64(1); id <= 100; id++ {
			d.CustomerByID(ctx, id)
		}
	}
	for id := int64(1); id <= 100; id++ {
		if !cached(id) {
			t.Fatalf("customer %d of the working set is not cached", id)
		}
	}
	held := d.cache.len()
	c, _ := d.CustomerByID(ctx, 5)
	c.Firstname = "Changed"
	if err := d.UpdateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	if cached(5) || d.cache.len() != held-1 {
		t.Fatalf("after a write to customer 5: 5 cached %v, %d cached (was %d)", cached(5), d.cache.len(), held)
	}
	if c, _ := d.CustomerByID(ctx, 5); c.Firstname != "Changed" {
		t.Fatalf("customer 5 after the write: %q", c.Firstname)
	}
	for _, write := range []func(d *DB) error{
		func(d *DB) error { return d.SetPasswordHash(ctx, 6, "h") },
		func(d *DB) error { return d.SetConfirmation(ctx, 6, "k") },
		func(d *DB) error { return d.ResetLoginFailures(ctx, 6) },
		func(d *DB) error {
			_, err := d.FailAttempt(ctx, auth.Attempt{UserType: auth.UserTypeCustomer, UserID: 6, Addr: "192.0.2.1", Now: now,
				Lock: auth.Lockout{MaxFailures: 10, Window: time.Hour}, Cap: auth.Lockout{MaxFailures: 100, Window: time.Hour}})
			return err
		},
	} {
		for _, by := range []*DB{d, other} {
			d.CustomerByID(ctx, 6)
			d.CustomerByID(ctx, 7)
			if err := write(by); err != nil {
				t.Fatal(err)
			}
			refresh(d)
			if cached(6) || !cached(7) {
				t.Fatalf("a write to 6 (by the other handle %v): 6 cached %v, 7 cached %v", by == other, cached(6), cached(7))
			}
		}
	}
	// A read that began before a write and ends after it is not kept.
	_, gen := d.cache.get(8)
	stale, _ := scanCustomerByID(d.read.QueryRowContext(ctx, customerByIDSQL, 8), 8)
	if err := d.SetPasswordHash(ctx, 8, "new"); err != nil {
		t.Fatal(err)
	}
	d.cache.put(stale, gen)
	if c, _ := d.CustomerByID(ctx, 8); c.PasswordHash != "new" {
		t.Fatalf("a read that raced a write was kept: hash %q", c.PasswordHash)
	}
	// Another handle's write is seen from the next refresh: only that customer goes.
	d.CustomerByID(ctx, 7)
	d.CustomerByID(ctx, 9)
	if err := other.SetPasswordHash(ctx, 9, "other"); err != nil {
		t.Fatal(err)
	}
	if c, _ := d.CustomerByID(ctx, 9); c.PasswordHash == "other" {
		t.Fatal("test premise: the change was seen before a refresh")
	}
	refresh(d)
	if cached(9) || !cached(7) {
		t.Fatalf("after another handle's write to 9 and a refresh: 9 cached %v, 7 cached %v", cached(9), cached(7))
	}
	if c, _ := d.CustomerByID(ctx, 9); c.PasswordHash != "other" {
		t.Fatalf("customer 9 after another handle's write: %q", c.PasswordHash)
	}
	// A deletion by another handle, and a statement changing every row.
	d.CustomerByID(ctx, 10)
	if err := other.DeleteCustomer(ctx, 10); err != nil {
		t.Fatal(err)
	}
	refresh(d)
	if _, err := d.CustomerByID(ctx, 10); err != auth.ErrNotFound {
		t.Fatalf("customer 10 after another handle deleted it: %v", err)
	}
	for id := int64(1); id <= 100; id++ {
		d.CustomerByID(ctx, id)
	}
	if _, err := other.write.ExecContext(ctx, `UPDATE customer SET taxvat = 'T'`); err != nil {
		t.Fatal(err)
	}
	refresh(d)
	if l := d.cache.len(); l != 0 {
		t.Fatalf("%d cached after another handle changed every row", l)
	}
	if c, _ := d.CustomerByID(ctx, 1); c.Taxvat != "T" {
		t.Fatalf("customer 1 after another handle changed every row: %+v", c)
	}
	// More than changeLogRead changes: everything goes, whatever they were.
	for id := int64(1); id <= 100; id++ {
		d.CustomerByID(ctx, id)
	}
	for range 3 { // 499 rows each
		if _, err := other.write.ExecContext(ctx, `UPDATE customer SET taxvat = 'U' WHERE id > 100`); err != nil {
			t.Fatal(err)
		}
	}
	refresh(d)
	if l := d.cache.len(); l != 0 {
		t.Fatalf("%d cached after more than %d changes", l, changeLogRead)
	}
	// The change log holds the last changeLogKept changes only.
	for range changeLogKept/(n-1) + 1 {
		if _, err := other.write.ExecContext(ctx, `UPDATE customer SET taxvat = taxvat || 'x'`); err != nil {
			t.Fatal(err)
		}
	}
	seq, _ = d.customerSeq(ctx)
	var rows, lo, hi int64
	if err := d.read.QueryRowContext(ctx, `SELECT count(*), min(seq), max(seq) FROM customer_change`).Scan(&rows, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if rows != changeLogKept || hi != seq || lo != seq-changeLogKept+1 {
		t.Fatalf("change log: %d rows, seq %d to %d; counter %d", rows, lo, hi, seq)
	}
	// An import (no ids at hand) drops all.
	d.CustomerByID(ctx, 7)
	if err := d.ImportCustomers(ctx, []*auth.Customer{{Email: "new@example.com", CreatedAt: now}}, now); err != nil {
		t.Fatal(err)
	}
	if d.cache.len() != 0 {
		t.Fatalf("%d cached after an import", d.cache.len())
	}
}
