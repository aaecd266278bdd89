package web_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"shopauth/auth"
)

const (
	invalidCode = `{"message":"Invalid code."}`
	googlePath  = "/rest/V1/tfa/provider/google/authenticate"
)

// totpAdmin is an admin with TOTP set up, 2FA on (the default) and no per-address rate limit.
func totpAdmin(t *testing.T, e *env) *auth.Admin {
	t.Helper()
	e.set(auth.PathSignInRateLimit, "0")
	e.admin("admin", "admin123")
	a, err := e.svc.SetupTOTP(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) google(password, otp string) response {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"username": "admin", "password": password, "otp": otp})
	return e.rest(googlePath, string(b), "")
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTOTPWindow: on a fresh admin the previous, current and next step's codes are
// each accepted; two steps away is not.
func TestTOTPWindow(t *testing.T) {
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{{-60 * time.Second, false}, {-30 * time.Second, true}, {0, true}, {30 * time.Second, true}, {60 * time.Second, false}} {
		e := newEnv(t)
		a := totpAdmin(t, e)
		r := e.google("admin123", code(t, a.TOTPSecret, e.clock.Now().Add(tc.offset)))
		if tc.ok && r.status != 200 {
			t.Errorf("offset %v: %s", tc.offset, r)
		}
		if !tc.ok {
			expect(t, r, 401, invalidCode)
		}
	}
}

// TestTOTPGuessingIsThrottled: knowing the password must not give unlimited TOTP
// guesses. Wrong codes count towards the per-username token throttle, and neither the
// right password on the 2FA-gated token route nor on the google route resets it.
func TestTOTPGuessingIsThrottled(t *testing.T) {
	e := newEnv(t)
	a := totpAdmin(t, e)
	for i := 0; i < 3; i++ {
		expect(t, e.google("admin123", "000000"), 401, invalidCode)
	}
	// The right password alone (no token comes of it) does not clear the count.
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"admin","password":"admin123"}`, ""), 400,
		`{"message":"Please use the 2fa provider-specific endpoints to obtain a token.","parameters":{"active_providers":["google"]}}`)
	for i := 0; i < 3; i++ {
		expect(t, e.google("admin123", "000000"), 401, invalidCode)
	}
	// Six failures: now even the right code is refused with the generic message.
	expect(t, e.google("admin123", code(t, a.TOTPSecret, e.clock.Now())), 401, signInIncorrectREST)
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"admin","password":"admin123"}`, ""), 401, signInIncorrectREST)
	// After oauth/authentication_lock/timeout the right code works, and a success resets the count.
	e.clock.Add(1800*time.Second + time.Second)
	if r := e.google("admin123", code(t, a.TOTPSecret, e.clock.Now())); r.status != 200 {
		t.Fatalf("after the throttle timeout: %s", r)
	}
	for i := 0; i < 5; i++ {
		expect(t, e.google("admin123", "000000"), 401, invalidCode)
	}
	e.clock.Add(30 * time.Second)
	if r := e.google("admin123", code(t, a.TOTPSecret, e.clock.Now())); r.status != 200 {
		t.Fatalf("5 failures after a success: %s", r)
	}
}

// TestTOTPParallelUse: two parallel requests with one code: exactly one gets a token.
func TestTOTPParallelUse(t *testing.T) {
	e := newEnv(t)
	a := totpAdmin(t, e)
	for round := 0; round < 5; round++ {
		e.clock.Add(30 * time.Second)
		c := code(t, a.TOTPSecret, e.clock.Now())
		var mu sync.Mutex
		var wg sync.WaitGroup
		got := map[int][]string{}
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.google("admin123", c)
				mu.Lock()
				got[r.status] = append(got[r.status], r.body)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(got[200]) != 1 || len(got[401]) != 1 || got[401][0] != invalidCode {
			t.Fatalf("round %d: %v", round, got)
		}
	}
}
