package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"shopauth/auth"
)

func TestChangeCustomerPassword(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	change := func(tok, cur, nw string) response {
		return e.gql(tok, fmt.Sprintf(`mutation{changeCustomerPassword(currentPassword:%q,newPassword:%q){email}}`, cur, nw), nil)
	}
	err := func(msg, cat string) string { return gqlErr(msg, cat, 10, "changeCustomerPassword") }
	expect(t, change("", "password", "N3w-Passw0rd"), 403, err("The current customer isn't authorized.", "graphql-authorization"))
	expect(t, change(tok, " ", "N3w-Passw0rd"), 200, err(`Specify the "currentPassword" value.`, "graphql-input"))
	expect(t, change(tok, "password", ""), 200, err(`Specify the "newPassword" value.`, "graphql-input"))
	expect(t, change(tok, "wrong", "N3w-Passw0rd"), 401, err("Invalid login or password.", "graphql-authentication"))
	expect(t, change(tok, "password", "short"), 200, err("The password needs at least 8 characters. Create a new password and try again.", "graphql-input"))
	expect(t, change(tok, "password", "alllowercase"), 200,
		err("Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.", "graphql-input"))
	// Nothing changed so far: the token and the old password still work.
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	expect(t, change(tok, "password", "N3w-Passw0rd"), 200, `{"data":{"changeCustomerPassword":{"email":"customer@example.com"}}}`)
	// Every token of the customer is revoked; the new password works at once.
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
	expect(t, e.gql("", qSignIn, nil), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
	tok2 := e.token("customer@example.com", "N3w-Passw0rd")
	expect(t, e.gql(tok2, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
}

func TestPasswordReset(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathResetRateLimit, "0")
	e.customer("customer@example.com", "password")
	e.customer("other@example.com", "password")
	tok := e.token("customer@example.com", "password")
	request := func(email string) response {
		return e.gql("", fmt.Sprintf(`mutation{requestPasswordResetEmail(email:%q)}`, email), nil)
	}
	reqErr := func(msg string) string { return gqlErr(msg, "graphql-input", 10, "requestPasswordResetEmail") }
	expect(t, request(""), 200, reqErr("You must specify an email address."))
	expect(t, request("not-an-email"), 200, reqErr("The email address has an invalid format."))
	expect(t, request("nobody@example.com"), 200, reqErr("Cannot reset the customer's password"))
	expect(t, request("customer@example.com"), 200, `{"data":{"requestPasswordResetEmail":true}}`)
	mails := e.outbox()
	last := mails[len(mails)-1]
	if last.Template != "password_reset" || last.To != "customer@example.com" || last.Vars["email"] != "customer@example.com" || len(last.Vars["token"]) != 32 {
		t.Fatalf("mail %+v", last)
	}
	token := last.Vars["token"]

	reset := func(email, token, pw string) response {
		return e.gql("", fmt.Sprintf(`mutation{resetPassword(email:%q,resetPasswordToken:%q,newPassword:%q)}`, email, token, pw), nil)
	}
	resErr := func(msg string) string { return gqlErr(msg, "graphql-input", 10, "resetPassword") }
	expect(t, reset("", token, "N3w-Passw0rd"), 200, resErr("You must specify an email address."))
	expect(t, reset("bad", token, "N3w-Passw0rd"), 200, resErr("The email address has an invalid format."))
	expect(t, reset("customer@example.com", "", "N3w-Passw0rd"), 200, resErr("resetPasswordToken must be specified"))
	expect(t, reset("customer@example.com", token, ""), 200, resErr("newPassword must be specified"))
	expect(t, reset("nobody@example.com", token, "N3w-Passw0rd"), 200, resErr("Cannot set the customer's password"))
	// A right token with the wrong email, a made-up token, a weak password: nothing changes.
	expect(t, reset("other@example.com", token, "N3w-Passw0rd"), 200, resErr("Cannot set the customer's password"))
	expect(t, reset("customer@example.com", strings.Repeat("0", 32), "N3w-Passw0rd"), 200, resErr("Cannot set the customer's password"))
	expect(t, reset("customer@example.com", token, "weak"), 200, resErr("The password needs at least 8 characters. Create a new password and try again."))
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)

	expect(t, reset("customer@example.com", token, "N3w-Passw0rd"), 200, `{"data":{"resetPassword":true}}`)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
	e.token("customer@example.com", "N3w-Passw0rd")
	// Used once only.
	expect(t, reset("customer@example.com", token, "An0ther-Passw0rd"), 200, resErr("Cannot set the customer's password"))

	// Expired after customer/password/reset_link_expiration_period hours.
	request("customer@example.com")
	token = e.lastMailVar("password_reset", "token")
	e.clock.Add(2*time.Hour + time.Second)
	expect(t, reset("customer@example.com", token, "An0ther-Passw0rd"), 200, resErr("Cannot set the customer's password"))

	// A reset token also signs in once, as the password of generateCustomerToken.
	request("customer@example.com")
	token = e.lastMailVar("password_reset", "token")
	signIn := fmt.Sprintf(`mutation{generateCustomerToken(email:"customer@example.com",password:%q){token}}`, token)
	if r := e.gql("", signIn, nil); r.status != 200 || !strings.Contains(r.body, `"token":"ey`) {
		t.Fatalf("sign in with reset token: %s", r)
	}
	expect(t, e.gql("", signIn, nil), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))

	// A flood of requests for one account is refused with a clear message (5 an hour).
	e.clock.Add(2 * time.Hour)
	for i := 0; i < 5; i++ {
		expect(t, request("other@example.com"), 200, `{"data":{"requestPasswordResetEmail":true}}`)
	}
	expect(t, request("other@example.com"), 200, reqErr("We received too many requests for password resets. Please wait and try again later."))
}

