package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Admin is a back-office user who can get admin tokens and act for customers.
type Admin struct {
	ID           int64
	Username     string
	Email        string
	Firstname    string
	Lastname     string
	PasswordHash string
	Active       bool
	FailuresNum  int
	FirstFailure time.Time
	LockExpires  time.Time
	TOTPSecret   string // base32; "" when 2FA is not set up
	TOTPLastStep int64  // last TOTP step used, so a code works once
	CreatedAt    time.Time
}

// Locked reports whether the admin is locked at now.
func (a *Admin) Locked(now time.Time) bool {
	return !a.LockExpires.IsZero() && a.LockExpires.After(now)
}

// AdminStore keeps admin users. Implemented by db.
type AdminStore interface {
	AdminByUsername(ctx context.Context, username string) (*Admin, error)
	AdminByID(ctx context.Context, id int64) (*Admin, error)
	CreateAdmin(ctx context.Context, a *Admin) error
	SetAdminPasswordHash(ctx context.Context, id int64, hash string) error
	SetAdminTOTPSecret(ctx context.Context, id int64, secret string) error
	// SetAdminTOTPSecretIfNone stores secret only when the admin has none; it reports whether it did.
	SetAdminTOTPSecretIfNone(ctx context.Context, id int64, secret string) (bool, error)
	UseTOTPStep(ctx context.Context, id, step int64) (bool, error)
	RecordAdminLoginFailure(ctx context.Context, id int64, now time.Time, l Lockout) (FailureResult, error)
	ResetAdminLoginFailures(ctx context.Context, id int64) error
}

// CreateAdmin adds an admin user; skipPolicy is for the demo seed only.
func (s *Service) CreateAdmin(ctx context.Context, a *Admin, password string, skipPolicy bool) error {
	a.Username = strings.TrimSpace(a.Username)
	if a.Username == "" || len(a.Username) > 40 || strings.ContainsAny(a.Username, " \t\r\n") {
		return inputError(MsgAdminUsernameInvalidFmt, a.Username)
	}
	h, err := s.newAccountHash(ctx, a.Email, a.Firstname, a.Lastname, password, skipPolicy)
	if err != nil {
		return err
	}
	a.PasswordHash, a.Active = h, true
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.Now().UTC().Truncate(time.Second)
	}
	if err := s.Admins.CreateAdmin(ctx, a); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return inputError(MsgAdminExists)
		}
		return fmt.Errorf("create admin: %w", err)
	}
	s.audit(ctx, AuditEvent{Event: "admin.created", AdminID: a.ID, Username: strings.ToLower(a.Username)})
	return nil
}

// SetupTOTP returns the admin's TOTP secret, creating it when there is none.
func (s *Service) SetupTOTP(ctx context.Context, username string) (*Admin, error) {
	a, err := s.Admins.AdminByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, ErrNotFound) {
		return nil, inputError(MsgAdminNotExistFmt, username)
	}
	if err != nil {
		return nil, err
	}
	if a.TOTPSecret == "" {
		secret, err := NewTOTPSecret(s.Rand)
		if err != nil {
			return nil, err
		}
		if err := s.Admins.SetAdminTOTPSecret(ctx, a.ID, secret); err != nil {
			return nil, err
		}
		a.TOTPSecret = secret
		s.audit(ctx, AuditEvent{Event: "admin.tfa_setup", AdminID: a.ID, Username: strings.ToLower(a.Username)})
	}
	return a, nil
}

func (s *Service) adminLockout() Lockout {
	st := s.Settings()
	return Lockout{MaxFailures: st.Int(PathAdminLockoutFailures), Window: time.Duration(st.Int(PathAdminLockoutThreshold)) * time.Minute}
}

