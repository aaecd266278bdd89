package web_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/internal/testkit"
)

// readmeBlock returns the first fenced block of the given language after heading in README.md.
func readmeBlock(t *testing.T, after, lang string) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	at := strings.Index(s, after)
	if at < 0 {
		t.Fatalf("README has no %q", after)
	}
	m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindStringSubmatch(s[at:])
	if m == nil {
		t.Fatalf("README has no %s block after %q", lang, after)
	}
	return m[1]
}

// startProcess runs a program (in its own process group, so its workers end with it)
// until the test ends, and waits until addr accepts connections; the program exiting
// first fails the test with its output.
func startProcess(t *testing.T, addr string, env []string, name string, args ...string) {
	t.Helper()
	out, err := os.CreateTemp(t.TempDir(), "output")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	output := func() string { b, _ := os.ReadFile(out.Name()); return string(b) }
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(name), output())
		}
	})
	// Starting takes well under a second; a minute means it never will.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-done:
			t.Fatalf("%s exited: %s", name, output())
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("%s does not listen on %s", name, addr)
}

// echoBackend stands for the shop's own service: it answers with the identity headers
// it was given, each as the list of values it received.
func echoBackend(t *testing.T) *httptest.Server {
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := map[string][]string{"path": {r.URL.Path}}
		for _, h := range []string{"X-Customer-Id", "X-Customer-Email", "X-User-Type", "X-Admin-Id"} {
			if v := r.Header.Values(h); len(v) > 0 {
				out[h] = v
			}
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(b.Close)
	return b
}

// readmeProxySite is the README's forward-auth block for lang with its addresses made
// ours: the proxy's own (the text listenAt, replaced by listenAs of a free port),
// shopauth's (127.0.0.1:8080: e's server) and the backend's (127.0.0.1:9000: an
// echoBackend started here).
func readmeProxySite(t *testing.T, e *env, lang, listenAt string, listenAs func(listen string) string) (site, listen string) {
	t.Helper()
	block := readmeBlock(t, "### Forward authentication", lang)
	for _, addr := range []string{listenAt, "127.0.0.1:8080", "127.0.0.1:9000"} {
		if !strings.Contains(block, addr) {
			t.Fatalf("the README's %s block has no %q to replace:\n%s", lang, addr, block)
		}
	}
	backend := echoBackend(t)
	listen = "127.0.0.1:" + testkit.FreePort(t)
	site = strings.NewReplacer(listenAt, listenAs(listen), "127.0.0.1:8080", strings.TrimPrefix(e.srv.URL, "http://"),
		"127.0.0.1:9000", strings.TrimPrefix(backend.URL, "http://")).Replace(block)
	return site, listen
}

// proxyCase runs the same checks through a proxy at base: shopauth's own GraphQL passes
// through, the backend gets the customer's identity (never one the client made up) and
// nothing without a valid token or session, and a sign-out ends access at once.
func proxyCase(t *testing.T, e *env, base string, bodyOf401 bool) {
	t.Helper()
	ctx := t.Context()
	c := e.customer("customer@example.com", "password")
	e.set(auth.PathTwoFactorEnable, "0")
	a := e.admin("ada", "adminpassword1")
	assisted := &auth.Customer{Email: "assisted@example.com", Firstname: "A", Lastname: "B", AllowAssistance: true}
	if err := e.svc.CreateCustomerDirect(ctx, assisted, "password", true); err != nil {
		t.Fatal(err)
	}
	acting, err := e.svc.IssueCustomerToken(ctx, assisted.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	via := &env{t: t, srv: &httptest.Server{URL: base}, svc: e.svc, db: e.db, clock: e.clock, path: e.path}
	tok := via.token("customer@example.com", "password") // GraphQL through the proxy
	sess := cookie(via.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
	if sess == nil {
		t.Fatal("no session cookie through the proxy")
	}
	spoof := map[string]string{"X-Customer-Id": "999", "X-Customer-Email": "evil@example.com", "X-User-Type": "2", "X-Admin-Id": "1"}
	with := func(h map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range spoof {
			m[k] = v
		}
		for k, v := range h {
			m[k] = v
		}
		return m
	}
	id := fmt.Sprint(c.ID)
	denied := fwdNotAuthorized
	if !bodyOf401 {
		denied = "" // nginx answers 401 with its own page
	}
	for _, tc := range []struct {
		name   string
		h      map[string]string
		status int
		body   string
	}{
		{"bearer", bearer(tok), 200, `{"X-Admin-Id":["0"],"X-Customer-Email":["customer@example.com"],"X-Customer-Id":["` + id + `"],"X-User-Type":["3"],"path":["/orders/42"]}`},
		{"bearer and made-up identity headers", with(bearer(tok)), 200, `{"X-Admin-Id":["0"],"X-Customer-Email":["customer@example.com"],"X-Customer-Id":["` + id + `"],"X-User-Type":["3"],"path":["/orders/42"]}`},
		{"session cookie", with(map[string]string{"Cookie": "PHPSESSID=" + sess.Value}), 200, `{"X-Admin-Id":["0"],"X-Customer-Email":["customer@example.com"],"X-Customer-Id":["` + id + `"],"X-User-Type":["3"],"path":["/orders/42"]}`},
		{"admin acting", with(bearer(acting)), 200, `{"X-Admin-Id":["` + fmt.Sprint(a.ID) + `"],"X-Customer-Email":["assisted@example.com"],"X-Customer-Id":["` + fmt.Sprint(assisted.ID) + `"],"X-User-Type":["3"],"path":["/orders/42"]}`},
		{"nothing", nil, 401, denied},
		{"made-up identity headers only", spoof, 401, denied},
		{"garbage token", bearer("abc"), 401, ""},
	} {
		r := via.do("GET", "/orders/42", "", "", tc.h)
		if r.status != tc.status || (tc.body != "" && r.body != tc.body) {
			t.Errorf("%s: got %d %s, want %d %s", tc.name, r.status, r.body, tc.status, tc.body)
		}
		if tc.status == 401 && r.header.Get("WWW-Authenticate") != `Bearer realm="shopauth"` {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, r.header.Get("WWW-Authenticate"))
		}
	}
	// Signing out through the proxy ends the token and the session for the backend at once.
	expect(t, via.gql(tok, `mutation{revokeCustomerToken{result}}`, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	for _, h := range []map[string]string{bearer(tok), {"Cookie": "PHPSESSID=" + sess.Value}} {
		if r := via.do("GET", "/orders/42", "", "", h); r.status != 401 || strings.Contains(r.body, "customer@example.com") {
			t.Errorf("after sign-out %v: %d %s", h, r.status, r.body)
		}
	}
}

// TestForwardAuthNginx runs Debian's nginx with the README's server block, in front of
// shopauth and a backend that echoes the identity headers it gets.
func TestForwardAuthNginx(t *testing.T) {
	nginx := testkit.Tool(t, "nginx", "nginx")
	e := newEnv(t)
	site, listen := readmeProxySite(t, e, "nginx", "listen 80;", func(listen string) string { return "listen " + listen + ";" })
	dir := t.TempDir()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n" // workers would otherwise switch to nobody, who cannot enter dir
	}
	conf := user + `worker_processes 1;
pid ` + dir + `/nginx.pid;
error_log stderr;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ` + dir + `/body;
    proxy_temp_path ` + dir + `/proxy;
    fastcgi_temp_path ` + dir + `/fastcgi;
    uwsgi_temp_path ` + dir + `/uwsgi;
    scgi_temp_path ` + dir + `/scgi;
    include ` + dir + `/site.conf;
}
`
	for name, text := range map[string]string{"site.conf": site, "nginx.conf": conf} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	startProcess(t, listen, nil, nginx, "-p", dir, "-e", "stderr", "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;")
	proxyCase(t, e, "http://"+listen, false)
}

// TestForwardAuthCaddy runs Debian's caddy with the README's Caddyfile (over plain HTTP
// on loopback) in front of shopauth and the echoing backend.
func TestForwardAuthCaddy(t *testing.T) {
	caddy := testkit.Tool(t, "caddy", "caddy")
	e := newEnv(t)
	site, listen := readmeProxySite(t, e, "caddyfile", "shop.example.com {", func(listen string) string { return "http://" + listen + " {" })
	dir := t.TempDir()
	conf := "{\n\tadmin off\n\tauto_https off\n}\n" + site
	path := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	startProcess(t, listen, []string{"HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_CONFIG_HOME=" + dir}, caddy, "run", "--config", path, "--adapter", "caddyfile")
	proxyCase(t, e, "http://"+listen, true)
}
