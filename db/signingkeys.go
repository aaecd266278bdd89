package db

import (
	"context"
	"database/sql"

	"shopauth/auth"
)

// SigningKeys returns every stored signing key, oldest first.
func (d *DB) SigningKeys(ctx context.Context) ([]auth.TokenKey, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT kid, alg, private_key, created_us, verify_until FROM signing_key ORDER BY created_us, kid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.TokenKey
	for rows.Next() {
		var k auth.TokenKey
		var until sql.NullInt64
		if err := rows.Scan(&k.Kid, &k.Alg, &k.PrivateKey, &k.CreatedMicro, &until); err != nil {
			return nil, err
		}
		k.VerifyUntil = until.Int64
		out = append(out, k)
	}
	return out, rows.Err()
}

// SigningKeysVersion changes whenever a key is added (keys are never changed otherwise).
func (d *DB) SigningKeysVersion(ctx context.Context) (int64, error) {
	var n int64
	err := d.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM signing_key`).Scan(&n)
	return n, err
}

// AddSigningKey stores k as the signing key and, in the same transaction, ends the
// signing of every other key: they verify until verifyUntil (unix seconds).
func (d *DB) AddSigningKey(ctx context.Context, k auth.TokenKey, verifyUntil int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.dl.lock(ctx, tx, "signing_key"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signing_key SET verify_until = $1 WHERE verify_until IS NULL`, verifyUntil); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO signing_key (kid, alg, private_key, created_us) VALUES ($1, $2, $3, $4)`,
			k.Kid, k.Alg, k.PrivateKey, k.CreatedMicro)
		return err
	})
}
