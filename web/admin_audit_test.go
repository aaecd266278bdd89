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
)

const (
	invalidCode = `{"message":"Invalid code."}`
	googlePath  = "/rest/V1/tfa/provider/google/authenticate"
)

// totpAdmin is an admin with TOTP set up, 2FA on (the default) and no per-address rate limit.
func totpAdmin(t *testing.T, e *env) *auth.Admin {
	t.Helper()
	e.set(auth.PathSignInRateLimit, "0")
	e.admin("admin", "admin123")
	a, err := e.svc.SetupTOTP(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) google(password, otp string) response {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"username": "admin", "password": password, "otp": otp})
	return e.rest(googlePath, string(b), "")
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTOTPWindow: on a fresh admin the previous, current and next step's codes are
// each accepted; two steps away is not.
func TestTOTPWindow(t *testing.T) {
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{{-60 * time.Second, false}, {-30 * time.Second, true}, {0, true}, {30 * time.Second, true}, {60 * time.Second, false}} {
		e := newEnv(t)
		a := totpAdmin(t, e)
		r := e.google("admin123", code(t, a.TOTPSecret, e.clock.Now().Add(tc.offset)))
		if tc.ok && r.status != 200 {
			t.Errorf("offset %v: %s", tc.offset, r)
		}
		if !tc.ok {
			expect(t, r, 401, invalidCode)
		}
	}
}

