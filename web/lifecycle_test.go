package web_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
	"shopauth/internal/testkit"
	"shopauth/web"
)

const revokedBody = `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`

func (e *env) requestReset(email string) response {
	e.t.Helper()
	return e.gql("", `mutation($e:String!){requestPasswordResetEmail(email:$e)}`, map[string]any{"e": email})
}

func (e *env) resetPassword(email, token, pw string) response {
	e.t.Helper()
	return e.gql("", `mutation($e:String!,$t:String!,$p:String!){resetPassword(email:$e,resetPasswordToken:$t,newPassword:$p)}`,
		map[string]any{"e": email, "t": token, "p": pw})
}

func (e *env) signIn(email, pw string) response {
	e.t.Helper()
	return e.gql("", `mutation($e:String!,$p:String!){generateCustomerToken(email:$e,password:$p){token}}`, map[string]any{"e": email, "p": pw})
}

// Column 44 is where the field starts in the variable-taking mutations above.
func resetErr(msg string) string { return gqlErr(msg, "graphql-input", 44, "resetPassword") }

var (
	resetOK      = `{"data":{"resetPassword":true}}`
	requestOK    = `{"data":{"requestPasswordResetEmail":true}}`
	signInFailed = gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 33, "generateCustomerToken")
)

// rawDB opens the server's database directly (a SQLite file read-only), to check what
// is stored.
func (e *env) rawDB() *sql.DB {
	e.t.Helper()
	driver, dsn := "sqlite", "file:"+e.path+"?mode=ro"
	if db.IsPostgres(e.path) {
		driver, dsn = "pgx", e.path
	}
	d, err := sql.Open(driver, dsn)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { d.Close() })
	return d
}

