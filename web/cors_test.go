package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

const storefrontOrigin = "https://shop.example.com"

// The preflight and the answers, header by header: a listed origin gets the methods,
// the storefront headers and credentials; any other origin gets no CORS header at
// all; every /graphql answer varies by Origin.
func TestCORSHeaders(t *testing.T) {
	e := newEnv(t)
	preflight := func(origin string) response {
		return e.do("OPTIONS", "/graphql", "", "", map[string]string{"Origin": origin,
			"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,store,x-magento-cache-id,x-recaptcha"})
	}
	corsHeaders := []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
		"Access-Control-Allow-Headers", "Access-Control-Max-Age"}
	none := func(r response) {
		t.Helper()
		for _, h := range corsHeaders {
			if v := r.header.Get(h); v != "" {
				t.Errorf("%s: %q", h, v)
			}
		}
		if r.header.Get("Vary") != "Origin" {
			t.Errorf("Vary %q", r.header.Values("Vary"))
		}
	}
	// None by default.
	r := preflight(storefrontOrigin)
	if r.status != 204 || r.body != "" {
		t.Fatalf("preflight: %d %q", r.status, r.body)
	}
	none(r)
	none(e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}"}`, map[string]string{"Origin": storefrontOrigin}))

	e.set(auth.PathCORSOrigins, "http://localhost:3000, "+storefrontOrigin)
	r = preflight(storefrontOrigin)
	want := map[string]string{"Access-Control-Allow-Origin": storefrontOrigin, "Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
		"Access-Control-Allow-Headers": "Accept, Authorization, Content-Type, Content-Currency, Store, Preview-Version, X-Magento-Cache-Id, X-ReCaptcha, X-Captcha, Magento-Customer-Group, Magento-Environment-Id, Magento-Store-Code, Magento-Store-View-Code, Magento-Website-Code, X-Api-Key",
		"Access-Control-Max-Age":       "600", "Vary": "Origin"}
	if r.status != 204 {
		t.Fatalf("preflight %d", r.status)
	}
	for h, v := range want {
		if got := r.header.Get(h); got != v {
			t.Errorf("preflight %s = %q, want %q", h, got, v)
		}
	}
	r = e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}"}`, map[string]string{"Origin": storefrontOrigin})
	expect(t, r, 200, `{"data":{"storeConfig":{"store_code":"default"}}}`)
	if r.header.Get("Access-Control-Allow-Origin") != storefrontOrigin || r.header.Get("Access-Control-Allow-Credentials") != "true" ||
		r.header.Get("Access-Control-Allow-Methods") != "" || r.header.Get("Vary") != "Origin" {
		t.Errorf("answer headers %v", r.header)
	}
	// Not listed: the other scheme, a port, a suffix, the literal "null" origin.
	for _, o := range []string{"http://shop.example.com", "https://shop.example.com:8443", "https://evil-shop.example.com",
		"https://shop.example.com.evil.test", "null"} {
		none(preflight(o))
		none(e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}"}`, map[string]string{"Origin": o}))
	}
	// No Origin (a server-side client): no CORS headers, still Vary.
	none(e.do("GET", "/graphql?query=%7BstoreConfig%7Bstore_code%7D%7D", "", "", nil))
}

// storefrontPage serves a page on its own origin whose script calls shopauth.
func storefrontPage(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>storefront</title><p id="out"></p>`))
	}))
	t.Cleanup(s.Close)
	return s
}

// In headless Chromium: a storefront page on a listed origin signs in, reads the
// customer with the token and then with the session cookie alone, sending the
// headers storefronts send; a page on an unlisted origin is refused by the browser,
// which never sends its mutation.
func TestCORSInBrowser(t *testing.T) {
	ctx := browser(t)
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	listed, unlisted := storefrontPage(t), storefrontPage(t)
	e.set(auth.PathCORSOrigins, listed.URL)

	script := `(async (api) => {
	  const call = async (query, headers, credentials) => {
	    const r = await fetch(api, {method: 'POST', credentials,
	      headers: Object.assign({'Content-Type': 'application/json', 'Store': 'default', 'X-Magento-Cache-Id': 'c1', 'X-ReCaptcha': ''}, headers),
	      body: JSON.stringify({query})});
	    return r.status + ' ' + JSON.stringify(await r.json());
	  };
	  try {
	    const signIn = await call('mutation{generateCustomerToken(email:"customer@example.com",password:"password"){token}}', {}, 'include');
	    const token = JSON.parse(signIn.slice(4)).data.generateCustomerToken.token;
	    const withToken = await call('{customer{email firstname}}', {Authorization: 'Bearer ' + token}, 'include');
	    const withCookie = await call('{customer{email}}', {}, 'include');
	    return [withToken, withCookie].join(' | ');
	  } catch (err) {
	    return 'refused: ' + err.name;
	  }
	})(` + quoteJS(e.srv.URL+"/graphql") + `)`
	run := func(page string) string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got, want := run(listed.URL), `200 {"data":{"customer":{"email":"customer@example.com","firstname":"John"}}} | 200 {"data":{"customer":{"email":"customer@example.com"}}}`; got != want {
		t.Errorf("listed origin:\n got %s\nwant %s", got, want)
	}

	// The unlisted page tries a mutation: the browser refuses the preflight, so the
	// POST never reaches shopauth (no subscription is stored).
	unlistedScript := `(async (api) => {
	  try {
	    await fetch(api, {method: 'POST', headers: {'Content-Type': 'application/json'},
	      body: JSON.stringify({query: 'mutation{subscribeEmailToNewsletter(email:"victim@example.com"){status}}'})});
	    return 'answered';
	  } catch (err) { return 'refused: ' + err.name; }
	})(` + quoteJS(e.srv.URL+"/graphql") + `)`
	if err := chromedp.Do(ctx, chromedp.Navigate(unlisted.URL)); err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](unlistedScript, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if out != "refused: TypeError" {
		t.Errorf("unlisted origin: %s", out)
	}
	if st, err := e.db.SubscriptionStatus(context.Background(), "victim@example.com"); err != nil || st != 0 {
		t.Errorf("the refused mutation ran: status %d %v", st, err)
	}
	if got := run(unlisted.URL); got != "refused: TypeError" {
		t.Errorf("unlisted origin sign-in: %s", got)
	}
}
