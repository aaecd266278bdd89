package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"shopauth/auth"
)

// TestIsEmailAvailableGuestCheckoutLogin: as Magento 2.4.7+, isEmailAvailable answers
// true for every valid email (taken or not) unless
// checkout/options/enable_guest_checkout_login is 1; its input errors stay. With it on,
// the real answer, and the reset bucket limits it per address, each aliased field
// counted, over POST and GET alike. Before, 2000 emails could be checked in half a
// second from one address.
func TestIsEmailAvailableGuestCheckoutLogin(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	avail := func(email string) response {
		return e.gql("", `{isEmailAvailable(email:"`+email+`"){is_email_available}}`, nil)
	}
	yes := `{"data":{"isEmailAvailable":{"is_email_available":true}}}`
	no := `{"data":{"isEmailAvailable":{"is_email_available":false}}}`
	if v := e.svc.Settings().Get(auth.PathGuestCheckoutLogin); v != "0" {
		t.Fatalf("default %s = %q, want 0", auth.PathGuestCheckoutLogin, v)
	}
	expect(t, avail("customer@example.com"), 200, yes)
	expect(t, avail("free@example.com"), 200, yes)
	expect(t, avail(""), 200, gqlErr("Email must be specified", "graphql-input", 2, "isEmailAvailable"))
	expect(t, avail("nope"), 200, gqlErr("Email is invalid", "graphql-input", 2, "isEmailAvailable"))
	// Off, nothing is told, so nothing is limited: a checkout form may ask freely.
	e.set(auth.PathResetRateLimit, "3")
	for i := 0; i < 5; i++ {
		expect(t, avail("customer@example.com"), 200, yes)
	}

	e.set(auth.PathGuestCheckoutLogin, "1")
	expect(t, avail("customer@example.com"), 200, no)
	expect(t, avail("free@example.com"), 200, yes)
	// Two requests used two of the three; two aliases in one request are two.
	expect(t, e.gql("", `{a:isEmailAvailable(email:"a@example.com"){is_email_available} b:isEmailAvailable(email:"b@example.com"){is_email_available}}`, nil),
		429, tooMany)
	expect(t, avail("customer@example.com"), 200, no)
	expect(t, avail("customer@example.com"), 429, tooMany)
	// GET is limited too (it runs queries).
	get := e.do("GET", "/graphql?query="+url.QueryEscape(`{isEmailAvailable(email:"customer@example.com"){is_email_available}}`), "", "", nil)
	expect(t, get, 429, tooMany)
	// The probes share the bucket: the reset mutation is limited as well now.
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 429, tooMany)
	// Other queries are not.
	expect(t, e.gql("", `{storeConfig{store_code}}`, nil), 200, `{"data":{"storeConfig":{"store_code":"default"}}}`)
}

// TestGuestCheckoutLoginSetting: the new setting is validated like every boolean.
func TestGuestCheckoutLoginSetting(t *testing.T) {
	if err := auth.ValidateSetting(auth.PathGuestCheckoutLogin, "2"); err == nil || !strings.Contains(err.Error(), `want 0 or 1, got "2"`) {
		t.Errorf("value 2: %v", err)
	}
}

// shopauthMetrics is /metrics without the Go runtime and process series.
func shopauthMetrics(e *env) string {
	var keep []string
	for _, l := range strings.Split(e.do("GET", "/metrics", "", "", nil).body, "\n") {
		if strings.HasPrefix(l, "shopauth_") || strings.HasPrefix(l, "# HELP shopauth_") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestMetricsTellNoAccounts: the same wrong passwords, against an account that exists
// and locks or against an email (or admin name) that does not, leave /metrics exactly
// the same. Before, shopauth_signins_total{result="locked"} and shopauth_lockouts_total
// rose only for existing accounts: a guest could list them from the public metrics.
func TestMetricsTellNoAccounts(t *testing.T) {
	attempts := func(existing bool) string {
		e := newEnv(t)
		e.set(auth.PathLockoutFailures, "2")
		e.set(auth.PathAdminLockoutFailures, "2")
		e.set(auth.PathTwoFactorEnable, "0")
		if existing {
			e.customer("victim@example.com", "password")
			e.admin("victim", "admin123")
		}
		for i := 0; i < 8; i++ { // locks at 2, meets the lock, then the throttle at 6
			e.gql("", `mutation{generateCustomerToken(email:"victim@example.com",password:"bad"){token}}`, nil)
			e.rest("/rest/V1/integration/admin/token", `{"username":"victim","password":"bad"}`, "")
		}
		return shopauthMetrics(e)
	}
	known, unknown := attempts(true), attempts(false)
	if known != unknown {
		t.Errorf("metrics tell an existing account from an unknown one:\nexisting:\n%s\nunknown:\n%s", known, unknown)
	}
	for _, want := range []string{`shopauth_signins_total{result="failed",user_type="customer"} 6`, `shopauth_signins_total{result="throttled",user_type="customer"} 2`,
		`shopauth_signins_total{result="failed",user_type="admin"} 6`} {
		if !strings.Contains(known, want) {
			t.Errorf("metrics lack %q:\n%s", want, known)
		}
	}
}

// TestShortCryptKeyWhileServing: a key too short to sign tokens, written into a served
// database past config:set (which refuses it), does not replace the server's key: its
// tokens keep working and no token is signed with the short key.
func TestShortCryptKeyWhileServing(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	key := e.svc.Settings().Get(auth.PathCryptKey)
	if err := e.db.SetSetting(context.Background(), auth.PathCryptKey, "short"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.svc.Settings().Get(auth.PathCryptKey); got != key {
		t.Errorf("crypt/key in force %q, want the previous one", got)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	if err := e.svc.CheckCryptKey(); err != nil {
		t.Errorf("the server's key: %v", err)
	}
}
