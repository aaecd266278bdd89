package web

import (
	"net/http"

	"shopauth/auth"
)

// handleJWKS publishes the public keys that verify shopauth's EdDSA/ES256 tokens (RFC
// 7517), for services that check tokens offline. Empty while tokens are HS256: that
// key is a shared secret and is never published. A verifier that meets an unknown kid
// fetches again (a rotation's new key is listed before its first token reaches anyone).
func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	keys := s.svc.Tokens.JWKS()
	if keys == nil {
		keys = []auth.JWK{}
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}
