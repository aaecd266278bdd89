package main

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"shopauth/db/pgtest"
)

// signInVia posts a sign-in to a running binary with an optional X-Forwarded-For.
func signInVia(t *testing.T, base, xff string) (int, string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"query": `mutation{generateCustomerToken(email:"customer@example.com",password:"password"){token}}`})
	var header map[string]string
	if xff != "" {
		header = map[string]string{"X-Forwarded-For": xff}
	}
	return postJSON(t, base+"/graphql", string(b), header)
}

// The real binary's --trusted-proxy: X-Forwarded-For from a peer outside the list is
// ignored (the limit follows the peer), from a listed peer it picks the client.
func TestTrustedProxyFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	const tooMany = `{"errors":[{"message":"Too many requests from this address. Please wait and try again later.","extensions":{"category":"graphql-input"}}]}` + "\n"
	for _, c := range []struct {
		trusted     string
		spoofHelped bool // does a new X-Forwarded-For get a fresh bucket?
	}{{"10.0.0.0/8", false}, {"127.0.0.1", true}} {
		dbf := testDB(t, t.TempDir(), "p.db")
		if _, err := cli(t, "config:set", "shopauth/rate_limit/signin_per_minute", "1", "--db", dbf); err != nil {
			t.Fatal(err)
		}
		cmd, base := startBinary(t, io.Discard, "serve", "--quiet", "--demo", "--addr", "127.0.0.1:0", "--db", dbf, "--trusted-proxy", c.trusted)
		if status, body := signInVia(t, base, "198.51.100.7"); status != 200 {
			t.Fatalf("%s first: %d %s", c.trusted, status, body)
		}
		status, body := signInVia(t, base, "198.51.100.8")
		if c.spoofHelped && status != 200 {
			t.Errorf("trusted %s: another client behind the proxy was limited: %d %s", c.trusted, status, body)
		}
		if !c.spoofHelped && (status != 429 || body != tooMany) {
			t.Errorf("untrusted peer with %s: spoofed X-Forwarded-For escaped the limit: %d %s", c.trusted, status, body)
		}
		stopBinary(cmd)
	}
}

// shopauth backup copies the live database while the server runs; the copy serves
// (restore = put the copy in place), and backup never overwrites a file.
func TestBackupCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	sqliteOnly(t)
	dir := t.TempDir()
	dbf, copyf := filepath.Join(dir, "live.db"), filepath.Join(dir, "copy.db")
	cmd, base := startBinary(t, io.Discard, "serve", "--quiet", "--demo", "--addr", "127.0.0.1:0", "--db", dbf)
	if status, body := signInVia(t, base, ""); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	out, err := cli(t, "backup", copyf, "--db", dbf)
	if err != nil || !strings.Contains(out, copyf) {
		t.Fatalf("backup: %q %v", out, err)
	}
	if _, err := cli(t, "backup", copyf, "--db", dbf); !isUsage(err) {
		t.Errorf("backup over an existing file: %v", err)
	}
	stopBinary(cmd)
	checkIntegrity(t, copyf)
	_, base = startBinary(t, io.Discard, "serve", "--quiet", "--addr", "127.0.0.1:0", "--db", copyf)
	if status, body := signInVia(t, base, ""); status != 200 || !strings.Contains(body, `"token":"ey`) {
		t.Fatalf("restored copy: %d %s", status, body)
	}
}

// TestBackupPostgresNamesPgDump: backup of a PostgreSQL database is a usage error
// (exit 2) that names pg_dump, and shows no password.
func TestBackupPostgresNamesPgDump(t *testing.T) {
	dsn := pgtest.DSN(t)
	u, _ := url.Parse(dsn)
	u.User = url.UserPassword(u.User.Username(), "s3cret")
	_, err := cli(t, "backup", filepath.Join(t.TempDir(), "x.dump"), "--db", u.String())
	if !isUsage(err) || !strings.Contains(err.Error(), "pg_dump") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
}
