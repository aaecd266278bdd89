package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"shopauth/db"
	"shopauth/db/pgtest"
	"shopauth/db/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func sqliteDSN(t *testing.T) string { return filepath.Join(t.TempDir(), "shopauth.db") }

// engines are the two engines every storage test runs on.
var engines = []struct {
	name string
	dsn  storetest.Opener
}{
	{"sqlite", sqliteDSN},
	{"postgres", func(t *testing.T) string { return pgtest.DSN(t) }},
}

func TestStores(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { storetest.Run(t, e.dsn) })
	}
	// The mode the README gives for PgBouncer's transaction pooling: no prepared
	// statements at all, every query in the simple protocol.
	t.Run("postgres-simple-protocol", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) string { return pgtest.DSN(t) + "&default_query_exec_mode=simple_protocol" })
	})
}

// TestMigrationsMatch: both engines have a migration under every number, with the same name.
func TestMigrationsMatch(t *testing.T) {
	list := func(engine string) []string {
		names, err := filepath.Glob(filepath.Join("migrations", engine, "*.sql"))
		if err != nil || len(names) == 0 {
			t.Fatalf("%s migrations: %v %v", engine, names, err)
		}
		for i := range names {
			names[i] = filepath.Base(names[i])
		}
		sort.Strings(names)
		return names
	}
	sq, pg := list("sqlite"), list("postgres")
	if !reflect.DeepEqual(sq, pg) {
		t.Fatalf("migrations differ:\nsqlite   %v\npostgres %v", sq, pg)
	}
}

// TestSchemaNewerRefused: a binary that knows fewer migrations than the database has
// applied refuses to open it, saying so.
func TestSchemaNewerRefused(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			dsn := e.dsn(t)
			ctx := context.Background()
			d, err := db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.MarkMigratedForTest(ctx, 9999, "9999_from_the_future.sql"); err != nil {
				t.Fatal(err)
			}
			d.Close()
			_, err = db.Open(ctx, dsn)
			if !errors.Is(err, db.ErrSchemaNewer) || !strings.Contains(err.Error(), "at migration 9999") {
				t.Fatalf("open a newer schema: %v", err)
			}
		})
	}
}

// TestMigrateTogether: instances opening one empty database at the same moment
// migrate it exactly once.
func TestMigrateTogether(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			dsn := e.dsn(t)
			var mu sync.Mutex
			created := 0
			var wg sync.WaitGroup
			for range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, err := db.Open(context.Background(), dsn)
					if err != nil {
						t.Error(err)
						return
					}
					defer d.Close()
					mu.Lock()
					if d.Created {
						created++
					}
					mu.Unlock()
				}()
			}
			wg.Wait()
			if created != 1 {
				t.Fatalf("%d instances created the schema", created)
			}
		})
	}
}

func TestIsPostgresAndRedact(t *testing.T) {
	for dsn, want := range map[string]bool{"postgres://u@h/db": true, "postgresql://h/db": true, "POSTGRES://h": true, "./shopauth.db": false, "postgres.db": false, "/var/lib/postgres://x": false} {
		if db.IsPostgres(dsn) != want {
			t.Errorf("IsPostgres(%q) != %v", dsn, want)
		}
	}
	if got := db.Redact("postgres://shop:s3cret@db:5432/shop?sslmode=require"); strings.Contains(got, "s3cret") || !strings.Contains(got, "@db:5432/shop") {
		t.Fatalf("redact: %s", got)
	}
}
