package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
)

const (
	signInIncorrectREST = `{"message":"The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."}`
	consumerNotAuth     = `{"message":"The consumer isn't authorized to access %resources.","parameters":{"resources":"Magento_LoginAsCustomer::login"}}`
)

func required(fields ...string) string {
	var errs []string
	for _, f := range fields {
		errs = append(errs, `{"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"`+f+`"}}`)
	}
	return `{"message":"One or more input exceptions have occurred.","errors":[` + strings.Join(errs, ",") + `]}`
}

func TestAdminTokenREST(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	a := e.admin("admin", "admin123")
	tok := e.adminToken("admin", "admin123")
	c := claimsOf(t, tok)
	now := e.clock.Now().Unix()
	if c["uid"] != float64(a.ID) || c["utypid"] != float64(2) || c["exp"] != float64(now+4*3600) {
		t.Errorf("admin claims %v", c)
	}
	// With a store code in the path too.
	if r := e.rest("/rest/default/V1/integration/admin/token", `{"username":"admin","password":"admin123"}`, ""); r.status != 200 {
		t.Errorf("store code path: %s", r)
	}
	const path = "/rest/V1/integration/admin/token"
	expect(t, e.rest(path, `{"username":"admin","password":"wrong"}`, ""), 401, signInIncorrectREST)
	expect(t, e.rest(path, `{"username":"nobody","password":"admin123"}`, ""), 401, signInIncorrectREST)
	expect(t, e.rest(path, `{}`, ""), 400, required("username", "password"))
	expect(t, e.rest(path, `{"username":"","password":null}`, ""), 400, required("username", "password"))
	expect(t, e.rest(path, `{"username":"admin"}`, ""), 400, required("password"))
	expect(t, e.rest(path, `{"username":123,"password":"x"}`, ""), 400,
		`{"message":"The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.","parameters":{"type":"string","value":"123"}}`)
	expect(t, e.rest(path, `{"username":`, ""), 400, `{"message":"Decoding error: the request body is not a JSON object."}`)
	expect(t, e.rest(path, `["admin"]`, ""), 400, `{"message":"Decoding error: the request body is not a JSON object."}`)
	expect(t, e.do("POST", path, "text/plain", `{"username":"admin","password":"admin123"}`, nil), 400,
		`{"message":"Server cannot understand Content-Type HTTP header media type text/plain"}`)
	expect(t, e.rest("/rest/V1/nope", `{}`, ""), 404, `{"message":"Request does not match any route."}`)
	expect(t, e.do("GET", path, "", "", nil), 404, `{"message":"Request does not match any route."}`)
	// An admin token is not a customer.
	expect(t, e.gql(tok, `{customer{email}}`, nil), 403, gqlErr("The current customer isn't authorized.", "graphql-authorization", 2, "customer"))
}

func TestCustomerTokenREST(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	r := e.rest("/rest/V1/integration/customer/token", `{"username":"customer@example.com","password":"password"}`, "")
	var tok string
	if r.status != 200 || json.Unmarshal([]byte(r.body), &tok) != nil {
		t.Fatal(r)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	expect(t, e.rest("/rest/V1/integration/customer/token", `{"username":"customer@example.com","password":"nope"}`, ""), 401, signInIncorrectREST)
	// The throttle is shared by REST and GraphQL: 5 REST failures + 1 GraphQL failure = 6.
	for i := 0; i < 4; i++ {
		e.rest("/rest/V1/integration/customer/token", `{"username":"customer@example.com","password":"nope"}`, "")
	}
	e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"nope"){token}}`, nil)
	expect(t, e.rest("/rest/V1/integration/customer/token", `{"username":"customer@example.com","password":"password"}`, ""), 401, signInIncorrectREST)
	expect(t, e.gql("", qSignIn, nil), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
}

func TestAdminLockout(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathThrottleMaxFailures, "0")
	e.admin("admin", "admin123")
	for i := 0; i < 6; i++ {
		e.rest("/rest/V1/integration/admin/token", `{"username":"admin","password":"wrong"}`, "")
	}
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"admin","password":"admin123"}`, ""), 401, signInIncorrectREST)
	e.clock.Add(30*time.Minute + time.Second)
	e.adminToken("admin", "admin123")
}

