package web_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

var (
	shotDirOnce sync.Once
	shotDir     string
	// shotDirIsTemp: the folder is ours, removed when the tests end (each run made about
	// 9 MB of PNGs); set SHOPAUTH_SCREENS to keep them and look.
	shotDirIsTemp bool
)

// browser starts headless Chromium (Debian's package) for a test, or skips with a
// clear message when it is not installed (.ci/run installs it).
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("browser test: Debian chromium not installed (apt-get install chromium)")
	}
	var out bytes.Buffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1366, 850), chromedp.CombinedOutput(&out))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v\n%s", err, out.String())
	}
	// A script error or anything the CSP blocked fails the test: the pages must work
	// under their own policy.
	var mu sync.Mutex
	var bad []string
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Refused to") {
				mu.Lock()
				bad = append(bad, m.String())
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range bad {
			t.Errorf("browser console: %s", m)
		}
	})
	return ctx
}

// screenshot saves the page at desktop and phone widths into $SHOPAUTH_SCREENS, or into a
// temp folder removed when the tests end.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shotDirOnce.Do(func() {
		// SHOPAUTH_SCREENS names a folder to keep them in (made if need be).
		if shotDir = os.Getenv("SHOPAUTH_SCREENS"); shotDir != "" && os.MkdirAll(shotDir, 0o755) == nil {
			return
		}
		shotDir, _ = os.MkdirTemp("", "shopauth-screens")
		shotDirIsTemp = true
	})
	for _, vp := range []struct {
		label string
		w, h  int64
		phone bool
	}{{"desktop", 1366, 850, false}, {"phone", 390, 844, true}} {
		var opts []chromedp.EmulateViewportOption
		if vp.phone {
			opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h, opts...)); err != nil {
			t.Fatal(err)
		}
		// Nothing wider than the screen, and every control has a label.
		// (What a scrolling or clipping box holds inside it does not widen the page.)
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const W = document.documentElement.clientWidth;
			const clipped = (e) => {
				for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
					if (getComputedStyle(p).overflowX !== "visible" && p.getBoundingClientRect().right <= W + 1) return true;
				}
				return false;
			};
			const wide = [...document.querySelectorAll("body *")]
				.filter(e => e.getBoundingClientRect().right > W + 1 && !clipped(e))
				.map(e => e.tagName + "#" + e.id + "." + e.className);
			if (document.documentElement.scrollWidth > W + 1) wide.push("page scrollWidth " + document.documentElement.scrollWidth);
			// Nor out of the bordered box it sits in (a card, a panel, a fieldset).
			for (const e of document.querySelectorAll(".step *, .confirm *, .panel *, fieldset.settings *")) {
				const box = e.parentElement.closest(".step, .confirm, .panel, fieldset.settings"), r = e.getBoundingClientRect();
				if (r.width > 0 && r.right > box.getBoundingClientRect().right + 1 && !clipped(e)) wide.push(e.tagName + "#" + e.id + "." + e.className + " out of its box");
			}
			return wide;
		})()`))
		if err != nil || len(overflow) > 0 {
			t.Errorf("%s at %s width: wider than the screen: %v %v", name, vp.label, overflow, err)
		}
		// At desktop size a table fits its column: its side-scroll (.table-wrap) is for
		// phones only.
		if !vp.phone {
			scrolls, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".table-wrap")]
				.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => (e.firstElementChild || e).id + " " + e.scrollWidth + " > " + e.clientWidth)`))
			if err != nil || len(scrolls) > 0 {
				t.Errorf("%s at %s width: a table scrolls sideways: %v %v", name, vp.label, scrolls, err)
			}
		}
		// (A label element, or aria-label / aria-labelledby. GraphiQL's own controls, its
		// editors' inputs and its docs search box, are its markup, not ours.)
		unlabeled, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
			.filter(e => (!e.labels || e.labels.length === 0) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby") && !e.closest(".graphiql-container"))
			.map(e => e.id || e.name)`))
		if err != nil || len(unlabeled) > 0 {
			t.Errorf("%s: controls without a label: %v %v", name, unlabeled, err)
		}
		// Text contrast (WCAG AA: 4.5, 3 for large text) against the first opaque
		// background behind it; GraphiQL's own styles are its own.
		low, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](contrastJS))
		if err != nil || len(low) > 0 {
			t.Errorf("%s at %s width: low contrast: %v %v", name, vp.label, low, err)
		}
		// From the top: a sticky bar is drawn where the window is scrolled to.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(shotDir, name+"-"+vp.label+".png")
		os.WriteFile(file, png, 0o644)
		t.Logf("screenshot: %s", file)
	}
	// Back to the desktop size, and wait until the page is laid out again, so that a
	// click that follows lands where the button now is.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 850),
		chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
}

// contrastJS lists visible text whose contrast with its background is below WCAG AA.
const contrastJS = `(() => {
	const rgb = (c) => { const m = c.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
	const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
	const bg = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0.5) return c; } return [255, 255, 255]; };
	const out = [];
	for (const e of document.querySelectorAll("body *")) {
		if (e.closest(".graphiql-container") || ![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
		const r = e.getBoundingClientRect(), s = getComputedStyle(e);
		if (r.width === 0 || r.height === 0 || s.visibility === "hidden" || r.bottom < 0) continue;
		const a = lum(rgb(s.color)), b = lum(bg(e));
		const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
		const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
		if (ratio < need) out.push(e.tagName + "#" + e.id + "." + e.className + " " + ratio.toFixed(2) + " " + JSON.stringify(e.textContent.trim().slice(0, 30)));
	}
	return out;
})()`

func waitText(ctx context.Context, id, contains string) error {
	return chromedp.Do(ctx, chromedp.Poll[chromedp.Void](
		`(document.getElementById(`+quoteJS(id)+`)||{}).textContent && document.getElementById(`+quoteJS(id)+`).textContent.includes(`+quoteJS(contains)+`)`,
		chromedp.WithPollingTimeout(30*time.Second)))
}

func quoteJS(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// TestWalkthrough runs the workshop walk-through from start to end as a participant
// would, with the default values of every field (the demo data): sign in, the decoded
// token and its live countdown, the customer query, revoke, the same request failing,
// then the admin path. Each shown curl command is run too, and must answer what the
// page showed.
func TestWalkthrough(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("customer@example.com", "password")
	helped := e.customer("customer1@mail.com", "password")
	if helped.ID != 2 {
		t.Fatalf("the page's default customer id is 2 (the demo data), got %d", helped.ID)
	}
	e.svc.UpdateCustomer(auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: helped.ID, UserType: auth.UserTypeCustomer}}),
		auth.CustomerInput{AllowAssistance: ptr(true)}, false)
	ctx := browser(t)
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	step := func(button, out, want string) {
		t.Helper()
		run(chromedp.WaitEnabled(chromedp.ID(button)), chromedp.Click(chromedp.ID(button)))
		if err := waitText(ctx, out, want); err != nil {
			t.Fatalf("%s: %v\n%s", out, err, text("#"+out))
		}
	}
	// replay runs the curl command a step shows and compares its answer with the page's.
	replay := func(out string) {
		t.Helper()
		cmd := text("#" + out + " pre.request")
		// Step 2's shell line, as the page says to run it first (what its Copy button
		// copies: step 2 may be folded by now).
		line, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#token-shell pre.token-line").textContent`))
		if err != nil {
			t.Fatal(err)
		}
		got, err := exec.Command("sh", "-c", line+"\n"+cmd).Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", out, err, cmd)
		}
		if strings.Contains(cmd, "curl -si") { // -i: the status line and headers first
			head, body, _ := strings.Cut(string(got), "\r\n\r\n")
			if st := text("#" + out + " h3 span"); !strings.HasPrefix(head, "HTTP/1.1 "+strings.TrimPrefix(st, "HTTP ")+" ") {
				t.Errorf("%s: curl -i answered %q, the page showed %s", out, head, st)
			}
			got = []byte(body)
		}
		if want := text("#" + out + " pre.response"); compact(t, string(got)) != compact(t, want) {
			t.Errorf("%s: curl answered %s\nthe page showed %s", out, got, want)
		}
	}

	run(chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitVisible(chromedp.ID("signin-go")))
	screenshot(t, ctx, "walkthrough-start")
	// Keyboard focus is visible: a dark outline plus a yellow ring. (Headless Chromium
	// draws focus only when told that its window has focus.)
	run(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return chromedp.Void{}, err
	}, chromedp.Focus(chromedp.ID("email")))
	if ring, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(s => s.outlineStyle + " " + s.outlineWidth + " " + s.boxShadow)(getComputedStyle(document.activeElement))`)); err != nil ||
		ring != "solid 3px rgb(244, 180, 0) 0px 0px 0px 6px" {
		t.Errorf("focus style: %q %v", ring, err)
	}
	step("signin-go", "signin-out", "HTTP 200")
	claims := text("#token-claims-rows")
	if !strings.Contains(claims, "uid\t1\tthe user's id: customer #1\n") || !strings.Contains(claims, "utypid\t3\tuser type: 3 = customer") ||
		!regexp.MustCompile(`exp\t\d+\texpires at: .+ \(local\), \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n`).MatchString(claims) {
		t.Fatalf("claims %q", claims)
	}
	if w := text("#token-whose"); w != "Customer #1 (customer@example.com), signed in with a password." {
		t.Errorf("whose: %q", w)
	}
	if h := text("#token-header"); h != `{"kid":"1","alg":"HS256"}` {
		t.Errorf("header %q", h)
	}
	if curl := text("#signin-out pre.request"); !strings.HasPrefix(curl, "curl -s -X POST "+e.srv.URL+"/graphql \\\n  -H 'Content-Type: application/json' \\\n  -d '") ||
		!strings.Contains(curl, `"password":"••••••••"`) || strings.Contains(curl, `"password":"password"`) {
		t.Errorf("request shown: %q", curl)
	}
	// The countdown is live: it shows 59 min something, and then changes.
	first := text("#countdown")
	if !regexp.MustCompile(`^(59 min \d+ s|1 h 0 min 0 s)$`).MatchString(first) {
		t.Errorf("countdown %q", first)
	}
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.getElementById("countdown").textContent !== `+quoteJS(first),
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the countdown does not move: %v", err)
	}
	step("query-go", "query-out", `"email": "customer@example.com"`)
	replay("query-out")
	step("revoke-go", "revoke-out", `"result": true`)
	if err := waitText(ctx, "countdown", "(but revoked)"); err != nil {
		t.Error(err)
	}
	step("again-go", "again-out", "HTTP 401")
	if got := text("#again-out pre.response"); compact(t, got) != `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}` {
		t.Errorf("after revoke: %s", got)
	}
	replay("again-out")
	screenshot(t, ctx, "walkthrough")

	// The admin path, with the fields as they are.
	step("admin-go", "admin-out", "HTTP 200")
	step("lac-go", "lac-out", `"customer_token"`)
	// Step 2 is folded to a line now; the step navigator opens it again.
	if s := text("#sum-2"); !strings.Contains(s, "Customer #2 (customer1@mail.com), for admin #1") {
		t.Errorf("step 2 folded: %q", s)
	}
	run(chromedp.Click(chromedp.ID("nav-2")), chromedp.WaitVisible(chromedp.ID("token-claims-rows")))
	if c := text("#token-claims-rows"); !strings.Contains(c, "uid\t2\t") || !strings.Contains(c, "admin_id\t1\tthe admin (#1) acting for the customer") {
		t.Errorf("claims after login as customer: %s", c)
	}
	step("otc-go", "otc-out", `"otp"`)
	if !strings.Contains(text("#otc-out pre.request"), "/rest/V1/customer/2/otp") {
		t.Errorf("one-time code for the wrong customer: %s", text("#otc-out pre.request"))
	}
	step("exchange-go", "exchange-out", `"token"`)
	run(chromedp.Click(chromedp.ID("nav-2")), chromedp.WaitVisible(chromedp.ID("token-claims-rows")))
	if c := text("#token-claims-rows"); !strings.Contains(c, "uid\t2\t") || !strings.Contains(c, "admin_id\t1\t") {
		t.Errorf("claims after the exchange: %s", c)
	}
	step("query-go", "query-out", `"email": "customer1@mail.com"`)
	replay("query-out")
	screenshot(t, ctx, "walkthrough-admin")
	// One Copy button for every command shown: signin, token, query, admin (and its shell line), lac, otc, exchange.
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("button.copy[aria-label='Copy the command']").length`)); n != 8 {
		t.Errorf("copy buttons: %d", n)
	}
}

func TestStartPage(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/", "", "", nil)
	if r.status != 200 || !strings.Contains(r.body, "shopauth is running") {
		t.Fatalf("start page: %d %s", r.status, r.body)
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
		if r.header.Get(h) != want {
			t.Errorf("%s: %q", h, r.header.Get(h))
		}
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	e.set(auth.PathCustomerTokenLifetime, "0.25")
	r = e.do("GET", "/", "", "", nil)
	for _, want := range []string{"<dt>Version</dt><dd>test</dd>",
		"<dt>GraphQL endpoint</dt><dd><code>" + e.srv.URL + "/graphql</code>",
		`<a href="/walkthrough">Walk-through</a>`, `<a href="/admin">Admin page</a>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("start page lacks %s", want)
		}
	}
	// Its GraphQL link answers in a browser.
	link := regexp.MustCompile(`<a href="(/graphql\?query=[^"]+)">try one</a>`).FindStringSubmatch(r.body)
	if link == nil {
		t.Fatal("no GraphQL link")
	}
	expect(t, e.do("GET", link[1], "", "", nil), 200,
		`{"data":{"storeConfig":{"store_name":"Default Store View","customer_access_token_lifetime":0.25,"minimum_password_length":"8"}}}`)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	title, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if title != "shopauth is running" {
		t.Errorf("h1 %q", title)
	}
	screenshot(t, ctx, "start")
}

