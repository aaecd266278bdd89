package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"shopauth/internal/testkit"
)

// TestSignInFloodWaitsForAdmission: with twice the hash slots' requests past the
// admission gate, a GraphQL sign-in and a REST one wait there, before any work (no
// hash, no audit event), and each answers with a token once one request is done.
func TestSignInFloodWaitsForAdmission(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	h := e.svc.Hasher
	var dones []func()
	for range 2 * h.Concurrency() {
		_, done, err := h.Admit(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		dones = append(dones, done)
	}
	before := h.Computations()
	graphQL, rest := make(chan response, 1), make(chan response, 1)
	go func() { graphQL <- signInFrom(e, "") }()
	go func() {
		rest <- e.rest("/rest/V1/integration/customer/token", `{"username":"customer@example.com","password":"password"}`, "")
	}()
	testkit.WaitFor(t, "two sign-ins waiting for admission", 10*time.Second, func() bool { return h.Waiting() == 2 })
	if n := h.Computations() - before; n != 0 {
		t.Fatalf("%d hashes computed before admission", n)
	}
	if ev, err := e.db.AuditList(context.Background(), dbFilter(0, "customer.signin")); err != nil || len(ev) != 0 {
		t.Fatalf("%d sign-ins audited before admission (%v)", len(ev), err)
	}
	dones[0]()
	dones[1]()
	if r := <-graphQL; r.status != 200 || !strings.HasPrefix(r.body, `{"data":{"generateCustomerToken":{"token":"ey`) {
		t.Errorf("GraphQL sign-in after admission: %s", r)
	}
	if r := <-rest; r.status != 200 || !strings.HasPrefix(r.body, `"ey`) {
		t.Errorf("REST sign-in after admission: %s", r)
	}
	if n := h.Computations() - before; n != 2 {
		t.Errorf("%d hashes, want 2", n)
	}
	for _, done := range dones[2:] {
		done()
	}
}

// TestHashingFieldsHash: each mutation the GraphQL handler admits as one that hashes a
// password does hash one (a name there that hashed nothing would only queue).
func TestHashingFieldsHash(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 200, `{"data":{"requestPasswordResetEmail":true}}`)
	link := e.lastMailVar("password_reset", "token")
	for _, c := range []struct{ field, password, query string }{
		{"generateCustomerToken", "", `mutation{generateCustomerToken(email:"customer@example.com",password:"password"){token}}`},
		{"createCustomer", "", `mutation{createCustomer(input:{email:"a@example.com",firstname:"A",lastname:"B",password:"Secret-pass1"}){customer{email}}}`},
		{"createCustomerV2", "", `mutation{createCustomerV2(input:{email:"b@example.com",firstname:"A",lastname:"B",password:"Secret-pass1"}){customer{email}}}`},
		{"resetPassword", "", fmt.Sprintf(`mutation{resetPassword(email:"customer@example.com",resetPasswordToken:%q,newPassword:"N3w-Passw0rd")}`, link)},
		{"changeCustomerPassword", "N3w-Passw0rd", `mutation{changeCustomerPassword(currentPassword:"N3w-Passw0rd",newPassword:"An0ther-Passw0rd"){email}}`},
		{"updateCustomerEmail", "An0ther-Passw0rd", `mutation{updateCustomerEmail(email:"c@example.com",password:"An0ther-Passw0rd"){customer{email}}}`},
	} {
		tok := ""
		if c.password != "" {
			tok = e.token("customer@example.com", c.password)
		}
		before := e.svc.Hasher.Computations()
		r := e.gql(tok, c.query, nil)
		if r.status != 200 || strings.Contains(r.body, "errors") {
			t.Fatalf("%s: %s", c.field, r)
		}
		if e.svc.Hasher.Computations() == before {
			t.Errorf("%s hashed no password", c.field)
		}
	}
}
