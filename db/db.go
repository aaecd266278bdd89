// Package db stores shopauth's data in SQLite: one connection for writes, a small
// pool for reads, embedded numbered migrations.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

//go:embed migrations/sqlite/*.sql
var migrationFS embed.FS

// DB is an open shopauth database.
type DB struct {
	// write has one connection: SQLite allows one writer, and read-then-write
	// transactions on a shared pool deadlock into SQLITE_BUSY (go-stack.md §3).
	write *sql.DB
	read  *sql.DB
	Path  string
	dsn   string
	// Prepared once: parsing SQL cost more than running it on the hot read path.
	customerByID    *sql.Stmt
	customerByEmail *sql.Stmt
	cache           customerCache
	// Created is true when Open made the schema from nothing (a new database).
	Created bool
}

// Open opens (creating if needed) the database at path and applies migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	d := &DB{write: w, read: r, Path: path, dsn: base}
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.prepare(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	err1 := d.write.Close()
	err2 := d.read.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

// Ping checks that the database file can be read and is migrated (for /healthz);
// SELECT 1 alone would answer without touching the file.
func (d *DB) Ping(ctx context.Context) error {
	var n int
	if err := d.read.QueryRowContext(ctx, "SELECT count(*) FROM schema_migration").Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errors.New("database not migrated")
	}
	return nil
}

func (d *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/sqlite/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/sqlite/")
		num, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		var done int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migration WHERE version = $1`, num).Scan(&done); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if done > 0 {
			continue
		}
		if num == 1 {
			d.Created = true
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migration (version, name) VALUES ($1, $2)`, num, base); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	// Migration 0008's Go step; it also keys rows that a binary from before 0008
	// wrote into a migrated file.
	if err := fillEmailKeys(ctx, tx, time.Now()); err != nil {
		return fmt.Errorf("migration 0008_customer_email_key: %w", err)
	}
	return tx.Commit()
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE), committing when fn succeeds.
func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
