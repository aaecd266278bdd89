package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Revocations beyond a password change (issue 14 items 8 and 9). Each is written after
// the change it follows is stored, so a token dated before that (a sign-in or an admin's
// token for a customer that read the old state) is covered, and none comes back when
// the state is changed back later.

// endAssistance ends, for good, every token and session admins got for a customer: the
// customer (or an admin for them) withdrew remote shopping assistance. Allowing it again
// revives none of them.
func (s *Service) endAssistance(ctx context.Context, customerID int64) error {
	return s.Revoke(ctx, RevokeAssistedFor, customerID)
}

// endAdmin ends at once every token and admin page session of an admin and every
// customer token and session the admin got for a customer (login as customer).
func (s *Service) endAdmin(ctx context.Context, adminID int64) error {
	if err := s.Revoke(ctx, UserTypeAdmin, adminID); err != nil {
		return err
	}
	return s.Revoke(ctx, RevokeAssistedBy, adminID)
}

// actorOf names who did an admin action in the audit log: an admin, or the operator's
// command line (nil).
func actorOf(actor *Admin) (int64, string) {
	if actor == nil {
		return 0, "command line"
	}
	return actor.ID, "admin " + strings.ToLower(actor.Username)
}

// AdminByName finds an admin by user name (for commands and the admin page).
func (s *Service) AdminByName(ctx context.Context, username string) (*Admin, error) {
	a, err := s.Admins.AdminByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, ErrNotFound) {
		return nil, inputError(MsgAdminNotExistFmt, username)
	}
	return a, err
}

// SetAdminActive switches an admin on or off (Magento's "This account is Active").
// Switching off ends at once every token and admin page session of the admin and every
// customer token and session it got for a customer; switching on again revives none.
// The last admin who can sign in (active, not locked) is never switched off: that is
// MsgLastActiveAdmin.
// actor is the admin who did it, nil for the operator's command line.
func (s *Service) SetAdminActive(ctx context.Context, actor *Admin, adminID int64, active bool) error {
	var err error
	if active {
		err = s.Admins.SetAdminActive(ctx, adminID, true)
	} else {
		// Never the last admin who can sign in: nobody could undo it from the page.
		err = s.Admins.RetireAdmin(ctx, adminID, time.Time{}, s.Now())
	}
	if err := retireError(err); err != nil {
		return fmt.Errorf("set admin %d active: %w", adminID, err)
	}
	event := "admin.activated"
	if !active {
		event = "admin.deactivated"
		if err := s.endAdmin(ctx, adminID); err != nil {
			return err
		}
	}
	id, by := actorOf(actor)
	s.audit(ctx, AuditEvent{Event: event, AdminID: adminID, Detail: "by " + by + fmt.Sprintf(" (admin id %d)", id)})
	return nil
}

// retireError is the domain's answer to RetireAdmin's ErrLastAdmin: a message that
// says what to do instead.
func retireError(err error) error {
	if errors.Is(err, ErrLastAdmin) {
		return inputError(MsgLastActiveAdmin)
	}
	return err
}

// LockAdmin locks an admin for d: no password sign-in from anywhere until then, and,
// as for SetAdminActive(false), its tokens, page sessions and the customer tokens it
// got end at once. UnlockAdmin, or the end of d, lets it sign in again. As with
// SetAdminActive, the last admin who can sign in is never locked.
func (s *Service) LockAdmin(ctx context.Context, actor *Admin, adminID int64, d time.Duration) error {
	now := s.Now()
	until := now.Add(d)
	if d <= 0 {
		return inputError(MsgAdminLockDuration)
	}
	if err := retireError(s.Admins.RetireAdmin(ctx, adminID, until, now)); err != nil {
		return fmt.Errorf("lock admin %d: %w", adminID, err)
	}
	if err := s.endAdmin(ctx, adminID); err != nil {
		return err
	}
	id, by := actorOf(actor)
	s.audit(ctx, AuditEvent{Event: "admin.locked", AdminID: adminID,
		Detail: "by " + by + fmt.Sprintf(" (admin id %d) until %s", id, until.UTC().Format(time.RFC3339))})
	return nil
}

// UnlockAdmin ends every lock and failure count of an admin, of every address and the
// account-wide cap, and the throttle on its user name (Magento's admin:user:unlock):
// an admin's way back when guesses from many addresses reached the cap.
func (s *Service) UnlockAdmin(ctx context.Context, actor *Admin, adminID int64) error {
	a, err := s.Admins.AdminByID(ctx, adminID)
	if err != nil {
		return err
	}
	if err := s.Admins.ResetAdminLoginFailures(ctx, a.ID); err != nil {
		return err
	}
	if err := s.Throttle.ResetThrottle(ctx, throttleName(a.Username), UserTypeAdmin); err != nil {
		return err
	}
	id, by := actorOf(actor)
	s.audit(ctx, AuditEvent{Event: "admin.unlocked", AdminID: a.ID, Username: strings.ToLower(a.Username),
		Detail: "by " + by + fmt.Sprintf(" (admin id %d)", id)})
	return nil
}
