package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ResetToken is a password-reset token; only its hash is stored.
type ResetToken struct {
	Hash       string
	CustomerID int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// AccountStore keeps reset tokens and confirmation keys. Implemented by db.
type AccountStore interface {
	// CreateResetToken stores t and queues its mail m, ending the customer's older unused
	// tokens, unless max tokens were made for the customer after the given time (then ok
	// is false and nothing is stored).
	CreateResetToken(ctx context.Context, t ResetToken, since time.Time, max int, m Mail) (ok bool, err error)
	ConsumeResetToken(ctx context.Context, hash string, customerID int64, now time.Time) (bool, error)
	// ResetTokenUsable reports, without consuming it, whether a token is the customer's,
	// unused and unexpired.
	ResetTokenUsable(ctx context.Context, hash string, customerID int64, now time.Time) (bool, error)
	// SetPassword applies a password change atomically (see PasswordChange); ok is false,
	// and nothing changed, when ResetTokenHash is set but not usable.
	SetPassword(ctx context.Context, ch PasswordChange) (ok bool, err error)
	SetConfirmation(ctx context.Context, id int64, key string) error
	// QueueMailLimited queues m unless max messages of its template went to its address
	// after the given time (then ok is false).
	QueueMailLimited(ctx context.Context, m Mail, since time.Time, max int) (ok bool, err error)
}

// PasswordChange is a new password and everything that goes with it, stored in one
// transaction: the hash, the revocation of every token and session, the end of every
// unused reset token, and, for a reset, the consumed token and a cleared failure count.
type PasswordChange struct {
	CustomerID     int64
	Hash           string
	ResetTokenHash string // set for resetPassword: the token that must be consumed
	ThrottleName   string // with ResetTokenHash: the throttle name whose counts a reset ends
	Revoke         Revocation
	Now            time.Time
}

// maxMailsPerHour bounds the mails of one kind that one address gets in an hour: reset
// links (Magento's default is 5), confirmation keys and 2FA setup links.
const maxMailsPerHour = 5

// ChangeCustomerPassword changes the current customer's password and signs the
// customer out of every token and session (SPEC §3).
func (s *Service) ChangeCustomerPassword(ctx context.Context, current, newPassword string) (*Customer, error) {
	c, err := s.CurrentCustomer(ctx)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(current) == "" {
		return nil, inputError(MsgSpecifyCurrentPasswd)
	}
	if strings.TrimSpace(newPassword) == "" {
		return nil, inputError(MsgSpecifyNewPasswd)
	}
	if err := s.checkCurrentPassword(ctx, c, current); err != nil {
		return nil, err
	}
	if _, err := s.setPassword(ctx, c, newPassword, "", "customer.password_changed"); err != nil {
		return nil, err
	}
	return c, nil
}

// checkCurrentPassword checks the signed-in customer's password before a change
// (changeCustomerPassword, an email change). The check is counted before the hash on the
// account's lock and cap, as a sign-in is, so a stolen token cannot guess faster than a
// sign-in could. Errors: "The account is locked." when this failure locks the account
// (Magento's Authentication::authenticate says so) or it is locked, otherwise "Invalid
// login or password."
func (s *Service) checkCurrentPassword(ctx context.Context, c *Customer, password string) error {
	at, res, err := s.beginAttempt(ctx, UserTypeCustomer, "", c.ID, false)
	if err != nil {
		return err
	}
	defer at.finish(ctx)
	if res != AttemptAllowed {
		s.Hasher.VerifyDummy(ctx, password)
		return ErrAccountLocked
	}
	ok, _, err := s.Hasher.Verify(ctx, password, c.PasswordHash)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if ok {
		return at.passwordRight(ctx)
	}
	fr, err := at.failed(ctx)
	if err != nil {
		return err
	}
	s.auditLocks(ctx, fr, AuditEvent{Event: "customer.locked", CustomerID: c.ID, Username: throttleName(c.Email)})
	if fr.Locked {
		return ErrAccountLocked
	}
	return ErrInvalidLogin
}

// setPassword checks the policy, hashes the new password and stores it with the
// revocation of every token and session (and, with resetToken, consuming that token).
// The slow hash comes before the token is consumed, so a request cancelled while
// hashing leaves the token usable. ok is false when resetToken was not usable.
func (s *Service) setPassword(ctx context.Context, c *Customer, password, resetToken, event string) (bool, error) {
	if err := s.Settings().PasswordPolicy().Check(password); err != nil {
		return false, err
	}
	h, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return false, fmt.Errorf("hash password: %w", err)
	}
	ch := PasswordChange{CustomerID: c.ID, Hash: h, Now: s.Now(),
		Revoke: Revocation{UserType: UserTypeCustomer, UserID: c.ID, BeforeMicro: s.Tokens.NowMicro()}}
	if resetToken != "" {
		ch.ResetTokenHash, ch.ThrottleName = hashSecret(resetToken), throttleName(c.Email)
	}
	ok, err := s.Accounts.SetPassword(ctx, ch)
	if err != nil || !ok {
		return false, err
	}
	c.PasswordHash = h
	s.Tokens.Revocations().Apply(ch.Revoke)
	// Revoked again, dated after the commit: a sign-in that read the old hash before the
	// commit dated its token before this (CustomerToken), so that token is covered too.
	// The revocation inside the transaction keeps a crash from leaving old tokens valid.
	if err := s.Revoke(ctx, UserTypeCustomer, c.ID); err != nil {
		return false, err
	}
	s.audit(ctx, AuditEvent{Event: event, CustomerID: c.ID, Username: strings.ToLower(c.Email)})
	return true, nil
}

