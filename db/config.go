package db

import (
	"context"
	"database/sql"
	"fmt"
)

// LoadSettings returns every stored setting.
func (d *DB) LoadSettings(ctx context.Context) (map[string]string, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT path, value FROM config`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p, v string
		if err := rows.Scan(&p, &v); err != nil {
			return nil, err
		}
		out[p] = v
	}
	return out, rows.Err()
}

// SettingsVersion grows with every write to config, from any process.
func (d *DB) SettingsVersion(ctx context.Context) (int64, error) {
	var v int64
	err := d.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM config`).Scan(&v)
	return v, err
}

// SetSetting stores one setting.
func (d *DB) SetSetting(ctx context.Context, path, value string) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.dl.lock(ctx, tx, "config"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO config (path, value, seq) VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM config))
			ON CONFLICT (path) DO UPDATE SET value = excluded.value, seq = excluded.seq`, path, value)
		if err != nil {
			return fmt.Errorf("set %s: %w", path, err)
		}
		return nil
	})
}

// SetSettingIfUnset stores a setting only when it has never been set (used by --demo).
func (d *DB) SetSettingIfUnset(ctx context.Context, path, value string) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.dl.lock(ctx, tx, "config"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO config (path, value, seq) VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM config))
			ON CONFLICT (path) DO NOTHING`, path, value)
		return err
	})
}
