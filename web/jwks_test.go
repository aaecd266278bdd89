package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/internal/testkit"
)

// joseVerifier is a node script that verifies tokens with npm's jose (not our code)
// against the JWKS fetched from the server, printing one line per token: the header
// and payload, or the error code.
const joseVerifier = `
import { createRemoteJWKSet, jwtVerify } from 'jose';
const [url, ...tokens] = process.argv.slice(2);
const jwks = createRemoteJWKSet(new URL(url));
for (const t of tokens) {
  try {
    const { payload, protectedHeader } = await jwtVerify(t, jwks, { algorithms: ['EdDSA', 'ES256'] });
    console.log(JSON.stringify({ header: protectedHeader, uid: payload.uid, utypid: payload.utypid }));
  } catch (e) {
    console.log(JSON.stringify({ error: e.code }));
  }
}
`

// jose installs npm's jose 5 into a temp dir and returns a function that verifies
// tokens with it. Without node and npm the test skips, except under CI=true.
func jose(t *testing.T) func(jwksURL string, tokens ...string) []string {
	t.Helper()
	node, npm := testkit.Tool(t, "node", "nodejs"), testkit.Tool(t, "npm", "npm")
	dir := t.TempDir()
	install := exec.Command(npm, "install", "--prefix", dir, "jose@5", "--no-audit", "--no-fund", "--loglevel=error")
	install.Env = append(os.Environ(), "HOME="+dir, "npm_config_cache="+filepath.Join(dir, ".npm"))
	if out, err := install.CombinedOutput(); err != nil {
		if os.Getenv("CI") != "true" {
			t.Skipf("npm install jose: %v %s", err, out)
		}
		t.Fatalf("npm install jose: %v %s", err, out)
	}
	script := filepath.Join(dir, "verify.mjs")
	if err := os.WriteFile(script, []byte(joseVerifier), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(jwksURL string, tokens ...string) []string {
		t.Helper()
		out, err := exec.Command(node, append([]string{script, jwksURL}, tokens...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("node: %v %s", err, out)
		}
		return strings.Split(strings.TrimSpace(string(out)), "\n")
	}
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	var h struct{ Kid, Alg string }
	b, _ := b64dec(strings.Split(tok, ".")[0])
	if json.Unmarshal(b, &h) != nil {
		t.Fatalf("header of %s", tok)
	}
	return h.Kid
}

// TestOfflineVerificationWithJose: with shopauth/token/algorithm EdDSA or ES256, npm's
// jose verifies shopauth's tokens from /.well-known/jwks.json alone; key:rotate's new
// key signs while tokens of the old one keep working, in shopauth and in jose (no one
// is signed out); a changed token and an HS256 token (its key is never published) fail.
func TestOfflineVerificationWithJose(t *testing.T) {
	verify := jose(t)
	e := newEnv(t)
	other := e.sibling()
	c := e.customer("customer@example.com", "password")
	jwks := e.srv.URL + "/.well-known/jwks.json"
	hs := e.token("customer@example.com", "password")
	expect(t, e.do("GET", "/.well-known/jwks.json", "", "", nil), 200, `{"keys":[]}`)

	e.set(auth.PathTokenAlgorithm, auth.AlgEdDSA)
	ed := e.token("customer@example.com", "password")
	e.set(auth.PathTokenAlgorithm, auth.AlgES256)
	es := e.token("customer@example.com", "password")
	// key:rotate, as the command does it: another process over the same database.
	if err := other.svc.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	rotated, err := other.svc.RotateSigningKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Refresh(context.Background()); err != nil { // what serve does every 250 ms
		t.Fatal(err)
	}
	es2 := e.token("customer@example.com", "password")
	if kidOf(t, es2) != rotated.Kid || kidOf(t, es) == rotated.Kid || kidOf(t, hs) != "1" {
		t.Errorf("kids: HS256 %s, ES256 %s, after rotation %s (new key %s)", kidOf(t, hs), kidOf(t, es), kidOf(t, es2), rotated.Kid)
	}
	r := e.do("GET", "/.well-known/jwks.json", "", "", nil)
	var set struct{ Keys []auth.JWK }
	if json.Unmarshal([]byte(r.body), &set) != nil || len(set.Keys) != 3 || r.header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("JWKS: %s %v", r.body, r.header)
	}
	for _, k := range set.Keys {
		if k.Use != "sig" || (k.Alg == "EdDSA") != (k.Kty == "OKP" && k.Crv == "Ed25519") || (k.Alg == "ES256") != (k.Kty == "EC" && k.Crv == "P-256" && k.Y != "") {
			t.Errorf("JWK %+v", k)
		}
	}
	for _, tok := range []string{hs, ed, es, es2} {
		expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	}
	tampered := es2[:len(es2)-4] + "AAAA"
	got := verify(jwks, ed, es, es2, tampered, hs)
	uid := itoa(int(c.ID))
	want := []string{
		`{"header":{"kid":"` + kidOf(t, ed) + `","alg":"EdDSA"},"uid":` + uid + `,"utypid":3}`,
		`{"header":{"kid":"` + kidOf(t, es) + `","alg":"ES256"},"uid":` + uid + `,"utypid":3}`,
		`{"header":{"kid":"` + rotated.Kid + `","alg":"ES256"},"uid":` + uid + `,"utypid":3}`,
		`{"error":"ERR_JWS_SIGNATURE_VERIFICATION_FAILED"}`,
		`{"error":"ERR_JOSE_ALG_NOT_ALLOWED"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("jose:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// What an offline verifier cannot see: a sign-out. shopauth refuses the token at
	// once; jose, with only the keys, still accepts it until exp.
	expect(t, e.gql(es2, `mutation{revokeCustomerToken{result}}`, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	expect(t, e.gql(es2, `{customer{email}}`, nil), 401, `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
	if got := verify(jwks, es2); !strings.HasPrefix(got[0], `{"header"`) {
		t.Errorf("jose after revocation: %s", got[0])
	}
	// key:rotate while tokens are HS256 is refused.
	e.set(auth.PathTokenAlgorithm, auth.AlgHS256)
	if _, err := e.svc.RotateSigningKey(context.Background()); err != auth.ErrHS256Rotate {
		t.Errorf("rotate under HS256: %v", err)
	}
	if tok := e.token("customer@example.com", "password"); kidOf(t, tok) != "1" {
		t.Error("back to HS256: not Magento's header")
	}
}

func b64dec(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

// TestRetiredKeyVerifiesUntilItsLastToken: a token keeps the exp it was issued with, so
// a key retired by key:rotate verifies (and stays in the JWKS) until the last token it
// can have signed expires, even when the lifetime was lowered before the rotation; then
// it leaves the JWKS and its row is deleted. Lifetimes: 5 hours when the token is
// signed, 1 hour at the rotation (the rotation used to keep the key for 1 hour only).
func TestRetiredKeyVerifiesUntilItsLastToken(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	other := e.sibling()
	e.customer("customer@example.com", "password")
	e.set(auth.PathTokenAlgorithm, auth.AlgEdDSA)
	e.set(auth.PathAdminTokenLifetime, "1")
	e.set(auth.PathCustomerTokenLifetime, "5")
	keys, err := e.db.SigningKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].MaxLifetime != 5*3600 {
		t.Fatalf("the signing key after the lifetime was raised: %+v %v", keys, err)
	}
	signedAt := e.clock.Now()
	tok := e.token("customer@example.com", "password")
	old := kidOf(t, tok)
	e.set(auth.PathCustomerTokenLifetime, "1")

	// key:rotate, as the command does it: another process over the same database.
	if err := other.svc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	rotated, err := other.svc.RotateSigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	jwks := func() []string {
		t.Helper()
		r := e.do("GET", "/.well-known/jwks.json", "", "", nil)
		var set struct{ Keys []auth.JWK }
		if r.status != 200 || json.Unmarshal([]byte(r.body), &set) != nil {
			t.Fatalf("JWKS: %s", r)
		}
		var kids []string
		for _, k := range set.Keys {
			kids = append(kids, k.Kid)
		}
		sort.Strings(kids) // the keys were made at the same instant of the test clock
		return kids
	}
	both := []string{old, rotated.Kid}
	sort.Strings(both)
	at := func(d time.Duration) {
		t.Helper()
		e.clock.Add(signedAt.Add(d).Sub(e.clock.Now()))
		if err := e.svc.Refresh(ctx); err != nil { // what serve does every 250 ms
			t.Fatal(err)
		}
	}
	ok := `{"data":{"customer":{"email":"customer@example.com"}}}`
	at(0)
	if kids := jwks(); !slices.Equal(kids, both) {
		t.Fatalf("JWKS after the rotation: %v, want %v", kids, both)
	}
	if kid := kidOf(t, e.token("customer@example.com", "password")); kid != rotated.Kid {
		t.Errorf("signed by %s after the rotation, want %s", kid, rotated.Kid)
	}
	at(2 * time.Hour) // past the lifetime in force at the rotation
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, ok)
	at(5*time.Hour - time.Second)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, ok)
	if kids := jwks(); !slices.Equal(kids, both) {
		t.Errorf("JWKS a second before the token expires: %v, want %v", kids, both)
	}
	at(5 * time.Hour)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, `{"errors":[{"message":"`+auth.MsgTokenExpired+`","extensions":{"category":"graphql-authentication"}}]}`)
	// The key stays published as long as a server may have signed with it after the
	// rotation (it sees a rotation at its next refresh), then leaves the JWKS and the table.
	at(5*time.Hour + 2*time.Second)
	if kids := jwks(); strings.Join(kids, " ") != rotated.Kid {
		t.Errorf("JWKS after the last token of the old key expired: %v, want %s", kids, rotated.Kid)
	}
	if keys, err := e.db.SigningKeys(ctx); err != nil || len(keys) != 1 || keys[0].Kid != rotated.Kid {
		t.Errorf("rows after the last token of the old key expired: %+v %v", keys, err)
	}
	// The other process, which loaded both keys, drops the old one at its next refresh.
	if err := other.svc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if kids := other.svc.Tokens.JWKS(); len(kids) != 1 || kids[0].Kid != rotated.Kid {
		t.Errorf("the other process's JWKS: %+v", kids)
	}
}
