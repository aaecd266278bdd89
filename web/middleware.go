package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"shopauth/auth"
)

type requestStateKey struct{}

// requestState is per-request data the log line is made of, and the response's
// recorder: one allocation for both.
type requestState struct {
	id    string
	idHdr [1]string // the X-Request-Id header's value, id
	rec   statusRecorder
	mu    sync.Mutex
	attrs []slog.Attr
	buf   [2]slog.Attr // room for the attributes most requests add (uid, operation)
}

func requestID(ctx context.Context) string {
	if st, ok := ctx.Value(requestStateKey{}).(*requestState); ok {
		return st.id
	}
	return ""
}

// setLogAttr adds an attribute to the request's log line.
func setLogAttr(ctx context.Context, a slog.Attr) {
	if st, ok := ctx.Value(requestStateKey{}).(*requestState); ok {
		st.mu.Lock()
		st.attrs = append(st.attrs, a)
		st.mu.Unlock()
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// securityHeaders is what setSecurityHeaders sets, made once: withRequest puts its
// values in every response's header map without building them again. The value
// slices are shared, so they are full (an append copies) and nothing writes into them.
var securityHeaders = func() http.Header {
	h := http.Header{}
	setSecurityHeaders(h)
	for k, v := range h {
		h[k] = slices.Clip(v)
	}
	return h
}()

// withRequest gives each request an id, recovers panics, and writes one log line
// (never headers or bodies, so no token or password reaches the log).
func (s *Server) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &requestState{id: newRequestID()}
		st.attrs = st.buf[:0]
		ctx := context.WithValue(r.Context(), requestStateKey{}, st)
		if a := s.limits.clientAddr(r); a.IsValid() {
			ctx = auth.WithRemoteAddr(ctx, a.String())
		}
		rec := &st.rec
		rec.ResponseWriter = w
		start := time.Now()
		h := rec.Header()
		// What Header.Set would do, with keys already canonical and no new slices.
		st.idHdr[0] = st.id
		h["X-Request-Id"] = st.idHdr[:]
		for k, v := range securityHeaders {
			h[k] = v
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(ctx, "handler panic", "request_id", st.id, "panic", v)
				if rec.status == 0 {
					writeJSON(rec, http.StatusInternalServerError, map[string]string{"message": auth.MsgInternal})
				}
			}
			s.metrics.observeRequest(r.Pattern, rec.status)
			if s.cfg.LogRequests {
				attrs := []slog.Attr{slog.String("request_id", st.id), slog.String("method", r.Method),
					slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
					slog.Duration("duration", time.Since(start)), slog.String("remote", r.RemoteAddr)}
				if r.Header.Get("X-Forwarded-For") != "" && s.limits.isTrusted(s.limits.peer(r)) {
					// Behind a trusted proxy, name the client it forwarded for too.
					attrs = append(attrs, slog.String("client", s.limits.clientAddr(r).String()))
				}
				st.mu.Lock()
				attrs = append(attrs, st.attrs...)
				st.mu.Unlock()
				s.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
			}
		}()
		r = r.WithContext(ctx)
		next.ServeHTTP(rec, r)
	})
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header. Like
// Magento, a header that is not exactly two space-separated parts with the scheme
// "bearer" (any case) is ignored.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || strings.Contains(tok, " ") || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	return tok, true
}

// authenticate finds the request's principal from its bearer token (or, for GraphQL
// POSTs, its session). A bad token is an error even when the query needs no user.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (context.Context, *auth.Error) {
	ctx := r.Context()
	if tok, ok := bearerToken(r); ok {
		p, err := s.svc.VerifyToken(tok)
		s.metrics.observeVerification(err)
		if err != nil {
			var ae *auth.Error
			if asAuthError(err, &ae) {
				return ctx, ae
			}
			return ctx, auth.ErrTokenUnreadable
		}
		setLogAttr(ctx, slog.Int64("uid", p.UserID))
		return auth.WithPrincipal(ctx, p), nil
	}
	if p := s.sessionPrincipal(w, r); p != nil {
		return auth.WithPrincipal(ctx, p), nil
	}
	return ctx, nil
}

func asAuthError(err error, target **auth.Error) bool {
	ae, ok := err.(*auth.Error)
	if ok {
		*target = ae
	}
	return ok
}
