package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"shopauth/auth"
)

// Issue 16 item 14: what a shop owner does to customers and admin users on the admin
// page, end to end over the real server and a temp database.

// wantIn fails unless the page's body has msg as the template writes it (HTML-escaped).
func wantIn(t *testing.T, p page, status int, msgs ...string) {
	t.Helper()
	if p.status != status {
		t.Errorf("status %d, want %d", p.status, status)
	}
	for _, m := range msgs {
		if !strings.Contains(p.body, html.EscapeString(m)) {
			t.Errorf("page lacks %q:\n%s", m, p.body)
		}
	}
}

// lastAudit is the newest audit event of a name (nil when none).
func lastAudit(t *testing.T, e *env, customerID int64, event string) *auth.AuditEvent {
	t.Helper()
	ev, err := e.db.AuditList(context.Background(), dbFilter(customerID, event))
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) == 0 {
		return nil
	}
	return &ev[0]
}

func TestAdminPageCreateCustomer(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("taken@example.com", "password")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	u := e.srv.URL + "/admin/customers/new"
	wantIn(t, getPage(t, client, u), 200, "New customer", "At least 8 characters with 3 kinds of character")
	form := func(kv ...string) url.Values {
		v := url.Values{"csrf": {csrf}, "firstname": {"Jane"}, "lastname": {"Doe"}, "email": {"jane@example.com"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	for _, c := range []struct {
		form url.Values
		msg  string
	}{
		{form("firstname", " "), auth.MsgFirstNameRequired},
		{form("lastname", ""), `"Last Name" is a required value.`},
		{form("email", "jane@"), `"jane@" is not a valid email address.`},
		{form("email", "taken@example.com"), `A customer with the same email address (taken@example.com) already exists in an associated website.`},
		{form("password", "short"), `The password needs at least 8 characters. Create a new password and try again.`},
	} {
		p := postPage(t, client, u, c.form)
		wantIn(t, p, 400, "No customer was created: "+c.msg)
		// What was typed stays in the form, but never the password.
		if !strings.Contains(p.body, `value="Doe"`) && c.form.Get("lastname") != "" {
			t.Errorf("%s: the form lost its values", c.msg)
		}
		if strings.Contains(p.body, `value="short"`) {
			t.Error("the password came back in the form")
		}
	}
	// CSRF: refused, nothing made.
	if p := postPage(t, client, u, url.Values{"firstname": {"Jane"}, "lastname": {"Doe"}, "email": {"jane@example.com"}}); p.status != 403 {
		t.Errorf("without the form token: %d", p.status)
	}
	if _, err := e.db.CustomerByEmail(context.Background(), "jane@example.com"); err == nil {
		t.Fatal("a refused form made a customer")
	}
	p := postPage(t, client, u, form("mailreset", "1"))
	c, err := e.db.CustomerByEmail(context.Background(), "jane@example.com")
	if err != nil || p.status != 303 || p.location != fmt.Sprintf("/admin/customers/%d?done=created", c.ID) {
		t.Fatalf("create: %d %s %v", p.status, p.location, err)
	}
	wantIn(t, getPage(t, client, e.srv.URL+p.location), 200, "Customer created.", "Jane Doe", "jane@example.com")
	if a := lastAudit(t, e, c.ID, "admin.customer_created"); a == nil || a.AdminID != 1 || a.Username != "admin" {
		t.Errorf("audit: %+v", a)
	}
	// The customer chooses a password with the mailed link; the admin never saw it.
	tok := e.lastMailVar("password_reset", "token")
	r := e.gql("", `mutation($t:String!){resetPassword(email:"jane@example.com",resetPasswordToken:$t,newPassword:"N3w-passw0rd")}`, map[string]any{"t": tok})
	expect(t, r, 200, `{"data":{"resetPassword":true}}`)
	e.token("jane@example.com", "N3w-passw0rd")
	// With a password given, it is the account's.
	p = postPage(t, client, u, form("email", "joe@example.com", "password", "Str0ng-pass"))
	if p.status != 303 {
		t.Fatalf("create with a password: %d %s", p.status, p.body)
	}
	e.token("joe@example.com", "Str0ng-pass")
}

func TestAdminPageEditCustomer(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("other@example.com", "password")
	e.set(auth.PathConfirmRequired, "1")
	c := e.customer("old@example.com", "password")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	page := fmt.Sprintf("%s/admin/customers/%d", e.srv.URL, c.ID)
	edit := page + "/edit"
	wantIn(t, getPage(t, client, page), 200, "waiting", "Mark the account confirmed", "not locked", "not held", "never: every unexpired token works")
	oldKey := e.lastMailVar("account_confirmation", "confirmation_key")
	// A reset link mailed to the old address.
	if p := postPage(t, client, page+"/resetmail", url.Values{"csrf": {csrf}, "back": {"/admin/customers/" + fmt.Sprint(c.ID)}}); p.status != 303 ||
		p.location != fmt.Sprintf("/admin/customers/%d?done=resetmailed", c.ID) {
		t.Fatalf("reset mail: %d %s", p.status, p.location)
	}
	resetTok := e.lastMailVar("password_reset", "token")

	form := func(kv ...string) url.Values {
		v := url.Values{"csrf": {csrf}, "firstname": {"John"}, "lastname": {"Smith"}, "email": {"old@example.com"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	for _, x := range []struct {
		form url.Values
		msg  string
	}{
		{form("firstname", ""), auth.MsgMissingFirstName},
		{form("lastname", " "), auth.MsgMissingLastName},
		{form("email", "not-an-email"), `"not-an-email" is not a valid email address.`},
		{form("email", "OTHER@example.com", "firstname", "Jim"), auth.MsgEmailExistsNoAddress},
	} {
		wantIn(t, postPage(t, client, edit, x.form), 400, "Nothing was saved: "+x.msg)
	}
	if got, _ := e.db.CustomerByID(context.Background(), c.ID); got.Firstname != "John" || got.Email != "old@example.com" {
		t.Fatalf("a refused edit saved: %+v", got)
	}
	if p := postPage(t, client, edit, url.Values{"firstname": {"X"}, "lastname": {"Y"}, "email": {"old@example.com"}}); p.status != 403 {
		t.Errorf("without the form token: %d", p.status)
	}
	p := postPage(t, client, edit, form())
	if p.status != 303 || p.location != fmt.Sprintf("/admin/customers/%d?done=nothing", c.ID) {
		t.Errorf("no change: %d %s", p.status, p.location)
	}
	wantIn(t, getPage(t, client, e.srv.URL+p.location), 200, auth.MsgNothingChanged)

	// Names and email at once: the email goes the way updateCustomer's does.
	p = postPage(t, client, edit, form("firstname", "Johnny", "lastname", "Smyth", "email", "new@example.com"))
	if p.status != 303 {
		t.Fatalf("edit: %d %s", p.status, p.body)
	}
	wantIn(t, getPage(t, client, e.srv.URL+p.location), 200, "Saved: email, first name, last name.", "Johnny Smyth", "new@example.com")
	got, _ := e.db.CustomerByID(context.Background(), c.ID)
	if got.Email != "new@example.com" || got.Firstname != "Johnny" || got.Lastname != "Smyth" || got.Confirmation == "" || got.Confirmation == oldKey {
		t.Fatalf("after edit: %+v (old key %s)", got, oldKey)
	}
	expect(t, e.gql("", `mutation($t:String!){resetPassword(email:"new@example.com",resetPasswordToken:$t,newPassword:"N3w-passw0rd")}`, map[string]any{"t": resetTok}),
		200, gqlErr(auth.MsgCannotSetPassword, "graphql-input", 22, "resetPassword"))
	expect(t, e.gql("", `mutation($k:String!){confirmEmail(input:{email:"new@example.com",confirmation_key:$k}){customer{email}}}`, map[string]any{"k": oldKey}),
		200, gqlErr(auth.MsgConfirmKeyInvalid, "graphql-input", 22, "confirmEmail"))
	if m := e.outbox(); m[len(m)-1].Template != "email_changed" || m[len(m)-1].To != "old@example.com" {
		t.Errorf("no notice to the old address: %+v", m[len(m)-1])
	}
	if a := lastAudit(t, e, c.ID, "customer.email_changed"); a == nil || a.AdminID != 1 || a.Detail != "from old@example.com" {
		t.Errorf("email audit: %+v", a)
	}
	if a := lastAudit(t, e, c.ID, "admin.customer_updated"); a == nil || a.AdminID != 1 || a.Detail != "changed email, first name, last name" {
		t.Errorf("edit audit: %+v", a)
	}
	// Confirmed by the admin: the account signs in.
	p = postPage(t, client, edit, form("firstname", "Johnny", "lastname", "Smyth", "email", "new@example.com", "confirmed", "1"))
	wantIn(t, getPage(t, client, e.srv.URL+p.location), 200, "Saved: confirmed.", "confirmed, or never needed")
	e.token("new@example.com", "password")
	if a := lastAudit(t, e, c.ID, "admin.customer_confirmed"); a == nil || a.AdminID != 1 {
		t.Errorf("confirm audit: %+v", a)
	}
	// A hand-made "changed" shows no text of its own.
	if p := getPage(t, client, page+"?done=saved&changed=you+were+hacked"); strings.Contains(p.body, "hacked") {
		t.Error("the flash shows text from the URL")
	}
	if p := getPage(t, client, e.srv.URL+"/admin/customers/999"); p.status != 404 {
		t.Errorf("unknown customer: %d", p.status)
	}
}

// TestAdminPageCustomerState: the customer's page shows the account lock, the sign-in
// throttle and the revoked-before time, with the history; Unlock clears both holds;
// Sign out everywhere asks first, also without JavaScript; a refused reset mail says why.
func TestAdminPageCustomerState(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathThrottleMaxFailures, "3")
	e.admin("admin", "admin123")
	c := e.customer("held@example.com", "password")
	tok := e.token("held@example.com", "password")
	for i := 0; i < 3; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"held@example.com",password:"wrong"){token}}`, nil)
	}
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	page := fmt.Sprintf("%s/admin/customers/%d", e.srv.URL, c.ID)
	p := getPage(t, client, page)
	until := e.clock.Now().Add(1800 * time.Second).UTC().Format("2006-01-02 15:04:05 UTC")
	wantIn(t, p, 200, "token requests for this email are refused until "+until+" (30 min from now)", "customer.signin_failed", "customer.signin")
	if !strings.Contains(p.body, `id="unlock"`) {
		t.Error("no Unlock while throttled")
	}
	// Sign out everywhere without confirm=1: a page that asks, nothing revoked.
	form := url.Values{"csrf": {csrf}, "back": {fmt.Sprintf("/admin/customers/%d", c.ID)}}
	p = postPage(t, client, page+"/signout", form)
	wantIn(t, p, 200, "Sign this customer out everywhere?", fmt.Sprintf("John Smith, held@example.com (#%d)", c.ID), "Yes, sign out everywhere")
	for _, want := range []string{`<input type="hidden" name="confirm" value="yes">`, `<input type="hidden" name="back" value="/admin/customers/` + fmt.Sprint(c.ID) + `">`,
		`<a href="/admin/customers/` + fmt.Sprint(c.ID) + `" id="confirm-cancel">`, `action="/admin/customers/` + fmt.Sprint(c.ID) + `/signout"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("confirm page lacks %s", want)
		}
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"held@example.com"}}}`)
	e.clock.Add(2 * time.Second)
	form.Set("confirm", "yes")
	if p := postPage(t, client, page+"/signout", form); p.status != 303 || p.location != fmt.Sprintf("/admin/customers/%d?done=signedout", c.ID) {
		t.Fatalf("signout: %d %s", p.status, p.location)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, revokedBody)
	revoked := e.clock.Now().UTC().Format("2006-01-02 15:04:05 UTC")
	wantIn(t, getPage(t, client, page), 200, "tokens and sessions issued before "+revoked+" (0 s ago) are refused")
	// Unlock from the customer's page clears the throttle and comes back to it.
	p = postPage(t, client, page+"/unlock", url.Values{"csrf": {csrf}, "back": {fmt.Sprintf("/admin/customers/%d", c.ID)}, "confirm": {"yes"}})
	if p.status != 303 || p.location != fmt.Sprintf("/admin/customers/%d?done=unlocked", c.ID) {
		t.Fatalf("unlock: %d %s", p.status, p.location)
	}
	wantIn(t, getPage(t, client, e.srv.URL+p.location), 200, "Customer unlocked", "not held", "not locked")
	e.token("held@example.com", "password")
	// The account lock (10 wrong passwords) shows with its end.
	e.set(auth.PathThrottleMaxFailures, "0")
	for i := 0; i < 10; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"held@example.com",password:"wrong"){token}}`, nil)
	}
	lockEnd := e.clock.Now().Add(10 * time.Minute).UTC().Format("2006-01-02 15:04:05 UTC")
	wantIn(t, getPage(t, client, page), 200, "until "+lockEnd+" (10 min from now)")
	// A reset mail for an account locked from this address is refused, in words.
	p = postPage(t, client, page+"/resetmail", url.Values{"csrf": {csrf}, "back": {fmt.Sprintf("/admin/customers/%d", c.ID)}})
	wantIn(t, p, 400, "No password-reset mail was sent: "+auth.MsgLockedNoDot)
	if a := lastAudit(t, e, c.ID, "admin.customer_signed_out"); a == nil || a.AdminID != 1 {
		t.Errorf("signout audit: %+v", a)
	}
}

