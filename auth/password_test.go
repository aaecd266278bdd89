package auth

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"shopauth/internal/testkit"
)

const salt32 = "abcdefghijklmnopqrstuvwxyz012345"

func md5hex(s string) string    { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
func sha256hex(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
func argonRef(data, salt string, ops, kib, keyLen uint32) string {
	return hex.EncodeToString(argon2.IDKey([]byte(data), []byte(salt[:16]), ops, kib, 1, keyLen))
}

func TestVerifyMagentoVersions(t *testing.T) {
	h := NewHasher(CheapHashParams, 0, rand.Reader)
	ctx := context.Background()
	pw := "Secret-123"
	cheap := argonRef(pw, salt32, 1, 64, 32)
	cases := []struct {
		name, stored string
		rehash       bool
	}{
		{"md5", md5hex(salt32+pw) + ":" + salt32 + ":0", true},
		{"sha256", sha256hex(salt32+pw) + ":" + salt32 + ":1", true},
		{"argon2id cheap (current)", cheap + ":" + salt32 + ":3_32_1_65536", false},
		{"chain sha256 then argon2id", argonRef(sha256hex(salt32+pw), salt32, 1, 64, 32) + ":" + salt32 + ":1:3_32_1_65536", true},
		{"chain md5 then sha256", sha256hex(salt32+md5hex(salt32+pw)) + ":" + salt32 + ":0:1", true},
		{"uppercase hex", strings.ToUpper(md5hex(salt32+pw)) + ":" + salt32 + ":0", true},
	}
	for _, c := range cases {
		ok, rehash, err := h.Verify(ctx, pw, c.stored)
		if err != nil || !ok || rehash != c.rehash {
			t.Errorf("%s: ok=%v rehash=%v err=%v", c.name, ok, rehash, err)
		}
		if ok, _, _ := h.Verify(ctx, pw+"x", c.stored); ok {
			t.Errorf("%s: wrong password accepted", c.name)
		}
	}
}

// The real parameters, once: Magento's 3_32_2_67108864.
func TestDefaultParamsRoundTrip(t *testing.T) {
	h := NewHasher(DefaultHashParams, 1, rand.Reader)
	stored, err := h.Hash(context.Background(), "Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(stored, ":")
	if len(parts) != 3 || len(parts[0]) != 64 || len(parts[1]) != 32 || parts[2] != "3_32_2_67108864" {
		t.Fatalf("format %q", stored)
	}
	if parts[0] != argonRef("Passw0rd!", parts[1], 2, 65536, 32) {
		t.Fatal("hash differs from argon2id(pw, salt[:16], t=2, 64 MiB)")
	}
	ok, rehash, err := h.Verify(context.Background(), "Passw0rd!", stored)
	if !ok || rehash || err != nil {
		t.Fatalf("ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	// A cheap-parameter hash verifies but asks to be re-hashed by a default hasher.
	cheap := NewHasher(CheapHashParams, 1, rand.Reader)
	s2, _ := cheap.Hash(context.Background(), "x")
	if ok, rehash, _ := h.Verify(context.Background(), "x", s2); !ok || !rehash {
		t.Fatalf("cheap under default: ok=%v rehash=%v", ok, rehash)
	}
}

func TestMalformedHashes(t *testing.T) {
	h := NewHasher(CheapHashParams, 0, rand.Reader)
	for _, s := range []string{"", "abc", "x:y", "x:y:9", "x:y:3_32_2", "x:y:3_0_2_65536", "x:y:3_32_2_4294967295",
		"x:y:3_32_0_65536", "x:y:3_32_2_65535", ":y:1", "x:y:1:1:1:1:1:1:1:1:1", "x:y:3_32_2_-1", "x:y:3_a_2_65536",
		// Beyond Magento's ranges: never computed (a memory bomb at every sign-in otherwise).
		"x:y:3_32_2_1073741824", "x:y:3_32_2_67109888", "x:y:3_32_5_65536", "x:y:0:1:1:1:1", "x:y:3_32_1_65536:3_32_1_65536:3_32_1_65536"} {
		ok, _, err := h.Verify(context.Background(), "pw", s)
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("%q: ok=%v err=%v", s, ok, err)
		}
	}
}

func FuzzParseHash(f *testing.F) {
	for _, s := range []string{"a:b:0", "a:b:1:3_32_2_67108864", "a:b:2", "x:y:3_32_1_65536", "::", "a:b:3_16_1_8192"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _, steps, err := parseHash(s)
		if err == nil && len(steps) > 4 {
			t.Fatalf("accepted a chain of %d", len(steps))
		}
		if err == nil {
			for _, st := range steps {
				if st.kind == '3' && (st.params.MemBytes > 64<<20 || st.params.Ops > 4 || st.params.KeyLen > 64) {
					t.Fatalf("accepted absurd parameters %+v", st.params)
				}
			}
		}
	})
}

func TestHashQueueBounded(t *testing.T) {
	h := NewHasher(CheapHashParams, 1, rand.Reader)
	h.slots <- struct{}{} // occupy the only slot
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, err := h.Hash(ctx, "pw"); errs <- err }()
	}
	deadline := time.Now().Add(5 * time.Second)
	for h.Waiting() != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("waiting %d, want 3", h.Waiting())
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("queued hash: %v", err)
		}
	}
	<-h.slots
	if _, err := h.Hash(context.Background(), "pw"); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordPolicy(t *testing.T) {
	p := PasswordPolicy{MinLength: 8, MinClasses: 3}
	short := "The password needs at least 8 characters. Create a new password and try again."
	classes := "Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters."
	for pw, want := range map[string]string{
		"Ab1!":          short,
		"abcdefgh":      classes,
		"abcdEFGH":      classes,
		"abcdEF12":      "",
		"abcd12!!":      "",
		"Ab1 cdefg":     "",
		" Abc12345":     "The password can't begin or end with a space. Verify the password and try again.",
		"Ünïcödé1ab":    "",
		"ÄÖÜ\u00e4bc12": "",
	} {
		err := p.Check(pw)
		got := ""
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) || ae.Category != CategoryInput {
				t.Fatalf("%q: %v is not an input error", pw, err)
			}
			got = ae.Message
		}
		if got != want {
			t.Errorf("%q: got %q want %q", pw, got, want)
		}
	}
}

