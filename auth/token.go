package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"shopauth/internal/clockcache"
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

// macKey is a prepared HMAC-SHA256 key. HMAC hashes a key longer than the block size
// once; doing it here saves hashing 2 KiB on every sign and verify. Its pool keeps HMAC
// states under the key: one back from the pool is Reset to just after the key pads,
// which saves hmac.New's allocations and the two blocks it hashes on every use.
type macKey struct {
	raw  []byte
	pool sync.Pool
}

func prepareKey(key []byte) *macKey {
	k := &macKey{}
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256(key)
		k.raw = sum[:]
	} else {
		k.raw = append([]byte(nil), key...)
	}
	k.pool.New = func() any { return hmac.New(sha256.New, k.raw) }
	return k
}

// sum appends HMAC-SHA256(key, msg) to dst.
func (k *macKey) sum(dst, msg []byte) []byte {
	m := k.pool.Get().(hash.Hash)
	m.Reset()
	m.Write(msg)
	dst = m.Sum(dst)
	k.pool.Put(m)
	return dst
}

// sumString is sum for a message held in a string.
func (k *macKey) sumString(dst []byte, msg string) []byte {
	m := k.pool.Get().(hash.Hash)
	m.Reset()
	io.WriteString(m, msg)
	dst = m.Sum(dst)
	k.pool.Put(m)
	return dst
}

// Tokens issues and verifies JWTs and keeps the in-memory revocation list.
type Tokens struct {
	now  func() time.Time
	rand io.Reader
	key  atomic.Pointer[macKey]
	// keys are the asymmetric signing keys (keys.go); nil or no signer: HS256 signs.
	keys atomic.Pointer[keySet]
	// sessionKey signs GraphQL session cookies; derived from key once per key change.
	sessionKey atomic.Pointer[macKey]
	lastUS     atomic.Int64
	revoked    *RevocationList
	// verified remembers tokens whose signature and claims were already checked, so a
	// client sending the same token again costs a hash and a lookup. Times and revocation
	// are still checked on every use (Verify); a key change empties it. verifiedMu is
	// held for reading by a Read storing what it checked and for writing by a key
	// change, so nothing checked with an old key is stored after the change.
	verifiedMu sync.RWMutex
	verified   *clockcache.Cache[tokenDigest, verifiedClaims]
}

// verifiedCacheMax is how many verified tokens are remembered: 64 bytes each and 16 to
// 32 of index, outside the Go heap, so 256k tokens take at most 24 MiB. Full, the
// tokens least recently used are forgotten, one at a time, and verified again on their
// next use.
const verifiedCacheMax = 1 << 18

// tokenDigest names a token in the verified cache: the first 16 bytes of its SHA-256.
// Not the token itself, which would take 200 bytes or more: finding another string with
// the digest of a token the cache holds is a second preimage of 128 bits, and even that
// string would only be given that token's own claims.
type tokenDigest [16]byte

func digestToken(token string) tokenDigest {
	// Copied to the stack: []byte(token) would be a heap allocation per request. Our
	// tokens are 200 to 300 bytes; a longer one is allocated.
	var buf [512]byte
	var sum [sha256.Size]byte
	if len(token) <= len(buf) {
		sum = sha256.Sum256(buf[:copy(buf[:], token)])
	} else {
		sum = sha256.Sum256([]byte(token))
	}
	return tokenDigest(sum[:16])
}

// hashDigest places a digest in the cache: its bytes are uniform already.
func hashDigest(d tokenDigest) uint64 { return binary.LittleEndian.Uint64(d[:8]) }

// verifiedClaims are Claims in 33 bytes rather than 48: IssuedAt is IssuedMicro's
// whole seconds (read checks that iat and iat_us agree, and sets IssuedMicro from iat
// when iat_us is absent), and the user type is one byte.
type verifiedClaims struct {
	userID, issuedMicro, expiresAt, adminID int64
	userType                                uint8
}

func compactClaims(c Claims) (verifiedClaims, bool) {
	v := verifiedClaims{userID: c.UserID, issuedMicro: c.IssuedMicro, expiresAt: c.ExpiresAt, adminID: c.AdminID, userType: uint8(c.UserType)}
	return v, v.claims() == c
}

func (v verifiedClaims) claims() Claims {
	return Claims{UserID: v.userID, UserType: int(v.userType), IssuedAt: v.issuedMicro / 1e6, IssuedMicro: v.issuedMicro,
		ExpiresAt: v.expiresAt, AdminID: v.adminID}
}

