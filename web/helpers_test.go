package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
	"shopauth/db/pgtest"
	"shopauth/web"
)

// schemaSDL is read from the repository root, as embed.go does for the binary.
var schemaSDL = func() string {
	b, err := os.ReadFile("../schema.graphql")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a running shopauth over a temp database.
type env struct {
	t     testing.TB
	srv   *httptest.Server
	svc   *auth.Service
	db    *db.DB
	clock *clock
	path  string
}

// newEnv starts the real HTTP handler over a new SQLite file. Hashes use cheap
// argon2id parameters (the hasher's own tests use the real ones).
func newEnv(t testing.TB) *env {
	t.Helper()
	return openEnv(t, newDB(t))
}

// newDB names a new, empty database: a SQLite file, or with SHOPAUTH_TEST_DB=postgres
// (how CI runs the suite a second time) a fresh PostgreSQL database.
func newDB(t testing.TB) string {
	t.Helper()
	if pgtest.OnPostgres() {
		return pgtest.DSN(t)
	}
	return filepath.Join(t.TempDir(), "shopauth.db")
}

// sqliteOnly skips a test of what only the SQLite engine has (backup by VACUUM INTO,
// the file itself) when the suite runs on PostgreSQL.
func sqliteOnly(t testing.TB) {
	t.Helper()
	if pgtest.OnPostgres() {
		t.Skip("SQLite only: the suite runs on PostgreSQL")
	}
}

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	if shotDirIsTemp {
		os.RemoveAll(shotDir)
	}
	os.Exit(code)
}

func openEnv(t testing.TB, path string) *env {
	return openEnvWith(t, path, nil)
}

// newEnvWith is newEnv with a chance to change the server's Config.
func newEnvWith(t testing.TB, configure func(*web.Config)) *env {
	return openEnvWith(t, newDB(t), configure)
}

func openEnvWith(t testing.TB, path string, configure func(*web.Config)) *env {
	t.Helper()
	return openEnvClock(t, path, &clock{t: time.Now().UTC().Truncate(time.Second)}, configure)
}

// sibling starts a second server over e's database file, as a second process would
// be, on e's clock: with clocks of their own, two servers started either side of a
// second boundary disagree on which tokens a revocation covers.
func (e *env) sibling() *env {
	e.t.Helper()
	return openEnvClock(e.t, e.path, e.clock, nil)
}

func openEnvClock(t testing.TB, path string, clk *clock, configure func(*web.Config)) *env {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	svc := auth.NewService(d, auth.NewHasher(auth.CheapHashParams, 0, rand.Reader))
	svc.Now = clk.Now
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{Service: svc, Schema: schemaSDL, Pinger: d, Version: "test", DBPath: path, Assets: os.DirFS("..")}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.Config.MaxHeaderBytes = web.MaxHeaderBytes
	hs.Start()
	t.Cleanup(func() { hs.Close(); d.Close() })
	return &env{t: t, srv: hs, svc: svc, db: d, clock: clk, path: path}
}

// customer creates a customer directly (demo-style, skipping the policy).
func (e *env) customer(email, password string) *auth.Customer {
	e.t.Helper()
	c := &auth.Customer{Email: email, Firstname: "John", Lastname: "Smith"}
	if err := e.svc.CreateCustomerDirect(context.Background(), c, password, true); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) set(path, value string) {
	e.t.Helper()
	if err := e.svc.SetSetting(context.Background(), path, value); err != nil {
		e.t.Fatal(err)
	}
}

type response struct {
	status int
	body   string
	header http.Header
}

// do sends a raw HTTP request.
func (e *env) do(method, path, contentType, body string, header map[string]string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, strings.TrimSpace(string(b)), res.Header}
}

// gql posts a GraphQL request, with a bearer token when token is not empty.
func (e *env) gql(token, query string, vars map[string]any) response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	h := map[string]string{}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return e.do("POST", "/graphql", "application/json", string(body), h)
}

// token signs in and returns the customer token.
func (e *env) token(email, password string) string {
	e.t.Helper()
	r := e.gql("", `mutation($e:String!,$p:String!){generateCustomerToken(email:$e,password:$p){token}}`,
		map[string]any{"e": email, "p": password})
	var out struct {
		Data struct {
			GenerateCustomerToken struct{ Token string }
		}
	}
	if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil || out.Data.GenerateCustomerToken.Token == "" {
		e.t.Fatalf("sign in %s: %d %s", email, r.status, r.body)
	}
	return out.Data.GenerateCustomerToken.Token
}

// expect checks status and exact body.
func expect(t *testing.T, r response, status int, body string) {
	t.Helper()
	if r.status != status || r.body != compact(t, body) {
		t.Errorf("got %d %s\nwant %d %s", r.status, r.body, status, compact(t, body))
	}
}

func compact(t *testing.T, s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return strings.TrimSpace(s)
	}
	return b.String()
}

// gqlErr is the exact body of a single resolver error on a root field at line 1.
func gqlErr(msg, category string, col int, field string) string {
	m, _ := json.Marshal(msg)
	return `{"errors":[{"message":` + string(m) + `,"locations":[{"line":1,"column":` + itoa(col) + `}],"path":["` + field +
		`"],"extensions":{"category":"` + category + `"}}],"data":{"` + field + `":null}}`
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func dbFilter(customerID int64, event string) db.AuditFilter {
	return db.AuditFilter{CustomerID: customerID, Event: event}
}

// admin creates an admin user directly (demo-style, skipping the policy).
func (e *env) admin(username, password string) *auth.Admin {
	e.t.Helper()
	a := &auth.Admin{Username: username, Email: username + "@example.com", Firstname: "Ada", Lastname: "Admin"}
	if err := e.svc.CreateAdmin(context.Background(), a, password, true); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// rest posts JSON to a REST path, with a bearer token when token is not empty.
func (e *env) rest(path, body, token string) response {
	e.t.Helper()
	h := map[string]string{}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return e.do("POST", path, "application/json", body, h)
}

// adminToken gets an admin token over REST with 2FA off.
func (e *env) adminToken(username, password string) string {
	e.t.Helper()
	r := e.rest("/rest/V1/integration/admin/token", `{"username":"`+username+`","password":"`+password+`"}`, "")
	var tok string
	if r.status != 200 || json.Unmarshal([]byte(r.body), &tok) != nil || tok == "" {
		e.t.Fatalf("admin token: %s", r)
	}
	return tok
}

// claimsOf decodes a token's payload without checking it.
func claimsOf(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// outbox returns the queued mail, oldest first.
func (e *env) outbox() []auth.OutboxMail {
	e.t.Helper()
	m, err := e.db.ListMail(context.Background(), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// lastMailVar returns a variable of the newest message of a template.
func (e *env) lastMailVar(template, name string) string {
	e.t.Helper()
	m := e.outbox()
	for i := len(m) - 1; i >= 0; i-- {
		if m[i].Template == template {
			return m[i].Vars[name]
		}
	}
	e.t.Fatalf("no %s mail", template)
	return ""
}
