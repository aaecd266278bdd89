package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// What the admin page (and the admin:* commands) do to admin users and customers
// beyond the storefront's own mutations (issue 16 item 14). Every change is audited
// with the admin who made it; none of it logs a password or a secret.

// ListAdmins returns every admin user, oldest first.
func (s *Service) ListAdmins(ctx context.Context) ([]Admin, error) {
	return s.Admins.ListAdmins(ctx)
}

// CreateAdminBy adds an admin user on another admin's behalf (the password policy
// applies) and records who did it.
func (s *Service) CreateAdminBy(ctx context.Context, actor *Admin, a *Admin, password string) error {
	if !ValidEmail(strings.TrimSpace(a.Email)) {
		return emailError(strings.TrimSpace(a.Email))
	}
	a.Email, a.Firstname, a.Lastname = strings.TrimSpace(a.Email), strings.TrimSpace(a.Firstname), strings.TrimSpace(a.Lastname)
	for _, f := range []struct{ label, v string }{{"User Name", a.Username}, {"First Name", a.Firstname}, {"Last Name", a.Lastname}} {
		if err := checkLen(f.label, f.v, maxNameLen); err != nil {
			return err
		}
	}
	id, by := actorOf(actor)
	return s.createAdmin(ctx, a, password, false, "by "+by+fmt.Sprintf(" (admin id %d)", id))
}

// ResetAdminTOTP forgets an admin's authenticator secret: with two-factor
// authentication on, the admin sets it up again at the next sign-in (the setup link of
// the token route, or admin:tfa:setup). Whoever held the old secret's device may hold
// a session too, so the admin's tokens and page sessions end, as for a lock.
func (s *Service) ResetAdminTOTP(ctx context.Context, actor *Admin, adminID int64) error {
	a, err := s.Admins.AdminByID(ctx, adminID)
	if err != nil {
		return err
	}
	if a.TOTPSecret == "" {
		return inputError(MsgNoTOTPToReset)
	}
	if err := s.Admins.SetAdminTOTPSecret(ctx, a.ID, ""); err != nil {
		return fmt.Errorf("reset 2FA of admin %d: %w", a.ID, err)
	}
	if err := s.endAdmin(ctx, a.ID); err != nil {
		return err
	}
	id, by := actorOf(actor)
	s.audit(ctx, AuditEvent{Event: "admin.tfa_reset", AdminID: a.ID, Username: strings.ToLower(a.Username),
		Detail: "by " + by + fmt.Sprintf(" (admin id %d)", id)})
	return nil
}

// AdminCreateCustomer creates a customer account for an admin, with the storefront's
// rules (createCustomer: names, email, the password policy when a password is given,
// the confirmation mail when confirmation is required). With mailReset, the customer
// also gets a password-reset mail to choose a password; the admin never sees the link.
func (s *Service) AdminCreateCustomer(ctx context.Context, admin *Admin, in CustomerInput, mailReset bool) (*Customer, error) {
	c, err := s.CreateCustomer(ctx, in)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, AuditEvent{Event: "admin.customer_created", AdminID: admin.ID, CustomerID: c.ID, Username: strings.ToLower(admin.Username)})
	if mailReset {
		if err := s.SendPasswordReset(ctx, admin, c.ID); err != nil {
			return c, err
		}
	}
	return c, nil
}

// CustomerEdit is what the admin page's customer form changes.
type CustomerEdit struct {
	Firstname, Lastname, Email string
	// Confirm marks a pending account confirmed, as confirmEmail would.
	Confirm bool
}

