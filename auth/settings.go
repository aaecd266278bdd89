package auth

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zone names validate the same on hosts without zoneinfo
)

// Setting describes one config path: its default and what values it accepts.
type Setting struct {
	Path     string
	Default  string
	Help     string
	Secret   bool // masked by config:show without a path, never logged
	validate func(string) error
}

// Validate reports whether value is acceptable for the setting.
func (s Setting) Validate(value string) error { return s.validate(value) }

// Setting paths read by code; every one is listed in settingDefs.
const (
	PathCustomerTokenLifetime   = "oauth/access_token_lifetime/customer"
	PathAdminTokenLifetime      = "oauth/access_token_lifetime/admin"
	PathSessionDisable          = "graphql/session/disable"
	PathLoginAsCustomerEnabled  = "login_as_customer/general/enabled"
	PathOTCLifetime             = "login_as_customer/otc/lifetime"
	PathLockoutFailures         = "customer/password/lockout_failures"
	PathLockoutThreshold        = "customer/password/lockout_threshold"
	PathThrottleMaxFailures     = "oauth/authentication_lock/max_failures_count"
	PathThrottleTimeout         = "oauth/authentication_lock/timeout"
	PathConfirmRequired         = "customer/create_account/confirm"
	PathMinPasswordLength       = "customer/password/minimum_password_length"
	PathRequiredClasses         = "customer/password/required_character_classes_number"
	PathResetLinkExpiration     = "customer/password/reset_link_expiration_period"
	PathTwoFactorEnable         = "twofactorauth/general/enable"
	PathAdminLockoutFailures    = "admin/security/lockout_failures"
	PathAdminLockoutThreshold   = "admin/security/lockout_threshold"
	PathAdminSessionLifetime    = "admin/security/session_lifetime"
	PathNewsletterActive        = "newsletter/general/active"
	PathCryptKey                = "crypt/key"
	PathSMTPHost                = "system/smtp/host"
	PathSMTPPort                = "system/smtp/port"
	PathSMTPUsername            = "system/smtp/username"
	PathSMTPPassword            = "system/smtp/password"
	PathSMTPSSL                 = "system/smtp/ssl"
	PathMailFrom                = "trans_email/ident_general/email"
	PathStoreName               = "general/store_information/name"
	PathAssistanceCheckboxTitle = "login_as_customer/general/shopping_assistance_checkbox_title"
	PathSignInRateLimit         = "shopauth/rate_limit/signin_per_minute"
	PathBaseURL                 = "web/unsecure/base_url"
	PathSecureBaseURL           = "web/secure/base_url"
	PathBaseLinkURL             = "web/unsecure/base_link_url"
	PathBaseStaticURL           = "web/unsecure/base_static_url"
	PathBaseMediaURL            = "web/unsecure/base_media_url"
	PathSecureBaseLinkURL       = "web/secure/base_link_url"
	PathSecureBaseStaticURL     = "web/secure/base_static_url"
	PathSecureBaseMediaURL      = "web/secure/base_media_url"
	PathUseStoreInURL           = "web/url/use_store"
	PathLocale                  = "general/locale/code"
	PathTimezone                = "general/locale/timezone"
	PathWeightUnit              = "general/locale/weight_unit"
	PathBaseCurrency            = "currency/options/base"
	PathDisplayCurrency         = "currency/options/default"
	PathShareCustomerGroup      = "customer/account_information/graphql_share_customer_group"
	PathNewsletterGuest         = "newsletter/subscription/allow_guest_subscribe"
	PathCORSOrigins             = "web/graphql/cors_allowed_origins"
	PathDefaultCountry          = "general/country/default"
	PathDisplayAllRegions       = "general/region/display_all"
	PathResetRateLimit          = "shopauth/rate_limit/reset_per_minute"
	PathGuestCheckoutLogin      = "checkout/options/enable_guest_checkout_login"
	PathTokenAlgorithm          = "shopauth/token/algorithm"
)

