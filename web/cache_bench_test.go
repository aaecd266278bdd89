package web_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCustomerQueryDistinct is BenchmarkCustomerQuery spread over 100,000
// customers, each with a token seen before: what loadbench's read over many distinct
// customers measures, in one process (for -cpuprofile and -memprofile).
func BenchmarkCustomerQueryDistinct(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	const n = 100000
	now := time.Now().UTC().Truncate(time.Second)
	if err := e.db.ImportBenchCustomers(ctx, n, now); err != nil {
		b.Fatal(err)
	}
	if err := e.svc.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	toks := make([]string, n)
	for i := range toks {
		var err error
		if toks[i], err = e.svc.IssueCustomerToken(ctx, int64(i+1), 0); err != nil {
			b.Fatal(err)
		}
	}
	h := e.srv.Config.Handler
	body := `{"query":"{ customer { email } }"}`
	serve := func(i int) {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+toks[i])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"email":"bench`+strconv.Itoa(i)+`@`) {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
	for i := range toks { // warm
		serve(i)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 3))
		for pb.Next() {
			serve(r.IntN(n))
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkCustomerQueryFirstRead is a customer's first authenticated read,
// { customer { email firstname } } as loadbench's phase 5a sends it, with a token the
// server has not seen: every iteration is another of 200,000 customers, so the verified
// token cache and the customer cache both miss (the signature is checked, the customer
// row read from the database). Run it with -benchtime of at most 150000x in all.
func BenchmarkCustomerQueryFirstRead(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	const n = 200000
	now := time.Now().UTC().Truncate(time.Second)
	if err := e.db.ImportBenchCustomers(ctx, n, now); err != nil {
		b.Fatal(err)
	}
	if err := e.svc.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	// In random order, as first reads come: not along the table.
	order := rand.Perm(n)
	toks := make([]string, n)
	for i, id := range order {
		var err error
		if toks[i], err = e.svc.IssueCustomerToken(ctx, int64(id+1), 0); err != nil {
			b.Fatal(err)
		}
	}
	h := e.srv.Config.Handler
	body := `{"query":"{ customer { email firstname } }"}`
	var next atomic.Int64
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		// A context that can end, as net/http gives every request (httptest.NewRequest's
		// cannot): what the database driver does per statement depends on it.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for pb.Next() {
			i := next.Add(1) - 1
			if i >= n {
				b.Fatalf("more than %d first reads: lower -benchtime", n)
			}
			req := httptest.NewRequestWithContext(ctx, "POST", "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+toks[i])
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"email":"bench`+strconv.Itoa(order[i])+`@`) {
				b.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
