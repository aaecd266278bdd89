package web_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/web"
)

const tooMany = `{"errors":[{"message":"Too many requests from this address. Please wait and try again later.","extensions":{"category":"graphql-input"}}]}`

func signInFrom(e *env, xff string) response {
	h := map[string]string{}
	if xff != "" {
		h["X-Forwarded-For"] = xff
	}
	return e.do("POST", "/graphql", "application/json",
		`{"query":"mutation{generateCustomerToken(email:\"customer@example.com\",password:\"password\"){token}}"}`, h)
}

func TestSignInRateLimit(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	e.set(auth.PathSignInRateLimit, "3")
	for i := 0; i < 3; i++ {
		if r := signInFrom(e, ""); r.status != 200 {
			t.Fatalf("sign-in %d: %s", i, r)
		}
	}
	expect(t, signInFrom(e, ""), 429, tooMany)
	// A spoofed X-Forwarded-For from an untrusted peer changes nothing.
	expect(t, signInFrom(e, "203.0.113.9"), 429, tooMany)
	// Other requests from the address still work.
	expect(t, e.gql("", `{storeConfig{store_code}}`, nil), 200, `{"data":{"storeConfig":{"store_code":"default"}}}`)
	// The bucket refills with time (3 a minute → one every 20 s).
	e.clock.Add(20 * time.Second)
	if r := signInFrom(e, ""); r.status != 200 {
		t.Fatalf("after refill: %s", r)
	}
	expect(t, signInFrom(e, ""), 429, tooMany)
	// Reset mutations have their own bucket.
	e.set(auth.PathResetRateLimit, "1")
	reset := func() response {
		return e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil)
	}
	if r := reset(); r.status == 429 {
		t.Fatalf("first reset request limited: %s", r)
	}
	expect(t, reset(), 429, tooMany)
}

func TestTrustedProxy(t *testing.T) {
	e := newEnvWith(t, func(c *web.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	e.customer("customer@example.com", "password")
	e.set(auth.PathSignInRateLimit, "1")
	if r := signInFrom(e, "198.51.100.1"); r.status != 200 {
		t.Fatal(r)
	}
	expect(t, signInFrom(e, "198.51.100.1"), 429, tooMany)
	// Another client behind the same proxy has its own bucket; the rightmost untrusted hop counts.
	if r := signInFrom(e, "198.51.100.1, 198.51.100.2"); r.status != 200 {
		t.Fatal(r)
	}
	expect(t, signInFrom(e, "10.9.9.9, 198.51.100.2"), 429, tooMany)
	// An IPv6 client is its /64: stepping through its own addresses gets no new bucket.
	if r := signInFrom(e, "2001:db8:1:2::1"); r.status != 200 {
		t.Fatal(r)
	}
	expect(t, signInFrom(e, "2001:db8:1:2::dead:beef"), 429, tooMany)
	if r := signInFrom(e, "2001:db8:1:3::1"); r.status != 200 {
		t.Fatalf("another /64: %s", r)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"bad"){token}}`, nil)
	e.gql(tok, `{customer{email}}`, nil)
	e.gql("garbage", `{customer{email}}`, nil)
	// A lockout: two wrong passwords lock, the third attempt meets the lock.
	e.set(auth.PathLockoutFailures, "2")
	e.customer("lock@example.com", "password")
	for i := 0; i < 3; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"lock@example.com",password:"bad"){token}}`, nil)
	}
	r := e.do("GET", "/metrics", "", "", nil)
	for _, want := range []string{
		`shopauth_signins_total{result="success",user_type="customer"} 1`,
		// The attempt that met the lock is a failure like any other (TestMetricsTellNoAccounts).
		`shopauth_signins_total{result="failed",user_type="customer"} 4`,
		`shopauth_token_verifications_total{result="ok"} 1`,
		`shopauth_token_verifications_total{result="unreadable"} 1`,
		`shopauth_http_requests_total{route="/graphql",status="200"} 2`,
		`shopauth_http_requests_total{route="/graphql",status="401"} 5`,
		`shopauth_hash_queue_length 0`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// /healthz says so when the database cannot be reached.
func TestHealthzDatabaseDown(t *testing.T) {
	e := newEnv(t)
	expect(t, e.do("GET", "/healthz", "", "", nil), 200, `{"status":"ok"}`)
	e.db.Close()
	expect(t, e.do("GET", "/healthz", "", "", nil), 503, `{"status":"unavailable"}`)
}

func TestHeaderTooLarge(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/healthz", "", "", map[string]string{"X-Big": strings.Repeat("a", 70<<10)})
	if r.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("big header: %s", r)
	}
	expect(t, e.do("GET", "/healthz", "", "", nil), 200, `{"status":"ok"}`)
}

