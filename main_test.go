package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func init() {
	// The CLI's hashes use cheap parameters in tests (the hasher's tests use the real ones).
	os.Setenv("SHOPAUTH_INSECURE_FAST_HASH", "1")
}

// cli runs a command in-process and returns its stdout and error.
func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &out, io.Discard)
	return out.String(), err
}

func isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue)
}

func TestConfigSetShow(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	if out, err := cli(t, "config:set", "oauth/access_token_lifetime/customer", "0.5", "--db", dbf); err != nil || out != "Value was saved.\n" {
		t.Fatalf("config:set: %q %v", out, err)
	}
	// Flags may stand anywhere after the command name.
	if out, err := cli(t, "config:show", "--db", dbf, "oauth/access_token_lifetime/customer"); err != nil || out != "0.5\n" {
		t.Fatalf("config:show PATH: %q %v", out, err)
	}
	out, err := cli(t, "config:show", "--db", dbf)
	if err != nil || !strings.Contains(out, "oauth/access_token_lifetime/customer = 0.5\n") ||
		!strings.Contains(out, "crypt/key = ******\n") || !strings.Contains(out, "customer/password/lockout_failures = 10\n") {
		t.Fatalf("config:show: %q %v", out, err)
	}
	key, _ := cli(t, "config:show", "crypt/key", "--db", dbf)
	if len(strings.TrimSpace(key)) != 32 {
		t.Errorf("generated crypt/key %q", key)
	}
	for _, args := range [][]string{
		{"config:set", "no/such/path", "1"},
		{"config:set", "oauth/access_token_lifetime/customer", "0"},
		{"config:set", "oauth/access_token_lifetime/customer", "-1"},
		{"config:set", "oauth/access_token_lifetime/customer", "abc"},
		{"config:set", "graphql/session/disable", "2"},
		{"config:set", "customer/password/lockout_failures", "1.5"},
		{"config:set", "only-one-arg"},
		{"config:set", "a", "b", "c"},
		{"config:show", "no/such/path"},
		{"config:set", "--bogus", "x", "y"},
		{"nonsense"},
	} {
		if _, err := cli(t, append(args, "--db", dbf)...); !isUsage(err) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: want a one-line usage error, got %v", args, err)
		}
	}
	// Nothing was written by the rejected commands.
	if out, _ := cli(t, "config:show", "oauth/access_token_lifetime/customer", "--db", dbf); out != "0.5\n" {
		t.Errorf("after rejected sets: %q", out)
	}
}

func TestCustomerCreate(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	out, err := cli(t, "customer:create", "--email", "a@example.com", "--password", "Passw0rd!", "--firstname", "A", "--lastname", "B", "--db", dbf)
	if err != nil || out != "Created customer 1 <a@example.com>\n" {
		t.Fatalf("%q %v", out, err)
	}
	for _, args := range [][]string{
		{"--email", "a@example.com", "--password", "Passw0rd!", "--firstname", "A", "--lastname", "B"},
		{"--email", "b@example.com", "--password", "short", "--firstname", "A", "--lastname", "B"},
		{"--email", "bad", "--password", "Passw0rd!", "--firstname", "A", "--lastname", "B"},
		{"--email", "c@example.com", "--password", "Passw0rd!", "--lastname", "B"},
	} {
		_, err := cli(t, append(append([]string{"customer:create"}, args...), "--db", dbf)...)
		if !isUsage(err) {
			t.Errorf("%v: want usage error, got %v", args, err)
		}
	}
}

func TestVersion(t *testing.T) {
	out, err := cli(t, "version")
	if err != nil || !strings.HasPrefix(out, "shopauth dev (go1.") || !strings.Contains(out, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Fatalf("%q %v", out, err)
	}
}

