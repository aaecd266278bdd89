package auth

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Entity types of customer attributes, as AttributeEntityTypeEnum names them.
const (
	EntityCustomer = "CUSTOMER"
	EntityAddress  = "CUSTOMER_ADDRESS"
)

// The storefront forms attributesForm answers for (Magento's customer_form_attribute).
const (
	FormAccountCreate   = "customer_account_create"
	FormAccountEdit     = "customer_account_edit"
	FormRegisterAddress = "customer_register_address"
	FormAddressEdit     = "customer_address_edit"
)

// AttributeOption is one option of a select attribute.
type AttributeOption struct {
	Label     string
	Value     string
	IsDefault bool
}

// ValidationRule is one of an attribute's validate_rules (name as ValidationRuleEnum).
type ValidationRule struct {
	Name  string
	Value string
}

// Attribute is the metadata of a customer or address attribute: Magento's defaults, or
// one an operator added (Custom).
type Attribute struct {
	ID             int64 // 0 for Magento's own
	Entity         string
	Code           string
	Label          string
	FrontendInput  string // AttributeFrontendInputEnum: TEXT, SELECT, BOOLEAN, MULTILINE, HIDDEN, DATE
	InputFilter    string // InputFilterEnum
	Required       bool
	Unique         bool
	DefaultValue   string
	SortOrder      int
	MultilineCount int
	Rules          []ValidationRule
	Options        []AttributeOption
	Forms          []string
	Visible        bool // shown on storefront forms; Magento hides prefix, dob, gender… by default
	Custom         bool
}

// UID is the attribute's uid: base64 of "entity/code" with Magento's entity type codes.
func (a *Attribute) UID() string {
	return base64.StdEncoding.EncodeToString([]byte(strings.ToLower(a.Entity) + "/" + a.Code))
}

func (a *Attribute) inForm(form string) bool {
	for _, f := range a.Forms {
		if f == form {
			return true
		}
	}
	return false
}

func (a *Attribute) option(value string) *AttributeOption {
	for i := range a.Options {
		if a.Options[i].Value == value {
			return &a.Options[i]
		}
	}
	return nil
}

// AttributeValueInput is AttributeValueInput (and the deprecated CustomerAddressAttributeInput).
type AttributeValueInput struct {
	Code            string
	Value           *string
	SelectedOptions []string
}

// AttributeStore keeps operator-added attributes and customers' values of them. Implemented by db.
type AttributeStore interface {
	// CustomAttributes returns every operator-added attribute with its options.
	CustomAttributes(ctx context.Context) ([]*Attribute, error)
	// AddAttribute stores a new attribute and its options (setting their values); ErrDuplicate
	// when the entity has the code already.
	AddAttribute(ctx context.Context, a *Attribute) error
	// CustomerAttributeValues returns a customer's values of custom attributes, by code.
	CustomerAttributeValues(ctx context.Context, customerID int64) (map[string]string, error)
	// SetCustomerAttributeValues writes values ("" deletes one) in one transaction.
	SetCustomerAttributeValues(ctx context.Context, customerID int64, values map[string]string) error
}

var (
	textRules     = []ValidationRule{{"MAX_TEXT_LENGTH", "255"}, {"MIN_TEXT_LENGTH", "1"}}
	customerForms = []string{FormAccountCreate, FormAccountEdit}
	addressForms  = []string{FormRegisterAddress, FormAddressEdit}
)

