package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

// TestWalkthroughFlows (issue 16 items 1 to 6) drives the walk-through off its default
// path: old results go when a new token arrives, one customer flows through 6b to 6d
// (a failed 6b picks none), the one-time code counts down and a second exchange says
// why it failed, the token's claims are explained with times, the curl commands use
// $TOKEN and mask the password, and a disabled button says why.
func TestWalkthroughFlows(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathCustomerTokenLifetime, "2.5")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	helped := e.customer("customer1@mail.com", "password")
	e.customer("plain@mail.com", "password") // does not allow remote shopping assistance
	e.svc.UpdateCustomer(auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: helped.ID, UserType: auth.UserTypeCustomer}}),
		auth.CustomerInput{AllowAssistance: ptr(true)}, false)
	ctx := browser(t)
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	text := func(id string) string {
		t.Helper()
		return eval(`document.getElementById(` + quoteJS(id) + `).textContent`)
	}
	wait := func(id, want string) {
		t.Helper()
		if err := waitText(ctx, id, want); err != nil {
			t.Fatalf("%s: want %q: %v\n%s", id, want, err, text(id))
		}
	}
	click := func(id string) {
		t.Helper()
		run(chromedp.WaitEnabled(chromedp.ID(id)), chromedp.Click(chromedp.ID(id)))
	}

	run(chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitVisible(chromedp.ID("signin-go")))
	// 6: a sticky step navigator; no TOTP field with 2FA off; a disabled button says why.
	if p := eval(`getComputedStyle(document.getElementById("stepnav")).position`); p != "sticky" {
		t.Errorf("step navigator position %q", p)
	}
	if n := eval(`String(document.querySelectorAll("#admin-otp").length)`); n != "0" {
		t.Error("a TOTP field with 2FA off")
	}
	if d := eval(`String(document.getElementById("query-go").disabled) + " " + document.getElementById("query-go").getAttribute("aria-describedby")`); d != "true why-query" ||
		text("why-query") != "Needs a token: sign in first (step 1)." {
		t.Errorf("disabled query button: %s %q", d, text("why-query"))
	}
	// 4: code blocks wrap at spaces and punctuation, breaking a word only when it must.
	if ws := eval(`(s => s.wordBreak + " " + s.overflowWrap)(getComputedStyle(document.querySelector("pre") || document.body.appendChild(document.createElement("pre"))))`); ws != "normal anywhere" {
		t.Errorf("pre wraps with %q", ws)
	}

	click("signin-go")
	wait("signin-out", "HTTP 200")
	// 3: the countdown in h/min/s.
	if c := text("countdown"); !regexp.MustCompile(`^2 h (29 min \d+|30 min 0) s$`).MatchString(c) {
		t.Errorf("countdown %q", c)
	}
	if cls := eval(`document.getElementById("nav-1").className`); cls != "done" {
		t.Errorf("step 1 in the navigator: %q", cls)
	}
	// 5: the password is masked, with a reveal.
	req := func() string { return eval(`document.querySelector("#signin-out pre.request").textContent`) }
	if r := req(); !strings.Contains(r, `"password":"••••••••"`) {
		t.Errorf("masked: %s", r)
	}
	run(chromedp.Click(chromedp.CSS(`#signin-out button[aria-pressed]`)))
	if r := req(); !strings.Contains(r, `"password":"password"`) {
		t.Errorf("revealed: %s", r)
	}
	run(chromedp.Click(chromedp.CSS(`#signin-out button[aria-pressed]`)))
	tok := eval(`document.querySelector("#token-shell pre").textContent`)
	if !strings.HasPrefix(tok, "TOKEN='eyJ") {
		t.Fatalf("shell line %q", tok)
	}
	click("query-go")
	wait("query-out", "HTTP 200")
	if r := eval(`document.querySelector("#query-out pre.request").textContent`); !strings.Contains(r, `-H "Authorization: Bearer $TOKEN"`) || strings.Contains(r, "eyJ") {
		t.Errorf("step 3 shows the token again: %s", r)
	}
	click("revoke-go")
	wait("revoke-out", "HTTP 200")
	click("again-go")
	wait("again-out", "HTTP 401")
	if r := eval(`document.querySelector("#again-out pre.request").textContent`); !strings.HasPrefix(r, "curl -si ") {
		t.Errorf("step 5 without -i: %s", r)
	}

	// 2: a failed 6b picks no customer.
	click("admin-go")
	wait("admin-out", "HTTP 200")
	run(chromedp.SetValue(chromedp.ID("lac-email"), "plain@mail.com"))
	click("lac-go")
	wait("lac-out", "HTTP 403")
	if d := eval(`String(document.getElementById("otc-go").disabled)`); d != "true" || text("why-otc") != "Needs a customer: log in as one first (6b)." ||
		eval(`document.getElementById("exchange-email").value`) != "" {
		t.Errorf("after a failed 6b: otc disabled %s (%q), exchange email %q", d, text("why-otc"), eval(`document.getElementById("exchange-email").value`))
	}
	if text("again-out") == "" {
		t.Error("a failed 6b cleared the results of the token still in step 2")
	}
	// 1: a new token clears the old token's results.
	run(chromedp.SetValue(chromedp.ID("lac-email"), "customer1@mail.com"))
	click("lac-go")
	wait("lac-out", "HTTP 200")
	for _, id := range []string{"query-out", "revoke-out", "again-out"} {
		if s := text(id); s != "" {
			t.Errorf("%s still shows the previous token's answer: %s", id, s)
		}
	}
	if w := text("token-whose"); w != "Customer #2 (customer1@mail.com), for admin #1 acting for them (login as customer)." {
		t.Errorf("whose: %q", w)
	}
	if f := text("otc-for"); f != "For customer #2 (customer1@mail.com), the one 6b signed in as." {
		t.Errorf("6c for %q", f)
	}
	click("otc-go")
	wait("otc-out", "HTTP 200")
	wait("otc-left", "The code is valid for ")
	if em := eval(`document.getElementById("exchange-email").value`); em != "customer1@mail.com" {
		t.Errorf("6d email %q", em)
	}
	click("exchange-go")
	wait("exchange-out", "HTTP 200")
	wait("otc-left", "The code was used: it works once.")
	// The same code again: Magento's answer, and the page says why.
	click("exchange-go")
	wait("exchange-out", "HTTP 401")
	wait("exchange-why", "The code was used already")
	if r := eval(`document.querySelector("#exchange-out pre.response").textContent`); !strings.Contains(r, auth.MsgSignInIncorrect) {
		t.Errorf("API answer: %s", r)
	}
	screenshot(t, ctx, "walkthrough-flows")
}
