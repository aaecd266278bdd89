package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// CustomerInput carries the fields of createCustomer*/updateCustomer*; nil means "not given".
type CustomerInput struct {
	Email           *string
	Firstname       *string
	Lastname        *string
	Password        *string
	Middlename      *string
	Prefix          *string
	Suffix          *string
	DateOfBirth     *string
	Dob             *string // deprecated alias of DateOfBirth
	Taxvat          *string
	Gender          *int32
	IsSubscribed    *bool
	AllowAssistance *bool
	// Custom are values of operator-added customer attributes (custom_attributes).
	Custom []AttributeValueInput
}

func (in CustomerInput) empty() bool {
	return in.Email == nil && in.Firstname == nil && in.Lastname == nil && in.Password == nil &&
		in.Middlename == nil && in.Prefix == nil && in.Suffix == nil && in.DateOfBirth == nil &&
		in.Dob == nil && in.Taxvat == nil && in.Gender == nil && in.IsSubscribed == nil && in.AllowAssistance == nil &&
		len(in.Custom) == 0
}

// Magento's varchar limits for the text attributes.
const (
	maxNameLen  = 255
	maxEmailLen = 254
)

// ValidEmail reports whether s looks like an address Magento would accept.
func ValidEmail(s string) bool {
	if s == "" || len(s) > maxEmailLen || strings.ContainsAny(s, " \t\r\n<>()[],;:\\\"") {
		return false
	}
	if _, hidden := hiddenRune(s); hidden {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

var dateLayouts = []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "01/02/2006", "1/2/2006"}

func parseDate(v string) (string, error) {
	v = strings.TrimSpace(v)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil && t.Year() >= 1900 && t.Year() <= 9999 {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", inputError(MsgInvalidDate)
}

func checkLen(label, v string, max int) error {
	if utf8.RuneCountInString(v) > max {
		return inputError(`"%s" is longer than %d characters.`, label, max)
	}
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return inputError(`"%s" is not valid text.`, label)
	}
	return nil
}

// apply copies the optional profile fields of in onto c, validating each.
func (in CustomerInput) apply(c *Customer) error {
	for _, f := range []struct {
		label string
		src   *string
		dst   *string
	}{
		{"Middle Name/Initial", in.Middlename, &c.Middlename},
		{"Name Prefix", in.Prefix, &c.Prefix},
		{"Name Suffix", in.Suffix, &c.Suffix},
		{"Tax/VAT number", in.Taxvat, &c.Taxvat},
	} {
		if f.src == nil {
			continue
		}
		if err := checkLen(f.label, *f.src, maxNameLen); err != nil {
			return err
		}
		*f.dst = strings.TrimSpace(*f.src)
	}
	dob := in.DateOfBirth
	if dob == nil {
		dob = in.Dob
	}
	if dob != nil {
		if strings.TrimSpace(*dob) == "" {
			c.DateOfBirth = ""
		} else {
			d, err := parseDate(*dob)
			if err != nil {
				return err
			}
			c.DateOfBirth = d
		}
	}
	if in.Gender != nil {
		g := *in.Gender
		if g < 0 || g > 3 {
			return inputError(`"%d" is not a valid gender value.`, g)
		}
		c.Gender = int(g)
	}
	if in.IsSubscribed != nil {
		c.IsSubscribed = *in.IsSubscribed
	}
	if in.AllowAssistance != nil {
		c.AllowAssistance = *in.AllowAssistance
	}
	return nil
}

// CreateCustomer registers a storefront account (createCustomer / createCustomerV2).
func (s *Service) CreateCustomer(ctx context.Context, in CustomerInput) (*Customer, error) {
	if in.empty() {
		return nil, inputError(MsgInputRequired)
	}
	c := &Customer{GroupID: 1, CreatedAt: s.Now().UTC().Truncate(time.Second)}
	email := ""
	if in.Email != nil {
		email = strings.TrimSpace(*in.Email)
	}
	if !ValidEmail(email) {
		return nil, emailError(email)
	}
	c.Email = email
	if in.Firstname == nil || strings.TrimSpace(*in.Firstname) == "" {
		return nil, inputError(MsgFirstNameRequired)
	}
	if in.Lastname == nil || strings.TrimSpace(*in.Lastname) == "" {
		return nil, inputError(MsgLastNameRequired)
	}
	if err := checkLen("First Name", *in.Firstname, maxNameLen); err != nil {
		return nil, err
	}
	if err := checkLen("Last Name", *in.Lastname, maxNameLen); err != nil {
		return nil, err
	}
	c.Firstname, c.Lastname = strings.TrimSpace(*in.Firstname), strings.TrimSpace(*in.Lastname)
	if err := in.apply(c); err != nil {
		return nil, err
	}
	var custom map[string]string
	if err := s.applyCustomValues(ctx, EntityCustomer, &custom, in.Custom); err != nil {
		return nil, err
	}
	if err := s.requiredCustomMissing(ctx, EntityCustomer, custom); err != nil {
		return nil, err
	}
	if in.Password != nil && *in.Password != "" {
		if err := s.Settings().PasswordPolicy().Check(*in.Password); err != nil {
			return nil, err
		}
		h, err := s.Hasher.Hash(ctx, *in.Password)
		if err != nil {
			return nil, fmt.Errorf("hash password: %w", err)
		}
		c.PasswordHash = h
	}
	if !s.Settings().Bool(PathNewsletterActive) {
		c.IsSubscribed = false // Magento's CreateCustomer: no subscription while the newsletter is off
	}
	if err := s.insertCustomer(ctx, c); err != nil {
		return nil, err
	}
	if err := s.setSubscription(ctx, c, in.IsSubscribed); err != nil {
		return nil, err
	}
	if len(custom) > 0 {
		if err := s.Attributes.SetCustomerAttributeValues(ctx, c.ID, custom); err != nil {
			return nil, fmt.Errorf("attribute values of %d: %w", c.ID, err)
		}
	}
	return c, nil
}

// insertCustomer stores a new customer, giving it a confirmation key when required.
func (s *Service) insertCustomer(ctx context.Context, c *Customer) error {
	confirm := s.Settings().Bool(PathConfirmRequired)
	if confirm && c.Confirmation == "" {
		key, err := s.randomHex(16)
		if err != nil {
			return err
		}
		c.Confirmation = key
	}
	if err := s.Customers.CreateCustomer(ctx, c); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return inputError(MsgEmailTakenFmt, c.Email)
		}
		return fmt.Errorf("create customer: %w", err)
	}
	s.audit(ctx, AuditEvent{Event: "customer.created", CustomerID: c.ID, Username: strings.ToLower(c.Email)})
	if confirm && s.Mailer != nil {
		err := s.Mailer.Send(ctx, Mail{To: c.Email, Subject: "Please confirm your account", Template: "account_confirmation",
			Vars: map[string]string{"email": c.Email, "confirmation_key": c.Confirmation, "customer_id": fmt.Sprint(c.ID)}, CreatedAt: s.Now()})
		if err != nil {
			return fmt.Errorf("queue confirmation mail: %w", err)
		}
	}
	return nil
}

