package web_test

import (
	"strings"
	"testing"

	"shopauth/auth"
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
	if p := getPage(t, noRedirect(), e.srv.URL+"/admin/overview"); p.status != 303 || p.location != "/admin" {
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
