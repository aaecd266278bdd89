package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"shopauth/auth"
)

// TestREADMESettingsAndCommands keeps README.md true to the code: every setting is
// named with its default (what config:show prints on a new database), and every
// command is in the commands table. The README had drifted: four settings missing,
// a sender address without its default.
func TestREADMESettingsAndCommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, s := range auth.AllSettings() {
		at := strings.Index(readme, "`"+s.Path+"`")
		if at < 0 {
			t.Errorf("README does not name the setting %s", s.Path)
			continue
		}
		if s.Default == "" {
			continue // empty, or generated (crypt/key)
		}
		// The default follows the path: a number, or a `quoted` text.
		m := regexp.MustCompile("^`[^`]+`\\s+(?:([0-9.]+)|`([^`]*)`)").FindStringSubmatch(readme[at:])
		if m == nil {
			t.Errorf("README names %s without its default %q", s.Path, s.Default)
			continue
		}
		if got := m[1] + m[2]; got != s.Default {
			t.Errorf("README: %s defaults to %q, the code to %q", s.Path, got, s.Default)
		}
	}
	for name := range commands {
		if !strings.Contains(readme, "`shopauth "+name) && !strings.Contains(readme, "/ `"+name+" ") {
			t.Errorf("README's commands table lacks %s", name)
		}
	}
}
