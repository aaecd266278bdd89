package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Principal is who a request acts as: the claims of a verified token. A nil
// *Principal is a guest.
type Principal struct {
	Claims
	// ViaSession is true when the customer was found through a session cookie.
	ViaSession bool
}

type principalKey struct{}

type remoteAddrKey struct{}

// WithRemoteAddr returns ctx carrying the client address, for the audit log.
func WithRemoteAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, remoteAddrKey{}, addr)
}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the request's principal, nil for a guest.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Mail is one message for the outbox.
type Mail struct {
	To        string
	Subject   string
	Template  string
	Vars      map[string]string
	CreatedAt time.Time // the service's clock; zero means now
}

// Mailer queues mail; implemented by the outbox.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// AltPassword checks a secret given in place of a password (a reset token or a
// one-time code). It reports ok when it consumed the secret, and the admin id to
// put in the token, if any.
type AltPassword func(ctx context.Context, c *Customer, secret string) (adminID int64, ok bool, err error)

// Service is the customer-authorization domain. Its fields are set once at startup.
type Service struct {
	Customers    CustomerStore
	Throttle     ThrottleStore
	Attempts     AttemptStore
	Revocations  RevocationStore
	Config       SettingsStore
	Audit        AuditStore // optional
	Admins       AdminStore
	OneTimeCodes OneTimeCodeStore
	Accounts     AccountStore
	Outbox       OutboxStore
	AdminPages   AdminPageStore
	Importer     ImportStore
	Keys         SigningKeyStore // asymmetric token keys; nil: HS256 only
	Addresses    AddressStore
	Attributes   AttributeStore
	Lifecycle    AccountLifecycleStore
	RateLimits   RateLimitStore
	Newsletter   NewsletterStore
	Mailer       Mailer // optional
	Tokens       *Tokens
	Hasher       *Hasher
	Now          func() time.Time
	Rand         io.Reader
	Log          *slog.Logger
	// BaseURL is where this shop is served (scheme://host:port), for links in mail;
	// "" leaves links as paths. serve sets it from --addr.
	BaseURL string
	// AltPasswords are tried, in order, when the password does not match (SPEC §6).
	AltPasswords []AltPassword
	// MailLease is how long a claimed outbox message is reserved for this instance's
	// delivery before another may take it (0: two minutes). If the instance dies
	// mid-delivery, the message goes out from another one after the lease.
	MailLease time.Duration
	// OnEvent, when set, sees every audit event name (for metrics).
	OnEvent func(event string)
	// RelayIsLocal, when set, says whether an SMTP host is on this machine (by default:
	// "localhost" or a loopback address); tests use it to stand in for a relay elsewhere.
	RelayIsLocal func(host string) bool

	attemptMu sync.Mutex
	attemptCh chan struct{} // closed when an attempt ends (attemptEnded)

	settings    atomic.Pointer[Settings]
	settingsVer atomic.Int64
	revSeq      atomic.Int64
	keysVer     atomic.Int64
	keysAlg     atomic.Value // string
	keysLoaded  atomic.Bool
	keysExpiry  atomic.Int64 // unix s: the first VerifyUntil of the keys loaded; 0: none
	signerKid   atomic.Value // string: the key this process signs with; "": HS256
	// signerLifetime is the MaxLifetime stored for signerKid, as far as this process knows.
	signerLifetime atomic.Int64
	revLoaded      atomic.Bool
	revPruned      atomic.Int64 // µs, service clock
}

// NewService wires a service over one store; Start must be called before use.
func NewService(st Store, h *Hasher) *Service {
	s := &Service{Customers: st, Throttle: st, Attempts: st, Revocations: st, Config: st, Audit: st, Admins: st, OneTimeCodes: st,
		Accounts: st, Outbox: st, Mailer: st, AdminPages: st, Importer: st, Keys: st, Addresses: st, Attributes: st, Lifecycle: st, RateLimits: st,
		Newsletter: st,
		Hasher:     h, Now: time.Now, Rand: rand.Reader, Log: slog.Default()}
	// generateCustomerToken's order (SPEC §6): password, reset token, one-time code.
	s.AltPasswords = append(s.AltPasswords, s.useResetToken, s.useOneTimeCode)
	s.Tokens = NewTokens(func() time.Time { return s.Now() }, rand.Reader, NewRevocationList())
	return s
}

