package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"shopauth/auth"
)

const (
	qSignIn   = `mutation{generateCustomerToken(email:"customer@example.com",password:"password"){token}}`
	qCustomer = `{customer{email firstname lastname}}`
	qRevoke   = `mutation{revokeCustomerToken{result}}`
)

func TestSignInQueryRevoke(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")

	tok := e.token("customer@example.com", "password")
	expect(t, e.gql(tok, qCustomer, nil), 200,
		`{"data":{"customer":{"email":"customer@example.com","firstname":"John","lastname":"Smith"}}}`)
	expect(t, e.gql(tok, qRevoke, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	// The revoked token fails the whole request, even a guest query.
	expect(t, e.gql(tok, qCustomer, nil), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
	expect(t, e.gql(tok, `{storeConfig{store_code}}`, nil), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
	// A token issued after the revocation works, within the same second (the clock is frozen).
	tok2 := e.token("customer@example.com", "password")
	expect(t, e.gql(tok2, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
}

func TestTokenFormat(t *testing.T) {
	e := newEnv(t)
	c := e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	tok2 := e.token("customer@example.com", "password")
	if tok == tok2 {
		t.Fatal("two tokens for one user in the same second are equal")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %s", tok)
	}
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if string(h) != `{"kid":"1","alg":"HS256"}` {
		t.Errorf("header %s", h)
	}
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(p, &claims); err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now().Unix()
	if claims["uid"] != float64(c.ID) || claims["utypid"] != float64(3) || claims["iat"] != float64(now) ||
		claims["exp"] != float64(now+3600) {
		t.Errorf("claims %s (now %d)", p, now)
	}
	// Lifetime is decimal hours.
	e.set(auth.PathCustomerTokenLifetime, "0.01")
	tok3 := e.token("customer@example.com", "password")
	p, _ = base64.RawURLEncoding.DecodeString(strings.Split(tok3, ".")[1])
	json.Unmarshal(p, &claims)
	if claims["exp"] != float64(now+36) {
		t.Errorf("0.01 h lifetime: exp %v, want %d", claims["exp"], now+36)
	}
}

func TestExpiredToken(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	e.clock.Add(time.Hour - time.Second)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	e.clock.Add(time.Second)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"Consumer key has expired","extensions":{"category":"graphql-authentication"}}]}`)
}

func TestBadTokens(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	parts := strings.Split(tok, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."
	otherAlg := base64.RawURLEncoding.EncodeToString([]byte(`{"kid":"1","alg":"HS512"}`)) + "." + parts[1] + "." + parts[2]
	flipped := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	unreadable := `{"errors":[{"message":"Composite reader could not read a token","extensions":{"category":"graphql-authentication"}}]}`
	for name, h := range map[string]string{
		"garbage":        "Bearer abc",
		"alg none":       "Bearer " + none,
		"other alg":      "Bearer " + otherAlg,
		"bad signature":  "Bearer " + flipped,
		"lowercase auth": "bearer abc",
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}"}`, map[string]string{"Authorization": h})
			expect(t, r, 401, unreadable)
		})
	}
	// Headers that are not "Bearer <one token>" are ignored: the request is a guest's.
	for _, h := range []string{"Bearer", "Bearer ", "Basic abc", "Bearer a b", "Token " + tok} {
		r := e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, map[string]string{"Authorization": h})
		expect(t, r, 403, gqlErr("The current customer isn't authorized.", "graphql-authorization", 2, "customer"))
	}
	// A token signed with another key.
	e2 := newEnv(t)
	e2.customer("customer@example.com", "password")
	foreign := e2.token("customer@example.com", "password")
	expect(t, e.gql(foreign, `{customer{email}}`, nil), 401, unreadable)
	// The server keeps serving.
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
}

