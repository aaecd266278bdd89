package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestExplorerPhone (issue 16, left from item 7): on a 390 px phone GraphiQL's sidebar is
// a row of its buttons above the tabs, so the query editor has the window's width; the
// documentation still opens (above the editors) and closes again.
func TestExplorerPhone(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	browserRun(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(e.srv.URL+"/graphql"), chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")))
	rect := func(sel string) map[string]float64 {
		t.Helper()
		r, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height}))(document.querySelector(`+quoteJS(sel)+`).getBoundingClientRect())`))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return r
	}
	side, editor, sessions := rect(".graphiql-sidebar"), rect(".graphiql-query-editor .CodeMirror"), rect(".graphiql-sessions")
	t.Logf("phone: sidebar %vx%v, query editor %v px wide of 390", side["width"], side["height"], editor["width"])
	if side["bottom"] > sessions["top"]+1 || side["height"] > 70 {
		t.Errorf("the sidebar is not a row above the editors: sidebar %v, sessions %v", side, sessions)
	}
	if editor["width"] < 260 {
		t.Errorf("query editor %v px wide on a 390 px phone", editor["width"])
	}
	// The five sidebar buttons are on screen, in one row.
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll(".graphiql-sidebar > button")].filter(b => { const r = b.getBoundingClientRect(); return r.right <= 390 && r.width >= 40; }).length`)); n != 5 {
		t.Errorf("%d sidebar buttons on screen, want 5", n)
	}
	screenshot(t, ctx, "explorer-phone")
	browserRun(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Click(chromedp.CSS(`button[aria-label="Show Documentation Explorer"]`)))
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelector(".graphiql-doc-explorer") && document.querySelector(".graphiql-doc-explorer").textContent.includes("Query")`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("docs: %v", err)
	}
	docs := rect(".graphiql-plugin")
	if docs["width"] < 360 || docs["height"] < 150 || docs["bottom"] > rect(".graphiql-sessions")["top"]+1 {
		t.Errorf("docs on the phone: %v, sessions %v", docs, rect(".graphiql-sessions"))
	}
	screenshot(t, ctx, "explorer-phone-docs")
}
