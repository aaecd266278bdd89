package storetest

import (
	"crypto/rand"
	"sync/atomic"
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

// testSigningKeyLifetime: a key's MaxLifetime only grows, also under 100 parallel raises
// over two handles; retiring a key sets its VerifyUntil to the retirement plus its own
// MaxLifetime, and a raise after that moves VerifyUntil by as much (seen by the other
// handle through the version); the expired retired keys are deleted exactly once, the
// signing key never.
func testSigningKeyLifetime(t *testing.T, a, b *db.DB) {
	now := time.Unix(1700000000, 0)
	key := func(at time.Duration, lifetime int64) auth.TokenKey {
		t.Helper()
		k, err := auth.NewSigningKey(auth.AlgEdDSA, rand.Reader, now.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		k.MaxLifetime = lifetime
		return k
	}
	get := func(d *db.DB) []auth.TokenKey {
		t.Helper()
		keys, err := d.SigningKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	version := func(d *db.DB) int64 {
		t.Helper()
		v, err := d.SigningKeysVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	k1 := key(0, 3600)
	if err := a.AddSigningKey(ctx, k1, 0); err != nil {
		t.Fatal(err)
	}
	v := version(b)
	for _, s := range []int64{7200, 100} { // the lower one changes nothing
		if err := a.RaiseSigningKeyLifetime(ctx, k1.Kid, s); err != nil {
			t.Fatal(err)
		}
	}
	if keys := get(b); len(keys) != 1 || keys[0].MaxLifetime != 7200 || keys[0].VerifyUntil != 0 {
		t.Fatalf("after raising the signing key: %+v", keys)
	}
	if version(b) != v {
		t.Error("raising the signing key's lifetime moved the version")
	}

	retired := now.Add(time.Minute).Unix()
	k2 := key(time.Minute, 60)
	if err := b.AddSigningKey(ctx, k2, retired); err != nil {
		t.Fatal(err)
	}
	keys := get(a)
	if len(keys) != 2 || keys[0].VerifyUntil != retired+7200 || keys[1].VerifyUntil != 0 || keys[1].MaxLifetime != 60 {
		t.Fatalf("after rotation: %+v", keys)
	}
	v = version(a)
	parallel(100, func(i int) {
		// A server that had not seen the rotation yet raises the retired key; others the new one.
		err := pick(i, a, b).RaiseSigningKeyLifetime(ctx, k1.Kid, 7200+int64(i)+1)
		if err == nil {
			err = pick(i+1, a, b).RaiseSigningKeyLifetime(ctx, k2.Kid, 60+int64(i)+1)
		}
		if err != nil {
			t.Error(err)
		}
	})
	keys = get(b)
	if keys[0].MaxLifetime != 7300 || keys[0].VerifyUntil != retired+7300 || keys[1].MaxLifetime != 160 || keys[1].VerifyUntil != 0 {
		t.Fatalf("after 100 parallel raises: %+v", keys)
	}
	if version(b) == v {
		t.Error("moving a retired key's VerifyUntil left the version as it was")
	}

	v = version(a)
	if n, err := a.DeleteExpiredSigningKeys(ctx, retired+7299); err != nil || n != 0 {
		t.Fatalf("delete while a token may still be valid: %d %v", n, err)
	}
	var deleted atomic.Int64
	parallel(100, func(i int) {
		n, err := pick(i, a, b).DeleteExpiredSigningKeys(ctx, retired+7300+int64(i))
		if err != nil {
			t.Error(err)
		}
		deleted.Add(n)
	})
	if keys := get(b); deleted.Load() != 1 || len(keys) != 1 || keys[0].Kid != k2.Kid {
		t.Fatalf("100 parallel deletes: %d deleted, left %+v", deleted.Load(), keys)
	}
	if version(b) == v {
		t.Error("a deletion left the version as it was")
	}
	if n, err := b.DeleteExpiredSigningKeys(ctx, 1<<40); err != nil || n != 0 {
		t.Errorf("the signing key was deleted: %d %v", n, err)
	}
	// A deletion and an addition leave the version changed (not only the count).
	v = version(a)
	k3 := key(2*time.Minute, 60)
	if err := a.AddSigningKey(ctx, k3, retired); err != nil {
		t.Fatal(err)
	}
	if n, err := a.DeleteExpiredSigningKeys(ctx, 1<<40); err != nil || n != 1 {
		t.Fatalf("delete the retired key: %d %v", n, err)
	}
	if keys := get(b); len(keys) != 1 || keys[0].Kid != k3.Kid || version(b) == v {
		t.Fatalf("after one addition and one deletion: %+v, version %d was %d", keys, version(b), v)
	}
}
