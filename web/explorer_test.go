package web_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestExplorerServed (issue 16 item 7): a browser opening /graphql (GET, Accept
// text/html, no query) gets the GraphiQL page under the same CSP as every page; any
// other GET is GraphQL's, unchanged. Every asset it loads is served from the binary's
// own files, and the vendored packages carry their licenses and pinned versions.
func TestExplorerServed(t *testing.T) {
	e := newEnv(t)
	html := map[string]string{"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
	r := e.do("GET", "/graphql", "", "", html)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, `<div id="graphiql"`) {
		t.Fatalf("explorer: %d %s\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
	if got := r.header.Get("Content-Security-Policy"); got != csp {
		t.Errorf("explorer CSP %q", got)
	}
	// Not a browser, or a query: GraphQL as before.
	expect(t, e.do("GET", "/graphql", "", "", nil), 400, `{"errors":[{"message":"Unable to parse the request.","extensions":{"category":"graphql-input"}}]}`)
	expect(t, e.do("GET", "/graphql?query=%7BstoreConfig%7Bstore_name%7D%7D", "", "", html), 200, `{"data":{"storeConfig":{"store_name":"Default Store View"}}}`)
	if r := e.do("POST", "/graphql", "", "", html); r.status == 200 && strings.Contains(r.body, "graphiql") {
		t.Errorf("a POST got the explorer")
	}

	assets := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(r.body, -1)
	var vendored []string
	for _, m := range assets {
		a := e.do("GET", m[1], "", "", nil)
		if a.status != 200 || len(a.body) == 0 {
			t.Errorf("%s: %d", m[1], a.status)
		}
		if strings.HasPrefix(m[1], "/static/vendor/") {
			vendored = append(vendored, m[1])
		}
	}
	if len(vendored) != 4 { // react, react-dom, graphiql js + css
		t.Fatalf("vendored assets on the page: %v", vendored)
	}
	src, _ := os.ReadFile("graphiql.go")
	version := func(name string) string {
		m := regexp.MustCompile(name + `\s*=\s*"([0-9.]+)"`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("no %s in graphiql.go", name)
		}
		return string(m[1])
	}
	sources, err := os.ReadFile("static/vendor/SOURCES")
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"graphiql@" + version("graphiqlVersion"), "react@" + version("reactVersion"), "react-dom@" + version("reactVersion")} {
		if lic, err := os.ReadFile("static/vendor/" + pkg + "/LICENSE"); err != nil || !strings.Contains(string(lic), "MIT License") {
			t.Errorf("%s: license %v", pkg, err)
		}
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(pkg) + ` sha512-[A-Za-z0-9+/=]+$`).Match(sources) {
			t.Errorf("%s: not in SOURCES with its integrity hash:\n%s", pkg, sources)
		}
	}
	if css, _ := os.ReadFile("static/vendor/graphiql@" + version("graphiqlVersion") + "/graphiql.min.css"); strings.Contains(string(css), "data:font") {
		t.Error("graphiql.min.css has data: fonts, which the CSP refuses (run tools/vendor-graphiql.sh)")
	}
}

// TestExplorerBrowser opens the explorer in Chromium at desktop and phone size: GraphiQL
// loads its schema by introspection, offers the walk-through's operations with the
// walk-through's token in the Authorization header, and runs a query, with no console
// error and nothing the CSP refused.
func TestExplorerBrowser(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	ctx := browser(t)
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	// The walk-through leaves its token in sessionStorage for the explorer.
	run(chromedp.Navigate(e.srv.URL+"/walkthrough"), chromedp.WaitVisible(chromedp.ID("signin-go")),
		chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem("shopauth.customerToken", `+quoteJS(tok)+`)`))
	run(chromedp.Navigate(e.srv.URL+"/graphql"), chromedp.WaitVisible(chromedp.CSS(".graphiql-container")))
	// The schema arrived: the documentation explorer names the query type.
	run(chromedp.Click(chromedp.CSS(`button[aria-label="Show Documentation Explorer"]`)))
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelector(".graphiql-doc-explorer") && document.querySelector(".graphiql-doc-explorer").textContent.includes("Query")`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("schema not loaded: %v", err)
	}
	tabs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".graphiql-tab .graphiql-tab-button")].map(t => t.textContent.trim())`))
	if err != nil || strings.Join(tabs, ",") != "SignIn,WhoAmI,SignOut,AsAdmin,Exchange,Store" {
		t.Errorf("tabs %q %v", tabs, err)
	}
	// The second tab: who am I, with the token in the header; run it.
	run(chromedp.Click(chromedp.CSS(`.graphiql-tab:nth-child(2) .graphiql-tab-button`)))
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`[...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")].some(c => c.CodeMirror.getValue().includes(`+quoteJS("Bearer "+tok)+`))`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the Authorization header is not the walk-through's token: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue().includes("query WhoAmI")`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("second tab: %v", err)
	}
	run(chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelector(".result-window") && document.querySelector(".result-window").textContent.includes("customer@example.com")`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		res, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(".result-window")||{}).textContent||""`))
		t.Fatalf("query result: %v %q", err, res)
	}
	// The result next to the query, the docs closed (on a phone they leave the editor no room).
	run(chromedp.Click(chromedp.CSS(`button[aria-label="Hide Documentation Explorer"]`)))
	screenshot(t, ctx, "explorer")
}
