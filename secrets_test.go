package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"shopauth/db"
)

// TestCryptKeyMinimumLength: a crypt/key whose signing key is shorter than Magento's
// 32 characters is refused by config:set (exit 2, the key never echoed), and a database
// that already holds one does not serve (exit 1, saying how to replace it) while
// config:show and config:set still work on it. Before, config:set took "secret", and
// one token was enough to find such a key offline and sign tokens for anyone.
func TestCryptKeyMinimumLength(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dbf := filepath.Join(t.TempDir(), "s.db")
	runBin := func(args ...string) (string, string, int) { return runBinary(t, append(args, "--db", dbf)...) }
	short := "s3cret-but-short"
	_, stderr, code := runBin("config:set", "crypt/key", short)
	if code != 2 || stderr != "shopauth: config:set: invalid value for crypt/key: the last key, the one that signs tokens, has 16 characters; want at least 32, as Magento generates\n" {
		t.Errorf("config:set short key: %d %q", code, stderr)
	}
	// An old short key before a long one is fine: only the last key signs.
	long := "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
	if out, stderr, code := runBin("config:set", "crypt/key", short+"\n"+long); code != 0 || out != "Value was saved.\n" {
		t.Errorf("config:set old short + new long: %d %q %q", code, out, stderr)
	}
	_, stderr, code = runBin("config:set", "crypt/key", long+" "+short)
	if code != 2 || !strings.Contains(stderr, "has 16 characters; want at least 32") {
		t.Errorf("config:set long then short: %d %q", code, stderr)
	}

	// A database from before the minimum: the short key is stored as it was.
	d, err := db.Open(context.Background(), dbf)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetSetting(context.Background(), "crypt/key", short); err != nil {
		t.Fatal(err)
	}
	d.Close()
	_, stderr, code = runBin("serve", "--addr", "127.0.0.1:0")
	want := "shopauth: crypt/key is too short to sign tokens: the last key, the one that signs tokens, has 16 characters; want at least 32, as Magento generates. " +
		"Anyone who finds it by trying keys against one token can make tokens for any account. Set a new key (every token and session issued so far stops working; " +
		"a shop that shares the key with Magento sets the same one in app/etc/env.php): shopauth config:set crypt/key \"$(head -c 24 /dev/urandom | base64)\"\n"
	if code != 1 || stderr != want {
		t.Errorf("serve with a short key: %d\n%q\nwant\n%q", code, stderr, want)
	}
	if out, _, code := runBin("config:show", "crypt/key"); code != 0 || out != short+"\n" {
		t.Errorf("config:show with a short key: %d %q", code, out)
	}
	if _, _, code := runBin("config:set", "crypt/key", long); code != 0 {
		t.Fatalf("config:set a new key: %d", code)
	}
	_, base := startBinary(t, io.Discard, "serve", "--quiet", "--addr", "127.0.0.1:0", "--db", dbf)
	status, body, _ := gqlPost(http.DefaultClient, base, "", `{storeConfig{store_code}}`)
	if status != 200 || body != `{"data":{"storeConfig":{"store_code":"default"}}}`+"\n" {
		t.Errorf("serving with the new key: %d %s", status, body)
	}
}