// TestTOTPGuessingIsThrottled: knowing the password must not give unlimited TOTP
// guesses. Wrong codes count towards the per-username token throttle, and neither the
// right password on the 2FA-gated token route nor on the google route resets it.
func TestTOTPGuessingIsThrottled(t *testing.T) {
	e := newEnv(t)
	a := totpAdmin(t, e)
	for i := 0; i < 3; i++ {
		expect(t, e.google("admin123", "000000"), 401, invalidCode)
	}
	// The right password alone (no token comes of it) does not clear the count.
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"admin","password":"admin123"}`, ""), 400,
		`{"message":"Please use the 2fa provider-specific endpoints to obtain a token.","parameters":{"active_providers":["google"]}}`)
	for i := 0; i < 3; i++ {
		expect(t, e.google("admin123", "000000"), 401, invalidCode)
	}
	// Six failures: now even the right code is refused with the generic message.
	expect(t, e.google("admin123", code(t, a.TOTPSecret, e.clock.Now())), 401, signInIncorrectREST)
	expect(t, e.rest("/rest/V1/integration/admin/token", `{"username":"admin","password":"admin123"}`, ""), 401, signInIncorrectREST)
	// After oauth/authentication_lock/timeout the right code works, and a success resets the count.
	e.clock.Add(1800*time.Second + time.Second)
	if r := e.google("admin123", code(t, a.TOTPSecret, e.clock.Now())); r.status != 200 {
		t.Fatalf("after the throttle timeout: %s", r)
	}
	for i := 0; i < 5; i++ {
		expect(t, e.google("admin123", "000000"), 401, invalidCode)
	}
	e.clock.Add(30 * time.Second)
	if r := e.google("admin123", code(t, a.TOTPSecret, e.clock.Now())); r.status != 200 {
		t.Fatalf("5 failures after a success: %s", r)
	}
}

// TestTOTPParallelUse: two parallel requests with one code: exactly one gets a token.
func TestTOTPParallelUse(t *testing.T) {
	e := newEnv(t)
	a := totpAdmin(t, e)
	for round := 0; round < 5; round++ {
		e.clock.Add(30 * time.Second)
		c := code(t, a.TOTPSecret, e.clock.Now())
		var mu sync.Mutex
		var wg sync.WaitGroup
		got := map[int][]string{}
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.google("admin123", c)
				mu.Lock()
				got[r.status] = append(got[r.status], r.body)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(got[200]) != 1 || len(got[401]) != 1 || got[401][0] != invalidCode {
			t.Fatalf("round %d: %v", round, got)
		}
	}
}

// TestAdminLockoutWindow: admin/security/lockout_failures wrong passwords lock the admin
// only when they fall within admin/security/lockout_threshold minutes; the lock lasts that long.
func TestAdminLockoutWindow(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathThrottleMaxFailures, "0") // the admin lock alone
	e.set(auth.PathSignInRateLimit, "0")
	a := e.admin("admin", "admin123")
	const path = "/rest/V1/integration/admin/token"
	wrong := func(n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			expect(t, e.rest(path, `{"username":"admin","password":"wrong"}`, ""), 401, signInIncorrectREST)
		}
	}
	// Five failures, then the window passes: the sixth starts a new count.
	wrong(5)
	e.clock.Add(30*time.Minute + time.Second)
	wrong(1)
	e.adminToken("admin", "admin123") // also resets the count
	// Six within the window lock the admin, even with the right password, for 30 minutes.
	wrong(6)
	expect(t, e.rest(path, `{"username":"admin","password":"admin123"}`, ""), 401, signInIncorrectREST)
	e.clock.Add(29 * time.Minute)
	expect(t, e.rest(path, `{"username":"admin","password":"admin123"}`, ""), 401, signInIncorrectREST)
	e.clock.Add(time.Minute + time.Second)
	e.adminToken("admin", "admin123")
	if ev, _ := e.db.AuditList(context.Background(), auth.AuditFilter{AdminID: a.ID, Event: "admin.locked"}); len(ev) != 1 {
		t.Errorf("admin.locked events: %+v", ev)
	}
	// The setting is read live: three now lock.
	e.set(auth.PathAdminLockoutFailures, "3")
	wrong(3)
	expect(t, e.rest(path, `{"username":"admin","password":"admin123"}`, ""), 401, signInIncorrectREST)
}

// TestAdminThrottle: the per-username throttle counts admin REST
// failures for any username string, unknown ones too, and is separate from customers'.
func TestAdminThrottle(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathSignInRateLimit, "0")
	e.admin("admin", "admin123")
	e.customer("admin@example.com", "password")
	const path = "/rest/V1/integration/admin/token"
	for i := 0; i < 6; i++ {
		expect(t, e.rest(path, `{"username":"ghost","password":"x"}`, ""), 401, signInIncorrectREST)
		expect(t, e.rest(path, `{"username":"ADMIN ","password":"x"}`, ""), 401, signInIncorrectREST)
	}
	// "ADMIN " counts for "admin": the right password is refused now.
	expect(t, e.rest(path, `{"username":"admin","password":"admin123"}`, ""), 401, signInIncorrectREST)
	// A customer of the same name is another user type: not throttled.
	e.token("admin@example.com", "password")
	e.clock.Add(1801 * time.Second)
	e.adminToken("admin", "admin123")
}

// TestGenerateCustomerTokenAsAdminOrder checks each pair of neighbouring checks of
// SPEC §6, so the order (not only each message) is proven.
func TestGenerateCustomerTokenAsAdminOrder(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	e.customer("plain@example.com", "password")
	helped := e.customer("customer1@mail.com", "password")
	allowAssistance(t, e, helped.ID, true)
	adminTok := e.adminToken("admin", "admin123")
	customerTok := e.token("plain@example.com", "password")
	q := func(email string) string {
		b, _ := json.Marshal(email)
		return `mutation{generateCustomerTokenAsAdmin(input:{customer_email:` + string(b) + `}){customer_token}}`
	}
	gerr := func(msg, cat string) string { return gqlErr(msg, cat, 10, "generateCustomerTokenAsAdmin") }
	var (
		specify     = gerr(`Specify the "customer email" value.`, "graphql-input")
		notAuth     = gerr("The current customer isn't authorized.", "graphql-authorization")
		disabled    = gerr("Login as Customer is disabled.", "graphql-authorization")
		noSuchEmail = gerr("Customer email provided does not exist", "graphql-input")
		notOptedIn  = gerr("Allow remote shopping assistance is disabled for this customer.", "graphql-authorization")
	)
	// A customer token made for an admin is still a customer token.
	impersonation := tokenFrom(t, e.gql(adminTok, q("customer1@mail.com"), nil))

	e.set(auth.PathLoginAsCustomerEnabled, "0")
	// Switching login as customer off revoked the admin's customer token for good
	// (issue 14 item 8): it is refused before any check.
	expect(t, e.gql(impersonation, q(""), nil), 401, revokedBody)
	// 1 before 2 and 3: a blank email is an input error for a guest, a customer, with the feature off.
	for _, tok := range []string{"", customerTok, adminTok} {
		expect(t, e.gql(tok, q(""), nil), 200, specify)
		expect(t, e.gql(tok, q(" \t "), nil), 200, specify)
	}
	// 2 before 3: not an admin while the feature is off.
	for _, tok := range []string{"", customerTok} {
		expect(t, e.gql(tok, q("customer1@mail.com"), nil), 403, notAuth)
	}
	// 3 before 4 and 5.
	expect(t, e.gql(adminTok, q("nobody@example.com"), nil), 403, disabled)
	expect(t, e.gql(adminTok, q("plain@example.com"), nil), 403, disabled)
	expect(t, e.gql(adminTok, q("customer1@mail.com"), nil), 403, disabled)
	e.set(auth.PathLoginAsCustomerEnabled, "1")
	// 2 before 4: a customer asking about an unknown email is not told it is unknown.
	expect(t, e.gql(customerTok, q("nobody@example.com"), nil), 403, notAuth)
	expect(t, e.gql(adminTok, q("nobody@example.com"), nil), 200, noSuchEmail)
	expect(t, e.gql(adminTok, q("plain@example.com"), nil), 403, notOptedIn)
	// Emails match without case or surrounding blanks; the token carries admin_id.
	tok := tokenFrom(t, e.gql(adminTok, q("  Customer1@Mail.com "), nil))
	if c := claimsOf(t, tok); c["uid"] != float64(helped.ID) || c["utypid"] != float64(3) || c["admin_id"] == nil {
		t.Errorf("claims %v", c)
	}
	// An expired admin token fails the whole request before any check.
	e.clock.Add(4*time.Hour + time.Second)
	expect(t, e.gql(adminTok, q(""), nil), 401, `{"errors":[{"message":"Consumer key has expired","extensions":{"category":"graphql-authentication"}}]}`)
}

func allowAssistance(t *testing.T, e *env, customerID int64, allow bool) {
	t.Helper()
	ctx := auth.WithPrincipal(context.Background(), &auth.Principal{Claims: auth.Claims{UserID: customerID, UserType: auth.UserTypeCustomer}})
	if _, err := e.svc.UpdateCustomer(ctx, auth.CustomerInput{AllowAssistance: ptr(allow)}, false); err != nil {
		t.Fatal(err)
	}
}

// tokenFrom reads the one token of a successful GraphQL token mutation.
func tokenFrom(t *testing.T, r response) string {
	t.Helper()
	var out struct {
		Data map[string]map[string]string
	}
	if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil {
		t.Fatalf("no token: %s", r)
	}
	for _, v := range out.Data {
		for _, tok := range v {
			if tok != "" {
				return tok
			}
		}
	}
	t.Fatalf("no token: %s", r)
	return ""
}

// TestAdminTokenIsNoCustomer: an admin token is refused wherever a customer is needed.
func TestAdminTokenIsNoCustomer(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	tok := e.adminToken("admin", "admin123")
	for field, q := range map[string]string{
		"customer":               `{customer{email}}`,
		"revokeCustomerToken":    `mutation{revokeCustomerToken{result}}`,
		"updateCustomerV2":       `mutation{updateCustomerV2(input:{firstname:"X"}){customer{email}}}`,
		"changeCustomerPassword": `mutation{changeCustomerPassword(currentPassword:"admin123",newPassword:"N3w-Passw0rd"){email}}`,
	} {
		col := 10
		if field == "customer" {
			col = 2
		}
		expect(t, e.gql(tok, q, nil), 403, gqlErr("The current customer isn't authorized.", "graphql-authorization", col, field))
	}
	// The admin token is still good afterwards (refusals revoke nothing).
	if r := e.rest("/rest/V1/customer/1/otp", `{"reason":"check"}`, tok); r.status != 200 {
		t.Errorf("admin token after refusals: %s", r)
	}
}

// otcEnv has an admin (token), a customer who allows assistance and one who does not.
type otcEnv struct {
	*env
	admin         *auth.Admin
	adminTok      string
	helped, plain *auth.Customer
}

func newOTCEnv(t *testing.T) *otcEnv {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.set(auth.PathSignInRateLimit, "0")
	o := &otcEnv{env: e, admin: e.admin("admin", "admin123")}
	o.helped = e.customer("customer1@mail.com", "password")
	o.plain = e.customer("customer@example.com", "password")
	allowAssistance(t, e, o.helped.ID, true)
	o.adminTok = e.adminToken("admin", "admin123")
	return o
}

// otc asks for a code for customer id and returns it (status 200 and 32 hex chars checked).
func (o *otcEnv) otc(t *testing.T, id int64, reason string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"reason": reason})
	r := o.rest("/rest/V1/customer/"+itoa(int(id))+"/otp", string(b), o.adminTok)
	var out map[string]string
	if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil || len(out) != 1 || !isHex32(out["otp"]) {
		t.Fatalf("otp for %d: %s", id, r)
	}
	return out["otp"]
}

func isHex32(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (o *otcEnv) exchange(email, code string) response {
	return o.gql("", `mutation($e:String!,$o:String!){exchangeOtpForCustomerToken(email:$e,otp:$o){token}}`, map[string]any{"e": email, "o": code})
}

func (o *otcEnv) signIn(email, password string) response {
	return o.gql("", `mutation($e:String!,$p:String!){generateCustomerToken(email:$e,password:$p){token}}`, map[string]any{"e": email, "p": password})
}

var (
	exchangeRefused = gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 33, "exchangeOtpForCustomerToken")
	signInRefused   = gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 33, "generateCustomerToken")
)

// TestOTCRouteInput: the OTC route's bad input, each with its status and exact body.
func TestOTCRouteInput(t *testing.T) {
	o := newOTCEnv(t)
	path := "/rest/V1/customer/" + itoa(int(o.helped.ID)) + "/otp"
	for _, tc := range []struct{ body, want string }{
		{`{}`, required("reason")},
		{`{"reason":null}`, required("reason")},
		{`{"reason":""}`, required("reason")},
		{`{"reason":" \t "}`, required("reason")},
		{`{"reason":42}`, `{"message":"The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.","parameters":{"type":"string","value":"42"}}`},
		{`{"reason":`, `{"message":"Decoding error: the request body is not a JSON object."}`},
		{`"reason"`, `{"message":"Decoding error: the request body is not a JSON object."}`},
		{``, `{"message":"Decoding error: the request body is not a JSON object."}`},
	} {
		expect(t, o.rest(path, tc.body, o.adminTok), 400, tc.want)
	}
	expect(t, o.do("POST", path, "text/plain", `{"reason":"x"}`, map[string]string{"Authorization": "Bearer " + o.adminTok}), 400,
		`{"message":"Server cannot understand Content-Type HTTP header media type text/plain"}`)
	expect(t, o.do("POST", path, "", `{"reason":"x"}`, map[string]string{"Authorization": "Bearer " + o.adminTok}), 400,
		`{"message":"Server cannot understand Content-Type HTTP header media type (none)"}`)
	if r := o.do("POST", path, "application/json; charset=UTF-8", `{"reason":"x"}`, map[string]string{"Authorization": "Bearer " + o.adminTok}); r.status != 200 {
		t.Errorf("charset parameter: %s", r)
	}
	// With a store code too.
	if r := o.rest("/rest/default/V1/customer/"+itoa(int(o.helped.ID))+"/otp", `{"reason":"x"}`, o.adminTok); r.status != 200 {
		t.Errorf("store code: %s", r)
	}
	// Who asks is checked before what is asked.
	expect(t, o.rest("/rest/V1/customer/abc/otp", `{`, ""), 401, consumerNotAuth)
	expect(t, o.rest("/rest/V1/customer/abc/otp", `{}`, o.adminTok), 400,
		`{"message":"The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.","parameters":{"type":"int","value":"abc"}}`)
	// A customer token, also one made for this admin, is not an admin.
	customerTok := o.token("customer1@mail.com", "password")
	expect(t, o.rest(path, `{"reason":"x"}`, customerTok), 401, consumerNotAuth)
	impersonation := tokenFrom(t, o.gql(o.adminTok, `mutation{generateCustomerTokenAsAdmin(input:{customer_email:"customer1@mail.com"}){customer_token}}`, nil))
	expect(t, o.rest(path, `{"reason":"x"}`, impersonation), 401, consumerNotAuth)
	// Any integer id gets the same answer shape, and no code that works.
	for _, id := range []string{"0", "-1", "999999"} {
		r := o.rest("/rest/V1/customer/"+id+"/otp", `{"reason":"x"}`, o.adminTok)
		var out map[string]string
		if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil || !isHex32(out["otp"]) {
			t.Errorf("id %s: %s", id, r)
		}
	}
	// An expired admin token.
	o.clock.Add(4*time.Hour + time.Second)
	expect(t, o.rest(path, `{"reason":"x"}`, o.adminTok), 401, `{"message":"Consumer key has expired"}`)
}

// TestOTCLifetime: a code works before login_as_customer/otc/lifetime seconds have
// passed and not at that moment; the setting is read when the code is made.
func TestOTCLifetime(t *testing.T) {
	o := newOTCEnv(t)
	code := o.otc(t, o.helped.ID, "lifetime")
	o.clock.Add(29 * time.Second)
	if r := o.exchange("customer1@mail.com", code); r.status != 200 {
		t.Fatalf("at 29 s: %s", r)
	}
	code = o.otc(t, o.helped.ID, "lifetime")
	o.clock.Add(30 * time.Second)
	expect(t, o.exchange("customer1@mail.com", code), 401, exchangeRefused)
	o.set(auth.PathOTCLifetime, "5")
	code = o.otc(t, o.helped.ID, "lifetime")
	o.set(auth.PathOTCLifetime, "300")
	o.clock.Add(5 * time.Second)
	expect(t, o.signIn("customer1@mail.com", code), 401, signInRefused)
}

// TestOTCUse: who may use a code and how (SPEC §6).
func TestOTCUse(t *testing.T) {
	o := newOTCEnv(t)
	other := o.customer("other@example.com", "password")
	allowAssistance(t, o.env, other.ID, true)

	// Another customer's code is refused and stays usable for its own customer.
	code := o.otc(t, o.helped.ID, "order 42")
	expect(t, o.exchange("other@example.com", code), 401, exchangeRefused)
	expect(t, o.signIn("other@example.com", code), 401, signInRefused)
	tok := tokenFrom(t, o.exchange("CUSTOMER1@mail.com", strings.ToUpper(code)))
	if c := claimsOf(t, tok); c["uid"] != float64(o.helped.ID) || c["admin_id"] != float64(o.admin.ID) {
		t.Errorf("claims %v", c)
	}
	expect(t, o.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer1@mail.com"}}}`)
	// Used by one route, refused by the other.
	expect(t, o.signIn("customer1@mail.com", code), 401, signInRefused)
	code = o.otc(t, o.helped.ID, "order 42")
	tokenFrom(t, o.signIn("customer1@mail.com", code))
	expect(t, o.exchange("customer1@mail.com", code), 401, exchangeRefused)

	// exchangeOtpForCustomerToken takes only a code: not the password, not a reset token.
	expect(t, o.exchange("customer1@mail.com", "password"), 401, exchangeRefused)
	o.gql("", `mutation{requestPasswordResetEmail(email:"customer1@mail.com")}`, nil)
	reset := o.lastMailVar("password_reset", "token")
	expect(t, o.exchange("customer1@mail.com", reset), 401, exchangeRefused)
	// generateCustomerToken takes the reset token once, without admin_id.
	if c := claimsOf(t, tokenFrom(t, o.signIn("customer1@mail.com", reset))); c["admin_id"] != nil {
		t.Errorf("reset-token sign-in carries admin_id: %v", c)
	}
	expect(t, o.signIn("customer1@mail.com", reset), 401, signInRefused)

	// Codes stop working when login as customer is turned off, and work again when on.
	code = o.otc(t, o.helped.ID, "order 42")
	o.set(auth.PathLoginAsCustomerEnabled, "0")
	expect(t, o.exchange("customer1@mail.com", code), 401, exchangeRefused)
	o.set(auth.PathLoginAsCustomerEnabled, "1")
	tokenFrom(t, o.exchange("customer1@mail.com", code))
	// While the feature is off no code is made, for any customer id: the admin is told.
	o.set(auth.PathLoginAsCustomerEnabled, "0")
	for _, id := range []int64{o.helped.ID, o.plain.ID, 999} {
		expect(t, o.rest("/rest/V1/customer/"+itoa(int(id))+"/otp", `{"reason":"order 42"}`, o.adminTok), 401, `{"message":"Login as Customer is disabled."}`)
	}
	o.set(auth.PathLoginAsCustomerEnabled, "1")
	// A locked customer cannot use a code.
	code = o.otc(t, o.helped.ID, "order 42")
	o.set(auth.PathThrottleMaxFailures, "0")
	for i := 0; i < 10; i++ {
		o.signIn("customer1@mail.com", "wrong-password")
	}
	expect(t, o.exchange("customer1@mail.com", code), 401, exchangeRefused)

	// Bad input on exchangeOtpForCustomerToken.
	expect(t, o.exchange(" ", code), 200, gqlErr(`Specify the "email" value.`, "graphql-input", 33, "exchangeOtpForCustomerToken"))
	expect(t, o.exchange("customer1@mail.com", " "), 200, gqlErr(`Specify the "otp" value.`, "graphql-input", 33, "exchangeOtpForCustomerToken"))
}