// TestWalkthroughTwoFactor: with 2FA on, the admin step sends the code to the TOTP
// endpoint, and the token it gets drives the next step.
func TestWalkthroughTwoFactor(t *testing.T) {
	e := newEnv(t)
	e.admin("admin", "admin123")
	helped := e.customer("customer1@mail.com", "password")
	e.svc.UpdateCustomer(auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: helped.ID, UserType: auth.UserTypeCustomer}}),
		auth.CustomerInput{AllowAssistance: ptr(true)}, false)
	a, err := e.svc.SetupTOTP(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	code, _ := auth.TOTPCode(a.TOTPSecret, e.clock.Now())
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitVisible(chromedp.ID("admin-go")),
		chromedp.SendKeys(chromedp.ID("admin-otp"), code), chromedp.WaitEnabled(chromedp.ID("admin-go")), chromedp.Click(chromedp.ID("admin-go"))); err != nil {
		t.Fatal(err)
	}
	if err := waitText(ctx, "admin-out", "HTTP 200"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "walkthrough-2fa")
	req, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#admin-out pre.request")))
	if want := "curl -s -X POST " + e.srv.URL + "/rest/V1/tfa/provider/google/authenticate \\\n  -H 'Content-Type: application/json' \\\n" +
		`  -d '{"username":"admin","password":"••••••••","otp":"` + code + `"}'`; req != want {
		t.Errorf("request shown:\n%s\nwant\n%s", req, want)
	}
	if err := chromedp.Do(ctx, chromedp.WaitEnabled(chromedp.ID("lac-go")), chromedp.Click(chromedp.ID("lac-go"))); err != nil {
		t.Fatal(err)
	}
	if err := waitText(ctx, "lac-out", `"customer_token"`); err != nil {
		t.Fatal(err)
	}
}