// TestServeBinary builds the real binary, serves with --demo, checks the Magento doc
// request, a config change seen by the running server, and a clean SIGTERM stop.
func TestServeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	dbf := testDB(t, dir, "shop.db")
	var stderr bytes.Buffer
	cmd, base := startBinary(t, &stderr, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", dbf)
	defer cmd.Process.Kill()

	post := func(token, query string) (int, string) {
		body, _ := json.Marshal(map[string]string{"query": query})
		return postJSON(t, base+"/graphql", string(body), bearer(token))
	}
	status, body := post("", `mutation { generateCustomerToken(email: "customer@example.com", password: "password") { token } }`)
	var tok struct {
		Data struct{ GenerateCustomerToken struct{ Token string } }
	}
	json.Unmarshal([]byte(body), &tok)
	if status != 200 || tok.Data.GenerateCustomerToken.Token == "" {
		t.Fatalf("doc sign-in: %d %s", status, body)
	}
	if status, body := post(tok.Data.GenerateCustomerToken.Token, `{customer{firstname lastname email}}`); status != 200 ||
		body != `{"data":{"customer":{"firstname":"John","lastname":"Smith","email":"customer@example.com"}}}`+"\n" {
		t.Fatalf("customer: %d %s", status, body)
	}
	// The demo admin gets a token over REST (2FA is off on a demo database).
	res, err := http.Post(base+"/rest/V1/integration/admin/token", "application/json", strings.NewReader(`{"username":"admin","password":"admin123"}`))
	if err != nil {
		t.Fatal(err)
	}
	ab, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(string(ab), `"eyJraWQiOiIxIiwiYWxnIjoiSFMyNTYifQ.`) {
		t.Fatalf("demo admin token: %d %s", res.StatusCode, ab)
	}
	// config:set from another process reaches the running server within 1 s.
	if _, err := cli(t, "config:set", "oauth/access_token_lifetime/customer", "7", "--db", dbf); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		_, body := post("", `{storeConfig{customer_access_token_lifetime}}`)
		if strings.Contains(body, `"customer_access_token_lifetime":7`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("setting not seen within 1 s: %s", body)
		}
		time.Sleep(25 * time.Millisecond)
	}
	// Graceful stop: a request in flight when SIGTERM arrives still gets its answer.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	inflight := `{"query":"{storeConfig{store_code}}"}`
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(inflight), inflight[:10])
	time.Sleep(100 * time.Millisecond) // the server is now reading this request
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	conn.Write([]byte(inflight[10:]))
	reply, _ := io.ReadAll(conn)
	if !strings.HasPrefix(string(reply), "HTTP/1.1 200") || !strings.Contains(string(reply), `{"data":{"storeConfig":{"store_code":"default"}}}`) {
		t.Errorf("in-flight request during shutdown: %q", reply)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no clean stop after SIGTERM")
	}
	if !strings.Contains(stderr.String(), `"msg":"shutting down"`) {
		t.Errorf("log: %s", stderr.String())
	}
	for _, secret := range []string{"password", tok.Data.GenerateCustomerToken.Token} {
		if strings.Contains(stderr.String(), secret) {
			t.Errorf("log contains a secret %q", secret)
		}
	}
	// Demo seed is idempotent and twofactor was switched off on the new database.
	if out, _ := cli(t, "config:show", "twofactorauth/general/enable", "--db", dbf); out != "0\n" {
		t.Errorf("2fa after demo: %q", out)
	}
	d, svc, err := openService(context.Background(), dbf)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(context.Background(), d, svc); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	d.Close()
}

// TestCLIErrorsFromBinary runs the real binary: every bad command line is one line on
// stderr, exit status 2, and leaves no database behind.
func TestCLIErrorsFromBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	dbf := filepath.Join(dir, "never.db")
	for _, tc := range []struct {
		args []string
		want string // the whole stderr line
	}{
		{[]string{"nonsense"}, `shopauth: unknown command "nonsense" (commands: `},
		{[]string{"--bogus"}, "shopauth: serve: flag provided but not defined: -bogus"},
		{[]string{"serve", "--addr", "nonsense"}, `shopauth: serve: bad --addr "nonsense": address nonsense: missing port in address`},
		{[]string{"config:set", "no/such/path", "1"}, `shopauth: config:set: unknown config path "no/such/path"`},
		{[]string{"config:set", "oauth/access_token_lifetime/customer", "-1"},
			`shopauth: config:set: invalid value for oauth/access_token_lifetime/customer: want a positive number of hours (at most 87600), got "-1"`},
		{[]string{"config:set", "oauth/access_token_lifetime/customer", "abc"},
			`shopauth: config:set: invalid value for oauth/access_token_lifetime/customer: want a positive number of hours (at most 87600), got "abc"`},
		{[]string{"config:set", "oauth/access_token_lifetime/customer", "0x1p-2"},
			`shopauth: config:set: invalid value for oauth/access_token_lifetime/customer: want a positive number of hours (at most 87600), got "0x1p-2"`},
		{[]string{"config:set", "customer/password/lockout_failures", "-3"},
			`shopauth: config:set: invalid value for customer/password/lockout_failures: want a whole number from 0 to 1000000, got "-3"`},
		{[]string{"config:set", "graphql/session/disable", "yes"},
			`shopauth: config:set: invalid value for graphql/session/disable: want 0 or 1, got "yes"`},
		{[]string{"config:set", "only-a-path"}, "shopauth: usage: shopauth config:set PATH VALUE [--db FILE]"},
		{[]string{"config:show", "no/such/path"}, `shopauth: config:show: unknown config path "no/such/path"`},
		{[]string{"config:show", "a", "b"}, "shopauth: usage: shopauth config:show [PATH] [--db FILE]"},
		{[]string{"customer:create", "--email", "a@example.com"}, "shopauth: customer:create: --password is required"},
		{[]string{"version", "extra"}, "shopauth: usage: shopauth version "},
		// The usage line names every serve flag (--quiet and --trusted-proxy were missing).
		{[]string{"serve", "--help"}, "shopauth: usage: shopauth serve [--db FILE] [--addr HOST:PORT] [--demo] [--quiet] [--trusted-proxy CIDR,...] " + tlsUsage + "\n"},
		{[]string{"serve", "--trusted-proxy", "10.0.0.0/33"}, `shopauth: serve: bad --trusted-proxy "10.0.0.0/33": want a CIDR or an address` + "\n"},
	} {
		_, line, code := runBinary(t, append(tc.args, "--db", dbf)...)
		if code != 2 {
			t.Errorf("%v: exit status %d, want 2", tc.args, code)
		}
		if strings.Count(line, "\n") != 1 || !strings.HasPrefix(line, tc.want) {
			t.Errorf("%v: stderr %q, want one line starting %q", tc.args, line, tc.want)
		}
	}
	if _, err := os.Stat(dbf); !os.IsNotExist(err) {
		t.Errorf("a rejected command created the database: %v", err)
	}
}