// TestOTCCodesAreUnusableWithoutAssistance: a code asked for a customer who does not
// allow assistance never works, even after the customer opts in.
func TestOTCCodesAreUnusableWithoutAssistance(t *testing.T) {
	o := newOTCEnv(t)
	code := o.otc(t, o.plain.ID, "no opt-in")
	allowAssistance(t, o.env, o.plain.ID, true)
	expect(t, o.exchange("customer@example.com", code), 401, exchangeRefused)
	expect(t, o.signIn("customer@example.com", code), 401, signInRefused)
}

// TestGoogleAuthenticateInput: bad input on the google route, each with its exact body.
func TestGoogleAuthenticateInput(t *testing.T) {
	e := newEnv(t)
	a := totpAdmin(t, e)
	typeErr := func(v string) string {
		b, _ := json.Marshal(v)
		return `{"message":"The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.","parameters":{"type":"string","value":` + string(b) + `}}`
	}
	for _, tc := range []struct {
		body   string
		status int
		want   string
	}{
		{`{}`, 400, required("username", "password", "otp")},
		{`{"username":null,"password":null,"otp":null}`, 400, required("username", "password", "otp")},
		{`{"username":"","password":"","otp":""}`, 400, required("username", "password", "otp")},
		{`{"username":"admin","password":"admin123","otp":null}`, 400, required("otp")},
		{`{"username":"admin","password":"admin123","otp":123456}`, 400, typeErr("123456")},
		{`{"username":"admin","password":["admin123"],"otp":"123456"}`, 400, typeErr(`["admin123"]`)},
		{`{"username":"admin","password":"admin123","otp":"12345"}`, 401, invalidCode},
		{`{"username":"admin","password":"admin123","otp":"abcdef"}`, 401, invalidCode},
		{`{"username":"admin","password":"admin123","otp":"1234567"}`, 401, invalidCode},
		{`{"username":"admin","password":"admin123"`, 400, `{"message":"Decoding error: the request body is not a JSON object."}`},
		{`{"username":"nobody","password":"admin123","otp":"123456"}`, 401, signInIncorrectREST},
	} {
		expect(t, e.rest(googlePath, tc.body, ""), tc.status, tc.want)
	}
	expect(t, e.do("POST", googlePath, "application/x-www-form-urlencoded", "username=admin&password=admin123&otp=1", nil), 400,
		`{"message":"Server cannot understand Content-Type HTTP header media type application/x-www-form-urlencoded"}`)
	expect(t, e.do("GET", googlePath, "", "", nil), 404, `{"message":"Request does not match any route."}`)
	// The store-code form of the route, and surrounding blanks in the code are forgiven.
	e.clock.Add(time.Hour) // past the throttle built up above
	body := `{"username":"admin","password":"admin123","otp":" ` + code(t, a.TOTPSecret, e.clock.Now()) + ` "}`
	r := e.rest("/rest/default/V1/tfa/provider/google/authenticate", body, "")
	var tok string
	if r.status != 200 || json.Unmarshal([]byte(r.body), &tok) != nil {
		t.Fatalf("store code route: %s", r)
	}
	// Its token works where an admin is needed.
	if r := e.rest("/rest/V1/customer/1/otp", `{"reason":"x"}`, tok); r.status != 200 {
		t.Errorf("google token on the OTC route: %s", r)
	}
}

