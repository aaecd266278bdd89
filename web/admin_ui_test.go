package web_test

import (
	"context"
	"testing"

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
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitVisible(chromedp.ID("signin-go")), chromedp.Click(chromedp.ID("signin-go")))
	if err := waitText(ctx, "signin-out", "HTTP 200"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "dark-walkthrough")
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin"), chromedp.WaitVisible(chromedp.ID("username")))
	if id := activeID(t, ctx); id != "username" {
		t.Errorf("admin sign-in focuses %q", id)
	}
	screenshot(t, ctx, "dark-admin-login")
	browserRun(t, ctx, chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), "admin123"),
		chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.ID("customers")))
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
