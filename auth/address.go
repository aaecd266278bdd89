package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Address is one entry of a customer's address book (Magento's customer_address_entity).
type Address struct {
	ID              int64
	CustomerID      int64
	Firstname       string
	Lastname        string
	Middlename      string
	Prefix          string
	Suffix          string
	Company         string
	Street          []string
	City            string
	Region          string // the region's name
	RegionCode      string
	RegionID        int // Magento's region_id, 0 for a free-text region
	Postcode        string
	CountryID       string
	Telephone       string
	Fax             string
	VatID           string
	DefaultBilling  bool
	DefaultShipping bool
	// Custom holds the values of operator-added address attributes, by code.
	Custom map[string]string
}

// RegionInput is CustomerAddressRegionInput; nil fields were not given.
type RegionInput struct {
	Code *string
	Name *string
	ID   *int32
}

// AddressInput carries the fields of CustomerAddressInput; nil means "not given".
type AddressInput struct {
	Firstname, Lastname, Middlename, Prefix, Suffix, Company *string
	Telephone, City, Postcode, Fax, VatID                    *string
	Street                                                   *[]*string
	Region                                                   *RegionInput
	CountryID                                                *string // country_code, or the deprecated country_id
	DefaultBilling, DefaultShipping                          *bool
	Custom                                                   []AttributeValueInput
}

func (in AddressInput) empty() bool {
	return in.Firstname == nil && in.Lastname == nil && in.Middlename == nil && in.Prefix == nil && in.Suffix == nil &&
		in.Company == nil && in.Telephone == nil && in.City == nil && in.Postcode == nil && in.Fax == nil && in.VatID == nil &&
		in.Street == nil && in.Region == nil && in.CountryID == nil && in.DefaultBilling == nil && in.DefaultShipping == nil &&
		len(in.Custom) == 0
}

// AddressStore keeps customer addresses. Implemented by db.
type AddressStore interface {
	// Addresses returns the customer's addresses in id order.
	Addresses(ctx context.Context, customerID int64) ([]*Address, error)
	// AddressByID returns an address of any customer; ErrNotFound when there is none.
	AddressByID(ctx context.Context, id int64) (*Address, error)
	// SaveAddress inserts a (ID 0, setting ID) or updates it, in one transaction that also
	// moves the customer's default billing/shipping mark to it when its flag is set. An
	// insert fails with ErrTooMany when the customer has max addresses already.
	SaveAddress(ctx context.Context, a *Address, max int, now time.Time) error
	// DeleteAddress deletes the customer's address unless it is a default one; deleted
	// reports whether it did.
	DeleteAddress(ctx context.Context, id, customerID int64) (deleted bool, err error)
}

// ErrTooMany is returned by stores when a per-customer limit is reached.
var ErrTooMany = errors.New("too many")

// Address book limits: Magento's customer/address/street_lines (2) and shopauth's own
// bound on addresses per customer.
const (
	streetLines  = 2
	maxAddresses = 100
)

// optionalZipList is Magento's general/country/optional_zip_countries default.
var optionalZipList = []string{"HK", "IE", "MO", "PA", "GB"}

var optionalZipCountries = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range optionalZipList {
		m[c] = true
	}
	return m
}()

// DefaultCountry is Magento's general/country/default.
const DefaultCountry = "US"

// OptionalZipCountries are the countries whose addresses need no postcode.
func OptionalZipCountries() []string { return optionalZipList }

