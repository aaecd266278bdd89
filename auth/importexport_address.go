package auth

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// AddressColumns are the columns of Magento's customer address export (System > Data
// Transfer > Export, entity Customer Addresses), which customer:export --addresses writes
// and customer:import --addresses reads: the customer is named by _website and _email,
// the address by _entity_id; street lines are joined by a newline.
var AddressColumns = []string{"_website", "_email", "_entity_id", "city", "company", "country_id", "fax", "firstname",
	"lastname", "middlename", "postcode", "prefix", "region", "region_id", "street", "suffix", "telephone", "vat_id",
	"vat_is_valid", "vat_request_date", "vat_request_id", "vat_request_success", "_address_default_billing_",
	"_address_default_shipping_"}

// AddressExportStore streams every address with its customer's email. Implemented by db.
type AddressExportStore interface {
	EachAddress(ctx context.Context, fn func(a *Address, email string) error) error
}

// addressColumnsWith is AddressColumns with the operator's address attributes before the
// default marks, sorted as Magento sorts attribute columns.
func (s *Service) addressColumnsWith(ctx context.Context) ([]string, []string, error) {
	all, err := s.attributes(ctx)
	if err != nil {
		return nil, nil, err
	}
	var custom []string
	for _, a := range all {
		if a.Custom && a.Entity == EntityAddress {
			custom = append(custom, a.Code)
		}
	}
	sort.Strings(custom)
	cols := append([]string{}, AddressColumns[:len(AddressColumns)-2]...)
	cols = append(cols, custom...)
	return append(cols, AddressColumns[len(AddressColumns)-2:]...), custom, nil
}

// ExportAddresses writes every address in Magento's address export format; it returns the count.
func (s *Service) ExportAddresses(ctx context.Context, w io.Writer) (int, error) {
	store, ok := s.Addresses.(AddressExportStore)
	if !ok {
		return 0, errors.New("the address store cannot export")
	}
	cols, custom, err := s.addressColumnsWith(ctx)
	if err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return 0, err
	}
	n := 0
	b01 := map[bool]string{true: "1", false: "0"}
	err = store.EachAddress(ctx, func(a *Address, email string) error {
		n++
		region := ""
		if a.RegionID != 0 {
			region = strconv.Itoa(a.RegionID)
		}
		row := []string{"base", email, strconv.FormatInt(a.ID, 10), a.City, a.Company, a.CountryID, a.Fax, a.Firstname,
			a.Lastname, a.Middlename, a.Postcode, a.Prefix, a.Region, region, strings.Join(a.Street, "\n"), a.Suffix,
			a.Telephone, a.VatID, "", "", "", ""}
		for _, c := range custom {
			row = append(row, a.Custom[c])
		}
		return cw.Write(append(row, b01[a.DefaultBilling], b01[a.DefaultShipping]))
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// ImportAddresses reads Magento's address export format and adds each row to the book of
// the customer with its _email (import the customers first). A row whose _entity_id is an
// address of that customer updates it with UpdateExisting, else is skipped; any other row
// is a new address. Each row is validated as the address mutations validate.
func (s *Service) ImportAddresses(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	_, custom, err := s.addressColumnsWith(ctx)
	if err != nil {
		return rep, err
	}
	known := map[string]bool{}
	for _, c := range AddressColumns {
		known[c] = true
	}
	isCustom := map[string]bool{}
	for _, c := range custom {
		known[c], isCustom[c] = true, true
	}
	f, err := openImportFile(r, known, []string{"_email"}, MsgAddressImportEmpty, MsgAddressImportNoColumnFmt, opt.Warn)
	if err != nil {
		return rep, err
	}
	bad := func(line int, reason string) error {
		rep.Rows++
		rep.skip(opt, line, "", reason)
		return nil
	}
	for {
		ok, err := f.next(bad)
		if err != nil {
			return rep, err
		}
		if !ok {
			break
		}
		line, get := f.line, f.get
		rep.Rows++
		email := get("_email")
		c, err := s.Customers.CustomerByEmail(ctx, email)
		if errors.Is(err, ErrNotFound) {
			rep.skip(opt, line, email, "no customer has this email (import the customers first)")
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("find customer: %w", err)
		}
		a := &Address{CustomerID: c.ID}
		update := false
		if v := get("_entity_id"); v != "" {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				if old, err := s.Addresses.AddressByID(ctx, id); err == nil && old.CustomerID == c.ID {
					if !opt.UpdateExisting {
						rep.skip(opt, line, email, fmt.Sprintf("address %d exists (use --on-existing=update to update it)", id))
						continue
					}
					a, update = old, true
				}
			}
		}
		if err := s.addressFromRow(ctx, a, get, isCustom); err != nil {
			rep.skip(opt, line, email, err.Error())
			continue
		}
		if err := s.Addresses.SaveAddress(ctx, a, maxAddresses, s.Now()); err != nil {
			if errors.Is(err, ErrTooMany) {
				rep.skip(opt, line, email, fmt.Sprintf(MsgTooManyAddressesFmt, maxAddresses))
				continue
			}
			return rep, fmt.Errorf("import address, line %d: %w", line, err)
		}
		if update {
			rep.Updated++
		} else {
			rep.Inserted++
		}
		if opt.Progress != nil && rep.Rows%1000 == 0 {
			opt.Progress(rep.Rows)
		}
	}
	s.audit(ctx, AuditEvent{Event: "customer.import", Detail: fmt.Sprintf("addresses rows=%d inserted=%d updated=%d skipped=%d",
		rep.Rows, rep.Inserted, rep.Updated, rep.Skipped)})
	return rep, nil
}

// addressFromRow fills a from one CSV row and validates it whole.
func (s *Service) addressFromRow(ctx context.Context, a *Address, get func(string) string, isCustom map[string]bool) error {
	street := strings.Split(strings.ReplaceAll(get("street"), "\r\n", "\n"), "\n")
	if get("street") == "" {
		street = nil
	}
	lines := make([]*string, len(street))
	for i := range street {
		lines[i] = &street[i]
	}
	val := func(name string) *string { v := get(name); return &v }
	in := AddressInput{Firstname: val("firstname"), Lastname: val("lastname"), Middlename: val("middlename"),
		Prefix: val("prefix"), Suffix: val("suffix"), Company: val("company"), Telephone: val("telephone"), City: val("city"),
		Postcode: val("postcode"), Fax: val("fax"), VatID: val("vat_id"), Street: &lines, CountryID: val("country_id"),
		Region: &RegionInput{Name: val("region")}}
	if v := get("region_id"); v != "" {
		id, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("region_id %q is not a number", v)
		}
		id32 := int32(id)
		in.Region.ID = &id32
	}
	for _, f := range []struct {
		name string
		dst  **bool
	}{{"_address_default_billing_", &in.DefaultBilling}, {"_address_default_shipping_", &in.DefaultShipping}} {
		b, err := parseBool01(get(f.name))
		if err != nil {
			return fmt.Errorf("%s: %v", f.name, err)
		}
		*f.dst = &b
	}
	for code := range isCustom {
		if v := get(code); v != "" {
			in.Custom = append(in.Custom, AttributeValueInput{Code: code, Value: &v})
		}
	}
	if err := s.applyAddress(ctx, a, in); err != nil {
		var ae *Error
		if errors.As(err, &ae) {
			return errors.New(ae.Message)
		}
		return err
	}
	return nil
}