func TestTwoFactor(t *testing.T) {
	e := newEnv(t)
	e.admin("admin", "admin123")
	const path = "/rest/V1/integration/admin/token"
	creds := `{"username":"admin","password":"admin123"}`
	expect(t, e.rest(path, creds, ""), 400,
		`{"message":"You are required to configure personal Two-Factor Authorization in order to login. Please check your email.","parameters":{"active_providers":[],"providers":["google"]}}`)
	expect(t, e.rest("/rest/V1/tfa/provider/google/authenticate", `{"username":"admin","password":"admin123","otp":"123456"}`, ""), 400,
		`{"message":"Provider is not configured."}`)
	a, err := e.svc.SetupTOTP(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	expect(t, e.rest(path, creds, ""), 400,
		`{"message":"Please use the 2fa provider-specific endpoints to obtain a token.","parameters":{"active_providers":["google"]}}`)
	// Wrong credentials still get the generic message, not a 2FA hint.
	expect(t, e.rest(path, `{"username":"admin","password":"x"}`, ""), 401, signInIncorrectREST)

	google := func(otp string) response {
		return e.rest("/rest/V1/tfa/provider/google/authenticate", `{"username":"admin","password":"admin123","otp":"`+otp+`"}`, "")
	}
	expect(t, google("000000"), 401, `{"message":"Invalid code."}`)
	expect(t, e.rest("/rest/V1/tfa/provider/google/authenticate", `{"username":"admin","password":"admin123"}`, ""), 400, required("otp"))
	expect(t, e.rest("/rest/V1/tfa/provider/google/authenticate", `{"username":"admin","password":"bad","otp":"000000"}`, ""), 401, signInIncorrectREST)
	code, _ := auth.TOTPCode(a.TOTPSecret, e.clock.Now())
	r := google(code)
	var tok string
	if r.status != 200 || json.Unmarshal([]byte(r.body), &tok) != nil || claimsOf(t, tok)["utypid"] != float64(2) {
		t.Fatalf("google authenticate: %s", r)
	}
	// The same code works once.
	expect(t, google(code), 401, `{"message":"Invalid code."}`)
	// The previous step's code is accepted (±1 step) when not used before... but not older than the last used one.
	prev, _ := auth.TOTPCode(a.TOTPSecret, e.clock.Now().Add(-30*time.Second))
	expect(t, google(prev), 401, `{"message":"Invalid code."}`)
	e.clock.Add(30 * time.Second)
	next, _ := auth.TOTPCode(a.TOTPSecret, e.clock.Now().Add(30*time.Second))
	if r := google(next); r.status != 200 {
		t.Fatalf("next step's code: %s", r)
	}
	e.clock.Add(90 * time.Second)
	stale, _ := auth.TOTPCode(a.TOTPSecret, e.clock.Now().Add(-60*time.Second))
	expect(t, google(stale), 401, `{"message":"Invalid code."}`)
}

func TestGenerateCustomerTokenAsAdmin(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	a := e.admin("admin", "admin123")
	c := e.customer("customer@example.com", "password")
	helped := e.customer("customer1@mail.com", "password")
	if _, err := e.svc.UpdateCustomer(auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: helped.ID, UserType: auth.UserTypeCustomer}}),
		auth.CustomerInput{AllowAssistance: ptr(true)}, false); err != nil {
		t.Fatal(err)
	}
	adminTok := e.adminToken("admin", "admin123")
	customerTok := e.token("customer@example.com", "password")
	q := func(email string) string {
		return `mutation{generateCustomerTokenAsAdmin(input:{customer_email:"` + email + `"}){customer_token}}`
	}
	err := func(msg, cat string) string { return gqlErr(msg, cat, 10, "generateCustomerTokenAsAdmin") }
	expect(t, e.gql(adminTok, q(""), nil), 200, err(`Specify the "customer email" value.`, "graphql-input"))
	expect(t, e.gql("", q("  "), nil), 200, err(`Specify the "customer email" value.`, "graphql-input"))
	expect(t, e.gql("", q("customer1@mail.com"), nil), 403, err("The current customer isn't authorized.", "graphql-authorization"))
	expect(t, e.gql(customerTok, q("customer1@mail.com"), nil), 403, err("The current customer isn't authorized.", "graphql-authorization"))
	expect(t, e.gql(adminTok, q("nobody@example.com"), nil), 200, err("Customer email provided does not exist", "graphql-input"))
	expect(t, e.gql(adminTok, q("customer@example.com"), nil), 403, err("Allow remote shopping assistance is disabled for this customer.", "graphql-authorization"))
	e.set(auth.PathLoginAsCustomerEnabled, "0")
	expect(t, e.gql(adminTok, q("nobody@example.com"), nil), 403, err("Login as Customer is disabled.", "graphql-authorization"))
	e.set(auth.PathLoginAsCustomerEnabled, "1")

	r := e.gql(adminTok, q("customer1@mail.com"), nil)
	var out struct {
		Data struct {
			GenerateCustomerTokenAsAdmin struct {
				CustomerToken string `json:"customer_token"`
			}
		}
	}
	json.Unmarshal([]byte(r.body), &out)
	tok := out.Data.GenerateCustomerTokenAsAdmin.CustomerToken
	if r.status != 200 || tok == "" {
		t.Fatalf("as admin: %s", r)
	}
	cl := claimsOf(t, tok)
	if cl["uid"] != float64(helped.ID) || cl["utypid"] != float64(3) || cl["admin_id"] != float64(a.ID) {
		t.Errorf("claims %v", cl)
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer1@mail.com"}}}`)
	events, _ := e.db.AuditList(context.Background(), db.AuditFilter{Event: "admin.login_as_customer"})
	if len(events) != 1 || events[0].AdminID != a.ID || events[0].CustomerID != helped.ID || events[0].RemoteAddr != "127.0.0.1" {
		t.Errorf("audit %+v", events)
	}
	_ = c
}

