package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EmailChange is a new email address and everything that goes with it, stored in one
// transaction: the address, the end of every unused reset link (each was mailed to the
// old address), a new confirmation key in place of a pending one, and the notice to the
// old address.
type EmailChange struct {
	CustomerID int64
	NewEmail   string
	// NewConfirmation replaces a pending confirmation key (the old one went to the old
	// address); ignored when none is pending.
	NewConfirmation string
	Notice          Mail
	Now             time.Time
}

// AccountRemoval is everything deleteCustomer removes with the customer row, in one
// transaction: its tokens and sessions end (the revocation), its addresses, one-time codes,
// reset links and attribute values go, its failed sign-ins and outbox mail go, and its
// audit lines lose the email and client address while the events stay.
type AccountRemoval struct {
	CustomerID int64
	Email      string
	// ThrottleName is the name the address's failed sign-ins are counted under.
	ThrottleName string
	Revoke       Revocation
}

// AccountLifecycleStore changes a customer's email and deletes accounts. Implemented by db.
type AccountLifecycleStore interface {
	// ChangeEmail applies ch atomically; ErrDuplicate when another customer has the email.
	ChangeEmail(ctx context.Context, ch EmailChange) error
	// RemoveCustomer applies r atomically; ErrNotFound when the customer is gone already.
	RemoveCustomer(ctx context.Context, r AccountRemoval) error
}

// changeEmail gives customer c a new, validated email through the store's one
// transaction and audits it: the one path for every email change (updateCustomerEmail,
// updateCustomer with email and password).
func (s *Service) changeEmail(ctx context.Context, c *Customer, email string) error {
	return s.changeEmailBy(ctx, c, email, adminOf(ctx))
}

// changeEmailBy is changeEmail with the admin who made the change (0: the customer,
// or the admin of the customer's token), for the audit line.
func (s *Service) changeEmailBy(ctx context.Context, c *Customer, email string, adminID int64) error {
	old := c.Email
	now := s.Now()
	ch := EmailChange{CustomerID: c.ID, NewEmail: email, Now: now,
		Notice: Mail{To: old, Subject: "Your email address has been changed", Template: "email_changed",
			Vars: map[string]string{"email": old, "new_email": email}, CreatedAt: now}}
	if c.Confirmation != "" {
		key, err := s.randomHex(16)
		if err != nil {
			return err
		}
		ch.NewConfirmation = key
	}
	if err := s.Lifecycle.ChangeEmail(ctx, ch); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return &Error{Category: CategoryAlreadyExists, Message: MsgEmailExistsNoAddress}
		}
		return fmt.Errorf("change email of %d: %w", c.ID, err)
	}
	// The newsletter subscription follows the account to its new address.
	if err := s.Newsletter.MoveSubscription(ctx, c.ID, old, email); err != nil {
		return fmt.Errorf("move subscription of %d: %w", c.ID, err)
	}
	c.Email = email
	if c.Confirmation != "" {
		c.Confirmation = ch.NewConfirmation
	}
	s.audit(ctx, AuditEvent{Event: "customer.email_changed", CustomerID: c.ID, Username: strings.ToLower(email),
		AdminID: adminID, Detail: "from " + strings.ToLower(old)})
	return nil
}

func adminOf(ctx context.Context) int64 {
	if p := PrincipalFrom(ctx); p != nil {
		return p.AdminID
	}
	return 0
}

// checkOwnPassword checks the signed-in customer's password through the sign-in path
// (throttle, account lock, failure count), as Magento's CheckCustomerPassword
// authenticates; every failure is Magento's "Invalid login or password.".
func (s *Service) checkOwnPassword(ctx context.Context, c *Customer, password string) error {
	if _, _, err := s.AuthenticateCustomer(ctx, c.Email, password, false); err != nil {
		var ae *Error
		if errors.As(err, &ae) {
			return ErrInvalidLogin
		}
		return err
	}
	return nil
}

// UpdateCustomerEmail changes the current customer's email after checking the password
// (updateCustomerEmail).
func (s *Service) UpdateCustomerEmail(ctx context.Context, email, password string) (*Customer, error) {
	c, err := s.CurrentCustomer(ctx)
	if err != nil {
		return nil, err
	}
	email = strings.TrimSpace(email)
	if email == c.Email {
		return c, nil
	}
	if password == "" {
		return nil, inputError(MsgProvidePasswordForEmail)
	}
	if err := s.checkOwnPassword(ctx, c, password); err != nil {
		return nil, err
	}
	if !ValidEmail(email) {
		return nil, inputError(MsgInvalidEmailFmt, email)
	}
	if err := s.changeEmail(ctx, c, email); err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteCustomer deletes the current customer's account (deleteCustomer): every token
// and session ends at once, and the account's data goes with it.
func (s *Service) DeleteCustomer(ctx context.Context) error {
	c, err := s.CurrentCustomer(ctx)
	if err != nil {
		return err
	}
	r := AccountRemoval{CustomerID: c.ID, Email: c.Email, ThrottleName: throttleName(c.Email),
		Revoke: Revocation{UserType: UserTypeCustomer, UserID: c.ID, BeforeMicro: s.Tokens.NowMicro()}}
	if err := s.Lifecycle.RemoveCustomer(ctx, r); err != nil {
		if errors.Is(err, ErrNotFound) {
			return ErrCustomerNotExist(c.ID)
		}
		return fmt.Errorf("delete customer %d: %w", c.ID, err)
	}
	s.Tokens.Revocations().Apply(r.Revoke)
	// The event stays, without the email or the client's address.
	s.audit(WithRemoteAddr(ctx, "-"), AuditEvent{Event: "customer.deleted", CustomerID: c.ID, AdminID: adminOf(ctx)})
	return nil
}
