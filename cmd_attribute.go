package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"shopauth/auth"
)

func init() { commands["customer:attribute:add"] = cmdCustomerAttributeAdd }

// cmdCustomerAttributeAdd adds a customer (or address) attribute that then appears in
// attributesForm, customAttributeMetadataV2 and custom_attributes.
func cmdCustomerAttributeAdd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("customer:attribute:add")
	code := fs.String("code", "", "attribute code: lower-case letters, digits, underscores")
	label := fs.String("label", "", "the label forms show (default: the code)")
	input := fs.String("input", "text", "text, select or boolean")
	options := fs.String("options", "", "a select attribute's option labels, separated by commas")
	required := fs.Bool("required", false, "a value is required on create")
	sortOrder := fs.Int("sort-order", 200, "position in the forms (Magento's own attributes sit at 10-140)")
	entity := fs.String("entity", "customer", "customer or customer_address")
	if _, err := fs.parse(args, 0, "--code CODE [--label L] [--input text|select|boolean] [--options A,B] [--required] [--sort-order N] [--entity customer|customer_address] [--db FILE]"); err != nil {
		return err
	}
	n := auth.NewAttribute{Code: *code, Label: *label, Input: *input, Required: *required, SortOrder: *sortOrder}
	switch *entity {
	case "customer":
		n.Entity = auth.EntityCustomer
	case "customer_address":
		n.Entity = auth.EntityAddress
	default:
		return usagef("customer:attribute:add: --entity must be customer or customer_address, not %q", *entity)
	}
	if *options != "" {
		if strings.ToLower(*input) != "select" {
			return usagef("customer:attribute:add: --options is for --input select")
		}
		n.Options = strings.Split(*options, ",")
	} else if strings.ToLower(*input) == "select" {
		return usagef("customer:attribute:add: a select attribute needs --options")
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := svc.AddAttribute(ctx, n)
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			return usagef("customer:attribute:add: %s", ae.Message)
		}
		return err
	}
	fmt.Fprintf(stdout, "Added %s attribute %s (%s)", *entity, a.Code, strings.ToLower(a.FrontendInput))
	if len(a.Options) > 0 && a.FrontendInput == "SELECT" {
		var opts []string
		for _, o := range a.Options {
			opts = append(opts, o.Value+"="+o.Label)
		}
		fmt.Fprintf(stdout, " with options %s", strings.Join(opts, ", "))
	}
	fmt.Fprintln(stdout)
	return nil
}
