package web_test

import (
	"fmt"
	"strconv"
	"testing"
)

// TestCachedCustomersAndTokensStayCorrect, on both engines, with two instances over
// one database: customers and tokens that instance a has cached (read through it
// first) answer every change at once when a made it and from the next refresh when b
// did: a profile change, a password change, a sign-out, a deletion; and a change to one
// customer leaves every other customer's answer as it was.
func TestCachedCustomersAndTokensStayCorrect(t *testing.T) {
	onEngines(t, func(t *testing.T, newDSN func() string) {
		dsn := newDSN()
		a, b := instance(t, dsn, 0), instance(t, dsn, 0)
		const n = 6
		toks := make([]string, n)
		ids := make([]int64, n)
		for i := range n {
			email := "c" + strconv.Itoa(i) + "@example.com"
			ids[i] = a.customer(email, "password").ID
			toks[i] = a.token(email, "password")
		}
		me := func(i int, first string) string {
			return fmt.Sprintf(`{"data":{"customer":{"email":"c%d@example.com","firstname":"%s"}}}`, i, first)
		}
		q := `{customer{email firstname}}`
		readAll := func(want map[int]string) {
			t.Helper()
			for i := range n {
				first := "John"
				if f, ok := want[i]; ok {
					first = f
				}
				if first == "" {
					continue
				}
				for _, e := range []*env{a, b} {
					expect(t, e.gql(toks[i], q, nil), 200, me(i, first))
				}
			}
		}
		readAll(nil)
		readAll(nil) // now served from each instance's caches

		// A local change is seen at once, on the instance that made it.
		expect(t, a.gql(toks[0], `mutation{updateCustomerV2(input:{firstname:"Ann"}){customer{firstname}}}`, nil), 200,
			`{"data":{"updateCustomerV2":{"customer":{"firstname":"Ann"}}}}`)
		expect(t, a.gql(toks[0], q, nil), 200, me(0, "Ann"))
		// Another instance's change, from the next refresh.
		expect(t, b.gql(toks[1], `mutation{updateCustomerV2(input:{firstname:"Bob"}){customer{firstname}}}`, nil), 200,
			`{"data":{"updateCustomerV2":{"customer":{"firstname":"Bob"}}}}`)
		refreshAll(t, a, b)
		readAll(map[int]string{0: "Ann", 1: "Bob"})

		// A password change on b ends customer 2's cached token on a; a sign-out on a
		// ends customer 3's on b.
		expect(t, b.gql(toks[2], `mutation{changeCustomerPassword(currentPassword:"password",newPassword:"Passw0rd!new"){email}}`, nil),
			200, `{"data":{"changeCustomerPassword":{"email":"c2@example.com"}}}`)
		expect(t, a.gql(toks[3], qRevoke, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
		refreshAll(t, a, b)
		revoked := `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`
		for _, e := range []*env{a, b} {
			expect(t, e.gql(toks[2], q, nil), 401, revoked)
			expect(t, e.gql(toks[3], q, nil), 401, revoked)
		}
		// Customer 4 deleted through b's store: its cached token on a finds no customer.
		if err := b.db.DeleteCustomer(t.Context(), ids[4]); err != nil {
			t.Fatal(err)
		}
		refreshAll(t, a)
		expect(t, a.gql(toks[4], q, nil), 200, gqlErr(fmt.Sprintf(`Customer with id "%d" does not exist.`, ids[4]), "graphql-no-such-entity", 2, "customer"))
		// The others answer as before.
		readAll(map[int]string{0: "Ann", 1: "Bob", 2: "", 3: "", 4: ""})
	})
}
