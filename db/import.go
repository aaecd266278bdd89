package db

import (
	"context"
	"database/sql"
	"time"

	"shopauth/auth"
)

// ImportBatch inserts (or updates) customers in one transaction.
func (d *DB) ImportBatch(ctx context.Context, cs []*auth.Customer, update bool) ([]auth.ImportOutcome, error) {
	out := make([]auth.ImportOutcome, len(cs))
	now := time.Now().Unix()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO customer (email, firstname, lastname, middlename, prefix, suffix, dob, taxvat,
			gender, allow_assistance, group_id, created_at, updated_at, password_hash, confirmation)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, `UPDATE customer SET firstname = ?, lastname = ?, middlename = ?, prefix = ?, suffix = ?,
			dob = ?, taxvat = ?, gender = ?, allow_assistance = ?, password_hash = ?, confirmation = ?, updated_at = ? WHERE email = ?`)
		if err != nil {
			return err
		}
		defer upd.Close()
		for i, c := range cs {
			res, err := ins.ExecContext(ctx, c.Email, c.Firstname, c.Lastname, c.Middlename, c.Prefix, c.Suffix, c.DateOfBirth, c.Taxvat,
				c.Gender, boolInt(c.AllowAssistance), c.GroupID, c.CreatedAt.Unix(), now, c.PasswordHash, c.Confirmation)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				out[i] = auth.Inserted
				continue
			}
			if !update {
				out[i] = auth.SkippedExisting
				continue
			}
			if _, err := upd.ExecContext(ctx, c.Firstname, c.Lastname, c.Middlename, c.Prefix, c.Suffix, c.DateOfBirth, c.Taxvat,
				c.Gender, boolInt(c.AllowAssistance), c.PasswordHash, c.Confirmation, now, c.Email); err != nil {
				return err
			}
			out[i] = auth.Updated
		}
		return nil
	})
	d.cache.changed()
	return out, err
}

// EachCustomer streams every customer in id order.
func (d *DB) EachCustomer(ctx context.Context, fn func(*auth.Customer) error) error {
	rows, err := d.read.QueryContext(ctx, `SELECT `+customerColumns+` FROM customer ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}
