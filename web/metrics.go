package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"shopauth/auth"
)

// metrics are the server's Prometheus series. Each server has its own registry,
// so tests can run several servers in one process.
//
// /metrics is public, so it tells no more than a client's own answers do: every sign-in
// failure is "failed", whether the email is unknown, the password wrong or the account
// locked (all three get the same message), and account locks are not counted here
// (they are in the audit log, customer.locked / admin.locked). A lock, or a
// result="locked", happens only to accounts that exist: watching either after a few
// wrong passwords told a guest which emails have accounts.
type metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	signIns       *prometheus.CounterVec
	verifications *prometheus.CounterVec
	rateLimited   *prometheus.CounterVec

	// The counters every request touches, kept once made: WithLabelValues hashes and
	// compares its labels (and the status is formatted) on every call. A series still
	// appears only once counted.
	mu         sync.RWMutex
	requestsBy map[routeStatus]prometheus.Counter
	verifiedOK atomic.Pointer[prometheus.Counter]
}

type routeStatus struct {
	route  string
	status int
}

func newMetrics(svc *auth.Service) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shopauth_http_requests_total",
			Help: "HTTP requests by route and status."}, []string{"route", "status"}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shopauth_signins_total",
			Help: "Sign-in attempts by user type and result: success, failed (unknown user, wrong password or locked account alike) or throttled."},
			[]string{"user_type", "result"}),
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shopauth_token_verifications_total",
			Help: "Bearer token checks by result."}, []string{"result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shopauth_rate_limited_total",
			Help: "Requests refused by the per-address rate limit."}, []string{"route"}),
	}
	m.registry.MustRegister(m.requests, m.signIns, m.verifications, m.rateLimited,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "shopauth_hash_queue_length",
			Help: "Requests waiting to hash a password (for admission or for a free slot)."}, func() float64 { return float64(svc.Hasher.Waiting()) }),
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// observeEvent turns domain events into counters. Only the distinctions a client can
// see are kept: the per-username throttle (unknown names are throttled too) and
// success; every other signin_* result, present or future, counts as failed.
func (m *metrics) observeEvent(event string) {
	typ, result, ok := strings.Cut(event, ".")
	if !ok {
		return
	}
	switch {
	case result == "signin":
		m.signIns.WithLabelValues(typ, "success").Inc()
	case result == "signin_throttled":
		m.signIns.WithLabelValues(typ, "throttled").Inc()
	case strings.HasPrefix(result, "signin_"):
		m.signIns.WithLabelValues(typ, "failed").Inc()
	}
}

func (m *metrics) observeRequest(route string, status int) {
	if route == "" {
		route = "unmatched"
	}
	key := routeStatus{route, status}
	m.mu.RLock()
	c, ok := m.requestsBy[key]
	m.mu.RUnlock()
	if !ok {
		c = m.requests.WithLabelValues(route, strconv.Itoa(status))
		m.mu.Lock()
		if m.requestsBy == nil {
			m.requestsBy = map[routeStatus]prometheus.Counter{}
		}
		if len(m.requestsBy) < 1000 { // routes are fixed patterns, statuses few
			m.requestsBy[key] = c
		}
		m.mu.Unlock()
	}
	c.Inc()
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

func (m *metrics) observeVerification(err error) {
	switch err {
	case nil:
		c := m.verifiedOK.Load()
		if c == nil {
			ok := m.verifications.WithLabelValues("ok")
			c = &ok
			m.verifiedOK.Store(c)
		}
		(*c).Inc()
	case auth.ErrTokenExpired:
		m.verifications.WithLabelValues("expired").Inc()
	case auth.ErrTokenRevoked:
		m.verifications.WithLabelValues("revoked").Inc()
	default:
		m.verifications.WithLabelValues("unreadable").Inc()
	}
}
