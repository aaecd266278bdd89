package db

import (
	"context"
	"encoding/hex"
	"math"
	"sync"
	"time"

	"shopauth/auth"
	"shopauth/internal/clockcache"
)

// customerCacheMax is how many customers the cache holds: a working set of 100k with
// room to spare, in 32 MiB at most (256 bytes each, outside the Go heap, and an index
// of 16 to 32 bytes each).
const customerCacheMax = 1 << 17

// largeCacheMax is how many customers too large for the compact form are held, on the
// heap: long names and emails are rare.
const largeCacheMax = 1 << 12

// customerCache keeps customers read by id, the read behind every authenticated
// request, in bounded CLOCK caches (full, they evict the customers least recently
// used, never everything): most in a compact form outside the Go heap, the few that do
// not fit it on the heap. Local writes drop the changed customer (or all, when the
// writer does not know which); writes by other processes are noticed through
// change_counter and customer_change by RefreshCache (called every 250 ms by the
// service), which drops the customers changed. A read that raced a write is not kept
// (clockcache's generation, shared by the two caches).
type customerCache struct {
	small *clockcache.Cache[int64, compactCustomer]
	large *clockcache.Cache[int64, cachedCustomer]
	mu    sync.Mutex // RefreshCache's
	seq   int64      // change_counter value the entries are valid for
}

func newCustomerCache() *customerCache {
	return newCustomerCacheSized(customerCacheMax, largeCacheMax, 32)
}

func newCustomerCacheSized(small, large, shards int) *customerCache {
	gen := &clockcache.Gen{}
	return &customerCache{small: clockcache.NewShared[int64, compactCustomer](small, shards, mixID, gen),
		large: clockcache.NewShared[int64, cachedCustomer](large, shards, mixID, gen)}
}

// len is how many customers are cached.
func (c *customerCache) len() int { return c.small.Len() + c.large.Len() }

