package clockcache

import (
	"math/rand/v2"
	"sync"
	"testing"
)

func mix(k int) uint64 {
	x := uint64(k)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// check verifies the structure: every entry is found through the index at the position
// it names, the index has no stray positions, no shard holds more than its share.
func (c *Cache[K, V]) check(t *testing.T) {
	t.Helper()
	for si := range c.shards {
		s := &c.shards[si]
		if len(s.entries) > s.max {
			t.Fatalf("shard %d holds %d, max %d", si, len(s.entries), s.max)
		}
		used := 0
		for _, sl := range s.index {
			if sl.idx != 0 {
				used++
			}
		}
		if used != len(s.entries) {
			t.Fatalf("shard %d: %d index positions for %d entries", si, used, len(s.entries))
		}
		if len(s.entries) > 0 && 2*len(s.entries) > len(s.index) {
			t.Fatalf("shard %d: index of %d for %d entries", si, len(s.index), len(s.entries))
		}
		for i := range s.entries {
			p, ok := s.find(s.entries[i].key, s.entries[i].hash)
			if !ok || int(s.index[p].idx) != i+1 {
				t.Fatalf("shard %d: entry %d not found through the index", si, i)
			}
		}
	}
}

func TestBoundAndNoReset(t *testing.T) {
	c := New[int, int](1000, 8, mix)
	if c.Capacity() != 1000 {
		t.Fatalf("capacity %d", c.Capacity())
	}
	for k := range 10000 {
		c.Put(k, -k)
		if n := c.Len(); n > 1000 {
			t.Fatalf("after %d puts: %d entries", k+1, n)
		}
	}
	c.check(t)
	// Full, it stays full: an insertion evicts one entry, never the lot.
	if n := c.Len(); n != 1000 {
		t.Fatalf("%d entries after 10000 puts, want 1000", n)
	}
	before := c.Len()
	c.Put(20000, 1)
	if c.Len() != before {
		t.Fatalf("one put into a full cache: %d entries, was %d", c.Len(), before)
	}
	hits := 0
	for k := range 10001 {
		if v, ok := c.Get(k); ok {
			hits++
			if v != -k {
				t.Fatalf("key %d has %d", k, v)
			}
		}
	}
	if hits < 900 {
		t.Fatalf("%d of the last puts held", hits)
	}
}

// A working set that fits stays whole however many other keys pass through once.
func TestClockKeepsUsedKeys(t *testing.T) {
	c := New[int, int](256, 1, mix)
	for k := range 100 {
		c.Put(k, k)
	}
	for round := range 50 {
		for k := range 100 {
			if v, ok := c.Get(k); !ok || v != k {
				t.Fatalf("round %d: used key %d gone", round, k)
			}
		}
		for k := range 200 { // one-time keys, more than the free room
			c.Put(1000+round*200+k, 0)
		}
	}
	c.check(t)
}

func TestInvalidateAndClear(t *testing.T) {
	c := New[int, string](64, 4, mix)
	for k := range 40 {
		c.Put(k, "v")
	}
	c.Invalidate(7)
	c.Invalidate(999) // not held: nothing happens
	if _, ok := c.Get(7); ok {
		t.Fatal("7 still there")
	}
	for k := range 40 {
		if _, ok := c.Get(k); !ok && k != 7 {
			t.Fatalf("invalidating 7 dropped %d", k)
		}
	}
	if c.Len() != 39 {
		t.Fatalf("len %d", c.Len())
	}
	c.check(t)
	c.Clear()
	if c.Len() != 0 {
		t.Fatalf("len %d after Clear", c.Len())
	}
	if _, ok := c.Get(3); ok {
		t.Fatal("3 after Clear")
	}
	c.Put(3, "w")
	if v, _ := c.Get(3); v != "w" {
		t.Fatalf("after Clear and Put: %q", v)
	}
}

// A value read before an Invalidate or Clear is not stored after it.
func TestPutIfGen(t *testing.T) {
	c := New[int, int](64, 2, mix)
	gen := c.Gen()
	c.Invalidate(1) // any key: the generation is the cache's
	c.PutIfGen(2, 2, gen)
	if _, ok := c.Get(2); ok {
		t.Fatal("a read older than an Invalidate was kept")
	}
	gen = c.Gen()
	c.Clear()
	c.PutIfGen(2, 2, gen)
	if _, ok := c.Get(2); ok {
		t.Fatal("a read older than a Clear was kept")
	}
	gen = c.Gen()
	c.PutIfGen(2, 5, gen)
	if v, ok := c.Get(2); !ok || v != 5 {
		t.Fatal("a current read was not kept")
	}
}

// Random operations against a map: a hit always gives the value last stored, and the
// structure stays sound (tiny shards, so eviction and the index's back-shift run often,
// and a few hashes collide to exercise probing).
func TestAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	hashes := []func(int) uint64{mix, func(k int) uint64 { return mix(k % 7) }}
	for hi, h := range hashes {
		c := New[int, int](48, 4, h)
		model := map[int]int{}
		for i := range 50000 {
			k := r.IntN(200)
			switch op := r.IntN(10); {
			case op < 5:
				v := r.Int()
				c.Put(k, v)
				model[k] = v
			case op < 9:
				if v, ok := c.Get(k); ok && v != model[k] {
					t.Fatalf("hash %d op %d: key %d gives %d, last stored %d", hi, i, k, v, model[k])
				} else if ok {
					if _, held := model[k]; !held {
						t.Fatalf("hash %d op %d: key %d was invalidated", hi, i, k)
					}
				}
			default:
				c.Invalidate(k)
				delete(model, k)
			}
			if i%997 == 0 {
				c.check(t)
			}
		}
		c.check(t)
	}
}

