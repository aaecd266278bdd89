package auth

import (
	"testing"
	"unicode/utf8"
)

// TestEmailKey: one key for the spellings of one address. Before, emails were lowered
// (Go) or compared NOCASE (SQLite, ASCII only): "ÉMILE@" and "émile@" were two accounts.
func TestEmailKey(t *testing.T) {
	for _, same := range [][]string{
		{"émile@example.com", "ÉMILE@example.com", "E\u0301MILE@EXAMPLE.COM", "e\u0301mile@example.com", " Émile@Example.com "},
		{"kelvin@example.com", "\u212Aelvin@example.com", "KELVIN@example.com"},
		{"strasse@example.de", "straße@example.de", "STRASSE@example.de", "STRAẞE@example.de"},
		{"σοφία@example.gr", "ΣΟΦΊΑ@example.gr"},
	} {
		for _, e := range same[1:] {
			if EmailKey(e) != EmailKey(same[0]) {
				t.Errorf("EmailKey(%q) = %q, EmailKey(%q) = %q: want one key", e, EmailKey(e), same[0], EmailKey(same[0]))
			}
		}
	}
	if got := EmailKey("ÉMILE@Example.com"); got != "émile@example.com" || !utf8.ValidString(got) {
		t.Errorf("key %q, want the NFC form émile@example.com", got)
	}
	if EmailKey("emile@example.com") == EmailKey("émile@example.com") {
		t.Error("an accent is not case: emile and émile are two addresses")
	}
}

// TestHiddenCharactersRefused: an email with an invisible or text-direction character
// is not valid anywhere, and a new account gets a message that shows the character
// instead of hiding it (or turning the client's text around).
func TestHiddenCharactersRefused(t *testing.T) {
	for _, r := range []rune{0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069, 0xFEFF, 0x00AD,
		0x061C, 0x2060, 0x180E, 0x034F, 0xFE0F, 0xE0041, 0x00A0, 0x3000, 0x2028, 0xE000, 0x0007, 0x115F, 0x3164} {
		email := "ad" + string(r) + "min@example.com"
		if ValidEmail(email) {
			t.Errorf("U+%04X: valid", r)
		}
		err := emailError(email)
		want := `"ad[U+` + hex4(r) + `]min@example.com" is not a valid email address: it contains the invisible or text-direction character U+` + hex4(r) + `.`
		if err.Message != want || err.Category != CategoryInput {
			t.Errorf("U+%04X: %s %q, want %q", r, err.Category, err.Message, want)
		}
	}
	for _, ok := range []string{"émile@example.com", "\u212Aelvin@example.com", "用户@例子.广告", "δοκιμή@παράδειγμα.δοκιμή", "o'brien+shop@example.com"} {
		if !ValidEmail(ok) {
			t.Errorf("%q refused", ok)
		}
	}
}

func hex4(r rune) string {
	const digits = "0123456789ABCDEF"
	s := ""
	for n := r; n > 0 || len(s) < 4; n >>= 4 {
		s = string(digits[n&0xF]) + s
	}
	return s
}
