package db_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"shopauth/db"
)

// BenchmarkCustomerByIDDistinct reads customers by id spread over 100,000 distinct
// ones, as authenticated requests from that many customers do: each read should come
// from the cache once the working set was read.
func BenchmarkCustomerByIDDistinct(b *testing.B) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	const n = 100000
	now := time.Unix(1700000000, 0)
	if err := d.ImportBenchCustomers(ctx, n, now); err != nil {
		b.Fatal(err)
	}
	for id := int64(1); id <= n; id++ { // warm
		if _, err := d.CustomerByID(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 1))
		for pb.Next() {
			id := r.Int64N(n) + 1
			c, err := d.CustomerByID(ctx, id)
			if err != nil || c.ID != id {
				b.Fatal(c, err)
			}
		}
	})
}

// BenchmarkCustomerByIDFirstRead reads customers by id, each one never read before (the
// cache misses every time), in random order over 200,000: the database read behind a
// customer's first authenticated request. The context can end, as a request's does.
// Run it with -benchtime of at most 200000x in all.
func BenchmarkCustomerByIDFirstRead(b *testing.B) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	const n = 200000
	now := time.Unix(1700000000, 0)
	if err := d.ImportBenchCustomers(ctx, n, now); err != nil {
		b.Fatal(err)
	}
	order := rand.Perm(n)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for pb.Next() {
			i := next.Add(1) - 1
			if i >= n {
				b.Fatalf("more than %d first reads: lower -benchtime", n)
			}
			id := int64(order[i] + 1)
			c, err := d.CustomerByID(ctx, id)
			if err != nil || c.ID != id {
				b.Fatal(c, err)
			}
		}
	})
}
