package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"

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
	return s.limits.isTrusted(s.limits.peer(r)) && r.Header.Get("X-Forwarded-Proto") == "https"
}

// afterGraphQL starts a session when a customer's bearer token authenticated a POST,
// unless the token was revoked by the request itself (revokeCustomerToken, a password
// change) or the answer is a 401 (the customer is locked or not confirmed).
func (s *Server) afterGraphQL(w http.ResponseWriter, r *http.Request, ctx context.Context, status int) {
	p := auth.PrincipalFrom(ctx)
	if p == nil || p.ViaSession || p.UserType != auth.UserTypeCustomer || !s.sessionsOn(r) || status == http.StatusUnauthorized {
		return
	}
	if p.IssuedMicro <= s.svc.Tokens.Revocations().Before(auth.UserTypeCustomer, p.UserID) {
		return
	}
	secure := s.secureRequest(r)
	value, exp := s.svc.StartSession(p)
	maxAge := int(exp.Sub(s.svc.Now()).Seconds())
	if maxAge < 1 {
		maxAge = 1 // 0 would make it a browser-session cookie; the server checks exp anyway
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: value, Path: "/",
		MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure})
	var v [16]byte
	rand.Read(v[:])
	http.SetCookie(w, &http.Cookie{Name: versionCookie, Value: hex.EncodeToString(v[:]), Path: "/",
		MaxAge: 10 * 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: secure})
}
