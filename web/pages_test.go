package web_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/web"
)

const msgFormToken = "Invalid or missing form token. Reload the page and try again."

// page is one admin page answer.
type page struct {
	status   int
	body     string
	location string
	header   http.Header
}

func getPage(t *testing.T, c *http.Client, u string) page {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b), res.Header.Get("Location"), res.Header}
}

func postPage(t *testing.T, c *http.Client, u string, form url.Values) page {
	t.Helper()
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b), res.Header.Get("Location"), res.Header}
}

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestAdminPageCookies reads the raw Set-Cookie headers of a sign-in: the session
// cookie is HttpOnly, SameSite=Strict, scoped to /admin and ends with the browser.
func TestAdminPageCookies(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	c := noRedirect()
	p := getPage(t, c, e.srv.URL+"/admin")
	res := &http.Response{Header: p.header}
	var login *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "shopauth_admin_login" {
			login = ck
		}
	}
	if login == nil || !login.HttpOnly || login.SameSite != http.SameSiteStrictMode || login.Path != "/admin" {
		t.Fatalf("sign-in form cookie: %+v", login)
	}
	csrf := csrfRE.FindStringSubmatch(p.body)[1]
	if csrf != login.Value {
		t.Fatal("the form token is not the cookie's")
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/admin/login",
		strings.NewReader(url.Values{"csrf": {csrf}, "username": {"admin"}, "password": {"admin123"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(login)
	r, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/customers" {
		t.Fatalf("sign-in: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	got := map[string]string{}
	for _, line := range r.Header.Values("Set-Cookie") {
		got[strings.SplitN(line, "=", 2)[0]] = line
	}
	sess := regexp.MustCompile(`^shopauth_admin=[0-9a-f]{64}; Path=/admin; HttpOnly; SameSite=Strict$`)
	if !sess.MatchString(got["shopauth_admin"]) {
		t.Errorf("session cookie: %q", got["shopauth_admin"])
	}
	if got["shopauth_admin_login"] != "shopauth_admin_login=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict" {
		t.Errorf("sign-in form cookie not cleared: %q", got["shopauth_admin_login"])
	}
}

// TestAdminPageLoginCSRF: the sign-in form needs its own token (cookie + field).
func TestAdminPageLoginCSRF(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	creds := url.Values{"username": {"admin"}, "password": {"admin123"}}
	// No cookie, no field.
	p := postPage(t, noRedirect(), e.srv.URL+"/admin/login", creds)
	if p.status != http.StatusForbidden || p.body != msgFormToken+"\n" {
		t.Errorf("no token: %d %q", p.status, p.body)
	}
	// A field that is not the cookie's (what a cross-site form could send).
	client, _, _ := adminHTTP(t, e, "admin", "wrong", "")
	creds.Set("csrf", strings.Repeat("0", 32))
	if p := postPage(t, client, e.srv.URL+"/admin/login", creds); p.status != http.StatusForbidden || p.body != msgFormToken+"\n" {
		t.Errorf("wrong token: %d %q", p.status, p.body)
	}
	ev, _ := e.db.AuditList(context.Background(), dbFilter(0, "admin.page_signin"))
	if len(ev) != 0 {
		t.Errorf("signed in without the form token: %v", ev)
	}
}

// TestAdminPageSignOut: sign-out needs the CSRF token and ends the session on the server.
func TestAdminPageSignOut(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	u, _ := url.Parse(e.srv.URL + "/admin")
	old := client.Jar.Cookies(u)
	if p := postPage(t, client, e.srv.URL+"/admin/logout", url.Values{}); p.status != http.StatusForbidden {
		t.Errorf("sign-out without token: %d", p.status)
	}
	if p := getPage(t, client, e.srv.URL+"/admin/customers"); p.status != http.StatusOK {
		t.Fatalf("a refused sign-out signed out: %d", p.status)
	}
	if p := postPage(t, client, e.srv.URL+"/admin/logout", url.Values{"csrf": {csrf}}); p.status != http.StatusSeeOther || p.location != "/admin" {
		t.Fatalf("sign-out: %d %s", p.status, p.location)
	}
	// The old cookie, replayed, is worth nothing.
	req, _ := http.NewRequest("GET", e.srv.URL+"/admin/customers", nil)
	for _, c := range old {
		req.AddCookie(c)
	}
	res, err := noRedirect().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin?expired=1&next=%2Fadmin%2Fcustomers" {
		t.Errorf("replayed cookie: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestAdminPageIdleTimeout: the timeout counts from the last request, follows the
// setting at once, and the sign-in page then says why.
func TestAdminPageIdleTimeout(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	client, _, _ := adminHTTP(t, e, "admin", "admin123", "")
	for i := 0; i < 3; i++ { // 3 × 800 s > 900 s, but never 900 s idle
		e.clock.Add(800 * time.Second)
		if p := getPage(t, client, e.srv.URL+"/admin/outbox"); p.status != http.StatusOK {
			t.Fatalf("active session ended after %d × 800 s: %d %s", i+1, p.status, p.location)
		}
	}
	e.set(auth.PathAdminSessionLifetime, "120")
	e.clock.Add(120 * time.Second)
	if p := getPage(t, client, e.srv.URL+"/admin/outbox"); p.status != http.StatusOK {
		t.Fatalf("120 s idle with a 120 s timeout: %d", p.status)
	}
	e.clock.Add(121 * time.Second)
	p := getPage(t, client, e.srv.URL+"/admin/outbox")
	if p.status != http.StatusSeeOther || p.location != "/admin?expired=1&next=%2Fadmin%2Foutbox" {
		t.Fatalf("121 s idle: %d %s", p.status, p.location)
	}
	p = getPage(t, client, e.srv.URL+p.location)
	if p.status != http.StatusOK || !strings.Contains(p.body, `<p class="flash error" role="alert" id="expired">Your session ended. Please sign in again.</p>`) {
		t.Errorf("sign-in page after the timeout: %d %s", p.status, p.body)
	}
}

// TestAdminSessionsDoNotPileUp: a sign-in drops the sessions that have been idle past
// the timeout (they can never be used again), and keeps the live ones.
func TestAdminSessionsDoNotPileUp(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	count := func() int {
		var n int
		if err := e.rawDB().QueryRow(`SELECT count(*) FROM admin_session`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	adminHTTP(t, e, "admin", "admin123", "")
	adminHTTP(t, e, "admin", "admin123", "")
	e.clock.Add(901 * time.Second) // both idle past the 900 s timeout
	live, _, _ := adminHTTP(t, e, "admin", "admin123", "")
	if n := count(); n != 1 {
		t.Fatalf("%d sessions stored, want the live one only", n)
	}
	e.clock.Add(100 * time.Second)
	adminHTTP(t, e, "admin", "admin123", "")
	if n := count(); n != 2 {
		t.Fatalf("%d sessions stored, want 2 live ones", n)
	}
	if p := getPage(t, live, e.srv.URL+"/admin/outbox"); p.status != http.StatusOK {
		t.Fatalf("live session after another sign-in: %d", p.status)
	}
}

// TestAdminPageLockoutAndRateLimit: wrong passwords on the page lock the admin (the
// REST token route then refuses too), with the generic message; the sign-in rate
// limit applies per client address.
func TestAdminPageLockoutAndRateLimit(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathThrottleMaxFailures, "0")
	e.admin("admin", "admin123")
	signIn := func(password string) page {
		client, _, _ := adminHTTP(t, e, "admin", "wrong", "") // gets a form token
		u, _ := url.Parse(e.srv.URL + "/admin")
		var tok string
		for _, c := range client.Jar.Cookies(u) {
			if c.Name == "shopauth_admin_login" {
				tok = c.Value
			}
		}
		return postPage(t, client, e.srv.URL+"/admin/login", url.Values{"csrf": {tok}, "username": {"admin"}, "password": {password}})
	}
	for i := 0; i < 3; i++ { // each signIn is two wrong passwords: 6 in all
		if p := signIn("wrong"); p.status != http.StatusUnauthorized || !strings.Contains(p.body, `id="login-error">`+auth.MsgSignInIncorrect+`</p>`) {
			t.Fatalf("wrong password: %d %s", p.status, p.body)
		}
	}
	if p := signIn("admin123"); p.status != http.StatusUnauthorized || !strings.Contains(p.body, auth.MsgSignInIncorrect) {
		t.Fatalf("locked admin, right password: %d %s", p.status, p.body)
	}
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"admin","password":"admin123"}`, ""), 401,
		`{"message":"`+auth.MsgSignInIncorrect+`"}`)
	if ev, _ := e.db.AuditList(context.Background(), dbFilter(0, "admin.locked")); len(ev) != 1 {
		t.Errorf("admin.locked events: %d", len(ev))
	}
	// After the lock (30 min) the right password works again.
	e.clock.Add(31 * time.Minute)
	if _, _, st := adminHTTP(t, e, "admin", "admin123", ""); st != http.StatusSeeOther {
		t.Errorf("after the lock: %d", st)
	}

	e.set(auth.PathSignInRateLimit, "1")
	e.clock.Add(2 * time.Minute)
	signIn("wrong") // the first of this minute is allowed (and is wrong)
	if p := signIn("admin123"); p.status != http.StatusTooManyRequests ||
		!strings.Contains(p.body, "Too many requests from this address. Please wait and try again later.") {
		t.Errorf("over the rate limit: %d %s", p.status, p.body)
	}
}

// TestAdminPageSettingsEveryField fills in the whole form as a browser would (every
// field the page shows), and checks each value is stored and in effect at once.
func TestAdminPageSettingsEveryField(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	p := getPage(t, client, e.srv.URL+"/admin/settings")
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`name="([a-z_]+/[a-z_/]+)"`).FindAllStringSubmatch(p.body, -1) {
		names[m[1]] = true
	}
	// Every setting of SPEC §9 is on the page except the signing key.
	for _, s := range auth.AllSettings() {
		if names[s.Path] == (s.Path == auth.PathCryptKey) {
			t.Errorf("%s on the page: %v", s.Path, names[s.Path])
		}
	}
	want := map[string]string{
		auth.PathCustomerTokenLifetime: "0.5", auth.PathAdminTokenLifetime: "2", auth.PathSessionDisable: "1", auth.PathTokenAlgorithm: "ES256",
		auth.PathLoginAsCustomerEnabled: "0", auth.PathOTCLifetime: "90", auth.PathAssistanceCheckboxTitle: "Let us help",
		auth.PathConfirmRequired: "1", auth.PathLockoutFailures: "5", auth.PathLockoutThreshold: "15",
		auth.PathMinPasswordLength: "12", auth.PathRequiredClasses: "2", auth.PathResetLinkExpiration: "3",
		auth.PathNewsletterActive: "0", auth.PathThrottleMaxFailures: "7", auth.PathThrottleTimeout: "600",
		auth.PathSignInRateLimit: "30", auth.PathResetRateLimit: "5", auth.PathGuestCheckoutLogin: "1", auth.PathTwoFactorEnable: "0",
		auth.PathAdminLockoutFailures: "4", auth.PathAdminLockoutThreshold: "20", auth.PathAdminSessionLifetime: "1200",
		auth.PathSMTPHost: "mail.example.com", auth.PathSMTPPort: "587", auth.PathSMTPUsername: "mailer",
		auth.PathSMTPPassword: "s3cret-pass", auth.PathSMTPSSL: "ssl", auth.PathMailFrom: "shop@example.com", auth.PathStoreName: "Workshop Shop",
		auth.PathBaseURL: "https://shop.example.com/", auth.PathBaseLinkURL: "{{unsecure_base_url}}index.php/",
		auth.PathBaseStaticURL: "https://static.example.com/", auth.PathBaseMediaURL: "{{unsecure_base_url}}pub/media/",
		auth.PathSecureBaseURL: "https://secure.example.com/", auth.PathSecureBaseLinkURL: "{{secure_base_url}}index.php/",
		auth.PathSecureBaseStaticURL: "{{secure_base_url}}pub/static/", auth.PathSecureBaseMediaURL: "https://media.example.com/",
		auth.PathUseStoreInURL: "1", auth.PathLocale: "de_DE", auth.PathTimezone: "Europe/Berlin", auth.PathWeightUnit: "kgs",
		auth.PathBaseCurrency: "EUR", auth.PathDisplayCurrency: "CHF", auth.PathShareCustomerGroup: "0",
		auth.PathNewsletterGuest: "0", auth.PathDefaultCountry: "DE", auth.PathDisplayAllRegions: "0", auth.PathCORSOrigins: "https://shop.example.com,http://localhost:3000",
	}
	if len(want) != len(names) {
		t.Fatalf("the test covers %d fields, the page has %d", len(want), len(names))
	}
	form := url.Values{"csrf": {csrf}}
	for k, v := range want {
		form.Set(k, v)
	}
	saved := postPage(t, client, e.srv.URL+"/admin/settings", form)
	if saved.status != http.StatusSeeOther || !strings.HasPrefix(saved.location, "/admin/settings?changed=") || !strings.HasSuffix(saved.location, "&saved=1") {
		t.Fatalf("save: %d %s %s", saved.status, saved.location, saved.body)
	}
	for k, v := range want {
		if got := e.svc.Settings().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	expect(t, e.gql("", `{storeConfig{customer_access_token_lifetime minimum_password_length}}`, nil), 200,
		`{"data":{"storeConfig":{"customer_access_token_lifetime":0.5,"minimum_password_length":"12"}}}`)
	// The secret is never shown, and an empty field keeps it.
	// The message names each change with the value now in force (the secret by name).
	p = getPage(t, client, e.srv.URL+saved.location)
	if strings.Contains(p.body, "s3cret-pass") || !strings.Contains(p.body, `<p class="flash ok" role="status">Saved. Customer token lifetime (hours): 0.5; Admin token lifetime (hours): 2; GraphQL session cookies: Off;`) ||
		!strings.Contains(p.body, "; SMTP password (empty keeps the stored one): changed;") {
		t.Errorf("settings page after saving: %s", p.body)
	}
	form.Set(auth.PathSMTPPassword, "")
	form.Set(auth.PathStoreName, "Other Shop")
	postPage(t, client, e.srv.URL+"/admin/settings", form)
	if e.svc.Settings().Get(auth.PathSMTPPassword) != "s3cret-pass" || e.svc.Settings().Get(auth.PathStoreName) != "Other Shop" {
		t.Error("an empty password field changed the password, or the store name did not change")
	}
	ev, _ := e.db.AuditList(context.Background(), dbFilter(0, "admin.setting_changed"))
	details := map[string]bool{}
	for _, x := range ev {
		details[x.Detail] = true
		if strings.Contains(x.Detail, "s3cret") {
			t.Errorf("secret in the audit log: %q", x.Detail)
		}
	}
	if !details["system/smtp/password changed"] || !details["oauth/access_token_lifetime/customer = 0.5"] || len(ev) != len(want) { // 26 changed (2FA was off already), then the store name
		t.Errorf("audit: %d events %v", len(ev), details)
	}

	// A bad value: nothing saved, the field marked with the reason.
	form.Set(auth.PathOTCLifetime, "0")
	form.Set(auth.PathCustomerTokenLifetime, "soon")
	form.Set(auth.PathStoreName, "Third Shop")
	p = postPage(t, client, e.srv.URL+"/admin/settings", form)
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `<p class="flash error" role="alert">Nothing was saved: correct the marked fields.</p>`) ||
		!strings.Contains(p.body, `Enter a whole number from 1 to 86400. “0” is not one.</small>`) ||
		!strings.Contains(p.body, `Enter a positive number of hours (at most 87600). “soon” is not one.</small>`) ||
		!strings.Contains(p.body, `value="soon" autofocus inputmode="decimal"`) {
		t.Errorf("bad values: %d %s", p.status, p.body)
	}
	if strings.Count(p.body, " autofocus") != 1 {
		t.Errorf("autofocus on %d fields, want the first to correct only", strings.Count(p.body, " autofocus"))
	}
	if e.svc.Settings().Get(auth.PathStoreName) != "Other Shop" {
		t.Error("a rejected form saved a field")
	}

	// Only a later field wrong: the focus goes to it, not to the page's first field.
	form.Set(auth.PathCustomerTokenLifetime, "1")
	p = postPage(t, client, e.srv.URL+"/admin/settings", form)
	if p.status != http.StatusBadRequest || strings.Count(p.body, " autofocus") != 1 ||
		!regexp.MustCompile(`<input id="f-\d+" name="`+regexp.QuoteMeta(auth.PathOTCLifetime)+`" value="0" autofocus`).MatchString(p.body) {
		t.Errorf("focus is not on the one field to correct: %d %s", p.status, p.body)
	}
}

// TestAdminPageCustomers: search by email or name, paging, locked and unconfirmed
// badges, unlock.
func TestAdminPageCustomers(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathThrottleMaxFailures, "0")
	e.set(auth.PathLockoutFailures, "3")
	e.admin("admin", "admin123")
	locked := e.customer("locked@example.com", "password")
	for i := 0; i < 22; i++ {
		e.customer(fmt.Sprintf("shopper%02d@example.com", i), "password")
	}
	for i := 0; i < 3; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"locked@example.com",password:"nope"){token}}`, nil)
	}
	e.set(auth.PathConfirmRequired, "1")
	r := e.gql("", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"Nora",lastname:"Newman",password:"Passw0rd!x"}){customer{email}}}`, nil)
	if r.status != 200 || strings.Contains(r.body, "errors") {
		t.Fatalf("create: %s", r)
	}
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	list := func(q string) page {
		t.Helper()
		p := getPage(t, client, e.srv.URL+"/admin/customers?"+q)
		if p.status != 200 {
			t.Fatalf("list %s: %d", q, p.status)
		}
		return p
	}
	rowOf := func(body string, id int64) string {
		i := strings.Index(body, fmt.Sprintf(`<tr id="c-%d">`, id))
		if i < 0 {
			return ""
		}
		return body[i : i+strings.Index(body[i:], "</tr>")]
	}
	p := list("q=Nora+Newman")
	if !strings.Contains(p.body, "1 customer matching “Nora Newman”.") || !strings.Contains(p.body, `<span class="badge unconfirmed">unconfirmed</span>`) {
		t.Errorf("search by full name: %s", p.body)
	}
	p = list("q=LOCKED@example")
	row := rowOf(p.body, locked.ID)
	if !strings.Contains(p.body, "1 customer matching") || !strings.Contains(row, `<span class="badge locked" title="Wrong passwords locked the account">locked · 10 min left</span>`) ||
		!strings.Contains(row, fmt.Sprintf(`id="unlock-%d"`, locked.ID)) || strings.Contains(row, "unconfirmed") {
		t.Errorf("search by email, locked badge: %s", row)
	}
	expect(t, e.gql("", `mutation{generateCustomerToken(email:"locked@example.com",password:"password"){token}}`, nil), 401,
		gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
	p = postPage(t, client, e.srv.URL+fmt.Sprintf("/admin/customers/%d/unlock", locked.ID), url.Values{"csrf": {csrf}, "back": {"/admin/customers?q=locked"}, "confirm": {"yes"}})
	if p.status != http.StatusSeeOther || p.location != "/admin/customers?done=unlocked&q=locked" {
		t.Fatalf("unlock: %d %s", p.status, p.location)
	}
	p = list("q=locked&done=unlocked")
	if row := rowOf(p.body, locked.ID); strings.Contains(row, "badge locked") || !strings.Contains(p.body, "Customer unlocked.") {
		t.Errorf("after unlock: %s", p.body)
	}
	e.token("locked@example.com", "password")

	// 24 customers, 20 a page; a page past the end shows the last.
	p = list("page=99")
	if !strings.Contains(p.body, "Page 2 of 2") || !strings.Contains(p.body, `rel="prev"`) || strings.Count(p.body, `<tr id="c-`) != 4 {
		t.Errorf("page 99: %s", p.body)
	}
	if p = list("page=1"); strings.Count(p.body, `<tr id="c-`) != 20 || !strings.Contains(p.body, "24 customers.") {
		t.Errorf("page 1: %s", p.body)
	}
	if p = list("q=nobody-here"); !strings.Contains(p.body, "0 customers matching") || !strings.Contains(p.body, "No customers.") {
		t.Errorf("no match: %s", p.body)
	}
}

// TestAdminPageOneTimeCodeRefused: the page never shows a code that cannot work.
func TestAdminPageOneTimeCodeRefused(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	c := e.customer("customer1@mail.com", "password")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	otc := func(id int64) page {
		return postPage(t, client, e.srv.URL+fmt.Sprintf("/admin/customers/%d/otc", id), url.Values{"csrf": {csrf}, "reason": {"call"}, "back": {"/admin/customers?q=customer1"}})
	}
	if p := otc(c.ID); p.status != http.StatusBadRequest || strings.Contains(p.body, "otc-code") ||
		!strings.Contains(p.body, `<p class="flash error" role="alert">No one-time code was made: Allow remote shopping assistance is disabled for this customer.</p>`) {
		t.Errorf("customer does not allow: %d %s", p.status, p.body)
	}
	postPage(t, client, e.srv.URL+fmt.Sprintf("/admin/customers/%d/assistance", c.ID), url.Values{"csrf": {csrf}, "allow": {"1"}})
	e.set(auth.PathLoginAsCustomerEnabled, "0")
	p := getPage(t, client, e.srv.URL+"/admin/customers")
	if strings.Contains(p.body, fmt.Sprintf(`id="otc-%d"`, c.ID)) || !strings.Contains(p.body, "One-time codes: login as customer is off") {
		t.Errorf("login as customer off, the form is offered: %s", p.body)
	}
	if p := otc(c.ID); p.status != http.StatusBadRequest || strings.Contains(p.body, "otc-code") ||
		!strings.Contains(p.body, "No one-time code was made: Login as Customer is disabled.") {
		t.Errorf("login as customer off: %d %s", p.status, p.body)
	}
	// On again: an unknown customer is told apart (the page lists them all anyway).
	e.set(auth.PathLoginAsCustomerEnabled, "1")
	if p := otc(c.ID + 100); p.status != http.StatusNotFound || p.body != "No such customer.\n" {
		t.Errorf("unknown customer: %d %q", p.status, p.body)
	}
	ev, _ := e.db.AuditList(context.Background(), dbFilter(0, "admin.otc_refused"))
	if len(ev) != 3 {
		t.Errorf("refusals audited: %d", len(ev))
	}
	// The code is shown once, for the customer, and works. The POST redirects (a reload
	// makes no second code); the page it redirects to shows the code, grouped in fours.
	if p = otc(c.ID); p.status != http.StatusSeeOther || p.location != "/admin/customers?done=otc&q=customer1" {
		t.Fatalf("code: %d %s %s", p.status, p.location, p.body)
	}
	p = getPage(t, client, e.srv.URL+p.location)
	m := regexp.MustCompile(`<code class="once" id="otc-code" data-code="([0-9a-f]{32})">([0-9a-f ]{39})</code>`).FindStringSubmatch(p.body)
	if p.status != 200 || m == nil || strings.ReplaceAll(m[2], " ", "") != m[1] ||
		!strings.Contains(p.body, "One-time code for customer #"+fmt.Sprint(c.ID)+" (customer1@mail.com), valid 30 s, shown only now:") {
		t.Fatalf("code: %d %s", p.status, p.body)
	}
	if ev, _ := e.db.AuditList(context.Background(), dbFilter(0, "admin.otc_created")); len(ev) != 1 {
		t.Errorf("codes made: %d", len(ev))
	}
	if p.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the code may be cached: %q", p.header.Get("Cache-Control"))
	}
	r := e.gql("", `mutation{exchangeOtpForCustomerToken(email:"customer1@mail.com",otp:"`+m[1]+`"){token}}`, nil)
	if r.status != 200 || !strings.Contains(r.body, `"token":"`) {
		t.Errorf("exchange: %s", r)
	}
	if p := getPage(t, client, e.srv.URL+"/admin/customers?done=otc&q=customer1"); strings.Contains(p.body, m[1]) ||
		!strings.Contains(p.body, "The one-time code was shown once already, or it expired.") {
		t.Errorf("the code is shown again (a reload): %s", p.body)
	}
}

