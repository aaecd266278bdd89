package web_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"shopauth/auth"
)

// forward asks /forward-auth as a proxy would: the client's headers, no body.
func (e *env) forward(method string, h map[string]string) response {
	e.t.Helper()
	return e.do(method, "/forward-auth", "", "", h)
}

// identity is the identity headers of a forward-auth answer, "" for an absent one.
func identity(r response) [4]string {
	return [4]string{r.header.Get("X-Customer-Id"), r.header.Get("X-Customer-Email"), r.header.Get("X-User-Type"), r.header.Get("X-Admin-Id")}
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

const (
	fwdNotAuthorized = `{"message":"The consumer isn't authorized to access %resources.","parameters":{"resources":"self"}}`
	fwdRevoked       = `{"message":"User token has been revoked"}`
)

// TestForwardAuth: a customer's token or session cookie gets 200 and who the customer
// is; everything else gets 401 with Magento's REST message and no identity headers.
func TestForwardAuth(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	sess := cookie(e.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
	if sess == nil {
		t.Fatal("no session cookie")
	}
	e.set(auth.PathTwoFactorEnable, "0")
	a := e.admin("ada", "adminpassword1")
	adminTok := e.adminToken("ada", "adminpassword1")
	e.set(auth.PathLoginAsCustomerEnabled, "1")
	assisted := &auth.Customer{Email: "assisted@example.com", Firstname: "A", Lastname: "B", AllowAssistance: true}
	if err := e.svc.CreateCustomerDirect(ctx, assisted, "password", true); err != nil {
		t.Fatal(err)
	}
	actingTok, err := e.svc.IssueCustomerToken(ctx, assisted.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	expired, _, _ := e.svc.Tokens.Issue(auth.UserTypeCustomer, c.ID, 0, time.Second)

	none := [4]string{}
	for _, tc := range []struct {
		name   string
		method string
		h      map[string]string
		status int
		body   string
		ident  [4]string
	}{
		{"bearer", "GET", bearer(tok), 200, "", [4]string{itoa(int(c.ID)), "customer@example.com", "3", "0"}},
		{"bearer, the client's method", "DELETE", bearer(tok), 200, "", [4]string{itoa(int(c.ID)), "customer@example.com", "3", "0"}},
		{"session cookie", "GET", map[string]string{"Cookie": "PHPSESSID=" + sess.Value}, 200, "", [4]string{itoa(int(c.ID)), "customer@example.com", "3", "0"}},
		{"admin acting for the customer", "GET", bearer(actingTok), 200, "", [4]string{itoa(int(assisted.ID)), "assisted@example.com", "3", itoa(int(a.ID))}},
		{"nothing", "GET", nil, 401, fwdNotAuthorized, none},
		{"forged cookie", "GET", map[string]string{"Cookie": "PHPSESSID=" + sess.Value[:len(sess.Value)-2] + "AA"}, 401, fwdNotAuthorized, none},
		{"admin token", "GET", bearer(adminTok), 401, fwdNotAuthorized, none},
		{"garbage token", "GET", bearer("abc"), 401, `{"message":"Composite reader could not read a token"}`, none},
		{"not a bearer header", "GET", map[string]string{"Authorization": "Basic " + tok}, 401, fwdNotAuthorized, none},
	} {
		r := e.forward(tc.method, tc.h)
		if r.status != tc.status || r.body != compact(t, tc.body) || identity(r) != tc.ident {
			t.Errorf("%s: got %d %q %q, want %d %q %q", tc.name, r.status, r.body, identity(r), tc.status, tc.body, tc.ident)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", tc.name, r.header.Get("Cache-Control"))
		}
		if tc.status == 401 && r.header.Get("WWW-Authenticate") != `Bearer realm="shopauth"` {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, r.header.Get("WWW-Authenticate"))
		}
	}

	e.clock.Add(2 * time.Second)
	expect(t, e.forward("GET", bearer(expired)), 401, `{"message":"Consumer key has expired"}`)

	// The customer withdraws consent: the admin's token stops at once.
	assisted.AllowAssistance = false
	if err := e.db.UpdateCustomer(ctx, assisted); err != nil {
		t.Fatal(err)
	}
	expect(t, e.forward("GET", bearer(actingTok)), 401, fwdNotAuthorized)

	// A locked account (Magento's lock, for the address the requests come from).
	lock := auth.Attempt{UserType: auth.UserTypeCustomer, UserID: c.ID, Addr: "127.0.0.1", Now: e.clock.Now(),
		Lock: auth.Lockout{MaxFailures: 1, Window: time.Hour}, Cap: auth.Lockout{MaxFailures: 100, Window: time.Hour}}
	if _, err := e.db.BeginAttempt(ctx, lock); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.FailAttempt(ctx, lock); err != nil {
		t.Fatal(err)
	}
	expect(t, e.forward("GET", bearer(tok)), 401, `{"message":"The account is locked."}`)
	if err := e.db.ResetLoginFailures(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	expect(t, e.forward("GET", bearer(tok)), 200, "")

	// Sessions switched off: the cookie no longer counts, the token still does.
	e.set(auth.PathSessionDisable, "1")
	expect(t, e.forward("GET", map[string]string{"Cookie": "PHPSESSID=" + sess.Value}), 401, fwdNotAuthorized)
	e.set(auth.PathSessionDisable, "0")
}

// TestForwardAuthRevocation: revokeCustomerToken ends the token and the session at
// forward-auth at once in the same process, and in a second process over the same
// database at its next refresh (serve refreshes every 250 ms).
func TestForwardAuthRevocation(t *testing.T) {
	e := newEnv(t)
	other := e.sibling()
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	sess := cookie(e.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
	tok2 := e.token("customer@example.com", "password")
	withCookie := map[string]string{"Cookie": "PHPSESSID=" + sess.Value}
	for _, s := range []*env{e, other} {
		expect(t, s.forward("GET", bearer(tok)), 200, "")
		expect(t, s.forward("GET", withCookie), 200, "")
	}
	expect(t, e.gql(tok2, `mutation{revokeCustomerToken{result}}`, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	expect(t, e.forward("GET", bearer(tok)), 401, fwdRevoked)
	expect(t, e.forward("GET", withCookie), 401, fwdNotAuthorized)
	if err := other.svc.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	expect(t, other.forward("GET", bearer(tok)), 401, fwdRevoked)
	expect(t, other.forward("GET", withCookie), 401, fwdNotAuthorized)
	if r := other.forward("HEAD", bearer(tok)); r.status != http.StatusUnauthorized {
		t.Errorf("HEAD: %d", r.status)
	}
}
