package db

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"shopauth/auth"
)

// CustomAttributes returns every operator-added attribute with its options, in id order.
func (d *DB) CustomAttributes(ctx context.Context) ([]*auth.Attribute, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT id, entity_type, code, label, frontend_input, is_required, sort_order, forms
		FROM custom_attribute ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var out []*auth.Attribute
	byID := map[int64]*auth.Attribute{}
	for rows.Next() {
		a := &auth.Attribute{InputFilter: "NONE", Visible: true, Custom: true}
		var required int
		var forms string
		if err := rows.Scan(&a.ID, &a.Entity, &a.Code, &a.Label, &a.FrontendInput, &required, &a.SortOrder, &forms); err != nil {
			rows.Close()
			return nil, err
		}
		a.Required = required != 0
		if forms != "" {
			a.Forms = strings.Split(forms, ",")
		}
		switch a.FrontendInput {
		case "TEXT":
			a.Rules = []auth.ValidationRule{{Name: "MAX_TEXT_LENGTH", Value: "255"}}
		case "BOOLEAN":
			a.Options = []auth.AttributeOption{{Label: "Yes", Value: "1"}, {Label: "No", Value: "0"}}
		}
		out = append(out, a)
		byID[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	opts, err := d.read.QueryContext(ctx, `SELECT id, attribute_id, label FROM custom_attribute_option ORDER BY attribute_id, sort_order, id`)
	if err != nil {
		return nil, err
	}
	defer opts.Close()
	for opts.Next() {
		var id, attr int64
		var label string
		if err := opts.Scan(&id, &attr, &label); err != nil {
			return nil, err
		}
		if a := byID[attr]; a != nil {
			a.Options = append(a.Options, auth.AttributeOption{Label: label, Value: strconv.FormatInt(id, 10)})
		}
	}
	return out, opts.Err()
}

// AddAttribute stores a new attribute and its options in one transaction, setting the
// options' values to their ids.
func (d *DB) AddAttribute(ctx context.Context, a *auth.Attribute) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO custom_attribute (entity_type, code, label, frontend_input, is_required,
			sort_order, forms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.Entity, a.Code, a.Label, a.FrontendInput, boolInt(a.Required), a.SortOrder, strings.Join(a.Forms, ","),
			time.Now().Unix()).Scan(&a.ID); err != nil {
			return err
		}
		if a.FrontendInput != "SELECT" {
			return nil
		}
		for i := range a.Options {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO custom_attribute_option (attribute_id, label, sort_order)
				VALUES ($1, $2, $3) RETURNING id`, a.ID, a.Options[i].Label, i).Scan(&id); err != nil {
				return err
			}
			a.Options[i].Value = strconv.FormatInt(id, 10)
		}
		return nil
	})
	if d.dl.isUniqueViolation(err) {
		return auth.ErrDuplicate
	}
	return err
}

const valuesByCustomerSQL = `SELECT code, value FROM customer_attribute_value WHERE customer_id = $1`

// CustomerAttributeValues returns a customer's custom attribute values by code.
func (d *DB) CustomerAttributeValues(ctx context.Context, customerID int64) (map[string]string, error) {
	var rows *sql.Rows
	var err error
	if d.valuesByCustomer != nil {
		rows, err = d.valuesByCustomer.QueryContext(ctx, customerID)
	} else {
		rows, err = d.read.QueryContext(ctx, valuesByCustomerSQL, customerID)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, value string
		if err := rows.Scan(&code, &value); err != nil {
			return nil, err
		}
		out[code] = value
	}
	return out, rows.Err()
}

// SetCustomerAttributeValues upserts values ("" deletes one) in one transaction.
func (d *DB) SetCustomerAttributeValues(ctx context.Context, customerID int64, values map[string]string) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for code, v := range values {
			var err error
			if v == "" {
				_, err = tx.ExecContext(ctx, `DELETE FROM customer_attribute_value WHERE customer_id = $1 AND code = $2`, customerID, code)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO customer_attribute_value (customer_id, code, value) VALUES ($1, $2, $3)
					ON CONFLICT (customer_id, code) DO UPDATE SET value = excluded.value`, customerID, code, v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