var settingDefs = []Setting{
	{Path: PathCustomerTokenLifetime, Default: "1", Help: "customer token lifetime, hours", validate: positiveDecimal},
	{Path: PathAdminTokenLifetime, Default: "4", Help: "admin token lifetime, hours", validate: positiveDecimal},
	{Path: PathSessionDisable, Default: "0", Help: "1 turns GraphQL session cookies off", validate: boolean},
	{Path: PathLoginAsCustomerEnabled, Default: "1", Help: "login as customer on/off", validate: boolean},
	{Path: PathOTCLifetime, Default: "30", Help: "one-time code lifetime, seconds", validate: intRange(1, 86400)},
	{Path: PathLockoutFailures, Default: "10", Help: "wrong passwords before a customer account locks (0 = never)", validate: intRange(0, 1000000)},
	{Path: PathLockoutThreshold, Default: "10", Help: "customer lock window and duration, minutes (0 = never)", validate: intRange(0, 525600)},
	{Path: PathThrottleMaxFailures, Default: "6", Help: "failed token requests per username before throttling (0 = never)", validate: intRange(0, 1000000)},
	{Path: PathThrottleTimeout, Default: "1800", Help: "token request throttle, seconds", validate: intRange(1, 31536000)},
	{Path: PathConfirmRequired, Default: "0", Help: "1 requires email confirmation for new accounts", validate: boolean},
	{Path: PathMinPasswordLength, Default: "8", Help: "minimum password length", validate: intRange(1, 256)},
	{Path: PathRequiredClasses, Default: "3", Help: "required character classes (1-4)", validate: intRange(1, 4)},
	{Path: PathResetLinkExpiration, Default: "2", Help: "password reset link lifetime, hours", validate: intRange(1, 8760)},
	{Path: PathTwoFactorEnable, Default: "1", Help: "1 requires TOTP for admin tokens", validate: boolean},
	{Path: PathAdminLockoutFailures, Default: "6", Help: "wrong passwords before an admin locks (0 = never)", validate: intRange(0, 1000000)},
	{Path: PathAdminLockoutThreshold, Default: "30", Help: "admin lock duration, minutes", validate: intRange(0, 525600)},
	{Path: PathAdminSessionLifetime, Default: "900", Help: "admin page idle timeout, seconds", validate: intRange(60, 31536000)},
	{Path: PathNewsletterActive, Default: "1", Help: "newsletter on/off", validate: boolean},
	{Path: PathCryptKey, Default: "", Help: "signing key (generated on first start; the last key at least 32 characters)", Secret: true, validate: cryptKey},
	{Path: PathSMTPHost, Default: "", Help: "SMTP host; empty keeps mail in the outbox only", validate: anyLine},
	{Path: PathSMTPPort, Default: "25", Help: "SMTP port", validate: intRange(1, 65535)},
	{Path: PathSMTPUsername, Default: "", Help: "SMTP user", validate: anyLine},
	{Path: PathSMTPPassword, Default: "", Help: "SMTP password", Secret: true, validate: anyLine},
	{Path: PathSMTPSSL, Default: "tls", Help: "tls: STARTTLS required (a relay on localhost may do without); ssl: TLS from the first byte (port 465); none: STARTTLS when offered, else clear text", validate: oneOf("none", "ssl", "tls")},
	{Path: PathMailFrom, Default: "owner@example.com", Help: "sender address", validate: anyLine},
	{Path: PathStoreName, Default: "Default Store View", Help: "store name", validate: anyLine},
	{Path: PathSignInRateLimit, Default: "60", Help: "sign-in and account-creation requests per client address per minute (0 = no limit)", validate: intRange(0, 1000000)},
	{Path: PathResetRateLimit, Default: "10", Help: "password reset, confirmation mail and email-availability requests per client address per minute (0 = no limit)", validate: intRange(0, 1000000)},
	{Path: PathGuestCheckoutLogin, Default: "0", Help: "1 lets isEmailAvailable tell which emails have accounts (Magento 2.4.7+: off, every email is available)", validate: boolean},
	{Path: PathTokenAlgorithm, Default: AlgHS256, Help: "token signing: HS256 (Magento's, from crypt/key), EdDSA or ES256 (a key in the database, public at /.well-known/jwks.json)", validate: oneOf(AlgHS256, AlgEdDSA, AlgES256)},
	{Path: PathAssistanceCheckboxTitle, Default: "Allow remote shopping assistance", Help: "storefront checkbox title", validate: anyLine},
	{Path: PathBaseURL, Default: "", Help: "public base URL, ending in / (storeConfig base_url, links in mail); empty: from --addr", validate: baseURL("")},
	{Path: PathBaseLinkURL, Default: "{{unsecure_base_url}}", Help: "base link URL", validate: baseURL("{{unsecure_base_url}}")},
	{Path: PathBaseStaticURL, Default: "{{unsecure_base_url}}static/", Help: "base URL of static view files", validate: baseURL("{{unsecure_base_url}}")},
	{Path: PathBaseMediaURL, Default: "{{unsecure_base_url}}media/", Help: "base URL of media files", validate: baseURL("{{unsecure_base_url}}")},
	{Path: PathSecureBaseURL, Default: "{{unsecure_base_url}}", Help: "public HTTPS base URL, ending in /", validate: baseURL("{{unsecure_base_url}}")},
	{Path: PathSecureBaseLinkURL, Default: "{{secure_base_url}}", Help: "secure base link URL", validate: baseURL("{{secure_base_url}}")},
	{Path: PathSecureBaseStaticURL, Default: "{{secure_base_url}}static/", Help: "secure base URL of static view files", validate: baseURL("{{secure_base_url}}")},
	{Path: PathSecureBaseMediaURL, Default: "{{secure_base_url}}media/", Help: "secure base URL of media files", validate: baseURL("{{secure_base_url}}")},
	{Path: PathUseStoreInURL, Default: "0", Help: "1 tells storefronts to put the store code in URLs", validate: boolean},
	{Path: PathLocale, Default: "en_US", Help: "store locale", validate: localeCode},
	{Path: PathTimezone, Default: "America/Los_Angeles", Help: "store time zone (IANA name)", validate: timezone},
	{Path: PathWeightUnit, Default: "lbs", Help: "weight unit (lbs or kgs)", validate: oneOf("lbs", "kgs")},
	{Path: PathBaseCurrency, Default: "USD", Help: "base currency (ISO 4217 code)", validate: currencyCode},
	{Path: PathDisplayCurrency, Default: "USD", Help: "default display currency (ISO 4217 code)", validate: currencyCode},
	{Path: PathShareCustomerGroup, Default: "1", Help: "1 lets GraphQL show the customer group (customerGroup, Customer.group)", validate: boolean},
	{Path: PathNewsletterGuest, Default: "1", Help: "1 lets guests subscribe to the newsletter", validate: boolean},
	{Path: PathDefaultCountry, Default: DefaultCountry, Help: "the country address forms start with (two letters)", validate: countryCode},
	{Path: PathDisplayAllRegions, Default: "1", Help: "1 tells address forms to show the region field where it is optional", validate: boolean},
	{Path: PathCORSOrigins, Default: "", Help: "origins allowed to call /graphql from a browser, comma-separated (https://shop.example.com); empty: none", validate: originList},
}

