package auth

import (
	"sync"
	"time"

	"shopauth/internal/offheap"
)

// argonIdle is how long working memory no hash uses is kept before it goes back to
// the system: under steady sign-ins the same buffers serve one hash after another,
// and a quiet server holds none.
const argonIdle = time.Second

// argonMemory is the argon2 working memory of the hashes that run at once (64 MiB
// each at Magento's parameters), kept outside the Go heap and reused. Allocating it
// per hash, as argon2.IDKey does, left 64 MiB of garbage per sign-in: the collector
// ran once or twice per hash and the heap stayed above the blocks in use.
type argonMemory struct {
	size    int           // bytes of each buffer: the largest the Hasher's own parameters need
	idle    time.Duration // argonIdle; tests shorten it
	mu      sync.Mutex
	free    []idleBuffer // most recently used last
	timer   *time.Timer  // set while free is not empty
	mapped  int          // buffers allocated and not freed, for tests
	created int          // buffers ever allocated, for tests
}

type idleBuffer struct {
	b     []byte
	since time.Time
}

// get returns a buffer of at least n bytes: the one used last if it is large enough.
func (m *argonMemory) get(n int) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k := len(m.free); k > 0 {
		b := m.free[k-1].b
		m.free = m.free[:k-1]
		if len(b) >= n {
			return b
		}
		offheap.Free(b)
		m.mapped--
	}
	m.mapped++
	m.created++
	return offheap.Alloc(max(n, m.size))
}

// put hands a buffer back; it is freed once unused for m.idle.
func (m *argonMemory) put(b []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.free = append(m.free, idleBuffer{b, time.Now()})
	if m.timer == nil {
		m.timer = time.AfterFunc(m.idle, m.trim)
	}
}

// trim frees the buffers unused for m.idle and waits for the others.
func (m *argonMemory) trim() {
	m.mu.Lock()
	defer m.mu.Unlock()
	cut := time.Now().Add(-m.idle)
	keep := m.free[:0]
	for _, f := range m.free {
		if f.since.After(cut) {
			keep = append(keep, f)
			continue
		}
		offheap.Free(f.b)
		m.mapped--
	}
	clear(m.free[len(keep):])
	m.free = keep
	if len(keep) == 0 {
		m.timer = nil
		return
	}
	m.timer.Reset(time.Until(keep[0].since.Add(m.idle)))
}
