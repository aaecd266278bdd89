package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AdminSession is a signed-in session of the admin page.
type AdminSession struct {
	IDHash    string
	AdminID   int64
	CSRF      string
	CreatedAt time.Time
	LastSeen  time.Time
}

// AdminPageStore keeps admin page sessions and lists customers. Implemented by db.
type AdminPageStore interface {
	CreateAdminSession(ctx context.Context, s AdminSession, idle time.Duration) error
	TouchAdminSession(ctx context.Context, idHash string, now time.Time, idle time.Duration) (*AdminSession, error)
	DeleteAdminSession(ctx context.Context, idHash string) error
	ListCustomers(ctx context.Context, q string, offset, limit int) ([]Customer, int, error)
	// ThrottledUntil says, of names, which are held by the sign-in throttle at now
	// (maxFailures or more failed token requests) and until when.
	ThrottledUntil(ctx context.Context, names []string, userType int, now time.Time, maxFailures int) (map[string]time.Time, error)
}

// Messages of the admin page sign-in.
const (
	MsgAdminOTPRequired = `Enter the code from your authenticator app.`
	MsgAdminSetup2FA    = `Two-factor authentication is required: set it up first with "shopauth admin:tfa:setup --admin-user NAME".`
)

// checkTOTP verifies a code for a, once; a wrong code counts like a wrong password.
func (s *Service) checkTOTP(ctx context.Context, a *Admin, at *attempt, username, otp string) error {
	step := matchTOTP(a.TOTPSecret, strings.TrimSpace(otp), s.Now())
	if step >= 0 {
		fresh, err := s.Admins.UseTOTPStep(ctx, a.ID, step)
		if err != nil {
			return err
		}
		if fresh {
			return nil
		}
	}
	// The attempt was counted on the throttle before the password was checked: it ends
	// as a failure.
	if err := at.codeWrong(ctx); err != nil {
		return err
	}
	s.audit(ctx, AuditEvent{Event: "admin.tfa_failed", AdminID: a.ID, Username: throttleName(username)})
	return &Error{Category: CategoryAuthentication, Message: MsgInvalidCode}
}

// StartAdminSession signs an admin in to the admin page (password, and a TOTP code
// when two-factor authentication is on) and returns the session cookie value.
func (s *Service) StartAdminSession(ctx context.Context, username, password, otp string) (string, *AdminSession, error) {
	a, at, _, err := s.authenticateAdmin(ctx, username, password)
	if err != nil {
		return "", nil, err
	}
	defer at.finish(ctx)
	if s.Settings().Bool(PathTwoFactorEnable) {
		if a.TOTPSecret == "" {
			return "", nil, at.noFailure(ctx, inputError(MsgAdminSetup2FA))
		}
		if strings.TrimSpace(otp) == "" {
			return "", nil, at.noFailure(ctx, inputError(MsgAdminOTPRequired))
		}
		if err := s.checkTOTP(ctx, a, at, username, otp); err != nil {
			return "", nil, err
		}
	}
	if err := at.endThrottle(ctx, true); err != nil {
		return "", nil, err
	}
	id, err := s.randomHex(32)
	if err != nil {
		return "", nil, err
	}
	csrf, err := s.randomHex(32)
	if err != nil {
		return "", nil, err
	}
	now := s.Now()
	sess := &AdminSession{IDHash: hashSecret(id), AdminID: a.ID, CSRF: csrf, CreatedAt: now, LastSeen: now}
	if err := s.AdminPages.CreateAdminSession(ctx, *sess, s.adminIdle()); err != nil {
		return "", nil, fmt.Errorf("store admin session: %w", err)
	}
	s.audit(ctx, AuditEvent{Event: "admin.page_signin", AdminID: a.ID, Username: strings.ToLower(a.Username)})
	return id, sess, nil
}

// AdminSessionFor returns the live session of a cookie value and its admin, or
// ErrNotFound when it is unknown, idle too long, or its admin is gone.
func (s *Service) AdminSessionFor(ctx context.Context, cookie string) (*AdminSession, *Admin, error) {
	if len(cookie) != 64 {
		return nil, nil, ErrNotFound
	}
	sess, err := s.AdminPages.TouchAdminSession(ctx, hashSecret(cookie), s.Now(), s.adminIdle())
	if err != nil {
		return nil, nil, err
	}
	a, err := s.Admins.AdminByID(ctx, sess.AdminID)
	if err != nil || !a.Active {
		return nil, nil, ErrNotFound
	}
	// Locking or deactivating the admin revoked it: sessions begun before end too (a
	// session's start is kept in seconds, so one begun in that second ends as well).
	if sess.CreatedAt.UnixMicro() <= s.Tokens.Revocations().Before(UserTypeAdmin, a.ID) {
		return nil, nil, ErrNotFound
	}
	return sess, a, nil
}

// EndAdminSession signs the admin page session out.
func (s *Service) EndAdminSession(ctx context.Context, cookie string) error {
	return s.AdminPages.DeleteAdminSession(ctx, hashSecret(cookie))
}

