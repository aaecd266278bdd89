// Package clockcache is a bounded, sharded hash table with CLOCK eviction: the cache
// behind the per-request reads (customers by id, verified tokens). Full, it evicts one
// entry not used since the hand last passed it, so a working set larger than the cache
// costs misses in proportion, never a reset that empties it; its memory is its entries
// and an index of 8 bytes per slot, grown as it fills and never beyond its capacity.
//
// A cache whose keys and values hold no pointers keeps its entries and index outside
// the Go heap (mmap): the garbage collector neither scans them nor counts them toward
// its goal, so 30 MiB of cache costs 30 MiB of memory, not up to three times that under
// GOGC=200 (the heap grows to three times what is live before it is collected).
package clockcache

import (
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"shopauth/internal/offheap"
)

// Cache maps keys to values, holding at most its capacity. It is safe for concurrent
// use; Get takes a shard's read lock only.
type Cache[K comparable, V any] struct {
	shards []shard[K, V]
	hash   func(K) uint64
	bits   uint // the top bits of a hash choose the shard
	// gen counts Invalidate and Clear, so a value read from the source of truth before
	// one of them is not stored after it (Gen, PutIfGen).
	gen *Gen
}

// Gen counts the changes that make earlier reads unfit to store; caches made with one
// Gen share it (NewShared), so a value read for one may be stored in the other.
type Gen struct{ n atomic.Uint64 }

type shard[K comparable, V any] struct {
	mu      sync.RWMutex
	index   []slot // open addressing, linear probing; len a power of two, at most half full
	entries []entry[K, V]
	mem     []byte // off the heap: the region entries live in (max of them), else nil
	offHeap bool
	max     int
	hand    int
	_       [16]byte // keeps two shards' locks off one cache line
}

// slot is one index position: the entry's number plus one (0: empty) and its hash's
// low bits, compared before the entry is touched.
type slot struct {
	idx  uint32
	hash uint32
}

type entry[K comparable, V any] struct {
	key  K
	val  V
	hash uint32
	ref  uint32 // set (atomically, under the read lock) when used; cleared by the hand
}

// New makes a cache holding at most capacity entries (at least one per shard), spread
// over shards (rounded up to a power of two), keys placed by hash, which must spread
// them over all 64 bits.
func New[K comparable, V any](capacity, shards int, hash func(K) uint64) *Cache[K, V] {
	return NewShared[K, V](capacity, shards, hash, &Gen{})
}

// NewShared is New with a generation shared with other caches.
func NewShared[K comparable, V any](capacity, shards int, hash func(K) uint64, gen *Gen) *Cache[K, V] {
	bits := uint(0)
	for 1<<bits < shards {
		bits++
	}
	n := 1 << bits
	c := &Cache[K, V]{shards: make([]shard[K, V], n), hash: hash, bits: bits, gen: gen}
	per := (capacity + n - 1) / n
	if per < 1 {
		per = 1
	}
	offHeap := pointerFree(reflect.TypeFor[entry[K, V]]())
	for i := range c.shards {
		c.shards[i].max, c.shards[i].offHeap = per, offHeap
	}
	if offHeap {
		runtime.AddCleanup(c, freeShards[K, V], c.shards)
	}
	return c
}

// OffHeap reports whether the cache keeps its entries outside the Go heap.
func (c *Cache[K, V]) OffHeap() bool { return c.shards[0].offHeap }

// pointerFree reports whether values of t hold no pointers the collector must see.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || pointerFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// view is n values of T over the start of region b (page-aligned, so aligned for T).
func view[T any](b []byte, n int) []T {
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// bytesOf is the memory of s, for freeing a region made by view.
func bytesOf[T any](s []T) []byte {
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), cap(s)*int(unsafe.Sizeof(zero)))
}

// freeShards unmaps the regions of a cache no longer reachable.
func freeShards[K comparable, V any](shards []shard[K, V]) {
	for i := range shards {
		s := &shards[i]
		if s.index != nil {
			offheap.Free(bytesOf(s.index))
		}
		if s.mem != nil {
			offheap.Free(s.mem)
		}
		s.index, s.entries, s.mem = nil, nil, nil
	}
}

// newIndex makes an empty index of n positions.
func (s *shard[K, V]) newIndex(n int) []slot {
	if !s.offHeap {
		return make([]slot, n)
	}
	return view[slot](offheap.Alloc(n*int(unsafe.Sizeof(slot{}))), n)
}

func (s *shard[K, V]) freeIndex() {
	if s.offHeap && s.index != nil {
		offheap.Free(bytesOf(s.index))
	}
	s.index = nil
}

// add appends an entry: in the region reserved for max of them, or on the heap.
func (s *shard[K, V]) add(e entry[K, V]) {
	if s.offHeap && s.mem == nil {
		var zero entry[K, V]
		s.mem = offheap.Alloc(s.max * int(unsafe.Sizeof(zero)))
		s.entries = view[entry[K, V]](s.mem, s.max)[:0]
	}
	n := len(s.entries)
	if n < cap(s.entries) {
		s.entries = s.entries[:n+1]
		s.entries[n] = e
	} else {
		s.entries = append(s.entries, e) // on the heap only: the region holds max
	}
}

// Capacity returns how many entries the cache holds at most.
func (c *Cache[K, V]) Capacity() int { return len(c.shards) * c.shards[0].max }

// Len returns how many entries the cache holds now.
func (c *Cache[K, V]) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.entries)
		s.mu.RUnlock()
	}
	return n
}