func TestGenerateCustomerTokenErrors(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	signIn := func(email, pw string) response {
		return e.gql("", `mutation($e:String!,$p:String!){generateCustomerToken(email:$e,password:$p){token}}`, map[string]any{"e": email, "p": pw})
	}
	col := 33
	expect(t, signIn("", "x"), 200, gqlErr(`Specify the "email" value.`, "graphql-input", col, "generateCustomerToken"))
	expect(t, signIn("customer@example.com", ""), 200, gqlErr(`Specify the "password" value.`, "graphql-input", col, "generateCustomerToken"))
	incorrect := gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", col, "generateCustomerToken")
	expect(t, signIn("customer@example.com", "wrong"), 401, incorrect)
	expect(t, signIn("nobody@example.com", "password"), 401, incorrect)
}

func TestThrottle(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	signIn := func(pw string) response {
		return e.gql("", `mutation($p:String!){generateCustomerToken(email:"customer@example.com",password:$p){token}}`, map[string]any{"p": pw})
	}
	for i := 0; i < 5; i++ {
		signIn("wrong")
	}
	if r := signIn("password"); r.status != 200 {
		t.Fatalf("5 failures then the right password: %d %s", r.status, r.body)
	}
	for i := 0; i < 6; i++ {
		signIn("wrong")
	}
	// Six failures: throttled even with the right password, for 1800 s.
	expect(t, signIn("password"), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 22, "generateCustomerToken"))
	e.clock.Add(1801 * time.Second)
	if r := signIn("password"); r.status != 200 {
		t.Fatalf("after the throttle timeout: %d %s", r.status, r.body)
	}
	// Unknown usernames are throttled too (per username string).
	for i := 0; i < 6; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"ghost@example.com",password:"x"){token}}`, nil)
	}
	var n int
	if throttled, err := e.db.Throttled(context.Background(), "ghost@example.com", auth.UserTypeCustomer, e.clock.Now(), 6); err != nil || !throttled {
		t.Errorf("unknown username not throttled: %v %v %d", throttled, err, n)
	}
}

func TestAccountLockout(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	e.set(auth.PathThrottleMaxFailures, "0") // isolate the account lock from the throttle
	e.set(auth.PathLockoutFailures, "3")
	tok := e.token("customer@example.com", "password")
	for i := 0; i < 3; i++ {
		e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"wrong"){token}}`, nil)
	}
	expect(t, e.gql("", qSignIn, nil), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
	// Existing tokens fail with "The account is locked."
	expect(t, e.gql(tok, qCustomer, nil), 401, gqlErr("The account is locked.", "graphql-authentication", 2, "customer"))
	expect(t, e.gql(tok, qRevoke, nil), 401, gqlErr("The account is locked.", "graphql-authentication", 10, "revokeCustomerToken"))
	// The lock lasts lockout_threshold (10 min).
	e.clock.Add(10*time.Minute + time.Second)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	e.token("customer@example.com", "password")
}

