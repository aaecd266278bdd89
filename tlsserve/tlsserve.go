// Package tlsserve is shopauth's HTTPS adapter: certificates from an ACME CA
// (golang.org/x/crypto/acme/autocert, answering HTTP-01 on the HTTP port and
// TLS-ALPN-01 on the HTTPS port) or from files the operator brings, the plain-HTTP
// side that answers challenges and redirects everything else to HTTPS, and HSTS.
package tlsserve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// LetsEncrypt is the ACME directory used when none is given.
const LetsEncrypt = autocert.DefaultACMEDirectory

// HSTSValue is the Strict-Transport-Security header of every HTTPS answer: one
// year, this host only (subdomains of a shop may be served by others).
const HSTSValue = "max-age=31536000"

// Config says where certificates come from: Hosts (ACME) or CertFile and KeyFile.
type Config struct {
	// Hosts are the names to get certificates for over ACME; no other name gets one.
	Hosts []string
	// CacheDir keeps the ACME account key and the certificates across restarts.
	CacheDir string
	// DirectoryURL is the ACME directory; "" is Let's Encrypt.
	DirectoryURL string
	// Email is given to the CA for expiry notices; may be "".
	Email string
	// CertFile and KeyFile are a PEM certificate chain and key the operator brings;
	// they are read again when they change (a renewal by certbot), without a restart.
	CertFile, KeyFile string
	// HTTPSPort is the port HTTPS is served on, for redirects ("443" leaves it out).
	HTTPSPort string
	Log       *slog.Logger
}

// Server holds the certificate source.
type Server struct {
	cfg     Config
	manager *autocert.Manager
	files   *fileCert
}

// New checks the config and prepares the certificate source; no CA is asked yet.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Server{cfg: cfg}
	switch {
	case len(cfg.Hosts) > 0 && cfg.CertFile != "":
		return nil, errors.New("--https and --tls-cert exclude each other")
	case len(cfg.Hosts) > 0:
		if cfg.CacheDir == "" {
			return nil, errors.New("no certificate cache directory")
		}
		if err := os.MkdirAll(cfg.CacheDir, 0o700); err != nil {
			return nil, fmt.Errorf("certificate cache: %w", err)
		}
		dir := cfg.DirectoryURL
		if dir == "" {
			dir = LetsEncrypt
		}
		s.manager = &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			Cache:      autocert.DirCache(cfg.CacheDir),
			HostPolicy: autocert.HostWhitelist(cfg.Hosts...),
			Email:      cfg.Email,
			Client:     &acme.Client{DirectoryURL: dir, UserAgent: "shopauth"},
		}
	case cfg.CertFile != "" && cfg.KeyFile != "":
		s.files = &fileCert{certFile: cfg.CertFile, keyFile: cfg.KeyFile}
		if _, err := s.files.get(); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	return s, nil
}

// TLSConfig is the server side of TLS: HTTP/2 and HTTP/1.1, TLS 1.2 at least, and
// the ACME TLS-ALPN-01 protocol when certificates come from ACME.
func (s *Server) TLSConfig() *tls.Config {
	if s.manager != nil {
		c := s.manager.TLSConfig() // h2, http/1.1, acme-tls/1
		c.MinVersion = tls.VersionTLS12
		return c
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return s.files.get() }}
}

// Obtain gets (or loads from the cache) the certificate of each host now, rather than
// on the first client's handshake, and logs how long it took. With operator files it
// does nothing.
func (s *Server) Obtain(ctx context.Context) error {
	if s.manager == nil {
		return nil
	}
	for _, h := range s.cfg.Hosts {
		start := time.Now()
		// A hello as a current browser sends: an ECDSA certificate, the one autocert
		// serves them, not the RSA one it keeps for old clients.
		_, err := s.manager.GetCertificate(&tls.ClientHelloInfo{ServerName: h,
			CipherSuites:     []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
			SignatureSchemes: []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256},
			SupportedCurves:  []tls.CurveID{tls.CurveP256}})
		if err != nil {
			return fmt.Errorf("certificate for %s: %w", h, err)
		}
		s.cfg.Log.Info("certificate ready", "host", h, "duration", time.Since(start).Round(time.Millisecond))
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// HTTPHandler serves the plain-HTTP port: ACME HTTP-01 challenges, and a permanent
// redirect to HTTPS for everything else (301 for GET and HEAD, 308 keeping the
// method and body otherwise).
func (s *Server) HTTPHandler() http.Handler {
	redirect := http.HandlerFunc(s.redirect)
	if s.manager == nil {
		return redirect
	}
	challenges := s.manager.HTTPHandler(redirect)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A CA on a port other than 80 sends Host with the port; the host policy knows names.
		if h, _, err := net.SplitHostPort(r.Host); err == nil {
			r.Host = h
		}
		challenges.ServeHTTP(w, r)
	})
}

func (s *Server) redirect(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	// Only to a name of ours: never an open redirect to whatever Host a client sent.
	if len(s.cfg.Hosts) > 0 && !contains(s.cfg.Hosts, strings.ToLower(host)) {
		host = s.cfg.Hosts[0]
	}
	if s.cfg.HTTPSPort != "" && s.cfg.HTTPSPort != "443" {
		host = net.JoinHostPort(host, s.cfg.HTTPSPort)
	}
	code := http.StatusPermanentRedirect
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		code = http.StatusMovedPermanently
	}
	http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), code)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// HSTS adds Strict-Transport-Security to every answer of h (which serves HTTPS only).
func HSTS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", HSTSValue)
		h.ServeHTTP(w, r)
	})
}

// fileCert is an operator's certificate, read again when either file changes.
type fileCert struct {
	certFile, keyFile string
	mu                sync.Mutex
	cert              *tls.Certificate
	certMod, keyMod   time.Time
	checked           time.Time
}

// get returns the certificate, looking at the files' times at most once a second.
func (f *fileCert) get() (*tls.Certificate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cert != nil && time.Since(f.checked) < time.Second {
		return f.cert, nil
	}
	f.checked = time.Now()
	ci, err1 := os.Stat(f.certFile)
	ki, err2 := os.Stat(f.keyFile)
	if err := errors.Join(err1, err2); err != nil {
		if f.cert != nil {
			return f.cert, nil // keep serving the last good one while a renewal swaps files
		}
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	if f.cert != nil && ci.ModTime().Equal(f.certMod) && ki.ModTime().Equal(f.keyMod) {
		return f.cert, nil
	}
	c, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
	if err != nil {
		if f.cert != nil {
			return f.cert, nil
		}
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	f.cert, f.certMod, f.keyMod = &c, ci.ModTime(), ki.ModTime()
	return f.cert, nil
}
