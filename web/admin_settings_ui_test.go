package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

// TestAdminSettingsSections (issue 16, left from item 13): the settings page folds its
// groups. The first is open (its first field has the focus), a group opens when it holds
// an error, a value just saved or a restored unsaved edit, and a folded group says that
// it holds an unsaved edit; all of it works from the keyboard. On a phone the Save bar is
// one line and the page is a fraction of its unfolded height.
func TestAdminSettingsSections(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	ctx := adminBrowser(t, e)
	emulate(t, ctx, false)
	openGroups := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("details.settings")].filter(d => d.open).map(d => d.id).join(" ")`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	key := func(keys string, opts ...chromedp.KeyOption) {
		t.Helper()
		browserRun(t, ctx, chromedp.KeyEvent(keys, opts...))
	}
	field := func(path string) chromedp.CSS { return chromedp.CSS(`[name="` + path + `"]`) }

	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/settings"), chromedp.WaitVisible(chromedp.ID("save")))
	if g := openGroups(); g != "group-0" {
		t.Errorf("open at first: %q, want group-0", g)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("details.settings").length`)); n != 7 {
		t.Errorf("%d groups", n)
	}
	// The keyboard opens the Mail group (its summary, Enter), tabs to the SMTP port and
	// types a wrong one; Enter saves.
	browserRun(t, ctx, chromedp.Focus(chromedp.CSS("#group-5 > summary")))
	key("\r")
	if g := openGroups(); g != "group-0 group-5" {
		t.Fatalf("after Enter on Mail: %q", g)
	}
	key("\t")
	key("\t")
	if id := activeID(t, ctx); id != "f-24" {
		t.Fatalf("two tabs into Mail: %q, want the SMTP port (f-24)", id)
	}
	key("a", chromedp.KeyModifiers(chromedp.ModifierCtrl))
	key("x25")
	// A folded group with an edit says so.
	browserRun(t, ctx, chromedp.Click(chromedp.CSS("#group-6 > summary")), chromedp.SetValue(field(auth.PathWeightUnit), "kgs"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[name="general/locale/weight_unit"]').dispatchEvent(new Event("input", {bubbles: true}))`),
		chromedp.Click(chromedp.CSS("#group-6 > summary")))
	if g := openGroups(); g != "group-0 group-5" {
		t.Errorf("after folding Storefront: %q", g)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".group-changed")].filter(b => !b.hidden).map(b => b.closest("details").id).join(" ")`)); v != "group-5 group-6" {
		t.Errorf("groups marked unsaved: %q, want group-5 group-6", v)
	}
	browserRun(t, ctx, chromedp.Focus(field(auth.PathSMTPPort)))
	key("\r")
	if err := waitAfterSubmit(ctx, "main", "Nothing was saved: correct the marked fields."); err != nil {
		t.Fatal(err)
	}
	if g := openGroups(); g != "group-0 group-5" {
		t.Errorf("with an error in Mail: %q, want group-0 group-5", g)
	}
	if s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#group-5 > summary").innerText.replace(/\s+/g, " ")`)); s != "Mail 7 settings 1 to correct" {
		t.Errorf("Mail's summary: %q", s)
	}
	screenshot(t, ctx, "admin-settings-error")
	// Correct it; Storefront's edit was sent with the form and is still there.
	browserRun(t, ctx, chromedp.SetValue(field(auth.PathSMTPPort), "2525"), chromedp.Click(chromedp.ID("save")))
	if err := waitAfterSubmit(ctx, "main", "Saved."); err != nil {
		t.Fatal(err)
	}
	if got := e.svc.Settings().Get(auth.PathSMTPPort) + " " + e.svc.Settings().Get(auth.PathWeightUnit); got != "2525 kgs" {
		t.Errorf("saved %q", got)
	}
	if g := openGroups(); g != "group-0 group-5 group-6" {
		t.Errorf("after saving Mail and Storefront values: %q", g)
	}

	// An edit left unsaved (kept in the tab) opens its group when the page comes back.
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/customers"), chromedp.WaitVisible(chromedp.ID("customers")),
		chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem("shopauth.settingsDraft", JSON.stringify({"customer/password/lockout_failures": "7"}))`),
		chromedp.Navigate(e.srv.URL+"/admin/settings"))
	if err := waitAfterSubmit(ctx, "draft-note", "Your unsaved changes are back"); err != nil {
		t.Fatal(err)
	}
	if g := openGroups(); g != "group-0 group-2" {
		t.Errorf("with a restored edit in Customer accounts: %q", g)
	}
	browserRun(t, ctx, chromedp.Click(chromedp.ID("draft-discard")))
	if err := waitAfterSubmit(ctx, "save", "Save settings"); err != nil {
		t.Fatal(err)
	}

	// On a phone: one line of Save bar, and the page with its groups folded.
	phone := func() {
		t.Helper()
		browserRun(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	}
	phone()
	if g := openGroups(); g != "group-0" {
		t.Fatalf("open on the phone: %q", g)
	}
	bar, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector(".savebar").getBoundingClientRect().height`))
	btn, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("save").getBoundingClientRect().height`))
	if bar > btn+16 {
		t.Errorf("phone Save bar %v px high for a %v px button: more than one line", bar, btn)
	}
	folded, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	unfolded, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => { for (const d of document.querySelectorAll("details.settings")) d.open = true; return document.documentElement.scrollHeight; })()`))
	t.Logf("settings page on a 390 px phone: %v px high (Save bar %v px), %v px with every group open", folded, bar, unfolded)
	if folded > 2200 {
		t.Errorf("settings page on a phone: %v px high", folded)
	}
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/settings"), chromedp.WaitVisible(chromedp.ID("save")))
	screenshot(t, ctx, "admin-settings-folded")
}
