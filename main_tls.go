package main

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"shopauth/db"
	"shopauth/tlsserve"
	"shopauth/web"
)

const tlsUsage = "[--https HOST,... [--acme-email E] [--acme-directory URL] [--cert-cache DIR] | --tls-cert FILE --tls-key FILE] [--http-addr HOST:PORT]"

// tlsFlags are serve's HTTPS flags.
type tlsFlags struct {
	hosts, cert, key, httpAddr, directory, email, cache string
}

func (c *tlsFlags) add(fs *flagSet) {
	fs.StringVar(&c.hosts, "https", os.Getenv("SHOPAUTH_HTTPS"), "serve HTTPS with certificates from ACME (Let's Encrypt) for these comma-separated names")
	fs.StringVar(&c.cert, "tls-cert", os.Getenv("SHOPAUTH_TLS_CERT"), "serve HTTPS with this PEM certificate chain")
	fs.StringVar(&c.key, "tls-key", os.Getenv("SHOPAUTH_TLS_KEY"), "the PEM key of --tls-cert")
	fs.StringVar(&c.httpAddr, "http-addr", envOr("SHOPAUTH_HTTP_ADDR", ":80"), "with HTTPS: plain-HTTP address for ACME challenges and the redirect; \"off\" for none")
	fs.StringVar(&c.directory, "acme-directory", envOr("SHOPAUTH_ACME_DIRECTORY", tlsserve.LetsEncrypt), "ACME directory URL")
	fs.StringVar(&c.email, "acme-email", os.Getenv("SHOPAUTH_ACME_EMAIL"), "contact address given to the CA")
	fs.StringVar(&c.cache, "cert-cache", os.Getenv("SHOPAUTH_CERT_CACHE"), "ACME account and certificates (default: certs/ beside the SQLite file)")
}

func (c *tlsFlags) on() bool { return c.hosts != "" || c.cert != "" || c.key != "" }

func (c *tlsFlags) hostList() []string {
	var hosts []string
	for _, h := range strings.Split(c.hosts, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// server checks the HTTPS flags and makes the certificate source; nil when HTTPS is off.
func (c *tlsFlags) server(dbPath, addr string) (*tlsserve.Server, error) {
	if !c.on() {
		return nil, nil
	}
	hosts := c.hostList()
	if len(hosts) > 0 && (c.cert != "" || c.key != "") {
		return nil, usagef("serve: --https and --tls-cert/--tls-key exclude each other")
	}
	if len(hosts) == 0 && (c.cert == "" || c.key == "") {
		return nil, usagef("serve: --tls-cert and --tls-key go together")
	}
	if c.httpAddr != "off" {
		if _, _, err := net.SplitHostPort(c.httpAddr); err != nil {
			return nil, usagef("serve: bad --http-addr %q: %v", c.httpAddr, err)
		}
	}
	cache := c.cache
	if cache == "" && len(hosts) > 0 {
		if db.IsPostgres(dbPath) {
			return nil, usagef("serve: --https with a PostgreSQL database needs --cert-cache DIR")
		}
		cache = filepath.Join(filepath.Dir(dbPath), "certs")
	}
	_, port, _ := net.SplitHostPort(addr)
	ts, err := tlsserve.New(tlsserve.Config{Hosts: hosts, CacheDir: cache, DirectoryURL: c.directory, Email: c.email,
		CertFile: c.cert, KeyFile: c.key, HTTPSPort: port, Log: slog.New(slog.NewJSONHandler(os.Stderr, nil))})
	if err != nil {
		return nil, usagef("serve: %v", err)
	}
	return ts, nil
}

// baseURL is the shop's HTTPS address for links in mail: the first --https name, or
// the --addr host for operator certificates.
func (c *tlsFlags) baseURL(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if hosts := c.hostList(); len(hosts) > 0 {
		host = hosts[0]
	} else if host == "" || net.ParseIP(host) != nil && net.ParseIP(host).IsUnspecified() {
		host = "localhost"
	}
	if port == "443" {
		return "https://" + host
	}
	return "https://" + net.JoinHostPort(host, port)
}

// listenPlain starts the plain-HTTP side (challenges, redirect) unless --http-addr off.
func (c *tlsFlags) listenPlain(ts *tlsserve.Server, log *slog.Logger, errc chan<- error) (*http.Server, error) {
	if c.httpAddr == "off" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", c.httpAddr)
	if err != nil {
		return nil, err
	}
	hs := web.NewHTTPServer(ts.HTTPHandler(), web.DefaultTimeouts, log)
	hs.Addr = ln.Addr().String()
	go func() {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return hs, nil
}
