package auth

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by stores when a record does not exist.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned by stores when a unique value (an email) is taken.
var ErrDuplicate = errors.New("duplicate")

// ErrLastAdmin is returned by AdminStore.RetireAdmin when no other admin would be left
// able to sign in.
var ErrLastAdmin = errors.New("last active admin")

// Customer is a storefront account.
type Customer struct {
	ID              int64
	Email           string
	Firstname       string
	Lastname        string
	Middlename      string
	Prefix          string
	Suffix          string
	DateOfBirth     string // YYYY-MM-DD or ""
	Taxvat          string
	Gender          int // 0 = not set
	IsSubscribed    bool
	AllowAssistance bool
	GroupID         int
	CreatedAt       time.Time
	PasswordHash    string
	Confirmation    string // pending confirmation key; "" when confirmed or not required
	// FailuresNum, FirstFailure and LockExpires are the account-wide cap on failed
	// sign-ins (every address together); AddrLockUntil is the latest end of a lock of
	// one client address (Magento's lock, counted per address; see attempt.go).
	FailuresNum   int
	FirstFailure  time.Time
	LockExpires   time.Time
	AddrLockUntil time.Time
}

// Locked reports whether the account is locked at now for every address or for at
// least one (what the admin page shows and can unlock).
func (c *Customer) Locked(now time.Time) bool {
	return c.LockedUntil().After(now)
}

// LockedUntil is when the account's last lock ends, for every address or for one.
func (c *Customer) LockedUntil() time.Time {
	if c.AddrLockUntil.After(c.LockExpires) {
		return c.AddrLockUntil
	}
	return c.LockExpires
}

// Lockout are the numbers of an account lock: this many failures within Window lock for Window.
type Lockout struct {
	MaxFailures int
	Window      time.Duration
}

// FailureResult says what recording a failed sign-in did.
type FailureResult struct {
	Locked           bool // the account is locked now for this address
	NewlyLocked      bool // this failure locked it for this address
	LockedEverywhere bool // this failure reached the account-wide cap
}

// CustomerStore keeps customers. Implemented by db.
type CustomerStore interface {
	CustomerByEmail(ctx context.Context, email string) (*Customer, error)
	CustomerByID(ctx context.Context, id int64) (*Customer, error)
	// CreateCustomer inserts c and sets c.ID; ErrDuplicate when the email is taken.
	CreateCustomer(ctx context.Context, c *Customer) error
	// UpdateCustomer saves profile fields and email; ErrDuplicate when the email is taken.
	UpdateCustomer(ctx context.Context, c *Customer) error
	SetPasswordHash(ctx context.Context, id int64, hash string) error
	// ResetLoginFailures ends every failure count and lock of the customer, those of
	// every address and the account-wide cap.
	ResetLoginFailures(ctx context.Context, id int64) error
}

// ThrottleStore keeps the token-request throttle (SPEC §4), counted by AttemptStore.
type ThrottleStore interface {
	// ResetThrottle forgets name's counted token requests from every address.
	ResetThrottle(ctx context.Context, name string, userType int) error
}

// RevocationStore persists revocations so every process sees them.
type RevocationStore interface {
	Revoke(ctx context.Context, r Revocation) error
	// RevocationsSince returns revocations changed after seq and the new high-water mark.
	RevocationsSince(ctx context.Context, seq int64) ([]Revocation, int64, error)
	// RevocationsFrom returns the revocations made at or after fromMicro and the
	// high-water mark, read before them.
	RevocationsFrom(ctx context.Context, fromMicro int64) ([]Revocation, int64, error)
	// RevocationBefore returns one user's revocation time, 0 when never revoked.
	RevocationBefore(ctx context.Context, userType int, userID int64) (int64, error)
}

// SettingsStore persists config values.
type SettingsStore interface {
	LoadSettings(ctx context.Context) (map[string]string, error)
	// SettingsVersion changes whenever any setting is written, by any process.
	SettingsVersion(ctx context.Context) (int64, error)
	SetSetting(ctx context.Context, path, value string) error
	// SetSettingIfUnset stores a value only where none is stored, atomically, so of
	// instances started together on an empty database one crypt/key wins for all.
	SetSettingIfUnset(ctx context.Context, path, value string) error
}

// AuditStore records and lists security events.
type AuditStore interface {
	Audit(ctx context.Context, e AuditEvent) error
	// AuditList returns events, newest first, that match the filter.
	AuditList(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
}

// AuditFilter narrows AuditList; zero values match everything.
type AuditFilter struct {
	CustomerID int64
	AdminID    int64
	Event      string
	Limit      int
	Offset     int       // newest-first rows to skip (paging)
	Since      time.Time // when not zero, events at or after
	Until      time.Time // when not zero, events before
}

// AuditEvent is one line of the audit log. Never holds a secret.
type AuditEvent struct {
	Time       time.Time
	Event      string // e.g. "customer.signin", "customer.signin_failed", "customer.locked"
	AdminID    int64
	CustomerID int64
	Username   string
	Detail     string
	RemoteAddr string
}

// EventEmailConflict is recorded by the store when two existing accounts' emails fold to
// one key (see db's migration 0008): the later account can no longer sign in by email.
const EventEmailConflict = "customer.email_conflict"

// AuditEventNames are every event the service records, sorted: what the admin page's
// filter offers and what audit:list --event accepts (TestAdminPageAuditEventsListed
// reads auth/ to keep this complete).
var AuditEventNames = []string{
	"admin.activated", "admin.assistance_set", "admin.created", "admin.customer_confirmation_mailed", "admin.customer_confirmed", "admin.customer_created", "admin.customer_reset_mailed", "admin.customer_signed_out", "admin.customer_unlocked", "admin.customer_updated",
	"admin.deactivated", "admin.locked", "admin.login_as_customer", "admin.otc_created", "admin.otc_refused", "admin.otc_used",
	"admin.page_signin", "admin.setting_changed", "admin.signin", "admin.signin_failed", "admin.signin_locked",
	"admin.signin_throttled", "admin.tfa_failed", "admin.tfa_reset", "admin.tfa_setup", "admin.unlocked", "customer.confirmation_limited", "customer.confirmed", "customer.created",
	"customer.deleted", "customer.email_changed", "customer.email_conflict",
	"customer.import", "customer.locked", "customer.otc_failed", "customer.password_changed",
	"customer.password_reset", "customer.reset_failed", "customer.reset_limited", "customer.reset_requested",
	"customer.reset_token_signin", "customer.revoke", "customer.signin", "customer.signin_failed",
	"customer.signin_locked", "customer.signin_throttled"}

// Store is every store the service needs; db.DB implements it.
type Store interface {
	CustomerStore
	ThrottleStore
	AttemptStore
	RevocationStore
	SettingsStore
	AuditStore
	AdminStore
	OneTimeCodeStore
	AccountStore
	OutboxStore
	Mailer
	AdminPageStore
	ImportStore
	AddressStore
	AttributeStore
	AccountLifecycleStore
	RateLimitStore
	NewsletterStore
	SigningKeyStore
}