func (c *Cache[K, V]) locate(k K) (*shard[K, V], uint32) {
	h := c.hash(k)
	var s *shard[K, V]
	if c.bits == 0 {
		s = &c.shards[0]
	} else {
		s = &c.shards[h>>(64-c.bits)]
	}
	return s, uint32(h)
}

// find returns the index position holding k, or the empty one where it would go, and
// whether k is there. The index must not be empty.
func (s *shard[K, V]) find(k K, h uint32) (int, bool) {
	mask := uint32(len(s.index) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		sl := s.index[p]
		if sl.idx == 0 {
			return int(p), false
		}
		if sl.hash == h && s.entries[sl.idx-1].key == k {
			return int(p), true
		}
	}
}

// Get returns the value held for k and marks it used.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	s, h := c.locate(k)
	s.mu.RLock()
	if len(s.index) == 0 {
		s.mu.RUnlock()
		var zero V
		return zero, false
	}
	p, ok := s.find(k, h)
	if !ok {
		s.mu.RUnlock()
		var zero V
		return zero, false
	}
	e := &s.entries[s.index[p].idx-1]
	if atomic.LoadUint32(&e.ref) == 0 {
		atomic.StoreUint32(&e.ref, 1)
	}
	v := e.val
	s.mu.RUnlock()
	return v, true
}

// Gen returns the current generation, to be passed to PutIfGen with a value read after
// this call.
func (c *Cache[K, V]) Gen() uint64 { return c.gen.n.Load() }

// Put stores v for k, evicting an entry when the shard is full.
func (c *Cache[K, V]) Put(k K, v V) { c.put(k, v, 0, false) }

// PutIfGen stores v for k unless an Invalidate or Clear came after Gen returned gen:
// a value read while it was being changed is not kept.
func (c *Cache[K, V]) PutIfGen(k K, v V, gen uint64) { c.put(k, v, gen, true) }

func (c *Cache[K, V]) put(k K, v V, gen uint64, check bool) {
	s, h := c.locate(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	// Checked under the shard's lock, which Invalidate takes after bumping gen: either
	// this sees the new gen, or Invalidate runs after this put and removes the entry.
	if check && c.gen.n.Load() != gen {
		return
	}
	if len(s.index) == 0 {
		s.index = s.newIndex(512) // one page
	}
	p, ok := s.find(k, h)
	if ok {
		s.entries[s.index[p].idx-1].val = v
		return
	}
	if len(s.entries) >= s.max {
		s.evict()
		p, _ = s.find(k, h)
	} else if 2*(len(s.entries)+1) > len(s.index) {
		s.grow()
		p, _ = s.find(k, h)
	}
	s.add(entry[K, V]{key: k, val: v, hash: h})
	s.index[p] = slot{idx: uint32(len(s.entries)), hash: h}
}

// evict removes one entry: the first at or after the hand not used since the hand
// last passed, clearing the marks it passes.
func (s *shard[K, V]) evict() {
	for {
		if s.hand >= len(s.entries) {
			s.hand = 0
		}
		e := &s.entries[s.hand]
		if e.ref != 0 {
			e.ref = 0
			s.hand++
			continue
		}
		p, _ := s.find(e.key, e.hash)
		s.remove(p)
		return // the hand now points at the entry moved into the hole, not yet passed
	}
}

// grow doubles the index and places every entry again.
func (s *shard[K, V]) grow() {
	n := 2 * len(s.index)
	s.freeIndex()
	s.index = s.newIndex(n)
	mask := uint32(len(s.index) - 1)
	for i := range s.entries {
		h := s.entries[i].hash
		p := h & mask
		for s.index[p].idx != 0 {
			p = (p + 1) & mask
		}
		s.index[p] = slot{idx: uint32(i + 1), hash: h}
	}
}

// remove deletes the entry at index position p: the last entry moves into its place in
// entries, and the index closes the gap by shifting later positions back (no tombstones,
// so a long-lived cache with steady turnover never slows down or grows).
func (s *shard[K, V]) remove(p int) {
	i := int(s.index[p].idx - 1)
	last := len(s.entries) - 1
	if i != last {
		m := &s.entries[last]
		q, _ := s.find(m.key, m.hash)
		s.index[q].idx = uint32(i + 1)
		s.entries[i] = *m
	}
	var zero entry[K, V]
	s.entries[last] = zero // drop what the value references
	s.entries = s.entries[:last]

	mask := len(s.index) - 1
	hole := p
	for j := (p + 1) & mask; s.index[j].idx != 0; j = (j + 1) & mask {
		home := int(s.index[j].hash) & mask
		// The entry at j may move back to hole unless its home lies cyclically in (hole, j].
		if (j-home)&mask >= (j-hole)&mask {
			s.index[hole] = s.index[j]
			hole = j
		}
	}
	s.index[hole] = slot{}
}

// Invalidate removes k and makes every value read before it not storable by PutIfGen.
func (c *Cache[K, V]) Invalidate(k K) {
	c.gen.n.Add(1)
	s, h := c.locate(k)
	s.mu.Lock()
	if len(s.index) > 0 {
		if p, ok := s.find(k, h); ok {
			s.remove(p)
		}
	}
	s.mu.Unlock()
}

// Clear removes every entry and makes every value read before it not storable by
// PutIfGen. The memory is given back.
func (c *Cache[K, V]) Clear() {
	c.gen.n.Add(1)
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		s.freeIndex()
		if s.mem != nil {
			offheap.Drop(s.mem)
			s.entries = s.entries[:0]
		} else {
			s.entries = nil
		}
		s.hand = 0
		s.mu.Unlock()
	}
}