// RequestPasswordResetEmail mails a one-time reset token (SPEC §7).
func (s *Service) RequestPasswordResetEmail(ctx context.Context, email string) error {
	email = strings.TrimSpace(email)
	if email == "" {
		return inputError(MsgResetSpecifyEmail)
	}
	if !ValidEmail(email) {
		return inputError(MsgResetInvalidEmail)
	}
	c, err := s.Customers.CustomerByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return inputError(MsgCannotReset)
	}
	if err != nil {
		return fmt.Errorf("find customer: %w", err)
	}
	now := s.Now()
	// Locked for this client address only: the account-wide cap leaves the reset open,
	// the owner's way back (issue 14 item 3).
	if locked, err := s.lockedHere(ctx, UserTypeCustomer, c.ID, c.AddrLockUntil); err != nil || locked {
		if err != nil {
			return err
		}
		return inputError(MsgLockedNoDot)
	}
	token, err := s.randomHex(16)
	if err != nil {
		return err
	}
	hours := time.Duration(s.Settings().Int(PathResetLinkExpiration)) * time.Hour
	mail := Mail{To: c.Email, Subject: "Reset your password", Template: "password_reset",
		Vars: map[string]string{"token": token, "email": c.Email}, CreatedAt: now}
	stored, err := s.Accounts.CreateResetToken(ctx, ResetToken{Hash: hashSecret(token), CustomerID: c.ID, CreatedAt: now, ExpiresAt: now.Add(hours)},
		now.Add(-time.Hour), maxMailsPerHour, mail)
	if err != nil {
		return err
	}
	if !stored {
		s.audit(ctx, AuditEvent{Event: "customer.reset_limited", CustomerID: c.ID, Username: strings.ToLower(c.Email)})
		return inputError(MsgTooManyResetRequests)
	}
	s.audit(ctx, AuditEvent{Event: "customer.reset_requested", CustomerID: c.ID, Username: strings.ToLower(c.Email)})
	return nil
}