// TestTwoFactorSwitch: twofactorauth/general/enable both ways, and the setup mail.
func TestTwoFactorSwitch(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "0")
	a := e.admin("admin", "admin123")
	const path = "/rest/V1/integration/admin/token"
	creds := `{"username":"admin","password":"admin123"}`
	configure := `{"message":"You are required to configure personal Two-Factor Authorization in order to login. Please check your email.","parameters":{"active_providers":[],"providers":["google"]}}`
	expect(t, e.rest(path, creds, ""), 400, configure)
	mails := e.outbox()
	if len(mails) != 1 || mails[0].To != "admin@example.com" || mails[0].Template != "tfa_setup" || mails[0].Vars["username"] != "admin" {
		t.Fatalf("setup mail: %+v", mails)
	}
	// Wrong credentials: no hint and no mail.
	expect(t, e.rest(path, `{"username":"admin","password":"nope"}`, ""), 401, signInIncorrectREST)
	if n := len(e.outbox()); n != 1 {
		t.Errorf("%d mails after a wrong password", n)
	}
	// Asking again mails again, at most 5 an hour; the answer stays the same.
	for i := 0; i < 6; i++ {
		expect(t, e.rest(path, creds, ""), 400, configure)
	}
	if n := len(e.outbox()); n != 5 {
		t.Errorf("%d setup mails within an hour, want 5", n)
	}
	e.clock.Add(time.Hour + time.Second)
	expect(t, e.rest(path, creds, ""), 400, configure)
	if n := len(e.outbox()); n != 6 {
		t.Errorf("%d setup mails after an hour, want 6", n)
	}
	// Off: a token at once; on again: no token.
	e.set(auth.PathTwoFactorEnable, "0")
	if c := claimsOf(t, e.adminToken("admin", "admin123")); c["uid"] != float64(a.ID) || c["utypid"] != float64(2) {
		t.Errorf("claims %v", c)
	}
	e.set(auth.PathTwoFactorEnable, "1")
	expect(t, e.rest(path, creds, ""), 400, configure)
	if _, err := e.svc.SetupTOTP(context.Background(), "admin"); err != nil {
		t.Fatal(err)
	}
	expect(t, e.rest("/rest/all/V1/integration/admin/token", creds, ""), 400,
		`{"message":"Please use the 2fa provider-specific endpoints to obtain a token.","parameters":{"active_providers":["google"]}}`)
	// With 2FA off, the google route still needs a right code (it is the TOTP route).
	e.set(auth.PathTwoFactorEnable, "0")
	expect(t, e.google("admin123", "000000"), 401, invalidCode)
	// And with TOTP set up and 2FA off, the password alone gives a token again.
	e.adminToken("admin", "admin123")
}