// TestEnvDefaultsAndDemoOnOldDatabase: SHOPAUTH_DB and SHOPAUTH_ADDR stand in for the
// flags (a flag still wins), and --demo turns 2FA off only on a database it creates.
func TestEnvDefaultsAndDemoOnOldDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	dbf := testDB(t, dir, "env.db")
	t.Setenv("SHOPAUTH_DB", dbf)
	// config:set with only the environment: the file named there is the one written.
	if out, err := cli(t, "config:set", "oauth/access_token_lifetime/customer", "2"); err != nil || out != "Value was saved.\n" {
		t.Fatalf("config:set via SHOPAUTH_DB: %q %v", out, err)
	}
	if out, _ := cli(t, "config:show", "oauth/access_token_lifetime/customer", "--db", dbf); out != "2\n" {
		t.Fatalf("SHOPAUTH_DB not used: %q", out)
	}
	other := testDB(t, dir, "flag.db")
	if out, _ := cli(t, "config:show", "oauth/access_token_lifetime/customer", "--db", other); out != "1\n" {
		t.Errorf("--db did not win over SHOPAUTH_DB: %q", out)
	}

	// serve --demo on the existing database, address from SHOPAUTH_ADDR: 2FA stays on.
	for run := 0; run < 2; run++ {
		cmd, out := launch(t, nil, []string{"SHOPAUTH_ADDR=127.0.0.1:0", "SHOPAUTH_DB=" + dbf}, "serve", "--demo")
		line, err := out.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "shopauth dev listening on http://127.0.0.1:") {
			cmd.Process.Kill()
			t.Fatalf("listening line %q %v", line, err)
		}
		// 2FA stayed on: the next line says so, and how to turn it off.
		if notice, err := out.ReadString('\n'); notice != "--demo: admin two-factor authentication is on (--demo turns it off only on a new database); "+
			"`shopauth config:set twofactorauth/general/enable 0` turns it off\n" {
			t.Errorf("run %d: notice %q %v", run, notice, err)
		}
		base := listeningURL(line)
		res, err := http.Post(base+"/graphql", "application/json",
			strings.NewReader(`{"query":"mutation{generateCustomerToken(email:\"customer@example.com\",password:\"password\"){token}}"}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), `"token":"eyJ`) {
			t.Errorf("run %d: demo sign-in %d %s", run, res.StatusCode, b)
		}
		// SIGTERM the first time, SIGINT (Ctrl-C) the second: both stop cleanly.
		sig := []os.Signal{syscall.SIGTERM, os.Interrupt}[run]
		cmd.Process.Signal(sig)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("run %d: exit after %v: %v", run, sig, err)
		}
	}
	if out, _ := cli(t, "config:show", "twofactorauth/general/enable"); out != "1\n" {
		t.Errorf("--demo on an existing database changed 2FA: %q", out)
	}
	d, _, err := openService(context.Background(), dbf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, total, err := d.ListCustomers(context.Background(), "", 0, 100); err != nil || total != 3 {
		t.Errorf("two --demo runs: %d customers (%v), want 3", total, err)
	}

	// On a new database --demo turns 2FA off and prints nothing after the listening line.
	cmd, out := launch(t, nil, nil, "serve", "--demo", "--quiet", "--addr", "127.0.0.1:0", "--db", testDB(t, dir, "new.db"))
	if line, err := out.ReadString('\n'); err != nil || !strings.HasPrefix(line, "shopauth dev listening on http://127.0.0.1:") {
		cmd.Process.Kill()
		t.Fatalf("new database: listening line %q %v", line, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(out)
	if err := cmd.Wait(); err != nil || len(rest) != 0 {
		t.Errorf("new database: exit %v, more output %q", err, rest)
	}
}
