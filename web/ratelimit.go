package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimits keeps a token bucket per client address and kind of request
// (sign-in, password reset), so one address cannot hammer those routes. The bucket that
// counts is the database's (shared), so several instances behind one proxy give an
// address one budget; the one in memory is a pre-filter that refuses a flood without
// a database write per request.
type rateLimits struct {
	// shared takes n from the database's bucket key; nil: memory only.
	shared  func(key string, perMinute, n int) bool
	trusted []netip.Prefix
	mu      sync.Mutex
	buckets map[bucketKey]*bucket
	swept   time.Time
}

type bucketKey struct {
	kind string
	addr netip.Addr
}

type bucket struct {
	lim      *rate.Limiter
	perMin   int
	lastSeen time.Time
}

func newRateLimits(trusted []netip.Prefix) *rateLimits {
	return &rateLimits{trusted: trusted, buckets: map[bucketKey]*bucket{}}
}

func (l *rateLimits) isTrusted(a netip.Addr) bool {
	for _, p := range l.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr is the peer address, or, when the peer is a trusted proxy, the nearest
// untrusted address in X-Forwarded-For. A forwarded header from anyone else is ignored.
// peer is the address of the connection's other end.
func (l *rateLimits) peer(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return addr.Unmap()
}

func (l *rateLimits) clientAddr(r *http.Request) netip.Addr {
	addr := l.peer(r)
	if !addr.IsValid() || !l.isTrusted(addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr // garbage: stop at the last address we can trust
		}
		hop = hop.Unmap()
		if !l.isTrusted(hop) {
			return hop
		}
		addr = hop
	}
	return addr
}

// bucketAddr is the part of an address that identifies one client: an IPv6 host
// usually owns a whole /64 and could step through it to get a fresh bucket per guess.
func bucketAddr(a netip.Addr) netip.Addr {
	if a.Is6() && !a.Is4In6() {
		if p, err := a.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return a
}

// allow takes n tokens from the bucket of kind for addr; perMinute <= 0 means no limit.
// A request asking for more than a minute's worth is refused whole.
func (l *rateLimits) allow(kind string, addr netip.Addr, perMinute, n int, now time.Time) bool {
	if perMinute <= 0 {
		return true
	}
	if !l.allowLocal(kind, addr, perMinute, n, now) {
		return false
	}
	return l.shared == nil || l.shared(kind+" "+bucketAddr(addr).String(), perMinute, n)
}

func (l *rateLimits) allowLocal(kind string, addr netip.Addr, perMinute, n int, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.lastSeen) > 2*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	k := bucketKey{kind, bucketAddr(addr)}
	b := l.buckets[k]
	if b == nil || b.perMin != perMinute {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(perMinute)/60), perMinute), perMin: perMinute}
		l.buckets[k] = b
	}
	b.lastSeen = now
	return b.lim.AllowN(now, n)
}