func TestResetTokenIsRandomAndStoredHashed(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)
	first := e.lastMailVar("password_reset", "token")
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)
	second := e.lastMailVar("password_reset", "token")
	if len(first) != 32 || strings.Trim(first, "0123456789abcdef") != "" || first == second {
		t.Fatalf("tokens %q %q", first, second)
	}
	rows, err := e.rawDB().Query(`SELECT token_hash FROM password_reset ORDER BY created_at, token_hash`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var stored []string
	for rows.Next() {
		var h string
		rows.Scan(&h)
		stored = append(stored, h)
	}
	sum := func(s string) string { b := sha256.Sum256([]byte(s)); return hex.EncodeToString(b[:]) }
	if len(stored) != 2 || !contains(stored, sum(first)) || !contains(stored, sum(second)) {
		t.Fatalf("stored %v, want the SHA-256 of %s and %s", stored, first, second)
	}
	// The token itself is nowhere in the database file's reset table.
	var n int
	e.rawDB().QueryRow(`SELECT count(*) FROM password_reset WHERE token_hash IN ($1, $2)`, first, second).Scan(&n)
	if n != 0 {
		t.Fatal("a reset token is stored in clear")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestResetTokenRules(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathResetRateLimit, "0")
	e.customer("customer@example.com", "password")
	e.customer("other@example.com", "password")
	cannot := resetErr("Cannot set the customer's password")

	// A right token with another customer's email fails, and is not used up by it.
	e.requestReset("customer@example.com")
	tok := e.lastMailVar("password_reset", "token")
	expect(t, e.resetPassword("other@example.com", tok, "N3w-Passw0rd"), 200, cannot)
	e.token("other@example.com", "password")
	// A weak password neither changes anything nor uses the token up.
	expect(t, e.resetPassword("customer@example.com", tok, "weak"), 200,
		resetErr("The password needs at least 8 characters. Create a new password and try again."))
	e.token("customer@example.com", "password")
	// The token is case-insensitive hex and may come with spaces around it.
	expect(t, e.resetPassword("customer@example.com", " "+strings.ToUpper(tok)+" ", "N3w-Passw0rd"), 200, resetOK)
	expect(t, e.signIn("customer@example.com", "password"), 401, signInFailed)
	e.token("customer@example.com", "N3w-Passw0rd")

	// A newer request ends the older link: only the newest works (Magento keeps one).
	e.requestReset("customer@example.com")
	older := e.lastMailVar("password_reset", "token")
	e.requestReset("customer@example.com")
	newer := e.lastMailVar("password_reset", "token")
	expect(t, e.resetPassword("customer@example.com", older, "Passw0rd-2"), 200, cannot)
	expect(t, e.signIn("customer@example.com", older), 401, signInFailed)
	// A token used to sign in cannot then reset the password, nor sign in again.
	e.token("customer@example.com", newer)
	expect(t, e.resetPassword("customer@example.com", newer, "Passw0rd-2"), 200, cannot)
	expect(t, e.signIn("customer@example.com", newer), 401, signInFailed)

	// A password change ends every outstanding reset link.
	e.requestReset("customer@example.com")
	pending := e.lastMailVar("password_reset", "token")
	tok2 := e.token("customer@example.com", "N3w-Passw0rd")
	r := e.gql(tok2, `mutation{changeCustomerPassword(currentPassword:"N3w-Passw0rd",newPassword:"Passw0rd-3"){email}}`, nil)
	expect(t, r, 200, `{"data":{"changeCustomerPassword":{"email":"customer@example.com"}}}`)
	expect(t, e.resetPassword("customer@example.com", pending, "Passw0rd-4"), 200, cannot)

	// Expiry follows customer/password/reset_link_expiration_period (here 1 hour), on
	// the server's clock: a second before, the link works; at the hour, it does not.
	e.set(auth.PathResetLinkExpiration, "1")
	e.requestReset("customer@example.com")
	early := e.lastMailVar("password_reset", "token")
	e.clock.Add(time.Hour - time.Second)
	expect(t, e.resetPassword("customer@example.com", early, "Passw0rd-5"), 200, resetOK)
	e.requestReset("customer@example.com")
	late := e.lastMailVar("password_reset", "token")
	e.clock.Add(time.Hour)
	expect(t, e.resetPassword("customer@example.com", late, "Passw0rd-6"), 200, cannot)
	expect(t, e.signIn("customer@example.com", late), 401, signInFailed)
	e.token("customer@example.com", "Passw0rd-5")
}

// TestResetTokenSingleUseUnderConcurrency sends one token many times at once, to
// resetPassword and to generateCustomerToken: exactly one request gets to use it.
func TestResetTokenSingleUseUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathResetRateLimit, "0")
	e.set(auth.PathSignInRateLimit, "0")
	e.set(auth.PathThrottleMaxFailures, "0")
	e.set(auth.PathLockoutFailures, "0")
	e.customer("customer@example.com", "password")
	const n = 12

	e.requestReset("customer@example.com")
	tok := e.lastMailVar("password_reset", "token")
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = e.resetPassword("customer@example.com", tok, fmt.Sprintf("Passw0rd-%d", i)).body
		}()
	}
	wg.Wait()
	winner := -1
	for i, b := range bodies {
		switch b {
		case resetOK:
			if winner >= 0 {
				t.Fatalf("token used twice: by %d and %d", winner, i)
			}
			winner = i
		case compact(t, resetErr("Cannot set the customer's password")):
		default:
			t.Fatalf("answer %d: %s", i, b)
		}
	}
	if winner < 0 {
		t.Fatal("no request used the token")
	}
	e.token("customer@example.com", fmt.Sprintf("Passw0rd-%d", winner))

	e.requestReset("customer@example.com")
	tok = e.lastMailVar("password_reset", "token")
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); statuses[i] = e.signIn("customer@example.com", tok).status }()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == 200 {
			ok++
		}
	}
	if ok != 1 {
		t.Fatalf("%d sign-ins with one reset token (statuses %v)", ok, statuses)
	}
}