// TestAuditLog: sign-ins, failures, locks, admin tokens and every impersonation are
// recorded with who, which customer, the reason and the (fake) time; no password,
// code, token or TOTP secret ever is.
func TestAuditLog(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "0")
	e.set(auth.PathTwoFactorEnable, "0")
	const adminPw, customerPw, wrongPw = "Adm1n-Pa55-q7", "Cust-Pa55-q7", "Wr0ng-Pa55-q7"
	a := e.admin("boss", adminPw)
	c := e.customer("customer1@mail.com", customerPw)
	allowAssistance(t, e, c.ID, true)
	start := e.clock.Now()
	secrets := []string{adminPw, customerPw, wrongPw}

	e.rest("/rest/V1/integration/admin/token", `{"username":"boss","password":"`+wrongPw+`"}`, "")
	e.rest("/rest/V1/integration/customer/token", `{"username":"customer1@mail.com","password":"`+wrongPw+`"}`, "")
	e.gql("", `mutation{generateCustomerToken(email:"customer1@mail.com",password:"`+wrongPw+`"){token}}`, nil)
	e.clock.Add(time.Minute)
	adminTok := e.adminToken("boss", adminPw)
	customerTok := e.token("customer1@mail.com", customerPw)
	secrets = append(secrets, adminTok, customerTok)
	e.clock.Add(time.Minute)
	asAdmin := tokenFrom(t, e.gql(adminTok, `mutation{generateCustomerTokenAsAdmin(input:{customer_email:"customer1@mail.com"}){customer_token}}`, nil))
	r := e.rest("/rest/V1/customer/"+itoa(int(c.ID))+"/otp", `{"reason":"Ticket #7: cart help"}`, adminTok)
	var out struct{ Otp string }
	json.Unmarshal([]byte(r.body), &out)
	e.clock.Add(10 * time.Second)
	used := e.clock.Now()
	tokenFrom(t, e.gql("", `mutation{exchangeOtpForCustomerToken(email:"customer1@mail.com",otp:"`+out.Otp+`"){token}}`, nil))
	e.gql("", `mutation{exchangeOtpForCustomerToken(email:"customer1@mail.com",otp:"`+out.Otp+`"){token}}`, nil)
	secrets = append(secrets, asAdmin, out.Otp)
	e.set(auth.PathTwoFactorEnable, "1")
	adm, _ := e.svc.SetupTOTP(context.Background(), "boss")
	secrets = append(secrets, adm.TOTPSecret)
	e.google(adminPw, "000000") // wrong username in e.google is "admin": an unknown admin
	b, _ := json.Marshal(map[string]string{"username": "boss", "password": adminPw, "otp": code(t, adm.TOTPSecret, e.clock.Now())})
	if r := e.rest(googlePath, string(b), ""); r.status != 200 {
		t.Fatalf("google: %s", r)
	}

	events, err := e.db.AuditList(context.Background(), auth.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byEvent := map[string][]auth.AuditEvent{}
	for _, ev := range events {
		byEvent[ev.Event] = append(byEvent[ev.Event], ev)
		row := fmt.Sprintf("%+v", ev)
		for _, s := range secrets {
			if strings.Contains(row, s) {
				t.Errorf("audit row holds a secret %q: %s", s, row)
			}
		}
		if ev.RemoteAddr != "127.0.0.1" && !strings.HasSuffix(ev.Event, "created") && ev.Event != "admin.tfa_setup" {
			t.Errorf("no client address: %+v", ev)
		}
	}
	one := func(event string) auth.AuditEvent {
		t.Helper()
		if len(byEvent[event]) != 1 {
			t.Fatalf("%d %s events: %+v", len(byEvent[event]), event, events)
		}
		return byEvent[event][0]
	}
	if ev := byEvent["admin.signin_failed"]; len(ev) != 2 || ev[1].AdminID != a.ID || ev[1].Username != "boss" || !ev[1].Time.Equal(start) {
		t.Errorf("admin failures: %+v", ev) // newest first: [0] is the google try for "admin"
	}
	if ev := byEvent["customer.signin_failed"]; len(ev) != 2 || ev[0].CustomerID != c.ID || ev[0].Username != "customer1@mail.com" {
		t.Errorf("customer failures: %+v", ev)
	}
	if ev := byEvent["admin.signin"]; len(ev) != 2 || ev[1].Detail != "password" || ev[0].Detail != "google" || ev[0].AdminID != a.ID {
		t.Errorf("admin tokens: %+v", ev)
	}
	if ev := one("admin.login_as_customer"); ev.AdminID != a.ID || ev.CustomerID != c.ID || !ev.Time.Equal(start.Add(2*time.Minute)) {
		t.Errorf("login as customer: %+v", ev)
	}
	if ev := one("admin.otc_created"); ev.AdminID != a.ID || ev.CustomerID != c.ID || ev.Detail != "Ticket #7: cart help" || !ev.Time.Equal(start.Add(2*time.Minute)) {
		t.Errorf("otc created: %+v", ev)
	}
	if ev := one("admin.otc_used"); ev.AdminID != a.ID || ev.CustomerID != c.ID || ev.Detail != "Ticket #7: cart help" || !ev.Time.Equal(used) {
		t.Errorf("otc used: %+v", ev)
	}
	if ev := one("customer.otc_failed"); ev.Username != "customer1@mail.com" {
		t.Errorf("otc failure: %+v", ev)
	}
	signins := byEvent["customer.signin"]
	if len(signins) != 2 || signins[0].AdminID != a.ID || signins[0].Detail != "exchangeOtpForCustomerToken" || signins[1].AdminID != 0 {
		t.Errorf("customer sign-ins (the OTC one names the admin): %+v", signins)
	}
}

