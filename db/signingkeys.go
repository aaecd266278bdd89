package db

import (
	"context"
	"database/sql"
	"encoding/binary"
	"hash/fnv"

	"shopauth/auth"
)

// SigningKeys returns every stored signing key, oldest first.
func (d *DB) SigningKeys(ctx context.Context) ([]auth.TokenKey, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT kid, alg, private_key, created_us, verify_until, max_lifetime_s FROM signing_key ORDER BY created_us, kid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.TokenKey
	for rows.Next() {
		var k auth.TokenKey
		var until sql.NullInt64
		if err := rows.Scan(&k.Kid, &k.Alg, &k.PrivateKey, &k.CreatedMicro, &until, &k.MaxLifetime); err != nil {
			return nil, err
		}
		k.VerifyUntil = until.Int64
		out = append(out, k)
	}
	return out, rows.Err()
}

// SigningKeysVersion changes whenever a key is added or deleted, and when a retired
// key's verify_until moves (RaiseSigningKeyLifetime); raising the signing key's
// lifetime changes nothing another server must reload.
func (d *DB) SigningKeysVersion(ctx context.Context) (int64, error) {
	var n, newest, until int64
	if err := d.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(created_us), 0), COALESCE(SUM(verify_until), 0) FROM signing_key`).
		Scan(&n, &newest, &until); err != nil {
		return 0, err
	}
	h := fnv.New64a()
	for _, v := range []int64{n, newest, until} {
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(v)))
	}
	return int64(h.Sum64()), nil
}

// AddSigningKey stores k as the signing key and, in the same transaction, ends the
// signing of every other key: each verifies until retiredAt (unix seconds) plus the
// longest lifetime it signed with, its max_lifetime_s.
func (d *DB) AddSigningKey(ctx context.Context, k auth.TokenKey, retiredAt int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.dl.lock(ctx, tx, "signing_key"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signing_key SET verify_until = $1 + max_lifetime_s WHERE verify_until IS NULL`, retiredAt); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO signing_key (kid, alg, private_key, created_us, max_lifetime_s) VALUES ($1, $2, $3, $4, $5)`,
			k.Kid, k.Alg, k.PrivateKey, k.CreatedMicro, k.MaxLifetime)
		return err
	})
}

// RaiseSigningKeyLifetime records that a server may sign with kid for up to seconds:
// max_lifetime_s never goes down, and a key already retired verifies that much longer.
// One statement, so a rotation at the same moment comes wholly before or after it.
func (d *DB) RaiseSigningKeyLifetime(ctx context.Context, kid string, seconds int64) error {
	_, err := d.write.ExecContext(ctx, `UPDATE signing_key SET max_lifetime_s = $2, verify_until = verify_until + ($2 - max_lifetime_s)
		WHERE kid = $1 AND max_lifetime_s < $2`, kid, seconds)
	return err
}

// DeleteExpiredSigningKeys deletes the retired keys whose every token has expired
// (verify_until at or before now, unix seconds) and returns how many it deleted.
func (d *DB) DeleteExpiredSigningKeys(ctx context.Context, now int64) (int64, error) {
	res, err := d.write.ExecContext(ctx, `DELETE FROM signing_key WHERE verify_until <= $1`, now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