func TestResetLockedAccount(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathThrottleMaxFailures, "0")
	e.set(auth.PathLockoutFailures, "1")
	e.customer("customer@example.com", "password")
	e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"bad"){token}}`, nil)
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 200,
		gqlErr("The account is locked", "graphql-input", 10, "requestPasswordResetEmail"))
	expect(t, e.gql("", `mutation{resetPassword(email:"customer@example.com",resetPasswordToken:"x",newPassword:"N3w-Passw0rd")}`, nil), 200,
		gqlErr("The account is locked", "graphql-input", 10, "resetPassword"))
}

func TestEmailConfirmation(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathConfirmRequired, "1")
	expect(t, e.gql("", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"N",lastname:"E",password:"Passw0rd!"}){customer{email}}}`, nil), 200,
		`{"data":{"createCustomerV2":{"customer":{"email":"new@example.com"}}}}`)
	key := e.lastMailVar("account_confirmation", "confirmation_key")
	signIn := `mutation{generateCustomerToken(email:"new@example.com",password:"Passw0rd!"){token}}`
	expect(t, e.gql("", signIn, nil), 401, gqlErr("This account isn't confirmed. Verify and try again.", "graphql-authentication", 10, "generateCustomerToken"))

	resend := func(email string) response {
		return e.gql("", fmt.Sprintf(`mutation{resendConfirmationEmail(email:%q)}`, email), nil)
	}
	expect(t, resend("bad"), 200, gqlErr("Email address is not valid", "graphql-input", 10, "resendConfirmationEmail"))
	expect(t, resend("nobody@example.com"), 200, gqlErr("There is no user registered with that email address.", "graphql-input", 10, "resendConfirmationEmail"))
	expect(t, resend("new@example.com"), 200, `{"data":{"resendConfirmationEmail":true}}`)
	if again := e.lastMailVar("account_confirmation", "confirmation_key"); again != key {
		t.Errorf("resent key %q differs from %q", again, key)
	}

	confirm := func(email, key string) response {
		return e.gql("", fmt.Sprintf(`mutation{confirmEmail(input:{email:%q,confirmation_key:%q}){customer{email confirmation_status}}}`, email, key), nil)
	}
	err := func(msg string) string { return gqlErr(msg, "graphql-input", 10, "confirmEmail") }
	expect(t, confirm("bad", key), 200, err("Email is invalid"))
	expect(t, confirm("new@example.com", "wrong"), 200, err("The confirmation token is invalid. Verify the token and try again."))
	expect(t, confirm("new@example.com", key), 200, `{"data":{"confirmEmail":{"customer":{"email":"new@example.com","confirmation_status":"ACCOUNT_CONFIRMED"}}}}`)
	expect(t, confirm("new@example.com", key), 200, err("The account is already active."))
	expect(t, resend("new@example.com"), 200, gqlErr("Confirmation isn't needed.", "graphql-input", 10, "resendConfirmationEmail"))
	tok := e.token("new@example.com", "Passw0rd!")
	expect(t, e.gql(tok, `{customer{confirmation_status}}`, nil), 200, `{"data":{"customer":{"confirmation_status":"ACCOUNT_CONFIRMED"}}}`)
}