func BenchmarkHashDefault(b *testing.B) {
	h := NewHasher(DefaultHashParams, 0, rand.Reader)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Hash(context.Background(), "Passw0rd!")
		}
	})
}

func BenchmarkVerifyDefault(b *testing.B) {
	h := NewHasher(DefaultHashParams, 0, rand.Reader)
	stored, _ := h.Hash(context.Background(), "Passw0rd!")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Verify(context.Background(), "Passw0rd!", stored)
		}
	})
}

// TestHasherMemoryLimit: the limit serve sets where argon2 memory is on the Go heap is
// the buffers of the hashes that may run at once plus the rest, so more slots or bigger
// buffers raise it.
func TestHasherMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		params HashParams
		limit  int
		want   int64
	}{
		{DefaultHashParams, 2, 2*64<<20 + 24<<20},
		{DefaultHashParams, 4, 4*64<<20 + 24<<20},
		{CheapHashParams, 2, 2*64<<10 + 24<<20},
	} {
		h := NewHasher(c.params, c.limit, nil)
		if h.Concurrency() != c.limit || h.MemoryLimit(24<<20) != c.want {
			t.Errorf("%+v, %d slots: concurrency %d, limit %d, want %d", c.params, c.limit, h.Concurrency(), h.MemoryLimit(24<<20), c.want)
		}
	}
}

// TestAdmitTwiceTheSlots: Admit lets twice the hash slots' requests past, the next
// waits (and counts as waiting) until one is done or its context ends, and a context
// already admitted passes even when the gate is full.
func TestAdmitTwiceTheSlots(t *testing.T) {
	h := NewHasher(CheapHashParams, 2, rand.Reader)
	bg := context.Background()
	var dones []func()
	var admitted []context.Context
	for range 4 {
		ctx, done, err := h.Admit(bg)
		if err != nil {
			t.Fatal(err)
		}
		dones, admitted = append(dones, done), append(admitted, ctx)
	}
	// Admitted once, a request hashes and passes Admit again (the sign-in inside a
	// GraphQL mutation) without waiting for itself.
	ctx, again, err := h.Admit(admitted[0])
	if err != nil || ctx != admitted[0] {
		t.Fatalf("second Admit of an admitted context: %v", err)
	}
	again()
	if _, err := h.Hash(admitted[0], "pw"); err != nil {
		t.Fatal(err)
	}
	// A fifth waits; a canceled one gives up with its context's error.
	canceled, cancel := context.WithCancel(bg)
	gaveUp := make(chan error)
	go func() { _, _, err := h.Admit(canceled); gaveUp <- err }()
	fifth := make(chan func())
	go func() {
		_, done, err := h.Admit(bg)
		if err != nil {
			t.Error(err)
		}
		fifth <- done
	}()
	testkit.WaitFor(t, "two requests waiting", 10*time.Second, func() bool { return h.Waiting() == 2 })
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled Admit: %v", err)
	}
	select {
	case <-fifth:
		t.Fatal("a fifth request was admitted with 4 past the gate")
	default:
	}
	dones[1]()
	(<-fifth)()
	for _, done := range []func(){dones[0], dones[2], dones[3]} {
		done()
	}
	if got := len(h.gate); got != 0 {
		t.Fatalf("%d left past the gate", got)
	}
}
