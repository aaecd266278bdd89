package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"shopauth/db"
)

func init() { commands["db:copy"] = cmdDBCopy }

// cmdDBCopy moves a whole database from one engine (or file) to another: SQLite into
// an empty PostgreSQL and back. The target is created and migrated, then filled in one
// transaction; a target that holds data is refused.
func cmdDBCopy(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("db:copy")
	pos, err := fs.parse(args, 2, "FROM TO   (each a SQLite file or a postgres:// URL)")
	if err != nil {
		return err
	}
	from, to := pos[0], pos[1]
	if !db.IsPostgres(from) {
		if _, err := os.Stat(from); err != nil {
			return usagef("db:copy: %s: no such database file", from)
		}
	}
	if db.Redact(from) == db.Redact(to) {
		return usagef("db:copy: FROM and TO are the same database")
	}
	src, err := db.Open(ctx, from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := db.Open(ctx, to)
	if err != nil {
		return err
	}
	defer dst.Close()
	counts, err := db.Copy(ctx, src, dst)
	if errors.Is(err, db.ErrTargetNotEmpty) {
		return usagef("db:copy: %v", err)
	}
	if err != nil {
		return err
	}
	total := 0
	for _, c := range counts {
		total += c.Rows
	}
	fmt.Fprintf(stdout, "Copied %d rows in %d tables from %s to %s\n", total, len(counts), db.Redact(from), db.Redact(to))
	for _, c := range counts {
		if c.Rows > 0 {
			fmt.Fprintf(stdout, "  %-28s %d\n", c.Table, c.Rows)
		}
	}
	return nil
}
