package web_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/internal/testkit"
	"shopauth/web"
)

// TestErrorOrderAndStatus: errors come in document order (graphql-go resolves query
// fields concurrently) and, as in Magento's GraphQl controller, the first error decides
// the status: an input error before an authorization error answers 200.
func TestErrorOrderAndStatus(t *testing.T) {
	e := newEnv(t)
	m := `mutation{createCustomerV2(input:{email:"bad",firstname:"a",lastname:"b"}){customer{email}} revokeCustomerToken{result}}`
	col := strings.Index(m, "revokeCustomerToken") + 1
	expect(t, e.gql("", m, nil), 200, `{"errors":[
		{"message":"\"bad\" is not a valid email address.","locations":[{"line":1,"column":10}],"path":["createCustomerV2"],"extensions":{"category":"graphql-input"}},
		{"message":"The current customer isn't authorized.","locations":[{"line":1,"column":`+itoa(col)+`}],"path":["revokeCustomerToken"],"extensions":{"category":"graphql-authorization"}}],
		"data":{"createCustomerV2":null,"revokeCustomerToken":null}}`)
	// A query's fields run concurrently; the order (and so the status) must not depend on which finished first.
	q := `{a:customer{email} b:isEmailAvailable(email:"x"){is_email_available}}`
	want := `{"errors":[
		{"message":"The current customer isn't authorized.","locations":[{"line":1,"column":2}],"path":["a"],"extensions":{"category":"graphql-authorization"}},
		{"message":"Email is invalid","locations":[{"line":1,"column":20}],"path":["b"],"extensions":{"category":"graphql-input"}}],
		"data":{"a":null,"b":null}}`
	q2 := `{b:isEmailAvailable(email:"x"){is_email_available} a:customer{email}}`
	want2 := `{"errors":[
		{"message":"Email is invalid","locations":[{"line":1,"column":2}],"path":["b"],"extensions":{"category":"graphql-input"}},
		{"message":"The current customer isn't authorized.","locations":[{"line":1,"column":52}],"path":["a"],"extensions":{"category":"graphql-authorization"}}],
		"data":{"b":null,"a":null}}`
	for i := 0; i < 30; i++ {
		expect(t, e.gql("", q, nil), 403, want)
		expect(t, e.gql("", q2, nil), 200, want2)
	}
}

