package resolvers

import (
	"context"
	"encoding/base64"
	"strconv"

	"github.com/graph-gophers/graphql-go"
	"shopauth/auth"
)

// Customer maps auth.Customer to Magento's Customer type. The name fields are struct
// fields (graphql-go reads them, UseFieldResolvers, with no call through reflection),
// pointing into the loaded customer, nil for "".
type Customer struct {
	Email, Firstname, Lastname, Middlename, Prefix, Suffix, DateOfBirth, Dob, Taxvat *string

	c    *auth.Customer
	svc  *auth.Service
	s    *auth.Settings
	book addressBook
}

func (r *Root) customer(c *auth.Customer) *Customer {
	return &Customer{c: c, svc: r.Service, s: r.Service.Settings(),
		Email: strp(&c.Email), Firstname: strp(&c.Firstname), Lastname: strp(&c.Lastname),
		Middlename: strp(&c.Middlename), Prefix: strp(&c.Prefix), Suffix: strp(&c.Suffix),
		DateOfBirth: strp(&c.DateOfBirth), Dob: strp(&c.DateOfBirth), Taxvat: strp(&c.Taxvat)}
}

// ID is null, as Magento 2.4.4 to 2.4.8 answer it: the field is deprecated, an Int in
// the schema, and a client identifies the customer by its token.
func (c *Customer) ID() *int32 { return nil }

// GroupID is null, as Magento's ExtractCustomerData sets it: the group reaches a
// storefront through Customer.group.
func (c *Customer) GroupID() *int32 { return nil }

// Gender is null when not set.
func (c *Customer) Gender() *int32 {
	if c.c.Gender == 0 {
		return nil
	}
	g := int32(c.c.Gender)
	return &g
}

// IsSubscribed reads the customer's newsletter subscription (NewsletterGraphQl's IsSubscribed).
func (c *Customer) IsSubscribed(ctx context.Context) (*bool, error) {
	ok, err := c.svc.CustomerSubscribed(ctx, c.c)
	if err != nil {
		return nil, err
	}
	return &ok, nil
}

// CreatedAt uses Magento's "Y-m-d H:i:s" in UTC.
func (c *Customer) CreatedAt() *string { return str(c.c.CreatedAt.UTC().Format("2006-01-02 15:04:05")) }

func (c *Customer) AllowRemoteShoppingAssistance() bool { return c.c.AllowAssistance }

// ConfirmationStatus is ACCOUNT_CONFIRMATION_NOT_REQUIRED unless the store requires confirmation.
func (c *Customer) ConfirmationStatus() string {
	if !c.s.Bool(auth.PathConfirmRequired) {
		return "ACCOUNT_CONFIRMATION_NOT_REQUIRED"
	}
	return "ACCOUNT_CONFIRMED"
}

// Group is the customer's group, uid base64 of its id; null unless
// customer/account_information/graphql_share_customer_group is 1.
func (c *Customer) Group() *CustomerGroup {
	if !c.s.Bool(auth.PathShareCustomerGroup) {
		return nil
	}
	return &CustomerGroup{c.c.GroupID}
}

// IsConfirmed is magento2-pwa's flag: true once confirmed or when no confirmation is
// needed. An unconfirmed customer gets no token, so whoever can ask sees true.
func (c *Customer) IsConfirmed() *bool {
	return boolp(!c.s.Bool(auth.PathConfirmRequired) || c.c.Confirmation == "")
}

// CustomerGroup is Magento's CustomerGroupStorefront.
type CustomerGroup struct{ id int }

func (g *CustomerGroup) UID() graphql.ID {
	return graphql.ID(base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(g.id))))
}

// CustomerOutput wraps a customer.
type CustomerOutput struct{ c *Customer }

func (o *CustomerOutput) Customer() *Customer { return o.c }

// Customer is the signed-in customer.
func (r *Root) Customer(ctx context.Context) (*Customer, error) {
	c, err := r.Service.CurrentCustomer(ctx)
	if err != nil {
		return nil, err
	}
	return r.customer(c), nil
}

// customerInput is CustomerInput (createCustomer, updateCustomer).
type customerInput struct {
	Email, Firstname, Lastname, Password, Middlename, Prefix, Suffix, DateOfBirth, Dob, Taxvat *string
	Gender                                                                                     *int32
	IsSubscribed                                                                               *bool
}