// magentoAttributes are Magento's default customer and address attributes that storefront
// forms use (Customer/Setup/CustomerSetup and its data patches: gender's third option,
// vat_id), with the default visibility of a new shop.
func magentoAttributes() []*Attribute {
	c := func(code, label, input string, sort int, required, visible bool, rules []ValidationRule) *Attribute {
		return &Attribute{Entity: EntityCustomer, Code: code, Label: label, FrontendInput: input, InputFilter: "NONE",
			SortOrder: sort, Required: required, Visible: visible, Rules: rules, Forms: customerForms}
	}
	a := func(code, label, input string, sort int, required, visible bool, rules []ValidationRule) *Attribute {
		return &Attribute{Entity: EntityAddress, Code: code, Label: label, FrontendInput: input, InputFilter: "NONE",
			SortOrder: sort, Required: required, Visible: visible, Rules: rules, Forms: addressForms}
	}
	dob := c("dob", "Date of Birth", "DATE", 90, false, false, []ValidationRule{{"INPUT_VALIDATION", "date"}})
	dob.InputFilter = "DATE"
	gender := c("gender", "Gender", "SELECT", 110, false, false, nil)
	gender.Options = []AttributeOption{{Label: "Male", Value: "1"}, {Label: "Female", Value: "2"}, {Label: "Not Specified", Value: "3"}}
	street := a("street", "Street Address", "MULTILINE", 70, true, true, textRules)
	street.MultilineCount = streetLines
	country := a("country_id", "Country", "SELECT", 90, true, true, nil)
	for _, co := range directory.countries {
		country.Options = append(country.Options, AttributeOption{Label: co.Name, Value: co.ID})
	}
	regionID := a("region_id", "State/Province", "HIDDEN", 100, false, true, nil)
	for _, co := range directory.countries {
		for _, r := range co.Regions {
			regionID.Options = append(regionID.Options, AttributeOption{Label: r.Name, Value: strconv.Itoa(r.ID)})
		}
	}
	return []*Attribute{
		c("prefix", "Name Prefix", "TEXT", 30, false, false, nil),
		c("firstname", "First Name", "TEXT", 40, true, true, textRules),
		c("middlename", "Middle Name/Initial", "TEXT", 50, false, false, nil),
		c("lastname", "Last Name", "TEXT", 60, true, true, textRules),
		c("suffix", "Name Suffix", "TEXT", 70, false, false, nil),
		c("email", "Email", "TEXT", 80, true, true, []ValidationRule{{"INPUT_VALIDATION", "email"}}),
		dob,
		c("taxvat", "Tax/VAT Number", "TEXT", 100, false, false, []ValidationRule{{"MAX_TEXT_LENGTH", "255"}}),
		gender,
		a("prefix", "Name Prefix", "TEXT", 10, false, false, nil),
		a("firstname", "First Name", "TEXT", 20, true, true, textRules),
		a("middlename", "Middle Name/Initial", "TEXT", 30, false, false, nil),
		a("lastname", "Last Name", "TEXT", 40, true, true, textRules),
		a("suffix", "Name Suffix", "TEXT", 50, false, false, nil),
		a("company", "Company", "TEXT", 60, false, true, textRules),
		street,
		a("city", "City", "TEXT", 80, true, true, textRules),
		country,
		a("region", "State/Province", "TEXT", 100, false, true, nil),
		regionID,
		a("postcode", "Zip/Postal Code", "TEXT", 110, false, true, nil),
		a("telephone", "Phone Number", "TEXT", 120, true, true, textRules),
		a("fax", "Fax", "TEXT", 130, false, false, textRules),
		a("vat_id", "VAT Number", "TEXT", 140, false, true, nil),
	}
}

var builtinAttributes = magentoAttributes()

// attributeCache holds Magento's and the operator's attributes, merged and sorted, for a
// second, so a running server sees one added by customer:attribute:add within a second
// without a query per field.
type attributeCache struct {
	mu        sync.Mutex
	at        time.Time
	all       []*Attribute
	hasCustom map[string]bool // entities with operator attributes
}

var attrCaches sync.Map // *Service → *attributeCache

const attributeCacheTTL = time.Second

func (s *Service) attributeCache(ctx context.Context) (*attributeCache, error) {
	v, _ := attrCaches.LoadOrStore(s, &attributeCache{})
	c := v.(*attributeCache)
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := s.Now(); c.all == nil || now.Sub(c.at) > attributeCacheTTL || now.Before(c.at) {
		custom, err := s.Attributes.CustomAttributes(ctx)
		if err != nil {
			return nil, fmt.Errorf("load attributes: %w", err)
		}
		all := append(append([]*Attribute{}, builtinAttributes...), custom...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].SortOrder < all[j].SortOrder })
		has := map[string]bool{}
		for _, a := range custom {
			has[a.Entity] = true
		}
		c.all, c.hasCustom, c.at = all, has, now
	}
	return c, nil
}

