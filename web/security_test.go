package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"shopauth/auth"
	"shopauth/internal/testkit"
	"shopauth/web"
	"strings"
	"testing"
)

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestBigQueriesAreNotKept: the parse of a 64 KiB query can take 100 times its size
// (a list of 32,000 numbers is 7 MiB of syntax tree). The server used to keep the
// analysis of the last 512 query strings, whatever their size, so a few hundred
// distinct big queries (refused anyway) pinned gigabytes.
func TestBigQueriesAreNotKept(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		n, numbers int
	}{
		{32, 32000}, // 64 KiB each: never kept
		{100, 7500}, // 15 KiB each: kept, but within the cache's byte budget
	} {
		before := heapInUse()
		for i := 0; i < tc.n; i++ {
			q := fmt.Sprintf(`{q%d:customer(a:[`, i) + strings.Repeat("1,", tc.numbers) + `]){email}}`
			r := e.do("POST", "/graphql", "application/graphql", q, nil)
			if r.status != 200 || !strings.Contains(r.body, `"errors"`) {
				t.Fatalf("query %d: %d %.200s", i, r.status, r.body)
			}
		}
		grown := int64(heapInUse()) - int64(before)
		t.Logf("heap grew %d KiB after %d distinct %d KiB queries", grown>>10, tc.n, 2*tc.numbers>>10)
		if grown > 48<<20 {
			t.Errorf("heap grew %d MiB after %d distinct %d KiB queries: their parse trees are kept",
				grown>>20, tc.n, 2*tc.numbers>>10)
		}
	}
}

// TestLongSignInNamesAreNotStored: a failed sign-in stores its user name twice (the
// token-request throttle and the audit log). A name of nearly 1 MiB (a GraphQL body may
// be 1 MiB) was stored whole: at the sign-in rate limit, 60 MiB a minute per address.
// No account has a name longer than 254 bytes, so a longer one is stored cut short;
// repeated, it is still throttled like any other name.
func TestLongSignInNamesAreNotStored(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "0")
	long := strings.Repeat("é", 400_000) + "@example.com"
	signIn := func() response {
		return e.gql("", `mutation($e:String!,$p:String!){generateCustomerToken(email:$e,password:$p){token}}`,
			map[string]any{"e": long, "p": "password"})
	}
	for i := 0; i < 6; i++ {
		expect(t, signIn(), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 33, "generateCustomerToken"))
	}
	expect(t, e.rest("/rest/V1/integration/customer/token", `{"username":"`+strings.Repeat("c", 60_000)+`","password":"x"}`, ""),
		401, `{"message":"`+auth.MsgSignInIncorrect+`"}`)
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"`+strings.Repeat("a", 60_000)+`","password":"x"}`, ""),
		401, `{"message":"`+auth.MsgSignInIncorrect+`"}`)
	expect(t, e.gql("", `mutation($e:String!){exchangeOtpForCustomerToken(email:$e,otp:"0123456789abcdef0123456789abcdef"){token}}`,
		map[string]any{"e": strings.Repeat("o", 500_000)}),
		401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 22, "exchangeOtpForCustomerToken"))

	d := e.rawDB()
	for _, q := range []string{`SELECT max(octet_length(user_name)) FROM token_request_log`,
		`SELECT max(octet_length(username)) FROM audit_log`} {
		var n int
		if err := d.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 255 {
			t.Errorf("%s: %d bytes", q, n)
		}
	}
	// The seventh try of the same long name is throttled: with the right password of an
	// account whose name starts the same, the answer would still be the generic one.
	var failures int
	if err := d.QueryRow(`SELECT failures_count FROM token_request_log WHERE user_type = 3 AND user_name LIKE 'é%'`).Scan(&failures); err != nil || failures != 6 {
		t.Errorf("failures of the long name: %d %v", failures, err)
	}
}

// TestLogLineIsBounded: the request log names the GraphQL operation; a client-chosen
// name of 500 KiB made a 500 KiB log line on every request.
func TestLogLineIsBounded(t *testing.T) {
	var buf testkit.LockedBuffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	e := newEnvWith(t, func(c *web.Config) { c.Log = log; c.LogRequests = true })
	body, _ := json.Marshal(map[string]any{"query": "{storeConfig{store_code}}", "operationName": strings.Repeat("Op", 250_000)})
	r := e.do("POST", "/graphql", "application/json", string(body), nil)
	if r.status != 200 {
		t.Fatalf("%d %.300s", r.status, r.body)
	}
	out := buf.String()
	if !strings.Contains(out, `"operation":"OpOpOp`) || len(out) > 2000 {
		t.Errorf("log of %d bytes: %.300s", len(out), out)
	}
}

