package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
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

// pageHeights measures the page (document height, CSS px) at desktop (1366x850) and
// phone (390x844) width, and leaves the tab at desktop size.
func pageHeights(t *testing.T, ctx context.Context) (desktop, phone int) {
	t.Helper()
	measure := func() int {
		t.Helper()
		h, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(document.documentElement.scrollHeight))))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	browserRun(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	phone = measure()
	browserRun(t, ctx, chromedp.EmulateViewport(1366, 850))
	desktop = measure()
	return desktop, phone
}

// TestWalkthroughFolding (issue 16 item 6) walks the whole page with its default values
// as a presenter does: a completed step folds to one line with its result when a later
// step is used, the step in use stays open, Show (mouse or keyboard) and the step
// navigator open a folded step again; every disabled button says why in words on the
// page. It logs the page height after every step at desktop and phone width (before
// folding, the walk reached 4,932 px and 7,654 px). Without JavaScript the buttons stay
// disabled and say why, so no form is sent with the password in its URL.
func TestWalkthroughFolding(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	helped := e.customer("customer1@mail.com", "password")
	e.svc.UpdateCustomer(auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: helped.ID, UserType: auth.UserTypeCustomer}}),
		auth.CustomerInput{AllowAssistance: ptr(true)}, false)
	ctx := browser(t)
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	// state is each step's fold state: "open", "folded" (body hidden, its line shown),
	// or "open-new" (open and not completed: no Show/Hide button).
	state := func() string {
		t.Helper()
		return eval(`["1","2","3","4","5","6a","6b","6c","6d"].map(u => {
			const body = document.getElementById("body-" + u), sum = document.getElementById("sum-" + u), b = document.getElementById("fold-" + u);
			const st = b.hidden ? "new" : body.hidden && !sum.hidden && b.getAttribute("aria-expanded") === "false" && b.textContent === "Show" ? "folded" :
				!body.hidden && sum.hidden && b.getAttribute("aria-expanded") === "true" && b.textContent === "Hide" ? "open" : "inconsistent";
			return u + ":" + st;
		}).join(" ")`)
	}
	// whyless lists disabled buttons without words on the page saying why.
	whyless := func() string {
		return eval(`[...document.querySelectorAll("button:disabled")].filter(b => {
			const w = document.getElementById(b.getAttribute("aria-describedby") || "");
			return !w || w.hidden || !w.textContent.trim() || !w.getClientRects().length;
		}).map(b => b.id).join(" ")`)
	}
	browserRun(t, ctx, chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitEnabled(chromedp.ID("signin-go")))
	if s := state(); s != "1:new 2:new 3:new 4:new 5:new 6a:new 6b:new 6c:new 6d:new" {
		t.Errorf("at the start: %s", s)
	}
	maxD, maxP := 0, 0
	for _, s := range []struct{ button, out, want, state, sum string }{
		{"signin-go", "signin-out", "HTTP 200", "1:open 2:open 3:new 4:new 5:new 6a:new 6b:new 6c:new 6d:new", ""},
		{"query-go", "query-out", "HTTP 200", "1:folded 2:folded 3:open 4:new 5:new 6a:new 6b:new 6c:new 6d:new",
			"1 HTTP 200 – a customer token for customer@example.com, in step 2."},
		{"revoke-go", "revoke-out", "HTTP 200", "1:folded 2:folded 3:folded 4:open 5:new 6a:new 6b:new 6c:new 6d:new",
			"3 HTTP 200 – John Smith, customer@example.com."},
		{"again-go", "again-out", "HTTP 401", "1:folded 2:folded 3:folded 4:folded 5:open 6a:new 6b:new 6c:new 6d:new",
			"4 HTTP 200 – the token is revoked."},
		{"admin-go", "admin-out", "HTTP 200", "1:folded 2:folded 3:folded 4:folded 5:folded 6a:open 6b:new 6c:new 6d:new",
			"5 HTTP 401 – User token has been revoked: the revoked token is refused."},
		// A new token in step 2: steps 3 to 5 start again, open and empty.
		{"lac-go", "lac-out", "HTTP 200", "1:folded 2:folded 3:new 4:new 5:new 6a:folded 6b:open 6c:new 6d:new",
			"6a HTTP 200 – an admin token for admin, in $ADMIN_TOKEN."},
		{"otc-go", "otc-out", "HTTP 200", "1:folded 2:folded 3:new 4:new 5:new 6a:folded 6b:folded 6c:open 6d:new",
			"6b HTTP 200 – customer #2 (customer1@mail.com); the token is in step 2."},
		{"exchange-go", "exchange-out", "HTTP 200", "1:folded 2:folded 3:new 4:new 5:new 6a:folded 6b:folded 6c:folded 6d:open",
			"6c HTTP 200 – a code for customer #2. The code was used: it works once."},
		{"query-go", "query-out", "HTTP 200", "1:folded 2:folded 3:open 4:new 5:new 6a:folded 6b:folded 6c:folded 6d:open", ""},
	} {
		browserRun(t, ctx, chromedp.WaitEnabled(chromedp.ID(s.button)), chromedp.Click(chromedp.ID(s.button)))
		if err := waitText(ctx, s.out, s.want); err != nil {
			t.Fatalf("%s: %v", s.out, err)
		}
		if got := state(); got != s.state {
			t.Errorf("after %s:\n got %s\nwant %s", s.button, got, s.state)
		}
		if s.sum != "" {
			u, want, _ := strings.Cut(s.sum, " ")
			if got := eval(`document.getElementById("sum-` + u + `").innerText`); got != want {
				t.Errorf("after %s, step %s folds to %q, want %q", s.button, u, got, want)
			}
		}
		if w := whyless(); w != "" {
			t.Errorf("after %s, disabled buttons that do not say why: %s", s.button, w)
		}
		d, p := pageHeights(t, ctx)
		maxD, maxP = max(maxD, d), max(maxP, p)
		t.Logf("after %-12s page height: desktop %5d px, phone %5d px", s.button, d, p)
	}
	t.Logf("page height along the walk: at most %d px on desktop, %d px on a phone", maxD, maxP)
	if sum := eval(`document.getElementById("sum-2").innerText`); !regexp.MustCompile(`^Customer #2 \(customer1@mail\.com\), from a one-time code admin #1 made\. Expires in 59 min \d+ s\.$`).MatchString(sum) {
		t.Errorf("step 2 folds to %q", sum)
	}
	screenshot(t, ctx, "walkthrough-folded")

	// Show opens a folded step (the step in use stays open); Hide, here with the
	// keyboard, folds it again; the navigator opens a step too.
	browserRun(t, ctx, chromedp.Click(chromedp.ID("fold-1")))
	if s := state(); !strings.HasPrefix(s, "1:open 2:folded 3:open ") {
		t.Errorf("after Show: %s", s)
	}
	browserRun(t, ctx, chromedp.Focus(chromedp.ID("fold-1")), chromedp.KeyEvent("\r"))
	if s := state(); !strings.HasPrefix(s, "1:folded ") {
		t.Errorf("after Hide with Enter: %s", s)
	}
	browserRun(t, ctx, chromedp.Click(chromedp.ID("nav-6")))
	if s := state(); !strings.HasSuffix(s, " 6a:open 6b:open 6c:open 6d:open") {
		t.Errorf("after the navigator's 6: %s", s)
	}

	// Without JavaScript: every button is disabled and says why.
	browserRun(t, ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return chromedp.Void{}, err
	}, chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitVisible(chromedp.ID("noscript")))
	if d := eval(`[...document.querySelectorAll("form button[type=submit]")].filter(b => !b.disabled).map(b => b.id).join(" ")`); d != "" {
		t.Errorf("enabled without JavaScript: %s", d)
	}
	if w := whyless(); w != "" {
		t.Errorf("without JavaScript, disabled buttons that do not say why: %s", w)
	}
	if w := eval(`document.getElementById("why-signin").textContent`); w != "Waiting for the page's script: each step sends its request from your browser, with JavaScript." {
		t.Errorf("why-signin %q", w)
	}
}
