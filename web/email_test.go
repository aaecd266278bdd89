package web_test

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"shopauth/auth"
)

func createV2(e *env, email string) response {
	return e.gql("", `mutation($e:String!){createCustomerV2(input:{email:$e,firstname:"Émile",lastname:"Zola",password:"Passw0rd!"}){customer{email}}}`,
		map[string]any{"e": email})
}

func signInAs(e *env, email, password string) response {
	return e.gql("", `mutation($e:String!,$p:String!){generateCustomerToken(email:$e,password:$p){token}}`, map[string]any{"e": email, "p": password})
}

// TestEmailsUnicodeCaseInsensitive: "ÉMILE@" and "émile@" are one account, and so are
// the Kelvin sign and k, over createCustomerV2, sign-in, the reset mail, and the
// per-username throttle. Before, the database compared NOCASE (ASCII only): each
// spelling was an account of its own, and each had its own six guesses.
func TestEmailsUnicodeCaseInsensitive(t *testing.T) {
	e := newEnv(t)
	expect(t, createV2(e, "émile@example.com"), 200, `{"data":{"createCustomerV2":{"customer":{"email":"émile@example.com"}}}}`)
	for _, other := range []string{"ÉMILE@example.com", "E\u0301mile@EXAMPLE.com"} {
		expect(t, createV2(e, other), 200,
			gqlErr(`A customer with the same email address (`+other+`) already exists in an associated website.`, "graphql-input", 22, "createCustomerV2"))
	}
	expect(t, createV2(e, "kelvin@example.com"), 200, `{"data":{"createCustomerV2":{"customer":{"email":"kelvin@example.com"}}}}`)
	expect(t, createV2(e, "\u212Aelvin@example.com"), 200,
		gqlErr("A customer with the same email address (\u212Aelvin@example.com) already exists in an associated website.", "graphql-input", 22, "createCustomerV2"))

	// Any spelling signs in to the one account, which keeps the address as registered.
	for _, spelling := range []string{"ÉMILE@EXAMPLE.COM", "e\u0301mile@example.com"} {
		tok := signInAs(e, spelling, "Passw0rd!")
		if tok.status != 200 || !strings.Contains(tok.body, `"token":"ey`) {
			t.Fatalf("sign-in as %q: %s", spelling, tok)
		}
	}
	e.set(auth.PathGuestCheckoutLogin, "1")
	expect(t, e.gql("", `{isEmailAvailable(email:"\u212AELVIN@example.com"){is_email_available}}`, nil), 200,
		`{"data":{"isEmailAvailable":{"is_email_available":false}}}`)
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"ÉMILE@example.com")}`, nil), 200, `{"data":{"requestPasswordResetEmail":true}}`)
	if to := e.outbox()[len(e.outbox())-1].To; to != "émile@example.com" {
		t.Errorf("reset mail to %q, want the registered address", to)
	}

	// The throttle counts one account's failures together, whatever the spelling.
	for i, spelling := range []string{"ÉMILE@example.com", "émile@example.com", "Émile@example.com", "ÉMILE@EXAMPLE.COM", "e\u0301mile@example.com", "ÉMILE@example.com"} {
		if r := signInAs(e, spelling, "wrong-"+strconv.Itoa(i)); r.status != 401 {
			t.Fatalf("wrong password %d: %s", i, r)
		}
	}
	expect(t, signInAs(e, "émile@example.com", "Passw0rd!"), 401,
		gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 33, "generateCustomerToken"))
}

// TestEmailHiddenCharacters: a zero-width space or a right-to-left override in an email
// is refused with a message that shows it; Magento accepts both, so "a\u200bdmin@…"
// could register beside "admin@…" and look the same in a list.
func TestEmailHiddenCharacters(t *testing.T) {
	e := newEnv(t)
	e.customer("admin@example.com", "password")
	for _, c := range []struct {
		email, shown, code string
	}{
		{"a\u200bdmin@example.com", "a[U+200B]dmin@example.com", "200B"},
		{"nimda\u202e@example.com", "nimda[U+202E]@example.com", "202E"},
		{"admin\u2066@example.com", "admin[U+2066]@example.com", "2066"},
		{"\ufeffadmin@example.com", "[U+FEFF]admin@example.com", "FEFF"},
	} {
		expect(t, createV2(e, c.email), 200, gqlErr(`"`+c.shown+`" is not a valid email address: it contains the invisible or text-direction character U+`+c.code+`.`,
			"graphql-input", 22, "createCustomerV2"))
		// Elsewhere it is just not an email, with each operation's own Magento message.
		expect(t, e.gql("", `mutation($e:String!){requestPasswordResetEmail(email:$e)}`, map[string]any{"e": c.email}), 200,
			gqlErr("The email address has an invalid format.", "graphql-input", 22, "requestPasswordResetEmail"))
	}
	// The legacy updateCustomer cannot move an account to such an address either.
	tok := e.token("admin@example.com", "password")
	expect(t, e.gql(tok, `mutation{updateCustomer(input:{email:"ad\u200bmin@example.com",password:"password"}){customer{email}}}`, nil), 200,
		gqlErr(`"ad[U+200B]min@example.com" is not a valid email address: it contains the invisible or text-direction character U+200B.`,
			"graphql-input", 10, "updateCustomer"))
}

// oldDatabase makes a database as a shopauth from before migration 0008 left it, with
// the given customers, so the upgrade can be tested on real rows.
func oldDatabase(t *testing.T, emails ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	d, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	names, _ := fs.Glob(os.DirFS("../db/migrations/sqlite"), "*.sql")
	sort.Strings(names)
	if _, err := d.Exec(`CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		num, _ := strconv.Atoi(n[:4])
		if num >= 8 {
			continue
		}
		body, err := os.ReadFile("../db/migrations/sqlite/" + n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		d.Exec(`INSERT INTO schema_migration (version, name) VALUES ($1, $2)`, num, n)
	}
	h := auth.NewHasher(auth.CheapHashParams, 0, nil)
	for i, email := range emails {
		pw, _ := h.Hash(context.Background(), "password"+strconv.Itoa(i))
		if _, err := d.Exec(`INSERT INTO customer (email, firstname, lastname, created_at, updated_at, password_hash) VALUES ($1, 'F', 'L', 1, 1, $2)`,
			email, pw); err != nil {
			t.Fatalf("old row %q: %v", email, err)
		}
	}
	return path
}

