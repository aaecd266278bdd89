package web

import (
	"context"
	"net/http"

	"shopauth/auth"
)

// sessionPrincipal returns the customer of a GraphQL session cookie (SPEC §8);
// sessions arrive with the account-lifecycle work, until then there are none.
func (s *Server) sessionPrincipal(w http.ResponseWriter, r *http.Request) *auth.Principal { return nil }

// afterGraphQL runs before a GraphQL response is written; sessions set cookies here.
func (s *Server) afterGraphQL(w http.ResponseWriter, r *http.Request, ctx context.Context) {}