// TestCustomerAccountChecks: every operation that needs the signed-in customer answers
// Magento's CheckCustomerAccount errors, exactly, with the status of their category.
func TestCustomerAccountChecks(t *testing.T) {
	ops := []struct{ field, query string }{
		{"customer", `{customer{email}}`},
		{"revokeCustomerToken", `mutation{revokeCustomerToken{result}}`},
		{"updateCustomer", `mutation{updateCustomer(input:{firstname:"X"}){customer{email}}}`},
		{"updateCustomerV2", `mutation{updateCustomerV2(input:{firstname:"X"}){customer{email}}}`},
		{"changeCustomerPassword", `mutation{changeCustomerPassword(currentPassword:"password",newPassword:"N3w-Passw0rd"){email}}`},
	}
	col := func(q string) int {
		if strings.HasPrefix(q, "{") {
			return 2
		}
		return 10
	}
	e := newEnv(t)
	e.set(auth.PathThrottleMaxFailures, "0")
	admin, _, err := e.svc.Tokens.Issue(auth.UserTypeAdmin, 1, 0, 3600e9)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		t.Run(op.field, func(t *testing.T) {
			notAuth := gqlErr(auth.MsgNotAuthorized, "graphql-authorization", col(op.query), op.field)
			expect(t, e.gql("", op.query, nil), 403, notAuth)
			expect(t, e.gql(admin, op.query, nil), 403, notAuth)

			// Locked: one wrong password with lockout_failures 1.
			email := "locked-" + strings.ToLower(op.field) + "@example.com"
			e.customer(email, "password")
			tok := e.token(email, "password")
			e.set(auth.PathLockoutFailures, "1")
			e.gql("", `mutation($e:String!){generateCustomerToken(email:$e,password:"wrong"){token}}`, map[string]any{"e": email})
			e.set(auth.PathLockoutFailures, "10")
			expect(t, e.gql(tok, op.query, nil), 401, gqlErr(auth.MsgAccountLocked, "graphql-authentication", col(op.query), op.field))
			if strings.HasPrefix(op.field, "update") {
				// Magento checks for an empty input before the account.
				empty := strings.Replace(op.query, `{firstname:"X"}`, `{}`, 1)
				expect(t, e.gql(tok, empty, nil), 200, gqlErr(auth.MsgInputRequired, "graphql-input", 10, op.field))
				expect(t, e.gql("", empty, nil), 403, gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 10, op.field))
			}

			// Deleted.
			gone := e.customer("gone-"+strings.ToLower(op.field)+"@example.com", "password")
			tok = e.token(gone.Email, "password")
			if err := e.db.DeleteCustomer(context.Background(), gone.ID); err != nil {
				t.Fatal(err)
			}
			expect(t, e.gql(tok, op.query, nil), 200,
				gqlErr(fmt.Sprintf(`Customer with id "%d" does not exist.`, gone.ID), "graphql-no-such-entity", col(op.query), op.field))

			// Not confirmed (confirmation switched on after the token was issued).
			e.set(auth.PathConfirmRequired, "1")
			r := e.gql("", `mutation($e:String!){createCustomerV2(input:{email:$e,firstname:"A",lastname:"B",password:"Passw0rd!"}){customer{email}}}`,
				map[string]any{"e": "unconfirmed-" + strings.ToLower(op.field) + "@example.com"})
			if r.status != 200 || strings.Contains(r.body, "errors") {
				t.Fatalf("create: %s", r)
			}
			e.set(auth.PathConfirmRequired, "0")
			tok = e.token("unconfirmed-"+strings.ToLower(op.field)+"@example.com", "Passw0rd!")
			e.set(auth.PathConfirmRequired, "1")
			expect(t, e.gql(tok, op.query, nil), 401, gqlErr(auth.MsgNotConfirmed, "graphql-authentication", col(op.query), op.field))
			e.set(auth.PathConfirmRequired, "0")
		})
	}
}

// TestPasswordPolicyFromSettings: the N in the policy messages is the setting in force.
func TestPasswordPolicyFromSettings(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathMinPasswordLength, "12")
	e.set(auth.PathRequiredClasses, "4")
	for _, field := range []string{"createCustomerV2", "createCustomer"} {
		create := func(pw string) response {
			return e.gql("", `mutation($p:String){`+field+`(input:{email:"p@example.com",firstname:"A",lastname:"B",password:$p}){customer{email}}}`,
				map[string]any{"p": pw})
		}
		expect(t, create("Passw0rd!"), 200, gqlErr(`The password needs at least 12 characters. Create a new password and try again.`, "graphql-input", 21, field))
		expect(t, create("Passw0rdPassw0rd"), 200, gqlErr(`Minimum of different classes of characters in password is 4. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.`, "graphql-input", 21, field))
	}
	expect(t, e.gql("", `{storeConfig{minimum_password_length required_character_classes_number}}`, nil), 200,
		`{"data":{"storeConfig":{"minimum_password_length":"12","required_character_classes_number":"4"}}}`)
	// A password that meets the policy in force works, and nothing else was created.
	r := e.gql("", `mutation{createCustomerV2(input:{email:"p@example.com",firstname:"A",lastname:"B",password:"Passw0rd!Passw0rd"}){customer{email}}}`, nil)
	expect(t, r, 200, `{"data":{"createCustomerV2":{"customer":{"email":"p@example.com"}}}}`)
}