// AdminEditCustomer saves an admin's edit of a customer and returns the names of the
// fields it changed (none when every value was already in force). A new email goes
// through the customer's own path (updateCustomer's): the reset links and the
// confirmation key mailed to the old address end with it, the old address is told.
func (s *Service) AdminEditCustomer(ctx context.Context, admin *Admin, customerID int64, ed CustomerEdit) ([]string, error) {
	c, err := s.Customers.CustomerByID(ctx, customerID)
	if err != nil {
		return nil, err
	}
	first, last, email := strings.TrimSpace(ed.Firstname), strings.TrimSpace(ed.Lastname), strings.TrimSpace(ed.Email)
	if first == "" {
		return nil, inputError(MsgMissingFirstName)
	}
	if last == "" {
		return nil, inputError(MsgMissingLastName)
	}
	if err := checkLen("First Name", first, maxNameLen); err != nil {
		return nil, err
	}
	if err := checkLen("Last Name", last, maxNameLen); err != nil {
		return nil, err
	}
	if !ValidEmail(email) {
		return nil, emailError(email)
	}
	var changed []string
	// The email first: the one change that can still be refused (taken by another
	// account), so nothing else is saved when it is.
	if email != c.Email {
		if err := s.changeEmailBy(ctx, c, email, admin.ID); err != nil {
			return nil, err
		}
		changed = append(changed, "email")
	}
	if first != c.Firstname || last != c.Lastname {
		if first != c.Firstname {
			changed = append(changed, "first name")
		}
		if last != c.Lastname {
			changed = append(changed, "last name")
		}
		c.Firstname, c.Lastname = first, last
		if err := s.Customers.UpdateCustomer(ctx, c); err != nil {
			if errors.Is(err, ErrDuplicate) {
				return nil, &Error{Category: CategoryAlreadyExists, Message: MsgEmailExistsNoAddress}
			}
			return nil, fmt.Errorf("update customer %d: %w", c.ID, err)
		}
	}
	if ed.Confirm && c.Confirmation != "" {
		if err := s.Accounts.SetConfirmation(ctx, c.ID, ""); err != nil {
			return nil, fmt.Errorf("confirm customer %d: %w", c.ID, err)
		}
		c.Confirmation = ""
		changed = append(changed, "confirmed")
		s.audit(ctx, AuditEvent{Event: "admin.customer_confirmed", AdminID: admin.ID, CustomerID: c.ID, Username: strings.ToLower(admin.Username)})
	}
	if len(changed) > 0 {
		s.audit(ctx, AuditEvent{Event: "admin.customer_updated", AdminID: admin.ID, CustomerID: c.ID, Username: strings.ToLower(admin.Username),
			Detail: "changed " + strings.Join(changed, ", ")})
	}
	return changed, nil
}

// CustomerState is what the admin page shows of one customer's sign-in state.
type CustomerState struct {
	Customer *Customer
	// RevokedBefore: tokens and sessions issued before it are refused (sign out
	// everywhere, a password change or reset); zero when never.
	RevokedBefore time.Time
	// ThrottledUntil: token requests for the customer's email are refused until then
	// (the sign-in throttle); zero when not held.
	ThrottledUntil time.Time
	// LockedUntil: the account lock ends then; zero when not locked.
	LockedUntil time.Time
	// Unconfirmed: the account waits for its confirmation key.
	Unconfirmed bool
}

// CustomerStateOf reads a customer and its sign-in state at now.
func (s *Service) CustomerStateOf(ctx context.Context, customerID int64) (*CustomerState, error) {
	c, err := s.Customers.CustomerByID(ctx, customerID)
	if err != nil {
		return nil, err
	}
	st := &CustomerState{Customer: c, Unconfirmed: c.Confirmation != ""}
	us, err := s.Revocations.RevocationBefore(ctx, UserTypeCustomer, c.ID)
	if err != nil {
		return nil, fmt.Errorf("read revocation of %d: %w", c.ID, err)
	}
	if us > 0 {
		st.RevokedBefore = time.UnixMicro(us).UTC()
	}
	now := s.Now()
	if c.Locked(now) {
		st.LockedUntil = c.LockedUntil().UTC()
	}
	held, err := s.CustomersThrottled(ctx, []Customer{*c})
	if err != nil {
		return nil, err
	}
	if t, ok := held[c.ID]; ok {
		st.ThrottledUntil = t.UTC()
	}
	return st, nil
}