// TestSessionFromRevokedTokenEnds: a process learns of another process's revocation
// within the refresh interval, and until then still accepts the revoked token, as
// SPEC §3 allows. A session cookie it starts meanwhile must end with the refresh too:
// it used to be dated when it was started, after the revocation, so it outlived it.
func TestSessionFromRevokedTokenEnds(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	other := e.sibling()
	expect(t, other.gql(tok, qRevoke, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	// This process has not refreshed yet: the token still works here, and starts a session.
	r := e.gql(tok, `{customer{email}}`, nil)
	sess := cookie(r, "PHPSESSID")
	if r.status != 200 || sess == nil {
		t.Fatalf("before the refresh: %s, cookie %v", r, sess)
	}
	if err := e.svc.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
	expect(t, e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, map[string]string{"Cookie": "PHPSESSID=" + sess.Value}),
		403, gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 2, "customer"))
}

// TestImpersonationEndsWithConsent: a token an admin got for a customer (admin_id)
// acts for the customer only while the customer allows remote shopping assistance and
// login as customer is on. A customer who withdrew consent was still impersonated
// until the token expired, and its session cookie kept working as long.
func TestImpersonationEndsWithConsent(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	helped := e.customer("customer1@mail.com", "password")
	allowAssistance(t, e, helped.ID, true)
	own := e.token("customer1@mail.com", "password")
	asAdmin := tokenFrom(t, e.gql(e.adminToken("admin", "admin123"),
		`mutation{generateCustomerTokenAsAdmin(input:{customer_email:"customer1@mail.com"}){customer_token}}`, nil))
	r := e.gql(asAdmin, `{customer{email}}`, nil)
	sess := cookie(r, "PHPSESSID")
	expect(t, r, 200, `{"data":{"customer":{"email":"customer1@mail.com"}}}`)
	viaSession := func() response {
		return e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, map[string]string{"Cookie": "PHPSESSID=" + sess.Value})
	}
	expect(t, viaSession(), 200, `{"data":{"customer":{"email":"customer1@mail.com"}}}`)

	// The customer withdraws consent with their own token.
	expect(t, e.gql(own, `mutation{updateCustomerV2(input:{allow_remote_shopping_assistance:false}){customer{allow_remote_shopping_assistance}}}`, nil),
		200, `{"data":{"updateCustomerV2":{"customer":{"allow_remote_shopping_assistance":false}}}}`)
	notAuth := gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 2, "customer")
	expect(t, e.gql(asAdmin, `{customer{email}}`, nil), 401, revokedBody)
	expect(t, viaSession(), 403, notAuth)
	expect(t, e.gql(asAdmin, `mutation{updateCustomerV2(input:{allow_remote_shopping_assistance:true}){customer{email}}}`, nil), 401, revokedBody)
	// The customer's own token is not affected.
	expect(t, e.gql(own, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer1@mail.com"}}}`)

	// Consent again: the withdrawal ended that token for good (issue 14 item 8,
	// TestAssistanceEndsForGood); login as customer switched off ends a new one.
	allowAssistance(t, e, helped.ID, true)
	expect(t, e.gql(asAdmin, `{customer{email}}`, nil), 401, revokedBody)
	asAdmin = tokenFrom(t, e.gql(e.adminToken("admin", "admin123"),
		`mutation{generateCustomerTokenAsAdmin(input:{customer_email:"customer1@mail.com"}){customer_token}}`, nil))
	expect(t, e.gql(asAdmin, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer1@mail.com"}}}`)
	e.set(auth.PathLoginAsCustomerEnabled, "0")
	expect(t, e.gql(asAdmin, `{customer{email}}`, nil), 401, revokedBody)
	expect(t, e.gql(own, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer1@mail.com"}}}`)
}

// TestAccountCreationIsRateLimited: createCustomer* hashes the new password (argon2id,
// 64 MiB) like a sign-in does, but had no per-address limit: one client could keep
// every hash slot busy (ten aliased creations a request) and make everyone's sign-in
// wait. Creations now share the sign-in bucket, each aliased one counted.
func TestAccountCreationIsRateLimited(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "4")
	create := func(n int, first int) response {
		var b strings.Builder
		b.WriteString("mutation{")
		for i := first; i < first+n; i++ {
			fmt.Fprintf(&b, `c%d:createCustomerV2(input:{email:"new%d@example.com",firstname:"A",lastname:"B",password:"Secret-pass%d"}){customer{email}} `, i, i, i)
		}
		return e.gql("", b.String()+"}", nil)
	}
	before := e.svc.Hasher.Computations()
	expect(t, create(5, 0), 429, tooMany) // more than a minute's worth: refused whole
	if r := create(3, 10); r.status != 200 || strings.Contains(r.body, "errors") {
		t.Fatalf("3 of 4: %s", r)
	}
	expect(t, e.gql("", `mutation{createCustomer(input:{email:"old@example.com",firstname:"A",lastname:"B",password:"Secret-pass1"}){customer{email}}}`, nil),
		200, `{"data":{"createCustomer":{"customer":{"email":"old@example.com"}}}}`)
	expect(t, create(1, 20), 429, tooMany)
	expect(t, signInFrom(e, ""), 429, tooMany) // the same bucket as sign-ins
	if n := e.svc.Hasher.Computations() - before; n != 4 {
		t.Errorf("%d password hashes, want 4", n)
	}
}

// TestQueriesOnlyGraphQLGoReadsAreRefused: the checks before execution (no mutation over
// GET, the rate limits, Magento's complexity limits) read the query with gqlparser,
// which follows the GraphQL grammar; graphql-go, which runs it, reads more (Go-style
// /* */ comments, non-ASCII names, \x escapes). Such a query passed every check unseen:
// a GET ran a mutation, and sign-ins went past the per-address limit.
func TestQueriesOnlyGraphQLGoReadsAreRefused(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	e.set(auth.PathSignInRateLimit, "1")
	syntax := func(msg string, col int) string {
		return `{"errors":[{"message":"Syntax Error: ` + msg + `","locations":[{"line":1,"column":` + itoa(col) + `}],"extensions":{"category":"graphql"}}]}`
	}
	get := func(q string) response { return e.do("GET", "/graphql?query="+url.QueryEscape(q), "", "", nil) }
	reset := `mutation{requestPasswordResetEmail(email:"customer@example.com")}`
	expect(t, get(reset+"/* x */"), 200, syntax("Unexpected <Invalid>", 66))
	expect(t, get(`mutation{ré:requestPasswordResetEmail(email:"customer@example.com")}`), 200, syntax("Expected Name, found <Invalid>", 11))
	expect(t, get(`mutation{requestPasswordResetEmail(email:"\x63ustomer@example.com")}`), 200, syntax("Unexpected <Invalid>", 44))
	if n := len(e.outbox()); n != 0 {
		t.Errorf("%d mails queued by GET requests", n)
	}
	// Sign-ins the rate limit could not count.
	for i := 0; i < 3; i++ {
		expect(t, e.gql("", `mutation{gé:generateCustomerToken(email:"customer@example.com",password:"guess"){token}}`, nil), 200,
			syntax("Expected Name, found <Invalid>", 11))
		expect(t, e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"guess"){token}}/**/`, nil), 200,
			syntax("Unexpected <Invalid>", 86))
	}
	// Nothing was tried: the one sign-in of the minute is still there, and it works.
	tokenFrom(t, e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"password"){token}}`, nil))
	// Syntax errors graphql-go reports itself keep its message.
	expect(t, e.gql("", `{customer{email}`, nil), 200,
		`{"errors":[{"message":"syntax error: unexpected \"\", expecting Ident","locations":[{"line":1,"column":17}],"extensions":{"category":"graphql"}}]}`)
}
