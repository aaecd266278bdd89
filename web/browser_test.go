package web_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	shotDirOnce sync.Once
	shotDir     string
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
		chromedp.WindowSize(1280, 900), chromedp.CombinedOutput(&out))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v\n%s", err, out.String())
	}
	return ctx
}

// screenshot saves the page at desktop and phone widths into a temp folder named in the log.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shotDirOnce.Do(func() {
		shotDir, _ = os.MkdirTemp("", "shopauth-screens")
	})
	for _, vp := range []struct {
		label string
		w, h  int64
		phone bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
		var opts []chromedp.EmulateViewportOption
		if vp.phone {
			opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h, opts...)); err != nil {
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
	chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
}

func waitText(ctx context.Context, id, contains string) error {
	return chromedp.Do(ctx, chromedp.Poll[chromedp.Void](
		`(document.getElementById(`+quoteJS(id)+`)||{}).textContent && document.getElementById(`+quoteJS(id)+`).textContent.includes(`+quoteJS(contains)+`)`,
		chromedp.WithPollingTimeout(10*time.Second)))
}

func quoteJS(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

func TestWalkthroughCustomerPath(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitVisible(chromedp.ID("signin-go"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("signin-go"))); err != nil {
		t.Fatal(err)
	}
	if err := waitText(ctx, "signin-out", "HTTP 200"); err != nil {
		t.Fatal(err)
	}
	claims, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("token-claims")))
	if err != nil || !strings.Contains(claims, `"utypid":3`) {
		t.Fatalf("claims %q %v", claims, err)
	}
	header, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("token-header")))
	if header != `{"kid":"1","alg":"HS256"}` {
		t.Errorf("header %q", header)
	}
	if err := waitText(ctx, "countdown", "min"); err != nil {
		t.Fatal(err)
	}
	curl, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#signin-out pre")))
	if !strings.HasPrefix(curl, "curl -s -X POST "+e.srv.URL+"/graphql") || !strings.Contains(curl, "generateCustomerToken") {
		t.Errorf("request shown: %q", curl)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("query-go"))); err != nil {
		t.Fatal(err)
	}
	if err := waitText(ctx, "query-out", `"email": "customer@example.com"`); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("revoke-go"))); err != nil {
		t.Fatal(err)
	}
	if err := waitText(ctx, "revoke-out", `"result": true`); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("again-go"))); err != nil {
		t.Fatal(err)
	}
	if err := waitText(ctx, "again-out", "HTTP 401"); err != nil {
		t.Fatal(err)
	}
	if err := waitText(ctx, "again-out", "User token has been revoked"); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "walkthrough")
}

func TestStartPage(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/", "", "", nil)
	if r.status != 200 || !strings.Contains(r.body, "shopauth is running") || !strings.Contains(r.body, e.path) {
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
