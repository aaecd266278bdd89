package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const testCryptKey = "0123456789abcdef0123456789abcdef"

func newTestTokens(now time.Time) *Tokens {
	t := NewTokens(func() time.Time { return now }, rand.Reader, NewRevocationList())
	t.SetKey(testCryptKey)
	return t
}

func TestSigningKeyDerivation(t *testing.T) {
	k := SigningKey("old-key   " + testCryptKey + "\n")
	if len(k) != 2048 {
		t.Fatalf("len %d", len(k))
	}
	left := (2048 - 32) / 2
	if string(k[left:left+32]) != testCryptKey || strings.Trim(string(k[:left]), "&") != "" || strings.Trim(string(k[left+32:]), "&") != "" {
		t.Fatal("key not padded with & on both sides around the last key")
	}
	odd := SigningKey("abc")
	if string(odd[1022:1025]) != "abc" { // floor((2048-3)/2) = 1022 on the left
		t.Fatalf("odd-length padding: %q", odd[1018:1030])
	}
	// PHP's \s (no /u) is ASCII whitespace: \v and \f separate keys, a no-break space does not.
	if k := SigningKey("one\vtwo\fthree"); !strings.Contains(string(k), "&three&") {
		t.Errorf("\\v or \\f did not separate keys")
	}
	if k := SigningKey("old new\u00a0key"); !strings.Contains(string(k), "&new\u00a0key&") {
		t.Errorf("a no-break space split the key")
	}
}

// With no key (an empty crypt/key), nothing is issued and nothing verifies, not even a
// token signed with the empty HMAC key.
func TestEmptyKeyAcceptsNothing(t *testing.T) {
	tk := newTestTokens(time.Unix(1_800_000_000, 0))
	tk.SetKey(" \t\n")
	if _, _, err := tk.Issue(UserTypeCustomer, 1, 0, time.Hour); err == nil {
		t.Error("issued a token without a key")
	}
	in := base64.RawURLEncoding.EncodeToString([]byte(`{"kid":"1","alg":"HS256"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"uid":1,"utypid":3,"iat":1800000000,"exp":1800003600}`))
	mac := hmac.New(sha256.New, nil)
	mac.Write([]byte(in))
	if _, err := tk.Verify(in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))); err != ErrTokenUnreadable {
		t.Errorf("empty-key token: %v", err)
	}
}

// Our tokens verify with an independent JWT library and Magento's key derivation.
func TestIssuedTokenVerifiesIndependently(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tk := newTestTokens(now)
	tok, _, err := tk.Issue(UserTypeCustomer, 27, 0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "eyJraWQiOiIxIiwiYWxnIjoiSFMyNTYifQ.") {
		t.Fatalf("header: %s", tok)
	}
	key := []byte(strings.Repeat("&", 1008) + testCryptKey + strings.Repeat("&", 1008))
	claims := jwt.MapClaims{}
	_, err = jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(func() time.Time { return now })).
		ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return key, nil })
	if err != nil {
		t.Fatal(err)
	}
	if claims["uid"] != float64(27) || claims["utypid"] != float64(3) || claims["iat"] != float64(now.Unix()) || claims["exp"] != float64(now.Unix()+3600) {
		t.Fatalf("claims %v", claims)
	}
}

