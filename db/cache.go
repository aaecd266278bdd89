package db

import (
	"context"
	"sync"

	"shopauth/auth"
)

// customerCache keeps customers read by id, the read behind every authenticated
// request. Local writes drop entries at once; writes by other processes are noticed
// through change_counter by RefreshCache (called every 250 ms by the service).
type customerCache struct {
	mu  sync.RWMutex
	m   map[int64]*auth.Customer
	gen uint64 // bumped by every local change, so a read that raced a write is not kept
	seq int64  // change_counter value the entries are valid for
}

const customerCacheMax = 20000

func (c *customerCache) get(id int64) (*auth.Customer, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if cu := c.m[id]; cu != nil {
		cp := *cu
		return &cp, c.gen
	}
	return nil, c.gen
}

func (c *customerCache) put(cu *auth.Customer, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.m == nil || len(c.m) >= customerCacheMax {
		c.m = map[int64]*auth.Customer{}
	}
	cp := *cu
	c.m[cu.ID] = &cp
}

// changed drops everything; called after any local write to customer rows.
func (c *customerCache) changed() {
	c.mu.Lock()
	c.gen++
	c.m = nil
	c.mu.Unlock()
}

// RefreshCache drops cached customers when another process changed any.
func (d *DB) RefreshCache(ctx context.Context) error {
	var seq int64
	if err := d.read.QueryRowContext(ctx, `SELECT seq FROM change_counter WHERE name = 'customer'`).Scan(&seq); err != nil {
		return err
	}
	d.cache.mu.Lock()
	if seq != d.cache.seq {
		d.cache.gen++
		d.cache.m = nil
		d.cache.seq = seq
	}
	d.cache.mu.Unlock()
	return nil
}
