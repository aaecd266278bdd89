package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

// browserRun is chromedp.Do that fails the test.
func browserRun(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// emulate turns on focus drawing (headless Chromium draws focus only when told its
// window has it) and, with dark, the system's dark colour scheme.
func emulate(t *testing.T, ctx context.Context, dark bool) {
	t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	browserRun(t, ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return chromedp.Void{}, err
	})
}

// pollAcrossNavigation polls expr until it is true, also across the navigation a form
// submit starts: a poll that runs while the page is replaced fails ("navigated or
// closed", "Cannot find context") and is simply run again.
func pollAcrossNavigation(ctx context.Context, expr string) error {
	var err error
	for i := 0; i < 20; i++ {
		err = chromedp.Do(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second)))
		if err == nil || !(strings.Contains(err.Error(), "navigated or closed") || strings.Contains(err.Error(), "Cannot find context")) {
			return err
		}
	}
	return err
}

// waitAfterSubmit is waitText across a navigation.
func waitAfterSubmit(ctx context.Context, id, contains string) error {
	return pollAcrossNavigation(ctx, `(document.getElementById(`+quoteJS(id)+`)||{}).textContent && document.getElementById(`+quoteJS(id)+`).textContent.includes(`+quoteJS(contains)+`)`)
}

func activeID(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.activeElement.id || document.activeElement.className || document.activeElement.tagName)`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPagesDarkModeSkipLinkFocus (issue 16 item 15): with the system in dark mode every
// page switches to dark colours that keep WCAG AA contrast (screenshot checks it); the
// first Tab reaches a visible skip link; the admin sign-in focuses its first field.
func TestPagesDarkModeSkipLinkFocus(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	ctx := browser(t)
	emulate(t, ctx, true)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if bg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`)); bg != "rgb(22, 24, 29)" {
		t.Errorf("dark mode background %q", bg)
	}
	browserRun(t, ctx, chromedp.KeyEvent("\t"))
	if id := activeID(t, ctx); id != "skip" {
		t.Errorf("first Tab reaches %q", id)
	}
	if top, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.activeElement.getBoundingClientRect().top`)); top < 0 {
		t.Errorf("the focused skip link is off screen (top %v)", top)
	}
	screenshot(t, ctx, "dark-start")
	// (The button is enabled once the page's script is running; a click before that did
	// nothing, or once submitted the form natively.)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitEnabled(chromedp.ID("signin-go")), chromedp.Click(chromedp.ID("signin-go")))
	if err := waitText(ctx, "signin-out", "HTTP 200"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "dark-walkthrough")
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin"), chromedp.WaitVisible(chromedp.ID("username")))
	// autofocus applies once the page is first rendered, a moment after the field is in
	// the DOM (on a loaded machine later still): wait for it rather than look at once.
	if err := pollAcrossNavigation(ctx, `document.activeElement && document.activeElement.id === "username"`); err != nil {
		t.Errorf("admin sign-in focuses %q: %v", activeID(t, ctx), err)
	}
	screenshot(t, ctx, "dark-admin-login")
	browserRun(t, ctx, chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), "admin123"),
		chromedp.Click(chromedp.ID("signin")))
	if err := waitAfterSubmit(ctx, "customers", "customer@example.com"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "dark-admin-customers")
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/settings"), chromedp.WaitVisible(chromedp.ID("save")))
	screenshot(t, ctx, "dark-admin-settings")
}

// adminBrowser signs in to the admin page in Chromium (2FA off) and returns the tab.
func adminBrowser(t *testing.T, e *env) context.Context {
	t.Helper()
	ctx := browser(t)
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin"), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), "admin123"),
		chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.ID("customers")))
	return ctx
}

// TestAdminKeyboardSettings (issue 16 items 13 and 15): the admin sign-in and a settings
// change with the keyboard alone, a focus ring on every stop; the message names the
// change; an edit left unsaved when the session times out comes back after signing in
// again, on the page it was made on.
func TestAdminKeyboardSettings(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	ctx := browser(t)
	emulate(t, ctx, false)
	key := func(keys string, opts ...chromedp.KeyOption) {
		t.Helper()
		browserRun(t, ctx, chromedp.KeyEvent(keys, opts...))
	}
	selectAll := func() { t.Helper(); key("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)) }
	ring := func() {
		t.Helper()
		if r, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(s => s.outlineStyle + " " + s.outlineWidth)(getComputedStyle(document.activeElement))`)); err != nil || r != "solid 3px" {
			t.Errorf("no focus ring on %s: %q %v", activeID(t, ctx), r, err)
		}
	}
	signIn := func() {
		t.Helper()
		// (autofocus applies when the page is first rendered, just after it is shown)
		if err := pollAcrossNavigation(ctx, `document.activeElement && document.activeElement.id === "username"`); err != nil {
			t.Fatalf("sign-in page focuses %q: %v", activeID(t, ctx), err)
		}
		ring()
		key("admin")
		key("\t")
		ring()
		key("admin123")
		key("\r")
	}

	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin"))
	signIn()
	if err := waitAfterSubmit(ctx, "customers", "customer@example.com"); err != nil {
		t.Fatal(err)
	}
	// Tab to the Settings link, with a visible ring at each stop.
	found := false
	for i := 0; i < 30 && !found; i++ {
		key("\t")
		ring()
		href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute("href") || ""`))
		found = href == "/admin/settings"
	}
	if !found {
		t.Fatal("Tab never reached the Settings link")
	}
	key("\r")
	if err := waitAfterSubmit(ctx, "save", "Save settings"); err != nil {
		t.Fatal(err)
	}
	if err := pollAcrossNavigation(ctx, `document.activeElement && document.activeElement.id === "f-0"`); err != nil {
		t.Fatalf("settings page focuses %q: %v", activeID(t, ctx), err)
	}
	// Save stays in reach: the save bar is on screen without scrolling.
	if bottom, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("save").getBoundingClientRect().bottom - window.innerHeight`)); bottom > 0 {
		t.Errorf("Save is %v px below the window", bottom)
	}
	selectAll()
	key("2.5")
	key("\r")
	if err := waitAfterSubmit(ctx, "main", "Saved. Customer token lifetime (hours): 2.5."); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "admin-settings-saved")
	if got := e.svc.Settings().Get(auth.PathCustomerTokenLifetime); got != "2.5" {
		t.Errorf("lifetime %q", got)
	}

	// An edit, then the session times out before Save.
	key("\t") // from the first field (focused again) to the second
	if id := activeID(t, ctx); id != "f-1" {
		t.Fatalf("second field: %q", id)
	}
	selectAll()
	key("3")
	e.clock.Add(901 * time.Second)
	key("\r")
	if err := waitAfterSubmit(ctx, "expired", "Your session ended."); err != nil {
		t.Fatal(err)
	}
	if err := waitText(ctx, "login-next", "/admin/settings"); err != nil {
		t.Error(err)
	}
	signIn()
	if err := waitAfterSubmit(ctx, "draft-note", "Your unsaved changes are back (Admin token lifetime (hours))"); err != nil {
		t.Fatal(err)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-1").value`)); v != "3" {
		t.Errorf("restored value %q", v)
	}
	if got := e.svc.Settings().Get(auth.PathAdminTokenLifetime); got != "4" {
		t.Errorf("saved while signed out: %q", got)
	}
	screenshot(t, ctx, "admin-settings-draft")
	browserRun(t, ctx, chromedp.Click(chromedp.ID("save")))
	if err := waitAfterSubmit(ctx, "main", "Saved. Admin token lifetime (hours): 3."); err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`String(sessionStorage.getItem("shopauth.settingsDraft"))`)); n != "null" {
		t.Errorf("draft kept after saving: %s", n)
	}
}
