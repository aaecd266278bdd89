package resolvers

import (
	"context"
	"strconv"
	"sync"

	"github.com/graph-gophers/graphql-go"
	"shopauth/auth"
)

// addressBook loads a customer's addresses once per request, for addresses,
// addressesV2, default_billing and default_shipping alike.
type addressBook struct {
	once sync.Once
	list []*auth.Address
	err  error
}

func (c *Customer) addressList(ctx context.Context) ([]*auth.Address, error) {
	c.book.once.Do(func() { c.book.list, c.book.err = c.svc.CustomerAddresses(ctx, c.c) })
	return c.book.list, c.book.err
}

func (c *Customer) defaultAddress(ctx context.Context, billing bool) (*string, error) {
	list, err := c.addressList(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if (billing && a.DefaultBilling) || (!billing && a.DefaultShipping) {
			return str(strconv.FormatInt(a.ID, 10)), nil
		}
	}
	return nil, nil
}

// DefaultBilling is the id of the default billing address, as a string.
func (c *Customer) DefaultBilling(ctx context.Context) (*string, error) {
	return c.defaultAddress(ctx, true)
}

// DefaultShipping is the id of the default shipping address, as a string.
func (c *Customer) DefaultShipping(ctx context.Context) (*string, error) {
	return c.defaultAddress(ctx, false)
}

// Addresses lists the customer's addresses.
func (c *Customer) Addresses(ctx context.Context) (*[]*CustomerAddress, error) {
	list, err := c.addressList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*CustomerAddress, len(list))
	for i, a := range list {
		out[i] = &CustomerAddress{a: a, svc: c.svc}
	}
	return &out, nil
}

// CustomerAddresses is one page of addresses (Customer.addressesV2).
type CustomerAddresses struct {
	items          []*CustomerAddress
	total, size, p int32
}

func (p *CustomerAddresses) Items() *[]*CustomerAddress { return &p.items }
func (p *CustomerAddresses) TotalCount() *int32         { return &p.total }
func (p *CustomerAddresses) PageInfo() *SearchResultPageInfo {
	pages := (p.total + p.size - 1) / p.size
	return &SearchResultPageInfo{PageSize: &p.size, CurrentPage: &p.p, TotalPages: &pages}
}

// SearchResultPageInfo is Magento's pagination metadata.
type SearchResultPageInfo struct {
	PageSize    *int32
	CurrentPage *int32
	TotalPages  *int32
}

// AddressesV2 pages the customer's addresses, with Magento's checks of the arguments.
func (c *Customer) AddressesV2(ctx context.Context, args struct{ CurrentPage, PageSize int32 }) (*CustomerAddresses, error) {
	page, size := args.CurrentPage, args.PageSize
	if size < 1 {
		return nil, &auth.Error{Category: auth.CategoryInput, Message: auth.MsgPageSizePositive}
	}
	if page < 1 {
		return nil, &auth.Error{Category: auth.CategoryInput, Message: auth.MsgCurrentPagePositive}
	}
	list, err := c.addressList(ctx)
	if err != nil {
		return nil, err
	}
	out := &CustomerAddresses{total: int32(len(list)), size: size, p: page, items: []*CustomerAddress{}}
	start := int64(page-1) * int64(size)
	for i := start; i < int64(len(list)) && i < start+int64(size); i++ {
		out.items = append(out.items, &CustomerAddress{a: list[i], svc: c.svc})
	}
	return out, nil
}

// CustomerAddress maps auth.Address to Magento's CustomerAddress.
type CustomerAddress struct {
	a   *auth.Address
	svc *auth.Service
}

func (a *CustomerAddress) ID() *int32 { id := int32(a.a.ID); return &id }
func (a *CustomerAddress) UID() *graphql.ID {
	id := graphql.ID(auth.AddressUID(a.a.ID))
	return &id
}

// CustomerID is null, as Magento answers since it deprecated the field.
func (a *CustomerAddress) CustomerID() *int32 { return nil }
func (a *CustomerAddress) Region() *CustomerAddressRegion {
	id := int32(a.a.RegionID)
	return &CustomerAddressRegion{RegionCode: str(a.a.RegionCode), Region: str(a.a.Region), RegionID: &id}
}
func (a *CustomerAddress) RegionID() *int32     { id := int32(a.a.RegionID); return &id }
func (a *CustomerAddress) CountryID() *string   { return str(a.a.CountryID) }
func (a *CustomerAddress) CountryCode() *string { return str(a.a.CountryID) }
func (a *CustomerAddress) Street() *[]*string {
	out := make([]*string, len(a.a.Street))
	for i := range a.a.Street {
		out[i] = &a.a.Street[i]
	}
	return &out
}
func (a *CustomerAddress) Company() *string       { return str(a.a.Company) }
func (a *CustomerAddress) Telephone() *string     { return str(a.a.Telephone) }
func (a *CustomerAddress) Fax() *string           { return str(a.a.Fax) }
func (a *CustomerAddress) Postcode() *string      { return str(a.a.Postcode) }
func (a *CustomerAddress) City() *string          { return str(a.a.City) }
func (a *CustomerAddress) Firstname() *string     { return str(a.a.Firstname) }
func (a *CustomerAddress) Lastname() *string      { return str(a.a.Lastname) }
func (a *CustomerAddress) Middlename() *string    { return str(a.a.Middlename) }
func (a *CustomerAddress) Prefix() *string        { return str(a.a.Prefix) }
func (a *CustomerAddress) Suffix() *string        { return str(a.a.Suffix) }
func (a *CustomerAddress) VatID() *string         { return str(a.a.VatID) }
func (a *CustomerAddress) DefaultShipping() *bool { v := a.a.DefaultShipping; return &v }
func (a *CustomerAddress) DefaultBilling() *bool  { v := a.a.DefaultBilling; return &v }
func (a *CustomerAddress) ExtensionAttributes() *[]*CustomerAddressAttribute {
	out := []*CustomerAddressAttribute{}
	return &out
}

