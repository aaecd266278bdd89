package main

import (
	"os"
	"path/filepath"
	"testing"

	"shopauth/db/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// testDB names a new, empty database for a test: the SQLite file dir/name, or with
// SHOPAUTH_TEST_DB=postgres (how CI runs the suite a second time) a fresh PostgreSQL
// database.
func testDB(t *testing.T, dir, name string) string {
	t.Helper()
	if pgtest.OnPostgres() {
		return pgtest.DSN(t)
	}
	return filepath.Join(dir, name)
}

// sqliteOnly skips a test of what only the SQLite engine has when the suite runs on
// PostgreSQL.
func sqliteOnly(t *testing.T) {
	t.Helper()
	if pgtest.OnPostgres() {
		t.Skip("SQLite only: the suite runs on PostgreSQL")
	}
}