// attributes returns Magento's and the operator's attributes, in sort order (Magento's
// first among equals). The slice is shared: callers do not change it.
func (s *Service) attributes(ctx context.Context) ([]*Attribute, error) {
	c, err := s.attributeCache(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.all, nil
}

// hasCustomAttributes reports whether the operator added attributes of the entity.
func (s *Service) hasCustomAttributes(ctx context.Context, entity string) (bool, error) {
	c, err := s.attributeCache(ctx)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hasCustom[entity], nil
}

func (s *Service) forgetAttributes() { attrCaches.Delete(s) }

// AttributeLookupError is one entry of AttributesMetadataOutput.errors.
type AttributeLookupError struct {
	Type    string // AttributeMetadataErrorType
	Message string
}

// AttributesForm returns the visible attributes of a storefront form, in sort order.
func (s *Service) AttributesForm(ctx context.Context, form string) ([]*Attribute, []AttributeLookupError, error) {
	switch form {
	case FormAccountCreate, FormAccountEdit, FormRegisterAddress, FormAddressEdit:
	default:
		return nil, []AttributeLookupError{{"ENTITY_NOT_FOUND", fmt.Sprintf(MsgFormNotFoundFmt, form)}}, nil
	}
	all, err := s.attributes(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []*Attribute
	for _, a := range all {
		if a.Visible && a.inForm(form) {
			out = append(out, a)
		}
	}
	return out, nil, nil
}

// AttributeRef names an attribute to look up (AttributeInput).
type AttributeRef struct{ Code, Entity string }

// entityOf maps Magento's entity type codes (and the enum names) to ours.
func entityOf(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "customer":
		return EntityCustomer
	case "customer_address":
		return EntityAddress
	}
	return ""
}

// AttributesMetadata answers customAttributeMetadataV2 for customer and address attributes.
func (s *Service) AttributesMetadata(ctx context.Context, refs []AttributeRef) ([]*Attribute, []AttributeLookupError, error) {
	all, err := s.attributes(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []*Attribute
	var errs []AttributeLookupError
	for _, r := range refs {
		entity := entityOf(r.Entity)
		if entity == "" {
			errs = append(errs, AttributeLookupError{"ENTITY_NOT_FOUND", fmt.Sprintf(MsgEntityNotFoundFmt, r.Entity)})
			continue
		}
		var found *Attribute
		for _, a := range all {
			if a.Entity == entity && a.Code == r.Code {
				found = a
				break
			}
		}
		if found == nil {
			errs = append(errs, AttributeLookupError{"ATTRIBUTE_NOT_FOUND", fmt.Sprintf(MsgAttributeNotFoundFmt, r.Code)})
			continue
		}
		out = append(out, found)
	}
	return out, errs, nil
}

// AttributeValue is a customer's or an address's value of a custom attribute, for output.
type AttributeValue struct {
	Attribute *Attribute
	Value     string
	Selected  []AttributeOption // for select attributes
}

// customValues lists the values of the entity's custom attributes in sort order, limited
// to codes when it is not nil.
func (s *Service) customValues(ctx context.Context, entity string, values map[string]string, codes []string) ([]AttributeValue, error) {
	if len(values) == 0 {
		return []AttributeValue{}, nil
	}
	all, err := s.attributes(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, c := range codes {
		want[c] = true
	}
	out := []AttributeValue{}
	for _, a := range all {
		v, ok := values[a.Code]
		if !a.Custom || a.Entity != entity || !ok || (codes != nil && !want[a.Code]) {
			continue
		}
		av := AttributeValue{Attribute: a, Value: v}
		if a.FrontendInput == "SELECT" {
			if o := a.option(v); o != nil {
				av.Selected = []AttributeOption{*o}
			}
		}
		out = append(out, av)
	}
	return out, nil
}

// CustomerCustomAttributes returns the customer's custom attribute values (Customer.custom_attributes).
func (s *Service) CustomerCustomAttributes(ctx context.Context, c *Customer, codes []string) ([]AttributeValue, error) {
	// Most shops add none: then there is nothing to read.
	if has, err := s.hasCustomAttributes(ctx, EntityCustomer); err != nil || !has {
		return []AttributeValue{}, err
	}
	values, err := s.Attributes.CustomerAttributeValues(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("attribute values of %d: %w", c.ID, err)
	}
	return s.customValues(ctx, EntityCustomer, values, codes)
}

// AddressCustomAttributes returns an address's custom attribute values.
func (s *Service) AddressCustomAttributes(ctx context.Context, a *Address, codes []string) ([]AttributeValue, error) {
	return s.customValues(ctx, EntityAddress, a.Custom, codes)
}

// applyCustomValues validates inputs against the entity's custom attributes and writes
// them into *dst; codes that are no custom attribute of the entity are ignored, as Magento
// ignores them.
func (s *Service) applyCustomValues(ctx context.Context, entity string, dst *map[string]string, in []AttributeValueInput) error {
	if len(in) == 0 {
		return nil
	}
	all, err := s.attributes(ctx)
	if err != nil {
		return err
	}
	if *dst == nil {
		*dst = map[string]string{}
	}
	for _, v := range in {
		var a *Attribute
		for _, x := range all {
			if x.Custom && x.Entity == entity && x.Code == v.Code {
				a = x
				break
			}
		}
		if a == nil {
			continue
		}
		val := ""
		if v.Value != nil {
			val = strings.TrimSpace(*v.Value)
		}
		if len(v.SelectedOptions) > 0 {
			val = strings.TrimSpace(v.SelectedOptions[0])
		}
		if err := checkLen(a.Label, val, maxNameLen); err != nil {
			return err
		}
		switch {
		case val == "" && a.Required:
			return inputError(MsgAttributeRequiredFmt, a.Label)
		case val == "":
		case a.FrontendInput == "SELECT" && a.option(val) == nil:
			return inputError(MsgAttributeBadOptionFmt, val, a.Label)
		case a.FrontendInput == "BOOLEAN" && val != "0" && val != "1":
			return inputError(MsgAttributeBadBooleanFmt, a.Label)
		}
		(*dst)[a.Code] = val
	}
	return nil
}

// requiredCustomMissing reports the first required custom attribute of the entity that
// values lacks (for a new customer).
func (s *Service) requiredCustomMissing(ctx context.Context, entity string, values map[string]string) error {
	all, err := s.attributes(ctx)
	if err != nil {
		return err
	}
	for _, a := range all {
		if a.Custom && a.Entity == entity && a.Required && values[a.Code] == "" {
			return inputError(MsgAttributeRequiredFmt, a.Label)
		}
	}
	return nil
}

var attributeCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,59}$`)

// NewAttribute is what customer:attribute:add asks for.
type NewAttribute struct {
	Entity    string // EntityCustomer or EntityAddress
	Code      string
	Label     string
	Input     string // text, select or boolean
	Required  bool
	SortOrder int
	Options   []string // labels, for select
	Forms     []string // default: the entity's storefront forms
}

// AddAttribute adds an operator's attribute; it appears in forms, metadata and
// custom_attributes at once in this process and within a second in others.
func (s *Service) AddAttribute(ctx context.Context, n NewAttribute) (*Attribute, error) {
	if !attributeCodeRE.MatchString(n.Code) {
		return nil, inputError(MsgAttributeCodeInvalidFmt, n.Code)
	}
	for _, b := range builtinAttributes {
		if b.Entity == n.Entity && b.Code == n.Code {
			return nil, inputError(MsgAttributeCodeTakenFmt, n.Code)
		}
	}
	a := &Attribute{Entity: n.Entity, Code: n.Code, Label: strings.TrimSpace(n.Label), InputFilter: "NONE", Required: n.Required,
		SortOrder: n.SortOrder, Visible: true, Custom: true, Forms: n.Forms}
	if a.Label == "" {
		a.Label = n.Code
	}
	if err := checkLen("label", a.Label, maxNameLen); err != nil {
		return nil, err
	}
	switch strings.ToLower(n.Input) {
	case "text":
		a.FrontendInput = "TEXT"
		a.Rules = []ValidationRule{{"MAX_TEXT_LENGTH", "255"}}
	case "select":
		a.FrontendInput = "SELECT"
		for _, o := range n.Options {
			if o = strings.TrimSpace(o); o != "" {
				if err := checkLen("option", o, maxNameLen); err != nil {
					return nil, err
				}
				a.Options = append(a.Options, AttributeOption{Label: o})
			}
		}
	case "boolean":
		a.FrontendInput = "BOOLEAN"
		a.Options = []AttributeOption{{Label: "Yes", Value: "1"}, {Label: "No", Value: "0"}}
	default:
		return nil, inputError(MsgAttributeInputInvalidFmt, n.Input)
	}
	if len(a.Forms) == 0 {
		a.Forms = customerForms
		if n.Entity == EntityAddress {
			a.Forms = addressForms
		}
	}
	if err := s.Attributes.AddAttribute(ctx, a); err != nil {
		if err == ErrDuplicate {
			return nil, inputError(MsgAttributeCodeTakenFmt, n.Code)
		}
		return nil, fmt.Errorf("add attribute %s: %w", n.Code, err)
	}
	s.forgetAttributes()
	return a, nil
}