func (in customerInput) domain() auth.CustomerInput {
	return auth.CustomerInput{Email: in.Email, Firstname: in.Firstname, Lastname: in.Lastname, Password: in.Password,
		Middlename: in.Middlename, Prefix: in.Prefix, Suffix: in.Suffix, DateOfBirth: in.DateOfBirth, Dob: in.Dob,
		Taxvat: in.Taxvat, Gender: in.Gender, IsSubscribed: in.IsSubscribed}
}

// customerCreateInput is CustomerCreateInput.
type customerCreateInput struct {
	Email, Firstname, Lastname                                     string
	Password, Middlename, Prefix, Suffix, DateOfBirth, Dob, Taxvat *string
	Gender                                                         *int32
	IsSubscribed, AllowRemoteShoppingAssistance                    *bool
	CustomAttributes                                               *[]attributeValueInput
}

// customerUpdateInput is CustomerUpdateInput.
type customerUpdateInput struct {
	Firstname, Lastname, Middlename, Prefix, Suffix, DateOfBirth, Dob, Taxvat *string
	Gender                                                                    *int32
	IsSubscribed, AllowRemoteShoppingAssistance                               *bool
	CustomAttributes                                                          *[]attributeValueInput
}

func (r *Root) output(c *auth.Customer, err error) (*CustomerOutput, error) {
	if err != nil {
		return nil, err
	}
	return &CustomerOutput{r.customer(c)}, nil
}

// CreateCustomer is the deprecated createCustomer.
func (r *Root) CreateCustomer(ctx context.Context, args struct{ Input customerInput }) (*CustomerOutput, error) {
	return r.output(r.Service.CreateCustomer(ctx, args.Input.domain()))
}

// CreateCustomerV2 creates a customer account.
func (r *Root) CreateCustomerV2(ctx context.Context, args struct{ Input customerCreateInput }) (*CustomerOutput, error) {
	in := args.Input
	return r.output(r.Service.CreateCustomer(ctx, auth.CustomerInput{Email: &in.Email, Firstname: &in.Firstname,
		Lastname: &in.Lastname, Password: in.Password, Middlename: in.Middlename, Prefix: in.Prefix, Suffix: in.Suffix,
		DateOfBirth: in.DateOfBirth, Dob: in.Dob, Taxvat: in.Taxvat, Gender: in.Gender, IsSubscribed: in.IsSubscribed,
		AllowAssistance: in.AllowRemoteShoppingAssistance, Custom: attributeValues(in.CustomAttributes)}))
}

// UpdateCustomer is the deprecated updateCustomer.
func (r *Root) UpdateCustomer(ctx context.Context, args struct{ Input customerInput }) (*CustomerOutput, error) {
	return r.output(r.Service.UpdateCustomer(ctx, args.Input.domain(), true))
}

// UpdateCustomerV2 updates the current customer's profile.
func (r *Root) UpdateCustomerV2(ctx context.Context, args struct{ Input customerUpdateInput }) (*CustomerOutput, error) {
	in := args.Input
	return r.output(r.Service.UpdateCustomer(ctx, auth.CustomerInput{Firstname: in.Firstname, Lastname: in.Lastname,
		Middlename: in.Middlename, Prefix: in.Prefix, Suffix: in.Suffix, DateOfBirth: in.DateOfBirth, Dob: in.Dob,
		Taxvat: in.Taxvat, Gender: in.Gender, IsSubscribed: in.IsSubscribed, AllowAssistance: in.AllowRemoteShoppingAssistance,
		Custom: attributeValues(in.CustomAttributes)}, false))
}

// IsEmailAvailableOutput is Magento's IsEmailAvailableOutput.
type IsEmailAvailableOutput struct{ available bool }

func (o *IsEmailAvailableOutput) IsEmailAvailable() *bool { return &o.available }

// IsEmailAvailable reports whether an email can register.
func (r *Root) IsEmailAvailable(ctx context.Context, args struct{ Email string }) (*IsEmailAvailableOutput, error) {
	ok, err := r.Service.IsEmailAvailable(ctx, args.Email)
	if err != nil {
		return nil, err
	}
	return &IsEmailAvailableOutput{ok}, nil
}
