package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"shopauth/auth"
)

// handSigned builds a JWS with any header and payload, HMAC-SHA256 over the key
// derived by hand from crypt/key (Magento's rule), independent of our signer.
func handSigned(cryptKey, header, payload string) string {
	keys := strings.Fields(cryptKey)
	k := keys[len(keys)-1]
	left := (2048 - len(k)) / 2
	key := strings.Repeat("&", left) + k + strings.Repeat("&", 2048-len(k)-left)
	in := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// handSignedRaw signs with exactly the key given, for keys Magento would never use.
func handSignedRaw(key []byte, header, payload string) string {
	in := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// flipPaddingBit changes the last character of an unpadded base64url HMAC-SHA256
// signature in its lowest bit, which lenient decoders ignore (32 bytes leave 2 spare bits).
func flipPaddingBit(sig string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, sig[len(sig)-1])
	return sig[:len(sig)-1] + string(alphabet[i^1])
}

// TestTokenAttackBattery sends forged and tampered tokens through the real handler.
func TestTokenAttackBattery(t *testing.T) {
	e := newEnv(t)
	c := e.customer("customer@example.com", "password")
	gone := e.customer("gone@example.com", "password")
	key := e.svc.Settings().Get(auth.PathCryptKey)
	now := e.clock.Now().Unix()
	claims := func(extra string) string {
		return fmt.Sprintf(`{"uid":%d,"utypid":3,"iat":%d,"exp":%d%s}`, c.ID, now, now+3600, extra)
	}
	hdr := `{"kid":"1","alg":"HS256"}`
	good := handSigned(key, hdr, claims(""))
	parts := strings.Split(good, ".")
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	unreadable := `{"errors":[{"message":"Composite reader could not read a token","extensions":{"category":"graphql-authentication"}}]}`
	expired := `{"errors":[{"message":"Consumer key has expired","extensions":{"category":"graphql-authentication"}}]}`
	attacks := []struct{ name, token, want string }{
		{"alg none", b64(`{"alg":"none"}`) + "." + parts[1] + ".", unreadable},
		{"alg none with signature", b64(`{"kid":"1","alg":"none"}`) + "." + parts[1] + "." + parts[2], unreadable},
		{"HS384", handSigned(key, `{"kid":"1","alg":"HS384"}`, claims("")), unreadable},
		{"RS256 signed with the HMAC key", handSigned(key, `{"kid":"1","alg":"RS256"}`, claims("")), unreadable},
		{"ES256 header", handSigned(key, `{"alg":"ES256"}`, claims("")), unreadable},
		{"kid 0", handSigned(key, `{"kid":"0","alg":"HS256"}`, claims("")), unreadable},
		{"kid path traversal", handSigned(key, `{"kid":"../../dev/null","alg":"HS256"}`, claims("")), unreadable},
		{"jwk in header", handSigned(key, `{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}`, claims("")), unreadable},
		{"kid as a number", handSigned(key, `{"kid":1,"alg":"HS256"}`, claims("")), unreadable},
		{"kid SQL", handSigned(key, `{"kid":"1' OR '1'='1","alg":"HS256"}`, claims("")), unreadable},
		{"jku in header", handSigned(key, `{"kid":"1","alg":"HS256","jku":"http://127.0.0.1/k.json"}`, claims("")), unreadable},
		{"alg in lower case", handSigned(key, `{"kid":"1","alg":"hs256"}`, claims("")), unreadable},
		{"signed with an empty key", handSignedRaw([]byte{}, hdr, claims("")), unreadable},
		{"signed with the unpadded key", handSignedRaw([]byte(strings.Fields(key)[0]), hdr, claims("")), unreadable},
		{"two tokens joined", good + "." + parts[2], unreadable},
		{"signature with non-zero padding bits", parts[0] + "." + parts[1] + "." + flipPaddingBit(parts[2]), unreadable},
		{"stripped signature", parts[0] + "." + parts[1] + ".", unreadable},
		{"altered signature", parts[0] + "." + parts[1] + "." + strings.ToUpper(parts[2]), unreadable},
		{"altered uid", parts[0] + "." + b64(fmt.Sprintf(`{"uid":%d,"utypid":3,"iat":%d,"exp":%d}`, gone.ID, now, now+3600)) + "." + parts[2], unreadable},
		{"altered exp", parts[0] + "." + b64(fmt.Sprintf(`{"uid":%d,"utypid":3,"iat":%d,"exp":%d}`, c.ID, now, now+99999)) + "." + parts[2], unreadable},
		{"missing uid", handSigned(key, hdr, fmt.Sprintf(`{"utypid":3,"iat":%d,"exp":%d}`, now, now+3600)), unreadable},
		{"missing utypid", handSigned(key, hdr, fmt.Sprintf(`{"uid":1,"iat":%d,"exp":%d}`, now, now+3600)), unreadable},
		{"missing iat", handSigned(key, hdr, fmt.Sprintf(`{"uid":1,"utypid":3,"exp":%d}`, now+3600)), unreadable},
		{"missing exp", handSigned(key, hdr, fmt.Sprintf(`{"uid":1,"utypid":3,"iat":%d}`, now)), unreadable},
		{"integration user type", handSigned(key, hdr, fmt.Sprintf(`{"uid":1,"utypid":1,"iat":%d,"exp":%d}`, now, now+3600)), unreadable},
		{"exp in the past", handSigned(key, hdr, fmt.Sprintf(`{"uid":%d,"utypid":3,"iat":%d,"exp":%d}`, c.ID, now-7200, now-3600)), expired},
		{"iat beyond leeway", handSigned(key, hdr, fmt.Sprintf(`{"uid":%d,"utypid":3,"iat":%d,"exp":%d}`, c.ID, now+120, now+3600)), unreadable},
		{"not base64", "!!!.???.###", unreadable},
		{"huge token", strings.Repeat("A", 5000) + ".B.C", unreadable},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			expect(t, e.gql(a.token, `{customer{email}}`, nil), 401, a.want)
		})
	}
	// The untampered hand-made token works: the battery fails for the right reason.
	expect(t, e.gql(good, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	// iat within the leeway (clock skew) is accepted.
	skewed := handSigned(key, hdr, fmt.Sprintf(`{"uid":%d,"utypid":3,"iat":%d,"exp":%d}`, c.ID, now+30, now+3600))
	expect(t, e.gql(skewed, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)

	// "Bearer Bearer <token>" is not "Bearer <one token>": ignored, so a guest.
	expect(t, e.gql("Bearer "+good, `{customer{email}}`, nil), 403,
		gqlErr("The current customer isn't authorized.", "graphql-authorization", 2, "customer"))

	// An admin token where a customer is needed.
	admin := handSigned(key, hdr, fmt.Sprintf(`{"uid":%d,"utypid":2,"iat":%d,"exp":%d}`, c.ID, now, now+3600))
	expect(t, e.gql(admin, `{customer{email}}`, nil), 403, gqlErr("The current customer isn't authorized.", "graphql-authorization", 2, "customer"))

	// The reverse: a customer token (hand-made, carrying the admin's own id) where an
	// admin is needed, on GraphQL and on REST; the admin's real token passes the same gate.
	e.set(auth.PathTwoFactorEnable, "0")
	adm := e.admin("admin", "admin123")
	asCustomer := handSigned(key, hdr, fmt.Sprintf(`{"uid":%d,"utypid":3,"iat":%d,"exp":%d}`, adm.ID, now, now+3600))
	asAdmin := `mutation{generateCustomerTokenAsAdmin(input:{customer_email:"nobody@example.com"}){customer_token}}`
	expect(t, e.gql(asCustomer, asAdmin, nil), 403,
		gqlErr("The current customer isn't authorized.", "graphql-authorization", 10, "generateCustomerTokenAsAdmin"))
	expect(t, e.gql(e.adminToken("admin", "admin123"), asAdmin, nil), 200,
		gqlErr("Customer email provided does not exist", "graphql-input", 10, "generateCustomerTokenAsAdmin"))
	otp := fmt.Sprintf("/rest/V1/customer/%d/otp", c.ID)
	expect(t, e.rest(otp, `{"reason":"attack"}`, asCustomer), 401,
		`{"message":"The consumer isn't authorized to access %resources.","parameters":{"resources":"Magento_LoginAsCustomer::login"}}`)
	// A forged admin token is as unreadable on REST as on GraphQL.
	expect(t, e.rest(otp, `{"reason":"attack"}`, handSigned("not-our-key", hdr, fmt.Sprintf(`{"uid":%d,"utypid":2,"iat":%d,"exp":%d}`, adm.ID, now, now+3600))), 401,
		`{"message":"Composite reader could not read a token"}`)
	attacksTried := len(attacks) + 5 // Bearer Bearer, admin as customer, customer as admin twice, forged admin on REST

	// The token of a deleted customer.
	goneTok := e.token("gone@example.com", "password")
	if err := e.db.DeleteCustomer(context.Background(), gone.ID); err != nil {
		t.Fatal(err)
	}
	expect(t, e.gql(goneTok, `{customer{email}}`, nil), 200,
		gqlErr(fmt.Sprintf(`Customer with id "%d" does not exist.`, gone.ID), "graphql-no-such-entity", 2, "customer"))

	// After a key change every old token is unreadable; new ones work.
	e.set(auth.PathCryptKey, "a-completely-new-key-0123456789ab")
	expect(t, e.gql(good, `{customer{email}}`, nil), 401, unreadable)
	expect(t, e.gql(e.token("customer@example.com", "password"), `{customer{email}}`, nil), 200,
		`{"data":{"customer":{"email":"customer@example.com"}}}`)
	t.Logf("%d forged or misused tokens rejected", attacksTried+2)
}