// TestAdminPageAuditFilters: by customer (id or email), admin (id or user name), event.
func TestAdminPageAuditFilters(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	a := e.admin("admin", "admin123")
	e.admin("other", "other123")
	c1 := e.customer("one@example.com", "password")
	c2 := e.customer("two@example.com", "password")
	e.token("one@example.com", "password")
	e.token("two@example.com", "password")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	postPage(t, client, e.srv.URL+fmt.Sprintf("/admin/customers/%d/signout", c2.ID), url.Values{"csrf": {csrf}, "confirm": {"yes"}})
	rows := func(q string) (int, string) {
		p := getPage(t, client, e.srv.URL+"/admin/audit?"+q)
		if p.status != 200 {
			t.Fatalf("audit %s: %d", q, p.status)
		}
		body := p.body[strings.Index(p.body, "<tbody>"):]
		return strings.Count(body, "<tr><td data-label="), p.body
	}
	for _, tc := range []struct {
		q    string
		want int
	}{
		{"customer=" + fmt.Sprint(c1.ID), 2}, // customer.created, customer.signin
		{"customer=two%40example.com", 3},    // and admin.customer_signed_out
		{"customer=two%40example.com&event=customer.signin", 1},
		{"admin=admin", 3}, // admin.created, admin.page_signin, admin.customer_signed_out
		{"admin=" + fmt.Sprint(a.ID) + "&event=admin.customer_signed_out", 1},
		{"admin=other", 1}, // admin.created
		{"event=customer.signin", 2},
		{"event=admin.page_signin&customer=" + fmt.Sprint(c1.ID), 0},
	} {
		if n, body := rows(tc.q); n != tc.want {
			t.Errorf("%s: %d rows, want %d\n%s", tc.q, n, tc.want, body)
		}
	}
	for q, msg := range map[string]string{
		"customer=nobody%40example.com": `Nothing to show: no customer &#34;nobody@example.com&#34;.`,
		"admin=ghost":                   `Nothing to show: no admin &#34;ghost&#34;.`,
	} {
		n, body := rows(q)
		if n != 0 || !strings.Contains(body, `<p class="flash error" role="alert">`+msg+`</p>`) {
			t.Errorf("%s: %d rows\n%s", q, n, body)
		}
	}
}

