package web

import (
	"net/http"
	"slices"

	"shopauth/auth"
)

// corsAllowHeaders are the request headers Magento storefronts send to /graphql: PWA
// Studio (Store, Content-Currency, X-Magento-Cache-Id, X-ReCaptcha), Adobe's drop-ins
// (Magento-* headers, X-Api-Key), Alokai and GraphCommerce (the same set).
const corsAllowHeaders = "Accept, Authorization, Content-Type, Content-Currency, Store, Preview-Version, " +
	"X-Magento-Cache-Id, X-ReCaptcha, X-Captcha, Magento-Customer-Group, Magento-Environment-Id, " +
	"Magento-Store-Code, Magento-Store-View-Code, Magento-Website-Code, X-Api-Key"

const corsAllowMethods = "GET, POST, OPTIONS"

// corsMaxAge lets a browser keep a preflight answer for ten minutes (Chromium's cap
// is two hours), so a settings change reaches browsers soon.
const corsMaxAge = "600"

// withCORS lets a storefront on another origin call /graphql from a browser when
// web/graphql/cors_allowed_origins lists that origin exactly: its requests, the
// session cookie included, are answered with the headers that let the page read
// them. Any other origin gets no CORS headers, so the browser keeps the answer from
// the page and never sends a JSON POST (that needs a granted preflight). OPTIONS is
// answered 204, as Magento's GraphQl controller does.
func (s *Server) withCORS(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		allowed := origin != "" && slices.Contains(auth.Origins(s.svc.Settings().Get(auth.PathCORSOrigins)), origin)
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if r.Method != http.MethodOptions {
			next(w, r)
			return
		}
		if allowed && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