// A client that never finishes its headers is cut off after ReadHeader.
func TestSlowHeaderTimeout(t *testing.T) {
	e := newEnv(t)
	hs := web.NewHTTPServer(e.srv.Config.Handler, web.Timeouts{ReadHeader: 200 * time.Millisecond, Read: time.Second,
		Write: time.Second, Idle: time.Second}, slog.New(slog.DiscardHandler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	line, _ := bufio.NewReader(c).ReadString('\n')
	if time.Since(start) > 4*time.Second {
		t.Fatal("slow client was not cut off")
	}
	if line != "" && !strings.HasPrefix(line, "HTTP/1.1 408") {
		t.Errorf("got %q", line)
	}
}

// The request log has one line per request and never a password or token.
func TestLogsHoldNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	e := newEnvWith(t, func(c *web.Config) { c.Log = log; c.LogRequests = true })
	e.svc.Log = log
	e.customer("customer@example.com", "Sup3r-Secret!")
	tok := e.token("customer@example.com", "Sup3r-Secret!")
	e.gql(tok, `{customer{email}}`, nil)
	e.gql(tok+"x", `{customer{email}}`, nil)
	e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"Wr0ng-Secret!"){token}}`, nil)
	// A password in a GET query string and in a REST body.
	e.do("GET", "/graphql?query="+url.QueryEscape(`{customer{email}}`)+"&password=Qu3ry-Secret!", "", "", nil)
	e.rest("/rest/V1/integration/customer/token", `{"username":"customer@example.com","password":"R3st-Secret!"}`, "")
	out := buf.String()
	for _, secret := range []string{"Sup3r-Secret!", "Wr0ng-Secret!", "Qu3ry-Secret!", "R3st-Secret!", tok, strings.Split(tok, ".")[2]} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds a secret: %q", secret)
		}
	}
	if n := strings.Count(out, `"msg":"request"`); n != 6 {
		t.Errorf("%d request lines, want 6:\n%s", n, out)
	}
	if !strings.Contains(out, `"request_id":"`) {
		t.Error("no request id in the log")
	}
}

func TestBackupWhileServing(t *testing.T) {
	sqliteOnly(t)
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	dst := t.TempDir() + "/backup.db"
	if err := e.db.Backup(context.Background(), dst); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Backup(context.Background(), dst); err == nil {
		t.Fatal("backup over an existing file")
	}
	b := openEnv(t, dst)
	if ok, err := b.db.IntegrityCheck(context.Background()); err != nil || ok != "ok" {
		t.Fatalf("integrity %q %v", ok, err)
	}
	// The copy has the same key and customers: a token from the original works on it.
	tok := e.token("customer@example.com", "password")
	expect(t, b.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
}

var _ = httptest.NewRecorder

// Aliases cannot multiply guesses: each aliased generateCustomerToken takes its own
// token from the address's bucket, so ten guesses in one request cost ten.
func TestSignInRateLimitCountsAliases(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	e.set(auth.PathSignInRateLimit, "5")
	guesses := func(n int) string {
		var b strings.Builder
		b.WriteString("mutation{")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, `g%d:generateCustomerToken(email:"customer@example.com",password:"guess%d"){token} `, i, i)
		}
		return b.String() + "}"
	}
	// More guesses than a minute's allowance are refused whole, taking nothing.
	expect(t, e.gql("", guesses(6), nil), 429, tooMany)
	if r := e.gql("", guesses(3), nil); r.status == 429 {
		t.Fatalf("3 of 5: %s", r)
	}
	// 2 left: three more guesses are refused, two pass.
	expect(t, e.gql("", guesses(3), nil), 429, tooMany)
	// A fragment spread counts too.
	expect(t, e.gql("", `mutation{...F a:generateCustomerToken(email:"customer@example.com",password:"x"){token}}
		fragment F on Mutation{b:generateCustomerToken(email:"customer@example.com",password:"y"){token} c:generateCustomerToken(email:"customer@example.com",password:"z"){token}}`, nil), 429, tooMany)
	if r := e.gql("", guesses(2), nil); r.status == 429 {
		t.Fatalf("last 2 of 5: %s", r)
	}
	expect(t, signInFrom(e, ""), 429, tooMany)
	// Reset mutations are counted the same way.
	e.set(auth.PathResetRateLimit, "2")
	expect(t, e.gql("", `mutation{a:requestPasswordResetEmail(email:"customer@example.com") b:requestPasswordResetEmail(email:"x@example.com") c:requestPasswordResetEmail(email:"y@example.com")}`, nil), 429, tooMany)
	if r := e.gql("", `mutation{a:requestPasswordResetEmail(email:"customer@example.com") b:requestPasswordResetEmail(email:"x@example.com")}`, nil); r.status == 429 {
		t.Fatalf("2 of 2 resets: %s", r)
	}
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 429, tooMany)
}

// A client that sends its headers but trickles the body is cut off after Read, and a
// kept-alive connection left idle is closed after Idle: neither holds a connection.
func TestSlowBodyAndIdleTimeouts(t *testing.T) {
	e := newEnv(t)
	hs := web.NewHTTPServer(e.srv.Config.Handler, web.Timeouts{ReadHeader: time.Second, Read: 300 * time.Millisecond,
		Write: time.Second, Idle: 300 * time.Millisecond}, slog.New(slog.DiscardHandler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	closedByServer := func(c net.Conn) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err := io.ReadAll(c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("the server kept the connection open")
		}
	}
	slow, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slow.Write([]byte("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":"))
	closedByServer(slow)

	idle, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	idle.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
	br := bufio.NewReader(idle)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	io.Copy(io.Discard, res.Body)
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle keep-alive connection not closed: %v", err)
	}
}

// Behind a trusted proxy the request log names the forwarded client; from an
// untrusted peer a forged X-Forwarded-For is not logged as the client.
func TestLogNamesForwardedClient(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	trusted := newEnvWith(t, func(c *web.Config) {
		c.Log, c.LogRequests = log, true
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	trusted.do("GET", "/healthz", "", "", map[string]string{"X-Forwarded-For": "198.51.100.7"})
	if !strings.Contains(buf.String(), `"client":"198.51.100.7"`) {
		t.Errorf("trusted proxy, no client in the log: %s", buf.String())
	}
	buf.Reset()
	untrusted := newEnvWith(t, func(c *web.Config) { c.Log, c.LogRequests = log, true })
	untrusted.do("GET", "/healthz", "", "", map[string]string{"X-Forwarded-For": "198.51.100.7"})
	if out := buf.String(); strings.Contains(out, "198.51.100.7") || !strings.Contains(out, `"msg":"request"`) {
		t.Errorf("untrusted peer's X-Forwarded-For logged: %s", out)
	}
}