// TestResetRequestLimits: per account (5 an hour, also under a parallel burst) and
// per client address (shopauth/rate_limit/reset_per_minute), each with a clear message.
func TestResetRequestLimits(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathResetRateLimit, "0")
	e.customer("customer@example.com", "password")
	const n = 20
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); bodies[i] = e.requestReset("customer@example.com").body }()
	}
	wg.Wait()
	tooMany := compact(t, gqlErr("We received too many requests for password resets. Please wait and try again later.", "graphql-input", 22, "requestPasswordResetEmail"))
	ok, limited := 0, 0
	for _, b := range bodies {
		switch b {
		case requestOK:
			ok++
		case tooMany:
			limited++
		default:
			t.Fatalf("answer %s", b)
		}
	}
	if ok != 5 || limited != n-5 || len(e.outbox()) != 5 {
		t.Fatalf("%d accepted, %d limited, %d mails; want 5, %d, 5", ok, limited, len(e.outbox()), n-5)
	}
	// Only the newest of the five links works.
	expect(t, e.resetPassword("customer@example.com", e.lastMailVar("password_reset", "token"), "N3w-Passw0rd"), 200, resetOK)
	// An hour later the account may ask again.
	e.clock.Add(time.Hour)
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)

	// Per client address: requestPasswordResetEmail, resetPassword and
	// resendConfirmationEmail share one bucket; unknown emails count too.
	e.set(auth.PathResetRateLimit, "3")
	e.clock.Add(time.Minute)
	expect(t, e.requestReset("nobody@example.com"), 200, gqlErr("Cannot reset the customer's password", "graphql-input", 22, "requestPasswordResetEmail"))
	expect(t, e.resetPassword("nobody@example.com", "x", "N3w-Passw0rd"), 200, resetErr("Cannot set the customer's password"))
	expect(t, e.gql("", `mutation{resendConfirmationEmail(email:"nobody@example.com")}`, nil), 200,
		gqlErr("There is no user registered with that email address.", "graphql-input", 10, "resendConfirmationEmail"))
	limitedBody := `{"errors":[{"message":"Too many requests from this address. Please wait and try again later.","extensions":{"category":"graphql-input"}}]}`
	expect(t, e.requestReset("customer@example.com"), 429, limitedBody)
	expect(t, e.resetPassword("customer@example.com", "x", "N3w-Passw0rd"), 429, limitedBody)
	expect(t, e.gql("", `mutation{resendConfirmationEmail(email:"customer@example.com")}`, nil), 429, limitedBody)
	// Sign-in is another bucket.
	e.token("customer@example.com", "N3w-Passw0rd")
	// The bucket refills at 3 a minute.
	e.clock.Add(20 * time.Second)
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)
	expect(t, e.requestReset("customer@example.com"), 429, limitedBody)
}

