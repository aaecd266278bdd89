package auth

import (
	"context"
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"shopauth/internal/testkit"
)

func (m *argonMemory) counts() (mapped, created, free int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mapped, m.created, len(m.free)
}

// lastSize is the size of the buffer the next hash gets, or 0.
func (m *argonMemory) lastSize() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.free) == 0 {
		return 0
	}
	return len(m.free[len(m.free)-1].b)
}

// TestArgonMemoryPerSlot: 100 sign-ins at once through 2 hash slots use 2 buffers of
// argon2 memory, reused; once unused for the idle time they go back to the system.
func TestArgonMemoryPerSlot(t *testing.T) {
	params := HashParams{KeyLen: 32, Ops: 1, MemBytes: 256 << 10}
	h := NewHasher(params, 2, rand.Reader)
	ctx := context.Background()
	stored, err := h.Hash(ctx, "Secret-123")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.memory.lastSize(); got != 256<<10 {
		t.Fatalf("buffer of %d bytes, want %d", got, 256<<10)
	}
	h.memory.mu.Lock()
	h.memory.idle = 50 * time.Millisecond // from the next check of the timer on
	h.memory.mu.Unlock()
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := range 100 {
		wg.Go(func() {
			pw := "Secret-123"
			if i%2 == 1 {
				pw = "wrong"
			}
			ok, _, err := h.Verify(ctx, pw, stored)
			if err != nil || ok != (i%2 == 0) {
				errs <- pw
			}
		})
	}
	wg.Wait()
	close(errs)
	for pw := range errs {
		t.Errorf("Verify(%q) wrong under concurrency", pw)
	}
	if mapped, created, _ := h.memory.counts(); created > 2 || mapped > 2 {
		t.Errorf("%d buffers made, %d mapped; want at most 2 (the slots)", created, mapped)
	}
	if got := h.Computations(); got != 101 {
		t.Errorf("%d computations, want 101", got)
	}
	testkit.WaitFor(t, "the idle buffers to be freed", 10*time.Second, func() bool {
		mapped, _, free := h.memory.counts()
		return mapped == 0 && free == 0
	})
	// Memory freed is mapped again on the next hash, and the result is the same.
	if ok, _, err := h.Verify(ctx, "Secret-123", stored); !ok || err != nil {
		t.Fatalf("after the buffers were freed: %v %v", ok, err)
	}
	if mapped, created, _ := h.memory.counts(); mapped != 1 || created > 3 {
		t.Errorf("after freeing: %d mapped, %d made", mapped, created)
	}
}

// TestArgonMemoryLargerHash: a stored hash that needs more memory than the hasher's
// own parameters gets a buffer large enough, and the answers stay right both ways.
func TestArgonMemoryLargerHash(t *testing.T) {
	h := NewHasher(CheapHashParams, 1, rand.Reader)
	ctx := context.Background()
	pw := "Secret-123"
	big := argonRef(pw, salt32, 1, 1024, 32) + ":" + salt32 + ":3_32_1_1048576"
	small := argonRef(pw, salt32, 1, 64, 32) + ":" + salt32 + ":3_32_1_65536"
	for range 2 {
		for _, stored := range []string{small, big, small} {
			if ok, _, err := h.Verify(ctx, pw, stored); !ok || err != nil {
				t.Fatalf("%s: %v %v", stored[len(stored)-14:], ok, err)
			}
			if ok, _, _ := h.Verify(ctx, "wrong", stored); ok {
				t.Fatalf("%s: a wrong password matched", stored[len(stored)-14:])
			}
		}
	}
	if mapped, _, _ := h.memory.counts(); mapped != 1 {
		t.Errorf("%d buffers mapped, want 1 (one slot)", mapped)
	}
	if got := h.memory.lastSize(); got != 1<<20 {
		t.Errorf("the slot's buffer is %d bytes, want 1 MiB (the largest asked)", got)
	}
}