// TestOTCThrottle: wrong codes count towards the per-email throttle shared with
// generateCustomerToken; a successful exchange clears it.
func TestOTCThrottle(t *testing.T) {
	o := newOTCEnv(t)
	const bad = "00000000000000000000000000000000"
	for i := 0; i < 3; i++ {
		expect(t, o.exchange("customer1@mail.com", bad), 401, exchangeRefused)
		expect(t, o.signIn("customer1@mail.com", "wrong"), 401, signInRefused)
	}
	code := o.otc(t, o.helped.ID, "throttle")
	expect(t, o.exchange("customer1@mail.com", code), 401, exchangeRefused) // six failures: even a good code is refused
	expect(t, o.signIn("customer1@mail.com", "password"), 401, signInRefused)
	o.clock.Add(1801 * time.Second)
	code = o.otc(t, o.helped.ID, "throttle")
	for i := 0; i < 5; i++ {
		expect(t, o.exchange("customer1@mail.com", bad), 401, exchangeRefused)
	}
	tokenFrom(t, o.exchange("customer1@mail.com", code))
	for i := 0; i < 5; i++ {
		expect(t, o.exchange("customer1@mail.com", bad), 401, exchangeRefused)
	}
	tokenFrom(t, o.signIn("customer1@mail.com", "password"))
}

