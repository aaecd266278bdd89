package db

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

const minuteMicros = int64(time.Minute / time.Microsecond)

// TakeRate takes n requests from the bucket named key, which holds perMinute requests
// and refills evenly over a minute, and reports whether it had them; n more than a
// minute's worth is refused whole. One statement (GCRA: the bucket is the time at
// which it would be full again), so instances sharing the database share the budget
// and parallel requests can never overdraw it.
func (d *DB) TakeRate(ctx context.Context, key string, perMinute, n int, now time.Time) (bool, error) {
	if perMinute <= 0 {
		return true, nil
	}
	if n > perMinute {
		return false, nil
	}
	nowUs := now.UnixMicro()
	cost := int64(n) * minuteMicros / int64(perMinute)
	d.pruneRateLimits(ctx, nowUs)
	var tat int64
	err := d.write.QueryRowContext(ctx, `INSERT INTO rate_limit (bucket, tat_us) VALUES ($1, $2)
		ON CONFLICT (bucket) DO UPDATE SET
			tat_us = CASE WHEN rate_limit.tat_us > $3 THEN rate_limit.tat_us ELSE $3 END + $4
		WHERE CASE WHEN rate_limit.tat_us > $3 THEN rate_limit.tat_us ELSE $3 END + $4 <= $5
		RETURNING tat_us`, key, nowUs+cost, nowUs, cost, nowUs+minuteMicros).Scan(&tat)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// pruneRateLimits drops full buckets, at most once a minute per process.
func (d *DB) pruneRateLimits(ctx context.Context, nowUs int64) {
	last := d.rateSwept.Load()
	if nowUs-last < minuteMicros || !d.rateSwept.CompareAndSwap(last, nowUs) {
		return
	}
	d.write.ExecContext(ctx, `DELETE FROM rate_limit WHERE tat_us < $1`, nowUs)
}
