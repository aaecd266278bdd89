package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// User types in token claims (Magento's UserContextInterface).
const (
	UserTypeAdmin    = 2
	UserTypeCustomer = 3
)

// jwsHeader is Magento's JWS header, byte for byte.
const jwsHeader = `{"kid":"1","alg":"HS256"}`

var encodedHeader = base64.RawURLEncoding.EncodeToString([]byte(jwsHeader))

// iatLeeway is how far in the future a token's iat may be (clock skew between servers).
const iatLeeway = 60 * time.Second

// Claims are what a token says about its bearer.
type Claims struct {
	UserID   int64
	UserType int
	// IssuedAt is in whole seconds (Magento's iat); IssuedMicro is the precise issue time
	// (our iat_us claim, or iat in microseconds for tokens that lack it).
	IssuedAt    int64
	IssuedMicro int64
	ExpiresAt   int64
	AdminID     int64 // set on customer tokens made for an admin (login as customer)
}

// SigningKey derives Magento's HMAC key from a crypt/key setting: the last
// whitespace-separated key, padded to 2048 bytes with '&' on both sides.
func SigningKey(cryptKey string) []byte {
	keys := CryptKeys(cryptKey)
	if len(keys) == 0 {
		return nil
	}
	k := keys[len(keys)-1]
	if len(k) >= 2048 {
		return []byte(k)
	}
	left := (2048 - len(k)) / 2
	right := 2048 - len(k) - left
	return []byte(strings.Repeat("&", left) + k + strings.Repeat("&", right))
}

// CryptKeys splits a crypt/key value as Magento does (preg_split('/\s+/', trim(...))):
// on ASCII whitespace only, so a key holding a non-ASCII space is not cut in two.
func CryptKeys(cryptKey string) []string {
	return strings.FieldsFunc(cryptKey, func(r rune) bool {
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return true
		}
		return false
	})
}

// macKey is a prepared HMAC key. HMAC hashes a key longer than the block size once;
// doing it here saves hashing 2 KiB on every sign and verify.
type macKey []byte

func prepareKey(key []byte) macKey {
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256(key)
		return sum[:]
	}
	return append(macKey(nil), key...)
}

// Tokens issues and verifies JWTs and keeps the in-memory revocation list.
type Tokens struct {
	now  func() time.Time
	rand io.Reader
	key  atomic.Pointer[macKey]
	// keys are the asymmetric signing keys (keys.go); nil or no signer: HS256 signs.
	keys atomic.Pointer[keySet]
	// sessionKey signs GraphQL session cookies; derived from key once per key change.
	sessionKey atomic.Pointer[[]byte]
	lastUS     atomic.Int64
	revoked    *RevocationList
	// verified remembers tokens whose signature and claims were already checked, so a
	// client sending the same token again costs a map lookup. Times and revocation are
	// still checked on every use; a key change empties it.
	verifiedMu sync.RWMutex
	verified   map[string]Claims
}

const verifiedCacheMax = 10000

// NewTokens makes a token service; call SetKey before use.
func NewTokens(now func() time.Time, rand io.Reader, revoked *RevocationList) *Tokens {
	return &Tokens{now: now, rand: rand, revoked: revoked}
}

// SetKey switches the signing key (crypt/key); tokens signed with the old key stop working.
// An empty value leaves no key at all: every token is unreadable and none is issued,
// rather than HMAC with an empty key, which anyone could forge.
func (t *Tokens) SetKey(cryptKey string) {
	var kp *macKey
	var sk *[]byte
	if raw := SigningKey(cryptKey); raw != nil {
		k := prepareKey(raw)
		kp = &k
		d := deriveSessionKey(k)
		sk = &d
	}
	t.verifiedMu.Lock()
	t.sessionKey.Store(sk)
	t.key.Store(kp)
	t.verified = nil
	t.verifiedMu.Unlock()
}

// Revocations returns the revocation list the service checks.
func (t *Tokens) Revocations() *RevocationList { return t.revoked }

// NowMicro returns a strictly increasing clock in microseconds, so a revocation and a
// token issued right after it never share a timestamp within this process.
func (t *Tokens) NowMicro() int64 {
	now := t.now().UnixMicro()
	for {
		last := t.lastUS.Load()
		next := now
		if next <= last {
			next = last + 1
		}
		if t.lastUS.CompareAndSwap(last, next) {
			return next
		}
	}
}

// Issue signs a token for the user, valid for lifetime, dated now.
func (t *Tokens) Issue(userType int, userID, adminID int64, lifetime time.Duration) (string, Claims, error) {
	return t.IssueAt(userType, userID, adminID, lifetime, t.NowMicro())
}