var settingsByPath = func() map[string]Setting {
	m := make(map[string]Setting, len(settingDefs))
	for _, s := range settingDefs {
		m[s.Path] = s
	}
	return m
}()

// LookupSetting returns the definition of path.
func LookupSetting(path string) (Setting, bool) {
	s, ok := settingsByPath[path]
	return s, ok
}

// AllSettings lists every setting, sorted by path.
func AllSettings() []Setting {
	out := append([]Setting(nil), settingDefs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// ValidateSetting checks a path and value as config:set does.
func ValidateSetting(path, value string) error {
	s, ok := settingsByPath[path]
	if !ok {
		return fmt.Errorf("unknown config path %q", path)
	}
	if err := s.validate(value); err != nil {
		return fmt.Errorf("invalid value for %s: %w", path, err)
	}
	return nil
}

// positiveDecimal accepts plain decimal hours ("1", "0.5", ".25"); ParseFloat alone
// would also take forms like "0x1p-2", "1e2" or "+Inf" that no operator means.
func positiveDecimal(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !plainDecimal(v) || f <= 0 || f > 87600 {
		return fmt.Errorf("want a positive number of hours (at most 87600), got %q", v)
	}
	return nil
}

func plainDecimal(v string) bool {
	digits, dots := 0, 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

func boolean(v string) error {
	if v != "0" && v != "1" {
		return fmt.Errorf("want 0 or 1, got %q", v)
	}
	return nil
}

func oneOf(values ...string) func(string) error {
	return func(v string) error {
		for _, ok := range values {
			if v == ok {
				return nil
			}
		}
		return fmt.Errorf("want one of %s, got %q", strings.Join(values, ", "), v)
	}
}

func intRange(lo, hi int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		// Only the plain form ("5", not "+5" or "05"), so what is stored reads back as written.
		if err != nil || strconv.Itoa(n) != v || n < lo || n > hi {
			return fmt.Errorf("want a whole number from %d to %d, got %q", lo, hi, v)
		}
		return nil
	}
}

// MinCryptKeyLen is the length of the keys Magento generates (and its KeyValidator
// requires): a shorter signing key could be found by trying keys against one token.
const MinCryptKeyLen = 32

// cryptKey accepts Magento's env.php form: keys separated by any whitespace,
// newlines included (they are stored separated by single spaces). The last key signs
// tokens and must be at least MinCryptKeyLen characters; older keys sign nothing here.
// The message never shows a key.
func cryptKey(v string) error {
	keys := CryptKeys(v)
	if len(keys) == 0 {
		return fmt.Errorf("want at least one key")
	}
	if err := CheckSigningKey(v); err != nil {
		return err
	}
	return anyLine(strings.Join(keys, " "))
}

// CheckSigningKey reports whether the key of a crypt/key value that signs tokens (the
// last) is long enough; the error says how long it is, never what it is.
func CheckSigningKey(v string) error {
	keys := CryptKeys(v)
	if len(keys) == 0 {
		return fmt.Errorf("crypt/key is empty")
	}
	if n := len(keys[len(keys)-1]); n < MinCryptKeyLen {
		return fmt.Errorf(MsgCryptKeyShortFmt, n, MinCryptKeyLen)
	}
	return nil
}

// baseURL accepts an absolute http(s) URL ending in "/" (as Magento stores base URLs),
// without query or fragment, or, when placeholder is set, that placeholder followed
// by a path ending in "/" (Magento's "{{unsecure_base_url}}media/"). "" is accepted
// where there is no placeholder: the base URL then comes from --addr.
func baseURL(placeholder string) func(string) error {
	return func(v string) error {
		bad := fmt.Errorf("want an http:// or https:// URL ending in /, such as https://shop.example.com/, got %q", v)
		if (placeholder == "" && v == "") || (placeholder != "" && v == placeholder) {
			return nil
		}
		if anyLine(v) != nil || !strings.HasSuffix(v, "/") {
			return bad
		}
		if placeholder != "" && strings.HasPrefix(v, placeholder) {
			rest := v[len(placeholder):]
			if u, err := url.Parse("http://h/" + rest); err != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasPrefix(rest, "/") {
				return bad
			}
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Opaque != "" {
			return bad
		}
		return nil
	}
}

// originList accepts comma-separated origins: scheme://host[:port], nothing more.
func originList(v string) error {
	for _, o := range Origins(v) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" ||
			u.Fragment != "" || u.User != nil || u.Scheme+"://"+u.Host != o {
			return fmt.Errorf("want origins such as https://shop.example.com, comma-separated, got %q", o)
		}
	}
	return anyLine(v)
}

// Origins splits a web/graphql/cors_allowed_origins value into its origins.
func Origins(v string) []string {
	var out []string
	for _, o := range strings.Split(v, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

func localeCode(v string) error {
	if len(v) != 5 || v[2] != '_' || strings.ToLower(v[:2]) != v[:2] || strings.ToUpper(v[3:]) != v[3:] ||
		!isLetters(v[:2]) || !isLetters(v[3:]) {
		return fmt.Errorf("want a locale such as en_US, got %q", v)
	}
	return nil
}

func countryCode(v string) error {
	if directory.country(v) == nil {
		return fmt.Errorf("want a country code of the directory such as US, got %q", v)
	}
	return nil
}

func currencyCode(v string) error {
	if len(v) != 3 || strings.ToUpper(v) != v || !isLetters(v) {
		return fmt.Errorf("want a three-letter currency code such as USD, got %q", v)
	}
	return nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

func timezone(v string) error {
	if v == "" || v == "Local" || anyLine(v) != nil {
		return fmt.Errorf("want an IANA time zone such as Europe/Berlin, got %q", v)
	}
	if _, err := time.LoadLocation(v); err != nil {
		return fmt.Errorf("want an IANA time zone such as Europe/Berlin, got %q", v)
	}
	return nil
}

func anyLine(v string) error {
	if strings.ContainsAny(v, "\r\n\x00") || len(v) > 4096 {
		return fmt.Errorf("want one line of at most 4096 bytes")
	}
	return nil
}

// NewCryptKey makes a key like Magento's: 32 random alphanumeric characters.
func NewCryptKey() (string, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 32)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b), nil
}

// Settings is an immutable snapshot of every setting; a new one replaces it on change.
type Settings struct {
	values map[string]string
}

// NewSettings builds a snapshot from stored values; missing paths take defaults.
func NewSettings(stored map[string]string) *Settings {
	v := make(map[string]string, len(settingDefs))
	for _, s := range settingDefs {
		v[s.Path] = s.Default
	}
	for k, val := range stored {
		if s, ok := settingsByPath[k]; ok && s.validate(val) == nil {
			v[k] = val
		}
	}
	// A stored key that is too short is still the key (falling back to none would sign
	// with nothing); serve refuses to start with it (Service.CheckCryptKey).
	if val := stored[PathCryptKey]; v[PathCryptKey] == "" && len(CryptKeys(val)) > 0 {
		v[PathCryptKey] = strings.Join(CryptKeys(val), " ")
	}
	return &Settings{values: v}
}

// Get returns the value of path (its default when unset).
func (s *Settings) Get(path string) string { return s.values[path] }

// Int returns path as an int (0 when it does not parse, which validation prevents).
func (s *Settings) Int(path string) int {
	n, _ := strconv.Atoi(s.values[path])
	return n
}

// Bool reports whether path is "1".
func (s *Settings) Bool(path string) bool { return s.values[path] == "1" }

// Hours returns a decimal-hours setting as a duration.
func (s *Settings) Hours(path string) time.Duration {
	f, _ := strconv.ParseFloat(s.values[path], 64)
	return time.Duration(f * float64(time.Hour))
}

// CustomerTokenLifetime is how long a new customer token lives.
func (s *Settings) CustomerTokenLifetime() time.Duration { return s.Hours(PathCustomerTokenLifetime) }

// AdminTokenLifetime is how long a new admin token lives.
func (s *Settings) AdminTokenLifetime() time.Duration { return s.Hours(PathAdminTokenLifetime) }

// BaseURL is the value of a base-URL setting with Magento's placeholders filled in:
// {{unsecure_base_url}} is web/unsecure/base_url, or fallback (the address shopauth
// was started on) when that is empty; {{secure_base_url}} is web/secure/base_url.
// The result is "" when no base URL is known.
func (s *Settings) BaseURL(path, fallback string) string {
	unsecure := s.values[PathBaseURL]
	if unsecure == "" && fallback != "" {
		unsecure = strings.TrimRight(fallback, "/") + "/"
	}
	expand := func(v string) string {
		if rest, ok := strings.CutPrefix(v, "{{unsecure_base_url}}"); ok {
			if unsecure == "" {
				return ""
			}
			return unsecure + rest
		}
		return v
	}
	secure := expand(s.values[PathSecureBaseURL])
	if path == PathBaseURL {
		return unsecure
	}
	if path == PathSecureBaseURL {
		return secure
	}
	v := s.values[path]
	if rest, ok := strings.CutPrefix(v, "{{secure_base_url}}"); ok {
		if secure == "" {
			return ""
		}
		return secure + rest
	}
	return expand(v)
}

// PasswordPolicy returns the customer password policy in force.
func (s *Settings) PasswordPolicy() PasswordPolicy {
	return PasswordPolicy{MinLength: s.Int(PathMinPasswordLength), MinClasses: s.Int(PathRequiredClasses)}
}
