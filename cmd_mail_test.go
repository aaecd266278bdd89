package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMailList(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	// An empty outbox prints nothing.
	if out, err := cli(t, "mail:list", "--json", "--db", dbf); err != nil || out != "" {
		t.Fatalf("empty outbox: %q %v", out, err)
	}
	if _, err := cli(t, "config:set", "customer/create_account/confirm", "1", "--db", dbf); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	for _, email := range []string{"a@example.com", "b@example.com"} {
		if _, err := cli(t, "customer:create", "--email", email, "--password", "Passw0rd!", "--firstname", "A", "--lastname", "B", "--db", dbf); err != nil {
			t.Fatal(err)
		}
	}
	out, err := cli(t, "mail:list", "--json", "--db", dbf)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%q", out)
	}
	// One object a line, SPEC §1's names and nothing else, vars an object, newest last.
	for i, email := range []string{"a@example.com", "b@example.com"} {
		var m struct {
			To, Subject, Template string
			Vars                  map[string]string
			CreatedAt             string `json:"created_at"`
		}
		dec := json.NewDecoder(strings.NewReader(lines[i]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("line %d %s: %v", i, lines[i], err)
		}
		at, err := time.Parse(time.RFC3339, m.CreatedAt)
		if m.To != email || m.Subject != "Please confirm your account" || m.Template != "account_confirmation" ||
			len(m.Vars) != 3 || m.Vars["email"] != email || len(m.Vars["confirmation_key"]) != 32 || m.Vars["customer_id"] != []string{"1", "2"}[i] ||
			err != nil || at.Before(before.Truncate(time.Second)) || at.After(time.Now()) {
			t.Errorf("line %d: %s", i, lines[i])
		}
		wantPrefix := `{"to":"` + email + `","subject":"Please confirm your account","template":"account_confirmation","vars":{`
		if !strings.HasPrefix(lines[i], wantPrefix) || !strings.HasSuffix(lines[i], `},"created_at":"`+m.CreatedAt+`"}`) {
			t.Errorf("field order or shape: %s", lines[i])
		}
	}
	plain, err := cli(t, "mail:list", "--db", dbf)
	line := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  account_confirmation   to=(\S+) subject="Please confirm your account" queued$`)
	pl := strings.Split(strings.TrimSuffix(plain, "\n"), "\n")
	if err != nil || len(pl) != 2 || line.FindStringSubmatch(pl[0]) == nil || line.FindStringSubmatch(pl[1])[1] != "b@example.com" {
		t.Errorf("plain list %q %v", plain, err)
	}
	if out, _ := cli(t, "mail:list", "--json", "--limit", "1", "--db", dbf); !strings.Contains(out, `"to":"b@example.com"`) || strings.Count(out, "\n") != 1 {
		t.Errorf("--limit 1: %q", out)
	}
	if _, err := cli(t, "mail:list", "--limit", "0", "--db", dbf); !isUsage(err) {
		t.Errorf("bad limit: %v", err)
	}
	if _, err := cli(t, "mail:list", "extra", "--db", dbf); !isUsage(err) {
		t.Errorf("extra argument: %v", err)
	}
}