// IssueAt signs a token dated us (a NowMicro value taken earlier): a sign-in dates its
// token when it read the account, so a revocation made while the password was being
// checked covers the token too.
func (t *Tokens) IssueAt(userType int, userID, adminID int64, lifetime time.Duration, us int64) (string, Claims, error) {
	iat := us / 1e6
	exp := (us + lifetime.Microseconds()) / 1e6
	if exp <= iat {
		exp = iat + 1
	}
	var nonce [12]byte
	if _, err := io.ReadFull(t.rand, nonce[:]); err != nil {
		return "", Claims{}, err
	}
	// Claim order follows Magento's issuer: uid, utypid, iat, exp.
	buf := make([]byte, 0, 160)
	buf = append(buf, `{"uid":`...)
	buf = strconv.AppendInt(buf, userID, 10)
	buf = append(buf, `,"utypid":`...)
	buf = strconv.AppendInt(buf, int64(userType), 10)
	buf = append(buf, `,"iat":`...)
	buf = strconv.AppendInt(buf, iat, 10)
	buf = append(buf, `,"exp":`...)
	buf = strconv.AppendInt(buf, exp, 10)
	if adminID != 0 {
		buf = append(buf, `,"admin_id":`...)
		buf = strconv.AppendInt(buf, adminID, 10)
	}
	// iat_us orders a token against a revocation made in the same second; jti makes
	// two tokens for one user differ.
	buf = append(buf, `,"iat_us":`...)
	buf = strconv.AppendInt(buf, us, 10)
	buf = append(buf, `,"jti":"`...)
	buf = hex.AppendEncode(buf, nonce[:])
	buf = append(buf, `"}`...)

	if ks := t.keys.Load(); ks != nil && ks.signer != nil {
		out := make([]byte, 0, len(ks.signer.header)+1+base64.RawURLEncoding.EncodedLen(len(buf))+1+86)
		out = append(out, ks.signer.header...)
		out = append(out, '.')
		out = base64.RawURLEncoding.AppendEncode(out, buf)
		sig, err := ks.signer.sign(t.rand, out)
		if err != nil {
			return "", Claims{}, err
		}
		out = append(out, '.')
		out = base64.RawURLEncoding.AppendEncode(out, sig)
		return string(out), Claims{UserID: userID, UserType: userType, IssuedAt: iat, IssuedMicro: us, ExpiresAt: exp, AdminID: adminID}, nil
	}
	key := t.key.Load()
	if key == nil {
		return "", Claims{}, errors.New("no signing key: crypt/key is empty")
	}
	out := make([]byte, 0, len(encodedHeader)+1+base64.RawURLEncoding.EncodedLen(len(buf))+1+43)
	out = append(out, encodedHeader...)
	out = append(out, '.')
	out = base64.RawURLEncoding.AppendEncode(out, buf)
	mac := hmac.New(sha256.New, *key)
	mac.Write(out)
	out = append(out, '.')
	out = base64.RawURLEncoding.AppendEncode(out, mac.Sum(nil))
	return string(out), Claims{UserID: userID, UserType: userType, IssuedAt: iat, IssuedMicro: us, ExpiresAt: exp, AdminID: adminID}, nil
}

type headerJSON struct {
	Alg string  `json:"alg"`
	Kid *string `json:"kid"`
	Typ *string `json:"typ"`
}

type claimsJSON struct {
	UID     *int64 `json:"uid"`
	UTypID  *int64 `json:"utypid"`
	Iat     *int64 `json:"iat"`
	Exp     *int64 `json:"exp"`
	AdminID *int64 `json:"admin_id"`
	IatUS   *int64 `json:"iat_us"`
}

// Read checks a token's signature and claims without looking at time or revocation.
// Any defect gives ErrTokenUnreadable.
func (t *Tokens) Read(token string) (Claims, error) {
	t.verifiedMu.RLock()
	c, ok := t.verified[token]
	t.verifiedMu.RUnlock()
	if ok {
		return c, nil
	}
	t.verifiedMu.RLock()
	k, ks := t.key.Load(), t.keys.Load()
	t.verifiedMu.RUnlock()
	c, err := t.read(token, k, ks)
	if err != nil {
		return c, err
	}
	t.verifiedMu.Lock()
	if t.key.Load() == k && t.keys.Load() == ks { // not if a key changed meanwhile
		if t.verified == nil || len(t.verified) >= verifiedCacheMax {
			t.verified = make(map[string]Claims)
		}
		t.verified[token] = c
	}
	t.verifiedMu.Unlock()
	return c, nil
}

