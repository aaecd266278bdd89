// Package resolvers is the thin GraphQL layer: each resolver reads its arguments,
// calls the auth service and maps the result to Magento's types.
package resolvers

import (
	"shopauth/auth"
)

// Root resolves Query and Mutation.
type Root struct {
	Service *auth.Service
}

// New returns the root resolver for schema.graphql.
func New(s *auth.Service) *Root { return &Root{Service: s} }

func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// strp is str for a string that stays put: p itself, or nil for "".
func strp(p *string) *string {
	if *p == "" {
		return nil
	}
	return p
}
