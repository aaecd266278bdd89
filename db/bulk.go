package db

import (
	"context"
	"database/sql"

	"shopauth/auth"
)

// RevokeMany stores revocations in one transaction, each as Revoke does: for bulk loads
// such as loadbench's generated dataset, where a transaction per row takes minutes.
func (d *DB) RevokeMany(ctx context.Context, rs []auth.Revocation) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range rs {
			if err := d.revoke(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}
