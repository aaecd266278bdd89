package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"shopauth/auth"
)

const addressColumns = `id, customer_id, firstname, lastname, middlename, prefix, suffix, company, street, city,
	region, region_code, region_id, postcode, country_id, telephone, fax, vat_id, default_billing, default_shipping,
	custom_attributes`

func scanAddress(row interface{ Scan(...any) error }) (*auth.Address, error) {
	var a auth.Address
	var street, custom string
	var billing, shipping int
	err := row.Scan(&a.ID, &a.CustomerID, &a.Firstname, &a.Lastname, &a.Middlename, &a.Prefix, &a.Suffix, &a.Company,
		&street, &a.City, &a.Region, &a.RegionCode, &a.RegionID, &a.Postcode, &a.CountryID, &a.Telephone, &a.Fax, &a.VatID,
		&billing, &shipping, &custom)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if street != "" {
		a.Street = strings.Split(street, "\n")
	}
	a.DefaultBilling, a.DefaultShipping = billing != 0, shipping != 0
	if custom != "" && custom != "{}" {
		if err := json.Unmarshal([]byte(custom), &a.Custom); err != nil {
			return nil, fmt.Errorf("address %d custom attributes: %w", a.ID, err)
		}
	}
	return &a, nil
}

const addressesByCustomerSQL = `SELECT ` + addressColumns + ` FROM customer_address WHERE customer_id = $1 ORDER BY id`

// Addresses returns the customer's addresses in id order.
func (d *DB) Addresses(ctx context.Context, customerID int64) ([]*auth.Address, error) {
	var rows *sql.Rows
	var err error
	if d.addressesByCustomer != nil {
		rows, err = d.addressesByCustomer.QueryContext(ctx, customerID)
	} else {
		rows, err = d.read.QueryContext(ctx, addressesByCustomerSQL, customerID)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*auth.Address
	for rows.Next() {
		a, err := scanAddress(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddressByID returns an address of any customer.
func (d *DB) AddressByID(ctx context.Context, id int64) (*auth.Address, error) {
	return scanAddress(d.read.QueryRowContext(ctx, `SELECT `+addressColumns+` FROM customer_address WHERE id = $1`, id))
}

// SaveAddress inserts or updates an address and, in the same transaction, takes the
// customer's default billing/shipping mark from its other addresses when a is marked.
// An insert counts the customer's addresses first, with the customer's row locked, so
// parallel inserts cannot pass max together.
func (d *DB) SaveAddress(ctx context.Context, a *auth.Address, max int, now time.Time) error {
	custom := "{}"
	if len(a.Custom) > 0 {
		b, err := json.Marshal(a.Custom)
		if err != nil {
			return err
		}
		custom = string(b)
	}
	street := strings.Join(a.Street, "\n")
	return d.inTx(ctx, func(tx *sql.Tx) error {
		// The customer's row is the lock that orders this customer's address writes:
		// PostgreSQL's READ COMMITTED would let two transactions each count 99 or each
		// clear the other's default mark before either commits.
		var owner int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM customer WHERE id = $1`+d.dl.forUpdate, a.CustomerID).Scan(&owner); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return auth.ErrNotFound
			}
			return err
		}
		if a.ID == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM customer_address WHERE customer_id = $1`, a.CustomerID).Scan(&n); err != nil {
				return err
			}
			if n >= max {
				return auth.ErrTooMany
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO customer_address (customer_id, firstname, lastname, middlename, prefix, suffix,
				company, street, city, region, region_code, region_id, postcode, country_id, telephone, fax, vat_id,
				default_billing, default_shipping, custom_attributes, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)
				RETURNING id`,
				a.CustomerID, a.Firstname, a.Lastname, a.Middlename, a.Prefix, a.Suffix, a.Company, street, a.City, a.Region,
				a.RegionCode, a.RegionID, a.Postcode, a.CountryID, a.Telephone, a.Fax, a.VatID, boolInt(a.DefaultBilling),
				boolInt(a.DefaultShipping), custom, now.Unix()).Scan(&a.ID)
			if err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE customer_address SET firstname = $1, lastname = $2, middlename = $3, prefix = $4,
				suffix = $5, company = $6, street = $7, city = $8, region = $9, region_code = $10, region_id = $11, postcode = $12,
				country_id = $13, telephone = $14, fax = $15, vat_id = $16, default_billing = $17, default_shipping = $18,
				custom_attributes = $19, updated_at = $20 WHERE id = $21 AND customer_id = $22`,
				a.Firstname, a.Lastname, a.Middlename, a.Prefix, a.Suffix, a.Company, street, a.City, a.Region, a.RegionCode,
				a.RegionID, a.Postcode, a.CountryID, a.Telephone, a.Fax, a.VatID, boolInt(a.DefaultBilling),
				boolInt(a.DefaultShipping), custom, now.Unix(), a.ID, a.CustomerID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return auth.ErrNotFound
			}
		}
		if a.DefaultBilling {
			if _, err := tx.ExecContext(ctx, `UPDATE customer_address SET default_billing = 0
				WHERE customer_id = $1 AND id <> $2 AND default_billing = 1`, a.CustomerID, a.ID); err != nil {
				return err
			}
		}
		if a.DefaultShipping {
			if _, err := tx.ExecContext(ctx, `UPDATE customer_address SET default_shipping = 0
				WHERE customer_id = $1 AND id <> $2 AND default_shipping = 1`, a.CustomerID, a.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteAddress deletes the customer's address in one statement unless it is a default one.
func (d *DB) DeleteAddress(ctx context.Context, id, customerID int64) (bool, error) {
	res, err := d.write.ExecContext(ctx, `DELETE FROM customer_address
		WHERE id = $1 AND customer_id = $2 AND default_billing = 0 AND default_shipping = 0`, id, customerID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// EachAddress calls fn for every address, with its customer's email, in id order.
func (d *DB) EachAddress(ctx context.Context, fn func(a *auth.Address, email string) error) error {
	cols := "a." + strings.ReplaceAll(strings.Join(strings.Fields(addressColumns), " "), ", ", ", a.")
	rows, err := d.read.QueryContext(ctx, `SELECT `+cols+`, c.email FROM customer_address a JOIN customer c ON c.id = a.customer_id ORDER BY a.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var email string
		a, err := scanAddress(scanWith{rows, &email})
		if err != nil {
			return err
		}
		if err := fn(a, email); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanWith scans a row's extra trailing columns into more.
type scanWith struct {
	row  interface{ Scan(...any) error }
	more *string
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more)...) }