// Under -race: Get, Put, Invalidate and Clear from many goroutines.
func TestConcurrent(t *testing.T) {
	c := New[int, [4]int](500, 8, mix)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for range 20000 {
				k := r.IntN(2000)
				switch n := r.IntN(100); {
				case n < 60:
					if v, ok := c.Get(k); ok && v != [4]int{k, k, k, k} {
						t.Errorf("key %d: %v", k, v)
						return
					}
				case n < 95:
					c.PutIfGen(k, [4]int{k, k, k, k}, c.Gen())
				case n < 99:
					c.Invalidate(k)
				default:
					c.Clear()
				}
			}
		}()
	}
	wg.Wait()
	c.check(t)
}

func BenchmarkGetHit(b *testing.B) {
	c := New[int, [64]byte](1<<17, 32, mix)
	for k := range 100000 {
		c.Put(k, [64]byte{})
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(1, 1))
		for pb.Next() {
			if _, ok := c.Get(r.IntN(100000)); !ok {
				b.Fatal("miss")
			}
		}
	})
}

// Pointer-free entries live off the heap, others on it; both grow their index as they
// fill and give everything back on Clear.
func TestGrowBothStorages(t *testing.T) {
	off := New[int, [3]int64](40000, 4, mix)
	on := New[int, string](40000, 4, mix)
	if !off.OffHeap() || on.OffHeap() {
		t.Fatalf("off heap: %v for [3]int64, %v for string", off.OffHeap(), on.OffHeap())
	}
	for round := range 2 {
		for k := range 20000 {
			off.Put(k, [3]int64{int64(k), 1, 2})
			on.Put(k, "v"+string(rune('a'+k%26)))
		}
		off.check(t)
		on.check(t)
		for k := range 20000 {
			if v, ok := off.Get(k); !ok || v[0] != int64(k) {
				t.Fatalf("round %d: off-heap key %d: %v %v", round, k, v, ok)
			}
			if v, ok := on.Get(k); !ok || v != "v"+string(rune('a'+k%26)) {
				t.Fatalf("round %d: heap key %d: %q %v", round, k, v, ok)
			}
		}
		off.Clear()
		on.Clear()
		if off.Len() != 0 || on.Len() != 0 {
			t.Fatalf("after Clear: %d and %d", off.Len(), on.Len())
		}
		if _, ok := off.Get(5); ok {
			t.Fatal("off-heap key after Clear")
		}
	}
}
