package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"time"
)

// Token signing algorithms (PathTokenAlgorithm). HS256 is Magento's, with the key
// derived from crypt/key; EdDSA (Ed25519) and ES256 (P-256) sign with a private key
// kept in the database, whose public half is published as a JWKS, so other services
// can verify tokens without being able to make them.
const (
	AlgHS256 = "HS256"
	AlgEdDSA = "EdDSA"
	AlgES256 = "ES256"
)

// TokenKey is a stored asymmetric signing key.
type TokenKey struct {
	Kid          string // RFC 7638 thumbprint of the public key
	Alg          string // AlgEdDSA or AlgES256
	PrivateKey   string // PKCS#8 PEM
	CreatedMicro int64
	// VerifyUntil is 0 for the key that signs; for an older one, the unix time until
	// which its tokens (all issued before it was replaced) still verify.
	VerifyUntil int64
	// MaxLifetime is the longest token lifetime, in seconds, any server had in force
	// while the key signed: a token keeps the exp it was issued with, so this and not
	// the lifetime in force at rotation bounds how long the key must verify.
	MaxLifetime int64
}

// SigningKeyStore keeps the signing keys. Implemented by db.
type SigningKeyStore interface {
	SigningKeys(ctx context.Context) ([]TokenKey, error)
	// SigningKeysVersion changes whenever a key is added or deleted, or a retired
	// key's VerifyUntil moves, by any process.
	SigningKeysVersion(ctx context.Context) (int64, error)
	// AddSigningKey makes k the signing key and, atomically, retires the key(s) that
	// signed until now: each verifies until retiredAt plus its MaxLifetime.
	AddSigningKey(ctx context.Context, k TokenKey, retiredAt int64) error
	// RaiseSigningKeyLifetime raises kid's MaxLifetime to seconds (never lowers it),
	// moving a retired key's VerifyUntil by as much, in one statement.
	RaiseSigningKeyLifetime(ctx context.Context, kid string, seconds int64) error
	// DeleteExpiredSigningKeys deletes the retired keys whose VerifyUntil is at or
	// before now (unix seconds): no token they signed can still be valid.
	DeleteExpiredSigningKeys(ctx context.Context, now int64) (int64, error)
}

// JWK is one public key of the JWKS (RFC 7517).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y,omitempty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// asymKey is a parsed signing key: what signs and verifies, and its JWK.
type asymKey struct {
	alg    string
	kid    string
	header string // base64url of {"kid":…,"alg":…}
	priv   crypto.Signer
	ed     ed25519.PublicKey
	ec     *ecdsa.PublicKey
	jwk    JWK
}

var b64 = base64.RawURLEncoding

// NewSigningKey makes a new key for alg from entropy r.
func NewSigningKey(alg string, r io.Reader, now time.Time) (TokenKey, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case AlgEdDSA:
		_, priv, err = ed25519.GenerateKey(r)
	case AlgES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), r)
	default:
		return TokenKey{}, fmt.Errorf("no signing key for %s", alg)
	}
	if err != nil {
		return TokenKey{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return TokenKey{}, err
	}
	k := TokenKey{Alg: alg, PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), CreatedMicro: now.UnixMicro()}
	ak, err := parseSigningKey(k)
	if err != nil {
		return TokenKey{}, err
	}
	k.Kid = ak.kid
	return k, nil
}