// adminPost posts an admin-user action form.
func adminPost(t *testing.T, e *env, client *http.Client, id int64, action string, form url.Values) page {
	t.Helper()
	return postPage(t, client, fmt.Sprintf("%s/admin/admins/%d/%s", e.srv.URL, id, action), form)
}

func TestAdminPageAdminUsers(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	me := e.admin("admin", "admin123")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	list := e.srv.URL + "/admin/admins"
	p := getPage(t, client, list)
	wantIn(t, p, 200, "Admin users", "admin@example.com", "(you)", "no 2FA yet",
		"The only admin who can sign in: create or unlock another admin before locking or deactivating this one.")
	if strings.Contains(p.body, `id="lock-1"`) || strings.Contains(p.body, `id="deactivate-1"`) {
		t.Error("the only admin who can sign in has Lock or Deactivate buttons")
	}

	// Create, with the password policy and plain-words errors.
	create := func(kv ...string) page {
		v := url.Values{"csrf": {csrf}, "username": {"helper"}, "email": {"helper@example.com"}, "firstname": {"Hel"}, "lastname": {"Per"}, "password": {"Helper-pass1"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return postPage(t, client, list, v)
	}
	for _, x := range []struct {
		kv  []string
		msg string
	}{
		{[]string{"password", "short"}, "No admin user was created: The password needs at least 8 characters. Create a new password and try again."},
		{[]string{"username", "two words"}, `No admin user was created: "two words" is not a valid user name.`},
		{[]string{"email", "nope"}, `No admin user was created: "nope" is not a valid email address.`},
		{[]string{"username", "ADMIN"}, "No admin user was created: " + auth.MsgAdminExists},
		{[]string{"firstname", ""}, "No admin user was created: " + auth.MsgFirstNameRequired},
	} {
		p := create(x.kv...)
		wantIn(t, p, 400, x.msg)
		if strings.Contains(p.body, "Helper-pass1") {
			t.Error("the password came back in the form")
		}
	}
	if p := postPage(t, client, list, url.Values{"username": {"helper"}, "email": {"h@example.com"}, "firstname": {"H"}, "lastname": {"P"}, "password": {"Helper-pass1"}}); p.status != 403 {
		t.Errorf("create without the form token: %d", p.status)
	}
	p = create()
	h, err := e.svc.AdminByName(context.Background(), "helper")
	if err != nil || p.status != 303 || p.location != fmt.Sprintf("/admin/admins?done=created#a-%d", h.ID) {
		t.Fatalf("create: %d %s %v", p.status, p.location, err)
	}
	p = getPage(t, client, e.srv.URL+p.location)
	wantIn(t, p, 200, "Admin user created.", "helper@example.com")
	if strings.Contains(p.body, "The only admin who can sign in") || !strings.Contains(p.body, `id="deactivate-1"`) {
		t.Error("with two admins, one is still shown as the only one")
	}
	if ev, _ := e.db.AuditList(context.Background(), auth.AuditFilter{AdminID: h.ID, Event: "admin.created"}); len(ev) != 1 || ev[0].Detail != "by admin admin (admin id 1)" {
		t.Errorf("create audit: %+v", ev)
	}
	audit := func(event string) string {
		t.Helper()
		ev, _ := e.db.AuditList(context.Background(), auth.AuditFilter{AdminID: h.ID, Event: event})
		if len(ev) == 0 {
			t.Fatalf("no %s", event)
		}
		return ev[0].Detail
	}

	// Lock: asks first (no JavaScript: a page), then locks and ends the tokens.
	helperTok := e.adminToken("helper", "Helper-pass1")
	helperPage, _, _ := adminHTTP(t, e, "helper", "Helper-pass1", "")
	p = adminPost(t, e, client, h.ID, "lock", url.Values{"csrf": {csrf}, "duration": {"24h"}})
	wantIn(t, p, 200, "Lock this admin for 1 day?", fmt.Sprintf("Hel Per, helper (helper@example.com, #%d)", h.ID), "Their tokens, admin page sessions and the customer sessions they opened end at once", "Yes, lock helper")
	if !strings.Contains(p.body, `<input type="hidden" name="duration" value="24h">`) {
		t.Error("the confirm page lost the duration")
	}
	if a, _ := e.db.AdminByID(context.Background(), h.ID); a.Locked(e.clock.Now()) {
		t.Fatal("locked without confirmation")
	}
	wantIn(t, adminPost(t, e, client, h.ID, "lock", url.Values{"csrf": {csrf}, "duration": {"5y"}, "confirm": {"yes"}}), 400,
		"Nothing was locked: "+auth.MsgAdminLockDuration)
	if p := adminPost(t, e, client, h.ID, "lock", url.Values{"duration": {"24h"}, "confirm": {"yes"}}); p.status != 403 {
		t.Errorf("lock without the form token: %d", p.status)
	}
	p = adminPost(t, e, client, h.ID, "lock", url.Values{"csrf": {csrf}, "duration": {"24h"}, "confirm": {"yes"}})
	if p.status != 303 || p.location != fmt.Sprintf("/admin/admins?done=locked#a-%d", h.ID) {
		t.Fatalf("lock: %d %s", p.status, p.location)
	}
	wantIn(t, getPage(t, client, e.srv.URL+p.location), 200, "Admin locked", "locked · 1 day left")
	expect(t, e.rest(fmt.Sprintf("/rest/V1/customer/%d/otp", 1), `{"reason":"x"}`, helperTok), 401, `{"message":"User token has been revoked"}`)
	if p := getPage(t, helperPage, e.srv.URL+"/admin/customers"); p.status != 303 {
		t.Errorf("the locked admin's page session: %d", p.status)
	}
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"helper","password":"Helper-pass1"}`, ""), 401, `{"message":"`+auth.MsgSignInIncorrect+`"}`)
	if d := audit("admin.locked"); !strings.HasPrefix(d, "by admin admin (admin id 1) until ") {
		t.Errorf("lock audit: %q", d)
	}
	// Unlock (not destructive: no question).
	if p := adminPost(t, e, client, h.ID, "unlock", url.Values{"csrf": {csrf}}); p.status != 303 {
		t.Fatalf("unlock: %d", p.status)
	}
	e.adminToken("helper", "Helper-pass1")
	if d := audit("admin.unlocked"); d != "by admin admin (admin id 1)" {
		t.Errorf("unlock audit: %q", d)
	}

	// Reset 2FA: nothing to reset yet; then, set up, it is forgotten and must be set up again.
	wantIn(t, adminPost(t, e, client, h.ID, "tfareset", url.Values{"csrf": {csrf}, "confirm": {"yes"}}), 400,
		"Nothing was changed for helper: "+auth.MsgNoTOTPToReset)
	if _, err := e.svc.SetupTOTP(context.Background(), "helper"); err != nil {
		t.Fatal(err)
	}
	wantIn(t, getPage(t, client, list), 200, "2FA set up")
	wantIn(t, adminPost(t, e, client, h.ID, "tfareset", url.Values{"csrf": {csrf}}), 200, "Reset this admin's two-factor authentication?", "Yes, reset 2FA of helper")
	if a, _ := e.db.AdminByID(context.Background(), h.ID); a.TOTPSecret == "" {
		t.Fatal("reset without confirmation")
	}
	helperTok = e.adminToken("helper", "Helper-pass1")
	if p := adminPost(t, e, client, h.ID, "tfareset", url.Values{"csrf": {csrf}, "confirm": {"yes"}}); p.status != 303 {
		t.Fatalf("reset 2FA: %d %s", p.status, p.body)
	}
	if a, _ := e.db.AdminByID(context.Background(), h.ID); a.TOTPSecret != "" {
		t.Error("the secret is still there")
	}
	expect(t, e.rest(fmt.Sprintf("/rest/V1/customer/%d/otp", 1), `{"reason":"x"}`, helperTok), 401, `{"message":"User token has been revoked"}`)
	if d := audit("admin.tfa_reset"); d != "by admin admin (admin id 1)" {
		t.Errorf("2FA reset audit: %q", d)
	}
	e.set(auth.PathTwoFactorEnable, "1")
	if _, _, status := adminHTTP(t, e, "helper", "Helper-pass1", "123456"); status != 400 {
		t.Errorf("after the reset, with 2FA on, the page sign-in: %d", status)
	}
	r := e.rest("/rest/V1/integration/admin/token", `{"username":"helper","password":"Helper-pass1"}`, "")
	if r.status != 400 || !strings.Contains(r.body, auth.MsgConfigure2FA) {
		t.Errorf("after the reset, the token route: %s", r)
	}
	e.set(auth.PathTwoFactorEnable, "0")

	// Deactivate and reactivate.
	helperTok = e.adminToken("helper", "Helper-pass1")
	wantIn(t, adminPost(t, e, client, h.ID, "deactivate", url.Values{"csrf": {csrf}}), 200, "Deactivate this admin?", "Yes, deactivate helper")
	p = adminPost(t, e, client, h.ID, "deactivate", url.Values{"csrf": {csrf}, "confirm": {"yes"}})
	if p.status != 303 {
		t.Fatalf("deactivate: %d", p.status)
	}
	wantIn(t, getPage(t, client, e.srv.URL+p.location), 200, "Admin deactivated", "deactivated", "Reactivate")
	expect(t, e.rest(fmt.Sprintf("/rest/V1/customer/%d/otp", 1), `{"reason":"x"}`, helperTok), 401, `{"message":"User token has been revoked"}`)
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"helper","password":"Helper-pass1"}`, ""), 401, `{"message":"`+auth.MsgSignInIncorrect+`"}`)
	if d := audit("admin.deactivated"); d != "by admin admin (admin id 1)" {
		t.Errorf("deactivate audit: %q", d)
	}

	// Now admin is the last who can sign in: it cannot lock or deactivate itself.
	for _, action := range []url.Values{{"csrf": {csrf}, "confirm": {"yes"}}, {"csrf": {csrf}, "confirm": {"yes"}, "duration": {"1h"}}} {
		name := "deactivate"
		if action.Get("duration") != "" {
			name = "lock"
		}
		wantIn(t, adminPost(t, e, client, me.ID, name, action), 400, "Nothing was changed for admin: "+auth.MsgLastActiveAdmin)
	}
	if a, _ := e.db.AdminByID(context.Background(), me.ID); !a.Active || a.Locked(e.clock.Now()) {
		t.Fatalf("the last admin was retired: %+v", a)
	}
	if p := adminPost(t, e, client, h.ID, "activate", url.Values{"csrf": {csrf}}); p.status != 303 {
		t.Fatalf("activate: %d", p.status)
	}
	e.adminToken("helper", "Helper-pass1")
	if d := audit("admin.activated"); d != "by admin admin (admin id 1)" {
		t.Errorf("activate audit: %q", d)
	}
	// With helper back, admin may deactivate itself: its session ends, to the sign-in.
	p = adminPost(t, e, client, me.ID, "deactivate", url.Values{"csrf": {csrf}})
	wantIn(t, p, 200, "This is you: your own session ends too.")
	if p := adminPost(t, e, client, me.ID, "deactivate", url.Values{"csrf": {csrf}, "confirm": {"yes"}}); p.status != 303 || p.location != "/admin" {
		t.Fatalf("deactivate self: %d %s", p.status, p.location)
	}
	if p := getPage(t, client, list); p.status != 303 {
		t.Errorf("still signed in after deactivating oneself: %d", p.status)
	}
	if p := adminPost(t, e, client, 99, "unlock", url.Values{"csrf": {csrf}}); p.status != 303 {
		t.Errorf("signed out: %d", p.status)
	}
}

