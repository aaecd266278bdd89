package auth

import (
	"context"
	"fmt"
	"net/netip"
	"time"
)

// Sign-in attempts (issue 14 items 2 and 3). Every password or code check is counted
// before the slow hash runs, in one atomic statement per count, so parallel requests get
// no more checks than the limits allow. Three counts, each Magento's or bounded by one:
//   - the token-request throttle, per user name and client address
//     (oauth/authentication_lock/*);
//   - Magento's account lock, per account and client address (customer/password/lockout_*,
//     admin/security/lockout_*): it refuses sign-ins, and tokens used, from that address;
//   - an account-wide cap over every address (accountCapFailures within accountCapWindow,
//     or the lock's own numbers when larger): it refuses password sign-ins from
//     everywhere, but not tokens already issued, nor a password reset, which clears it.
//
// A client address is the request's client (web's clientAddr), an IPv6 client by its /64.

// The account-wide cap: this many failed checks from all addresses together within the
// window lock password sign-ins everywhere for the window.
const (
	accountCapFailures = 100
	accountCapWindow   = 30 * time.Minute
)

// Attempt is one counted sign-in attempt.
type Attempt struct {
	UserType int
	Name     string // the throttle's user name (throttleName); "" when the throttle does not apply
	UserID   int64  // 0 for an unknown user: only the throttle counts
	Addr     string // the client address (ClientScope)
	Now      time.Time
	Throttle Lockout // MaxFailures <= 0: off; Window is the throttle timeout
	Lock     Lockout // per account and address; MaxFailures <= 0: off (and no cap)
	Cap      Lockout // per account, every address
}

// AttemptResult says whether a counted attempt may be checked.
type AttemptResult int

// Results of BeginAttempt.
const (
	AttemptAllowed   AttemptResult = iota
	AttemptThrottled               // the throttle refuses the name from this address
	AttemptLocked                  // the account is locked for this address or everywhere
	AttemptBusy                    // attempts in flight fill a count: wait for them to end
)

// maxAttemptWait bounds how long an attempt waits for the ones in flight before it is
// refused as throttled (they end within a hash's time, unless a process died with them).
const maxAttemptWait = 30 * time.Second

// AttemptStore counts sign-in attempts. Implemented by db; every method is atomic on its
// own (one statement per count, or one transaction), also across processes.
type AttemptStore interface {
	// BeginAttempt counts an attempt in flight before its password is checked, where
	// failures plus attempts in flight stay under each limit. Only an allowed attempt may
	// be checked, and must then be ended; a throttled or busy one counts nothing, a
	// locked one one failure on the throttle (Magento's way).
	BeginAttempt(ctx context.Context, a Attempt) (AttemptResult, error)
	// FailAttempt ends an allowed attempt whose password or code was wrong: it stays
	// counted, and the lock and cap lock when their count is reached.
	FailAttempt(ctx context.Context, a Attempt) (FailureResult, error)
	// PasswordRight ends the lock and cap part of an attempt whose password was right:
	// the address's lock count is forgotten (Magento: a success resets it) and the
	// attempt is given back to the cap.
	PasswordRight(ctx context.Context, a Attempt) error
	// EndThrottle ends the throttle part of an attempt whose password was right: failed
	// counts it as a failure (a wrong second factor); clear forgets the name's failures
	// from this address (a token or session was issued); neither gives the attempt back
	// (no failure after all, e.g. "use 2FA").
	EndThrottle(ctx context.Context, a Attempt, failed, clear bool) error
	// LockedAt reports whether the account is locked for addr at now.
	LockedAt(ctx context.Context, userType int, userID int64, addr string, now time.Time) (bool, error)
}

// ClientScope is the part of a client address that counts as one client: the address,
// or for IPv6 its /64 (a host usually owns a whole /64 and could step through it).
func ClientScope(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return a.String()
}

func clientScope(ctx context.Context) string {
	addr, _ := ctx.Value(remoteAddrKey{}).(string)
	return ClientScope(addr)
}

// attempt is a counted attempt the service still has to end. lockOpen and throttleOpen
// say which of its counts are still in flight; finish ends what is left as a failure.
type attempt struct {
	s                      *Service
	a                      Attempt
	lockOpen, throttleOpen bool
}