func cookie(r response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSessionCookies(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	r := e.gql(tok, `{customer{email}}`, nil)
	sess, pcv := cookie(r, "PHPSESSID"), cookie(r, "private_content_version")
	if sess == nil || pcv == nil {
		t.Fatalf("no session cookies: %v", r.header)
	}
	if !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.Secure || pcv.HttpOnly || pcv.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie flags: %+v %+v", sess, pcv)
	}
	withCookie := func(method, value string) response {
		h := map[string]string{"Cookie": "PHPSESSID=" + value}
		if method == "GET" {
			return e.do("GET", "/graphql?query=%7Bcustomer%7Bemail%7D%7D", "", "", h)
		}
		return e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, h)
	}
	// The cookie alone authenticates a POST, never a GET.
	expect(t, withCookie("POST", sess.Value), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	notAuth := gqlErr("The current customer isn't authorized.", "graphql-authorization", 2, "customer")
	expect(t, withCookie("GET", sess.Value), 403, notAuth)
	if r := e.do("GET", "/graphql?query=%7Bcustomer%7Bemail%7D%7D", "", "", map[string]string{"Authorization": "Bearer " + tok}); cookie(r, "PHPSESSID") != nil {
		t.Error("GET started a session")
	}
	// Forged and tampered cookies are a guest's.
	expect(t, withCookie("POST", "forged"), 403, notAuth)
	expect(t, withCookie("POST", sess.Value[:len(sess.Value)-2]+"AA"), 403, notAuth)
	// Disabled: no cookies set, cookies ignored.
	e.set(auth.PathSessionDisable, "1")
	if r := e.gql(tok, `{customer{email}}`, nil); cookie(r, "PHPSESSID") != nil || cookie(r, "private_content_version") != nil {
		t.Error("cookies set while sessions are disabled")
	}
	expect(t, withCookie("POST", sess.Value), 403, notAuth)
	e.set(auth.PathSessionDisable, "0")
	// Sessions end after the customer token lifetime…
	e.clock.Add(time.Hour)
	expect(t, withCookie("POST", sess.Value), 403, notAuth)
	// …and on revocation; revoking with a token does not hand out a new session.
	tok = e.token("customer@example.com", "password")
	sess = cookie(e.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
	expect(t, withCookie("POST", sess.Value), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	r = e.gql(tok, qRevoke, nil)
	if cookie(r, "PHPSESSID") != nil {
		t.Error("revokeCustomerToken set a new session cookie")
	}
	expect(t, withCookie("POST", sess.Value), 403, notAuth)
	// A session can revoke itself (sign out with the cookie only).
	tok = e.token("customer@example.com", "password")
	sess = cookie(e.gql(tok, `{customer{email}}`, nil), "PHPSESSID")
	h := map[string]string{"Cookie": "PHPSESSID=" + sess.Value}
	expect(t, e.do("POST", "/graphql", "application/json", `{"query":"mutation{revokeCustomerToken{result}}"}`, h), 200,
		`{"data":{"revokeCustomerToken":{"result":true}}}`)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401,
		`{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
}
