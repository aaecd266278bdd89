package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
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
func (d *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := d.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	return res, err
}
