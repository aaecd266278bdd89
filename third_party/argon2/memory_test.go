package argon2

import (
	"bytes"
	"fmt"
	"testing"
	"unsafe"

	upstream "golang.org/x/crypto/argon2"
)

// TestIDKeyWithMemoryMatchesUpstream: a key computed in reused memory that starts out
// full of another computation's state, or of 0xff, is the unpatched package's key.
func TestIDKeyWithMemoryMatchesUpstream(t *testing.T) {
	cases := []struct {
		time, memory uint32
		threads      uint8
		keyLen       uint32
	}{
		{1, 8, 1, 16}, {1, 64, 1, 32}, {2, 64, 1, 32}, {3, 256, 1, 32},
		{2, 1024, 1, 32}, {1, 64, 4, 32}, {3, 257, 3, 64}, {4, 4096, 1, 32},
		{2, 100, 2, 24}, {1, 9, 1, 32}, // rounded down, and raised to 8*threads
	}
	dirty := make([]byte, MemorySize(8192, 4))
	for i := range dirty {
		dirty[i] = 0xff
	}
	for i, c := range cases {
		password := []byte(fmt.Sprintf("password %d", i))
		salt := []byte("somesaltsomesalt")
		want := upstream.IDKey(password, salt, c.time, c.memory, c.threads, c.keyLen)
		for round := range 3 { // 0: 0xff, then what the last computation left
			got := IDKeyWithMemory(dirty, password, salt, c.time, c.memory, c.threads, c.keyLen)
			if !bytes.Equal(got, want) {
				t.Errorf("%+v round %d: %x, want %x", c, round, got, want)
			}
		}
		if got := IDKey(password, salt, c.time, c.memory, c.threads, c.keyLen); !bytes.Equal(got, want) {
			t.Errorf("%+v IDKey: %x, want %x", c, got, want)
		}
		if got, want := Key(password, salt, c.time, c.memory, c.threads, c.keyLen), upstream.Key(password, salt, c.time, c.memory, c.threads, c.keyLen); !bytes.Equal(got, want) {
			t.Errorf("%+v Key: %x, want %x", c, got, want)
		}
	}
}

// TestIDKeyWithMemoryUsesOnlyMemorySize: the computation writes no byte past
// MemorySize, and MemorySize is upstream's rounding.
func TestIDKeyWithMemoryUsesOnlyMemorySize(t *testing.T) {
	for _, c := range []struct {
		memory  uint32
		threads uint8
		want    int
	}{{64, 1, 64 << 10}, {65, 1, 64 << 10}, {3, 1, 8 << 10}, {100, 3, 96 << 10}, {65536, 1, 64 << 20}} {
		if got := MemorySize(c.memory, c.threads); got != c.want {
			t.Errorf("MemorySize(%d, %d) = %d, want %d", c.memory, c.threads, got, c.want)
		}
	}
	n := MemorySize(65, 1)
	mem := make([]byte, n+4096)
	for i := range mem {
		mem[i] = 0xa5
	}
	IDKeyWithMemory(mem, []byte("p"), []byte("somesaltsomesalt"), 2, 65, 1, 32)
	for i, b := range mem[n:] {
		if b != 0xa5 {
			t.Fatalf("byte %d past MemorySize written", n+i)
		}
	}
}

func TestIDKeyWithMemoryRefusesBadMemory(t *testing.T) {
	mustPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r != want {
				t.Errorf("%s: panic %v, want %q", name, r, want)
			}
		}()
		f()
	}
	mustPanic("short", "argon2: working memory smaller than MemorySize", func() {
		IDKeyWithMemory(make([]byte, MemorySize(64, 1)-1), []byte("p"), []byte("somesaltsomesalt"), 1, 64, 1, 32)
	})
	buf := make([]byte, MemorySize(64, 1)+8)
	odd := buf[1:]
	if uintptr(unsafe.Pointer(&odd[0]))%8 == 0 {
		odd = buf[2:]
	}
	mustPanic("misaligned", "argon2: working memory not 8-byte aligned", func() {
		IDKeyWithMemory(odd, []byte("p"), []byte("somesaltsomesalt"), 1, 64, 1, 32)
	})
}

// BenchmarkIDKeyMemory compares a fresh 64 MiB per key (IDKey) with one buffer reused.
func BenchmarkIDKeyMemory(b *testing.B) {
	password, salt := []byte("password"), []byte("somesaltsomesalt")
	b.Run("alloc", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			IDKey(password, salt, 2, 64<<10, 1, 32)
		}
	})
	b.Run("reused", func(b *testing.B) {
		b.ReportAllocs()
		mem := make([]byte, MemorySize(64<<10, 1))
		for b.Loop() {
			IDKeyWithMemory(mem, password, salt, 2, 64<<10, 1, 32)
		}
	})
}