// TestLegacyInputErrors: createCustomer / updateCustomer (CustomerInput) share the V2 checks.
func TestLegacyInputErrors(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	in := func(field, msg string) string { return gqlErr(msg, "graphql-input", 10, field) }
	expect(t, e.gql(tok, `mutation{updateCustomer(input:{}){customer{email}}}`, nil), 200, in("updateCustomer", `"input" value should be specified`))
	expect(t, e.gql(tok, `mutation{updateCustomer(input:{dob:"1990-02-30"}){customer{email}}}`, nil), 200, in("updateCustomer", `Invalid date`))
	expect(t, e.gql(tok, `mutation{updateCustomer(input:{firstname:" "}){customer{email}}}`, nil), 200, in("updateCustomer", `Required parameters are missing: First Name`))
	expect(t, e.gql("", `mutation{createCustomer(input:{email:"n@example.com",firstname:"A",lastname:"B",date_of_birth:"yesterday"}){customer{email}}}`, nil), 200,
		in("createCustomer", `Invalid date`))
	expect(t, e.gql("", `mutation{createCustomer(input:{firstname:"A",lastname:"B"}){customer{email}}}`, nil), 200,
		in("createCustomer", `"" is not a valid email address.`))
	expect(t, e.gql("", `mutation{createCustomerV2(input:{email:"n@example.com",firstname:"A",lastname:""}){customer{email}}}`, nil), 200,
		in("createCustomerV2", `"Last Name" is a required value.`))
	expect(t, e.gql("", `{isEmailAvailable(email:""){is_email_available}}`, nil), 200,
		gqlErr("Email must be specified", "graphql-input", 2, "isEmailAvailable"))
	// The deprecated dob is the same value as date_of_birth.
	expect(t, e.gql(tok, `mutation{updateCustomer(input:{dob:"1/31/1990"}){customer{dob date_of_birth}}}`, nil), 200,
		`{"data":{"updateCustomer":{"customer":{"dob":"1990-01-31","date_of_birth":"1990-01-31"}}}}`)
}

// TestStoreConfigAllFields: every StoreConfig field, defaults and after a change.
func TestStoreConfigAllFields(t *testing.T) {
	e := newEnv(t)
	q := `{storeConfig{store_code store_name website_code website_name locale minimum_password_length required_character_classes_number
	  autocomplete_on_storefront create_account_confirmation customer_access_token_lifetime shopping_assistance_enabled
	  shopping_assistance_checkbox_title shopping_assistance_checkbox_tooltip share_customer_accounts_scope}}`
	expect(t, e.gql("", q, nil), 200, `{"data":{"storeConfig":{"store_code":"default","store_name":"Default Store View","website_code":"base",
	  "website_name":"Main Website","locale":"en_US","minimum_password_length":"8","required_character_classes_number":"3",
	  "autocomplete_on_storefront":true,"create_account_confirmation":false,"customer_access_token_lifetime":1,
	  "shopping_assistance_enabled":true,"shopping_assistance_checkbox_title":"Allow remote shopping assistance",
	  "shopping_assistance_checkbox_tooltip":"Customer Service can sign in to your account to help you with your orders.",
	  "share_customer_accounts_scope":1}}}`)
	e.set(auth.PathCustomerTokenLifetime, "0.01")
	e.set(auth.PathConfirmRequired, "1")
	e.set(auth.PathLoginAsCustomerEnabled, "0")
	expect(t, e.gql("", `{storeConfig{customer_access_token_lifetime create_account_confirmation shopping_assistance_enabled}}`, nil), 200,
		`{"data":{"storeConfig":{"customer_access_token_lifetime":0.01,"create_account_confirmation":true,"shopping_assistance_enabled":false}}}`)
}

