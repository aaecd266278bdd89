package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// copySkipped are the tables Copy leaves alone: the target's migrations made its own
// schema_migration and change_counter rows, customer_change tells running processes
// what changed since, and rate-limit buckets are a minute's state.
var copySkipped = map[string]bool{"schema_migration": true, "change_counter": true, "customer_change": true, "rate_limit": true}

// ErrTargetNotEmpty is returned by Copy when the target database already holds data.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// CopyCount is how many rows of one table Copy moved.
type CopyCount struct {
	Table string
	Rows  int
}

// Copy moves every row of every table from src into dst, an empty database of this
// binary's schema on either engine: customers with their password hashes, admins with
// their TOTP secrets, settings with crypt/key, revocations, the outbox, the audit log,
// everything, so that dst serves the same tokens. One transaction on dst (all or
// nothing) over one consistent read of src. Both must be at the same migration.
func Copy(ctx context.Context, src, dst *DB) ([]CopyCount, error) {
	sv, err := src.migrationSet(ctx)
	if err != nil {
		return nil, err
	}
	dv, err := dst.migrationSet(ctx)
	if err != nil {
		return nil, err
	}
	if sv != dv {
		return nil, fmt.Errorf("copy: the databases are at different migrations (%s and %s)", sv, dv)
	}
	rtx, err := src.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: src.dl.snapshot()})
	if err != nil {
		return nil, fmt.Errorf("copy: read %s: %w", Redact(src.Path), err)
	}
	defer rtx.Rollback()
	tables, err := src.tables(ctx, rtx)
	if err != nil {
		return nil, err
	}
	var out []CopyCount
	err = dst.inTx(ctx, func(wtx *sql.Tx) error {
		for _, t := range tables {
			var n int
			if err := wtx.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
				return fmt.Errorf("copy: target table %s: %w", t, err)
			}
			if n > 0 {
				return fmt.Errorf("%w (%s has %d rows): db:copy writes into a new database only", ErrTargetNotEmpty, t, n)
			}
		}
		for _, t := range tables {
			n, err := copyTable(ctx, rtx, wtx, t)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
			out = append(out, CopyCount{t, n})
		}
		return dst.dl.resetIdentities(ctx, wtx, tables)
	})
	if err != nil {
		return nil, err
	}
	dst.cache.changed()
	return out, nil
}

// migrationSet is the applied migration numbers, as text.
func (d *DB) migrationSet(ctx context.Context) (string, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT version FROM schema_migration ORDER BY version`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var vs []string
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return "", err
		}
		vs = append(vs, fmt.Sprint(v))
	}
	return strings.Join(vs, ","), rows.Err()
}

// tables lists the schema's tables in the order they were created, so that a table
// comes after every table it references.
func (d *DB) tables(ctx context.Context, tx *sql.Tx) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid`
	if d.dl.name == "postgres" {
		q = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		if !copySkipped[t] {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

func copyTable(ctx context.Context, rtx, wtx *sql.Tx, table string) (int, error) {
	rows, err := rtx.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	sort.Strings(cols) // the engines list added columns in different places; order is ours
	rows.Close()
	rows, err = rtx.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	marks := make([]string, len(cols))
	for i := range cols {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	ins, err := wtx.PrepareContext(ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(marks, ", ")+`)`)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b) // every column of the schema is an integer or text
			}
		}
		if _, err := ins.ExecContext(ctx, vals...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
