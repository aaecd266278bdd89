package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"shopauth/auth"
	"shopauth/db"
)

func emailChange(e *env, tok, email, password string) response {
	return e.gql(tok, fmt.Sprintf(`mutation{updateCustomerEmail(email:%q,password:%q){customer{email firstname}}}`, email, password), nil)
}

func TestUpdateCustomerEmail(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathResetRateLimit, "0")
	c := e.customer("customer@example.com", "password")
	e.customer("taken@example.com", "password")
	e.admin("admin", "admin123")
	tok := e.token("customer@example.com", "password")
	admin := e.adminToken("admin", "admin123")
	fail := func(msg, cat string) string { return gqlErr(msg, cat, 10, "updateCustomerEmail") }

	expect(t, emailChange(e, "", "new@example.com", "password"), 403, fail(auth.MsgNotAuthorized, "graphql-authorization"))
	expect(t, emailChange(e, admin, "new@example.com", "password"), 403, fail(auth.MsgNotAuthorized, "graphql-authorization"))
	expect(t, emailChange(e, tok, "new@example.com", ""), 200, fail(`Provide the current "password" to change "email".`, "graphql-input"))
	expect(t, emailChange(e, tok, "new@example.com", "wrong"), 401, fail(`Invalid login or password.`, "graphql-authentication"))
	expect(t, emailChange(e, tok, "not-an-email", "password"), 200, fail(`"not-an-email" is not a valid email address.`, "graphql-input"))
	expect(t, emailChange(e, tok, "TAKEN@example.com", "password"), 200,
		fail(`A customer with the same email address already exists in an associated website.`, "graphql-already-exists"))
	// The same address is no change: no password needed, no mail.
	before := len(e.outbox())
	expect(t, emailChange(e, tok, "customer@example.com", ""), 200, `{"data":{"updateCustomerEmail":{"customer":{"email":"customer@example.com","firstname":"John"}}}}`)

	// A reset link mailed to the old address before the change.
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 200, `{"data":{"requestPasswordResetEmail":true}}`)
	link := e.lastMailVar("password_reset", "token")
	before = len(e.outbox())

	expect(t, emailChange(e, tok, "new@example.com", "password"), 200, `{"data":{"updateCustomerEmail":{"customer":{"email":"new@example.com","firstname":"John"}}}}`)
	// One notice, to the old address.
	mails := e.outbox()
	if len(mails) != before+1 || mails[len(mails)-1].To != "customer@example.com" || mails[len(mails)-1].Template != "email_changed" ||
		mails[len(mails)-1].Vars["new_email"] != "new@example.com" {
		t.Fatalf("notice: %+v", mails[before:])
	}
	// The old reset link is dead; the token still works; sign-in is by the new address.
	expect(t, e.gql("", fmt.Sprintf(`mutation{resetPassword(email:"new@example.com",resetPasswordToken:%q,newPassword:"N3w-Passw0rd")}`, link), nil), 200,
		gqlErr(`Cannot set the customer's password`, "graphql-input", 10, "resetPassword"))
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"new@example.com"}}}`)
	e.token("new@example.com", "password")
	expect(t, e.gql("", qSignIn, nil), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
	events, err := e.db.AuditList(context.Background(), dbFilter(c.ID, "customer.email_changed"))
	if err != nil || len(events) != 1 || events[0].Username != "new@example.com" || events[0].Detail != "from customer@example.com" {
		t.Errorf("audit: %+v %v", events, err)
	}

	// A revoked token changes nothing.
	expect(t, e.gql(tok, qRevoke, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	expect(t, emailChange(e, tok, "third@example.com", "password"), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
}

// TestUpdateCustomerEmailCountsFailures: wrong passwords count toward the sign-in
// throttle of the account's email, as generateCustomerToken's do.
func TestUpdateCustomerEmailCountsFailures(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathThrottleMaxFailures, "3")
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	for i := 0; i < 3; i++ {
		expect(t, emailChange(e, tok, "new@example.com", "wrong"), 401, gqlErr(`Invalid login or password.`, "graphql-authentication", 10, "updateCustomerEmail"))
	}
	// Throttled now: even the right password is refused, here and at sign-in.
	expect(t, emailChange(e, tok, "new@example.com", "password"), 401, gqlErr(`Invalid login or password.`, "graphql-authentication", 10, "updateCustomerEmail"))
	r := e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"password"){token}}`, nil)
	expect(t, r, 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
}

// TestUpdateCustomerIsTheSameEmailChange: the deprecated updateCustomer changes an email
// through the same path (notice, reset links, audit).
func TestUpdateCustomerIsTheSameEmailChange(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathResetRateLimit, "0")
	c := e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 200, `{"data":{"requestPasswordResetEmail":true}}`)
	link := e.lastMailVar("password_reset", "token")
	expect(t, e.gql(tok, `mutation{updateCustomer(input:{email:"new@example.com",password:"password",firstname:"Jo"}){customer{email firstname}}}`, nil), 200,
		`{"data":{"updateCustomer":{"customer":{"email":"new@example.com","firstname":"Jo"}}}}`)
	if m := e.outbox(); m[len(m)-1].Template != "email_changed" || m[len(m)-1].To != "customer@example.com" {
		t.Errorf("no notice: %+v", m[len(m)-1])
	}
	expect(t, e.gql("", fmt.Sprintf(`mutation{resetPassword(email:"new@example.com",resetPasswordToken:%q,newPassword:"N3w-Passw0rd")}`, link), nil), 200,
		gqlErr(`Cannot set the customer's password`, "graphql-input", 10, "resetPassword"))
	if ev, _ := e.db.AuditList(context.Background(), dbFilter(c.ID, "customer.email_changed")); len(ev) != 1 {
		t.Errorf("audit: %+v", ev)
	}
}