// mixID spreads ids over 64 bits (splitmix64's finalizer): consecutive ids land in
// different shards and index positions.
func mixID(id int64) uint64 {
	x := uint64(id)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// customerNums are a customer's fields other than strings: times as Unix seconds, small
// numbers in 32 bits.
type customerNums struct {
	created, firstFailure, lockExp, addrLock int64
	gender, groupID, failures                int32
	subscribed, assistance                   bool
}

// cachedCustomer is a customer on the heap: its ten strings in one (a single
// allocation, sliced again on the way out).
type cachedCustomer struct {
	customerNums
	strs string
	ends [nStrs]uint16
}

// compactBytes is how many bytes of strings compactCustomer holds: an email, names and
// a Magento argon2id hash (113 characters, 81 bytes here) fit with room to spare.
const compactBytes = 184

// compactCustomer is a customer in 256 bytes without pointers, so its cache lives
// outside the Go heap: the strings one after another (at most 255 bytes each), the
// hex digest that starts a Magento password hash in binary.
type compactCustomer struct {
	customerNums
	lens    [nStrs]uint8
	hexHash bool // PasswordHash began with 64 lower-case hex digits, held as 32 bytes
	data    [compactBytes]byte
}

const nStrs = 10

// passwordStr is PasswordHash's place in customerStrs.
const passwordStr = 8

func customerStrs(c *auth.Customer) [nStrs]*string {
	return [nStrs]*string{&c.Email, &c.Firstname, &c.Lastname, &c.Middlename, &c.Prefix, &c.Suffix,
		&c.DateOfBirth, &c.Taxvat, &c.PasswordHash, &c.Confirmation}
}

// packNums makes the numbers' form of c, or reports false when c would not come back
// the same (numbers beyond 32 bits, times not as scanCustomer makes them).
func packNums(c *auth.Customer) (customerNums, bool) {
	var n customerNums
	var ok bool
	if n.created, ok = unixUTC(c.CreatedAt, false); !ok {
		return n, false
	}
	for _, t := range []struct {
		dst *int64
		t   time.Time
	}{{&n.firstFailure, c.FirstFailure}, {&n.lockExp, c.LockExpires}, {&n.addrLock, c.AddrLockUntil}} {
		if *t.dst, ok = unixUTC(t.t, true); !ok {
			return n, false
		}
	}
	for _, v := range []struct {
		dst *int32
		v   int
	}{{&n.gender, c.Gender}, {&n.groupID, c.GroupID}, {&n.failures, c.FailuresNum}} {
		if v.v < math.MinInt32 || v.v > math.MaxInt32 {
			return n, false
		}
		*v.dst = int32(v.v)
	}
	n.subscribed, n.assistance = c.IsSubscribed, c.AllowAssistance
	return n, true
}

// unpack gives a new auth.Customer with n's numbers.
func (n *customerNums) unpack(id int64) *auth.Customer {
	return &auth.Customer{ID: id, Gender: int(n.gender), GroupID: int(n.groupID), FailuresNum: int(n.failures),
		IsSubscribed: n.subscribed, AllowAssistance: n.assistance,
		CreatedAt: time.Unix(n.created, 0).UTC(), FirstFailure: unixOrZero(n.firstFailure),
		LockExpires: unixOrZero(n.lockExp), AddrLockUntil: unixOrZero(n.addrLock)}
}

// pack makes the heap form of c, or reports false when c would not come back the same
// (also: strings longer than 64 KiB together).
func pack(c *auth.Customer) (cachedCustomer, bool) {
	var cc cachedCustomer
	var ok bool
	if cc.customerNums, ok = packNums(c); !ok {
		return cc, false
	}
	n := 0
	for _, s := range customerStrs(c) {
		n += len(*s)
	}
	if n > math.MaxUint16 {
		return cc, false
	}
	b := make([]byte, 0, n)
	for i, s := range customerStrs(c) {
		b = append(b, *s...)
		cc.ends[i] = uint16(len(b))
	}
	cc.strs = string(b)
	return cc, true
}

// unpack gives a new auth.Customer equal to the one packed; its strings share the one
// held (strings are immutable, so no caller can change the cache's copy).
func (cc *cachedCustomer) unpack(id int64) *auth.Customer {
	c := cc.customerNums.unpack(id)
	start := uint16(0)
	for i, s := range customerStrs(c) {
		*s = cc.strs[start:cc.ends[i]]
		start = cc.ends[i]
	}
	return c
}

// packCompact makes the compact form of c, or reports false when c does not fit it or
// would not come back the same.
func packCompact(c *auth.Customer) (compactCustomer, bool) {
	var cc compactCustomer
	var ok bool
	if cc.customerNums, ok = packNums(c); !ok {
		return cc, false
	}
	b := cc.data[:0]
	for i, s := range customerStrs(c) {
		v := *s
		if i == passwordStr && len(v) >= 64 && isLowerHex(v[:64]) {
			if len(b)+32 > len(cc.data) {
				return cc, false
			}
			cc.hexHash = true
			b, _ = hex.AppendDecode(b, []byte(v[:64]))
			v = v[64:]
		}
		if len(v) > math.MaxUint8 || len(b)+len(v) > len(cc.data) {
			return cc, false
		}
		b = append(b, v...)
		cc.lens[i] = uint8(len(v))
	}
	return cc, true
}

// unpack gives a new auth.Customer equal to the one packed, its strings in one
// allocation.
func (cc *compactCustomer) unpack(id int64) *auth.Customer {
	c := cc.customerNums.unpack(id)
	var buf [compactBytes + 32]byte // room for the digest in hex
	b := buf[:0]
	at := 0
	var ends [nStrs]int
	for i := range nStrs {
		n := int(cc.lens[i])
		if i == passwordStr && cc.hexHash {
			b = hex.AppendEncode(b, cc.data[at:at+32])
			at += 32
		}
		b = append(b, cc.data[at:at+n]...)
		at += n
		ends[i] = len(b)
	}
	all := string(b)
	start := 0
	for i, s := range customerStrs(c) {
		*s = all[start:ends[i]]
		start = ends[i]
	}
	return c
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// unixUTC returns t in Unix seconds when time.Unix(s, 0).UTC() gives t back (with
// zeroIsZero, the zero time as 0, as unixOrZero reads it).
func unixUTC(t time.Time, zeroIsZero bool) (int64, bool) {
	if zeroIsZero && t.IsZero() {
		return 0, true
	}
	s := t.Unix()
	if (zeroIsZero && s == 0) || t.Nanosecond() != 0 || t.Location() != time.UTC {
		return 0, false
	}
	return s, true
}

// get returns a copy of the cached customer (nil when not cached) and the generation
// to pass to put with a customer read from the database after this call.
func (c *customerCache) get(id int64) (*auth.Customer, uint64) {
	gen := c.small.Gen()
	if cc, ok := c.small.Get(id); ok {
		return cc.unpack(id), gen
	}
	if cc, ok := c.large.Get(id); ok {
		return cc.unpack(id), gen
	}
	return nil, gen
}

// put keeps cu unless a change came after get returned gen.
func (c *customerCache) put(cu *auth.Customer, gen uint64) {
	if cc, ok := packCompact(cu); ok {
		c.small.PutIfGen(cu.ID, cc, gen)
	} else if cc, ok := pack(cu); ok {
		c.large.PutIfGen(cu.ID, cc, gen)
	}
}

// changed drops every customer; called after a local write to customer rows that
// may have touched more than one, or whose ids the writer does not have.
func (c *customerCache) changed() {
	c.small.Clear()
	c.large.Clear()
}

// changedID drops one customer; called after a local write to that customer's row.
func (c *customerCache) changedID(id int64) {
	c.small.Invalidate(id)
	c.large.Invalidate(id)
}

// changeLogKept is how many changes customer_change keeps (migration 0021).
const changeLogKept = 10000

// changeLogRead is the most changed customers RefreshCache drops one by one; more, and
// it drops all.
const changeLogRead = 1000

// RefreshCache drops the cached customers another process changed: those customer_change
// names since the last refresh, or every one when that list may be incomplete (the
// refresh is more than changeLogKept changes behind) or long. A change this process made
// was dropped when made and is dropped again here (one more read of that customer).
func (d *DB) RefreshCache(ctx context.Context) error {
	seq, err := d.customerSeq(ctx)
	if err != nil {
		return err
	}
	d.cache.mu.Lock()
	defer d.cache.mu.Unlock()
	last := d.cache.seq
	if seq == last {
		return nil
	}
	if seq < last || seq-last > changeLogRead {
		// The counter went back (another database file now?) or too much changed.
		d.cache.changed()
		d.cache.seq = seq
		return nil
	}
	rows, err := d.read.QueryContext(ctx, `SELECT customer_id FROM customer_change WHERE seq > $1 AND seq <= $2`, last, seq)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// A change drops the entries changeLogKept older than itself. If the counter is still
	// within changeLogKept of last, no entry after last was dropped before this read, so
	// the list is whole (a seq without an entry is a new row).
	now, err := d.customerSeq(ctx)
	if err != nil {
		return err
	}
	if now-last >= changeLogKept {
		d.cache.changed()
	} else {
		for _, id := range ids {
			d.cache.changedID(id)
		}
	}
	d.cache.seq = seq
	return nil
}

// customerSeq reads change_counter, bumped by every change to customer rows.
func (d *DB) customerSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := d.read.QueryRowContext(ctx, `SELECT seq FROM change_counter WHERE name = 'customer'`).Scan(&seq)
	return seq, err
}
