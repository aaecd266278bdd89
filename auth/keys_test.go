package auth

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

// keyedTokens is a token service whose tokens alg signs, with the given stored keys.
func keyedTokens(t testing.TB, now time.Time, alg string, keys ...TokenKey) *Tokens {
	t.Helper()
	tk := newTestTokens(now)
	if err := tk.SetSigningKeys(keys, alg); err != nil {
		t.Fatal(err)
	}
	return tk
}

func newKey(t testing.TB, alg string, now time.Time) TokenKey {
	t.Helper()
	k, err := NewSigningKey(alg, rand.Reader, now)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The asymmetric keys sign tokens that carry their kid and verify; a changed byte, a
// header naming another algorithm for the key (including HS256, the "HMAC with the
// public key" confusion), an unknown kid and "none" are all unreadable.
func TestAsymmetricTokens(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, alg := range []string{AlgEdDSA, AlgES256} {
		k := newKey(t, alg, now)
		tk := keyedTokens(t, now, alg, k)
		tok, _, err := tk.Issue(UserTypeCustomer, 7, 3, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(tok, ".")
		wantHeader := b64.EncodeToString([]byte(`{"kid":"` + k.Kid + `","alg":"` + alg + `"}`))
		if parts[0] != wantHeader || len(k.Kid) != 43 {
			t.Errorf("%s header %s", alg, parts[0])
		}
		c, err := tk.Verify(tok)
		if err != nil || c.UserID != 7 || c.AdminID != 3 || c.UserType != UserTypeCustomer {
			t.Errorf("%s: %+v %v", alg, c, err)
		}
		other := "ES256"
		if alg == AlgES256 {
			other = "EdDSA"
		}
		bad := map[string]string{
			"changed payload": parts[0] + "." + parts[1][:len(parts[1])-2] + "x" + parts[1][len(parts[1])-1:] + "." + parts[2],
			"other alg":       b64.EncodeToString([]byte(`{"kid":"`+k.Kid+`","alg":"`+other+`"}`)) + "." + parts[1] + "." + parts[2],
			"HS256 with kid":  b64.EncodeToString([]byte(`{"kid":"`+k.Kid+`","alg":"HS256"}`)) + "." + parts[1] + "." + parts[2],
			"unknown kid":     b64.EncodeToString([]byte(`{"kid":"nope","alg":"`+alg+`"}`)) + "." + parts[1] + "." + parts[2],
			"no kid":          b64.EncodeToString([]byte(`{"alg":"`+alg+`"}`)) + "." + parts[1] + "." + parts[2],
			"none":            b64.EncodeToString([]byte(`{"kid":"`+k.Kid+`","alg":"none"}`)) + "." + parts[1] + ".",
			"short signature": parts[0] + "." + parts[1] + "." + parts[2][:40],
		}
		for name, b := range bad {
			if _, err := tk.Verify(b); err != ErrTokenUnreadable {
				t.Errorf("%s %s: %v", alg, name, err)
			}
		}
		// Another service with only the public keys (no crypt/key) is what the JWKS is
		// for; here: a token service with the HMAC key but a different key set refuses it.
		if _, err := keyedTokens(t, now, alg, newKey(t, alg, now)).Verify(tok); err != ErrTokenUnreadable {
			t.Errorf("%s: verified by another key: %v", alg, err)
		}
	}
}

// HS256 tokens keep Magento's exact header and verify whatever the asymmetric keys;
// with HS256 configured a stored key only verifies, it does not sign.
func TestHS256StaysWithKeys(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	k := newKey(t, AlgEdDSA, now)
	hs := keyedTokens(t, now, AlgHS256, k)
	tok, _, _ := hs.Issue(UserTypeCustomer, 1, 0, time.Hour)
	if !strings.HasPrefix(tok, encodedHeader+".") {
		t.Errorf("HS256 header: %s", tok)
	}
	ed := keyedTokens(t, now, AlgEdDSA, k)
	edTok, _, _ := ed.Issue(UserTypeCustomer, 1, 0, time.Hour)
	for _, v := range []*Tokens{hs, ed} {
		for _, tk := range []string{tok, edTok} {
			if _, err := v.Verify(tk); err != nil {
				t.Errorf("verify: %v", err)
			}
		}
	}
	if len(hs.JWKS()) != 1 || hs.JWKS()[0].Kid != k.Kid || hs.JWKS()[0].Kty != "OKP" {
		t.Errorf("JWKS %+v", hs.JWKS())
	}
}

// A key that no longer signs verifies until its VerifyUntil, then leaves the set.
func TestRetiredKey(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	old := newKey(t, AlgES256, now)
	tok, _, _ := keyedTokens(t, now, AlgES256, old).Issue(UserTypeCustomer, 1, 0, time.Hour)
	old.VerifyUntil = now.Add(time.Hour).Unix() + 1
	cur := newKey(t, AlgES256, now)
	tk := keyedTokens(t, now, AlgES256, old, cur)
	if _, err := tk.Verify(tok); err != nil {
		t.Errorf("old key's token: %v", err)
	}
	if n, _, _ := tk.Issue(UserTypeCustomer, 1, 0, time.Hour); !strings.HasPrefix(n, b64.EncodeToString([]byte(`{"kid":"`+cur.Kid))) {
		t.Error("the new key does not sign")
	}
	later := keyedTokens(t, now.Add(time.Hour+2*time.Second), AlgES256, old, cur)
	if len(later.JWKS()) != 1 || later.JWKS()[0].Kid != cur.Kid {
		t.Errorf("JWKS after the old key's last token expired: %+v", later.JWKS())
	}
}

func benchVerifyFirstUse(b *testing.B, alg string) {
	now := time.Now()
	tk := newTestTokens(now)
	if alg != AlgHS256 {
		tk = keyedTokens(b, now, alg, newKey(b, alg, now))
	}
	tok, _, _ := tk.Issue(UserTypeCustomer, 42, 0, time.Hour)
	k, ks := tk.key.Load(), tk.keys.Load()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tk.read(tok, k, ks); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyFirstUse compares a token's first check (signature and claims, one
// core) by algorithm; a token seen before costs a map lookup whatever the algorithm.
func BenchmarkVerifyFirstUse(b *testing.B) {
	for _, alg := range []string{AlgHS256, AlgEdDSA, AlgES256} {
		b.Run(alg, func(b *testing.B) { benchVerifyFirstUse(b, alg) })
	}
}

// BenchmarkIssueByAlg is the cost of signing a token by algorithm.
func BenchmarkIssueByAlg(b *testing.B) {
	for _, alg := range []string{AlgHS256, AlgEdDSA, AlgES256} {
		b.Run(alg, func(b *testing.B) {
			now := time.Now()
			tk := newTestTokens(now)
			if alg != AlgHS256 {
				tk = keyedTokens(b, now, alg, newKey(b, alg, now))
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := tk.Issue(UserTypeCustomer, 42, 0, time.Hour); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