// Settings returns the settings in force.
func (s *Service) Settings() *Settings { return s.settings.Load() }

// Start loads settings and revocations, generating crypt/key on first start.
func (s *Service) Start(ctx context.Context) error {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Rand == nil {
		s.Rand = rand.Reader
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	stored, err := s.Config.LoadSettings(ctx)
	if err != nil {
		return fmt.Errorf("load settings: %w", err)
	}
	if len(CryptKeys(stored[PathCryptKey])) == 0 {
		key, err := NewCryptKey()
		if err != nil {
			return err
		}
		// Several instances may start at once on an empty database: only the first key
		// stored is kept, and every instance then loads that one (Refresh below).
		// A key stored blank on purpose is replaced as before.
		store := s.Config.SetSettingIfUnset
		if _, blank := stored[PathCryptKey]; blank {
			store = s.Config.SetSetting
		}
		if err := store(ctx, PathCryptKey, key); err != nil {
			return fmt.Errorf("store crypt key: %w", err)
		}
	}
	if err := s.Refresh(ctx); err != nil {
		return err
	}
	return nil
}

// CheckCryptKey returns an error when the crypt/key in force is too short to sign
// tokens safely (a database from before the minimum, or a key written past config:set):
// serve refuses to start with it; the other commands run, so config:set can replace it.
func (s *Service) CheckCryptKey() error {
	if err := CheckSigningKey(s.Settings().Get(PathCryptKey)); err != nil {
		return fmt.Errorf(MsgCryptKeyStoredShortFmt, err)
	}
	return nil
}

// Refresh picks up settings and revocations written by any process since the last call.
func (s *Service) Refresh(ctx context.Context) error {
	ver, err := s.Config.SettingsVersion(ctx)
	if err != nil {
		return fmt.Errorf("settings version: %w", err)
	}
	if s.settings.Load() == nil || ver != s.settingsVer.Load() {
		stored, err := s.Config.LoadSettings(ctx)
		if err != nil {
			return fmt.Errorf("load settings: %w", err)
		}
		st := NewSettings(stored)
		if old := s.settings.Load(); old != nil && old.Get(PathCryptKey) != st.Get(PathCryptKey) &&
			CheckSigningKey(st.Get(PathCryptKey)) != nil && CheckSigningKey(old.Get(PathCryptKey)) == nil {
			// Only a write past config:set (which refuses it) can bring a short key here;
			// a running server keeps signing with the key it checked at start-up.
			s.Log.Error("crypt/key was changed to a key too short to sign tokens; keeping the previous key", "err", CheckSigningKey(st.Get(PathCryptKey)))
			st.values[PathCryptKey] = old.Get(PathCryptKey)
		}
		if old := s.settings.Load(); old == nil || old.Get(PathCryptKey) != st.Get(PathCryptKey) {
			s.Tokens.SetKey(st.Get(PathCryptKey))
		}
		// A longer token lifetime is recorded on the signing key before a token gets it.
		if err := s.coverLifetime(ctx, st); err != nil {
			return err
		}
		s.settings.Store(st)
		s.settingsVer.Store(ver)
	}
	if err := s.refreshSigningKeys(ctx, s.settings.Load()); err != nil {
		return err
	}
	if cr, ok := s.Customers.(interface{ RefreshCache(context.Context) error }); ok {
		if err := cr.RefreshCache(ctx); err != nil {
			return fmt.Errorf("refresh customer cache: %w", err)
		}
	}
	return s.refreshRevocations(ctx)
}

// revocationPruneEvery is how often (service clock) revocations older than the
// window are dropped from memory.
const revocationPruneEvery = time.Minute

// refreshRevocations keeps in memory the revocations that can still refuse a token:
// those made within the longest token lifetime in force (the window). The first call
// loads only those; later ones add what any process wrote since, and now and then drop
// what fell out of the window. RevocationList.Refuses asks the database about a token
// older than the window, so what the window is never changes an answer.
func (s *Service) refreshRevocations(ctx context.Context) error {
	list := s.Tokens.Revocations()
	st := s.Settings()
	now := s.Now()
	window := max(st.CustomerTokenLifetime(), st.AdminTokenLifetime())
	from := now.Add(-window).UnixMicro()
	if !s.revLoaded.Load() {
		list.Window(from, s.revocationLookup)
		revs, seq, err := s.Revocations.RevocationsFrom(ctx, from)
		if err != nil {
			return fmt.Errorf("load revocations: %w", err)
		}
		list.Apply(revs...)
		s.revSeq.Store(seq)
		s.revLoaded.Store(true)
		s.revPruned.Store(now.UnixMicro())
		return nil
	}
	revs, seq, err := s.Revocations.RevocationsSince(ctx, s.revSeq.Load())
	if err != nil {
		return fmt.Errorf("load revocations: %w", err)
	}
	list.Apply(revs...)
	s.revSeq.Store(seq)
	if now.UnixMicro()-s.revPruned.Load() >= revocationPruneEvery.Microseconds() {
		list.Window(from, s.revocationLookup)
		s.revPruned.Store(now.UnixMicro())
	}
	return nil
}

// revocationLookup reads one user's revocation from the store, for tokens older than
// the window held in memory.
func (s *Service) revocationLookup(userType int, userID int64) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	us, err := s.Revocations.RevocationBefore(ctx, userType, userID)
	if err != nil {
		s.Log.Error("look up revocation", "user_type", userType, "user_id", userID, "err", err)
	}
	return us, err
}

