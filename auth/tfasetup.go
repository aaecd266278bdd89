package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The two-factor setup link (SPEC §5): when 2FA is on and an admin without TOTP asks
// for a token, a mail carries a link to a page that creates the admin's TOTP secret
// and shows it once. The link is stateless: it names the admin and an expiry and is
// signed with a key derived from crypt/key and the admin's password hash, so a new
// crypt/key or password ends it, and it stops working once TOTP is set up.

// TFASetupLinkLifetime is how long a setup link works.
const TFASetupLinkLifetime = 24 * time.Hour

// TFASetupPath is the admin page that a setup link opens (web serves it).
const TFASetupPath = "/admin/tfa/setup"

func (s *Service) tfaSetupMAC(a *Admin, payload string) string {
	key := sha256.Sum256([]byte("shopauth tfa setup link\x00" + s.Settings().Get(PathCryptKey)))
	mac := hmac.New(sha256.New, key[:])
	mac.Write([]byte(payload + "\x00" + a.PasswordHash))
	return hex.EncodeToString(mac.Sum(nil))
}

// tfaSetupToken returns a setup link token for a, valid for TFASetupLinkLifetime.
func (s *Service) tfaSetupToken(a *Admin) string {
	payload := strconv.FormatInt(a.ID, 10) + "." + strconv.FormatInt(s.Now().Add(TFASetupLinkLifetime).Unix(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + s.tfaSetupMAC(a, payload)
}

// TFASetupLink is the link of the setup mail: the public base URL (when known) + the page + the token.
func (s *Service) TFASetupLink(a *Admin) string {
	// The public base URL (web/unsecure/base_url) when set, else where shopauth serves.
	return strings.TrimRight(s.Settings().BaseURL(PathBaseURL, s.BaseURL), "/") + TFASetupPath + "?token=" + s.tfaSetupToken(a)
}

// AdminForTFASetup checks a setup link token and returns its admin, who has no TOTP yet.
func (s *Service) AdminForTFASetup(ctx context.Context, token string) (*Admin, error) {
	invalid := inputError(MsgTFALinkInvalid)
	enc, mac, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 {
		return nil, invalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil, invalid
	}
	idText, expText, ok := strings.Cut(string(raw), ".")
	id, err1 := strconv.ParseInt(idText, 10, 64)
	exp, err2 := strconv.ParseInt(expText, 10, 64)
	if !ok || err1 != nil || err2 != nil || s.Now().Unix() >= exp {
		return nil, invalid
	}
	a, err := s.Admins.AdminByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, invalid
	}
	if err != nil {
		return nil, fmt.Errorf("find admin %d: %w", id, err)
	}
	if !hmac.Equal([]byte(mac), []byte(s.tfaSetupMAC(a, string(raw)))) || !a.Active || a.TOTPSecret != "" {
		return nil, invalid
	}
	return a, nil
}

// SetupTOTPFromLink creates the TOTP secret of the link's admin and returns the admin
// with it. It works once: the secret is stored only if there is none, so of two
// parallel uses one gets the secret and the other the invalid-link error.
func (s *Service) SetupTOTPFromLink(ctx context.Context, token string) (*Admin, error) {
	a, err := s.AdminForTFASetup(ctx, token)
	if err != nil {
		return nil, err
	}
	secret, err := NewTOTPSecret(s.Rand)
	if err != nil {
		return nil, err
	}
	set, err := s.Admins.SetAdminTOTPSecretIfNone(ctx, a.ID, secret)
	if err != nil {
		return nil, fmt.Errorf("store TOTP secret: %w", err)
	}
	if !set {
		return nil, inputError(MsgTFALinkInvalid)
	}
	a.TOTPSecret = secret
	s.audit(ctx, AuditEvent{Event: "admin.tfa_setup", AdminID: a.ID, Username: strings.ToLower(a.Username), Detail: "setup link"})
	return a, nil
}