// CustomAttributes is the deprecated list of code and value pairs.
func (a *CustomerAddress) CustomAttributes(ctx context.Context) (*[]*CustomerAddressAttribute, error) {
	vs, err := a.svc.AddressCustomAttributes(ctx, a.a, nil)
	if err != nil {
		return nil, err
	}
	out := make([]*CustomerAddressAttribute, len(vs))
	for i, v := range vs {
		out[i] = &CustomerAddressAttribute{AttributeCode: str(v.Attribute.Code), Value: &vs[i].Value}
	}
	return &out, nil
}

// CustomAttributesV2 lists the address's custom attribute values.
func (a *CustomerAddress) CustomAttributesV2(ctx context.Context, args struct{ AttributeCodes *[]graphql.ID }) ([]*attributeValue, error) {
	vs, err := a.svc.AddressCustomAttributes(ctx, a.a, codes(args.AttributeCodes))
	if err != nil {
		return nil, err
	}
	return attributeValuesOut(vs), nil
}

// CustomerAddressRegion is the address's region.
type CustomerAddressRegion struct {
	RegionCode *string
	Region     *string
	RegionID   *int32
}

// CustomerAddressAttribute is a code and value pair.
type CustomerAddressAttribute struct {
	AttributeCode *string
	Value         *string
}

// customerAddressInput is CustomerAddressInput.
type customerAddressInput struct {
	Firstname, Lastname, Company, Telephone, City, Postcode, Fax, Middlename, Prefix, Suffix, VatID *string
	Street                                                                                          *[]*string
	Region                                                                                          *struct {
		RegionCode, Region *string
		RegionID           *int32
	}
	CountryID, CountryCode          *string
	DefaultShipping, DefaultBilling *bool
	CustomAttributes                *[]*struct{ AttributeCode, Value string }
	CustomAttributesV2              *[]*attributeValueInput
}

func (in *customerAddressInput) domain() auth.AddressInput {
	if in == nil {
		return auth.AddressInput{}
	}
	d := auth.AddressInput{Firstname: in.Firstname, Lastname: in.Lastname, Company: in.Company, Telephone: in.Telephone,
		City: in.City, Postcode: in.Postcode, Fax: in.Fax, Middlename: in.Middlename, Prefix: in.Prefix, Suffix: in.Suffix,
		VatID: in.VatID, Street: in.Street, CountryID: in.CountryID, DefaultShipping: in.DefaultShipping,
		DefaultBilling: in.DefaultBilling}
	if in.CountryCode != nil {
		d.CountryID = in.CountryCode
	}
	if in.Region != nil {
		d.Region = &auth.RegionInput{Code: in.Region.RegionCode, Name: in.Region.Region, ID: in.Region.RegionID}
	}
	if in.CustomAttributes != nil {
		for _, v := range *in.CustomAttributes {
			if v != nil {
				value := v.Value
				d.Custom = append(d.Custom, auth.AttributeValueInput{Code: v.AttributeCode, Value: &value})
			}
		}
	}
	if in.CustomAttributesV2 != nil {
		for _, v := range *in.CustomAttributesV2 {
			if v != nil {
				d.Custom = append(d.Custom, v.domain())
			}
		}
	}
	return d
}

func (r *Root) address(a *auth.Address, err error) (*CustomerAddress, error) {
	if err != nil {
		return nil, err
	}
	return &CustomerAddress{a: a, svc: r.Service}, nil
}

// CreateCustomerAddress adds an address to the current customer's book.
func (r *Root) CreateCustomerAddress(ctx context.Context, args struct{ Input customerAddressInput }) (*CustomerAddress, error) {
	return r.address(r.Service.CreateCustomerAddress(ctx, args.Input.domain()))
}

// UpdateCustomerAddress changes an address by id (deprecated).
func (r *Root) UpdateCustomerAddress(ctx context.Context, args struct {
	ID    int32
	Input *customerAddressInput
}) (*CustomerAddress, error) {
	return r.address(r.Service.UpdateCustomerAddress(ctx, int64(args.ID), "", args.Input.domain(), false))
}

// UpdateCustomerAddressV2 changes an address by uid.
func (r *Root) UpdateCustomerAddressV2(ctx context.Context, args struct {
	UID   graphql.ID
	Input *customerAddressInput
}) (*CustomerAddress, error) {
	return r.address(r.Service.UpdateCustomerAddress(ctx, 0, string(args.UID), args.Input.domain(), true))
}

// DeleteCustomerAddress deletes an address by id (deprecated).
func (r *Root) DeleteCustomerAddress(ctx context.Context, args struct{ ID int32 }) (*bool, error) {
	return done(r.Service.DeleteCustomerAddress(ctx, int64(args.ID), "", false))
}

// DeleteCustomerAddressV2 deletes an address by uid.
func (r *Root) DeleteCustomerAddressV2(ctx context.Context, args struct{ UID graphql.ID }) (*bool, error) {
	return done(r.Service.DeleteCustomerAddress(ctx, 0, string(args.UID), true))
}
