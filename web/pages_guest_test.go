package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shopauth/auth"
	"shopauth/web"
)

// TestStartPageShowsGuestsNoInternals (issue 14 item 6): the public start page names no
// database path, mail relay or security setting; a signed-in admin finds them on
// /admin/overview, which a guest is sent away from.
func TestStartPageShowsGuestsNoInternals(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSMTPHost, "relay.internal.example")
	e.set(auth.PathLockoutFailures, "7")
	r := e.do("GET", "/", "", "", nil)
	if r.status != 200 || !strings.Contains(r.body, "shopauth is running") {
		t.Fatalf("start page: %d %s", r.status, r.body)
	}
	for _, secret := range []string{e.path, "shopauth.db", "relay.internal.example", "Database", "lockout", "Lockout",
		"wrong passwords", "two-factor", "idle timeout", "token lifetime", "Login as customer", "Email confirmation", "Session cookies"} {
		if strings.Contains(r.body, secret) {
			t.Errorf("a guest sees %q on /", secret)
		}
	}
	if p := getPage(t, noRedirect(), e.srv.URL+"/admin/overview"); p.status != 303 || p.location != "/admin?next=%2Fadmin%2Foverview" {
		t.Errorf("guest on /admin/overview: %d %s", p.status, p.location)
	}

	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	client, _, _ := adminHTTP(t, e, "admin", "admin123", "")
	p := getPage(t, client, e.srv.URL+"/admin/overview")
	for _, want := range []string{"<dt>Database</dt><dd><code>" + e.path + "</code></dd>",
		"sent through <code>relay.internal.example:25</code>",
		`<dd id="throttle">after 6 failed sign-ins for one email, further sign-ins for it are refused for 30 min</dd>`,
		`<dd id="lockout">after 7 wrong passwords within 10 min, the account is locked for 10 min</dd>`,
		"<dt>Admin two-factor authentication</dt><dd>off</dd>", "<dt>Admin page idle timeout</dt><dd>15 min</dd>",
		`<a href="/admin/overview" aria-current="page">Overview</a>`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
}

// TestAdminOutboxShowsNoSecrets (issue 14 item 7): the outbox page says that a mail was
// queued, to whom, with which template and in which state, never the reset token,
// confirmation key or 2FA setup link it carries (with a reset token an admin could
// sign in as the customer without consent and without an impersonation entry).
func TestAdminOutboxShowsNoSecrets(t *testing.T) {
	e := newEnv(t)
	e.admin("fresh", "fresh123") // 2FA on, no TOTP yet: asking for a token mails a setup link
	e.rest("/rest/V1/integration/admin/token", `{"username":"fresh","password":"fresh123"}`, "")
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	if r := e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil); r.status != 200 {
		t.Fatalf("reset: %s", r)
	}
	e.set(auth.PathConfirmRequired, "1")
	if r := e.gql("", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"Nora",lastname:"Newman",password:"Passw0rd!x"}){customer{email}}}`, nil); r.status != 200 {
		t.Fatalf("create: %s", r)
	}
	mails := e.outbox()
	secrets := map[string]string{}
	for _, m := range mails {
		for _, k := range []string{"token", "confirmation_key", "url"} {
			if v := m.Vars[k]; v != "" {
				secrets[m.Template+"."+k] = v
			}
		}
	}
	if len(secrets) != 3 {
		t.Fatalf("want a reset token, a confirmation key and a setup link in the outbox, got %v", secrets)
	}
	client, _, _ := adminHTTP(t, e, "admin", "admin123", "")
	p := getPage(t, client, e.srv.URL+"/admin/outbox")
	if p.status != 200 {
		t.Fatalf("outbox: %d", p.status)
	}
	for name, v := range secrets {
		if strings.Contains(p.body, v) {
			t.Errorf("the outbox page shows %s (%s)", name, v)
		}
	}
	if strings.Contains(p.body, "tfa/setup") || strings.Contains(p.body, "confirmation_key") || strings.Contains(p.body, "token=") {
		t.Errorf("the outbox page names a secret's variable:\n%s", p.body)
	}
	// What it does show: to whom, the template, the state.
	for _, want := range []string{"<td data-label=\"To\">customer@example.com</td>", "<small>(password_reset)</small>",
		"<td data-label=\"To\">new@example.com</td>", "<small>(account_confirmation)</small>", "<small>(tfa_setup)</small>",
		"<td data-label=\"State\">queued</td>"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("outbox lacks %s\n%s", want, p.body)
		}
	}
}

// TestStartPageDemoAndNotFound (issue 16 item 8): with --demo the start page names the
// demo sign-ins (passwords behind a disclosure); on a phone the "where to go" links
// come first; an unknown URL opened in a browser gets a page with links, while other
// clients keep Go's plain 404.
func TestStartPageDemoAndNotFound(t *testing.T) {
	plain := newEnv(t)
	if r := plain.do("GET", "/", "", "", nil); strings.Contains(r.body, "demo-signins") {
		t.Error("demo sign-ins without --demo")
	}
	e := newEnvWith(t, func(c *web.Config) {
		c.Demo = []web.DemoSignIn{{Kind: "Customer", Login: "customer@example.com", Password: "password", Note: "the walk-through's default"},
			{Kind: "Admin", Login: "admin", Password: "admin123"}}
	})
	r := e.do("GET", "/", "", "", nil)
	for _, want := range []string{`<td data-label="Sign in with"><code>customer@example.com</code></td><td data-label="Note">the walk-through&#39;s default</td>`,
		`<details id="demo-passwords"><summary>Show the demo passwords</summary>`, `<li><code>admin</code>: <code>admin123</code></li>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("start page lacks %s", want)
		}
	}
	html := map[string]string{"Accept": "text/html"}
	nf := e.do("GET", "/no/such/page", "", "", html)
	if nf.status != 404 || !strings.HasPrefix(nf.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(nf.body, `<p id="notfound">shopauth serves nothing at <code>/no/such/page</code>.</p>`) {
		t.Errorf("not found page: %d %s", nf.status, nf.body)
	}
	expect(t, e.do("GET", "/no/such/page", "", "", nil), 404, "404 page not found")
	expect(t, e.do("GET", "/rest/V1/nope", "", "", html), 404, `{"message":"Request does not match any route."}`)

	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	// On a phone the links are above the facts; on a desktop beside them.
	order := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const l = document.querySelector(".start-links").getBoundingClientRect(), a = document.querySelector(".start-about").getBoundingClientRect();
			return l.top < a.top ? "links above" : l.left > a.left && Math.abs(l.top - a.top) < 2 ? "links beside" : "links below";
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if o := order(); o != "links beside" {
		t.Errorf("desktop: %s", o)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	if o := order(); o != "links above" {
		t.Errorf("phone: %s", o)
	}
	screenshot(t, ctx, "start-demo")
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/no/such/page"), chromedp.WaitVisible(chromedp.ID("notfound"))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "notfound")
}
