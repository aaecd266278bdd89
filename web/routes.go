package web

import (
	"net/http"
)

// routes lists every URL shopauth serves.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", s.withCORS(s.handleGraphQLOrExplorer)) // GraphiQL for a browser, GraphQL otherwise
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("/forward-auth", s.handleForwardAuth) // any method: proxies ask with the client's
	mux.HandleFunc("GET /.well-known/jwks.json", s.handleJWKS)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.HandleFunc("/rest/", s.handleREST)
	mux.HandleFunc("/rest", s.handleREST) // no redirect to /rest/: Magento answers 404 here
	mux.HandleFunc("GET /{$}", s.handleStart)
	mux.HandleFunc("/", s.handleNotFound) // any other URL: a page for a browser, Go's 404 otherwise
	mux.HandleFunc("GET /walkthrough", s.handleWalkthrough)
	mux.Handle("GET /static/", s.staticHandler())

	mux.HandleFunc("GET /admin", s.handleAdminHome)
	mux.HandleFunc("POST /admin/login", s.handleAdminLogin)
	mux.HandleFunc("GET /admin/tfa/setup", s.handleTFASetup)
	mux.HandleFunc("POST /admin/tfa/setup", s.handleTFASetup)
	mux.Handle("GET /admin/login", http.RedirectHandler("/admin", http.StatusSeeOther)) // a reload or bookmark of the sign-in answer
	mux.HandleFunc("POST /admin/logout", s.requireAdmin(s.handleAdminLogout))
	mux.HandleFunc("GET /admin/overview", s.requireAdmin(s.handleAdminOverview))
	mux.HandleFunc("GET /admin/settings", s.requireAdmin(s.handleAdminSettings))
	mux.HandleFunc("POST /admin/settings", s.requireAdmin(s.handleAdminSettings))
	mux.HandleFunc("GET /admin/customers", s.requireAdmin(s.handleAdminCustomers))
	mux.HandleFunc("GET /admin/customers/new", s.requireAdmin(s.handleAdminCustomerNew))
	mux.HandleFunc("POST /admin/customers/new", s.requireAdmin(s.handleAdminCustomerNew))
	mux.HandleFunc("GET /admin/customers/{id}", s.requireAdmin(s.handleAdminCustomer))
	mux.HandleFunc("POST /admin/customers/{id}/edit", s.requireAdmin(s.handleAdminCustomerEdit))
	mux.HandleFunc("POST /admin/customers/{id}/{action}", s.requireAdmin(s.handleAdminCustomerAction))
	mux.HandleFunc("GET /admin/admins", s.requireAdmin(s.handleAdminAdmins))
	mux.HandleFunc("POST /admin/admins", s.requireAdmin(s.handleAdminAdminCreate))
	mux.HandleFunc("POST /admin/admins/{id}/{action}", s.requireAdmin(s.handleAdminAdminAction))
	mux.HandleFunc("GET /admin/outbox", s.requireAdmin(s.handleAdminOutbox))
	mux.HandleFunc("GET /admin/audit", s.requireAdmin(s.handleAdminAudit))
	return s.withRequest(mux)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Pinger != nil {
		if err := s.cfg.Pinger.Ping(r.Context()); err != nil {
			s.log.ErrorContext(r.Context(), "health check", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