func TestParallelFailuresLockOnce(t *testing.T) {
	e := newEnv(t)
	c := e.customer("customer@example.com", "password")
	e.set(auth.PathThrottleMaxFailures, "0")
	e.set(auth.PathSignInRateLimit, "0")
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"wrong"){token}}`, nil)
		}()
	}
	wg.Wait()
	got, err := e.db.CustomerByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.FailuresNum != 10 || !got.Locked(e.clock.Now()) {
		t.Errorf("failures %d locked %v, want exactly 10 and locked", got.FailuresNum, got.Locked(e.clock.Now()))
	}
	events, err := e.db.AuditList(context.Background(), dbFilter(c.ID, "customer.locked"))
	if err != nil || len(events) != 1 {
		t.Errorf("lock events: %d (%v), want 1", len(events), err)
	}
}

func TestParallelThrottleCounts(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathThrottleMaxFailures, "1000")
	e.set(auth.PathSignInRateLimit, "0")
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.gql("", `mutation{generateCustomerToken(email:"ghost@example.com",password:"wrong"){token}}`, nil)
		}()
	}
	wg.Wait()
	for _, max := range []int{50, 51} {
		throttled, err := e.db.Throttled(context.Background(), "ghost@example.com", auth.UserTypeCustomer, e.clock.Now(), max)
		if err != nil || throttled != (max == 50) {
			t.Errorf("max %d: throttled %v err %v (lost or extra counts)", max, throttled, err)
		}
	}
}

func TestNotAuthorized(t *testing.T) {
	e := newEnv(t)
	notAuth := func(col int, field string) string {
		return gqlErr("The current customer isn't authorized.", "graphql-authorization", col, field)
	}
	expect(t, e.gql("", qCustomer, nil), 403, notAuth(2, "customer"))
	expect(t, e.gql("", qRevoke, nil), 403, notAuth(10, "revokeCustomerToken"))
	expect(t, e.gql("", `mutation{updateCustomerV2(input:{firstname:"X"}){customer{email}}}`, nil), 403, notAuth(10, "updateCustomerV2"))
	expect(t, e.gql("", `mutation{updateCustomer(input:{firstname:"X"}){customer{email}}}`, nil), 403, notAuth(10, "updateCustomer"))
	// An admin token is not a customer.
	tok, _, err := e.svc.Tokens.Issue(auth.UserTypeAdmin, 1, 0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, e.gql(tok, qCustomer, nil), 403, notAuth(2, "customer"))
}

func TestDeletedCustomer(t *testing.T) {
	e := newEnv(t)
	c := e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	if err := e.db.DeleteCustomer(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	expect(t, e.gql(tok, qCustomer, nil), 200,
		gqlErr(fmt.Sprintf(`Customer with id "%d" does not exist.`, c.ID), "graphql-no-such-entity", 2, "customer"))
}

func TestUnconfirmedCustomer(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathConfirmRequired, "1")
	r := e.gql("", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"A",lastname:"B",password:"Passw0rd!"}){customer{email confirmation_status}}}`, nil)
	expect(t, r, 200, `{"data":{"createCustomerV2":{"customer":{"email":"new@example.com","confirmation_status":"ACCOUNT_CONFIRMED"}}}}`)
	expect(t, e.gql("", `mutation{generateCustomerToken(email:"new@example.com",password:"Passw0rd!"){token}}`, nil), 401,
		gqlErr("This account isn't confirmed. Verify and try again.", "graphql-authentication", 10, "generateCustomerToken"))
	// A token issued before confirmation was switched on fails on use.
	e.set(auth.PathConfirmRequired, "0")
	tok := e.token("new@example.com", "Passw0rd!")
	e.set(auth.PathConfirmRequired, "1")
	expect(t, e.gql(tok, qCustomer, nil), 401,
		gqlErr("This account isn't confirmed. Verify and try again.", "graphql-authentication", 2, "customer"))
}

