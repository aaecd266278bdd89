package db

import (
	"context"
	"sync/atomic"
	"time"
)

// Clock is the time by the database: this process's clock plus its offset to the
// database server's, so that instances on machines whose clocks differ still date
// tokens and revocations on one timeline (a token issued on a machine 300 ms ahead
// would otherwise outlive a sign-out made on one behind). SQLite is on this machine:
// there the offset is 0.
type Clock struct {
	// Local is this process's clock (time.Now; tests move it).
	Local  func() time.Time
	offset atomic.Int64 // ns to add to Local
}

// Now is the database's time as best known here.
func (c *Clock) Now() time.Time { return c.Local().Add(time.Duration(c.offset.Load())) }

// Offset is what Now adds to the local clock.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Clock returns the database's clock (see MeasureClock).
func (d *DB) Clock() *Clock { return &d.clock }

// MeasureClock reads the database server's clock three times and keeps the offset of
// the quickest round trip, which is off by at most half that round trip (returned as
// uncertainty). serve calls it at start and every minute.
func (d *DB) MeasureClock(ctx context.Context) (offset, uncertainty time.Duration, err error) {
	if d.dl.name != "postgres" {
		return 0, 0, nil
	}
	best := time.Duration(-1)
	for range 3 {
		t0 := d.clock.Local()
		var us int64
		if err := d.read.QueryRowContext(ctx, `SELECT CAST(floor(extract(epoch FROM clock_timestamp()) * 1000000) AS BIGINT)`).Scan(&us); err != nil {
			return 0, 0, err
		}
		t1 := d.clock.Local()
		rtt := t1.Sub(t0)
		if best >= 0 && rtt >= best {
			continue
		}
		best = rtt
		mid := t0.Add(rtt / 2)
		offset = time.UnixMicro(us).Sub(mid)
	}
	d.clock.offset.Store(int64(offset))
	return offset, best / 2, nil
}