// Watch calls Refresh every interval until ctx ends, so changes made by other
// processes (config:set, a second server) take effect without a restart.
func (s *Service) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.Log.Error("refresh settings", "err", err)
			}
		}
	}
}

// SetSetting validates and stores a setting and applies it at once in this process.
func (s *Service) SetSetting(ctx context.Context, path, value string) error {
	if err := ValidateSetting(path, value); err != nil {
		return err
	}
	if path == PathCryptKey {
		value = strings.Join(strings.Fields(value), " ")
	}
	if err := s.Config.SetSetting(ctx, path, value); err != nil {
		return err
	}
	if path == PathLoginAsCustomerEnabled && value == "0" {
		// Off ends every token and session an admin got for a customer, for good:
		// switching it on again revives none (issue 14 item 8).
		if err := s.Revoke(ctx, RevokeAllAssisted, 0); err != nil {
			return err
		}
	}
	return s.Refresh(ctx)
}

// VerifyToken checks a bearer token: signature, claims, expiry and revocation, from memory.
func (s *Service) VerifyToken(token string) (*Principal, error) {
	c, err := s.Tokens.Verify(token)
	if err != nil {
		return nil, err
	}
	return &Principal{Claims: c}, nil
}

// Revoke rejects every token the user was issued until now, in every process.
func (s *Service) Revoke(ctx context.Context, userType int, userID int64) error {
	r := Revocation{UserType: userType, UserID: userID, BeforeMicro: s.Tokens.NowMicro()}
	if err := s.Revocations.Revoke(ctx, r); err != nil {
		return fmt.Errorf("revoke user %d/%d: %w", userType, userID, err)
	}
	s.Tokens.Revocations().Apply(r)
	return nil
}

func (s *Service) audit(ctx context.Context, e AuditEvent) {
	if s.OnEvent != nil {
		s.OnEvent(e.Event)
	}
	if s.Audit == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = s.Now()
	}
	if e.RemoteAddr == "" {
		e.RemoteAddr, _ = ctx.Value(remoteAddrKey{}).(string)
	}
	if err := s.Audit.Audit(ctx, e); err != nil {
		s.Log.Error("audit", "event", e.Event, "err", err)
	}
}

func (s *Service) customerLockout() Lockout {
	st := s.Settings()
	return Lockout{MaxFailures: st.Int(PathLockoutFailures), Window: time.Duration(st.Int(PathLockoutThreshold)) * time.Minute}
}

// maxThrottleName bounds the user names stored for the throttle and the audit log.
// No account has a longer name (emails are at most 254 bytes), so cutting a longer
// one changes no account's throttle, and a client cannot store a megabyte per try.
const maxThrottleName = 255

// throttleName is the name failed token requests are counted under (and audited as).
func throttleName(name string) string {
	// Folded as emails are (EmailKey), so "ÉMILE@…" and "émile@…", one account, share
	// one count; lower-casing alone gave each case variant its own six guesses.
	n := EmailKey(name)
	if len(n) <= maxThrottleName {
		return n
	}
	cut := maxThrottleName
	for cut > 0 && !utf8.RuneStart(n[cut]) {
		cut--
	}
	return n[:cut]
}

