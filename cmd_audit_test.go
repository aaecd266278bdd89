package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
)

// TestAuditListFilters: audit:list prints oldest first, filters by customer, admin and
// event, keeps the newest --limit events, and --json gives one exact object a line.
func TestAuditListFilters(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	ctx := context.Background()
	d, err := db.Open(ctx, dbf)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, e := range []auth.AuditEvent{
		{Event: "admin.signin", AdminID: 1, Username: "boss", Detail: "password", RemoteAddr: "10.0.0.1"},
		{Event: "admin.otc_created", AdminID: 1, CustomerID: 7, Username: "boss", Detail: "call \"42\"", RemoteAddr: "10.0.0.1"},
		{Event: "customer.signin", CustomerID: 7, Username: "a@example.com", RemoteAddr: "10.0.0.2"},
		{Event: "admin.otc_created", AdminID: 2, CustomerID: 8, Username: "ops", Detail: "chat", RemoteAddr: "10.0.0.3"},
	} {
		e.Time = t0.Add(time.Duration(i) * time.Minute)
		if err := d.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	d.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--customer", "7"}, "" +
			"2026-01-02T03:05:05Z  admin.otc_created          admin=1 customer=7 user=\"boss\" call \"42\"\n" +
			"2026-01-02T03:06:05Z  customer.signin            admin=0 customer=7 user=\"a@example.com\" \n"},
		{[]string{"--admin", "1", "--event", "admin.otc_created"}, "" +
			"2026-01-02T03:05:05Z  admin.otc_created          admin=1 customer=7 user=\"boss\" call \"42\"\n"},
		{[]string{"--event", "admin.otc_created", "--json"}, "" +
			`{"admin_id":1,"customer_id":7,"detail":"call \"42\"","event":"admin.otc_created","remote_addr":"10.0.0.1","time":"2026-01-02T03:05:05Z","username":"boss"}` + "\n" +
			`{"admin_id":2,"customer_id":8,"detail":"chat","event":"admin.otc_created","remote_addr":"10.0.0.3","time":"2026-01-02T03:07:05Z","username":"ops"}` + "\n"},
		{[]string{"--limit", "1", "--json"},
			`{"admin_id":2,"customer_id":8,"detail":"chat","event":"admin.otc_created","remote_addr":"10.0.0.3","time":"2026-01-02T03:07:05Z","username":"ops"}` + "\n"},
		{[]string{"--customer", "99"}, ""},
	} {
		out, err := cli(t, append(append([]string{"audit:list"}, tc.args...), "--db", dbf)...)
		if err != nil || out != tc.want {
			t.Errorf("%v:\ngot  %q (%v)\nwant %q", tc.args, out, err, tc.want)
		}
	}
	for _, bad := range [][]string{{"--limit", "1001"}, {"--customer", "x"}, {"--admin"}, {"extra"}} {
		if _, err := cli(t, append(append([]string{"audit:list"}, bad...), "--db", dbf)...); !isUsage(err) {
			t.Errorf("%v: want a usage error, got %v", bad, err)
		}
	}
	// A mistyped event is refused with the list of events, not answered with nothing.
	_, err = cli(t, "audit:list", "--event", "customer.sigin", "--db", dbf)
	want := `audit:list: unknown event "customer.sigin" (events: admin.activated, admin.assistance_set, admin.created, `
	if !isUsage(err) || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), ", customer.signin_locked, customer.signin_throttled)") ||
		strings.Contains(err.Error(), "\n") {
		t.Errorf("unknown event: %v", err)
	}
}

// TestBaseURL: links in mail point to the listen address, localhost for all interfaces.
func TestBaseURL(t *testing.T) {
	for addr, want := range map[string]string{"127.0.0.1:8080": "http://127.0.0.1:8080", "0.0.0.0:80": "http://localhost:80",
		":9000": "http://localhost:9000", "[::]:8080": "http://localhost:8080", "[::1]:8080": "http://[::1]:8080", "shop.example:8443": "http://shop.example:8443"} {
		if got := baseURL(addr); got != want {
			t.Errorf("%s: got %s want %s", addr, got, want)
		}
	}
}

// TestAuditListEscapesControlCharacters: an admin writes the reason of a one-time code,
// and audit:list printed it raw, so a reason holding a newline added a made-up line to
// the log an operator reads (an admin could hide an impersonation behind an innocent
// line), and terminal escape sequences reached the operator's terminal.
func TestAuditListEscapesControlCharacters(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dbf := testDB(t, t.TempDir(), "s.db")
	var stderr bytes.Buffer
	cmd, base := startBinary(t, &stderr, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", dbf)
	defer cmd.Process.Kill()
	rest := func(path, token, body string) string {
		status, out := postJSON(t, base+path, body, bearer(token))
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, out)
		}
		return out
	}
	var tok string
	json.Unmarshal([]byte(rest("/rest/V1/integration/admin/token", "", `{"username":"admin","password":"admin123"}`)), &tok)
	forged := "2026-01-01T00:00:00Z  admin.otc_created          admin=1 customer=2 user=\"admin\" customer asked"
	reason, _ := json.Marshal("phone call\r\n" + forged + "\x1b[2J")
	rest("/rest/V1/customer/2/otp", tok, `{"reason":`+string(reason)+`}`)
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()

	out, err := cli(t, "audit:list", "--event", "admin.otc_created", "--db", dbf)
	if err != nil {
		t.Fatal(err)
	}
	want := `user="admin" phone call\r\n` + forged + `\x1b[2J` + "\n"
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, want) {
		t.Errorf("got  %q\nwant one line ending %q", out, want)
	}
	// --json keeps the reason as it was written.
	out, err = cli(t, "audit:list", "--event", "admin.otc_created", "--json", "--db", dbf)
	var e struct{ Detail string }
	if err != nil || json.Unmarshal([]byte(out), &e) != nil || e.Detail != "phone call\r\n"+forged+"\x1b[2J" {
		t.Errorf("json: %q %v", out, err)
	}
}