// TestEmailKeyMigration: an existing database is keyed on upgrade. Two old accounts
// whose emails fold to one key ("ÉMILE@" and "émile@": two accounts before) keep both
// rows: the older (lower id) keeps the address, the later one can no longer sign in by
// email, and the audit log says which and why.
func TestEmailKeyMigration(t *testing.T) {
	path := oldDatabase(t, "customer@example.com", "ÉMILE@example.com", "émile@example.com", "\u212Aelvin@example.com", "kelvin@example.com")
	e := openEnv(t, path)
	tok := signInAs(e, "CUSTOMER@example.com", "password0")
	if !strings.Contains(tok.body, `"token":"ey`) {
		t.Fatalf("unrelated account after the upgrade: %s", tok)
	}
	for _, c := range []struct {
		spelling, password string
	}{{"émile@example.com", "password1"}, {"ÉMILE@example.com", "password1"}, {"kelvin@example.com", "password3"}} {
		if r := signInAs(e, c.spelling, c.password); !strings.Contains(r.body, `"token":"ey`) {
			t.Errorf("the older account as %q: %s", c.spelling, r)
		}
	}
	// The later account's own password does not open it by email any more.
	expect(t, signInAs(e, "émile@example.com", "password2"), 401,
		gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 33, "generateCustomerToken"))
	ev, err := e.db.AuditList(context.Background(), dbFilter(0, auth.EventEmailConflict))
	if err != nil || len(ev) != 2 {
		t.Fatalf("conflict events: %v %+v", err, ev)
	}
	details := map[int64]string{}
	for _, x := range ev {
		details[x.CustomerID] = x.Username + " | " + x.Detail
	}
	if details[3] != "émile@example.com | same email as customer 2 after Unicode case folding; this account cannot sign in by email until its email changes" ||
		details[5] != "kelvin@example.com | same email as customer 4 after Unicode case folding; this account cannot sign in by email until its email changes" {
		t.Errorf("conflict events: %v", details)
	}
	// Both rows are still there, as they were.
	if _, total, err := e.db.ListCustomers(context.Background(), "example.com", 0, 10); err != nil || total != 5 {
		t.Errorf("customers after the upgrade: %v %d", err, total)
	}
	// A second start changes nothing and records nothing more.
	e2 := e.sibling()
	if ev, _ := e2.db.AuditList(context.Background(), dbFilter(0, auth.EventEmailConflict)); len(ev) != 2 {
		t.Errorf("conflict events after a restart: %d", len(ev))
	}
}