// GenerateCustomerToken signs a customer in (SPEC §4, §6) and returns a new token.
func (s *Service) GenerateCustomerToken(ctx context.Context, email, password string) (string, error) {
	if strings.TrimSpace(email) == "" {
		return "", inputError(MsgSpecifyEmail)
	}
	if password == "" {
		return "", inputError(MsgSpecifyPassword)
	}
	return s.CustomerToken(ctx, email, password, true)
}

// CustomerToken signs a customer in and returns a new token (GraphQL with alt, REST
// without). The token is dated when the customer row was read, before the slow password
// check: a password change, reset or sign-out everywhere that commits meanwhile revokes
// from a later time, so it covers this token as well (issue 14, item 1).
func (s *Service) CustomerToken(ctx context.Context, email, password string, alt bool) (string, error) {
	c, adminID, readAt, err := s.authenticateCustomer(ctx, email, password, alt)
	if err != nil {
		return "", err
	}
	return s.issueCustomerTokenAt(c.ID, adminID, readAt)
}

// IssueCustomerToken signs a customer token; adminID is set when an admin acts for the customer.
func (s *Service) IssueCustomerToken(ctx context.Context, customerID, adminID int64) (string, error) {
	return s.issueCustomerTokenAt(customerID, adminID, s.Tokens.NowMicro())
}

func (s *Service) issueCustomerTokenAt(customerID, adminID, us int64) (string, error) {
	tok, _, err := s.Tokens.IssueAt(UserTypeCustomer, customerID, adminID, s.Settings().CustomerTokenLifetime(), us)
	if err != nil {
		return "", fmt.Errorf("issue customer token: %w", err)
	}
	return tok, nil
}

// AuthenticateCustomer checks email and password with the throttle, the account lock and
// confirmation. With alt, a reset token or one-time code is accepted in place of the password.
func (s *Service) AuthenticateCustomer(ctx context.Context, email, password string, alt bool) (*Customer, int64, error) {
	c, adminID, _, err := s.authenticateCustomer(ctx, email, password, alt)
	return c, adminID, err
}

// authenticateCustomer is AuthenticateCustomer that also returns when the customer row
// was read (a NowMicro value taken just before), the date of the token to issue.
func (s *Service) authenticateCustomer(ctx context.Context, email, password string, alt bool) (*Customer, int64, int64, error) {
	ctx, admitted, err := s.Hasher.Admit(ctx)
	defer admitted()
	if err != nil {
		return nil, 0, 0, err
	}
	st := s.Settings()
	name := throttleName(email)
	readAt := s.Tokens.NowMicro()
	c, err := s.Customers.CustomerByEmail(ctx, strings.TrimSpace(email))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, 0, 0, fmt.Errorf("find customer: %w", err)
	}
	var id int64
	if c != nil {
		id = c.ID
	}
	// Counted before the hash, so parallel guesses get no more checks than the limits allow.
	at, res, err := s.beginAttempt(ctx, UserTypeCustomer, name, id, true)
	if err != nil {
		return nil, 0, 0, err
	}
	defer at.finish(ctx)
	refuse := func(event string) (*Customer, int64, int64, error) {
		s.audit(ctx, AuditEvent{Event: event, CustomerID: id, Username: name})
		return nil, 0, 0, ErrSignInIncorrect
	}
	switch {
	case res == AttemptThrottled:
		return refuse("customer.signin_throttled")
	case res == AttemptLocked:
		s.Hasher.VerifyDummy(ctx, password)
		return refuse("customer.signin_locked")
	case c == nil:
		// Same cost as a wrong password, so timing does not tell which emails exist.
		s.Hasher.VerifyDummy(ctx, password)
		if _, err := at.failed(ctx); err != nil {
			return nil, 0, 0, err
		}
		return refuse("customer.signin_failed")
	}
	ok, rehash := false, false
	if c.PasswordHash != "" {
		ok, rehash, err = s.Hasher.Verify(ctx, password, c.PasswordHash)
		if err != nil && ctx.Err() != nil {
			return nil, 0, 0, ctx.Err()
		}
		if err != nil {
			s.Log.Warn("unreadable password hash", "customer_id", c.ID, "err", err)
		}
	} else {
		s.Hasher.VerifyDummy(ctx, password)
	}
	var adminID int64
	if !ok && alt {
		for _, check := range s.AltPasswords {
			aid, used, err := check(ctx, c, password)
			if err != nil {
				return nil, 0, 0, err
			}
			if used {
				ok, adminID = true, aid
				break
			}
		}
	}
	if !ok {
		fr, err := at.failed(ctx)
		if err != nil {
			return nil, 0, 0, err
		}
		s.auditLocks(ctx, fr, AuditEvent{Event: "customer.locked", CustomerID: c.ID, Username: name})
		return refuse("customer.signin_failed")
	}
	if err := at.passwordRight(ctx); err != nil {
		return nil, 0, 0, err
	}
	if st.Bool(PathConfirmRequired) && c.Confirmation != "" {
		// Not a failed request after all, and no token either: the throttle count is given back.
		if err := at.endThrottle(ctx, false); err != nil {
			return nil, 0, 0, err
		}
		return nil, 0, 0, ErrNotConfirmed
	}
	if err := at.endThrottle(ctx, true); err != nil {
		return nil, 0, 0, err
	}
	if rehash && adminID == 0 {
		if h, err := s.Hasher.Hash(ctx, password); err == nil {
			if err := s.Customers.SetPasswordHash(ctx, c.ID, h); err != nil {
				s.Log.Error("upgrade password hash", "customer_id", c.ID, "err", err)
			}
		}
	}
	ev := AuditEvent{Event: "customer.signin", CustomerID: c.ID, Username: name, AdminID: adminID}
	s.audit(ctx, ev)
	return c, adminID, readAt, nil
}