// TestRESTUnknownRoutes: anything that is not one of the four routes is Magento's 404.
func TestRESTUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	noRoute := `{"message":"Request does not match any route."}`
	for _, p := range []string{"/rest", "/rest/", "/rest/V1", "/rest/V1/", "/rest/V2/integration/admin/token",
		"/rest/default/default/V1/integration/admin/token", "/rest/Bad-Code/V1/integration/admin/token",
		"/rest/V1/integration/admin", "/rest/V1/integration/admin/token/extra", "/rest/V1/customer/1/otp/extra",
		"/rest/V1/customer/otp", "/rest/V1/tfa/provider/duo/authenticate", "/rest/v1/integration/admin/token"} {
		expect(t, e.rest(p, `{}`, ""), 404, noRoute)
	}
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		expect(t, e.do(m, "/rest/V1/integration/customer/token", "application/json", `{}`, nil), 404, noRoute)
	}
}

// TestTFASetupLink: the mail of the 2FA switch links to a page that creates the admin's
// TOTP secret once; the secret then gives tokens on the google route.
func TestTFASetupLink(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "0")
	e.admin("admin", "admin123")
	e.admin("other", "other123")
	const tokenPath = "/rest/V1/integration/admin/token"
	link := func(user string) string {
		t.Helper()
		e.rest(tokenPath, `{"username":"`+user+`","password":"`+user+`123"}`, "")
		mails := e.outbox()
		m := mails[len(mails)-1]
		if m.Template != "tfa_setup" || m.To != user+"@example.com" || !strings.HasPrefix(m.Vars["url"], "/admin/tfa/setup?token=") {
			t.Fatalf("setup mail: %+v", m)
		}
		if body := auth.RenderMail(m); !strings.Contains(body, m.Vars["url"]) {
			t.Errorf("mail body without the link: %q", body)
		}
		return m.Vars["url"]
	}
	get := func(url string) response { return e.do("GET", url, "", "", nil) }
	post := func(token string) response {
		return e.do("POST", "/admin/tfa/setup", "application/x-www-form-urlencoded", "token="+token, nil)
	}
	tokenOf := func(url string) string { return strings.TrimPrefix(url, "/admin/tfa/setup?token=") }
	invalid := "This two-factor setup link is invalid or has expired."

	url := link("admin")
	if r := get(url); r.status != 200 || !strings.Contains(r.body, `id="setup-account">admin<`) || strings.Contains(r.body, "setup-secret") {
		t.Fatalf("setup page: %s", r)
	}
	// Two parallel uses of one link: exactly one sees a secret.
	var mu sync.Mutex
	var wg sync.WaitGroup
	var secrets []string
	fails := 0
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := post(tokenOf(url))
			mu.Lock()
			defer mu.Unlock()
			if i := strings.Index(r.body, `id="setup-secret">`); r.status == 200 && i >= 0 {
				secrets = append(secrets, r.body[i+len(`id="setup-secret">`):][:32])
			} else if r.status == 400 && strings.Contains(r.body, invalid) {
				fails++
			}
		}()
	}
	wg.Wait()
	if len(secrets) != 1 || fails != 1 {
		t.Fatalf("parallel setup: secrets %v, failures %d", secrets, fails)
	}
	// The shown secret is the stored one: its codes give a token.
	if r := e.google("admin123", code(t, secrets[0], e.clock.Now())); r.status != 200 {
		t.Fatalf("google with the new secret: %s", r)
	}
	// Used: the link is dead, and the token route now points to the google route.
	if r := get(url); r.status != 400 || !strings.Contains(r.body, invalid) {
		t.Errorf("used link: %s", r)
	}
	expect(t, e.rest(tokenPath, `{"username":"admin","password":"admin123"}`, ""), 400,
		`{"message":"Please use the 2fa provider-specific endpoints to obtain a token.","parameters":{"active_providers":["google"]}}`)

	// Expired, tampered, another admin's signature, empty: refused.
	url = link("other")
	tok := tokenOf(url)
	flipped := tok[:len(tok)-1] + "0"
	if strings.HasSuffix(tok, "0") {
		flipped = tok[:len(tok)-1] + "1"
	}
	for _, bad := range []string{"", "x", flipped, strings.Replace(tok, ".", "x.", 1), tok + "a"} {
		if r := post(bad); r.status != 400 || !strings.Contains(r.body, invalid) {
			t.Errorf("token %q: %s", bad, r)
		}
	}
	e.clock.Add(24 * time.Hour)
	if r := post(tok); r.status != 400 || !strings.Contains(r.body, invalid) {
		t.Errorf("expired link: %s", r)
	}
	// A fresh link works; set up meanwhile by the CLI, it is dead.
	tok = tokenOf(link("other"))
	if _, err := e.svc.SetupTOTP(context.Background(), "other"); err != nil {
		t.Fatal(err)
	}
	if r := post(tok); r.status != 400 || !strings.Contains(r.body, invalid) {
		t.Errorf("link after CLI setup: %s", r)
	}
}

