package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"shopauth/auth"
	"shopauth/web"
)

// TestPagesTour visits every page shopauth serves, as a shop with demo data has them
// (a locked and a held customer, mail in the outbox, an audit log), in the system's
// light and dark colours, and takes each at desktop (1366x850) and phone (390x844)
// size: the screenshot helper fails it on a console error, a CSP violation, anything
// wider than the screen, a control without a label or text below WCAG AA contrast.
// SHOPAUTH_SCREENS=dir keeps the screenshots in dir, to look at.
func TestPagesTour(t *testing.T) {
	e := newEnvWith(t, func(c *web.Config) {
		c.Demo = []web.DemoSignIn{{Kind: "Customer", Login: "customer@example.com", Password: "password", Note: "the walk-through's default"},
			{Kind: "Customer", Login: "customer1@mail.com", Password: "password", Note: "allows remote shopping assistance"},
			{Kind: "Admin", Login: "admin", Password: "admin123"}}
	})
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	helped := e.customer("customer1@mail.com", "password")
	e.svc.UpdateCustomer(auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: helped.ID, UserType: auth.UserTypeCustomer}}),
		auth.CustomerInput{AllowAssistance: ptr(true)}, false)
	e.customer("bobloblaw@example.com", "b0bl0bl@w")
	locked := e.customer("locked.out.customer.with.a.long.address@example.com", "password")
	held := e.customer("held@example.com", "password")
	e.set(auth.PathThrottleMaxFailures, "0")
	for i := 0; i < 10; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"`+locked.Email+`",password:"nope"){token}}`, nil)
	}
	e.set(auth.PathThrottleMaxFailures, "6")
	for i := 0; i < 6; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"`+held.Email+`",password:"nope"){token}}`, nil)
	}
	e.token("customer@example.com", "password")
	e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil)
	// Two-factor setup links (2FA on, admins without TOTP ask for a token), one for
	// each colour scheme: a link makes its secret once.
	var setup []string
	for _, name := range []string{"ops1", "ops2"} {
		e.admin(name, "ops12345")
		e.rest("/rest/V1/integration/admin/token", `{"username":"`+name+`","password":"ops12345"}`, "")
		setup = append(setup, e.lastMailVar("tfa_setup", "url"))
	}
	e.set(auth.PathTwoFactorEnable, "0")

	// One browser a scheme: each has its own minute (browser's timeout), which the
	// whole tour could need on a loaded machine under -race.
	for i, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) { tour(t, e, scheme, setup[i], locked.Email) })
	}
}

// tour is TestPagesTour in one colour scheme.
func tour(t *testing.T, e *env, scheme, setup, lockedEmail string) {
	ctx := browser(t)
	visit := func(path, waitID string) {
		t.Helper()
		browserRun(t, ctx, chromedp.Navigate(e.srv.URL+path))
		if err := pollAcrossNavigation(ctx, `!!document.getElementById(`+quoteJS(waitID)+`)`); err != nil {
			t.Fatalf("%s: no #%s: %v", path, waitID, err)
		}
	}
	emulate(t, ctx, scheme == "dark")
	shot := func(name string) { t.Helper(); screenshot(t, ctx, "tour-"+scheme+"-"+name) }

	visit("/", "facts")
	shot("start")
	visit("/walkthrough", "stepnav")
	browserRun(t, ctx, chromedp.WaitEnabled(chromedp.ID("signin-go")), chromedp.Click(chromedp.ID("signin-go")))
	if err := waitText(ctx, "signin-out", "HTTP 200"); err != nil {
		t.Fatal(err)
	}
	browserRun(t, ctx, chromedp.WaitEnabled(chromedp.ID("query-go")), chromedp.Click(chromedp.ID("query-go")))
	if err := waitText(ctx, "query-out", "HTTP 200"); err != nil {
		t.Fatal(err)
	}
	shot("walkthrough")
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/graphql"), chromedp.WaitVisible(chromedp.CSS(".graphiql-container")))
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll(".graphiql-tab").length >= 6`)); err != nil {
		t.Fatal(err)
	}
	shot("explorer")
	visit("/no/such/page", "notfound")
	shot("notfound")
	visit(setup, "setup-create")
	shot("tfa-setup")
	browserRun(t, ctx, chromedp.Click(chromedp.ID("setup-create")))
	if err := waitAfterSubmit(ctx, "setup-secret", ""); err != nil {
		t.Fatal(err)
	}
	shot("tfa-setup-done")

	visit("/admin", "username")
	shot("admin-login")
	browserRun(t, ctx, chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), "admin123"),
		chromedp.Click(chromedp.ID("signin")))
	if err := waitAfterSubmit(ctx, "customers", lockedEmail); err != nil {
		t.Fatal(err)
	}
	shot("admin-customers")
	visit("/admin/overview", "facts")
	shot("admin-overview")
	visit("/admin/settings", "save")
	shot("admin-settings")
	visit("/admin/outbox", "outbox")
	shot("admin-outbox")
	visit("/admin/audit", "audit")
	shot("admin-audit")
	// A destructive action's confirmation page, as a browser without JavaScript
	// gets it (the form is sent without confirm=yes).
	visit("/admin/customers?q=customer%40example.com", "customers")
	browserRun(t, ctx, chromedp.Evaluate[chromedp.Void](`(f => { f.removeAttribute("data-confirm"); HTMLFormElement.prototype.submit.call(f); })(document.querySelector('form[action$="/signout"]'))`))
	if err := waitAfterSubmit(ctx, "confirm-title", "Sign this customer out everywhere?"); err != nil {
		t.Fatal(err)
	}
	shot("admin-confirm")
	browserRun(t, ctx, chromedp.Click(chromedp.ID("confirm-cancel")))
	if err := waitAfterSubmit(ctx, "customers", "customer@example.com"); err != nil {
		t.Fatal(err)
	}
	// Sign out: the admin page's Sign out lands on the sign-in page.
	browserRun(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/logout"] button`)))
	if err := pollAcrossNavigation(ctx, `!!document.getElementById("username")`); err != nil {
		t.Fatal(err)
	}
}
