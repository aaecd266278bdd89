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
		st, err := tx.PrepareContext(ctx, revokeSQL)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rs {
			if _, err := st.ExecContext(ctx, r.UserType, r.UserID, r.BeforeMicro); err != nil {
				return err
			}
		}
		return nil
	})
}