func TestDeleteCustomer(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathResetRateLimit, "0")
	c := e.customer("customer@example.com", "password")
	keep := e.customer("other@example.com", "password")
	e.admin("admin", "admin123")
	admin := e.adminToken("admin", "admin123")
	tok := e.token("customer@example.com", "password")
	tok2 := e.token("customer@example.com", "password")
	otherTok := e.token("other@example.com", "password")
	createAddress(t, e, tok, usAddress)
	createAddress(t, e, otherTok, usAddress)
	// A session cookie, a pending reset link, a failed sign-in and some audit lines.
	sess := cookie(e.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 200, `{"data":{"requestPasswordResetEmail":true}}`)
	link := e.lastMailVar("password_reset", "token")
	e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"wrong"){token}}`, nil)

	del := `mutation{deleteCustomer}`
	expect(t, e.gql("", del, nil), 403, gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 10, "deleteCustomer"))
	expect(t, e.gql(admin, del, nil), 403, gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 10, "deleteCustomer"))
	expect(t, e.gql(tok, del, nil), 200, `{"data":{"deleteCustomer":true}}`)

	// No addresses, attribute values, throttle rows or mail of the account remain; the other customer keeps theirs.
	for _, q := range []struct {
		sql  string
		want int
	}{
		{`SELECT count(*) FROM customer_address WHERE customer_id = ` + fmt.Sprint(c.ID), 0},
		{`SELECT count(*) FROM customer_address WHERE customer_id = ` + fmt.Sprint(keep.ID), 1},
		{`SELECT count(*) FROM password_reset WHERE customer_id = ` + fmt.Sprint(c.ID), 0},
		{`SELECT count(*) FROM token_request_log WHERE user_name = 'customer@example.com'`, 0},
		{`SELECT count(*) FROM mail_outbox WHERE to_addr = 'customer@example.com'`, 0},
		{`SELECT count(*) FROM audit_log WHERE username = 'customer@example.com' OR (customer_id = ` + fmt.Sprint(c.ID) + ` AND remote_addr NOT IN ('', '-'))`, 0},
	} {
		if n := e.count(q.sql); n != q.want {
			t.Errorf("%s: %d, want %d", q.sql, n, q.want)
		}
	}
	// Every token and the session end at once.
	revoked := `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, revoked)
	expect(t, e.gql(tok2, del, nil), 401, revoked)
	expect(t, e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, map[string]string{"Cookie": "PHPSESSID=" + sess.Value}), 403,
		gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 2, "customer"))
	// The reset link and the password are gone with the account.
	expect(t, e.gql("", fmt.Sprintf(`mutation{resetPassword(email:"customer@example.com",resetPasswordToken:%q,newPassword:"N3w-Passw0rd")}`, link), nil), 200,
		gqlErr(`Cannot set the customer's password`, "graphql-input", 10, "resetPassword"))
	expect(t, e.gql("", qSignIn, nil), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
	// The audit keeps the events, the deletion among them, without personal data.
	events, err := e.db.AuditList(context.Background(), dbFilter(c.ID, ""))
	if err != nil || len(events) < 3 || events[0].Event != "customer.deleted" || events[0].Username != "" {
		t.Errorf("audit: %+v %v", events, err)
	}
	// The address can register again, as a new customer with nothing of the old one.
	nc := e.customer("customer@example.com", "password")
	ntok := e.token("customer@example.com", "password")
	expect(t, e.gql(ntok, `{customer{addresses{id} default_billing}}`, nil), 200, `{"data":{"customer":{"addresses":[],"default_billing":null}}}`)
	if nc.ID == c.ID {
		t.Error("id reused")
	}
	expect(t, e.gql(otherTok, `{customer{email addresses{city}}}`, nil), 200, `{"data":{"customer":{"email":"other@example.com","addresses":[{"city":"City Name"}]}}}`)
}

// TestDeleteCustomerOnce: 100 parallel deleteCustomer with one token delete once.
func TestDeleteCustomerOnce(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	var wg sync.WaitGroup
	var mu sync.Mutex
	deleted := 0
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.gql(tok, `mutation{deleteCustomer}`, nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.body == `{"data":{"deleteCustomer":true}}`:
				deleted++
			case r.status == 401 && strings.Contains(r.body, "User token has been revoked"):
			case strings.Contains(r.body, `does not exist.","locations"`):
			default:
				t.Errorf("delete: %s", r)
			}
		}()
	}
	wg.Wait()
	if deleted != 1 {
		t.Errorf("%d deletions, want 1", deleted)
	}
}

// count runs a count query on the database file directly, as an operator's sqlite3 would.
func (e *env) count(query string) int {
	e.t.Helper()
	driver, dsn := "sqlite", "file:"+e.path+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)"
	if db.IsPostgres(e.path) {
		driver, dsn = "pgx", e.path
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(query).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}