// A token made by hand the way Magento makes one (no iat_us, no jti) is accepted.
func TestMagentoTokenAccepted(t *testing.T) {
	now := time.Unix(1747443400, 0)
	tk := newTestTokens(now)
	payload := `{"uid":27,"utypid":3,"iat":1747443354,"exp":1747446954}`
	in := base64.RawURLEncoding.EncodeToString([]byte(`{"kid":"1","alg":"HS256"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	mac := hmac.New(sha256.New, SigningKey(testCryptKey))
	mac.Write([]byte(in))
	tok := in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	c, err := tk.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID != 27 || c.UserType != UserTypeCustomer || c.IssuedMicro != 1747443354_000000 {
		t.Fatalf("claims %+v", c)
	}
}

func TestRevocationOrdering(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tk := newTestTokens(now)
	before, _, _ := tk.Issue(UserTypeCustomer, 5, 0, time.Hour)
	tk.Revocations().Apply(Revocation{UserType: UserTypeCustomer, UserID: 5, BeforeMicro: tk.NowMicro()})
	after, _, _ := tk.Issue(UserTypeCustomer, 5, 0, time.Hour)
	if _, err := tk.Verify(before); err != ErrTokenRevoked {
		t.Errorf("token before revocation: %v", err)
	}
	if _, err := tk.Verify(after); err != nil {
		t.Errorf("token after revocation in the same second: %v", err)
	}
	// Another user and the admin with the same id are not affected.
	other, _, _ := tk.Issue(UserTypeAdmin, 5, 0, time.Hour)
	if _, err := tk.Verify(other); err != nil {
		t.Errorf("admin 5: %v", err)
	}
}

func TestReadRejects(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tk := newTestTokens(now)
	sign := func(header, payload string) string {
		in := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
		mac := hmac.New(sha256.New, SigningKey(testCryptKey))
		mac.Write([]byte(in))
		return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	}
	h := `{"kid":"1","alg":"HS256"}`
	good := `{"uid":1,"utypid":3,"iat":1800000000,"exp":1800003600}`
	cases := map[string]struct {
		tok  string
		want error
	}{
		"good":               {sign(h, good), nil},
		"alg none":           {sign(`{"alg":"none"}`, good), ErrTokenUnreadable},
		"HS384":              {sign(`{"kid":"1","alg":"HS384"}`, good), ErrTokenUnreadable},
		"RS256":              {sign(`{"alg":"RS256"}`, good), ErrTokenUnreadable},
		"kid 2":              {sign(`{"kid":"2","alg":"HS256"}`, good), ErrTokenUnreadable},
		"jku":                {sign(`{"alg":"HS256","jku":"http://x"}`, good), ErrTokenUnreadable},
		"no uid":             {sign(h, `{"utypid":3,"iat":1800000000,"exp":1800003600}`), ErrTokenUnreadable},
		"no exp":             {sign(h, `{"uid":1,"utypid":3,"iat":1800000000}`), ErrTokenUnreadable},
		"no iat":             {sign(h, `{"uid":1,"utypid":3,"exp":1800003600}`), ErrTokenUnreadable},
		"integration type":   {sign(h, `{"uid":1,"utypid":1,"iat":1800000000,"exp":1800003600}`), ErrTokenUnreadable},
		"float uid":          {sign(h, `{"uid":1.5,"utypid":3,"iat":1800000000,"exp":1800003600}`), ErrTokenUnreadable},
		"string uid":         {sign(h, `{"uid":"1","utypid":3,"iat":1800000000,"exp":1800003600}`), ErrTokenUnreadable},
		"iat_us mismatch":    {sign(h, `{"uid":1,"utypid":3,"iat":1800000000,"exp":1800003600,"iat_us":1700000000000000}`), ErrTokenUnreadable},
		"admin_id on admin":  {sign(h, `{"uid":1,"utypid":2,"iat":1800000000,"exp":1800003600,"admin_id":3}`), ErrTokenUnreadable},
		"expired":            {sign(h, `{"uid":1,"utypid":3,"iat":1799990000,"exp":1800000000}`), ErrTokenExpired},
		"iat in the future":  {sign(h, `{"uid":1,"utypid":3,"iat":1800000100,"exp":1800003600}`), ErrTokenUnreadable},
		"two parts":          {"abc.def", ErrTokenUnreadable},
		"empty":              {"", ErrTokenUnreadable},
		"stripped signature": {strings.TrimRight(sign(h, good), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), ErrTokenUnreadable},
	}
	for name, c := range cases {
		if _, err := tk.Verify(c.tok); err != c.want {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
	// Altered claims break the signature.
	tok := sign(h, good)
	parts := strings.Split(tok, ".")
	altered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"uid":2,"utypid":3,"iat":1800000000,"exp":1800003600}`)) + "." + parts[2]
	if _, err := tk.Verify(altered); err != ErrTokenUnreadable {
		t.Errorf("altered claims: %v", err)
	}
	// After a key change old tokens are unreadable.
	tk.SetKey("another-key")
	if _, err := tk.Verify(tok); err != ErrTokenUnreadable {
		t.Errorf("after key change: %v", err)
	}
}

