package web

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"strconv"

	"shopauth/auth"
)

// GraphQL session cookies (SPEC §8), with Magento's cookie names.
const (
	sessionCookie = "PHPSESSID"
	versionCookie = "private_content_version"
)

// sessionsOn reports whether a request may start or use a session: only POSTs to
// /graphql, and only while graphql/session/disable is 0.
func (s *Server) sessionsOn(r *http.Request) bool {
	return r.Method == http.MethodPost && !s.svc.Settings().Bool(auth.PathSessionDisable)
}

// sessionPrincipal returns the customer of the request's session cookie, if any is
// valid. A forged, expired or revoked cookie leaves the request a guest's, and the
// answer deletes it, so a browser stops sending it; the request log notes it.
func (s *Server) sessionPrincipal(w http.ResponseWriter, r *http.Request) *auth.Principal {
	if !s.sessionsOn(r) {
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	// No other site can make a browser send the cookie with a JSON body (that needs a
	// CORS preflight, granted only to the origins of web/graphql/cors_allowed_origins);
	// handleGraphQL refuses every other POST first.
	p := s.svc.SessionPrincipal(c.Value)
	if p == nil {
		setLogAttr(r.Context(), slog.String("session", "rejected"))
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(r)})
	}
	return p
}

func (s *Server) secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	// Behind a trusted TLS-terminating proxy.
	return r.Header.Get("X-Forwarded-Proto") == "https" && s.limits.isTrusted(s.limits.peer(r))
}

// afterGraphQL starts a session when a customer's bearer token authenticated a POST,
// unless the token was revoked by the request itself (revokeCustomerToken, a password
// change) or the answer is a 401 (the customer is locked or not confirmed).
func (s *Server) afterGraphQL(w http.ResponseWriter, r *http.Request, ctx context.Context, status int) {
	p := auth.PrincipalFrom(ctx)
	if p == nil || p.ViaSession || p.UserType != auth.UserTypeCustomer || !s.sessionsOn(r) || status == http.StatusUnauthorized {
		return
	}
	if s.svc.Tokens.Revocations().Revoked(p.Claims) {
		return
	}
	value, exp := s.svc.StartSession(p)
	maxAge := int(exp.Sub(s.svc.Now()).Seconds())
	if maxAge < 1 {
		maxAge = 1 // 0 would make it a browser-session cookie; the server checks exp anyway
	}
	// The headers http.SetCookie would write, byte for byte, built directly: this runs on
	// every customer's bearer read, and SetCookie's generic checks cost more than the rest
	// of the cookie. value is base64url and dot, never needing quotes or sanitising.
	secure := ""
	if s.secureRequest(r) {
		secure = "; Secure"
	}
	// Magento's private_content_version only tells a browser's cache that private
	// content changed; it is no secret, so a fast generator does.
	var v [16]byte
	binary.LittleEndian.PutUint64(v[:8], mrand.Uint64())
	binary.LittleEndian.PutUint64(v[8:], mrand.Uint64())
	// Both headers are built in one buffer (on the stack; about 260 bytes) and cut
	// from one string.
	var buf [512]byte
	b := buf[:0]
	b = append(b, sessionCookie+"="...)
	b = append(b, value...)
	b = append(b, "; Path=/; Max-Age="...)
	b = strconv.AppendInt(b, int64(maxAge), 10)
	b = append(b, "; HttpOnly"...)
	b = append(b, secure...)
	b = append(b, "; SameSite=Lax"...)
	n := len(b)
	b = append(b, versionCookie+"="...)
	b = hex.AppendEncode(b, v[:])
	b = append(b, "; Path=/; Max-Age=315360000"...)
	b = append(b, secure...)
	b = append(b, "; SameSite=Lax"...)
	both := string(b)
	h := w.Header()
	h["Set-Cookie"] = append(h["Set-Cookie"], both[:n], both[n:])
}
