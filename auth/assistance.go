package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// OneTimeCode is an admin-made code a customer's session can be opened with (SPEC §6).
type OneTimeCode struct {
	Hash       string // sha256 hex of the code; the code itself is never stored
	CustomerID int64
	AdminID    int64
	Reason     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// OneTimeCodeStore keeps one-time codes. Implemented by db.
type OneTimeCodeStore interface {
	CreateOneTimeCode(ctx context.Context, c OneTimeCode) error
	// ConsumeOneTimeCode marks the code used, atomically, and returns who made it and
	// why; ok is false when it is unknown, used, expired or another customer's.
	ConsumeOneTimeCode(ctx context.Context, hash string, customerID int64, now time.Time) (adminID int64, reason string, ok bool, err error)
	// OneTimeCodeByHash reads a code without using it (to say in the audit log why an
	// exchange failed); ErrNotFound when there is none.
	OneTimeCodeByHash(ctx context.Context, hash string) (code OneTimeCode, usedAt time.Time, err error)
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// GenerateCustomerTokenAsAdmin gives the current admin a token for a customer who
// allows remote shopping assistance, with Magento's order of checks (SPEC §6).
func (s *Service) GenerateCustomerTokenAsAdmin(ctx context.Context, customerEmail string) (string, error) {
	if strings.TrimSpace(customerEmail) == "" {
		return "", inputError(MsgSpecifyCustomerEmail)
	}
	a, err := s.CurrentAdmin(ctx)
	if err != nil {
		return "", err
	}
	if !s.Settings().Bool(PathLoginAsCustomerEnabled) {
		return "", &Error{Category: CategoryAuthorization, Message: MsgLoginAsCustomerOff}
	}
	// Dated before the customer's consent is read, so a withdrawal committed meanwhile
	// (which revokes after its commit) covers this token too.
	readAt := s.Tokens.NowMicro()
	c, err := s.Customers.CustomerByEmail(ctx, strings.TrimSpace(customerEmail))
	if errors.Is(err, ErrNotFound) {
		return "", inputError(MsgCustomerEmailNotExist)
	}
	if err != nil {
		return "", fmt.Errorf("find customer: %w", err)
	}
	if !c.AllowAssistance {
		return "", &Error{Category: CategoryAuthorization, Message: MsgAssistanceDisabled}
	}
	tok, err := s.issueCustomerTokenAt(c.ID, a.ID, readAt)
	if err != nil {
		return "", err
	}
	s.audit(ctx, AuditEvent{Event: "admin.login_as_customer", AdminID: a.ID, CustomerID: c.ID,
		Username: strings.ToLower(a.Username), Detail: "generateCustomerTokenAsAdmin"})
	return tok, nil
}

// CreateOneTimeCode makes a code for customerID on behalf of the current admin. For an
// unknown customer, or one who does not allow assistance, it answers the same way but
// stores nothing, so the answer does not tell which customers exist.
func (s *Service) CreateOneTimeCode(ctx context.Context, customerID int64, reason string) (string, error) {
	return s.createOneTimeCode(ctx, customerID, reason, false)
}

// CreateOneTimeCodeShown is CreateOneTimeCode for the admin page, which lists every
// customer anyway: a refused code is an error the admin sees, never a decoy code that
// would be shown as if it worked.
func (s *Service) CreateOneTimeCodeShown(ctx context.Context, customerID int64, reason string) (string, error) {
	return s.createOneTimeCode(ctx, customerID, reason, true)
}

func (s *Service) createOneTimeCode(ctx context.Context, customerID int64, reason string, tell bool) (string, error) {
	a, err := s.CurrentAdmin(ctx)
	if err != nil {
		return "", err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", inputError(MsgReasonRequired)
	}
	if utf8.RuneCountInString(reason) > 1000 || !utf8.ValidString(reason) {
		return "", inputError(MsgReasonTooLong)
	}
	st := s.Settings()
	// The switch is no secret about any customer, so the admin is told plainly
	// instead of getting a code that can never work.
	if !st.Bool(PathLoginAsCustomerEnabled) {
		s.audit(ctx, AuditEvent{Event: "admin.otc_refused", AdminID: a.ID, CustomerID: customerID, Username: strings.ToLower(a.Username),
			Detail: "login as customer disabled; reason: " + reason})
		return "", &Error{Category: CategoryAuthorization, Message: MsgLoginAsCustomerOff}
	}
	code, err := s.randomHex(16)
	if err != nil {
		return "", err
	}
	now := s.Now()
	c, err := s.Customers.CustomerByID(ctx, customerID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("find customer: %w", err)
	}
	ev := AuditEvent{Event: "admin.otc_created", AdminID: a.ID, CustomerID: customerID, Username: strings.ToLower(a.Username), Detail: reason}
	switch {
	case c == nil:
		ev.Event = "admin.otc_refused"
		ev.Detail = "no such customer; reason: " + reason
	case !c.AllowAssistance:
		ev.Event = "admin.otc_refused"
		ev.Detail = "assistance not allowed; reason: " + reason
	default:
		err := s.OneTimeCodes.CreateOneTimeCode(ctx, OneTimeCode{Hash: hashSecret(code), CustomerID: c.ID, AdminID: a.ID,
			Reason: reason, CreatedAt: now, ExpiresAt: now.Add(time.Duration(st.Int(PathOTCLifetime)) * time.Second)})
		if err != nil {
			return "", fmt.Errorf("store one-time code: %w", err)
		}
	}
	s.audit(ctx, ev)
	if tell && ev.Event == "admin.otc_refused" {
		switch {
		case c == nil:
			return "", ErrNotFound
		case !st.Bool(PathLoginAsCustomerEnabled):
			return "", &Error{Category: CategoryAuthorization, Message: MsgLoginAsCustomerOff}
		default:
			return "", &Error{Category: CategoryAuthorization, Message: MsgAssistanceDisabled}
		}
	}
	return code, nil
}

// useOneTimeCode is the AltPassword for admin one-time codes.
func (s *Service) useOneTimeCode(ctx context.Context, c *Customer, secret string) (int64, bool, error) {
	if len(secret) != 32 || !c.AllowAssistance || !s.Settings().Bool(PathLoginAsCustomerEnabled) {
		return 0, false, nil
	}
	adminID, reason, ok, err := s.OneTimeCodes.ConsumeOneTimeCode(ctx, hashSecret(strings.ToLower(secret)), c.ID, s.Now())
	if err != nil || !ok {
		return 0, false, err
	}
	// The impersonation itself is audited with the admin's reason (SPEC §6), not only the code's creation.
	s.audit(ctx, AuditEvent{Event: "admin.otc_used", AdminID: adminID, CustomerID: c.ID, Username: strings.ToLower(c.Email), Detail: reason})
	return adminID, true, nil
}

// ExchangeOtpForCustomerToken trades an admin's one-time code (only that) for a
// customer token that carries the admin's id.
func (s *Service) ExchangeOtpForCustomerToken(ctx context.Context, email, otp string) (string, error) {
	if strings.TrimSpace(email) == "" {
		return "", inputError(MsgSpecifyEmail)
	}
	if strings.TrimSpace(otp) == "" {
		return "", inputError(MsgSpecifyOTP)
	}
	now := s.Now()
	name := throttleName(email)
	readAt := s.Tokens.NowMicro()
	c, err := s.Customers.CustomerByEmail(ctx, strings.TrimSpace(email))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("find customer: %w", err)
	}
	// Counted on the throttle before the code is looked at, as a password is.
	at, res, err := s.beginAttempt(ctx, UserTypeCustomer, name, 0, true)
	if err != nil {
		return "", err
	}
	defer at.finish(ctx)
	if res != AttemptAllowed {
		return "", ErrSignInIncorrect
	}
	var adminID int64
	ok := false
	if c != nil {
		locked, err := s.lockedHere(ctx, UserTypeCustomer, c.ID, c.AddrLockUntil)
		if err != nil {
			return "", err
		}
		if !locked && !c.LockExpires.After(s.Now()) {
			if adminID, ok, err = s.useOneTimeCode(ctx, c, strings.TrimSpace(otp)); err != nil {
				return "", err
			}
		}
	}
	if !ok {
		if _, err := at.failed(ctx); err != nil {
			return "", err
		}
		var cid int64
		if c != nil {
			cid = c.ID
		}
		s.audit(ctx, AuditEvent{Event: "customer.otc_failed", Username: name, CustomerID: cid, Detail: s.otcFailure(ctx, c, strings.TrimSpace(otp), now)})
		return "", ErrSignInIncorrect
	}
	if s.Settings().Bool(PathConfirmRequired) && c.Confirmation != "" {
		return "", at.noFailure(ctx, ErrNotConfirmed)
	}
	// A success ends the name's failed-request count, as a password sign-in does.
	if err := at.endThrottle(ctx, true); err != nil {
		return "", err
	}
	s.audit(ctx, AuditEvent{Event: "customer.signin", CustomerID: c.ID, Username: name, AdminID: adminID, Detail: "exchangeOtpForCustomerToken"})
	return s.issueCustomerTokenAt(c.ID, adminID, readAt)
}

// otcFailure says, for the audit log, why a one-time code did not open c's session. The
// client only ever gets Magento's generic message; the admin who made the code can read
// here what went wrong.
func (s *Service) otcFailure(ctx context.Context, c *Customer, secret string, now time.Time) string {
	if c == nil {
		return "no customer with this email"
	}
	if c.Locked(now) {
		return "the customer's account is locked"
	}
	if len(secret) != 32 {
		return "not a one-time code (32 hex characters)"
	}
	code, usedAt, err := s.OneTimeCodes.OneTimeCodeByHash(ctx, hashSecret(strings.ToLower(secret)))
	switch {
	case errors.Is(err, ErrNotFound):
		return "unknown code"
	case err != nil:
		return "unknown code (lookup failed)"
	case code.CustomerID != c.ID:
		return fmt.Sprintf("the code is customer #%d's", code.CustomerID)
	case !usedAt.IsZero():
		return "the code was used already"
	case !now.Before(code.ExpiresAt):
		return "the code expired"
	case !s.Settings().Bool(PathLoginAsCustomerEnabled):
		return "login as customer is off"
	case !c.AllowAssistance:
		return "the customer does not allow remote shopping assistance"
	}
	return "refused"
}
