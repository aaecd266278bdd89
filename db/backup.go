package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
)

// Backup writes a consistent copy of the live database to path (VACUUM INTO), while
// the server keeps serving. The file must not exist yet.
func (d *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	// Its own connection: the read pool is query_only, and the write connection
	// should stay free for requests while the copy is made.
	conn, err := sql.Open("sqlite", d.dsn)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its answer ("ok" when sound).
// PostgreSQL checks its own pages as it reads them; there it reads every table of the
// schema and answers "ok" when all could be read.
func (d *DB) IntegrityCheck(ctx context.Context) (string, error) {
	if d.dl.name == "postgres" {
		rows, err := d.read.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
		if err != nil {
			return "", err
		}
		var tables []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return "", err
			}
			tables = append(tables, t)
		}
		rows.Close()
		for _, t := range tables {
			var n int64
			if err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(t, `"`, `""`)+`"`).Scan(&n); err != nil {
				return "", fmt.Errorf("read %s: %w", t, err)
			}
		}
		return "ok", nil
	}
	var res string
	err := d.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	return res, err
}
