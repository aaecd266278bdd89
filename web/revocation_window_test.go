package web_test

import (
	"context"
	"testing"
	"time"

	"shopauth/auth"
)

// TestRevocationWindowLifetimeChanges: a server keeps in memory only the sign-outs that
// can still refuse a token (made within the longest token lifetime), yet no token or
// session comes back when its sign-out leaves memory: not after the lifetime is lowered
// (older tokens keep their longer exp), not after it is raised again, not in a server
// started afterwards, and a token that expired stays expired when the lifetime grows.
func TestRevocationWindowLifetimeChanges(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := e.customer("customer@example.com", "password")
	set := func(path, v string) {
		t.Helper()
		if err := e.svc.SetSetting(ctx, path, v); err != nil {
			t.Fatal(err)
		}
	}
	me := `{"data":{"customer":{"email":"customer@example.com"}}}`
	revoked := `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`
	expired := `{"errors":[{"message":"Consumer key has expired","extensions":{"category":"graphql-authentication"}}]}`
	notAuth := gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 2, "customer")
	withSession := func(e *env, value string) response {
		return e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, map[string]string{"Cookie": "PHPSESSID=" + value})
	}

	set(auth.PathCustomerTokenLifetime, "24")
	old := e.token("customer@example.com", "password") // lives 24 hours
	sess := cookie(e.gql(old, `{customer{email}}`, nil), "PHPSESSID")
	if sess == nil {
		t.Fatal("no session cookie")
	}
	expect(t, e.gql(old, `mutation{revokeCustomerToken{result}}`, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	e.clock.Add(time.Second)
	fresh := e.token("customer@example.com", "password")

	// Lowered to 1 hour: the window is now the admin's 4 hours. Five hours on, the
	// sign-out has left memory, and the 24-hour token it revoked is still refused.
	set(auth.PathCustomerTokenLifetime, "1")
	e.clock.Add(5 * time.Hour)
	if err := e.svc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.svc.Tokens.Revocations().Before(auth.UserTypeCustomer, c.ID); got != 0 {
		t.Fatalf("a sign-out 5 hours old is still held in memory (%d)", got)
	}
	expect(t, e.gql(old, `{customer{email}}`, nil), 401, revoked)
	expect(t, withSession(e, sess.Value), 403, notAuth)
	expect(t, e.gql(fresh, `{customer{email}}`, nil), 200, me)

	// A token of the 1-hour lifetime, signed out, then expired: raising the lifetime
	// to 48 hours changes neither it nor the older one.
	short := e.token("customer@example.com", "password")
	e.clock.Add(time.Second)
	expect(t, e.gql(short, `mutation{revokeCustomerToken{result}}`, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	e.clock.Add(2 * time.Hour)
	set(auth.PathCustomerTokenLifetime, "48")
	e.clock.Add(5 * time.Hour)
	if err := e.svc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	expect(t, e.gql(short, `{customer{email}}`, nil), 401, expired)
	expect(t, e.gql(old, `{customer{email}}`, nil), 401, revoked)
	expect(t, withSession(e, sess.Value), 403, notAuth)
	// fresh was issued before the second sign-out: refused, through the database too.
	expect(t, e.gql(fresh, `{customer{email}}`, nil), 401, revoked)

	// With the lifetime back at 1 hour, a server started now loads only the last 4
	// hours' sign-outs, none of these, and answers the same.
	set(auth.PathCustomerTokenLifetime, "1")
	s2 := e.sibling()
	if got := s2.svc.Tokens.Revocations().Before(auth.UserTypeCustomer, c.ID); got != 0 {
		t.Fatalf("a new server loaded a sign-out 7 hours old (%d)", got)
	}
	expect(t, s2.gql(old, `{customer{email}}`, nil), 401, revoked)
	expect(t, s2.gql(fresh, `{customer{email}}`, nil), 401, revoked)
	expect(t, withSession(s2, sess.Value), 403, notAuth)
	expect(t, s2.gql(s2.token("customer@example.com", "password"), `{customer{email}}`, nil), 200, me)
}
