package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAdminCommands(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	args := []string{"admin:user:create", "--admin-user", "boss", "--admin-password", "Adm1nPass!", "--admin-email", "boss@example.com",
		"--admin-firstname", "Big", "--admin-lastname", "Boss", "--db", dbf}
	if out, err := cli(t, args...); err != nil || out != "Created admin user boss (id 1)\n" {
		t.Fatalf("%q %v", out, err)
	}
	if _, err := cli(t, args...); !isUsage(err) || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate: %v", err)
	}
	for _, bad := range [][]string{
		{"admin:user:create", "--admin-user", "x", "--admin-password", "short", "--admin-email", "x@example.com", "--admin-firstname", "A", "--admin-lastname", "B"},
		{"admin:user:create", "--admin-user", "x", "--admin-password", "Adm1nPass!", "--admin-email", "nope", "--admin-firstname", "A", "--admin-lastname", "B"},
		{"admin:user:create", "--admin-user", "x"},
		{"admin:tfa:setup"},
		{"admin:tfa:setup", "--admin-user", "ghost"},
		{"audit:list", "--limit", "0"},
	} {
		if _, err := cli(t, append(bad, "--db", dbf)...); !isUsage(err) {
			t.Errorf("%v: want usage error, got %v", bad, err)
		}
	}
	out, err := cli(t, "admin:tfa:setup", "--admin-user", "boss", "--db", dbf)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 2 || !strings.HasPrefix(lines[0], "otpauth://totp/shopauth:boss?") || !strings.Contains(lines[0], "secret="+lines[1]) || len(lines[1]) != 32 {
		t.Fatalf("tfa setup: %q %v", out, err)
	}
	// Running it again shows the same secret.
	if again, _ := cli(t, "admin:tfa:setup", "--admin-user", "boss", "--db", dbf); again != out {
		t.Errorf("second setup changed the secret: %q", again)
	}
	out, err = cli(t, "audit:list", "--json", "--db", dbf)
	if err != nil {
		t.Fatal(err)
	}
	var events []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) != nil {
			t.Fatalf("not JSON: %q", l)
		}
		events = append(events, m)
	}
	if len(events) != 2 || events[0]["event"] != "admin.created" || events[1]["event"] != "admin.tfa_setup" {
		t.Errorf("audit: %v", events)
	}
	if out, _ := cli(t, "audit:list", "--event", "admin.tfa_setup", "--db", dbf); !strings.Contains(out, "admin.tfa_setup") || strings.Contains(out, "admin.created") {
		t.Errorf("filtered audit: %q", out)
	}
}