// parseSigningKey reads a stored key; its kid is the RFC 7638 thumbprint of the public key.
func parseSigningKey(k TokenKey) (*asymKey, error) {
	blk, _ := pem.Decode([]byte(k.PrivateKey))
	if blk == nil {
		return nil, errors.New("signing key: not PEM")
	}
	p, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	a := &asymKey{alg: k.Alg}
	var thumb string
	switch priv := p.(type) {
	case ed25519.PrivateKey:
		if k.Alg != AlgEdDSA {
			return nil, errors.New("signing key: an Ed25519 key for " + k.Alg)
		}
		a.priv, a.ed = priv, priv.Public().(ed25519.PublicKey)
		a.jwk = JWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(a.ed)}
		thumb = `{"crv":"Ed25519","kty":"OKP","x":"` + a.jwk.X + `"}`
	case *ecdsa.PrivateKey:
		if k.Alg != AlgES256 || priv.Curve != elliptic.P256() {
			return nil, errors.New("signing key: an ECDSA key for " + k.Alg)
		}
		a.priv, a.ec = priv, &priv.PublicKey
		pt, err := priv.PublicKey.Bytes() // 0x04 || X || Y
		if err != nil {
			return nil, err
		}
		a.jwk = JWK{Kty: "EC", Crv: "P-256", X: b64.EncodeToString(pt[1:33]), Y: b64.EncodeToString(pt[33:])}
		thumb = `{"crv":"P-256","kty":"EC","x":"` + a.jwk.X + `","y":"` + a.jwk.Y + `"}`
	default:
		return nil, errors.New("signing key: unsupported key type")
	}
	sum := sha256.Sum256([]byte(thumb))
	a.kid = b64.EncodeToString(sum[:])
	if k.Kid != "" && k.Kid != a.kid {
		return nil, errors.New("signing key: kid does not match the key")
	}
	a.jwk.Kid, a.jwk.Alg, a.jwk.Use = a.kid, k.Alg, "sig"
	h, _ := json.Marshal(struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}{a.kid, k.Alg})
	a.header = b64.EncodeToString(h)
	return a, nil
}

// sign returns the JWS signature of input: Ed25519's 64 bytes, or ES256's r||s.
func (a *asymKey) sign(r io.Reader, input []byte) ([]byte, error) {
	if a.ed != nil {
		return ed25519.Sign(a.priv.(ed25519.PrivateKey), input), nil
	}
	sum := sha256.Sum256(input)
	rr, ss, err := ecdsa.Sign(r, a.priv.(*ecdsa.PrivateKey), sum[:])
	if err != nil {
		return nil, err
	}
	sig := make([]byte, 64)
	rr.FillBytes(sig[:32])
	ss.FillBytes(sig[32:])
	return sig, nil
}