// SetCustomerAssistance is the admin's switch of a customer's remote shopping assistance.
func (s *Service) SetCustomerAssistance(ctx context.Context, admin *Admin, customerID int64, allow bool) error {
	c, err := s.Customers.CustomerByID(ctx, customerID)
	if err != nil {
		return err
	}
	c.AllowAssistance = allow
	if err := s.Customers.UpdateCustomer(ctx, c); err != nil {
		return err
	}
	if !allow {
		if err := s.endAssistance(ctx, c.ID); err != nil {
			return err
		}
	}
	s.audit(ctx, AuditEvent{Event: "admin.assistance_set", AdminID: admin.ID, CustomerID: c.ID, Username: strings.ToLower(admin.Username),
		Detail: fmt.Sprintf("allow=%v", allow)})
	return nil
}

// CustomersThrottled says which of cs the sign-in throttle holds now (their email has
// reached oauth/authentication_lock/max_failures_count failed token requests), and
// until when, for the admin page's list.
func (s *Service) CustomersThrottled(ctx context.Context, cs []Customer) (map[int64]time.Time, error) {
	max := s.Settings().Int(PathThrottleMaxFailures)
	out := map[int64]time.Time{}
	if max <= 0 || len(cs) == 0 {
		return out, nil
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = throttleName(c.Email)
	}
	until, err := s.AdminPages.ThrottledUntil(ctx, names, UserTypeCustomer, s.Now(), max)
	if err != nil {
		return nil, fmt.Errorf("read throttle: %w", err)
	}
	for i, c := range cs {
		if t, ok := until[names[i]]; ok {
			out[c.ID] = t
		}
	}
	return out, nil
}

// UnlockCustomer clears a customer's lock and the throttle on the customer's email.
func (s *Service) UnlockCustomer(ctx context.Context, admin *Admin, customerID int64) error {
	c, err := s.Customers.CustomerByID(ctx, customerID)
	if err != nil {
		return err
	}
	if err := s.Customers.ResetLoginFailures(ctx, c.ID); err != nil {
		return err
	}
	if err := s.Throttle.ResetThrottle(ctx, throttleName(c.Email), UserTypeCustomer); err != nil {
		return err
	}
	s.audit(ctx, AuditEvent{Event: "admin.customer_unlocked", AdminID: admin.ID, CustomerID: c.ID, Username: strings.ToLower(admin.Username)})
	return nil
}

// SendPasswordReset mails a customer a password-reset link on an admin's request, as
// requestPasswordResetEmail would (same per-account mail limit); the admin never sees
// the link, and the request is audited.
func (s *Service) SendPasswordReset(ctx context.Context, admin *Admin, customerID int64) error {
	c, err := s.Customers.CustomerByID(ctx, customerID)
	if err != nil {
		return err
	}
	if err := s.RequestPasswordResetEmail(ctx, c.Email); err != nil {
		return err
	}
	s.audit(ctx, AuditEvent{Event: "admin.customer_reset_mailed", AdminID: admin.ID, CustomerID: c.ID, Username: strings.ToLower(admin.Username)})
	return nil
}

// SendConfirmationMail mails an unconfirmed customer the confirmation key again, as the
// storefront's resendConfirmationEmail does (the same mail, refusals and per-address
// hourly limit), and records which admin asked.
func (s *Service) SendConfirmationMail(ctx context.Context, admin *Admin, customerID int64) error {
	c, err := s.Customers.CustomerByID(ctx, customerID)
	if err != nil {
		return err
	}
	if err := s.ResendConfirmationEmail(ctx, c.Email); err != nil {
		return err
	}
	s.audit(ctx, AuditEvent{Event: "admin.customer_confirmation_mailed", AdminID: admin.ID, CustomerID: c.ID, Username: strings.ToLower(admin.Username)})
	return nil
}

// SignOutEverywhere revokes every token and session of a customer.
func (s *Service) SignOutEverywhere(ctx context.Context, admin *Admin, customerID int64) error {
	if err := s.Revoke(ctx, UserTypeCustomer, customerID); err != nil {
		return err
	}
	s.audit(ctx, AuditEvent{Event: "admin.customer_signed_out", AdminID: admin.ID, CustomerID: customerID, Username: strings.ToLower(admin.Username)})
	return nil
}

// AuditAdmin records something an admin did on the admin page.
func (s *Service) AuditAdmin(ctx context.Context, a *Admin, event string, customerID int64, detail string) {
	s.audit(ctx, AuditEvent{Event: event, AdminID: a.ID, CustomerID: customerID, Username: strings.ToLower(a.Username), Detail: detail})
}

// adminIdle is how long an admin page session may go unused (admin/security/session_lifetime).
func (s *Service) adminIdle() time.Duration {
	return time.Duration(s.Settings().Int(PathAdminSessionLifetime)) * time.Second
}
