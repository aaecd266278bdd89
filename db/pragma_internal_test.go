package db

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSQLitePageCacheBounded: every SQLite connection, the writer and each reader,
// caps its page cache at 512 KiB (SQLite's default is 2000 KiB per connection).
func TestSQLitePageCacheBounded(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var size int
	if err := d.write.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil || size != -512 {
		t.Errorf("writer: cache_size %d (%v), want -512", size, err)
	}
	// Hold all four readers at once, so each one is asked.
	conns := make([]interface{ Close() error }, 0, 4)
	for i := range 4 {
		c, err := d.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		if err := c.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil || size != -512 {
			t.Errorf("reader %d: cache_size %d (%v), want -512", i, size, err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}
