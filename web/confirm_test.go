package web_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

var (
	formRE   = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)"[^>]*>(.*?)</form>`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	cancelRE = regexp.MustCompile(`<a href="([^"]*)" id="confirm-cancel">Cancel</a>`)
)

// formOf finds the POST form to action in a page and returns its hidden fields, as a
// browser without JavaScript would send them.
func formOf(t *testing.T, body, action string) url.Values {
	t.Helper()
	for _, m := range formRE.FindAllStringSubmatch(body, -1) {
		if html.UnescapeString(m[1]) != action {
			continue
		}
		v := url.Values{}
		for _, f := range hiddenRE.FindAllStringSubmatch(m[2], -1) {
			v.Add(html.UnescapeString(f[1]), html.UnescapeString(f[2]))
		}
		return v
	}
	t.Fatalf("no form to %s in\n%s", action, body)
	return nil
}

// TestDestructiveFormsConfirmWithoutJS: sign out everywhere and unlock act only on a
// POST that says confirm=yes. The customer list's form, sent as a browser without
// JavaScript sends it, gets a confirmation page naming the customer and what happens;
// nothing is done until that page's Yes is sent; Cancel goes back to the list where
// the admin was, and only there.
func TestDestructiveFormsConfirmWithoutJS(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathThrottleMaxFailures, "0")
	e.set(auth.PathLockoutFailures, "3")
	e.admin("admin", "admin123")
	c := e.customer("customer@example.com", "password")
	locked := e.customer("locked@example.com", "password")
	for i := 0; i < 3; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"locked@example.com",password:"nope"){token}}`, nil)
	}
	tok := e.token("customer@example.com", "password")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	signedOut := func() int {
		t.Helper()
		ev, err := e.db.AuditList(context.Background(), dbFilter(c.ID, "admin.customer_signed_out"))
		if err != nil {
			t.Fatal(err)
		}
		return len(ev)
	}
	works := `{"data":{"customer":{"email":"customer@example.com"}}}`

	// Sign out everywhere: the list's form, then the confirmation page.
	list := getPage(t, client, e.srv.URL+"/admin/customers?q=customer%40example.com")
	signout := fmt.Sprintf("/admin/customers/%d/signout", c.ID)
	form := formOf(t, list.body, signout)
	if want := (url.Values{"csrf": {csrf}, "back": {"/admin/customers?page=1&q=customer%40example.com"}}); form.Encode() != want.Encode() {
		t.Fatalf("list form %v, want %v", form, want)
	}
	p := postPage(t, client, e.srv.URL+signout, form)
	for _, want := range []string{
		`<h1 id="confirm-title">Sign this customer out everywhere?</h1>`,
		`<p class="confirm-subject" id="confirm-subject">John Smith, customer@example.com (#1)</p>`,
		`<p id="confirm-effect">Every token and session of this customer ends at once: the storefront, apps and any admin acting for them must sign in again. This cannot be undone.</p>`,
		`<button type="submit" class="danger" id="confirm-yes" autofocus>Yes, sign out everywhere</button>`,
		`<a href="/admin/customers?page=1&amp;q=customer%40example.com" id="confirm-cancel">Cancel</a>`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("confirmation page lacks %s\n%s", want, p.body)
		}
	}
	if p.status != 200 || signedOut() != 0 {
		t.Fatalf("the unconfirmed form acted: %d, %d audit entries", p.status, signedOut())
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, works)
	yes := formOf(t, p.body, signout)
	if want := (url.Values{"csrf": {csrf}, "back": form["back"], "confirm": {"yes"}}); yes.Encode() != want.Encode() {
		t.Fatalf("confirmation form %v, want %v", yes, want)
	}
	// Its Yes without the session's form token is refused like any other form.
	forged := url.Values{"csrf": {"forged"}, "back": form["back"], "confirm": {"yes"}}
	if p := postPage(t, client, e.srv.URL+signout, forged); p.status != 403 || p.body != msgFormToken+"\n" || signedOut() != 0 {
		t.Fatalf("forged confirmation: %d %q", p.status, p.body)
	}
	p = postPage(t, client, e.srv.URL+signout, yes)
	if p.status != 303 || p.location != "/admin/customers?done=signedout&page=1&q=customer%40example.com" || signedOut() != 1 {
		t.Fatalf("confirmed: %d %s, %d audit entries", p.status, p.location, signedOut())
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)

	// Unlock: the same, and Cancel acts on nothing.
	list = getPage(t, client, e.srv.URL+"/admin/customers?q=locked")
	unlock := fmt.Sprintf("/admin/customers/%d/unlock", locked.ID)
	if !strings.Contains(list.body, `data-confirm="Unlock locked@example.com? The lock and the sign-in throttle end now.">`) {
		t.Errorf("unlock form without data-confirm:\n%s", list.body)
	}
	p = postPage(t, client, e.srv.URL+unlock, formOf(t, list.body, unlock))
	if p.status != 200 || !strings.Contains(p.body, `<h1 id="confirm-title">Unlock this customer?</h1>`) ||
		!strings.Contains(p.body, `id="confirm-subject">John Smith, locked@example.com (#2)</p>`) ||
		!strings.Contains(p.body, `>Yes, unlock</button>`) {
		t.Fatalf("unlock confirmation: %d\n%s", p.status, p.body)
	}
	cancel := cancelRE.FindStringSubmatch(p.body)
	if cancel == nil || html.UnescapeString(cancel[1]) != "/admin/customers?page=1&q=locked" {
		t.Fatalf("cancel %v", cancel)
	}
	if back := getPage(t, client, e.srv.URL+html.UnescapeString(cancel[1])); !strings.Contains(back.body, "locked · 10 min left") {
		t.Errorf("after Cancel the customer is not locked any more:\n%s", back.body)
	}
	refused := gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken")
	expect(t, e.gql("", `mutation{generateCustomerToken(email:"locked@example.com",password:"password"){token}}`, nil), 401, refused)
	p = postPage(t, client, e.srv.URL+unlock, formOf(t, p.body, unlock))
	if p.status != 303 || p.location != "/admin/customers?done=unlocked&page=1&q=locked" {
		t.Fatalf("confirmed unlock: %d %s", p.status, p.location)
	}
	e.token("locked@example.com", "password")

	// Cancel goes only to a local admin page; every field is escaped.
	p = postPage(t, client, e.srv.URL+signout, url.Values{"csrf": {csrf}, "back": {"https://evil.example/admin/customers"}})
	if m := cancelRE.FindStringSubmatch(p.body); m == nil || m[1] != "/admin/customers" {
		t.Errorf("cancel with a foreign back: %v", m)
	}
	p = postPage(t, client, e.srv.URL+signout, url.Values{"csrf": {csrf}, "back": {`/admin/customers?q="><b>x`}})
	if strings.Contains(p.body, `"><b>x`) || !strings.Contains(p.body, `value="/admin/customers?q=&#34;&gt;&lt;b&gt;x"`) {
		t.Errorf("back not escaped:\n%s", p.body)
	}
	// An unknown customer: 404 before anything is asked.
	for _, action := range []string{"signout", "unlock"} {
		if p := postPage(t, client, e.srv.URL+"/admin/customers/999/"+action, url.Values{"csrf": {csrf}}); p.status != 404 || p.body != "No such customer.\n" {
			t.Errorf("%s of an unknown customer: %d %q", action, p.status, p.body)
		}
	}
}