// ResetPassword sets a new password with a reset token, once (SPEC §4).
func (s *Service) ResetPassword(ctx context.Context, email, token, newPassword string) error {
	email = strings.TrimSpace(email)
	switch {
	case email == "":
		return inputError(MsgResetSpecifyEmail)
	case !ValidEmail(email):
		return inputError(MsgResetInvalidEmail)
	case strings.TrimSpace(token) == "":
		return inputError(MsgSpecifyResetToken)
	case newPassword == "":
		return inputError(MsgSpecifyNewPassword)
	}
	c, err := s.Customers.CustomerByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return inputError(MsgCannotSetPassword)
	}
	if err != nil {
		return fmt.Errorf("find customer: %w", err)
	}
	if locked, err := s.lockedHere(ctx, UserTypeCustomer, c.ID, c.AddrLockUntil); err != nil || locked {
		if err != nil {
			return err
		}
		return inputError(MsgLockedNoDot)
	}
	token = strings.ToLower(strings.TrimSpace(token))
	// A cheap look first, so a made-up token costs no password hash; the token is
	// consumed only later, in the same transaction as the new password.
	usable, err := s.Accounts.ResetTokenUsable(ctx, hashSecret(token), c.ID, s.Now())
	if err != nil {
		return err
	}
	if usable {
		// setPassword checks the policy and hashes before it consumes the token, so a
		// weak password or a cancelled request does not use the token up.
		usable, err = s.setPassword(ctx, c, newPassword, token, "customer.password_reset")
		if err != nil {
			return err
		}
	}
	if !usable {
		s.audit(ctx, AuditEvent{Event: "customer.reset_failed", CustomerID: c.ID, Username: strings.ToLower(c.Email)})
		return inputError(MsgCannotSetPassword)
	}
	return nil
}

// useResetToken is the AltPassword for reset tokens: generateCustomerToken accepts an
// unused reset token once in place of the password (SPEC §6).
func (s *Service) useResetToken(ctx context.Context, c *Customer, secret string) (int64, bool, error) {
	if len(secret) != 32 {
		return 0, false, nil
	}
	ok, err := s.Accounts.ConsumeResetToken(ctx, hashSecret(strings.ToLower(secret)), c.ID, s.Now())
	if err != nil || !ok {
		return 0, false, err
	}
	s.audit(ctx, AuditEvent{Event: "customer.reset_token_signin", CustomerID: c.ID, Username: strings.ToLower(c.Email)})
	return 0, true, nil
}

// ConfirmEmail activates an account with the key from the confirmation mail.
func (s *Service) ConfirmEmail(ctx context.Context, email, key string) (*Customer, error) {
	email = strings.TrimSpace(email)
	if !ValidEmail(email) {
		return nil, inputError(MsgConfirmEmailInvalid)
	}
	c, err := s.Customers.CustomerByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return nil, inputError(MsgConfirmKeyInvalid)
	}
	if err != nil {
		return nil, fmt.Errorf("find customer: %w", err)
	}
	if c.Confirmation == "" {
		return nil, inputError(MsgAlreadyActive)
	}
	if subtle.ConstantTimeCompare([]byte(c.Confirmation), []byte(strings.TrimSpace(key))) != 1 {
		return nil, inputError(MsgConfirmKeyInvalid)
	}
	if err := s.Accounts.SetConfirmation(ctx, c.ID, ""); err != nil {
		return nil, err
	}
	c.Confirmation = ""
	s.audit(ctx, AuditEvent{Event: "customer.confirmed", CustomerID: c.ID, Username: strings.ToLower(c.Email)})
	return c, nil
}

// ResendConfirmationEmail mails the confirmation key again.
func (s *Service) ResendConfirmationEmail(ctx context.Context, email string) error {
	email = strings.TrimSpace(email)
	if !ValidEmail(email) {
		return inputError(MsgResendEmailInvalid)
	}
	c, err := s.Customers.CustomerByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return inputError(MsgNoUserWithEmail)
	}
	if err != nil {
		return fmt.Errorf("find customer: %w", err)
	}
	if c.Confirmation == "" || !s.Settings().Bool(PathConfirmRequired) {
		return inputError(MsgConfirmationNotNeed)
	}
	now := s.Now()
	// Bounded like reset mails, so nobody can have an address flooded with them.
	queued, err := s.Accounts.QueueMailLimited(ctx, Mail{To: c.Email, Subject: "Please confirm your account", Template: "account_confirmation",
		Vars: map[string]string{"email": c.Email, "confirmation_key": c.Confirmation, "customer_id": fmt.Sprint(c.ID)}, CreatedAt: now},
		now.Add(-time.Hour), maxMailsPerHour)
	if err != nil {
		return err
	}
	if !queued {
		s.audit(ctx, AuditEvent{Event: "customer.confirmation_limited", CustomerID: c.ID, Username: strings.ToLower(c.Email)})
		return inputError(MsgTooManyConfirmations)
	}
	return nil
}