// TestPagesSecurityHeaders: every answer, page or not, signed in or not, carries them.
func TestPagesSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	client, _, _ := adminHTTP(t, e, "admin", "admin123", "")
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
	for _, path := range []string{"/", "/walkthrough", "/admin", "/admin/customers", "/admin/settings", "/admin/outbox",
		"/admin/audit", "/static/style.css", "/static/walkthrough.js", "/graphql", "/nope", "/healthz", "/rest/V1/nope"} {
		p := getPage(t, client, e.srv.URL+path)
		for h, want := range map[string]string{"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
			if got := p.header.Get(h); got != want {
				t.Errorf("%s %s: %q", path, h, got)
			}
		}
		if p.status == 200 && strings.HasPrefix(p.header.Get("Content-Type"), "text/html") && p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, p.header.Get("Cache-Control"))
		}
	}
}

// TestPagesSelfContained: no inline script, no inline style or event handler (the
// CSP would block them), and nothing loaded from another host (workshops are offline).
func TestPagesSelfContained(t *testing.T) {
	assets := os.DirFS("..")
	scriptTag := regexp.MustCompile(`(?is)<script\b[^>]*>(.*?)</script>`)
	markup := []*regexp.Regexp{
		regexp.MustCompile(`(?i)\son[a-z]+\s*=`), // onclick= …
		regexp.MustCompile(`(?i)\sstyle\s*=`),    // style attributes
		regexp.MustCompile(`(?i)<style`),         // style elements
	}
	remote := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9-]+(\.[a-z0-9-]+)+[/"')]|@import`)
	n := 0
	for _, dir := range []string{"web/templates", "web/static"} {
		fs.WalkDir(assets, dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path == "web/static/vendor" {
					// Built npm packages (GraphiQL, React): their strings name the web
					// sites of their docs; what they may load is the CSP's to say, and
					// TestExplorerBrowser fails on anything it refuses.
					return fs.SkipDir
				}
				return nil
			}
			b, _ := fs.ReadFile(assets, path)
			n++
			if m := remote.Find(b); m != nil {
				t.Errorf("%s loads from elsewhere: %q", path, m)
			}
			if !strings.HasSuffix(path, ".html") {
				return nil
			}
			for _, m := range scriptTag.FindAllSubmatch(b, -1) {
				if !strings.Contains(string(m[0]), " src=") || strings.TrimSpace(string(m[1])) != "" {
					t.Errorf("%s: inline script %q", path, m[0])
				}
			}
			for _, re := range markup {
				if m := re.Find(b); m != nil {
					t.Errorf("%s: %q", path, m)
				}
			}
			return nil
		})
	}
	if n < 10 {
		t.Fatalf("only %d files checked", n)
	}
}