// TestDestructiveFormsConfirmBrowser: in Chromium without JavaScript, Sign out
// everywhere shows the confirmation page, and its Yes signs the customer out; with
// JavaScript the form asks in place and its second press acts without that page.
func TestDestructiveFormsConfirmBrowser(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	c := e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	ctx := adminBrowser(t, e)
	scripts := func(on bool) {
		t.Helper()
		browserRun(t, ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
			return chromedp.Void{}, err
		})
	}
	works := `{"data":{"customer":{"email":"customer@example.com"}}}`
	revoked := `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`
	button := fmt.Sprintf("signout-%d", c.ID)

	scripts(false)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/customers"), chromedp.WaitVisible(chromedp.ID(button)), chromedp.Click(chromedp.ID(button)))
	if err := waitAfterSubmit(ctx, "confirm-title", "Sign this customer out everywhere?"); err != nil {
		t.Fatal(err)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, works)
	// (The screenshot helper waits for a frame with a promise, which a page without
	// scripts never settles; the page is loaded already, so its admin.js stays unrun.)
	scripts(true)
	screenshot(t, ctx, "admin-confirm-nojs")
	scripts(false)
	// Cancel: back to the list, nothing done.
	browserRun(t, ctx, chromedp.Click(chromedp.ID("confirm-cancel")))
	if err := waitAfterSubmit(ctx, "customers", "customer@example.com"); err != nil {
		t.Fatal(err)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, works)
	browserRun(t, ctx, chromedp.WaitVisible(chromedp.ID(button)), chromedp.Click(chromedp.ID(button)))
	if err := waitAfterSubmit(ctx, "confirm-yes", "Yes, sign out everywhere"); err != nil {
		t.Fatal(err)
	}
	browserRun(t, ctx, chromedp.Click(chromedp.ID("confirm-yes")))
	if err := waitAfterSubmit(ctx, "main", "Customer signed out everywhere"); err != nil {
		t.Fatal(err)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, revoked)

	// With JavaScript: asked in place, and no confirmation page.
	scripts(true)
	tok = e.token("customer@example.com", "password")
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/customers"), chromedp.WaitVisible(chromedp.ID(button)), chromedp.Click(chromedp.ID(button)))
	browserRun(t, ctx, chromedp.WaitVisible(chromedp.CSS(`form[action$="/signout"] .confirm-note`)))
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, works)
	browserRun(t, ctx, chromedp.Click(chromedp.ID(button)))
	if err := waitAfterSubmit(ctx, "main", "Customer signed out everywhere"); err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#confirm-title").length`)); n != 0 {
		t.Error("the confirmation page after the in-place confirmation")
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, revoked)
}