// AuthenticateAdmin checks an admin's username and password with the per-username
// throttle and the admin lock; every failure gives the same generic message. The
// caller calls signedIn once every factor has passed.
func (s *Service) AuthenticateAdmin(ctx context.Context, username, password string) (*Admin, error) {
	now := s.Now()
	name := throttleName(username)
	if throttled, err := s.throttled(ctx, name, UserTypeAdmin); err != nil || throttled {
		if err != nil {
			return nil, err
		}
		s.audit(ctx, AuditEvent{Event: "admin.signin_throttled", Username: name})
		return nil, ErrSignInIncorrect
	}
	a, err := s.Admins.AdminByUsername(ctx, strings.TrimSpace(username))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("find admin: %w", err)
	}
	if a == nil || !a.Active || a.Locked(now) {
		s.Hasher.VerifyDummy(ctx, password)
		var id int64
		event := "admin.signin_failed"
		if a != nil {
			id = a.ID
			if a.Locked(now) {
				event = "admin.signin_locked"
			}
		}
		return nil, s.adminFailed(ctx, name, id, event)
	}
	ok, rehash, err := s.Hasher.Verify(ctx, password, a.PasswordHash)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if !ok {
		res, err := s.Admins.RecordAdminLoginFailure(ctx, a.ID, now, s.adminLockout())
		if err != nil {
			return nil, fmt.Errorf("record admin failure: %w", err)
		}
		if res.NewlyLocked {
			s.audit(ctx, AuditEvent{Event: "admin.locked", AdminID: a.ID, Username: name})
		}
		return nil, s.adminFailed(ctx, name, a.ID, "admin.signin_failed")
	}
	if a.FailuresNum > 0 || !a.LockExpires.IsZero() {
		if err := s.Admins.ResetAdminLoginFailures(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	// The token-request throttle is cleared only when a token or session is actually
	// issued (signedIn): clearing it on the right password alone would let whoever
	// knows the password guess TOTP codes without limit, one reset per request.
	if rehash {
		if h, err := s.Hasher.Hash(ctx, password); err == nil {
			s.Admins.SetAdminPasswordHash(ctx, a.ID, h)
		}
	}
	return a, nil
}

// adminFailed counts a failed admin token request and returns the generic error.
func (s *Service) adminFailed(ctx context.Context, name string, adminID int64, event string) error {
	if err := s.countThrottleFailure(ctx, name, UserTypeAdmin); err != nil {
		return err
	}
	s.audit(ctx, AuditEvent{Event: event, AdminID: adminID, Username: name})
	return ErrSignInIncorrect
}

// signedIn forgets the failed token requests of an admin who passed every factor.
func (s *Service) signedIn(ctx context.Context, username string) error {
	return s.clearThrottle(ctx, throttleName(username), UserTypeAdmin)
}

func (s *Service) issueAdminToken(ctx context.Context, a *Admin, username, via string) (string, error) {
	if err := s.signedIn(ctx, username); err != nil {
		return "", err
	}
	tok, _, err := s.Tokens.Issue(UserTypeAdmin, a.ID, 0, s.Settings().AdminTokenLifetime())
	if err != nil {
		return "", fmt.Errorf("issue admin token: %w", err)
	}
	s.audit(ctx, AuditEvent{Event: "admin.signin", AdminID: a.ID, Username: strings.ToLower(a.Username), Detail: via})
	return tok, nil
}

// AdminToken is POST /V1/integration/admin/token: a token, unless two-factor
// authentication is on, in which case it says where to go instead (SPEC §5).
func (s *Service) AdminToken(ctx context.Context, username, password string) (string, error) {
	a, err := s.AuthenticateAdmin(ctx, username, password)
	if err != nil {
		return "", err
	}
	if !s.Settings().Bool(PathTwoFactorEnable) {
		return s.issueAdminToken(ctx, a, username, "password")
	}
	if a.TOTPSecret != "" {
		return "", &Error{Category: CategoryInput, Message: MsgUse2FAEndpoints,
			Params: map[string]any{"active_providers": []string{"google"}}}
	}
	// Each right password asks again; bounded like reset mails, so the admin's inbox is
	// not flooded (the links already sent keep working).
	now := s.Now()
	if _, err := s.Accounts.QueueMailLimited(ctx, Mail{To: a.Email, Subject: "Set up two-factor authentication", Template: "tfa_setup",
		Vars: map[string]string{"username": a.Username, "url": s.TFASetupLink(a),
			"command": "shopauth admin:tfa:setup --admin-user " + a.Username}, CreatedAt: now},
		now.Add(-time.Hour), maxMailsPerHour); err != nil {
		return "", fmt.Errorf("queue 2FA setup mail: %w", err)
	}
	return "", &Error{Category: CategoryInput, Message: MsgConfigure2FA,
		Params: map[string]any{"providers": []string{"google"}, "active_providers": []string{}}}
}

// GoogleAuthenticate is POST /V1/tfa/provider/google/authenticate: password and a TOTP code.
func (s *Service) GoogleAuthenticate(ctx context.Context, username, password, otp string) (string, error) {
	a, err := s.AuthenticateAdmin(ctx, username, password)
	if err != nil {
		return "", err
	}
	if a.TOTPSecret == "" {
		return "", inputError(MsgProviderNotConfigured)
	}
	// A wrong or reused code counts like a wrong password: six-digit codes must not be guessable by brute force.
	if err := s.checkTOTP(ctx, a, username, otp); err != nil {
		return "", err
	}
	return s.issueAdminToken(ctx, a, username, "google")
}

// CurrentAdmin returns the admin of the request's admin token; anything else is not authorized.
func (s *Service) CurrentAdmin(ctx context.Context) (*Admin, error) {
	p := PrincipalFrom(ctx)
	if p == nil || p.UserType != UserTypeAdmin {
		return nil, ErrNotAuthorized
	}
	a, err := s.Admins.AdminByID(ctx, p.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotAuthorized
	}
	if err != nil {
		return nil, fmt.Errorf("load admin %d: %w", p.UserID, err)
	}
	if !a.Active {
		return nil, ErrNotAuthorized
	}
	return a, nil
}