// TestAdminPageAuditEventsListed: the audit log's event filter offers every event
// that auth records.
func TestAdminPageAuditEventsListed(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	client, _, _ := adminHTTP(t, e, "admin", "admin123", "")
	body := getPage(t, client, e.srv.URL+"/admin/audit").body
	files, _ := fs.Glob(os.DirFS("../auth"), "*.go")
	ev := regexp.MustCompile(`"((?:admin|customer)\.[a-z_]+)"`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile("../auth/" + f)
		for _, m := range ev.FindAllStringSubmatch(string(src), -1) {
			seen++
			if !strings.Contains(body, "<option>"+m[1]+"</option>") {
				t.Errorf("event %s (auth/%s) is not in the filter", m[1], f)
			}
		}
	}
	if seen < 25 {
		t.Fatalf("found only %d events in auth/", seen)
	}
}

// TestAdminPageCookiesBehindTLS: behind a trusted TLS-terminating proxy the admin
// cookies are Secure too.
func TestAdminPageCookiesBehindTLS(t *testing.T) {
	e := newEnvWith(t, func(c *web.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	r := e.do("GET", "/admin", "", "", map[string]string{"X-Forwarded-Proto": "https"})
	if got := r.header.Get("Set-Cookie"); !strings.HasSuffix(got, "; HttpOnly; Secure; SameSite=Strict") {
		t.Errorf("behind TLS: %q", got)
	}
	// From a peer that is not a trusted proxy the header means nothing.
	e2 := newEnv(t)
	r = e2.do("GET", "/admin", "", "", map[string]string{"X-Forwarded-Proto": "https"})
	if got := r.header.Get("Set-Cookie"); strings.Contains(got, "Secure") {
		t.Errorf("untrusted X-Forwarded-Proto: %q", got)
	}
}

// TestAdminPageEscapes: what customers and admins type is shown as text.
func TestAdminPageEscapes(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	c := &auth.Customer{Email: "x@example.com", Firstname: `<img src=x onerror=alert(1)>`, Lastname: `"><script>alert(2)</script>`, AllowAssistance: true}
	if err := e.svc.CreateCustomerDirect(context.Background(), c, "password", true); err != nil {
		t.Fatal(err)
	}
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	postPage(t, client, e.srv.URL+fmt.Sprintf("/admin/customers/%d/otc", c.ID), url.Values{"csrf": {csrf}, "reason": {`<b onmouseover=alert(3)>hi</b>`}})
	p := getPage(t, client, e.srv.URL+"/admin/customers?done=otc")
	for _, page := range []string{p.body, getPage(t, client, e.srv.URL+"/admin/customers").body, getPage(t, client, e.srv.URL+"/admin/audit").body,
		getPage(t, client, e.srv.URL+"/admin/customers?q=%3Cscript%3E").body} {
		if strings.Contains(page, "<img src=x") || strings.Contains(page, "<script>alert") || strings.Contains(page, "<b onmouseover") {
			t.Errorf("unescaped input:\n%s", page)
		}
	}
	if !strings.Contains(p.body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the name is not shown: %s", p.body)
	}
	if p := getPage(t, noRedirect(), e.srv.URL+"/admin/login"); p.status != http.StatusSeeOther || p.location != "/admin" {
		t.Errorf("GET /admin/login: %d %s", p.status, p.location)
	}
}