func TestConfirmationLifecycle(t *testing.T) {
	e := newEnv(t)
	e.customer("old@example.com", "password")
	old := e.token("old@example.com", "password")
	status := `{customer{confirmation_status}}`
	// Not required: every account says so, and there is nothing to resend.
	expect(t, e.gql(old, status, nil), 200, `{"data":{"customer":{"confirmation_status":"ACCOUNT_CONFIRMATION_NOT_REQUIRED"}}}`)
	expect(t, e.gql("", `mutation{resendConfirmationEmail(email:"old@example.com")}`, nil), 200,
		gqlErr("Confirmation isn't needed.", "graphql-input", 10, "resendConfirmationEmail"))
	if len(e.outbox()) != 0 {
		t.Fatal("mail without confirmation")
	}

	e.set(auth.PathConfirmRequired, "1")
	// Accounts made before are confirmed.
	expect(t, e.gql(old, status, nil), 200, `{"data":{"customer":{"confirmation_status":"ACCOUNT_CONFIRMED"}}}`)
	create := func(email string) {
		expect(t, e.gql("", `mutation{createCustomerV2(input:{email:"`+email+`",firstname:"N",lastname:"E",password:"Passw0rd!"}){customer{email}}}`, nil), 200,
			`{"data":{"createCustomerV2":{"customer":{"email":"`+email+`"}}}}`)
	}
	create("a@example.com")
	keyA := e.lastMailVar("account_confirmation", "confirmation_key")
	create("b@example.com")
	keyB := e.lastMailVar("account_confirmation", "confirmation_key")
	if len(keyA) != 32 || keyA == keyB {
		t.Fatalf("keys %q %q", keyA, keyB)
	}
	m := e.outbox()[0]
	if m.To != "a@example.com" || m.Template != "account_confirmation" || m.Vars["email"] != "a@example.com" {
		t.Fatalf("mail %+v", m)
	}
	notConfirmed := func(col int, field string) string {
		return gqlErr("This account isn't confirmed. Verify and try again.", "graphql-authentication", col, field)
	}
	expect(t, e.signIn("a@example.com", "Passw0rd!"), 401, notConfirmed(33, "generateCustomerToken"))
	// A wrong password still says the generic message (no hint that the account exists).
	expect(t, e.signIn("a@example.com", "Wr0ng-Passw0rd"), 401, signInFailed)
	// REST customer token: the same message, Magento's REST shape.
	expect(t, e.rest("/rest/V1/integration/customer/token", `{"username":"a@example.com","password":"Passw0rd!"}`, ""), 401,
		`{"message":"This account isn't confirmed. Verify and try again."}`)

	confirm := func(email, key string) response {
		return e.gql("", `mutation($e:String!,$k:String!){confirmEmail(input:{email:$e,confirmation_key:$k}){customer{email confirmation_status}}}`,
			map[string]any{"e": email, "k": key})
	}
	cerr := func(msg string) string { return gqlErr(msg, "graphql-input", 33, "confirmEmail") }
	expect(t, confirm("", keyA), 200, cerr("Email is invalid"))
	expect(t, confirm("a@", keyA), 200, cerr("Email is invalid"))
	expect(t, confirm("a@example.com", ""), 200, cerr("The confirmation token is invalid. Verify the token and try again."))
	// Another account's key, or an unknown email, is just an invalid token.
	expect(t, confirm("a@example.com", keyB), 200, cerr("The confirmation token is invalid. Verify the token and try again."))
	expect(t, confirm("nobody@example.com", keyA), 200, cerr("The confirmation token is invalid. Verify the token and try again."))
	expect(t, confirm("old@example.com", keyA), 200, cerr("The account is already active."))
	// Nothing changed: b is still unconfirmed.
	expect(t, e.signIn("b@example.com", "Passw0rd!"), 401, notConfirmed(33, "generateCustomerToken"))
	expect(t, confirm(" A@Example.com ", keyA), 200,
		`{"data":{"confirmEmail":{"customer":{"email":"a@example.com","confirmation_status":"ACCOUNT_CONFIRMED"}}}}`)
	expect(t, confirm("a@example.com", keyA), 200, cerr("The account is already active."))
	e.token("a@example.com", "Passw0rd!")

	// A token obtained while confirmation was off stops working for an unconfirmed
	// account once it is on again (Magento's CheckCustomerAccount).
	e.set(auth.PathConfirmRequired, "0")
	tokB := e.token("b@example.com", "Passw0rd!")
	expect(t, e.gql(tokB, status, nil), 200, `{"data":{"customer":{"confirmation_status":"ACCOUNT_CONFIRMATION_NOT_REQUIRED"}}}`)
	e.set(auth.PathConfirmRequired, "1")
	expect(t, e.gql(tokB, status, nil), 401, notConfirmed(2, "customer"))
	expect(t, e.gql(tokB, `mutation{changeCustomerPassword(currentPassword:"Passw0rd!",newPassword:"N3w-Passw0rd"){email}}`, nil), 401,
		notConfirmed(10, "changeCustomerPassword"))
	expect(t, e.gql(tokB, qRevoke, nil), 401, notConfirmed(10, "revokeCustomerToken"))
	// resendConfirmationEmail mails the same key again, to the account's address.
	expect(t, e.gql("", `mutation{resendConfirmationEmail(email:"B@example.com")}`, nil), 200, `{"data":{"resendConfirmationEmail":true}}`)
	if m := e.outbox()[len(e.outbox())-1]; m.To != "b@example.com" || m.Vars["confirmation_key"] != keyB {
		t.Fatalf("resent %+v", m)
	}
}