// auditLocks records the locks a failure set: for the client's address (Magento's
// lock) and, at the cap, for every address.
func (s *Service) auditLocks(ctx context.Context, fr FailureResult, ev AuditEvent) {
	if fr.NewlyLocked {
		ev.Detail = "address " + clientScope(ctx)
		s.audit(ctx, ev)
	}
	if fr.LockedEverywhere {
		ev.Detail = "every address"
		s.audit(ctx, ev)
	}
}

// CurrentCustomer returns the signed-in customer, with Magento's CheckCustomerAccount
// errors: guest or admin → not authorized; deleted; locked; unconfirmed. An admin's
// token for the customer is not authorized once the customer withdrew consent.
func (s *Service) CurrentCustomer(ctx context.Context) (*Customer, error) {
	p := PrincipalFrom(ctx)
	if p == nil || p.UserType != UserTypeCustomer {
		return nil, ErrNotAuthorized
	}
	c, err := s.Customers.CustomerByID(ctx, p.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrCustomerNotExist(p.UserID)
	}
	if err != nil {
		return nil, fmt.Errorf("load customer %d: %w", p.UserID, err)
	}
	// An admin acts for the customer (login as customer) only while the customer allows
	// it and the feature is on: withdrawing consent ends the admin's tokens and sessions
	// at once, not when they expire.
	if p.AdminID != 0 && (!c.AllowAssistance || !s.Settings().Bool(PathLoginAsCustomerEnabled)) {
		return nil, ErrNotAuthorized
	}
	// Magento's lock, counted per client address: a token used from the address the
	// wrong passwords came from is locked; the owner elsewhere is not (issue 14 item 3).
	// The account-wide cap stops password sign-ins only, not tokens already issued.
	if locked, err := s.lockedHere(ctx, UserTypeCustomer, c.ID, c.AddrLockUntil); err != nil || locked {
		if err != nil {
			return nil, err
		}
		return nil, ErrAccountLocked
	}
	if s.Settings().Bool(PathConfirmRequired) && c.Confirmation != "" {
		return nil, ErrNotConfirmed
	}
	return c, nil
}

// RevokeCustomerToken signs the current customer out of every token and session.
func (s *Service) RevokeCustomerToken(ctx context.Context) error {
	c, err := s.CurrentCustomer(ctx)
	if err != nil {
		return err
	}
	if err := s.Revoke(ctx, UserTypeCustomer, c.ID); err != nil {
		return err
	}
	s.audit(ctx, AuditEvent{Event: "customer.revoke", CustomerID: c.ID, AdminID: PrincipalFrom(ctx).AdminID})
	return nil
}

func (s *Service) randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.Rand, b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
