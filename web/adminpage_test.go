package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// adminHTTP signs in to the admin page with a cookie-keeping client and returns it
// with the session's CSRF token.
func adminHTTP(t *testing.T, e *env, username, password, otp string) (*http.Client, string, int) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(e.srv.URL + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRE.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("no login form token: %s", body)
	}
	res, err = c.PostForm(e.srv.URL+"/admin/login", url.Values{"csrf": {m[1]}, "username": {username}, "password": {password}, "otp": {otp}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return c, "", res.StatusCode
	}
	res, err = c.Get(e.srv.URL + "/admin/customers")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	m = csrfRE.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("no session token: %d %s", res.StatusCode, body)
	}
	return c, m[1], http.StatusSeeOther
}

func TestAdminPageHTTP(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	c := e.customer("customer@example.com", "password")
	if _, _, status := adminHTTP(t, e, "admin", "wrong", ""); status != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", status)
	}
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	post := func(path string, form url.Values) *http.Response {
		res, err := client.PostForm(e.srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	tok := e.token("customer@example.com", "password")
	// CSRF: a form without the session's token changes nothing.
	for _, form := range []url.Values{{}, {"csrf": {"0000"}}, {"csrf": {strings.Repeat("a", len(csrf))}}} {
		if res := post(fmt.Sprintf("/admin/customers/%d/signout", c.ID), form); res.StatusCode != http.StatusForbidden {
			t.Errorf("form %v: %d", form, res.StatusCode)
		}
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	// With the token: sign out everywhere.
	if res := post(fmt.Sprintf("/admin/customers/%d/signout", c.ID), url.Values{"csrf": {csrf}, "confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther ||
		!strings.Contains(res.Header.Get("Location"), "done=signedout") {
		t.Fatalf("signout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
	// The session cookie's flags.
	u, _ := url.Parse(e.srv.URL + "/admin")
	if len(client.Jar.Cookies(u)) == 0 {
		t.Fatal("no admin cookie")
	}
	// Settings validation: a bad value saves nothing.
	form := url.Values{"csrf": {csrf}}
	for _, f := range []string{auth.PathCustomerTokenLifetime, auth.PathAdminTokenLifetime} {
		form.Set(f, "-1")
	}
	res, err := client.PostForm(e.srv.URL+"/admin/settings", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Nothing was saved") {
		t.Errorf("bad settings: %d", res.StatusCode)
	}
	if e.svc.Settings().Get(auth.PathCustomerTokenLifetime) != "1" {
		t.Error("a rejected form changed a setting")
	}
	// Idle timeout: admin/security/session_lifetime (900 s).
	e.clock.Add(901 * time.Second)
	res, _ = client.Get(e.srv.URL + "/admin/customers")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin?expired=1&next=%2Fadmin%2Fcustomers" {
		t.Errorf("after idle timeout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The admin lockout applies to the page too.
	e.set(auth.PathThrottleMaxFailures, "0")
	for i := 0; i < 6; i++ {
		adminHTTP(t, e, "admin", "wrong", "")
	}
	if _, _, status := adminHTTP(t, e, "admin", "admin123", ""); status != http.StatusUnauthorized {
		t.Errorf("locked admin signed in: %d", status)
	}
	// Security headers on admin pages.
	r := e.do("GET", "/admin", "", "", nil)
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || r.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers %v", r.header)
	}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %s flags: %+v", c.Name, c)
		}
	}
}

func TestAdminPageTwoFactor(t *testing.T) {
	e := newEnv(t)
	e.admin("admin", "admin123")
	if _, _, status := adminHTTP(t, e, "admin", "admin123", ""); status != http.StatusBadRequest {
		t.Errorf("2FA on, not set up: %d", status)
	}
	a, _ := e.svc.SetupTOTP(context.Background(), "admin")
	if _, _, status := adminHTTP(t, e, "admin", "admin123", "000000"); status != http.StatusUnauthorized {
		t.Errorf("wrong code: %d", status)
	}
	code, _ := auth.TOTPCode(a.TOTPSecret, e.clock.Now())
	if _, csrf, status := adminHTTP(t, e, "admin", "admin123", code); status != http.StatusSeeOther || csrf == "" {
		t.Errorf("right code: %d", status)
	}
	// A code works once.
	if _, _, status := adminHTTP(t, e, "admin", "admin123", code); status != http.StatusUnauthorized {
		t.Errorf("the same code again: %d", status)
	}
	// The sign-in form asks for the code only while 2FA is on.
	if r := e.do("GET", "/admin", "", "", nil); !strings.Contains(r.body, `<input id="otp" name="otp"`) {
		t.Error("2FA on: no code field")
	}
	e.set(auth.PathTwoFactorEnable, "0")
	if r := e.do("GET", "/admin", "", "", nil); strings.Contains(r.body, `id="otp"`) {
		t.Error("2FA off: a code field")
	}
}

func TestAdminPageBrowser(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	helped := e.customer("customer1@mail.com", "password")
	for i := 0; i < 25; i++ {
		e.customer(fmt.Sprintf("shopper%02d@example.com", i), "password")
	}
	ctx := browser(t)
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	run(chromedp.Navigate(e.srv.URL+"/admin"), chromedp.WaitVisible(chromedp.ID("username")))
	screenshot(t, ctx, "admin-login")
	run(chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), "admin123"))
	run(chromedp.Click(chromedp.ID("signin")))
	run(chromedp.WaitVisible(chromedp.ID("customers")))
	screenshot(t, ctx, "admin-customers")

	// Change a lifetime and see storeConfig report it.
	run(chromedp.Navigate(e.srv.URL+"/admin/settings"), chromedp.WaitVisible(chromedp.ID("save")), chromedp.SetValue(chromedp.ID("f-0"), "2.5"))
	run(chromedp.Click(chromedp.ID("save")))
	run(chromedp.WaitVisible(chromedp.CSS("p.flash.ok")))
	if err := waitText(ctx, "main", "Saved. Customer token lifetime (hours): 2.5."); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "admin-settings")
	expect(t, e.gql("", `{storeConfig{customer_access_token_lifetime}}`, nil), 200, `{"data":{"storeConfig":{"customer_access_token_lifetime":2.5}}}`)

	// Toggle assistance and see generateCustomerTokenAsAdmin follow.
	adminTok := e.adminToken("admin", "admin123")
	asAdmin := `mutation{generateCustomerTokenAsAdmin(input:{customer_email:"customer1@mail.com"}){customer_token}}`
	expect(t, e.gql(adminTok, asAdmin, nil), 403, gqlErr(auth.MsgAssistanceDisabled, "graphql-authorization", 10, "generateCustomerTokenAsAdmin"))
	run(chromedp.Navigate(e.srv.URL+"/admin/customers?q=customer1"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("allow-%d", helped.ID))))
	run(chromedp.Click(chromedp.ID(fmt.Sprintf("allow-%d", helped.ID))))
	run(chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("deny-%d", helped.ID))))
	if r := e.gql(adminTok, asAdmin, nil); r.status != 200 || !strings.Contains(r.body, "customer_token") {
		t.Fatalf("after allowing: %s", r)
	}

	// Create a one-time code (shown once) and exchange it.
	run(chromedp.SendKeys(chromedp.ID(fmt.Sprintf("reason-%d", helped.ID)), "Phone call, order 42"))
	run(chromedp.Click(chromedp.ID(fmt.Sprintf("otc-%d", helped.ID))))
	run(chromedp.WaitVisible(chromedp.ID("otc-code")))
	code, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("otc-code").dataset.code`))
	if err != nil || len(code) != 32 {
		t.Fatalf("code %q %v", code, err)
	}
	if err := waitText(ctx, "otc-left", "Valid for "); err != nil {
		t.Error(err)
	}
	screenshot(t, ctx, "admin-otc")
	r := e.gql("", `mutation{exchangeOtpForCustomerToken(email:"customer1@mail.com",otp:"`+code+`"){token}}`, nil)
	var out struct {
		Data struct{ ExchangeOtpForCustomerToken struct{ Token string } }
	}
	json.Unmarshal([]byte(r.body), &out)
	if r.status != 200 || claimsOf(t, out.Data.ExchangeOtpForCustomerToken.Token)["admin_id"] == nil {
		t.Fatalf("exchange: %s", r)
	}
	// Deny again: login as customer stops.
	run(chromedp.Click(chromedp.ID(fmt.Sprintf("deny-%d", helped.ID))))
	run(chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("allow-%d", helped.ID))))
	expect(t, e.gql(adminTok, asAdmin, nil), 403, gqlErr(auth.MsgAssistanceDisabled, "graphql-authorization", 10, "generateCustomerTokenAsAdmin"))

	// Search and paging.
	run(chromedp.Navigate(e.srv.URL+"/admin/customers"), chromedp.WaitVisible(chromedp.CSS(`a[rel="next"]`)))
	run(chromedp.Click(chromedp.CSS(`a[rel="next"]`)))
	run(chromedp.WaitVisible(chromedp.CSS(`a[rel="prev"]`)))
	if err := waitText(ctx, "main", "Page 2 of 2"); err != nil {
		t.Fatal(err)
	}

	// Outbox and audit log.
	e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil)
	run(chromedp.Navigate(e.srv.URL+"/admin/outbox"), chromedp.WaitVisible(chromedp.ID("outbox")))
	if err := waitText(ctx, "outbox", "password_reset"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "admin-outbox")
	run(chromedp.Navigate(e.srv.URL+"/admin/audit?event=admin.otc_created"), chromedp.WaitVisible(chromedp.ID("audit")))
	if err := waitText(ctx, "audit", "Phone call, order 42"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "admin-audit")

	// CSRF: a form whose token is not the session's is refused and changes nothing.
	tok := e.token("customer@example.com", "password")
	run(chromedp.Navigate(e.srv.URL+"/admin/customers?q=customer%40example.com"), chromedp.WaitVisible(chromedp.CSS(`button.danger`)))
	run(chromedp.SetValue(chromedp.CSS(`form[action$="/signout"] input[name="csrf"]`), "forged"), chromedp.Click(chromedp.CSS(`button.danger`)))
	// Sign out everywhere asks first (issue 16 item 12): the first press only asks.
	run(chromedp.WaitVisible(chromedp.CSS(`form[action$="/signout"] .confirm-note`)))
	if b, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`button.danger`))); b != "Yes, sign out everywhere" {
		t.Errorf("confirm button %q", b)
	}
	screenshot(t, ctx, "admin-confirm")
	run(chromedp.Click(chromedp.CSS(`button.danger`)))
	run(chromedp.WaitVisible(chromedp.CSS(`body > pre`))) // Chromium shows a text/plain answer in a pre
	if msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body > pre`))); err != nil || msg != "Invalid or missing form token. Reload the page and try again.\n" {
		t.Fatalf("forged form: %q %v", msg, err)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)

	// The session times out after admin/security/session_lifetime of idleness.
	e.clock.Add(901 * time.Second)
	run(chromedp.Navigate(e.srv.URL+"/admin/settings"), chromedp.WaitVisible(chromedp.ID("expired")))
}