func ptr[T any](v T) *T { return &v }

func TestOneTimeCodes(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathSignInRateLimit, "0")
	a := e.admin("admin", "admin123")
	plain := e.customer("customer@example.com", "password")
	c := e.customer("customer1@mail.com", "password")
	e.svc.UpdateCustomer(auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: c.ID, UserType: auth.UserTypeCustomer}}),
		auth.CustomerInput{AllowAssistance: ptr(true)}, false)
	adminTok := e.adminToken("admin", "admin123")
	customerTok := e.token("customer1@mail.com", "password")
	otc := func(id int64, tok string) (response, string) {
		r := e.rest(fmt.Sprintf("/rest/V1/customer/%d/otp", id), `{"reason":"Customer called about order 42"}`, tok)
		var out struct{ Otp string }
		json.Unmarshal([]byte(r.body), &out)
		return r, out.Otp
	}
	// Who may ask.
	r, _ := otc(c.ID, "")
	expect(t, r, 401, consumerNotAuth)
	r, _ = otc(c.ID, customerTok)
	expect(t, r, 401, consumerNotAuth)
	r, _ = otc(c.ID, "garbage")
	expect(t, r, 401, `{"message":"Composite reader could not read a token"}`)
	expect(t, e.rest(fmt.Sprintf("/rest/V1/customer/%d/otp", c.ID), `{}`, adminTok), 400, required("reason"))
	expect(t, e.rest("/rest/V1/customer/abc/otp", `{"reason":"x"}`, adminTok), 400,
		`{"message":"The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.","parameters":{"type":"int","value":"abc"}}`)

	// Same answer shape for an unknown customer and one without assistance; neither code works.
	for _, id := range []int64{9999, plain.ID} {
		r, code := otc(id, adminTok)
		if r.status != 200 || len(code) != 32 {
			t.Fatalf("customer %d: %s", id, r)
		}
		email := "customer@example.com"
		expect(t, e.gql("", `mutation{exchangeOtpForCustomerToken(email:"`+email+`",otp:"`+code+`"){token}}`, nil), 401,
			gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "exchangeOtpForCustomerToken"))
	}

	exchange := func(code string) response {
		return e.gql("", `mutation{exchangeOtpForCustomerToken(email:"customer1@mail.com",otp:"`+code+`"){token}}`, nil)
	}
	expect(t, e.gql("", `mutation{exchangeOtpForCustomerToken(email:"",otp:"x"){token}}`, nil), 200,
		gqlErr(`Specify the "email" value.`, "graphql-input", 10, "exchangeOtpForCustomerToken"))
	expect(t, e.gql("", `mutation{exchangeOtpForCustomerToken(email:"customer1@mail.com",otp:""){token}}`, nil), 200,
		gqlErr(`Specify the "otp" value.`, "graphql-input", 10, "exchangeOtpForCustomerToken"))

	// A code works once, carries admin_id.
	_, code := otc(c.ID, adminTok)
	r = exchange(code)
	var out struct {
		Data struct{ ExchangeOtpForCustomerToken struct{ Token string } }
	}
	json.Unmarshal([]byte(r.body), &out)
	if r.status != 200 || claimsOf(t, out.Data.ExchangeOtpForCustomerToken.Token)["admin_id"] != float64(a.ID) {
		t.Fatalf("exchange: %s", r)
	}
	expect(t, exchange(code), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "exchangeOtpForCustomerToken"))

	// Expiry: valid login_as_customer/otc/lifetime seconds.
	_, code = otc(c.ID, adminTok)
	e.clock.Add(30 * time.Second)
	expect(t, exchange(code), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "exchangeOtpForCustomerToken"))
	e.set(auth.PathOTCLifetime, "120")
	_, code = otc(c.ID, adminTok)
	e.clock.Add(119 * time.Second)
	if r := exchange(code); r.status != 200 {
		t.Fatalf("within a 120 s lifetime: %s", r)
	}

	// generateCustomerToken takes the code as the password, once.
	_, code = otc(c.ID, adminTok)
	r = e.gql("", `mutation{generateCustomerToken(email:"customer1@mail.com",password:"`+code+`"){token}}`, nil)
	var gt struct {
		Data struct{ GenerateCustomerToken struct{ Token string } }
	}
	json.Unmarshal([]byte(r.body), &gt)
	if r.status != 200 || claimsOf(t, gt.Data.GenerateCustomerToken.Token)["admin_id"] != float64(a.ID) {
		t.Fatalf("generateCustomerToken with OTC: %s", r)
	}
	// The password still works and carries no admin_id.
	if cl := claimsOf(t, e.token("customer1@mail.com", "password")); cl["admin_id"] != nil {
		t.Errorf("password token has admin_id: %v", cl)
	}

	// A hundred parallel exchanges of one code: exactly one wins. (The losers' failures
	// must not lock or throttle the account between rounds.)
	e.set(auth.PathThrottleMaxFailures, "0")
	e.set(auth.PathLockoutFailures, "0")
	for round := 0; round < 3; round++ {
		_, code = otc(c.ID, adminTok)
		var wins, losses int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := exchange(code)
				mu.Lock()
				defer mu.Unlock()
				if r.status == 200 {
					wins++
				} else {
					losses++
				}
			}()
		}
		wg.Wait()
		if wins != 1 || losses != 99 {
			t.Fatalf("round %d: %d wins, %d losses", round, wins, losses)
		}
	}

	// Codes stop working when the customer withdraws assistance.
	_, code = otc(c.ID, adminTok)
	e.svc.UpdateCustomer(auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: c.ID, UserType: auth.UserTypeCustomer}}),
		auth.CustomerInput{AllowAssistance: ptr(false)}, false)
	expect(t, exchange(code), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "exchangeOtpForCustomerToken"))

	// The audit log has every code with admin, customer and reason.
	events, _ := e.db.AuditList(context.Background(), db.AuditFilter{AdminID: a.ID, Event: "admin.otc_created"})
	if len(events) < 5 || events[0].CustomerID != c.ID || events[0].Detail != "Customer called about order 42" {
		t.Errorf("audit: %+v", events)
	}
	used, _ := e.db.AuditList(context.Background(), db.AuditFilter{Event: "admin.otc_used"})
	if len(used) != 6 { // 3 single uses above + one per parallel round
		t.Errorf("%d otc_used events, want 6", len(used))
	}
}
