package web_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestBigQueriesAreNotKept: the parse of a 64 KiB query can take 100 times its size
// (a list of 32,000 numbers is 7 MiB of syntax tree). The server used to keep the
// analysis of the last 512 query strings, whatever their size, so a few hundred
// distinct big queries (refused anyway) pinned gigabytes.
func TestBigQueriesAreNotKept(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		n, numbers int
	}{
		{32, 32000}, // 64 KiB each: never kept
		{100, 7500}, // 15 KiB each: kept, but within the cache's byte budget
	} {
		before := heapInUse()
		for i := 0; i < tc.n; i++ {
			q := fmt.Sprintf(`{q%d:customer(a:[`, i) + strings.Repeat("1,", tc.numbers) + `]){email}}`
			r := e.do("POST", "/graphql", "application/graphql", q, nil)
			if r.status != 200 || !strings.Contains(r.body, `"errors"`) {
				t.Fatalf("query %d: %d %.200s", i, r.status, r.body)
			}
		}
		grown := int64(heapInUse()) - int64(before)
		t.Logf("heap grew %d KiB after %d distinct %d KiB queries", grown>>10, tc.n, 2*tc.numbers>>10)
		if grown > 48<<20 {
			t.Errorf("heap grew %d MiB after %d distinct %d KiB queries: their parse trees are kept",
				grown>>20, tc.n, 2*tc.numbers>>10)
		}
	}
}
