package main

import (
	"path/filepath"
	"regexp"
	"testing"
)

// TestKeyRotateCommand: key:rotate is refused while tokens are HS256; with EdDSA it adds
// a key and names the one that keeps verifying, and when.
func TestKeyRotateCommand(t *testing.T) {
	dbf := filepath.Join(t.TempDir(), "shopauth.db")
	if _, err := cli(t, "key:rotate", "--db", dbf); !isUsage(err) || err.Error() !=
		"key:rotate: tokens are signed with HS256 (crypt/key); set shopauth/token/algorithm to EdDSA or ES256 first" {
		t.Fatalf("under HS256: %v", err)
	}
	if _, err := cli(t, "config:set", "shopauth/token/algorithm", "EdDSA", "--db", dbf); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, "key:rotate", "--db", dbf)
	re := regexp.MustCompile(`^New EdDSA signing key ([A-Za-z0-9_-]{43})\nKey ([A-Za-z0-9_-]{43}) still verifies until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$`)
	if m := re.FindStringSubmatch(out); err != nil || m == nil || m[1] == m[2] {
		t.Fatalf("key:rotate: %v %q", err, out)
	}
	if _, err := cli(t, "config:set", "shopauth/token/algorithm", "RS256", "--db", dbf); !isUsage(err) {
		t.Errorf("RS256: %v", err)
	}
}
