package auth

import (
	"encoding/base32"
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA1 vectors (8 digits there; Google Authenticator keeps the last 6).
func TestTOTPVectors(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for unix, want8 := range map[int64]string{59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
		1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130"} {
		got, err := TOTPCode(secret, time.Unix(unix, 0))
		if err != nil || got != want8[2:] {
			t.Errorf("t=%d: got %s want %s (%v)", unix, got, want8[2:], err)
		}
	}
}

func TestMatchTOTPWindow(t *testing.T) {
	secret := "JBSWY3DPEHPK3PXP"
	now := time.Unix(1_800_000_015, 0)
	for d, want := range map[int64]bool{-60: false, -30: true, 0: true, 30: true, 60: false} {
		code, _ := TOTPCode(secret, now.Add(time.Duration(d)*time.Second))
		if got := matchTOTP(secret, code, now) >= 0; got != want {
			t.Errorf("offset %ds: matched %v, want %v", d, got, want)
		}
	}
	if matchTOTP(secret, "12345", now) >= 0 || matchTOTP("not base32!", "123456", now) >= 0 {
		t.Error("bad input matched")
	}
}
