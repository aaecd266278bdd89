package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

// TestAdminManageCustomersBrowser (issue 16 item 14) in Chromium: New customer from the
// list, the customer's page with its state and history, an edit of the email, a held
// customer's page; screenshots at desktop and phone width of each screen.
func TestAdminManageCustomersBrowser(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathThrottleMaxFailures, "3")
	e.admin("admin", "admin123")
	held := e.customer("held@example.com", "password")
	e.token("held@example.com", "password")
	for i := 0; i < 3; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"held@example.com",password:"wrong"){token}}`, nil)
	}
	ctx := adminBrowser(t, e)
	browserRun(t, ctx, chromedp.Click(chromedp.ID("new-customer")), chromedp.WaitVisible(chromedp.ID("customer-new")))
	if err := pollAcrossNavigation(ctx, `document.activeElement && document.activeElement.id === "firstname"`); err != nil {
		t.Errorf("the new-customer form focuses %q: %v", activeID(t, ctx), err)
	}
	// A refused form says why and keeps what was typed.
	browserRun(t, ctx, chromedp.SendKeys(chromedp.ID("firstname"), "Ann"), chromedp.SendKeys(chromedp.ID("lastname"), "Lee"),
		chromedp.SendKeys(chromedp.ID("email"), "held@example.com"), chromedp.Click(chromedp.ID("create-customer")))
	if err := waitAfterSubmit(ctx, "main", "No customer was created: A customer with the same email address (held@example.com) already exists"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "admin-customer-new-error")
	browserRun(t, ctx, chromedp.SetValue(chromedp.ID("email"), "ann@example.com"), chromedp.Click(chromedp.ID("create-customer")))
	if err := waitAfterSubmit(ctx, "main", "Customer created."); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("state-email"))); s != "ann@example.com" {
		t.Errorf("customer page email %q", s)
	}
	screenshot(t, ctx, "admin-customer-page")
	// Edit the email; the page says what changed.
	browserRun(t, ctx, chromedp.SetValue(chromedp.ID("email"), "ann.lee@example.com"), chromedp.Click(chromedp.ID("save-customer")))
	if err := waitAfterSubmit(ctx, "main", "Saved: email."); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("history"))); !strings.Contains(s, "customer.email_changed") || !strings.Contains(s, "admin.customer_updated") {
		t.Errorf("history after the edit: %s", s)
	}
	screenshot(t, ctx, "admin-customer-saved")
	// A customer held by the throttle, from the list's name link.
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/customers?q=held"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("open-%d", held.ID))),
		chromedp.Click(chromedp.ID(fmt.Sprintf("open-%d", held.ID))))
	if err := waitAfterSubmit(ctx, "state-throttle", "token requests for this email are refused until"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "admin-customer-held")
	// Unlock asks in place, then clears the hold.
	browserRun(t, ctx, chromedp.Click(chromedp.ID("unlock")), chromedp.WaitVisible(chromedp.CSS(`form[action$="/unlock"] .confirm-note`)))
	screenshot(t, ctx, "admin-customer-unlock-confirm")
	browserRun(t, ctx, chromedp.Click(chromedp.ID("unlock")))
	if err := waitAfterSubmit(ctx, "state-throttle", "not held"); err != nil {
		t.Fatal(err)
	}
	e.token("held@example.com", "password")
	// Dark mode keeps its contrast on the new screens (the screenshot checks it).
	emulate(t, ctx, true)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+fmt.Sprintf("/admin/customers/%d", held.ID)), chromedp.WaitVisible(chromedp.ID("state")))
	screenshot(t, ctx, "dark-admin-customer-page")
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/customers/new"), chromedp.WaitVisible(chromedp.ID("customer-new")))
	screenshot(t, ctx, "dark-admin-customer-new")
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/admins"), chromedp.WaitVisible(chromedp.ID("admins")))
	screenshot(t, ctx, "dark-admin-users")
}

// TestAdminUsersBrowser (issue 16 item 14): the admin users screen; a new admin from its
// form; Lock asked in place with JavaScript; Deactivate without JavaScript through the
// server's confirmation page; and Reset 2FA with the keyboard alone, a focus ring on
// every stop.
func TestAdminUsersBrowser(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	ctx := adminBrowser(t, e)
	emulate(t, ctx, false)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/admins"), chromedp.WaitVisible(chromedp.ID("admins")))
	screenshot(t, ctx, "admin-users")
	browserRun(t, ctx, chromedp.SendKeys(chromedp.ID("new-username"), "helper"), chromedp.SendKeys(chromedp.ID("new-email"), "helper@example.com"),
		chromedp.SendKeys(chromedp.ID("new-firstname"), "Hel"), chromedp.SendKeys(chromedp.ID("new-lastname"), "Per"),
		chromedp.SendKeys(chromedp.ID("new-password"), "weak"), chromedp.Click(chromedp.ID("create-admin")))
	if err := waitAfterSubmit(ctx, "main", "No admin user was created: The password needs at least 8 characters."); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "admin-users-error")
	browserRun(t, ctx, chromedp.SendKeys(chromedp.ID("new-password"), "Helper-pass1"), chromedp.Click(chromedp.ID("create-admin")))
	if err := waitAfterSubmit(ctx, "main", "Admin user created."); err != nil {
		t.Fatal(err)
	}
	h, err := e.svc.AdminByName(context.Background(), "helper")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetupTOTP(context.Background(), "helper"); err != nil {
		t.Fatal(err)
	}
	tok := e.adminToken("helper", "Helper-pass1")
	otp := func() response { return e.rest("/rest/V1/customer/1/otp", `{"reason":"x"}`, tok) }

	// Lock, asked in place (JavaScript).
	lock := fmt.Sprintf("lock-%d", h.ID)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/admins"), chromedp.WaitVisible(chromedp.ID(lock)), chromedp.Click(chromedp.ID(lock)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/lock"] .confirm-note`)))
	screenshot(t, ctx, "admin-users-lock-confirm")
	if r := otp(); r.status != 200 {
		t.Fatalf("locked before the second press: %s", r)
	}
	browserRun(t, ctx, chromedp.Click(chromedp.ID(lock)))
	if err := waitAfterSubmit(ctx, "main", "Admin locked"); err != nil {
		t.Fatal(err)
	}
	expect(t, otp(), 401, `{"message":"User token has been revoked"}`)
	screenshot(t, ctx, "admin-users-locked")
	browserRun(t, ctx, chromedp.Click(chromedp.ID(fmt.Sprintf("unlock-%d", h.ID))))
	if err := waitAfterSubmit(ctx, "main", "Admin unlocked."); err != nil {
		t.Fatal(err)
	}

	// Deactivate without JavaScript: the server's confirmation page.
	scripts := func(on bool) {
		t.Helper()
		browserRun(t, ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
			return chromedp.Void{}, err
		})
	}
	tok = e.adminToken("helper", "Helper-pass1")
	scripts(false)
	deactivate := fmt.Sprintf("deactivate-%d", h.ID)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/admins"), chromedp.WaitVisible(chromedp.ID(deactivate)), chromedp.Click(chromedp.ID(deactivate)))
	if err := waitAfterSubmit(ctx, "confirm-title", "Deactivate this admin?"); err != nil {
		t.Fatal(err)
	}
	if r := otp(); r.status != 200 {
		t.Fatalf("deactivated before the confirmation: %s", r)
	}
	scripts(true) // (see TestDestructiveFormsConfirmBrowser: the screenshot helper needs scripts)
	screenshot(t, ctx, "admin-users-deactivate-nojs")
	scripts(false)
	browserRun(t, ctx, chromedp.Click(chromedp.ID("confirm-yes")))
	if err := waitAfterSubmit(ctx, "main", "Admin deactivated"); err != nil {
		t.Fatal(err)
	}
	expect(t, otp(), 401, `{"message":"User token has been revoked"}`)
	scripts(true)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/admins"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("activate-%d", h.ID))),
		chromedp.Click(chromedp.ID(fmt.Sprintf("activate-%d", h.ID))))
	if err := waitAfterSubmit(ctx, "main", "Admin reactivated"); err != nil {
		t.Fatal(err)
	}

	// Reset 2FA with the keyboard alone: Tab to the button, Enter asks, Enter again does it.
	key := func(keys string) { t.Helper(); browserRun(t, ctx, chromedp.KeyEvent(keys)) }
	ring := func() {
		t.Helper()
		if r, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(s => s.outlineStyle + " " + s.outlineWidth)(getComputedStyle(document.activeElement))`)); err != nil || r != "solid 3px" {
			t.Errorf("no focus ring on %s: %q %v", activeID(t, ctx), r, err)
		}
	}
	reset := fmt.Sprintf("tfareset-%d", h.ID)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/admins"), chromedp.WaitVisible(chromedp.ID(reset)))
	found := false
	for i := 0; i < 40 && !found; i++ {
		key("\t")
		ring()
		found = activeID(t, ctx) == reset
	}
	if !found {
		t.Fatal("Tab never reached Reset 2FA")
	}
	key("\r")
	browserRun(t, ctx, chromedp.WaitVisible(chromedp.CSS(`form[action$="/tfareset"] .confirm-note`)))
	if id := activeID(t, ctx); id != reset {
		t.Errorf("after the first Enter the focus is on %q", id)
	}
	if b, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID(reset))); b != "Yes, reset 2FA" {
		t.Errorf("armed button %q", b)
	}
	ring()
	screenshot(t, ctx, "admin-users-keyboard-confirm")
	browserRun(t, ctx, chromedp.Focus(chromedp.ID(reset))) // (the screenshot's resize may blur it)
	key("\r")
	if err := waitAfterSubmit(ctx, "main", "Two-factor authentication reset"); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.db.AdminByID(context.Background(), h.ID); a.TOTPSecret != "" {
		t.Error("the secret is still there")
	}
	screenshot(t, ctx, "admin-users-reset")
}