// beginAttempt counts an attempt for name (throttle, when withThrottle) and, when
// userID is not 0, for the account's lock and cap, with the settings in force.
func (s *Service) beginAttempt(ctx context.Context, userType int, name string, userID int64, withThrottle bool) (*attempt, AttemptResult, error) {
	st := s.Settings()
	a := Attempt{UserType: userType, UserID: userID, Addr: clientScope(ctx), Now: s.Now()}
	if withThrottle {
		a.Name = name
		a.Throttle = Lockout{MaxFailures: st.Int(PathThrottleMaxFailures), Window: time.Duration(st.Int(PathThrottleTimeout)) * time.Second}
	}
	if userID != 0 {
		if userType == UserTypeAdmin {
			a.Lock = s.adminLockout()
		} else {
			a.Lock = s.customerLockout()
		}
		if a.Lock.MaxFailures > 0 && a.Lock.Window > 0 {
			a.Cap = Lockout{MaxFailures: max(accountCapFailures, a.Lock.MaxFailures), Window: max(accountCapWindow, a.Lock.Window)}
		} else {
			a.Lock = Lockout{}
		}
	}
	deadline := time.Now().Add(maxAttemptWait)
	for {
		ended := s.attemptEnded()
		res, err := s.Attempts.BeginAttempt(ctx, a)
		if err != nil {
			return nil, 0, fmt.Errorf("count sign-in attempt: %w", err)
		}
		if res != AttemptBusy {
			at := &attempt{s: s, a: a}
			if res == AttemptAllowed {
				at.lockOpen = a.UserID != 0 && a.Lock.MaxFailures > 0
				at.throttleOpen = a.Throttle.MaxFailures > 0
			}
			return at, res, nil
		}
		if time.Now().After(deadline) {
			return nil, AttemptThrottled, nil
		}
		// An attempt of this process wakes the waiters when it ends; one of another
		// process is noticed by looking again shortly.
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-ended:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, 0, ctx.Err()
		}
		t.Stop()
	}
}

// attemptEnded returns a channel closed when an attempt of this process next ends.
func (s *Service) attemptEnded() <-chan struct{} {
	s.attemptMu.Lock()
	defer s.attemptMu.Unlock()
	if s.attemptCh == nil {
		s.attemptCh = make(chan struct{})
	}
	return s.attemptCh
}

func (s *Service) wakeAttempts() {
	s.attemptMu.Lock()
	if s.attemptCh != nil {
		close(s.attemptCh)
		s.attemptCh = nil
	}
	s.attemptMu.Unlock()
}

// The ends of an attempt are written even when the client has gone away meanwhile, so
// that a count is never left behind half done.

func (t *attempt) failed(ctx context.Context) (FailureResult, error) {
	if !t.lockOpen && !t.throttleOpen {
		return FailureResult{}, nil
	}
	t.lockOpen, t.throttleOpen = false, false
	defer t.s.wakeAttempts()
	res, err := t.s.Attempts.FailAttempt(context.WithoutCancel(ctx), t.a)
	if err != nil {
		return res, fmt.Errorf("record failed sign-in: %w", err)
	}
	return res, nil
}

func (t *attempt) passwordRight(ctx context.Context) error {
	if !t.lockOpen {
		return nil
	}
	t.lockOpen = false
	defer t.s.wakeAttempts()
	if err := t.s.Attempts.PasswordRight(context.WithoutCancel(ctx), t.a); err != nil {
		return fmt.Errorf("reset sign-in failures: %w", err)
	}
	return nil
}

// endThrottle clears (signed in) or gives back (no failure after all) the throttle count.
func (t *attempt) endThrottle(ctx context.Context, clear bool) error {
	return t.throttleEnd(ctx, false, clear)
}

// codeWrong counts the attempt as a failed token request: the password was right, the
// second factor was not.
func (t *attempt) codeWrong(ctx context.Context) error {
	return t.throttleEnd(ctx, true, false)
}

func (t *attempt) throttleEnd(ctx context.Context, failed, clear bool) error {
	if !t.throttleOpen {
		return nil
	}
	t.throttleOpen = false
	defer t.s.wakeAttempts()
	if err := t.s.Attempts.EndThrottle(context.WithoutCancel(ctx), t.a, failed, clear); err != nil {
		return fmt.Errorf("end throttle count: %w", err)
	}
	return nil
}

// finish ends what is still in flight as a failure: the request stopped early (the
// client went away, a store failed) and must not leave a count half done. Deferred
// after every beginAttempt.
func (t *attempt) finish(ctx context.Context) {
	if t == nil {
		return
	}
	var err error
	switch {
	case t.lockOpen:
		_, err = t.failed(ctx)
	case t.throttleOpen:
		err = t.codeWrong(ctx)
	}
	if err != nil {
		t.s.Log.Error("end sign-in attempt", "err", err)
	}
}

// lockedHere reports whether the account is locked for the request's client address
// (Magento's lock, counted per address). Most accounts have no locked address, and
// then no store is asked: lockedUntil is the latest end of any of its address locks.
func (s *Service) lockedHere(ctx context.Context, userType int, userID int64, lockedUntil time.Time) (bool, error) {
	now := s.Now()
	if !lockedUntil.After(now) {
		return false, nil
	}
	locked, err := s.Attempts.LockedAt(ctx, userType, userID, clientScope(ctx), now)
	if err != nil {
		return false, fmt.Errorf("check lock: %w", err)
	}
	return locked, nil
}
