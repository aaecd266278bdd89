package db

import "context"

// MarkMigratedForTest records a migration as applied without running it.
func (d *DB) MarkMigratedForTest(ctx context.Context, version int, name string) error {
	_, err := d.write.ExecContext(ctx, `INSERT INTO schema_migration (version, name) VALUES ($1, $2)`, version, name)
	return err
}

// ExecForTest runs a statement on the write connection, to put rows in a state only an
// older binary could leave them in.
func (d *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := d.write.ExecContext(ctx, query, args...)
	return err
}
