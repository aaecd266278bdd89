package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"shopauth/db/pgtest"
)

// TestDBCopyRoundTrip: a SQLite database in use (demo data, a signed-out customer, a
// reset mail, an admin with TOTP, audit events) is copied into an empty PostgreSQL
// database and from there into a new SQLite file; each copy has the same settings
// (crypt/key), outbox, audit log and TOTP secret, serves the same tokens (a live one
// works, a revoked one does not) and makes new rows past the copied ids.
func TestDBCopyRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	dir := t.TempDir()
	src, back := filepath.Join(dir, "src.db"), filepath.Join(dir, "back.db")
	pg := pgtest.DSN(t)
	if _, err := cli(t, "config:set", "shopauth/rate_limit/signin_per_minute", "0", "--db", src); err != nil {
		t.Fatal(err)
	}
	cmd, base := startBinary(t, io.Discard, "serve", "--quiet", "--demo", "--addr", "127.0.0.1:0", "--db", src)
	signIn := func(base, email, password string) string {
		_, body := gqlAs(t, base, "", "", `mutation{generateCustomerToken(email:"`+email+`",password:"`+password+`"){token}}`)
		return tokenOf(t, body)
	}
	live := signIn(base, "customer@example.com", "password")
	revoked := signIn(base, "customer1@mail.com", "password")
	if live == "" || revoked == "" {
		t.Fatal("no demo sign-in")
	}
	if st, _ := gqlAs(t, base, revoked, "", `mutation{revokeCustomerToken{result}}`); st != 200 {
		t.Fatal("revoke")
	}
	gqlAs(t, base, "", "", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`)
	signIn(base, "customer@example.com", "wrong") // an audit event and a throttle row
	stopBinary(cmd)
	tfa, err := cli(t, "admin:tfa:setup", "--admin-user", "admin", "--db", src)
	if err != nil {
		t.Fatal(err)
	}
	state := func(dsn string) []string {
		var out []string
		for _, args := range [][]string{{"config:show", "crypt/key"}, {"config:show"}, {"mail:list", "--json"}, {"audit:list", "--json"},
			{"admin:tfa:setup", "--admin-user", "admin"}} {
			o, err := cli(t, append(args, "--db", dsn)...)
			if err != nil {
				t.Fatalf("%v: %v", args, err)
			}
			out = append(out, o)
		}
		return out
	}
	want := state(src)
	if want[4] != tfa || !strings.Contains(want[2], "password_reset") {
		t.Fatalf("source state: %q", want)
	}

	for _, hop := range []struct{ from, to string }{{src, pg}, {pg, back}} {
		out, err := cli(t, "db:copy", hop.from, hop.to)
		if err != nil || !strings.HasPrefix(out, "Copied ") || !strings.Contains(out, "customer ") || !strings.Contains(out, "admin_user ") {
			t.Fatalf("db:copy: %q %v", out, err)
		}
		if _, err := cli(t, "db:copy", hop.from, hop.to); !isUsage(err) || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("db:copy into a database with data: %v", err)
		}
		got := state(hop.to)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("copy differs from the source:\n%s\nwant\n%s", got[i], want[i])
			}
		}
		cmd, base := startBinary(t, io.Discard, "serve", "--quiet", "--addr", "127.0.0.1:0", "--db", hop.to)
		if st, body := gqlAs(t, base, live, "", `{customer{email}}`); st != 200 || body != `{"data":{"customer":{"email":"customer@example.com"}}}` {
			t.Fatalf("a live token on the copy: %d %s", st, body)
		}
		if _, body := gqlAs(t, base, revoked, "", `{customer{email}}`); strings.Contains(body, `"email"`) {
			t.Fatalf("a revoked token works on the copy: %s", body)
		}
		if st, body := gqlAs(t, base, "", "", `mutation{createCustomerV2(input:{email:"new`+filepath.Base(hop.to)[:2]+`@example.com",firstname:"N",lastname:"E",password:"Passw0rd!1"}){customer{email}}}`); st != 200 || !strings.Contains(body, `"email"`) {
			t.Fatalf("a new customer on the copy: %d %s", st, body)
		}
		stopBinary(cmd)
		want = state(hop.to) // now with the new customer's audit event
	}
	if _, err := cli(t, "db:copy", filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db")); !isUsage(err) {
		t.Fatalf("db:copy from a missing file: %v", err)
	}
}
