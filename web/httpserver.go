package web

import (
	"log/slog"
	"net/http"
	"time"
)

// Timeouts bound how long a client may hold a connection.
type Timeouts struct {
	ReadHeader time.Duration
	Read       time.Duration
	Write      time.Duration
	Idle       time.Duration
}

// DefaultTimeouts stop slow clients (slowloris) without cutting off real ones.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second, Idle: 120 * time.Second}

// MaxHeaderBytes bounds request headers; a bigger header gets 431.
const MaxHeaderBytes = 64 << 10

// NewHTTPServer wraps h in an http.Server with shopauth's limits.
func NewHTTPServer(h http.Handler, t Timeouts, log *slog.Logger) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write,
		IdleTimeout: t.Idle, MaxHeaderBytes: MaxHeaderBytes, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}