// TestAdminPageRetireEachOther: two admins deactivating or locking each other at once,
// 100 requests in all, never leave the shop without an admin who can sign in.
func TestAdminPageRetireEachOther(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	a := e.admin("admin", "admin123")
	b := e.admin("boss", "boss12345")
	ca, csrfA, _ := adminHTTP(t, e, "admin", "admin123", "")
	cb, csrfB, _ := adminHTTP(t, e, "boss", "boss12345", "")
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client, csrf, target := ca, csrfA, b.ID
			if i%2 == 1 {
				client, csrf, target = cb, csrfB, a.ID
			}
			form := url.Values{"csrf": {csrf}, "confirm": {"yes"}}
			action := "deactivate"
			if i%4 >= 2 {
				action = "lock"
				form.Set("duration", "1h")
			}
			res, err := client.PostForm(fmt.Sprintf("%s/admin/admins/%d/%s", e.srv.URL, target, action), form)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	able := 0
	for _, id := range []int64{a.ID, b.ID} {
		x, _ := e.db.AdminByID(context.Background(), id)
		if x.Active && !x.Locked(e.clock.Now()) {
			able++
		}
	}
	if able != 1 {
		t.Fatalf("%d admins can sign in after they retired each other (answers %v)", able, statuses)
	}
	if statuses[303] == 0 {
		t.Errorf("no request went through: %v", statuses)
	}
}