// NewTokens makes a token service; call SetKey before use.
func NewTokens(now func() time.Time, rand io.Reader, revoked *RevocationList) *Tokens {
	return &Tokens{now: now, rand: rand, revoked: revoked,
		verified: clockcache.New[tokenDigest, verifiedClaims](verifiedCacheMax, 32, hashDigest)}
}

// SetKey switches the signing key (crypt/key); tokens signed with the old key stop working.
// An empty value leaves no key at all: every token is unreadable and none is issued,
// rather than HMAC with an empty key, which anyone could forge.
func (t *Tokens) SetKey(cryptKey string) {
	var kp, sk *macKey
	if raw := SigningKey(cryptKey); raw != nil {
		kp = prepareKey(raw)
		sk = prepareKey(deriveSessionKey(kp))
	}
	t.verifiedMu.Lock()
	t.sessionKey.Store(sk)
	t.key.Store(kp)
	t.verified.Clear()
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
	var sum [sha256.Size]byte
	key.sum(sum[:0], out)
	out = append(out, '.')
	out = base64.RawURLEncoding.AppendEncode(out, sum[:])
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

// parseFast reads claims in the shape this service and Magento write them: one object,
// no whitespace, each key once, plain lower-case keys, the known ones with unsigned
// integer values and jti a plain string. It reports false for anything else, which
// json.Unmarshal then reads, so what a token means never depends on the path taken; it
// only saves the reflection and the allocations of json.Unmarshal. vals holds the values
// c points to.
func (c *claimsJSON) parseFast(b []byte, vals *[6]int64) bool {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return false
	}
	var seen uint8
	i := 1
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		j := i + 1
		for j < len(b) && b[j] >= 'a' && b[j] <= 'z' || j < len(b) && b[j] == '_' {
			j++
		}
		if j+1 >= len(b) || b[j] != '"' || b[j+1] != ':' {
			return false
		}
		key := string(b[i+1 : j]) // no allocation: only compared
		i = j + 2
		slot := -1
		var dst **int64
		switch key {
		case "uid":
			slot, dst = 0, &c.UID
		case "utypid":
			slot, dst = 1, &c.UTypID
		case "iat":
			slot, dst = 2, &c.Iat
		case "exp":
			slot, dst = 3, &c.Exp
		case "admin_id":
			slot, dst = 4, &c.AdminID
		case "iat_us":
			slot, dst = 5, &c.IatUS
		case "jti":
			if seen&(1<<6) != 0 || i >= len(b) || b[i] != '"' {
				return false
			}
			seen |= 1 << 6
			i++
			for i < len(b) && b[i] != '"' {
				if b[i] < 0x20 || b[i] == '\\' || b[i] >= 0x80 {
					return false
				}
				i++
			}
			i++ // the closing quote
		default:
			return false
		}
		if slot >= 0 {
			if seen&(1<<slot) != 0 {
				return false
			}
			seen |= 1 << slot
			// Digits without a leading zero, short enough never to overflow.
			start := i
			var n int64
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				n = n*10 + int64(b[i]-'0')
				i++
			}
			if i == start || i-start > 18 || (b[start] == '0' && i-start > 1) {
				return false
			}
			vals[slot] = n
			*dst = &vals[slot]
		}
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			return i == len(b)-1
		default:
			return false
		}
	}
}

// Read checks a token's signature and claims without looking at time or revocation.
// Any defect gives ErrTokenUnreadable.
func (t *Tokens) Read(token string) (Claims, error) {
	if len(token) > maxTokenLen {
		return Claims{}, ErrTokenUnreadable
	}
	d := digestToken(token)
	if v, ok := t.verified.Get(d); ok {
		return v.claims(), nil
	}
	t.verifiedMu.RLock()
	k, ks := t.key.Load(), t.keys.Load()
	t.verifiedMu.RUnlock()
	c, err := t.read(token, k, ks)
	if err != nil {
		return c, err
	}
	if v, ok := compactClaims(c); ok {
		t.verifiedMu.RLock()
		if t.key.Load() == k && t.keys.Load() == ks { // not if a key changed meanwhile
			t.verified.Put(d, v)
		}
		t.verifiedMu.RUnlock()
	}
	return c, nil
}

// maxTokenLen is the longest token read at all.
const maxTokenLen = 4096

