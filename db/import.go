package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"shopauth/auth"
)

// importUpdatable maps the import columns an update may write to their SQL
// expression; "%s" is where the new value's placeholder goes.
var importUpdatable = []struct{ column, set string }{
	{"firstname", "firstname = %s"}, {"lastname", "lastname = %s"}, {"middlename", "middlename = %s"},
	{"prefix", "prefix = %s"}, {"suffix", "suffix = %s"}, {"dob", "dob = %s"}, {"taxvat", "taxvat = %s"},
	{"gender", "gender = %s"}, {"allow_remote_shopping_assistance", "allow_assistance = %s"},
	// An empty hash in the file keeps the stored one: an import never removes a password.
	{"password_hash", "password_hash = COALESCE(NULLIF(%s, ''), password_hash)"},
	{"confirmation", "confirmation = %s"},
}

func importValue(c *auth.Customer, column string) any {
	switch column {
	case "firstname":
		return c.Firstname
	case "lastname":
		return c.Lastname
	case "middlename":
		return c.Middlename
	case "prefix":
		return c.Prefix
	case "suffix":
		return c.Suffix
	case "dob":
		return c.DateOfBirth
	case "taxvat":
		return c.Taxvat
	case "gender":
		return c.Gender
	case "allow_remote_shopping_assistance":
		return boolInt(c.AllowAssistance)
	case "password_hash":
		return c.PasswordHash
	case "confirmation":
		return c.Confirmation
	}
	return nil
}

// ImportBatch inserts customers in one transaction; with update non-nil, existing
// emails get the listed columns updated instead of being skipped.
func (d *DB) ImportBatch(ctx context.Context, cs []*auth.Customer, update map[string]bool, at time.Time, revokeBefore int64) ([]auth.ImportOutcome, error) {
	out := make([]auth.ImportOutcome, len(cs))
	now := at.Unix()
	var sets, cols []string
	for _, u := range importUpdatable {
		if update[u.column] {
			cols = append(cols, u.column)
			sets = append(sets, fmt.Sprintf(u.set, fmt.Sprintf("$%d", len(cols))))
		}
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		// No conflict target: the email's unique key (email_key) and the older ASCII-only
		// unique email column both mean "this customer exists".
		ins, err := tx.PrepareContext(ctx, `INSERT INTO customer (email, firstname, lastname, middlename, prefix, suffix, dob, taxvat,
			gender, allow_assistance, group_id, created_at, updated_at, password_hash, confirmation, email_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer ins.Close()
		var upd *sql.Stmt
		if update != nil {
			// The SET list is built from importUpdatable only, never from the file.
			upd, err = tx.PrepareContext(ctx, `UPDATE customer SET `+strings.Join(append(sets, fmt.Sprintf("updated_at = $%d", len(cols)+1)), ", ")+fmt.Sprintf(" WHERE email_key = $%d", len(cols)+2))
			if err != nil {
				return err
			}
			defer upd.Close()
		}
		for i, c := range cs {
			res, err := ins.ExecContext(ctx, c.Email, c.Firstname, c.Lastname, c.Middlename, c.Prefix, c.Suffix, c.DateOfBirth, c.Taxvat,
				c.Gender, boolInt(c.AllowAssistance), c.GroupID, c.CreatedAt.Unix(), now, c.PasswordHash, c.Confirmation, auth.EmailKey(c.Email))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				out[i] = auth.Inserted
				continue
			}
			if upd == nil {
				out[i] = auth.SkippedExisting
				continue
			}
			// A new password hash ends the customer's tokens and sessions; a withdrawn
			// consent the tokens admins got for the customer (issue 14 items 11, 8).
			// Each UPDATE tells by RETURNING whether it changed the stored value.
			key := auth.EmailKey(c.Email)
			if update["password_hash"] && c.PasswordHash != "" {
				if err := revokeIfChanged(ctx, d, tx, `UPDATE customer SET password_hash = $1 WHERE email_key = $2 AND password_hash <> $1 RETURNING id`,
					auth.UserTypeCustomer, revokeBefore, c.PasswordHash, key); err != nil {
					return err
				}
			}
			if update["allow_remote_shopping_assistance"] && !c.AllowAssistance {
				if err := revokeIfChanged(ctx, d, tx, `UPDATE customer SET allow_assistance = 0 WHERE email_key = $1 AND allow_assistance <> 0 RETURNING id`,
					auth.RevokeAssistedFor, revokeBefore, key); err != nil {
					return err
				}
			}
			args := make([]any, 0, len(cols)+2)
			for _, col := range cols {
				args = append(args, importValue(c, col))
			}
			if _, err := upd.ExecContext(ctx, append(args, now, auth.EmailKey(c.Email))...); err != nil {
				return err
			}
			out[i] = auth.Updated
		}
		return nil
	})
	d.cache.changed()
	return out, err
}

// revokeIfChanged runs an UPDATE … RETURNING id and, when it changed a row, revokes the
// tokens of kind userType of that customer as of before.
func revokeIfChanged(ctx context.Context, d *DB, tx *sql.Tx, q string, userType int, before int64, args ...any) error {
	var id int64
	err := tx.QueryRowContext(ctx, q, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return d.revoke(ctx, tx, auth.Revocation{UserType: userType, UserID: id, BeforeMicro: before})
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