// CountriesWithRequiredRegion are the countries whose addresses need a region: those
// with a region list (Magento's general/region/state_required names them).
func CountriesWithRequiredRegion() []string {
	var out []string
	for _, c := range directory.countries {
		if len(c.Regions) > 0 {
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	return out
}

// AddressUID is the uid of an address: base64 of its id, as Magento's Uid encoder.
func AddressUID(id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// customerForAddressBook is Magento's order for the address mutations: a guest or an
// admin is not authorized before any input is looked at; the account checks come after.
func (s *Service) signedInCustomerOnly(ctx context.Context) error {
	if p := PrincipalFrom(ctx); p == nil || p.UserType != UserTypeCustomer {
		return ErrNotAuthorized
	}
	return nil
}

// CustomerAddresses returns the current customer's addresses.
func (s *Service) CustomerAddresses(ctx context.Context, c *Customer) ([]*Address, error) {
	as, err := s.Addresses.Addresses(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("addresses of %d: %w", c.ID, err)
	}
	return as, nil
}

// CreateCustomerAddress adds an address to the current customer's book.
func (s *Service) CreateCustomerAddress(ctx context.Context, in AddressInput) (*Address, error) {
	if err := s.signedInCustomerOnly(ctx); err != nil {
		return nil, err
	}
	if in.empty() {
		return nil, inputError(MsgInputRequired)
	}
	c, err := s.CurrentCustomer(ctx)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, f := range []struct {
		code  string
		given bool
	}{
		{"firstname", given(in.Firstname)}, {"lastname", given(in.Lastname)}, {"street", in.Street != nil && len(*in.Street) > 0},
		{"city", given(in.City)}, {"country_id", given(in.CountryID)}, {"telephone", given(in.Telephone)},
	} {
		if !f.given {
			missing = append(missing, f.code)
		}
	}
	if len(missing) > 0 {
		return nil, inputError(MsgRequiredParamsMissingFmt, strings.Join(missing, ", "))
	}
	a := &Address{CustomerID: c.ID}
	if err := s.applyAddress(ctx, a, in); err != nil {
		return nil, err
	}
	if err := s.Addresses.SaveAddress(ctx, a, maxAddresses, s.Now()); err != nil {
		if errors.Is(err, ErrTooMany) {
			return nil, inputError(MsgTooManyAddressesFmt, maxAddresses)
		}
		return nil, fmt.Errorf("create address of %d: %w", c.ID, err)
	}
	return a, nil
}

func given(p *string) bool { return p != nil && *p != "" }

// DecodeAddressUID reads an address uid; a uid that is not base64 is Magento's input error.
func DecodeAddressUID(uid string) (int64, error) {
	b, err := base64.StdEncoding.DecodeString(uid)
	if err != nil {
		return 0, inputError(MsgUIDIncorrectFmt, uid)
	}
	// PHP's (int) cast: leading digits, 0 when there are none.
	s := string(b)
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	id, _ := strconv.ParseInt(s[:n], 10, 64)
	return id, nil
}

// ownAddress loads address id and checks it is the customer's, with the V1 or V2 messages.
func (s *Service) ownAddress(ctx context.Context, id, customerID int64, v2 bool) (*Address, error) {
	a, err := s.Addresses.AddressByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		if v2 {
			return nil, &Error{Category: CategoryNoSuchEntity, Message: MsgAddressNotFoundV2}
		}
		return nil, &Error{Category: CategoryNoSuchEntity, Message: fmt.Sprintf(MsgAddressNotFoundFmt, id)}
	}
	if err != nil {
		return nil, fmt.Errorf("load address %d: %w", id, err)
	}
	if a.CustomerID != customerID {
		if v2 {
			return nil, &Error{Category: CategoryAuthorization, Message: MsgAddressNotYoursV2}
		}
		return nil, &Error{Category: CategoryAuthorization, Message: fmt.Sprintf(MsgAddressNotYoursFmt, id)}
	}
	return a, nil
}

// UpdateCustomerAddress changes one of the current customer's addresses
// (updateCustomerAddress with an id, updateCustomerAddressV2 with a uid: v2).
func (s *Service) UpdateCustomerAddress(ctx context.Context, id int64, uid string, in AddressInput, v2 bool) (*Address, error) {
	if err := s.signedInCustomerOnly(ctx); err != nil {
		return nil, err
	}
	switch {
	case v2 && uid == "":
		return nil, inputError(MsgAddressUIDMustBe)
	case !v2 && id == 0:
		return nil, inputError(MsgAddressIDMustBeSpecified)
	case in.empty():
		return nil, inputError(MsgInputMustBeSpecified)
	}
	if v2 {
		var err error
		if id, err = DecodeAddressUID(uid); err != nil {
			return nil, err
		}
	}
	c, err := s.CurrentCustomer(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.ownAddress(ctx, id, c.ID, v2)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, f := range []struct {
		code  string
		empty bool
	}{
		{"firstname", in.Firstname != nil && *in.Firstname == ""}, {"lastname", in.Lastname != nil && *in.Lastname == ""},
		{"street", in.Street != nil && len(*in.Street) == 0}, {"city", in.City != nil && *in.City == ""},
		{"country_id", in.CountryID != nil && *in.CountryID == ""}, {"telephone", in.Telephone != nil && *in.Telephone == ""},
	} {
		if f.empty {
			missing = append(missing, f.code)
		}
	}
	if len(missing) > 0 {
		return nil, inputError(MsgRequiredParamsMissingFmt, strings.Join(missing, ", "))
	}
	if err := s.applyAddress(ctx, a, in); err != nil {
		return nil, err
	}
	if err := s.Addresses.SaveAddress(ctx, a, maxAddresses, s.Now()); err != nil {
		return nil, fmt.Errorf("update address %d: %w", a.ID, err)
	}
	return a, nil
}

// DeleteCustomerAddress removes one of the current customer's addresses, never a default one.
func (s *Service) DeleteCustomerAddress(ctx context.Context, id int64, uid string, v2 bool) error {
	if err := s.signedInCustomerOnly(ctx); err != nil {
		return err
	}
	if v2 {
		if uid == "" {
			return inputError(MsgAddressUIDMustBe)
		}
		var err error
		if id, err = DecodeAddressUID(uid); err != nil {
			return err
		}
	} else if id == 0 {
		return inputError(MsgAddressIDShouldBe)
	}
	c, err := s.CurrentCustomer(ctx)
	if err != nil {
		return err
	}
	a, err := s.ownAddress(ctx, id, c.ID, v2)
	if err != nil {
		return err
	}
	refuse := func(a *Address) error {
		switch {
		case a.DefaultBilling && v2:
			return inputError(MsgAddressDefaultBillingV2)
		case a.DefaultBilling:
			return inputError(MsgAddressDefaultBillingFmt, a.ID)
		case a.DefaultShipping && v2:
			return inputError(MsgAddressDefaultShipV2)
		case a.DefaultShipping:
			return inputError(MsgAddressDefaultShipFmt, a.ID)
		}
		return nil
	}
	if err := refuse(a); err != nil {
		return err
	}
	// The store deletes only a non-default address in one statement, so an address made
	// default meanwhile is kept; then say why, as Magento would have.
	deleted, err := s.Addresses.DeleteAddress(ctx, a.ID, c.ID)
	if err != nil {
		return fmt.Errorf("delete address %d: %w", a.ID, err)
	}
	if !deleted {
		if now, err := s.ownAddress(ctx, id, c.ID, v2); err != nil {
			return err
		} else if err := refuse(now); err != nil {
			return err
		}
	}
	return nil
}

// applyAddress copies the given fields of in onto a and validates the result as Magento's
// address validators do (General, then Country with its region).
func (s *Service) applyAddress(ctx context.Context, a *Address, in AddressInput) error {
	for _, f := range []struct {
		label string
		src   *string
		dst   *string
	}{
		{"First Name", in.Firstname, &a.Firstname}, {"Last Name", in.Lastname, &a.Lastname},
		{"Middle Name/Initial", in.Middlename, &a.Middlename}, {"Name Prefix", in.Prefix, &a.Prefix},
		{"Name Suffix", in.Suffix, &a.Suffix}, {"Company", in.Company, &a.Company},
		{"Phone Number", in.Telephone, &a.Telephone}, {"City", in.City, &a.City},
		{"Zip/Postal Code", in.Postcode, &a.Postcode}, {"Fax", in.Fax, &a.Fax}, {"VAT Number", in.VatID, &a.VatID},
	} {
		if f.src == nil {
			continue
		}
		if err := checkLen(f.label, *f.src, maxNameLen); err != nil {
			return err
		}
		*f.dst = strings.TrimSpace(*f.src)
	}
	if in.Street != nil {
		if len(*in.Street) > streetLines {
			return inputError(MsgStreetLinesFmt, streetLines)
		}
		a.Street = a.Street[:0:0]
		for _, l := range *in.Street {
			v := ""
			if l != nil {
				v = strings.TrimSpace(*l)
			}
			if err := checkLen("Street Address", v, maxNameLen); err != nil {
				return err
			}
			a.Street = append(a.Street, v)
		}
	}
	if in.CountryID != nil {
		if a.CountryID != *in.CountryID && in.Region == nil {
			// Another country: the old region cannot stay.
			a.Region, a.RegionCode, a.RegionID = "", "", 0
		}
		a.CountryID = *in.CountryID
	}
	if in.Region != nil {
		a.Region, a.RegionCode, a.RegionID = "", "", 0
		if in.Region.ID != nil {
			a.RegionID = int(*in.Region.ID)
		}
		if in.Region.Code != nil {
			a.RegionCode = strings.TrimSpace(*in.Region.Code)
		}
		if in.Region.Name != nil {
			a.Region = strings.TrimSpace(*in.Region.Name)
		}
		if err := checkLen("State/Province", a.Region, maxNameLen); err != nil {
			return err
		}
		if err := checkLen("State/Province", a.RegionCode, maxNameLen); err != nil {
			return err
		}
	}
	if in.DefaultBilling != nil {
		a.DefaultBilling = *in.DefaultBilling
	}
	if in.DefaultShipping != nil {
		a.DefaultShipping = *in.DefaultShipping
	}
	if err := s.applyCustomValues(ctx, EntityAddress, &a.Custom, in.Custom); err != nil {
		return err
	}
	return validateAddress(a)
}

// validateAddress is Magento's General and Country address validators, in their order.
func validateAddress(a *Address) error {
	required := func(field string) error { return inputError(MsgFieldRequiredFmt, field) }
	switch {
	case a.Firstname == "":
		return required("firstname")
	case a.Lastname == "":
		return required("lastname")
	case len(a.Street) == 0 || a.Street[0] == "":
		return required("street")
	case a.City == "":
		return required("city")
	case a.Telephone == "":
		return required("telephone")
	case a.Postcode == "" && !optionalZipCountries[a.CountryID]:
		return required("postcode")
	case a.CountryID == "":
		return required("countryId")
	}
	country := directory.country(a.CountryID)
	if country == nil {
		return inputError(MsgInvalidFieldValueFmt, a.CountryID, "countryId")
	}
	if len(country.Regions) == 0 {
		// Free text; a region id means nothing here.
		a.RegionID = 0
		return nil
	}
	// A country with a region list: the region is one of them, found by id, code or name.
	if a.RegionID == 0 {
		for i := range country.Regions {
			r := &country.Regions[i]
			if (a.RegionCode != "" && strings.EqualFold(r.Code, a.RegionCode)) ||
				(a.RegionCode == "" && a.Region != "" && strings.EqualFold(r.Name, a.Region)) {
				a.RegionID = r.ID
				break
			}
		}
	}
	if a.RegionID == 0 {
		return required("regionId")
	}
	r := directory.region(a.RegionID)
	if r == nil || r.Country != country.ID {
		return inputError(MsgInvalidFieldValueFmt, strconv.Itoa(a.RegionID), "regionId")
	}
	a.Region, a.RegionCode = r.Name, r.Code
	return nil
}
