package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// GraphQL session cookies (SPEC §8) are signed, not stored: the cookie carries the
// customer id, when the session began, when it ends and the admin acting for the
// customer (0 if none), with an HMAC over them under a key derived from crypt/key.
// Checking one needs no database, and it ends on revocation (began at or before the
// customer's revocation time) and on expiry.

const sessionVersion = "s2"

// deriveSessionKey gives cookies a key of their own, so a cookie can never be read as a
// token or back.
func deriveSessionKey(k *macKey) []byte {
	return k.sumString(nil, "shopauth graphql session cookie")
}

// sessionMAC appends the session cookie MAC of payload to dst (nothing without a key).
func (t *Tokens) sessionMAC(dst, payload []byte) []byte {
	k := t.sessionKey.Load()
	if k == nil {
		return dst
	}
	return k.sum(dst, payload)
}

// StartSession returns a session cookie value for the customer of p (a verified customer
// token) and when it expires: after the customer token lifetime, but never later than
// the token itself, so a session cannot outlive the token that started it. A token made
// for an admin (login as customer) gives a session that still names the admin.
//
// The session is dated when its token was issued, not when it starts, so it is revoked
// exactly when the token is: a token revoked by another process (seen here only at the
// next refresh), or revoked while this request ran, cannot start a session that
// outlives the revocation.
func (s *Service) StartSession(p *Principal) (string, time.Time) {
	began := p.IssuedMicro
	if began <= 0 {
		began = s.Tokens.NowMicro()
	}
	exp := s.Now().Add(s.Settings().CustomerTokenLifetime()).Unix()
	if p.ExpiresAt > 0 && p.ExpiresAt < exp {
		exp = p.ExpiresAt
	}
	// One buffer: the payload, then the cookie value after it.
	buf := make([]byte, 0, 192)
	buf = append(buf, sessionVersion+"."...)
	buf = strconv.AppendInt(buf, p.UserID, 10)
	buf = append(buf, '.')
	buf = strconv.AppendInt(buf, began, 10)
	buf = append(buf, '.')
	buf = strconv.AppendInt(buf, exp, 10)
	buf = append(buf, '.')
	buf = strconv.AppendInt(buf, p.AdminID, 10)
	n := len(buf)
	var sum [sha256.Size]byte
	mac := s.Tokens.sessionMAC(sum[:0], buf)
	buf = base64.RawURLEncoding.AppendEncode(buf, buf[:n])
	buf = append(buf, '.')
	buf = base64.RawURLEncoding.AppendEncode(buf, mac)
	return string(buf[n:]), time.Unix(exp, 0)
}

// SessionPrincipal returns the customer of a session cookie, or nil when the cookie
// is forged, malformed, expired or revoked (a guest, not an error).
func (s *Service) SessionPrincipal(cookie string) *Principal {
	if len(cookie) > 512 {
		return nil
	}
	p64, sig64, ok := strings.Cut(cookie, ".")
	if !ok {
		return nil
	}
	pb, err1 := base64.RawURLEncoding.DecodeString(p64)
	sig, err2 := base64.RawURLEncoding.DecodeString(sig64)
	var sum [sha256.Size]byte
	mac := s.Tokens.sessionMAC(sum[:0], pb)
	if err1 != nil || err2 != nil || len(mac) == 0 || !hmac.Equal(sig, mac) {
		return nil
	}
	f := strings.Split(string(pb), ".")
	if len(f) != 5 || f[0] != sessionVersion {
		return nil
	}
	id, e1 := strconv.ParseInt(f[1], 10, 64)
	began, e2 := strconv.ParseInt(f[2], 10, 64)
	exp, e3 := strconv.ParseInt(f[3], 10, 64)
	adminID, e4 := strconv.ParseInt(f[4], 10, 64)
	if e1 != nil || e2 != nil || e3 != nil || e4 != nil || id <= 0 || adminID < 0 {
		return nil
	}
	c := Claims{UserID: id, UserType: UserTypeCustomer, IssuedAt: began / 1e6, IssuedMicro: began, ExpiresAt: exp, AdminID: adminID}
	if exp <= s.Now().Unix() || s.Tokens.Revocations().Revoked(c) {
		return nil
	}
	return &Principal{Claims: c, ViaSession: true}
}