func TestSessionEndsOnPasswordChangeAndReset(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathResetRateLimit, "0")
	e.customer("customer@example.com", "password")
	withCookie := func(value, query string) response {
		return e.do("POST", "/graphql", "application/json", `{"query":`+quote(query)+`}`, map[string]string{"Cookie": "PHPSESSID=" + value})
	}
	session := func(tok string) string {
		c := cookie(e.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
		if c == nil {
			t.Fatal("no session")
		}
		return c.Value
	}
	me := `{"data":{"customer":{"email":"customer@example.com"}}}`
	notAuth := gqlErr("The current customer isn't authorized.", "graphql-authorization", 2, "customer")

	// The cookie alone changes the password; afterwards the cookie, every other
	// session and every token are dead, and no new cookie was handed out.
	tok := e.token("customer@example.com", "password")
	s1, s2 := session(tok), session(tok)
	expect(t, withCookie(s1, `{customer{email}}`), 200, me)
	r := withCookie(s1, `mutation{changeCustomerPassword(currentPassword:"password",newPassword:"N3w-Passw0rd"){email}}`)
	expect(t, r, 200, `{"data":{"changeCustomerPassword":{"email":"customer@example.com"}}}`)
	if c := cookie(r, "PHPSESSID"); c != nil {
		t.Errorf("password change set a session cookie %+v", c)
	}
	for _, s := range []string{s1, s2} {
		r := withCookie(s, `{customer{email}}`)
		expect(t, r, 403, notAuth)
		// The stale cookie is deleted in the answer.
		if c := cookie(r, "PHPSESSID"); c == nil || c.Value != "" || c.MaxAge >= 0 {
			t.Errorf("stale cookie not deleted: %v", r.header.Values("Set-Cookie"))
		}
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, revokedBody)

	// Same for a reset.
	tok = e.token("customer@example.com", "N3w-Passw0rd")
	s3 := session(tok)
	e.requestReset("customer@example.com")
	expect(t, e.resetPassword("customer@example.com", e.lastMailVar("password_reset", "token"), "Passw0rd-2"), 200, resetOK)
	expect(t, withCookie(s3, `{customer{email}}`), 403, notAuth)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, revokedBody)
	// The new password works at once, and its token starts a working session.
	expect(t, withCookie(session(e.token("customer@example.com", "Passw0rd-2")), `{customer{email}}`), 200, me)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func TestSessionCookieDetails(t *testing.T) {
	e := newEnvWith(t, nil)
	c := e.customer("customer@example.com", "password")
	me := `{"data":{"customer":{"email":"customer@example.com"}}}`
	notAuth := gqlErr("The current customer isn't authorized.", "graphql-authorization", 2, "customer")
	post := func(h map[string]string) response {
		return e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, h)
	}

	// A session never outlives the token that started it.
	tok := e.token("customer@example.com", "password")
	e.clock.Add(50 * time.Minute)
	r := e.gql(tok, `{customer{email}}`, nil)
	sess := cookie(r, "PHPSESSID")
	if sess == nil || sess.MaxAge != 600 {
		t.Fatalf("session cookie %+v, want Max-Age 600 (the token's remaining life)", sess)
	}
	e.clock.Add(10 * time.Minute)
	expect(t, post(map[string]string{"Cookie": "PHPSESSID=" + sess.Value}), 403, notAuth)

	// A forged cookie is a guest's and is deleted; with a bearer token the cookie is not looked at.
	r = post(map[string]string{"Cookie": "PHPSESSID=forged"})
	expect(t, r, 403, notAuth)
	if d := cookie(r, "PHPSESSID"); d == nil || d.MaxAge >= 0 || !d.HttpOnly || d.Path != "/" {
		t.Errorf("forged cookie not deleted: %v", r.header.Values("Set-Cookie"))
	}
	tok = e.token("customer@example.com", "password")
	expect(t, post(map[string]string{"Cookie": "PHPSESSID=forged", "Authorization": "Bearer " + tok}), 200, me)
	// A bad bearer token fails even with a good cookie.
	sess = cookie(e.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
	expect(t, post(map[string]string{"Cookie": "PHPSESSID=" + sess.Value, "Authorization": "Bearer x.y.z"}), 401,
		`{"errors":[{"message":"Composite reader could not read a token","extensions":{"category":"graphql-authentication"}}]}`)
	// With sessions off, cookies are neither set, read nor deleted.
	e.set(auth.PathSessionDisable, "1")
	r = post(map[string]string{"Cookie": "PHPSESSID=forged"})
	expect(t, r, 403, notAuth)
	if len(r.header.Values("Set-Cookie")) != 0 {
		t.Errorf("cookies while disabled: %v", r.header.Values("Set-Cookie"))
	}
	e.set(auth.PathSessionDisable, "0")
	// GET neither reads nor deletes a cookie.
	r = e.do("GET", "/graphql?query=%7Bcustomer%7Bemail%7D%7D", "", "", map[string]string{"Cookie": "PHPSESSID=forged"})
	expect(t, r, 403, notAuth)
	if len(r.header.Values("Set-Cookie")) != 0 {
		t.Errorf("cookies on GET: %v", r.header.Values("Set-Cookie"))
	}

	// A locked customer's token gets a 401 and no session.
	e.set(auth.PathThrottleMaxFailures, "0")
	e.set(auth.PathLockoutFailures, "1")
	e.signIn("customer@example.com", "wrong")
	r = e.gql(tok, `{customer{email}}`, nil)
	expect(t, r, 401, gqlErr("The account is locked.", "graphql-authentication", 2, "customer"))
	if len(r.header.Values("Set-Cookie")) != 0 {
		t.Errorf("cookies for a locked customer: %v", r.header.Values("Set-Cookie"))
	}
	if err := e.db.ResetLoginFailures(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}

	// A session started by a token made for an admin (login as customer) keeps the
	// admin's id: signing out with the cookie is audited as the admin's. (The customer
	// allows it: an admin's token acts for the customer only with consent.)
	allowAssistance(t, e, c.ID, true)
	adminTok, err := e.svc.IssueCustomerToken(context.Background(), c.ID, 7)
	if err != nil {
		t.Fatal(err)
	}
	sess = cookie(e.gql(adminTok, `{customer{email}}`, nil), "PHPSESSID")
	expect(t, e.do("POST", "/graphql", "application/json", `{"query":"mutation{revokeCustomerToken{result}}"}`,
		map[string]string{"Cookie": "PHPSESSID=" + sess.Value}), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	ev, err := e.db.AuditList(context.Background(), dbFilter(c.ID, "customer.revoke"))
	if err != nil || len(ev) != 1 || ev[0].AdminID != 7 {
		t.Fatalf("audit %+v %v", ev, err)
	}
}

// newTLSServer serves e's handler over TLS (httptest's own certificate) too.
func newTLSServer(t *testing.T, e *env) *httptest.Server {
	ts := httptest.NewUnstartedServer(e.srv.Config.Handler)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts
}

func TestSessionCookieSecureBehindTLS(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	ts := newTLSServer(t, e)
	req, _ := http.NewRequest("POST", ts.URL+"/graphql", strings.NewReader(`{"query":"{customer{email}}"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var sess, pcv *http.Cookie
	for _, c := range res.Cookies() {
		switch c.Name {
		case "PHPSESSID":
			sess = c
		case "private_content_version":
			pcv = c
		}
	}
	if sess == nil || pcv == nil || !sess.Secure || !pcv.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" {
		t.Fatalf("over TLS: %v", res.Header.Values("Set-Cookie"))
	}
	// Plain HTTP with a forged X-Forwarded-Proto from an untrusted peer: not Secure.
	r := e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`,
		map[string]string{"Authorization": "Bearer " + tok, "X-Forwarded-Proto": "https"})
	if c := cookie(r, "PHPSESSID"); c == nil || c.Secure {
		t.Fatalf("untrusted X-Forwarded-Proto: %+v", c)
	}
	// Behind a trusted TLS-terminating proxy: Secure.
	p := newEnvWith(t, func(c *web.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	p.customer("customer@example.com", "password")
	tok = p.token("customer@example.com", "password")
	r = p.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`,
		map[string]string{"Authorization": "Bearer " + tok, "X-Forwarded-Proto": "https"})
	if c := cookie(r, "PHPSESSID"); c == nil || !c.Secure {
		t.Fatalf("trusted proxy with https: %+v", c)
	}
}

// TestNoSecretsInLogs runs the whole account lifecycle, failures included, with the
// request log on, and checks that no password, token, reset token, confirmation key,
// session cookie or SMTP password reaches a log line.
func TestNoSecretsInLogs(t *testing.T) {
	var buf testkit.LockedBuffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnvWith(t, func(c *web.Config) { c.Log, c.LogRequests = log, true })
	e.svc.Log = log
	e.set(auth.PathResetRateLimit, "0")
	var secrets []string
	secret := func(s string) string { secrets = append(secrets, s); return s }

	pw1, pw2, pw3 := secret("Secret-Passw0rd-1"), secret("Secret-Passw0rd-2"), secret("Secret-Passw0rd-3")
	e.customer("customer@example.com", pw1)
	e.signIn("customer@example.com", secret("Wrong-Passw0rd-9"))
	e.rest("/rest/V1/integration/customer/token", `{"username":"customer@example.com","password":"`+pw1+`"}`, "")
	tok := secret(e.token("customer@example.com", pw1))
	sess := cookie(e.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
	secret(sess.Value)
	e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, map[string]string{"Cookie": "PHPSESSID=" + sess.Value})
	e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, map[string]string{"Cookie": "PHPSESSID=" + secret("forged-cookie-value")})
	e.gql(secret("garbage.bearer.token"), `{customer{email}}`, nil)

	e.requestReset("customer@example.com")
	reset := secret(e.lastMailVar("password_reset", "token"))
	e.resetPassword("customer@example.com", secret("0123456789abcdef0123456789abcdef"), pw2)
	// Secrets in a GET URL (a mutation over GET is refused) stay out of the log too.
	e.do("GET", "/graphql?query="+url.QueryEscape(`mutation{resetPassword(email:"customer@example.com",resetPasswordToken:"`+reset+`",newPassword:"`+pw2+`")}`), "", "", nil)
	expect(t, e.resetPassword("customer@example.com", reset, pw2), 200, resetOK)
	tok2 := secret(e.token("customer@example.com", pw2))
	e.gql(tok2, `mutation($c:String!,$n:String!){changeCustomerPassword(currentPassword:$c,newPassword:$n){email}}`, map[string]any{"c": pw2, "n": pw3})

	e.set(auth.PathConfirmRequired, "1")
	e.gql("", `mutation($p:String){createCustomerV2(input:{email:"new@example.com",firstname:"N",lastname:"E",password:$p}){customer{email}}}`,
		map[string]any{"p": secret("Secret-Passw0rd-4")})
	key := secret(e.lastMailVar("account_confirmation", "confirmation_key"))
	e.gql("", `mutation{confirmEmail(input:{email:"new@example.com",confirmation_key:"`+secret("wrong-confirmation-key")+`"}){customer{email}}}`, nil)
	e.gql("", `mutation{confirmEmail(input:{email:"new@example.com",confirmation_key:"`+key+`"}){customer{email}}}`, nil)

	// A failing SMTP delivery, with credentials set.
	port := closedPort(t)
	e.set(auth.PathSMTPHost, "127.0.0.1")
	e.set(auth.PathSMTPPort, strconv.Itoa(port))
	e.set(auth.PathSMTPUsername, "mailer")
	e.set(auth.PathSMTPPassword, secret("smtp-Secret-5"))
	e.svc.DeliverMail(context.Background())

	out := buf.String()
	// The log is really written to: requests and the failed delivery are there.
	if strings.Count(out, `"msg":"request"`) < 15 || !strings.Contains(out, "mail delivery failed") {
		t.Fatalf("log not captured:\n%s", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%q is in the log", s)
		}
	}
}

// TestChangePasswordLockout: wrong current passwords count toward the account lock
// (Magento's Authentication::authenticate); the failure that locks says so, and
// afterwards the token gets "The account is locked." until the lock runs out.
func TestChangePasswordLockout(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathLockoutFailures, "3")
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	change := func(cur string) response {
		return e.gql(tok, `mutation($c:String!){changeCustomerPassword(currentPassword:$c,newPassword:"N3w-Passw0rd"){email}}`, map[string]any{"c": cur})
	}
	invalid := gqlErr("Invalid login or password.", "graphql-authentication", 22, "changeCustomerPassword")
	locked := gqlErr("The account is locked.", "graphql-authentication", 22, "changeCustomerPassword")
	expect(t, change("wrong-1"), 401, invalid)
	expect(t, change("wrong-2"), 401, invalid)
	expect(t, change("wrong-3"), 401, locked)
	// Locked: even the right current password is refused, and nothing changed.
	expect(t, change("password"), 401, locked)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, gqlErr("The account is locked.", "graphql-authentication", 2, "customer"))
	// customer/password/lockout_threshold (10 min) later, the right password works.
	e.clock.Add(10*time.Minute + time.Second)
	expect(t, change("password"), 200, `{"data":{"changeCustomerPassword":{"email":"customer@example.com"}}}`)
	e.token("customer@example.com", "N3w-Passw0rd")
}

// TestResendConfirmationLimit: at most 5 confirmation mails an hour go to one address
// (the one sent at sign-up included), also under a parallel burst.
func TestResendConfirmationLimit(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathResetRateLimit, "0")
	e.set(auth.PathConfirmRequired, "1")
	e.gql("", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"N",lastname:"E",password:"Passw0rd!"}){customer{email}}}`, nil)
	resend := `mutation{resendConfirmationEmail(email:"new@example.com")}`
	const n = 10
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); bodies[i] = e.gql("", resend, nil).body }()
	}
	wg.Wait()
	tooMany := compact(t, gqlErr("We received too many requests for confirmation emails. Please wait and try again later.", "graphql-input", 10, "resendConfirmationEmail"))
	ok := 0
	for _, b := range bodies {
		switch b {
		case `{"data":{"resendConfirmationEmail":true}}`:
			ok++
		case tooMany:
		default:
			t.Fatalf("answer %s", b)
		}
	}
	if ok != 4 || len(e.outbox()) != 5 {
		t.Fatalf("%d resent, %d mails; want 4 and 5", ok, len(e.outbox()))
	}
	e.clock.Add(time.Hour)
	expect(t, e.gql("", resend, nil), 200, `{"data":{"resendConfirmationEmail":true}}`)
}

