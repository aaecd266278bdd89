package auth

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// EmailKey is the one form in which emails are compared: two emails are one account
// exactly when their keys are equal. It is Unicode's canonical caseless match (NFD, full
// case folding, then NFC so the key is compact): "ÉMILE@example.com", "émile@example.com"
// and "e\u0301mile@example.com" share a key, the Kelvin sign K folds to k, "ß" to "ss".
// The store keeps it in a column with a unique index, computed here and nowhere else, so
// SQLite and PostgreSQL match the same way (SQL's lower() and NOCASE fold ASCII only).
func EmailKey(email string) string {
	return norm.NFC.String(cases.Fold().String(norm.NFD.String(strings.TrimSpace(email))))
}

// hiddenRune returns the first character of s that shows nothing or changes the order
// in which text is shown: controls, format characters (zero-width space U+200B, joiners,
// the direction overrides U+202A-U+202E and isolates U+2066-U+2069, the byte order mark),
// other default-ignorable characters, variation selectors, spaces of any kind, private-use
// and surrogate code points. An address holding one looks like another address that
// does not: "admin\u202e@…" or "a\u200bdmin@…" beside "admin@…".
func hiddenRune(s string) (rune, bool) {
	for _, r := range s {
		if r > ' ' && r < 0x7f {
			continue // printable ASCII, none of the classes below: most of every address
		}
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Zs, unicode.Zl, unicode.Zp,
			unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector, unicode.Bidi_Control) ||
			r == unicode.ReplacementChar {
			return r, true
		}
	}
	return 0, false
}

// ShowHidden writes each hidden character of s as [U+XXXX], so a message or a log line
// naming the address neither hides the character nor turns the text around (a U+202E
// in a terminal reverses the rest of the line).
func ShowHidden(s string) string {
	var b strings.Builder
	for _, r := range s {
		if _, hidden := hiddenRune(string(r)); hidden {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// emailError is the error for an email a new or changed account cannot have: Magento's
// `"…" is not a valid email address.`, and for a hidden character (which Magento lets
// through) the same words, the character shown as [U+XXXX] and named.
func emailError(email string) *Error {
	if r, hidden := hiddenRune(email); hidden {
		return inputError(MsgEmailHiddenCharFmt, ShowHidden(email), r)
	}
	return inputError(MsgInvalidEmailFmt, email)
}

// CheckNewEmail returns nil, or the error (an *Error, graphql-input) that a new account
// with this email gets: for the CLI, which checks before opening the database.
func CheckNewEmail(email string) *Error {
	if ValidEmail(email) {
		return nil
	}
	return emailError(email)
}