// CreateCustomerDirect creates a customer from the CLI or demo seed; skipPolicy lets
// demo passwords like "password" through.
func (s *Service) CreateCustomerDirect(ctx context.Context, c *Customer, password string, skipPolicy bool) error {
	h, err := s.newAccountHash(ctx, c.Email, c.Firstname, c.Lastname, password, skipPolicy)
	if err != nil {
		return err
	}
	c.PasswordHash = h
	if c.GroupID == 0 {
		c.GroupID = 1
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.Now().UTC().Truncate(time.Second)
	}
	return s.insertCustomer(ctx, c)
}

// UpdateCustomer changes the current customer's profile. legacy selects the
// updateCustomer rules (CustomerInput, which may change email with the password).
func (s *Service) UpdateCustomer(ctx context.Context, in CustomerInput, legacy bool) (*Customer, error) {
	// Magento's order: not a customer, then empty input, then the account checks.
	if p := PrincipalFrom(ctx); p == nil || p.UserType != UserTypeCustomer {
		return nil, ErrNotAuthorized
	}
	if in.empty() {
		return nil, inputError(MsgInputRequired)
	}
	c, err := s.CurrentCustomer(ctx)
	if err != nil {
		return nil, err
	}
	if in.Firstname != nil {
		if strings.TrimSpace(*in.Firstname) == "" {
			return nil, inputError(MsgMissingFirstName)
		}
		if err := checkLen("First Name", *in.Firstname, maxNameLen); err != nil {
			return nil, err
		}
		c.Firstname = strings.TrimSpace(*in.Firstname)
	}
	if in.Lastname != nil {
		if strings.TrimSpace(*in.Lastname) == "" {
			return nil, inputError(MsgMissingLastName)
		}
		if err := checkLen("Last Name", *in.Lastname, maxNameLen); err != nil {
			return nil, err
		}
		c.Lastname = strings.TrimSpace(*in.Lastname)
	}
	wasAllowed := c.AllowAssistance
	if err := in.apply(c); err != nil {
		return nil, err
	}
	var custom map[string]string
	if err := s.applyCustomValues(ctx, EntityCustomer, &custom, in.Custom); err != nil {
		return nil, err
	}
	newEmail := ""
	if legacy && in.Email != nil && EmailKey(*in.Email) != EmailKey(c.Email) {
		// Magento asks for the current password before an email change.
		if in.Password == nil || *in.Password == "" {
			return nil, inputError(MsgProvidePasswordForEmail)
		}
		if err := s.checkOwnPassword(ctx, c, *in.Password); err != nil {
			return nil, err
		}
		newEmail = strings.TrimSpace(*in.Email)
		if !ValidEmail(newEmail) {
			return nil, emailError(newEmail)
		}
	}
	if err := s.Customers.UpdateCustomer(ctx, c); err != nil {
		return nil, fmt.Errorf("update customer %d: %w", c.ID, err)
	}
	if wasAllowed && !c.AllowAssistance {
		if err := s.endAssistance(ctx, c.ID); err != nil {
			return nil, err
		}
	}
	if len(custom) > 0 {
		if err := s.Attributes.SetCustomerAttributeValues(ctx, c.ID, custom); err != nil {
			return nil, fmt.Errorf("attribute values of %d: %w", c.ID, err)
		}
	}
	if err := s.setSubscription(ctx, c, in.IsSubscribed); err != nil {
		return nil, err
	}
	if newEmail != "" {
		if err := s.changeEmail(ctx, c, newEmail); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// IsEmailAvailable reports whether no customer uses email. As in Magento 2.4.7+, it
// answers true for every valid email unless checkout/options/enable_guest_checkout_login
// is 1, so a guest cannot list which emails have accounts (web limits it per address
// when it is on).
func (s *Service) IsEmailAvailable(ctx context.Context, email string) (bool, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return false, inputError(MsgEmailMustBeSpecified)
	}
	if !ValidEmail(email) {
		return false, inputError(MsgEmailIsInvalid)
	}
	if !s.Settings().Bool(PathGuestCheckoutLogin) {
		return true, nil
	}
	_, err := s.Customers.CustomerByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("find customer: %w", err)
	}
	return false, nil
}

// newAccountHash checks a new account's email, names and password (the policy unless
// skipPolicy) and returns the password's hash.
func (s *Service) newAccountHash(ctx context.Context, email, first, last, password string, skipPolicy bool) (string, error) {
	if !ValidEmail(email) {
		return "", emailError(email)
	}
	if strings.TrimSpace(first) == "" {
		return "", inputError(MsgFirstNameRequired)
	}
	if strings.TrimSpace(last) == "" {
		return "", inputError(MsgLastNameRequired)
	}
	if !skipPolicy {
		if err := s.Settings().PasswordPolicy().Check(password); err != nil {
			return "", err
		}
	}
	h, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}
