package web

import (
	"net/http"
)

// routes lists every URL shopauth serves.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", s.handleGraphQL)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.HandleFunc("/rest/", s.handleREST)
	mux.HandleFunc("GET /{$}", s.handleStart)
	mux.HandleFunc("GET /walkthrough", s.handleWalkthrough)
	mux.Handle("GET /static/", s.staticHandler())
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