// TestBadInputKeepsServing: each malformed request gets its exact error, and a good
// request right after it is answered normally.
func TestBadInputKeepsServing(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	parse := `{"errors":[{"message":"Unable to parse the request.","extensions":{"category":"graphql-input"}}]}`
	unreadable := `{"errors":[{"message":"Composite reader could not read a token","extensions":{"category":"graphql-authentication"}}]}`
	deep := "{customer{" + strings.Repeat("group{", 25) + "uid" + strings.Repeat("}", 25) + "}}"
	var aliases []string
	for i := 0; i < 11; i++ {
		aliases = append(aliases, fmt.Sprintf("a%d:storeConfig{store_code}", i))
	}
	bearer := func(h string) map[string]string { return map[string]string{"Authorization": h} }
	for _, c := range []struct {
		name   string
		do     func() response
		status int
		body   string
	}{
		{"malformed JSON", func() response {
			return e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}"`, nil)
		}, 400, parse},
		{"empty body", func() response { return e.do("POST", "/graphql", "application/json", "", nil) }, 400, parse},
		{"JSON null", func() response { return e.do("POST", "/graphql", "application/json", "null", nil) }, 400, parse},
		{"query not a string", func() response { return e.do("POST", "/graphql", "application/json", `{"query":5}`, nil) }, 400, parse},
		{"variables not an object", func() response {
			return e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}","variables":5}`, nil)
		}, 400, parse},
		{"body over 1 MiB", func() response {
			return e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}","x":"`+strings.Repeat("a", 1<<20)+`"}`, nil)
		}, 413, `{"errors":[{"message":"Request body is too large.","extensions":{"category":"graphql-input"}}]}`},
		{"too deep", func() response { return e.gql("", deep, nil) }, 200,
			`{"errors":[{"message":"Max query depth should be 20 but got 25.","extensions":{"category":"graphql"}}]}`},
		{"too many aliases", func() response { return e.gql("", "{"+strings.Join(aliases, " ")+"}", nil) }, 200,
			`{"errors":[{"message":"Max Aliases in query should be 10 but got 11.","extensions":{"category":"graphql-input"}}]}`},
		{"Bearer with no token", func() response {
			return e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}"}`, bearer("Bearer"))
		}, 200, `{"data":{"storeConfig":{"store_code":"default"}}}`},
		{"Bearer with no token, customer query", func() response {
			return e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, bearer("Bearer "))
		}, 403, gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 2, "customer")},
		{"alg none", func() response {
			parts := strings.Split(tok, ".")
			none := "eyJhbGciOiJub25lIn0." + parts[1] + "."
			return e.do("POST", "/graphql", "application/json", `{"query":"{storeConfig{store_code}}"}`, bearer("Bearer "+none))
		}, 401, unreadable},
		{"alg none with our header's kid", func() response {
			parts := strings.Split(tok, ".")
			// {"kid":"1","alg":"none"}
			none := "eyJraWQiOiIxIiwiYWxnIjoibm9uZSJ9." + parts[1] + "." + parts[2]
			return e.do("POST", "/graphql", "application/json", `{"query":"{customer{email}}"}`, bearer("Bearer "+none))
		}, 401, unreadable},
	} {
		t.Run(c.name, func(t *testing.T) {
			expect(t, c.do(), c.status, c.body)
			expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
		})
	}
	// Another key: a second server's token.
	other := newEnv(t)
	other.customer("customer@example.com", "password")
	expect(t, e.gql(other.token("customer@example.com", "password"), `{storeConfig{store_code}}`, nil), 401, unreadable)
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
}

