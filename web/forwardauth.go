package web

import (
	"errors"
	"net/http"
	"strconv"

	"shopauth/auth"
)

// Forward authentication: a reverse proxy (nginx auth_request, Caddy forward_auth,
// Traefik ForwardAuth) asks this endpoint about each request before passing it to the
// shop's own backend, with the client's headers. The answer is 200 with the identity
// headers below, or 401; the proxy copies the headers onto the request it forwards.
const (
	HeaderCustomerID    = "X-Customer-Id"
	HeaderCustomerEmail = "X-Customer-Email"
	HeaderUserType      = "X-User-Type" // Magento's user type: 3, a customer
	// HeaderAdminID names the admin acting for the customer (login as customer), "0"
	// when none does. Always sent: Caddy 2.6's copy_headers passes an absent header on
	// as its unexpanded placeholder.
	HeaderAdminID = "X-Admin-Id"
)

// handleForwardAuth answers for a customer's bearer token or GraphQL session cookie
// (any method: the proxy's subrequest carries the original one or GET). It reads the
// customer on every call, so a revocation, a lock, a deletion or a withdrawn consent
// is seen at once here and within one refresh (250 ms) in a second process.
func (s *Server) handleForwardAuth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	ctx := r.Context()
	var p *auth.Principal
	if tok, ok := bearerToken(r); ok {
		var err error
		p, err = s.svc.VerifyToken(tok)
		s.metrics.observeVerification(err)
		if err != nil {
			var ae *auth.Error
			if !errors.As(err, &ae) {
				ae = auth.ErrTokenUnreadable
			}
			forwardDenied(w, ae.Message, nil)
			return
		}
	} else if c, err := r.Cookie(sessionCookie); err == nil && !s.svc.Settings().Bool(auth.PathSessionDisable) {
		p = s.svc.SessionPrincipal(c.Value)
	}
	if p == nil || p.UserType != auth.UserTypeCustomer {
		// Magento's answer to GET /V1/customers/me without a customer.
		forwardDenied(w, auth.MsgConsumerNotAuthorized, map[string]string{"resources": "self"})
		return
	}
	ctx = auth.WithPrincipal(ctx, p)
	c, err := s.svc.CurrentCustomer(ctx)
	if err != nil {
		var ae *auth.Error
		if !errors.As(err, &ae) {
			s.log.ErrorContext(ctx, "forward auth", "request_id", requestID(ctx), "err", err)
			writeREST(w, http.StatusInternalServerError, auth.MsgInternal, nil)
			return
		}
		if ae == auth.ErrNotAuthorized {
			forwardDenied(w, auth.MsgConsumerNotAuthorized, map[string]string{"resources": "self"})
			return
		}
		forwardDenied(w, ae.Message, nil)
		return
	}
	h := w.Header()
	h.Set(HeaderCustomerID, strconv.FormatInt(c.ID, 10))
	h.Set(HeaderCustomerEmail, c.Email)
	h.Set(HeaderUserType, strconv.Itoa(auth.UserTypeCustomer))
	h.Set(HeaderAdminID, strconv.FormatInt(p.AdminID, 10))
	w.WriteHeader(http.StatusOK)
}

// forwardDenied is the 401 a proxy passes on to the client (Caddy and Traefik pass the
// body too; nginx only the status and WWW-Authenticate).
func forwardDenied(w http.ResponseWriter, msg string, params any) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="shopauth"`)
	writeREST(w, http.StatusUnauthorized, msg, params)
}