// TestSessionCookieNeedsJSON: a cross-site form or text/plain POST (which a browser
// sends without asking) is refused as Magento refuses it, with or without the session
// cookie, even with a JSON body; nothing changes.
func TestSessionCookieNeedsJSON(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	sess := cookie(e.gql(e.token("customer@example.com", "password"), `{customer{email}}`, nil), "PHPSESSID")
	body := `{"query":"mutation{changeCustomerPassword(currentPassword:\"password\",newPassword:\"N3w-Passw0rd\"){email}}"}`
	wrongType := `{"errors":[{"message":"Request content type must be application/json","extensions":{"category":"graphql-input"}}]}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		expect(t, e.do("POST", "/graphql", ct, body, map[string]string{"Cookie": "PHPSESSID=" + sess.Value}), 415, wrongType)
		expect(t, e.do("POST", "/graphql", ct, `{"query":"mutation{requestPasswordResetEmail(email:\"customer@example.com\")}"}`, nil), 415, wrongType)
	}
	if n := len(e.outbox()); n != 0 {
		t.Errorf("%d mails sent by refused requests", n)
	}
	e.token("customer@example.com", "password") // the password did not change
	expect(t, e.do("POST", "/graphql", "application/json; charset=utf-8", `{"query":"{customer{email}}"}`, map[string]string{"Cookie": "PHPSESSID=" + sess.Value}), 200,
		`{"data":{"customer":{"email":"customer@example.com"}}}`)
	expect(t, e.do("POST", "/graphql", "application/graphql", `{customer{email}}`, map[string]string{"Cookie": "PHPSESSID=" + sess.Value}), 200,
		`{"data":{"customer":{"email":"customer@example.com"}}}`)
}