// verify checks a JWS signature made by sign.
func (a *asymKey) verify(input, sig []byte) bool {
	if a.ed != nil {
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(a.ed, input, sig)
	}
	if len(sig) != 64 {
		return false
	}
	sum := sha256.Sum256(input)
	return ecdsa.Verify(a.ec, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
}

// keySet is what Tokens signs and verifies with besides the HMAC key.
type keySet struct {
	signer *asymKey            // nil: HS256 signs
	byKid  map[string]*asymKey // every key still verifying
	jwks   []JWK
}

// SetSigningKeys installs the stored keys: the current key of alg signs (HS256 or no
// such key: the HMAC key signs), and every key verifies its tokens until their expiry.
func (t *Tokens) SetSigningKeys(keys []TokenKey, alg string) error {
	ks := &keySet{byKid: map[string]*asymKey{}}
	for _, k := range keys {
		a, err := parseSigningKey(k)
		if err != nil {
			return fmt.Errorf("signing key %s: %w", k.Kid, err)
		}
		if k.VerifyUntil != 0 && k.VerifyUntil <= t.now().Unix() {
			continue // every token it signed has expired
		}
		ks.byKid[a.kid] = a
		ks.jwks = append(ks.jwks, a.jwk)
		if k.VerifyUntil == 0 && k.Alg == alg {
			ks.signer = a
		}
	}
	t.verifiedMu.Lock()
	t.keys.Store(ks)
	t.verified.Clear()
	t.verifiedMu.Unlock()
	return nil
}

// JWKS returns the public keys that verify tokens now, newest last.
func (t *Tokens) JWKS() []JWK {
	if ks := t.keys.Load(); ks != nil {
		return ks.jwks
	}
	return nil
}

// rotationSlack is how long after a rotation a server may still sign with the old key:
// it sees the rotation at its next refresh (every 250 ms in serve).
const rotationSlack = 2 * time.Second

// longestLifetime is the longest token lifetime st gives, in whole seconds rounded up.
func longestLifetime(st *Settings) int64 {
	return int64(math.Ceil(max(st.CustomerTokenLifetime(), st.AdminTokenLifetime()).Seconds()))
}

// coverLifetime makes sure the stored MaxLifetime of the key this process signs with
// covers the lifetimes of st, before any token is signed with them: Refresh calls it
// before it puts new settings in force, refreshSigningKeys before it installs a new
// signing key. One write per raise; none while nothing grows.
func (s *Service) coverLifetime(ctx context.Context, st *Settings) error {
	kid, _ := s.signerKid.Load().(string)
	if s.Keys == nil || kid == "" {
		return nil
	}
	longest := longestLifetime(st)
	if longest <= s.signerLifetime.Load() {
		return nil
	}
	if err := s.Keys.RaiseSigningKeyLifetime(ctx, kid, longest); err != nil {
		return fmt.Errorf("record the token lifetime of signing key %s: %w", kid, err)
	}
	s.signerLifetime.Store(longest)
	return nil
}

// refreshSigningKeys loads the keys when another process added or deleted one, the
// algorithm changed or a retired key's last token expired (it then deletes the keys
// that verify nothing any more, so they leave the JWKS and the table), and makes a
// first key when the algorithm asks for one and none signs.
func (s *Service) refreshSigningKeys(ctx context.Context, st *Settings) error {
	if s.Keys == nil {
		return nil
	}
	alg := st.Get(PathTokenAlgorithm)
	now := s.Now().Unix()
	ver, err := s.Keys.SigningKeysVersion(ctx)
	if err != nil {
		return fmt.Errorf("signing keys version: %w", err)
	}
	expired := s.keysExpiry.Load() != 0 && s.keysExpiry.Load() <= now
	if s.keysLoaded.Load() && ver == s.keysVer.Load() && alg == s.keysAlg.Load().(string) && !expired {
		return s.coverLifetime(ctx, st)
	}
	if expired {
		if _, err := s.Keys.DeleteExpiredSigningKeys(ctx, now); err != nil {
			return fmt.Errorf("delete expired signing keys: %w", err)
		}
		if ver, err = s.Keys.SigningKeysVersion(ctx); err != nil {
			return fmt.Errorf("signing keys version: %w", err)
		}
	}
	keys, err := s.Keys.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("load signing keys: %w", err)
	}
	signer := signerOf(keys, alg)
	if alg != AlgHS256 && signer == nil {
		if _, err := s.RotateSigningKey(ctx); err != nil {
			return err
		}
		return nil // RotateSigningKey loaded them
	}
	var kid string
	var recorded, expiry int64
	if signer != nil {
		kid, recorded = signer.Kid, signer.MaxLifetime
	}
	s.signerKid.Store(kid)
	s.signerLifetime.Store(recorded)
	if err := s.coverLifetime(ctx, st); err != nil {
		return err
	}
	if err := s.Tokens.SetSigningKeys(keys, alg); err != nil {
		return err
	}
	for _, k := range keys {
		if k.VerifyUntil > now && (expiry == 0 || k.VerifyUntil < expiry) {
			expiry = k.VerifyUntil
		}
	}
	s.keysExpiry.Store(expiry)
	s.keysVer.Store(ver)
	s.keysAlg.Store(alg)
	s.keysLoaded.Store(true)
	return nil
}

// signerOf returns the key of alg that signs, or nil.
func signerOf(keys []TokenKey, alg string) *TokenKey {
	for i, k := range keys {
		if k.VerifyUntil == 0 && k.Alg == alg {
			return &keys[i]
		}
	}
	return nil
}

// ErrHS256Rotate is key:rotate's answer while tokens are HS256.
var ErrHS256Rotate = errors.New("tokens are signed with HS256 (crypt/key); set shopauth/token/algorithm to EdDSA or ES256 first")

// RotateSigningKey makes a new key of the configured algorithm the signing key. The
// keys that signed until now verify until every token they signed has expired (now,
// plus the time a server takes to see the rotation, plus the longest lifetime any
// server signed with while the key signed): nobody is signed out. Once that has passed,
// a refresh deletes them.
func (s *Service) RotateSigningKey(ctx context.Context) (TokenKey, error) {
	st := s.Settings()
	alg := st.Get(PathTokenAlgorithm)
	if alg == AlgHS256 || s.Keys == nil {
		return TokenKey{}, ErrHS256Rotate
	}
	now := s.Now()
	k, err := NewSigningKey(alg, s.Rand, now)
	if err != nil {
		return TokenKey{}, err
	}
	k.MaxLifetime = longestLifetime(st)
	if err := s.Keys.AddSigningKey(ctx, k, now.Add(rotationSlack).Unix()); err != nil {
		return TokenKey{}, fmt.Errorf("store signing key: %w", err)
	}
	s.keysLoaded.Store(false)
	if err := s.refreshSigningKeys(ctx, st); err != nil {
		return TokenKey{}, err
	}
	return k, nil
}