// TestUnknownEmailCostsAHash: an unknown email, a wrong password and a locked account
// each run exactly one argon2 hash in the current parameters, so their timing matches
// (counted, not timed).
func TestUnknownEmailCostsAHash(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathThrottleMaxFailures, "0")
	e.set(auth.PathLockoutFailures, "2")
	e.customer("customer@example.com", "password")
	incorrect := gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 33, "generateCustomerToken")
	for _, c := range []struct{ name, email, password string }{
		{"unknown email", "nobody@example.com", "password"},
		{"wrong password", "customer@example.com", "wrong"},
		{"wrong password, now locked", "customer@example.com", "wrong"},
		{"locked, right password", "customer@example.com", "password"},
	} {
		before := e.svc.Hasher.Computations()
		r := e.gql("", `mutation($e:String!,$p:String!){generateCustomerToken(email:$e,password:$p){token}}`, map[string]any{"e": c.email, "p": c.password})
		expect(t, r, 401, incorrect)
		if n := e.svc.Hasher.Computations() - before; n != 1 {
			t.Errorf("%s: %d argon2 hashes, want 1", c.name, n)
		}
	}
	// Accounts with a legacy md5 hash (moved from Magento) or an unreadable one cost the same.
	ctx := context.Background()
	legacy := e.customer("legacy@example.com", "password")
	sum := md5.Sum([]byte("salt" + "password"))
	if err := e.db.SetPasswordHash(ctx, legacy.ID, hex.EncodeToString(sum[:])+":salt:0"); err != nil {
		t.Fatal(err)
	}
	broken := e.customer("broken@example.com", "password")
	if err := e.db.SetPasswordHash(ctx, broken.ID, "not-a-hash"); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"legacy@example.com", "broken@example.com"} {
		before := e.svc.Hasher.Computations()
		r := e.gql("", `mutation($e:String!){generateCustomerToken(email:$e,password:"wrong"){token}}`, map[string]any{"e": email})
		expect(t, r, 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 22, "generateCustomerToken"))
		if n := e.svc.Hasher.Computations() - before; n != 1 {
			t.Errorf("%s, wrong password: %d argon2 hashes, want 1", email, n)
		}
	}
	// The right password on the md5 account signs in and upgrades the hash.
	e.token("legacy@example.com", "password")
	if c, err := e.db.CustomerByID(ctx, legacy.ID); err != nil || !strings.HasSuffix(c.PasswordHash, ":"+e.svc.Hasher.Params().Version()) {
		t.Errorf("legacy hash not upgraded: %v", err)
	}
}

