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
	// FailuresNum, FirstFailure and LockExpires are the account-wide cap, as for
	// customers; AddrLockUntil the latest end of a lock of one client address.
	FailuresNum   int
	FirstFailure  time.Time
	LockExpires   time.Time
	AddrLockUntil time.Time
	TOTPSecret    string // base32; "" when 2FA is not set up
	TOTPLastStep  int64  // last TOTP step used, so a code works once
	CreatedAt     time.Time
}

// Locked reports whether the admin is locked at now for every address or for at least one.
func (a *Admin) Locked(now time.Time) bool {
	return a.LockExpires.After(now) || a.AddrLockUntil.After(now)
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
	// ResetAdminLoginFailures ends every failure count and lock of the admin.
	ResetAdminLoginFailures(ctx context.Context, id int64) error
	// SetAdminActive switches an admin on or off; ErrNotFound when there is none.
	SetAdminActive(ctx context.Context, id int64, active bool) error
	// LockAdmin locks an admin's password sign-ins from every address until until.
	LockAdmin(ctx context.Context, id int64, until time.Time) error
	// ListAdmins returns every admin, oldest first.
	ListAdmins(ctx context.Context) ([]Admin, error)
	// RetireAdmin deactivates an admin (lockUntil zero) or locks it until lockUntil, in
	// one step with the check that another admin stays active and unlocked at now;
	// ErrLastAdmin when none would, ErrNotFound when there is no such admin.
	RetireAdmin(ctx context.Context, id int64, lockUntil, now time.Time) error
}

// CreateAdmin adds an admin user; skipPolicy is for the demo seed only.
func (s *Service) CreateAdmin(ctx context.Context, a *Admin, password string, skipPolicy bool) error {
	return s.createAdmin(ctx, a, password, skipPolicy, "")
}

// createAdmin is CreateAdmin with the audit line's detail (who made it).
func (s *Service) createAdmin(ctx context.Context, a *Admin, password string, skipPolicy bool, detail string) error {
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
	s.audit(ctx, AuditEvent{Event: "admin.created", AdminID: a.ID, Username: strings.ToLower(a.Username), Detail: detail})
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

// authenticateAdmin checks an admin's username and password, counted before the hash
// (the throttle per user name and client address, the admin's lock per address and its
// cap); every failure gives the same generic message. The caller ends the attempt's
// throttle count: signedIn once every factor has passed, noFailure when it answers
// without a token but nothing was wrong (2FA needed), nothing for a wrong code (the
// count stays, so codes cannot be guessed faster than passwords). readAt (NowMicro
// before the admin row was read) dates the token.
func (s *Service) authenticateAdmin(ctx context.Context, username, password string) (*Admin, *attempt, int64, error) {
	ctx, admitted, err := s.Hasher.Admit(ctx)
	defer admitted()
	if err != nil {
		return nil, nil, 0, err
	}
	name := throttleName(username)
	readAt := s.Tokens.NowMicro()
	a, err := s.Admins.AdminByUsername(ctx, strings.TrimSpace(username))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, nil, 0, fmt.Errorf("find admin: %w", err)
	}
	var id int64
	if a != nil && a.Active {
		id = a.ID
	}
	at, res, err := s.beginAttempt(ctx, UserTypeAdmin, name, id, true)
	if err != nil {
		return nil, nil, 0, err
	}
	// Ended here unless handed to the caller, which then ends it (finish).
	handed := false
	defer func() {
		if !handed {
			at.finish(ctx)
		}
	}()
	refuse := func(event string) (*Admin, *attempt, int64, error) {
		ev := AuditEvent{Event: event, Username: name}
		if a != nil {
			ev.AdminID = a.ID
		}
		s.audit(ctx, ev)
		return nil, nil, 0, ErrSignInIncorrect
	}
	switch {
	case res == AttemptThrottled:
		return refuse("admin.signin_throttled")
	case res == AttemptLocked:
		s.Hasher.VerifyDummy(ctx, password)
		return refuse("admin.signin_locked")
	case id == 0:
		s.Hasher.VerifyDummy(ctx, password)
		if _, err := at.failed(ctx); err != nil {
			return nil, nil, 0, err
		}
		return refuse("admin.signin_failed")
	}
	ok, rehash, err := s.Hasher.Verify(ctx, password, a.PasswordHash)
	if err != nil && ctx.Err() != nil {
		return nil, nil, 0, ctx.Err()
	}
	if !ok {
		fr, err := at.failed(ctx)
		if err != nil {
			return nil, nil, 0, err
		}
		s.auditLocks(ctx, fr, AuditEvent{Event: "admin.locked", AdminID: a.ID, Username: name})
		return refuse("admin.signin_failed")
	}
	if err := at.passwordRight(ctx); err != nil {
		return nil, nil, 0, err
	}
	// The token-request throttle is cleared only when a token or session is actually
	// issued (signedIn): clearing it on the right password alone would let whoever
	// knows the password guess TOTP codes without limit, one reset per request.
	if rehash {
		if h, err := s.Hasher.Hash(ctx, password); err == nil {
			s.Admins.SetAdminPasswordHash(ctx, a.ID, h)
		}
	}
	handed = true
	return a, at, readAt, nil
}

func (s *Service) issueAdminToken(ctx context.Context, a *Admin, at *attempt, readAt int64, via string) (string, error) {
	if err := at.endThrottle(ctx, true); err != nil {
		return "", err
	}
	tok, _, err := s.Tokens.IssueAt(UserTypeAdmin, a.ID, 0, s.Settings().AdminTokenLifetime(), readAt)
	if err != nil {
		return "", fmt.Errorf("issue admin token: %w", err)
	}
	s.audit(ctx, AuditEvent{Event: "admin.signin", AdminID: a.ID, Username: strings.ToLower(a.Username), Detail: via})
	return tok, nil
}

// noFailure gives the attempt's throttle count back and returns err: the request got
// no token, but its password was right and nothing was guessed wrong.
func (at *attempt) noFailure(ctx context.Context, err error) error {
	if e := at.endThrottle(ctx, false); e != nil {
		return e
	}
	return err
}

// AdminToken is POST /V1/integration/admin/token: a token, unless two-factor
// authentication is on, in which case it says where to go instead (SPEC §5).
func (s *Service) AdminToken(ctx context.Context, username, password string) (string, error) {
	a, at, readAt, err := s.authenticateAdmin(ctx, username, password)
	if err != nil {
		return "", err
	}
	defer at.finish(ctx)
	if !s.Settings().Bool(PathTwoFactorEnable) {
		return s.issueAdminToken(ctx, a, at, readAt, "password")
	}
	if a.TOTPSecret != "" {
		return "", at.noFailure(ctx, &Error{Category: CategoryInput, Message: MsgUse2FAEndpoints,
			Params: map[string]any{"active_providers": []string{"google"}}})
	}
	if err := at.noFailure(ctx, nil); err != nil {
		return "", err
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
	a, at, readAt, err := s.authenticateAdmin(ctx, username, password)
	if err != nil {
		return "", err
	}
	defer at.finish(ctx)
	if a.TOTPSecret == "" {
		return "", at.noFailure(ctx, inputError(MsgProviderNotConfigured))
	}
	// A wrong or reused code counts like a wrong password: six-digit codes must not be guessable by brute force.
	if err := s.checkTOTP(ctx, a, at, username, otp); err != nil {
		return "", err
	}
	return s.issueAdminToken(ctx, a, at, readAt, "google")
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
