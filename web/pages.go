package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"shopauth/auth"
)

// pageHeaders are set on every response; HTML pages also get a strict CSP (no inline
// script), so a page can never be framed or run foreign code.
func setSecurityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
}

// graphqlExample is where the pages' "GraphQL" links go: a GET query that answers in a
// browser (a bare GET /graphql is a 400 "Unable to parse the request.").
var graphqlExample = "/graphql?query=" + url.PathEscape("{ storeConfig { store_name customer_access_token_lifetime minimum_password_length } }")

// loadPages parses the embedded templates; each page is layout + its own file.
func loadPages(assets fs.FS) (map[string]*template.Template, error) {
	if assets == nil {
		return nil, nil
	}
	layout, err := fs.ReadFile(assets, "web/templates/layout.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	names, err := fs.Glob(assets, "web/templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"join": strings.Join}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "web/templates/"), ".html")
		if name == "layout" {
			continue
		}
		body, err := fs.ReadFile(assets, n)
		if err != nil {
			return nil, err
		}
		t, err := template.New(name).Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page; data is merged with the fields every page uses.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	t := s.pages[page]
	if t == nil {
		http.Error(w, "page not available", http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Version"] = s.cfg.Version
	data["Now"] = s.svc.Now().Unix()
	if _, ok := data["Scripts"]; !ok {
		data["Scripts"] = []string{}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.ErrorContext(r.Context(), "render", "page", page, "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// handleStart is the public start page. It names what a guest needs to use the API and
// nothing about how this server is run: no database path, mail relay or security
// settings (a guest could use them to plan an attack); those are on /admin/overview.
func (s *Server) handleStart(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	s.render(w, r, http.StatusOK, "start", map[string]any{
		"Title": "Start", "Base": scheme + "://" + r.Host, "GraphQLExample": graphqlExample, "Demo": s.cfg.Demo,
	})
}

// handleNotFound is the page for a URL nothing else serves (Go's answer is plain text).
// API paths keep their own answers: /rest/ and /graphql are routed before this.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.NotFound(w, r)
		return
	}
	s.render(w, r, http.StatusNotFound, "notfound", map[string]any{"Title": "Not found", "Path": r.URL.Path})
}

func (s *Server) handleWalkthrough(w http.ResponseWriter, r *http.Request) {
	// The TOTP field only while admin 2FA is on (any client learns that from the admin
	// token route's answer anyway), and the one-time code lifetime for 6c's countdown.
	st := s.svc.Settings()
	s.render(w, r, http.StatusOK, "walkthrough", map[string]any{"Title": "Walk-through", "Scripts": []string{"walkthrough.js"},
		"TwoFactor": st.Bool(auth.PathTwoFactorEnable), "OTCLifetime": st.Int(auth.PathOTCLifetime)})
}

func (s *Server) staticHandler() http.Handler {
	if s.cfg.Assets == nil {
		return http.NotFoundHandler()
	}
	sub, err := fs.Sub(s.cfg.Assets, "web/static")
	if err != nil {
		return http.NotFoundHandler()
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}