// TestLockoutCountResetsAndWindow: a success resets the failure count, and failures
// spread over more than lockout_threshold minutes do not add up to a lock.
func TestLockoutCountResetsAndWindow(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathThrottleMaxFailures, "0") // the account lock alone
	e.customer("customer@example.com", "password")
	wrong := func() {
		t.Helper()
		expect(t, e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"wrong"){token}}`, nil), 401,
			gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
	}
	for i := 0; i < 9; i++ {
		wrong()
	}
	tok := e.token("customer@example.com", "password") // resets the count
	for i := 0; i < 9; i++ {
		wrong()
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	e.token("customer@example.com", "password")
	// 9 failures, then the window (10 min) passes: the count starts again.
	for i := 0; i < 9; i++ {
		wrong()
	}
	e.clock.Add(10*time.Minute + time.Second)
	wrong()
	expect(t, e.gql(tok, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
	// Nine more within the new window: the tenth of the window locks.
	for i := 0; i < 9; i++ {
		wrong()
	}
	expect(t, e.gql(tok, `{customer{email}}`, nil), 401, gqlErr(auth.MsgAccountLocked, "graphql-authentication", 2, "customer"))
	expect(t, e.gql("", qSignIn, nil), 401, gqlErr(auth.MsgSignInIncorrect, "graphql-authentication", 10, "generateCustomerToken"))
}

// TestExpiredTokenOnGuestQuery: an expired token fails even a query that needs no
// customer, on POST and on GET.
func TestExpiredTokenOnGuestQuery(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	e.clock.Add(time.Hour)
	expired := `{"errors":[{"message":"Consumer key has expired","extensions":{"category":"graphql-authentication"}}]}`
	expect(t, e.gql(tok, `{storeConfig{store_code}}`, nil), 401, expired)
	expect(t, e.do("GET", "/graphql?query=%7BstoreConfig%7Bstore_code%7D%7D", "", "", map[string]string{"Authorization": "Bearer " + tok}), 401, expired)
	expect(t, e.do("GET", "/graphql?query=%7BstoreConfig%7Bstore_code%7D%7D", "", "", map[string]string{"Authorization": "Bearer x.y.z"}), 401,
		`{"errors":[{"message":"Composite reader could not read a token","extensions":{"category":"graphql-authentication"}}]}`)
	expect(t, e.gql("", `{storeConfig{store_code}}`, nil), 200, `{"data":{"storeConfig":{"store_code":"default"}}}`)
}

// TestInternalErrorIs500: a failure that is not the domain's (here the database is
// gone) answers 500 "Internal server error" with no details; the details go to the log.
func TestInternalErrorIs500(t *testing.T) {
	var logBuf testkit.LockedBuffer
	e := newEnvWith(t, func(c *web.Config) { c.Log = slog.New(slog.NewJSONHandler(&logBuf, nil)) })
	e.set(auth.PathGuestCheckoutLogin, "1") // so isEmailAvailable reads the database
	e.db.Close()
	r := e.gql("", `{isEmailAvailable(email:"free@example.com"){is_email_available}}`, nil)
	expect(t, r, 500, `{"errors":[{"message":"Internal server error","locations":[{"line":1,"column":2}],"path":["isEmailAvailable"],"extensions":{"category":"internal"}}],"data":{"isEmailAvailable":null}}`)
	if log := logBuf.String(); !strings.Contains(log, `"msg":"resolver failed"`) || !strings.Contains(log, `"request_id":"`+r.header.Get("X-Request-Id")+`"`) {
		t.Errorf("log lacks the failure with its request id: %s", log)
	}
	// Guest queries that need no database still work.
	expect(t, e.gql("", `{storeConfig{store_code}}`, nil), 200, `{"data":{"storeConfig":{"store_code":"default"}}}`)
}

// TestVariableTypes: a variable's value must be of its declared scalar type, with
// webonyx's message (graphql-go alone would sign in with the email 5, or answer with
// Go type names for an object).
func TestVariableTypes(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	signIn := `mutation($e:String!,$p:String!){generateCustomerToken(email:$e,password:$p){token}}`
	expect(t, e.gql("", signIn, map[string]any{"e": 5, "p": "password"}), 200,
		`{"errors":[{"message":"Variable \"$e\" got invalid value 5; String cannot represent a non string value: 5","extensions":{"category":"graphql"}}]}`)
	expect(t, e.gql("", signIn, map[string]any{"e": "customer@example.com", "p": map[string]any{"a": 1}}), 200,
		`{"errors":[{"message":"Variable \"$p\" got invalid value {\"a\":1}; String cannot represent a non string value: {\"a\":1}","extensions":{"category":"graphql"}}]}`)
	expect(t, e.gql("", `query($e:String!,$n:Int){isEmailAvailable(email:$e){is_email_available}}`, map[string]any{"e": "x@example.com", "n": 1.5}), 200,
		`{"errors":[{"message":"Variable \"$n\" got invalid value 1.5; Int cannot represent non-integer value: 1.5","extensions":{"category":"graphql"}}]}`)
	expect(t, e.gql("", `query($e:String!,$b:Boolean){isEmailAvailable(email:$e){is_email_available}}`, map[string]any{"e": "x@example.com", "b": "yes"}), 200,
		`{"errors":[{"message":"Variable \"$b\" got invalid value \"yes\"; Boolean cannot represent a non boolean value: \"yes\"","extensions":{"category":"graphql"}}]}`)
	// Right types, and null for a nullable one.
	create := `mutation($e:String!,$p:String!,$g:Int,$s:Boolean){createCustomerV2(input:{email:$e,firstname:"A",lastname:"B",password:$p,gender:$g,is_subscribed:$s}){customer{gender}}}`
	expect(t, e.gql("", create, map[string]any{"e": "new@example.com", "p": "Passw0rd!x", "g": 2, "s": nil}), 200,
		`{"data":{"createCustomerV2":{"customer":{"gender":2}}}}`)
	// The operation named in the request is the one checked.
	body := `{"query":"query A($e:String!){isEmailAvailable(email:$e){is_email_available}} query B($e:Int){storeConfig{store_code}}","operationName":"B","variables":{"e":"x"}}`
	expect(t, e.do("POST", "/graphql", "application/json", body, nil), 200,
		`{"errors":[{"message":"Variable \"$e\" got invalid value \"x\"; Int cannot represent non-integer value: \"x\"","extensions":{"category":"graphql"}}]}`)
	if tok := e.token("customer@example.com", "password"); tok == "" {
		t.Fatal("no token with string variables")
	}
}
