// Package web serves shopauth over HTTP: GraphQL, Magento REST, the admin page.
package web

import (
	"context"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"

	graphql "github.com/graph-gophers/graphql-go"

	"shopauth/auth"
	"shopauth/resolvers"
)

// Limits bound what one request may cost.
const (
	maxBodyBytes  = 1 << 20
	maxQueryBytes = 64 << 10
	maxDepth      = 20  // Magento's queryDepth
	maxAliases    = 10  // Magento's graphql/validation/maximum_alias_allowed
	maxFields     = 300 // Magento's queryComplexity, checked as its validateFieldCount does
	maxSelections = 2000
)

// Config is what the server is built from.
type Config struct {
	Service *auth.Service
	Schema  string // schema.graphql
	Assets  fs.FS  // holds web/templates and web/static
	Log     *slog.Logger
	// Pinger checks the database for /healthz.
	Pinger interface{ Ping(context.Context) error }
	// Version and DBPath are shown on the start page.
	Version string
	DBPath  string
	// LogRequests turns the one-line-per-request log on.
	LogRequests bool
	// TrustedProxies are the peers whose X-Forwarded-For is believed (for rate limits).
	TrustedProxies []netip.Prefix
	// Demo lists the demo sign-ins the start page names (serve --demo); nil otherwise.
	Demo []DemoSignIn
}

// DemoSignIn is one demo account, named on the start page when serve runs with --demo.
type DemoSignIn struct {
	Kind, Login, Password, Note string
}

// Server is the HTTP side of shopauth.
type Server struct {
	cfg     Config
	svc     *auth.Service
	schema  *graphql.Schema
	queries queryCache
	log     *slog.Logger
	handler http.Handler
	metrics *metrics
	limits  *rateLimits
	pages   map[string]*template.Template
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	schema, err := graphql.ParseSchema(cfg.Schema, resolvers.New(cfg.Service),
		graphql.UseFieldResolvers(),
		// graphql-go counts the root field as 1 and leaves too: Magento's depth 20 is its
		// 22. The handler checks Magento's measure first, with Magento's message.
		graphql.MaxDepth(maxDepth+2),
		graphql.MaxQueryLength(maxQueryBytes),
		graphql.MaxSelections(maxSelections),
		graphql.MaxParallelism(10),
		graphql.PanicHandler(panicHandler{cfg.Log}),
	)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, svc: cfg.Service, schema: schema, log: cfg.Log, metrics: newMetrics(cfg.Service)}
	s.limits = newRateLimits(cfg.TrustedProxies)
	s.limits.shared = func(key string, perMinute, n int) bool {
		return cfg.Service.AllowRate(context.Background(), key, perMinute, n)
	}
	prev := cfg.Service.OnEvent
	cfg.Service.OnEvent = func(ev string) {
		s.metrics.observeEvent(ev)
		if prev != nil {
			prev(ev)
		}
	}
	if s.pages, err = loadPages(cfg.Assets); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves every route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
