package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"shopauth/auth"
)

// metrics are the server's Prometheus series. Each server has its own registry,
// so tests can run several servers in one process.
type metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	signIns       *prometheus.CounterVec
	lockouts      prometheus.Counter
	verifications *prometheus.CounterVec
	rateLimited   *prometheus.CounterVec
}

func newMetrics(svc *auth.Service) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shopauth_http_requests_total",
			Help: "HTTP requests by route and status."}, []string{"route", "status"}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shopauth_signins_total",
			Help: "Sign-in attempts by user type and result."}, []string{"user_type", "result"}),
		lockouts: prometheus.NewCounter(prometheus.CounterOpts{Name: "shopauth_lockouts_total",
			Help: "Accounts locked after too many wrong passwords."}),
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shopauth_token_verifications_total",
			Help: "Bearer token checks by result."}, []string{"result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "shopauth_rate_limited_total",
			Help: "Requests refused by the per-address rate limit."}, []string{"route"}),
	}
	m.registry.MustRegister(m.requests, m.signIns, m.lockouts, m.verifications, m.rateLimited,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "shopauth_hash_queue_length",
			Help: "Password hashes waiting for a free slot."}, func() float64 { return float64(svc.Hasher.Waiting()) }),
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// observeEvent turns domain events into counters.
func (m *metrics) observeEvent(event string) {
	typ, result, ok := strings.Cut(event, ".")
	if !ok {
		return
	}
	switch result {
	case "signin":
		m.signIns.WithLabelValues(typ, "success").Inc()
	case "signin_failed":
		m.signIns.WithLabelValues(typ, "failed").Inc()
	case "signin_locked":
		m.signIns.WithLabelValues(typ, "locked").Inc()
	case "signin_throttled":
		m.signIns.WithLabelValues(typ, "throttled").Inc()
	case "locked":
		m.lockouts.Inc()
	}
}

func (m *metrics) observeRequest(route string, status int) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

func (m *metrics) observeVerification(err error) {
	switch err {
	case nil:
		m.verifications.WithLabelValues("ok").Inc()
	case auth.ErrTokenExpired:
		m.verifications.WithLabelValues("expired").Inc()
	case auth.ErrTokenRevoked:
		m.verifications.WithLabelValues("revoked").Inc()
	default:
		m.verifications.WithLabelValues("unreadable").Inc()
	}
}
