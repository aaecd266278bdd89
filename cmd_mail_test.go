package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestMailList(t *testing.T) {
	dbf := filepath.Join(t.TempDir(), "s.db")
	if _, err := cli(t, "config:set", "customer/create_account/confirm", "1", "--db", dbf); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"a@example.com", "b@example.com"} {
		if _, err := cli(t, "customer:create", "--email", email, "--password", "Passw0rd!", "--firstname", "A", "--lastname", "B", "--db", dbf); err != nil {
			t.Fatal(err)
		}
	}
	out, err := cli(t, "mail:list", "--json", "--db", dbf)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%q", out)
	}
	var m struct {
		Vars map[string]string
	}
	if err := json.Unmarshal([]byte(lines[1]), &m); err != nil {
		t.Fatal(err)
	}
	// Newest last; the JSON names are SPEC §1's.
	var raw map[string]any
	json.Unmarshal([]byte(lines[1]), &raw)
	for _, k := range []string{"to", "subject", "template", "vars", "created_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("no %q in %s", k, lines[1])
		}
	}
	if raw["to"] != "b@example.com" || raw["template"] != "account_confirmation" || len(m.Vars["confirmation_key"]) != 32 {
		t.Errorf("mail %s", lines[1])
	}
	if out, _ := cli(t, "mail:list", "--db", dbf); !strings.Contains(out, "account_confirmation") || !strings.Contains(out, "queued") {
		t.Errorf("plain list %q", out)
	}
	if _, err := cli(t, "mail:list", "--limit", "0", "--db", dbf); !isUsage(err) {
		t.Errorf("bad limit: %v", err)
	}
}
