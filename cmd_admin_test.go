package main

import (
	"encoding/json"
	"strings"
	"testing"

	"shopauth/auth"
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

// TestAdminUserCommands: list, lock, unlock, deactivate, activate and 2FA reset from the
// operator's command line, audited as the command line's; the last admin who can sign
// in is never locked or deactivated (exit 2, one line).
func TestAdminUserCommands(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	for _, u := range []string{"boss", "help"} {
		if _, err := cli(t, "admin:user:create", "--admin-user", u, "--admin-password", "Adm1nPass!", "--admin-email", u+"@example.com",
			"--admin-firstname", "A", "--admin-lastname", "B", "--db", dbf); err != nil {
			t.Fatal(err)
		}
	}
	run := func(want string, args ...string) {
		t.Helper()
		out, err := cli(t, append(args, "--db", dbf)...)
		if err != nil || !strings.HasPrefix(out, want) {
			t.Errorf("%v: %q %v, want %q…", args, out, err, want)
		}
	}
	usage := func(want string, args ...string) {
		t.Helper()
		_, err := cli(t, append(args, "--db", dbf)...)
		if !isUsage(err) || err.Error() != want {
			t.Errorf("%v: %v, want usage error %q", args, err, want)
		}
	}
	run("1\tboss\tboss@example.com\tactive, no 2fa\n2\thelp\thelp@example.com\tactive, no 2fa\n", "admin:user:list")
	run("Locked admin user help until ", "admin:user:lock", "--admin-user", "help", "--for", "2h")
	if out, _ := cli(t, "admin:user:list", "--db", dbf); !strings.Contains(out, "2\thelp\thelp@example.com\tactive, locked until ") {
		t.Errorf("list after lock: %q", out)
	}
	usage("admin:user:lock: "+auth.MsgLastActiveAdmin, "admin:user:lock", "--admin-user", "boss")
	usage("admin:user:deactivate: "+auth.MsgLastActiveAdmin, "admin:user:deactivate", "--admin-user", "boss")
	run("Unlocked admin user help.", "admin:user:unlock", "--admin-user", "help")
	run("Deactivated admin user help;", "admin:user:deactivate", "--admin-user", "help")
	usage("admin:user:lock: "+auth.MsgLastActiveAdmin, "admin:user:lock", "--admin-user", "boss", "--for", "1h")
	run("Activated admin user help.", "admin:user:activate", "--admin-user", "help")
	usage("admin:tfa:reset: "+auth.MsgNoTOTPToReset, "admin:tfa:reset", "--admin-user", "help")
	if _, err := cli(t, "admin:tfa:setup", "--admin-user", "help", "--db", dbf); err != nil {
		t.Fatal(err)
	}
	run("Reset two-factor authentication of admin user help:", "admin:tfa:reset", "--admin-user", "help")
	run("1\tboss\tboss@example.com\tactive, no 2fa\n2\thelp\thelp@example.com\tactive, no 2fa\n", "admin:user:list")
	usage(`admin:user:unlock: The admin user "ghost" does not exist.`, "admin:user:unlock", "--admin-user", "ghost")
	usage("admin:user:deactivate: --admin-user is required", "admin:user:deactivate")
	usage("admin:user:lock: --for must be from 1m to 876000h, got 1s", "admin:user:lock", "--admin-user", "help", "--for", "1s")
	usage("usage: shopauth admin:user:unlock --admin-user U [--db FILE]", "admin:user:unlock", "--admin-user", "help", "extra")
	out, _ := cli(t, "audit:list", "--admin", "2", "--db", dbf)
	for _, want := range []string{"admin.locked", "admin.unlocked", "admin.deactivated", "admin.activated", "admin.tfa_reset"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %s:\n%s", want, out)
		}
	}
	if !strings.Contains(out, `by command line (admin id 0)`) {
		t.Errorf("audit does not name the command line:\n%s", out)
	}
}