func TestCreateCustomerV2(t *testing.T) {
	e := newEnv(t)
	q := `mutation{createCustomerV2(input:{email:"jane@example.com",firstname:"Jane",lastname:"Doe",password:"Passw0rd!",date_of_birth:"1990-01-31",gender:2,is_subscribed:true,allow_remote_shopping_assistance:true}){customer{email firstname lastname date_of_birth dob gender is_subscribed allow_remote_shopping_assistance confirmation_status middlename group{uid}}}}`
	expect(t, e.gql("", q, nil), 200, `{"data":{"createCustomerV2":{"customer":{"email":"jane@example.com","firstname":"Jane","lastname":"Doe","date_of_birth":"1990-01-31","dob":"1990-01-31","gender":2,"is_subscribed":true,"allow_remote_shopping_assistance":true,"confirmation_status":"ACCOUNT_CONFIRMATION_NOT_REQUIRED","middlename":null,"group":{"uid":"MQ=="}}}}}`)
	tok := e.token("jane@example.com", "Passw0rd!")
	expect(t, e.gql(tok, `{customer{email allow_remote_shopping_assistance}}`, nil), 200,
		`{"data":{"customer":{"email":"jane@example.com","allow_remote_shopping_assistance":true}}}`)

	create := func(input string) response {
		return e.gql("", `mutation{createCustomerV2(input:{`+input+`}){customer{email}}}`, nil)
	}
	in := func(msg string) string { return gqlErr(msg, "graphql-input", 10, "createCustomerV2") }
	cases := []struct{ input, msg string }{
		{`email:"bad",firstname:"A",lastname:"B"`, `"bad" is not a valid email address.`},
		{`email:"a@example.com",firstname:"",lastname:"B"`, `"First Name" is a required value.`},
		{`email:"a@example.com",firstname:"A",lastname:" "`, `"Last Name" is a required value.`},
		{`email:"jane@example.com",firstname:"A",lastname:"B"`, `A customer with the same email address (jane@example.com) already exists in an associated website.`},
		{`email:"JANE@example.com",firstname:"A",lastname:"B"`, `A customer with the same email address (JANE@example.com) already exists in an associated website.`},
		{`email:"a@example.com",firstname:"A",lastname:"B",password:"Ab1"`, `The password needs at least 8 characters. Create a new password and try again.`},
		{`email:"a@example.com",firstname:"A",lastname:"B",password:"abcdefgh"`, `Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.`},
		{`email:"a@example.com",firstname:"A",lastname:"B",date_of_birth:"31st of May"`, `Invalid date`},
		{`email:"a@example.com",firstname:"A",lastname:"B",date_of_birth:"2020-02-30"`, `Invalid date`},
	}
	for _, c := range cases {
		expect(t, create(c.input), 200, in(c.msg))
	}
	// A required field missing is a validation error (graphql-go's wording).
	r := e.gql("", `mutation{createCustomerV2(input:{firstname:"A",lastname:"B"}){customer{email}}}`, nil)
	if r.status != 200 || !strings.Contains(r.body, `"extensions":{"category":"graphql"}`) || !strings.Contains(r.body, "email") {
		t.Errorf("missing email: %d %s", r.status, r.body)
	}
	// Legacy createCustomer with an empty input.
	expect(t, e.gql("", `mutation{createCustomer(input:{}){customer{email}}}`, nil), 200,
		gqlErr(`"input" value should be specified`, "graphql-input", 10, "createCustomer"))
	expect(t, e.gql("", `mutation{createCustomer(input:{email:"old@example.com",firstname:"O",lastname:"L",password:"Passw0rd!"}){customer{email firstname}}}`, nil), 200,
		`{"data":{"createCustomer":{"customer":{"email":"old@example.com","firstname":"O"}}}}`)
}

func TestUpdateCustomer(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	e.customer("other@example.com", "password")
	tok := e.token("customer@example.com", "password")
	upd := func(input string) response {
		return e.gql(tok, `mutation{updateCustomerV2(input:{`+input+`}){customer{firstname lastname middlename date_of_birth allow_remote_shopping_assistance}}}`, nil)
	}
	expect(t, upd(`firstname:"Johnny",middlename:"Q",date_of_birth:"1980-12-01",allow_remote_shopping_assistance:true`), 200,
		`{"data":{"updateCustomerV2":{"customer":{"firstname":"Johnny","lastname":"Smith","middlename":"Q","date_of_birth":"1980-12-01","allow_remote_shopping_assistance":true}}}}`)
	in := func(msg string) string { return gqlErr(msg, "graphql-input", 10, "updateCustomerV2") }
	expect(t, upd(``), 200, in(`"input" value should be specified`))
	expect(t, upd(`firstname:""`), 200, in(`Required parameters are missing: First Name`))
	expect(t, upd(`lastname:""`), 200, in(`Required parameters are missing: Last Name`))
	expect(t, upd(`date_of_birth:"not a date"`), 200, in(`Invalid date`))
	// Nothing changed by the failed updates.
	expect(t, e.gql(tok, `{customer{firstname lastname}}`, nil), 200, `{"data":{"customer":{"firstname":"Johnny","lastname":"Smith"}}}`)

	// Legacy updateCustomer can change the email with the current password.
	legacy := func(input string) response {
		return e.gql(tok, `mutation{updateCustomer(input:{`+input+`}){customer{email}}}`, nil)
	}
	expect(t, legacy(`email:"new@example.com"`), 200, gqlErr(`Provide the current "password" to change "email".`, "graphql-input", 10, "updateCustomer"))
	expect(t, legacy(`email:"new@example.com",password:"nope"`), 401, gqlErr(`Invalid login or password.`, "graphql-authentication", 10, "updateCustomer"))
	// Magento's SaveCustomer: GraphQlAlreadyExistsException, without the address.
	expect(t, legacy(`email:"other@example.com",password:"password"`), 200,
		gqlErr(`A customer with the same email address already exists in an associated website.`, "graphql-already-exists", 10, "updateCustomer"))
	expect(t, legacy(`email:"new@example.com",password:"password"`), 200, `{"data":{"updateCustomer":{"customer":{"email":"new@example.com"}}}}`)
}

