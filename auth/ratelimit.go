package auth

import (
	"context"
	"time"
)

// RateLimitStore keeps the per-client request budgets (sign-in, password reset) that
// every instance of the service shares. Implemented by db.
type RateLimitStore interface {
	// TakeRate takes n requests from the bucket key, which holds perMinute requests
	// refilled evenly over a minute, atomically; it reports whether the bucket had them.
	TakeRate(ctx context.Context, key string, perMinute, n int, now time.Time) (bool, error)
}

// AllowRate takes n requests from the shared bucket key at the service's clock. When the
// database cannot answer, the request is allowed and the error logged: the request
// itself then meets the same database, and refusing it would hide the outage behind a
// "too many requests".
func (s *Service) AllowRate(ctx context.Context, key string, perMinute, n int) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ok, err := s.RateLimits.TakeRate(ctx, key, perMinute, n, s.Now())
	if err != nil {
		s.Log.ErrorContext(ctx, "rate limit", "bucket", key, "err", err)
		return true
	}
	return ok
}