// TestCustomerTokenRESTInput: the REST customer token route's bad input and refusals.
func TestCustomerTokenRESTInput(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "0")
	c := e.customer("customer@example.com", "password")
	const path = "/rest/V1/integration/customer/token"
	expect(t, e.rest(path, `{"username":null,"password":""}`, ""), 400, required("username", "password"))
	expect(t, e.rest(path, `{"username":"customer@example.com","password":false}`, ""), 400,
		`{"message":"The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.","parameters":{"type":"string","value":"false"}}`)
	expect(t, e.rest(path, `{"username":"customer@example.com"`, ""), 400, `{"message":"Decoding error: the request body is not a JSON object."}`)
	expect(t, e.do("POST", path, "text/json", `{}`, nil), 400, `{"message":"Server cannot understand Content-Type HTTP header media type text/json"}`)
	// Unconfirmed: Magento's own message, 401.
	e.set(auth.PathConfirmRequired, "1")
	e.gql("", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"A",lastname:"B",password:"Passw0rd-1"}){customer{email}}}`, nil)
	expect(t, e.rest(path, `{"username":"new@example.com","password":"Passw0rd-1"}`, ""), 401, `{"message":"This account isn't confirmed. Verify and try again."}`)
	// Locked: the generic message, even with the right password.
	e.set(auth.PathThrottleMaxFailures, "0")
	for i := 0; i < 10; i++ {
		e.rest(path, `{"username":"customer@example.com","password":"wrong"}`, "")
	}
	expect(t, e.rest(path, `{"username":"customer@example.com","password":"password"}`, ""), 401, signInIncorrectREST)
	// A REST customer token is a customer token (no admin_id) and not an admin's.
	e.clock.Add(11 * time.Minute)
	r := e.rest("/rest/default/V1/integration/customer/token", `{"username":"customer@example.com","password":"password"}`, "")
	var tok string
	if r.status != 200 || json.Unmarshal([]byte(r.body), &tok) != nil {
		t.Fatal(r)
	}
	if cl := claimsOf(t, tok); cl["uid"] != float64(c.ID) || cl["utypid"] != float64(3) || cl["admin_id"] != nil {
		t.Errorf("claims %v", cl)
	}
	expect(t, e.gql(tok, `mutation{generateCustomerTokenAsAdmin(input:{customer_email:"customer@example.com"}){customer_token}}`, nil), 403,
		gqlErr("The current customer isn't authorized.", "graphql-authorization", 10, "generateCustomerTokenAsAdmin"))
}

// TestAdminPageTOTPGuessingIsThrottled: the admin page's sign-in shares the throttle:
// with the right password, six wrong codes stop even the right code, across the
// page and the REST route, until the timeout.
func TestAdminPageTOTPGuessingIsThrottled(t *testing.T) {
	e := newEnv(t)
	a := totpAdmin(t, e)
	for i := 0; i < 3; i++ {
		if _, _, status := adminHTTP(t, e, "admin", "admin123", "000000"); status != 401 {
			t.Fatalf("wrong code %d: %d", i, status)
		}
		expect(t, e.google("admin123", "000000"), 401, invalidCode)
	}
	if _, _, status := adminHTTP(t, e, "admin", "admin123", code(t, a.TOTPSecret, e.clock.Now())); status != 401 {
		t.Errorf("throttled page sign-in: %d", status)
	}
	e.clock.Add(1801 * time.Second)
	if _, csrf, status := adminHTTP(t, e, "admin", "admin123", code(t, a.TOTPSecret, e.clock.Now())); status != 303 || csrf == "" {
		t.Errorf("after the timeout: %d", status)
	}
}

// TestOTCReasonTooLong: a reason is at most 1000 characters (the audit log keeps it whole).
func TestOTCReasonTooLong(t *testing.T) {
	o := newOTCEnv(t)
	path := "/rest/V1/customer/" + itoa(int(o.helped.ID)) + "/otp"
	expect(t, o.rest(path, `{"reason":"`+strings.Repeat("é", 1001)+`"}`, o.adminTok), 400, `{"message":"\"reason\" is longer than 1000 characters."}`)
	o.otc(t, o.helped.ID, strings.Repeat("é", 1000))
}

// TestOTCFollowsTheDatabase: a customer who withdraws assistance in another process
// ends their codes at once, even while this process still has the customer cached.
func TestOTCFollowsTheDatabase(t *testing.T) {
	o := newOTCEnv(t)
	code := o.otc(t, o.helped.ID, "cache")
	o.token("customer1@mail.com", "password") // the customer is now cached here
	other := openEnv(t, o.path)
	allowAssistance(t, other, o.helped.ID, false)
	expect(t, o.exchange("customer1@mail.com", code), 401, exchangeRefused)
}

// TestRESTBodyTooLarge: a REST body over 64 KiB is refused before it is decoded.
func TestRESTBodyTooLarge(t *testing.T) {
	e := newEnv(t)
	big := `{"username":"` + strings.Repeat("a", 64<<10) + `","password":"x"}`
	expect(t, e.rest("/rest/V1/integration/admin/token", big, ""), 413, `{"message":"Request body is too large."}`)
}