func TestIsEmailAvailableAndStoreConfig(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	e.set(auth.PathGuestCheckoutLogin, "1") // the real answer (TestIsEmailAvailableGuestCheckoutLogin)
	expect(t, e.gql("", `{isEmailAvailable(email:"customer@example.com"){is_email_available}}`, nil), 200,
		`{"data":{"isEmailAvailable":{"is_email_available":false}}}`)
	expect(t, e.gql("", `{isEmailAvailable(email:"free@example.com"){is_email_available}}`, nil), 200,
		`{"data":{"isEmailAvailable":{"is_email_available":true}}}`)
	expect(t, e.gql("", `{isEmailAvailable(email:"nope"){is_email_available}}`, nil), 200,
		gqlErr("Email is invalid", "graphql-input", 2, "isEmailAvailable"))
	e.set(auth.PathCustomerTokenLifetime, "2.5")
	expect(t, e.gql("", `{storeConfig{store_code minimum_password_length required_character_classes_number customer_access_token_lifetime create_account_confirmation shopping_assistance_enabled}}`, nil), 200,
		`{"data":{"storeConfig":{"store_code":"default","minimum_password_length":"8","required_character_classes_number":"3","customer_access_token_lifetime":2.5,"create_account_confirmation":false,"shopping_assistance_enabled":true}}}`)
}

