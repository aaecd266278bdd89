package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"shopauth/auth"
)

// magentoKey is Magento's SecretBasedJwksFactory key, written out here independently:
// the last whitespace-separated key of env.php's crypt/key, str_pad'ed to 2048 with '&'
// on both sides (left floor((2048-len)/2)).
func magentoKey(cryptKey string) []byte {
	keys := strings.Fields(cryptKey)
	k := keys[len(keys)-1]
	left := (2048 - len(k)) / 2
	return []byte(strings.Repeat("&", left) + k + strings.Repeat("&", 2048-len(k)-left))
}

// A shop running beside Magento sets its env.php crypt/key (several keys after a
// rotation, the last signs) and the two accept each other's tokens.
func TestMagentoSharedKey(t *testing.T) {
	e := newEnv(t)
	const envKey = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6\n7f1d2e3c4b5a69788796a5b4c3d2e1f0"
	e.set(auth.PathCryptKey, envKey)
	c := e.customer("customer@example.com", "password")

	// A Magento-made token (its exact header and claims, no extra claims) is accepted.
	now := e.clock.Now().Unix()
	payload := fmt.Sprintf(`{"uid":%d,"utypid":3,"iat":%d,"exp":%d}`, c.ID, now, now+3600)
	magentoTok := handSigned(envKey, `{"kid":"1","alg":"HS256"}`, payload)
	if !strings.HasPrefix(magentoTok, "eyJraWQiOiIxIiwiYWxnIjoiSFMyNTYifQ.") {
		t.Fatalf("header encoding %s", magentoTok)
	}
	expect(t, e.gql(magentoTok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)

	// Signed with the older key of the rotation: rejected, as Magento would.
	oldKeyTok := handSigned("a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", `{"kid":"1","alg":"HS256"}`, payload)
	expect(t, e.gql(oldKeyTok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"Composite reader could not read a token","extensions":{"category":"graphql-authentication"}}]}`)

	// Our token verifies with an independent JWT library and Magento's key.
	ours := e.token("customer@example.com", "password")
	claims := jwt.MapClaims{}
	tok, err := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(e.clock.Now)).
		ParseWithClaims(ours, claims, func(*jwt.Token) (any, error) { return magentoKey(envKey), nil })
	if err != nil || tok.Header["kid"] != "1" {
		t.Fatalf("verify with Magento's key: %v %v", err, tok.Header)
	}
	for _, k := range []string{"uid", "utypid", "iat", "exp"} {
		if _, ok := claims[k]; !ok {
			t.Errorf("claim %s missing", k)
		}
	}
}

// The published shape of a real Magento token: {"uid":27,"utypid":3,"iat":1747443354,"exp":1747446954}.
func TestPublishedMagentoTokenShape(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 27; i++ {
		e.customer(fmt.Sprintf("c%d@example.com", i), "password")
	}
	e.clock.t = time.Unix(1747443400, 0)
	key := e.svc.Settings().Get(auth.PathCryptKey)
	tok := handSigned(key, `{"kid":"1","alg":"HS256"}`, `{"uid":27,"utypid":3,"iat":1747443354,"exp":1747446954}`)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"c26@example.com"}}}`)
	e.clock.t = time.Unix(1747446954, 0)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"Consumer key has expired","extensions":{"category":"graphql-authentication"}}]}`)
}

// A known-answer vector computed outside Go (Python's hmac, PHP's str_pad STR_PAD_BOTH
// rule: left floor(pad/2), right the rest) for a two-key env.php crypt/key, so the
// test's own key derivation cannot share a mistake with ours:
//
//	k = key.split()[-1]; pad = 2048-len(k); key = '&'*(pad//2) + k + '&'*(pad-pad//2)
//	hmac.new(key, b64(header)+'.'+b64(payload), sha256)
func TestMagentoKnownAnswerToken(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathCryptKey, "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6\n7f1d2e3c4b5a69788796a5b4c3d2e1f0")
	for i := 0; i < 27; i++ {
		e.customer(fmt.Sprintf("c%d@example.com", i), "password")
	}
	e.clock.t = time.Unix(1747443400, 0)
	const tok = "eyJraWQiOiIxIiwiYWxnIjoiSFMyNTYifQ.eyJ1aWQiOjI3LCJ1dHlwaWQiOjMsImlhdCI6MTc0NzQ0MzM1NCwiZXhwIjoxNzQ3NDQ2OTU0fQ.NUxJb9VNjdu2vik1r9NXWKRB8EI121qO10Gck8HmFq0"
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"c26@example.com"}}}`)
	// A changed signature character, and the same signature spelled with non-zero
	// padding bits (lenient base64 would decode it to the same bytes): both rejected.
	expect(t, e.gql(tok[:len(tok)-5]+"A"+tok[len(tok)-4:], `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"Composite reader could not read a token","extensions":{"category":"graphql-authentication"}}]}`)
	expect(t, e.gql(tok[:len(tok)-1]+"1", `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"Composite reader could not read a token","extensions":{"category":"graphql-authentication"}}]}`)
}