func (t *Tokens) read(token string, k *macKey, ks *keySet) (Claims, error) {
	if len(token) > maxTokenLen {
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
		var sum [sha256.Size]byte
		if k == nil || len(sig) != sha256.Size || !hmac.Equal(sig, k.sumString(sum[:0], signingInput)) {
			return Claims{}, ErrTokenUnreadable
		}
	}
	pb, err := base64.RawURLEncoding.DecodeString(payloadPart)
	if err != nil {
		return Claims{}, ErrTokenUnreadable
	}
	var c claimsJSON
	var vals [6]int64
	if !c.parseFast(pb, &vals) {
		c = claimsJSON{}
		if json.Unmarshal(pb, &c) != nil {
			return Claims{}, ErrTokenUnreadable
		}
	}
	if c.UID == nil || c.UTypID == nil || c.Iat == nil || c.Exp == nil {
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
	if t.revoked.Revoked(c) {
		return Claims{}, ErrTokenRevoked
	}
	return c, nil
}

// Revocations that reach further than one user's own tokens share the list and its
// table (token_revocation), under user types of their own beside 2 and 3.
const (
	// RevokeAssistedFor with a customer id: the customer tokens and sessions admins got
	// for that customer (login as customer); consent was withdrawn.
	RevokeAssistedFor = 103
	// RevokeAssistedBy with an admin id: the customer tokens and sessions that admin
	// got; the admin was locked or deactivated.
	RevokeAssistedBy = 102
	// RevokeAllAssisted with id 0: every customer token and session an admin got; login
	// as customer was switched off.
	RevokeAllAssisted = 104
)

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

// RevocationList holds, per user, the issue time (µs) at or before which tokens are
// rejected: in memory, the revocations made from a point on (From). An older one can
// only refuse a token issued before it that has not expired, one living longer than the
// window kept (its lifetime was lowered since, or another issuer made it): rare, so such
// a token is checked through the lookup (the database). Correctness never depends on
// the window, which only trades memory for lookups; in particular a lifetime raised
// later revives nothing, as From never moves back.
type RevocationList struct {
	mu     sync.RWMutex
	m      map[userKey]int64
	from   int64 // µs: every revocation made at or after it is in m
	lookup func(userType int, userID int64) (int64, error)
}

// NewRevocationList makes an empty list that holds every revocation.
func NewRevocationList() *RevocationList { return &RevocationList{m: map[userKey]int64{}} }

// Before returns the user's revocation time in µs held in memory, 0 when none is.
func (l *RevocationList) Before(userType int, userID int64) int64 {
	l.mu.RLock()
	v := l.m[userKey{userType, userID}]
	l.mu.RUnlock()
	return v
}

// Revoked reports whether a revocation covers c: its user's own, or, for a customer
// token an admin got (AdminID), the end of that customer's consent, of that admin, or
// of login as customer altogether. A token issued before the window held in memory is
// checked through the lookup; a failed lookup refuses, as a revoked token must not pass
// because a database was slow.
func (l *RevocationList) Revoked(c Claims) bool {
	keys := [4]userKey{{c.UserType, c.UserID}}
	n := 1
	if c.AdminID != 0 && c.UserType == UserTypeCustomer {
		keys[1], keys[2], keys[3] = userKey{RevokeAssistedFor, c.UserID}, userKey{RevokeAssistedBy, c.AdminID}, userKey{RevokeAllAssisted, 0}
		n = 4
	}
	l.mu.RLock()
	from, lookup := l.from, l.lookup
	for _, k := range keys[:n] {
		if c.IssuedMicro <= l.m[k] {
			l.mu.RUnlock()
			return true
		}
	}
	l.mu.RUnlock()
	if c.IssuedMicro >= from || lookup == nil {
		return false
	}
	for _, k := range keys[:n] {
		before, err := lookup(k.typ, k.id)
		if err != nil || c.IssuedMicro <= before {
			return true
		}
	}
	return false
}

// From returns the time from which every revocation is held in memory.
func (l *RevocationList) From() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.from
}

// Window makes the list hold only revocations made at or after from, asking lookup about
// tokens issued before it. from only moves forward.
func (l *RevocationList) Window(from int64, lookup func(userType int, userID int64) (int64, error)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lookup = lookup
	if from <= l.from {
		return
	}
	l.from = from
	m := make(map[userKey]int64, len(l.m)/2) // a new map: Go's do not shrink
	for k, v := range l.m {
		if v >= from {
			m[k] = v
		}
	}
	l.m = m
}

// Apply records revocations; a time only ever moves forward. One made before From is
// left to the lookup.
func (l *RevocationList) Apply(rs ...Revocation) {
	l.mu.Lock()
	for _, r := range rs {
		k := userKey{r.UserType, r.UserID}
		if r.BeforeMicro >= l.from && r.BeforeMicro > l.m[k] {
			l.m[k] = r.BeforeMicro
		}
	}
	l.mu.Unlock()
}

// maxUnixSeconds is 9999-12-31T23:59:59Z, the latest issue time a token may claim.
const maxUnixSeconds = 253402300799