func TestRequestShapes(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	parse := `{"errors":[{"message":"Unable to parse the request.","extensions":{"category":"graphql-input"}}]}`
	expect(t, e.do("POST", "/graphql", "application/json", `{"query":`, nil), 400, parse)
	expect(t, e.do("POST", "/graphql", "application/json", ``, nil), 400, parse)
	expect(t, e.do("POST", "/graphql", "application/json", `{"variables":{}}`, nil), 400, parse)
	expect(t, e.do("POST", "/graphql", "application/json", `[1,2]`, nil), 400, parse)
	big := `{"query":"` + strings.Repeat(" ", 1<<20) + `{storeConfig{store_code}}"}`
	expect(t, e.do("POST", "/graphql", "application/json", big, nil), 413,
		`{"errors":[{"message":"Request body is too large.","extensions":{"category":"graphql-input"}}]}`)
	// Depth limit.
	deep := "{customer{" + strings.Repeat("group{", 25) + "uid" + strings.Repeat("}", 25) + "}}"
	expect(t, e.gql("", deep, nil), 200,
		`{"errors":[{"message":"Max query depth should be 20 but got 25.","extensions":{"category":"graphql"}}]}`)
	// Magento's measure (webonyx QueryDepth): root fields are depth 0, leaves do not
	// count. Introspection's ofType nests as deep as asked: depth 20 runs, 21 does not.
	nested := func(ofTypes int) string {
		return "{__schema{types{fields{type{" + strings.Repeat("ofType{", ofTypes) + "name" + strings.Repeat("}", ofTypes) + "}}}}}"
	}
	if r := e.gql("", nested(17), nil); r.status != 200 || !strings.HasPrefix(r.body, `{"data":{"__schema":{"types":[`) || strings.Contains(r.body, `"errors"`) {
		t.Errorf("depth 20: %.300s", r)
	}
	expect(t, e.gql("", nested(18), nil), 200,
		`{"errors":[{"message":"Max query depth should be 20 but got 21.","extensions":{"category":"graphql"}}]}`)
	// Through fragments, which are measured where they are spread.
	expect(t, e.gql("", "query{__schema{...T}} fragment T on __Schema{types{...F}} fragment F on __Type{fields{type{"+
		strings.Repeat("ofType{", 18)+"name"+strings.Repeat("}", 18)+"}}}", nil), 200,
		`{"errors":[{"message":"Max query depth should be 20 but got 21.","extensions":{"category":"graphql"}}]}`)
	// Complexity as Magento counts it: field nodes as written, at most 300.
	if r := e.gql("", "{storeConfig{"+strings.Repeat("store_code ", 299)+"}}", nil); r.status != 200 || strings.Contains(r.body, `"errors"`) {
		t.Errorf("300 fields: %.300s", r)
	}
	expect(t, e.gql("", "{storeConfig{"+strings.Repeat("store_code ", 300)+"}}", nil), 200,
		`{"errors":[{"message":"Max query complexity should be 300 but got 301.","extensions":{"category":"graphql-input"}}]}`)
	// Fragments are counted once where written, so a query under 300 fields can still
	// expand to more than 2000 selections: graphql-go's own limit stops that.
	var spreads []string
	for i := 0; i < 9; i++ {
		spreads = append(spreads, fmt.Sprintf("a%d:storeConfig{...F}", i))
	}
	expect(t, e.gql("", "{"+strings.Join(spreads, " ")+"} fragment F on StoreConfig{"+strings.Repeat("store_code ", 250)+"}", nil), 200,
		`{"errors":[{"message":"query expands to too many selections (limit 2000)","extensions":{"category":"graphql"}}],"data":null}`)
	// Query text over 64 KiB (the body limit is 1 MiB).
	expect(t, e.gql("", "{storeConfig{store_code}}"+strings.Repeat(" ", 64<<10), nil), 200,
		`{"errors":[{"message":"Query is too long.","extensions":{"category":"graphql-input"}}]}`)
	// Alias limit (Magento allows 10).
	var aliases []string
	for i := 0; i < 11; i++ {
		aliases = append(aliases, fmt.Sprintf("a%d:storeConfig{store_code}", i))
	}
	expect(t, e.gql("", "{"+strings.Join(aliases, " ")+"}", nil), 200,
		`{"errors":[{"message":"Max Aliases in query should be 10 but got 11.","extensions":{"category":"graphql-input"}}]}`)
	if r := e.gql("", "{"+strings.Join(aliases[:10], " ")+"}", nil); r.status != 200 || strings.Contains(r.body, "errors") {
		t.Errorf("10 aliases: %s", r)
	}
	// GET runs queries, never mutations.
	get := func(q string) response { return e.do("GET", "/graphql?query="+url.QueryEscape(q), "", "", nil) }
	expect(t, get(`{storeConfig{store_code}}`), 200, `{"data":{"storeConfig":{"store_code":"default"}}}`)
	expect(t, get(qSignIn), 200,
		`{"errors":[{"message":"Mutation requests allowed only for POST requests","extensions":{"category":"graphql-input"}}]}`)
	// Syntax errors carry locations and the "graphql" category.
	expect(t, e.gql("", `{customer{`, nil), 200,
		`{"errors":[{"message":"syntax error: unexpected \"\", expecting Ident","locations":[{"line":1,"column":11}],"extensions":{"category":"graphql"}}]}`)
	expect(t, e.do("GET", "/nope", "", "", nil), 404, "404 page not found")
	expect(t, e.do("GET", "/healthz", "", "", nil), 200, `{"status":"ok"}`)
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

func TestSettingsFromOtherProcess(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	// A second server over the same file, as a second process would be.
	other := e.sibling()
	expect(t, other.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	expect(t, other.gql(tok, qRevoke, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.svc.Watch(ctx, 50*time.Millisecond)
	deadline := time.Now().Add(time.Second)
	for {
		r := e.gql(tok, `{customer{email}}`, nil)
		if r.status == 401 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("revocation by another process not seen within 1 s: %s", r)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A customer changed by the other process is seen here (the in-memory copy is dropped).
	tok2 := e.token("customer@example.com", "password")
	expect(t, e.gql(tok2, `{customer{firstname}}`, nil), 200, `{"data":{"customer":{"firstname":"John"}}}`)
	expect(t, other.gql(tok2, `mutation{updateCustomerV2(input:{firstname:"Jim"}){customer{firstname}}}`, nil), 200,
		`{"data":{"updateCustomerV2":{"customer":{"firstname":"Jim"}}}}`)
	deadline = time.Now().Add(time.Second)
	for {
		r := e.gql(tok2, `{customer{firstname}}`, nil)
		if r.body == `{"data":{"customer":{"firstname":"Jim"}}}` {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("customer change by another process not seen within 1 s: %s", r)
		}
		time.Sleep(20 * time.Millisecond)
	}
	other.set(auth.PathCustomerTokenLifetime, "3")
	deadline = time.Now().Add(time.Second)
	for e.svc.Settings().Get(auth.PathCustomerTokenLifetime) != "3" {
		if time.Now().After(deadline) {
			t.Fatal("setting from another process not seen within 1 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestParallelRevocation: hundreds of parallel sign-ins, reads and revocations; once a
// revocation has answered, every token issued before it is rejected.
func TestParallelRevocation(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "0")
	e.customer("customer@example.com", "password")
	var mu sync.Mutex
	var tokens []string
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tok := e.token("customer@example.com", "password")
			mu.Lock()
			tokens = append(tokens, tok)
			mu.Unlock()
			e.gql(tok, `{customer{email}}`, nil)
			if i%10 == 0 {
				e.gql(tok, qRevoke, nil)
			}
		}(i)
	}
	wg.Wait()
	// A final revocation: every token above, whatever raced with what, is now rejected.
	last := e.token("customer@example.com", "password")
	expect(t, e.gql(last, qRevoke, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	seen := map[string]bool{}
	for _, tok := range append(tokens, last) {
		if seen[tok] {
			t.Fatal("two sign-ins got the same token")
		}
		seen[tok] = true
		wg.Add(1)
		go func(tok string) {
			defer wg.Done()
			if r := e.gql(tok, `{customer{email}}`, nil); r.status != 401 {
				t.Errorf("token issued before the revocation still works: %s", r)
			}
		}(tok)
	}
	wg.Wait()
	fresh := e.token("customer@example.com", "password")
	expect(t, e.gql(fresh, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
}

// TestIntrospection runs the standard introspection query (as GraphiQL and Apollo send it).
func TestIntrospection(t *testing.T) {
	e := newEnv(t)
	q := `query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
	  types { ...FullType } directives { name description locations args { ...InputValue } } } }
	fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description
	  args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue }
	  interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
	  possibleTypes { ...TypeRef } }
	fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
	fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
	  ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`
	r := e.gql("", q, nil)
	// (A field may be named "errors": only a top-level errors member is a failure.)
	if r.status != 200 || strings.HasPrefix(r.body, `{"errors"`) {
		t.Fatalf("introspection: %s", r.body[:min(len(r.body), 500)])
	}
	for _, want := range []string{`"name":"generateCustomerTokenAsAdmin"`, `"name":"CustomerToken"`,
		`"deprecationReason":"Use ` + "`createCustomerV2`" + ` instead."`, `"name":"ConfirmationStatusEnum"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("introspection lacks %s", want)
		}
	}
}