// FuzzTokenClaims signs any header and payload with the right key, so the fuzzer gets
// past the signature (FuzzTokenRead almost never does) into header and claim parsing:
// whatever is accepted must be HS256 with kid 1 (if any) and have sane claims.
func FuzzTokenClaims(f *testing.F) {
	f.Add(`{"kid":"1","alg":"HS256"}`, `{"uid":27,"utypid":3,"iat":1800000000,"exp":1800003600}`)
	f.Add(`{"alg":"HS256","typ":"JWT"}`, `{"uid":1,"utypid":3,"iat":1800000000,"exp":1800003600,"admin_id":2,"iat_us":1800000000123456}`)
	f.Add(`{"alg":"none"}`, `{"uid":1,"utypid":2,"iat":1,"exp":2}`)
	f.Add(`{"kid":"1","alg":"HS256","alg":"none"}`, `{"uid":1e2,"utypid":3,"iat":1800000000,"exp":1800003600}`)
	tk := newTestTokens(time.Unix(1_800_000_000, 0))
	key := SigningKey(testCryptKey)
	f.Fuzz(func(t *testing.T, header, payload string) {
		in := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(in))
		c, err := tk.Read(in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)))
		if err != nil {
			return
		}
		if c.UserID <= 0 || (c.UserType != UserTypeAdmin && c.UserType != UserTypeCustomer) || c.IssuedAt <= 0 || c.ExpiresAt <= 0 ||
			c.IssuedMicro/1e6 != c.IssuedAt || (c.AdminID != 0 && (c.AdminID < 0 || c.UserType != UserTypeCustomer)) {
			t.Fatalf("accepted bad claims %+v from %q", c, payload)
		}
		if !strings.Contains(header, "HS256") {
			t.Fatalf("accepted header %q", header)
		}
	})
}

func FuzzTokenRead(f *testing.F) {
	tk := newTestTokens(time.Unix(1_800_000_000, 0))
	good, _, _ := tk.Issue(UserTypeCustomer, 1, 0, time.Hour)
	f.Add(good)
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := tk.Read(s)
		if err == nil && (c.UserID <= 0 || (c.UserType != UserTypeAdmin && c.UserType != UserTypeCustomer)) {
			t.Fatalf("accepted bad claims %+v", c)
		}
	})
}

func BenchmarkTokenIssue(b *testing.B) {
	tk := newTestTokens(time.Now())
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := tk.Issue(UserTypeCustomer, 42, 0, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenVerifyFirstUse is a token's first check: signature, JSON claims, times, revocation.
func BenchmarkTokenVerifyFirstUse(b *testing.B) {
	tk := newTestTokens(time.Now())
	tok, _, _ := tk.Issue(UserTypeCustomer, 42, 0, time.Hour)
	k := tk.key.Load()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c, err := tk.read(tok, k, nil)
			if err != nil || c.IssuedMicro <= tk.revoked.Before(c.UserType, c.UserID) {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTokenVerify is a token seen before (the common case: a client reuses its token).
func BenchmarkTokenVerify(b *testing.B) {
	tk := newTestTokens(time.Now())
	for i := int64(1); i <= 10000; i++ {
		tk.Revocations().Apply(Revocation{UserType: UserTypeCustomer, UserID: i, BeforeMicro: 1})
	}
	tok, _, _ := tk.Issue(UserTypeCustomer, 42, 0, time.Hour)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := tk.Verify(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