func (t *Tokens) read(token string, k *macKey, ks *keySet) (Claims, error) {
	if len(token) > 4096 {
		return Claims{}, ErrTokenUnreadable
	}
	dot1 := strings.IndexByte(token, '.')
	if dot1 < 0 {
		return Claims{}, ErrTokenUnreadable
	}
	dot2 := strings.IndexByte(token[dot1+1:], '.')
	if dot2 < 0 {
		return Claims{}, ErrTokenUnreadable
	}
	dot2 += dot1 + 1
	signingInput, sigPart := token[:dot2], token[dot2+1:]
	headerPart, payloadPart := token[:dot1], token[dot1+1:dot2]

	// Check the header before the signature: HS256 with Magento's kid "1", or one of
	// our asymmetric keys by kid with the algorithm that key was made for, so "none",
	// and an HMAC made with a public key, can never pass.
	var asym *asymKey
	if headerPart != encodedHeader {
		hb, err := base64.RawURLEncoding.DecodeString(headerPart)
		if err != nil {
			return Claims{}, ErrTokenUnreadable
		}
		var h headerJSON
		dec := json.NewDecoder(bytes.NewReader(hb))
		dec.DisallowUnknownFields()
		if dec.Decode(&h) != nil || (h.Typ != nil && *h.Typ != "JWT") {
			return Claims{}, ErrTokenUnreadable
		}
		switch {
		case h.Alg == AlgHS256 && (h.Kid == nil || *h.Kid == "1"):
		case h.Alg != AlgHS256 && h.Kid != nil && ks != nil && ks.byKid[*h.Kid] != nil && ks.byKid[*h.Kid].alg == h.Alg:
			asym = ks.byKid[*h.Kid]
		default:
			return Claims{}, ErrTokenUnreadable
		}
	}
	// Strict: the padding bits of the last character must be zero, so one signature
	// has one spelling and a token cannot be varied into look-alikes that all verify.
	sig, err := base64.RawURLEncoding.Strict().DecodeString(sigPart)
	if err != nil {
		return Claims{}, ErrTokenUnreadable
	}
	if asym != nil {
		if !asym.verify([]byte(signingInput), sig) {
			return Claims{}, ErrTokenUnreadable
		}
	} else {
		if k == nil || len(sig) != sha256.Size {
			return Claims{}, ErrTokenUnreadable
		}
		mac := hmac.New(sha256.New, *k)
		mac.Write([]byte(signingInput))
		if !hmac.Equal(sig, mac.Sum(nil)) {
			return Claims{}, ErrTokenUnreadable
		}
	}
	pb, err := base64.RawURLEncoding.DecodeString(payloadPart)
	if err != nil {
		return Claims{}, ErrTokenUnreadable
	}
	var c claimsJSON
	if json.Unmarshal(pb, &c) != nil || c.UID == nil || c.UTypID == nil || c.Iat == nil || c.Exp == nil {
		return Claims{}, ErrTokenUnreadable
	}
	// An iat past the year 9999 is no time we issue, and in µs it would overflow.
	if *c.UID <= 0 || (*c.UTypID != UserTypeAdmin && *c.UTypID != UserTypeCustomer) || *c.Iat <= 0 || *c.Iat > maxUnixSeconds || *c.Exp <= 0 {
		return Claims{}, ErrTokenUnreadable
	}
	cl := Claims{UserID: *c.UID, UserType: int(*c.UTypID), IssuedAt: *c.Iat, ExpiresAt: *c.Exp, IssuedMicro: *c.Iat * 1e6}
	if c.IatUS != nil {
		// The precise time must agree with iat, or the token was not made by us.
		if *c.IatUS/1e6 != *c.Iat {
			return Claims{}, ErrTokenUnreadable
		}
		cl.IssuedMicro = *c.IatUS
	}
	if c.AdminID != nil {
		if *c.AdminID <= 0 || cl.UserType != UserTypeCustomer {
			return Claims{}, ErrTokenUnreadable
		}
		cl.AdminID = *c.AdminID
	}
	return cl, nil
}

// Verify reads a token and checks its times and the revocation list; the errors are
// ErrTokenUnreadable, ErrTokenExpired and ErrTokenRevoked. It touches no database.
func (t *Tokens) Verify(token string) (Claims, error) {
	c, err := t.Read(token)
	if err != nil {
		return c, err
	}
	now := t.now()
	if c.IssuedAt > now.Add(iatLeeway).Unix() {
		return Claims{}, ErrTokenUnreadable
	}
	if c.ExpiresAt <= now.Unix() {
		return Claims{}, ErrTokenExpired
	}
	if c.IssuedMicro <= t.revoked.Before(c.UserType, c.UserID) {
		return Claims{}, ErrTokenRevoked
	}
	return c, nil
}

// Revocation is one user's "reject tokens issued at or before" time.
type Revocation struct {
	UserType    int
	UserID      int64
	BeforeMicro int64
}

type userKey struct {
	typ int
	id  int64
}

// RevocationList holds, per user, the issue time (µs) at or before which tokens are rejected.
type RevocationList struct {
	mu sync.RWMutex
	m  map[userKey]int64
}

// NewRevocationList makes an empty list.
func NewRevocationList() *RevocationList { return &RevocationList{m: map[userKey]int64{}} }

// Before returns the user's revocation time in µs, 0 when never revoked.
func (l *RevocationList) Before(userType int, userID int64) int64 {
	l.mu.RLock()
	v := l.m[userKey{userType, userID}]
	l.mu.RUnlock()
	return v
}

// Apply records revocations; a time only ever moves forward.
func (l *RevocationList) Apply(rs ...Revocation) {
	l.mu.Lock()
	for _, r := range rs {
		k := userKey{r.UserType, r.UserID}
		if r.BeforeMicro > l.m[k] {
			l.m[k] = r.BeforeMicro
		}
	}
	l.mu.Unlock()
}

// maxUnixSeconds is 9999-12-31T23:59:59Z, the latest issue time a token may claim.
const maxUnixSeconds = 253402300799
