package storetest

import (
	"crypto/rand"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
)

// testSigningKeys: a key added through one handle is seen by the other (and moves the
// version); each addition retires every key that signed before it, in the same
// transaction, so 100 parallel rotations over two handles leave exactly one signing key.
func testSigningKeys(t *testing.T, a, b *db.DB) {
	now := time.Unix(1700000000, 0)
	v0, err := b.SigningKeysVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k1, err := auth.NewSigningKey(auth.AlgEdDSA, rand.Reader, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddSigningKey(ctx, k1, 0); err != nil {
		t.Fatal(err)
	}
	if v1, _ := b.SigningKeysVersion(ctx); v1 == v0 {
		t.Fatal("version unchanged after a key was added")
	}
	keys, err := b.SigningKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0] != k1 {
		t.Fatalf("keys %+v %v, want %+v", keys, err, k1)
	}
	k2, _ := auth.NewSigningKey(auth.AlgES256, rand.Reader, now.Add(time.Second))
	if err := b.AddSigningKey(ctx, k2, now.Add(time.Hour).Unix()); err != nil {
		t.Fatal(err)
	}
	keys, _ = a.SigningKeys(ctx)
	if len(keys) != 2 || keys[0].Kid != k1.Kid || keys[0].VerifyUntil != now.Add(time.Hour).Unix() || keys[1] != k2 {
		t.Fatalf("after rotation %+v", keys)
	}
	parallel(100, func(i int) {
		k, err := auth.NewSigningKey(auth.AlgEdDSA, rand.Reader, now.Add(time.Duration(i+2)*time.Second))
		if err == nil {
			err = pick(i, a, b).AddSigningKey(ctx, k, now.Add(2*time.Hour).Unix())
		}
		if err != nil {
			t.Error(err)
		}
	})
	keys, _ = b.SigningKeys(ctx)
	signing := 0
	for _, k := range keys {
		if k.VerifyUntil == 0 {
			signing++
		}
	}
	if len(keys) != 102 || signing != 1 {
		t.Fatalf("%d keys, %d signing; want 102, 1", len(keys), signing)
	}
}
