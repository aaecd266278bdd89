package auth

import (
	crand "crypto/rand"
	"math/rand/v2"
	"testing"
	"time"

	"shopauth/internal/clockcache"
)

// TestVerifiedCache: a token served from the verified cache is still checked against
// revocations (its user's own, and for a token an admin got, the customer's consent and
// the admin's) and its expiry on every use; a key change forgets every token; more tokens
// than the cache holds leave it full, not empty; the cache's compact claims are the
// claims read.
func TestVerifiedCache(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := now
	tk := NewTokens(func() time.Time { return clock }, crand.Reader, NewRevocationList())
	tk.SetKey(testCryptKey)
	own, _, _ := tk.Issue(UserTypeCustomer, 5, 0, time.Hour)
	assisted, want, _ := tk.Issue(UserTypeCustomer, 6, 9, time.Hour)
	for range 2 {
		if c, err := tk.Verify(assisted); err != nil || c != want {
			t.Fatalf("assisted token: %+v %v, want %+v", c, err, want)
		}
		if _, err := tk.Verify(own); err != nil {
			t.Fatal(err)
		}
	}
	if tk.verified.Len() != 2 {
		t.Fatalf("%d tokens cached", tk.verified.Len())
	}
	tk.Revocations().Apply(Revocation{UserType: UserTypeCustomer, UserID: 5, BeforeMicro: tk.NowMicro()})
	if _, err := tk.Verify(own); err != ErrTokenRevoked {
		t.Fatalf("a cached token after its user's sign-out: %v", err)
	}
	tk.Revocations().Apply(Revocation{UserType: RevokeAssistedBy, UserID: 9, BeforeMicro: tk.NowMicro()})
	if _, err := tk.Verify(assisted); err != ErrTokenRevoked {
		t.Fatalf("a cached assisted token after its admin was revoked: %v", err)
	}
	fresh, _, _ := tk.Issue(UserTypeCustomer, 7, 0, time.Hour)
	tk.Verify(fresh)
	clock = now.Add(2 * time.Hour)
	if _, err := tk.Verify(fresh); err != ErrTokenExpired {
		t.Fatalf("a cached token past its exp: %v", err)
	}
	clock = now
	tk.SetKey("another key entirely, 32 bytes long!")
	if tk.verified.Len() != 0 {
		t.Fatalf("%d tokens cached after a key change", tk.verified.Len())
	}
	if _, err := tk.Verify(fresh); err != ErrTokenUnreadable {
		t.Fatalf("a token of the old key: %v", err)
	}
	// Bounded, never emptied: 3 times the capacity of a small cache (2 shards of 32, full
	// once each had 32 of the random digests: after 160, all but surely).
	tk.verified = clockcacheForTest(64)
	for i := range 192 {
		tok, _, _ := tk.Issue(UserTypeCustomer, int64(100+i), 0, time.Hour)
		if _, err := tk.Verify(tok); err != nil {
			t.Fatal(err)
		}
		if l := tk.verified.Len(); l > 64 || (i >= 160 && l != 64) {
			t.Fatalf("after %d tokens: %d cached, capacity 64", i+1, l)
		}
	}
}

func clockcacheForTest(capacity int) *clockcache.Cache[tokenDigest, verifiedClaims] {
	return clockcache.New[tokenDigest, verifiedClaims](capacity, 2, hashDigest)
}

// BenchmarkTokenVerifyDistinct verifies tokens spread over 100,000 distinct customers
// (one token each), all seen before: the verified cache should hold them all.
func BenchmarkTokenVerifyDistinct(b *testing.B) {
	tk := newTestTokens(time.Now())
	const n = 100000
	toks := make([]string, n)
	for i := range toks {
		var err error
		if toks[i], _, err = tk.Issue(UserTypeCustomer, int64(i+1), 0, time.Hour); err != nil {
			b.Fatal(err)
		}
		tk.Revocations().Apply(Revocation{UserType: UserTypeCustomer, UserID: int64(i + 1), BeforeMicro: 1})
	}
	for _, tok := range toks { // warm
		if _, err := tk.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 2))
		for pb.Next() {
			if _, err := tk.Verify(toks[r.IntN(n)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
