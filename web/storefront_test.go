package web_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"shopauth/auth"
)

// storefrontEnv is a server whose --addr was 127.0.0.1:8080, with a customer, an admin
// token (2FA off) and a revoked customer token.
func storefrontEnv(t *testing.T) (e *env, customer, admin, revoked string) {
	t.Helper()
	e = newEnv(t)
	e.svc.BaseURL = "http://127.0.0.1:8080"
	e.set(auth.PathTwoFactorEnable, "0")
	e.customer("customer@example.com", "password")
	e.customer("other@example.com", "password")
	e.admin("admin", "admin123")
	revoked = e.token("other@example.com", "password")
	expect(t, e.gql(revoked, qRevoke, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	return e, e.token("customer@example.com", "password"), e.adminToken("admin", "admin123"), revoked
}

const qStoreConfigAll = `{storeConfig{id code store_code store_name store_sort_order is_default_store store_group_code
  store_group_name is_default_store_group website_id website_code website_name locale base_currency_code
  default_display_currency_code timezone weight_unit base_url base_link_url base_static_url base_media_url
  secure_base_url secure_base_link_url secure_base_static_url secure_base_media_url use_store_in_url
  graphql_share_customer_group newsletter_enabled default_country countries_with_required_region
  optional_zip_countries display_state_if_optional}}`

const storeConfigDefaults = `{"id":1,"code":"default","store_code":"default","store_name":"Default Store View",
  "store_sort_order":0,"is_default_store":true,"store_group_code":"main_website_store",
  "store_group_name":"Main Website Store","is_default_store_group":true,"website_id":1,"website_code":"base",
  "website_name":"Main Website","locale":"en_US","base_currency_code":"USD","default_display_currency_code":"USD",
  "timezone":"America/Los_Angeles","weight_unit":"lbs","base_url":"http://127.0.0.1:8080/",
  "base_link_url":"http://127.0.0.1:8080/","base_static_url":"http://127.0.0.1:8080/static/",
  "base_media_url":"http://127.0.0.1:8080/media/","secure_base_url":"http://127.0.0.1:8080/",
  "secure_base_link_url":"http://127.0.0.1:8080/","secure_base_static_url":"http://127.0.0.1:8080/static/",
  "secure_base_media_url":"http://127.0.0.1:8080/media/","use_store_in_url":false,
  "graphql_share_customer_group":true,"newsletter_enabled":true,"default_country":"US",
  "countries_with_required_region":"CA,US","optional_zip_countries":"HK,IE,MO,PA,GB","display_state_if_optional":true}`

// Every store-level field of StoreGraphQl (and the newsletter and customer-group flags),
// from the settings, for a guest, a customer and an admin alike; availableStores lists
// the one store view.
func TestStoreConfigEveryField(t *testing.T) {
	e, customer, admin, revoked := storefrontEnv(t)
	for _, tok := range []string{"", customer, admin} {
		expect(t, e.gql(tok, qStoreConfigAll, nil), 200, `{"data":{"storeConfig":`+storeConfigDefaults+`}}`)
	}
	expect(t, e.gql(revoked, qStoreConfigAll, nil), 401, revokedBody)
	for _, arg := range []string{"", "(useCurrentGroup:true)", "(useCurrentGroup:false)"} {
		q := strings.Replace(qStoreConfigAll, "storeConfig", "availableStores"+arg, 1)
		expect(t, e.gql("", q, nil), 200, `{"data":{"availableStores":[`+storeConfigDefaults+`]}}`)
	}

	// Magento's config paths, and its {{…}} placeholders in the derived URLs.
	for path, v := range map[string]string{
		auth.PathBaseURL: "https://shop.example.com/", auth.PathSecureBaseURL: "https://secure.example.com/",
		auth.PathBaseMediaURL: "https://media.example.com/m/", auth.PathSecureBaseStaticURL: "{{secure_base_url}}pub/static/",
		auth.PathBaseLinkURL: "{{unsecure_base_url}}index.php/", auth.PathUseStoreInURL: "1", auth.PathLocale: "de_DE",
		auth.PathTimezone: "Europe/Berlin", auth.PathWeightUnit: "kgs", auth.PathBaseCurrency: "EUR",
		auth.PathDisplayCurrency: "CHF", auth.PathStoreName: "Werkstatt", auth.PathNewsletterActive: "0",
		auth.PathShareCustomerGroup: "0", auth.PathDefaultCountry: "DE", auth.PathDisplayAllRegions: "0",
	} {
		e.set(path, v)
	}
	expect(t, e.gql("", qStoreConfigAll, nil), 200, `{"data":{"storeConfig":{"id":1,"code":"default","store_code":"default",
	  "store_name":"Werkstatt","store_sort_order":0,"is_default_store":true,"store_group_code":"main_website_store",
	  "store_group_name":"Main Website Store","is_default_store_group":true,"website_id":1,"website_code":"base",
	  "website_name":"Main Website","locale":"de_DE","base_currency_code":"EUR","default_display_currency_code":"CHF",
	  "timezone":"Europe/Berlin","weight_unit":"kgs","base_url":"https://shop.example.com/",
	  "base_link_url":"https://shop.example.com/index.php/","base_static_url":"https://shop.example.com/static/",
	  "base_media_url":"https://media.example.com/m/","secure_base_url":"https://secure.example.com/",
	  "secure_base_link_url":"https://secure.example.com/","secure_base_static_url":"https://secure.example.com/pub/static/",
	  "secure_base_media_url":"https://secure.example.com/media/","use_store_in_url":true,
	  "graphql_share_customer_group":false,"newsletter_enabled":false,"default_country":"DE",
	  "countries_with_required_region":"CA,US","optional_zip_countries":"HK,IE,MO,PA,GB","display_state_if_optional":false}}}`)

	// Without --addr (tests, commands) and no base URL set, the URLs are null.
	e.svc.BaseURL = ""
	e.set(auth.PathBaseURL, "")
	expect(t, e.gql("", `{storeConfig{base_url base_static_url secure_base_url secure_base_static_url base_media_url}}`, nil), 200,
		`{"data":{"storeConfig":{"base_url":null,"base_static_url":null,"secure_base_url":"https://secure.example.com/",
		"secure_base_static_url":"https://secure.example.com/pub/static/","base_media_url":"https://media.example.com/m/"}}}`)
}

// The URL and store settings refuse what Magento's admin would not store, and take
// every default (what the admin page submits unchanged).
func TestStorefrontSettingsValidate(t *testing.T) {
	for _, s := range auth.AllSettings() {
		if s.Path == auth.PathCryptKey {
			continue // generated on first start
		}
		if err := auth.ValidateSetting(s.Path, s.Default); err != nil {
			t.Errorf("default of %s: %v", s.Path, err)
		}
	}
	for _, c := range []struct{ path, value string }{
		{auth.PathBaseURL, "shop.example.com/"}, {auth.PathBaseURL, "https://shop.example.com"},
		{auth.PathBaseURL, "ftp://shop.example.com/"}, {auth.PathBaseURL, "https://shop.example.com/?a=1/"},
		{auth.PathBaseURL, "{{unsecure_base_url}}x/"}, {auth.PathBaseMediaURL, "{{secure_base_url}}media/"},
		{auth.PathSecureBaseStaticURL, "{{secure_base_url}}/static/"}, {auth.PathLocale, "english"},
		{auth.PathTimezone, "Mars/Olympus"}, {auth.PathTimezone, "Local"}, {auth.PathWeightUnit, "g"},
		{auth.PathBaseCurrency, "usd"}, {auth.PathDefaultCountry, "XX"}, {auth.PathDefaultCountry, "us"}, {auth.PathCORSOrigins, "https://shop.example.com/"},
		{auth.PathCORSOrigins, "shop.example.com"}, {auth.PathCORSOrigins, "https://a.example.com,*"},
	} {
		if err := auth.ValidateSetting(c.path, c.value); err == nil {
			t.Errorf("%s = %q accepted", c.path, c.value)
		}
	}
	for _, c := range []struct{ path, value string }{
		{auth.PathBaseURL, ""}, {auth.PathBaseURL, "http://localhost:8080/shop/"},
		{auth.PathBaseMediaURL, "{{unsecure_base_url}}pub/media/"}, {auth.PathSecureBaseMediaURL, "{{secure_base_url}}media/"},
		{auth.PathCORSOrigins, "https://shop.example.com, http://localhost:3000"}, {auth.PathCORSOrigins, ""},
	} {
		if err := auth.ValidateSetting(c.path, c.value); err != nil {
			t.Errorf("%s = %q: %v", c.path, c.value, err)
		}
	}
}

// An unknown Store header answers Magento's StoreValidator error, before the token is
// read; "default" in any case, with spaces, or no header, is the store.
func TestStoreHeader(t *testing.T) {
	e, customer, _, revoked := storefrontEnv(t)
	q := `{"query":"{storeConfig{store_code}}"}`
	ok := `{"data":{"storeConfig":{"store_code":"default"}}}`
	notFound := `{"errors":[{"message":"Requested store is not found","extensions":{"category":"graphql-input"}}]}`
	for _, v := range []string{"default", "DEFAULT", " default ", "Default"} {
		expect(t, e.do("POST", "/graphql", "application/json", q, map[string]string{"Store": v}), 200, ok)
	}
	for _, v := range []string{"non_existing", "base", "default_x", "admin"} {
		expect(t, e.do("POST", "/graphql", "application/json", q, map[string]string{"Store": v}), 200, notFound)
		expect(t, e.do("GET", "/graphql?query=%7BstoreConfig%7Bstore_code%7D%7D", "", "", map[string]string{"Store": v}), 200, notFound)
	}
	expect(t, e.do("POST", "/graphql", "application/json", q, map[string]string{"Store": "fr", "Authorization": "Bearer " + revoked}), 200, notFound)
	expect(t, e.do("POST", "/graphql", "application/json", `{"query":"mutation{revokeCustomerToken{result}}"}`,
		map[string]string{"Store": "fr", "Authorization": "Bearer " + customer}), 200, notFound)
	// The refused request did nothing: the token still works.
	expect(t, e.gql(customer, `{customer{email}}`, nil), 200, `{"data":{"customer":{"email":"customer@example.com"}}}`)
}

func subscribe(e *env, tok, email string) response {
	e.t.Helper()
	return e.gql(tok, `mutation($e:String!){subscribeEmailToNewsletter(email:$e){status}}`, map[string]any{"e": email})
}

const subscribed = `{"data":{"subscribeEmailToNewsletter":{"status":"SUBSCRIBED"}}}`

func subscribeErr(msg, category string) string {
	return `{"errors":[{"message":"` + msg + `","locations":[{"line":1,"column":22}],"path":["subscribeEmailToNewsletter"],` +
		`"extensions":{"category":"` + category + `"}}],"data":{"subscribeEmailToNewsletter":null}}`
}

// subscribeEmailToNewsletter as Magento's NewsletterGraphQl answers it, for guests,
// customers and admin tokens, and is_subscribed following the subscription.
func TestSubscribeEmailToNewsletter(t *testing.T) {
	e, customer, admin, revoked := storefrontEnv(t)
	isSub := func(tok string) response { return e.gql(tok, `{customer{is_subscribed}}`, nil) }

	// Guests.
	expect(t, subscribe(e, "", "guest@example.com"), 200, subscribed)
	expect(t, subscribe(e, "", "Guest@Example.com"), 200, subscribeErr("This email address is already subscribed.", "graphql-already-exists"))
	expect(t, subscribe(e, "", ""), 200, subscribeErr("You must specify an email address to subscribe to a newsletter.", "graphql-input"))
	expect(t, subscribe(e, "", "   "), 200, subscribeErr("You must specify an email address to subscribe to a newsletter.", "graphql-input"))
	expect(t, subscribe(e, "", "guest.example.com"), 200, subscribeErr("Enter a valid email address.", "graphql-input"))
	// An admin token subscribes as a guest does.
	expect(t, subscribe(e, admin, "admin-sent@example.com"), 200, subscribed)
	expect(t, subscribe(e, revoked, "x@example.com"), 401, revokedBody)

	// A customer: their own address becomes the account's subscription.
	expect(t, isSub(customer), 200, `{"data":{"customer":{"is_subscribed":false}}}`)
	expect(t, subscribe(e, customer, " customer@example.com "), 200, subscribed)
	expect(t, isSub(customer), 200, `{"data":{"customer":{"is_subscribed":true}}}`)
	expect(t, subscribe(e, customer, "customer@example.com"), 200, subscribeErr("This email address is already subscribed.", "graphql-already-exists"))
	// Another account's address: refused; an address of no account: subscribed.
	expect(t, subscribe(e, customer, "other@example.com"), 200, subscribeErr("Cannot create a newsletter subscription.", "graphql-input"))
	expect(t, subscribe(e, customer, "friend@example.com"), 200, subscribed)
	expect(t, subscribe(e, customer, "friend.example.com"), 200, subscribeErr("Enter a valid email address.", "graphql-input"))

	// Guest subscription off: guests are refused, customers are not.
	e.set(auth.PathNewsletterGuest, "0")
	expect(t, subscribe(e, "", "late@example.com"), 200,
		subscribeErr("Guests can not subscribe to the newsletter. You must create an account to subscribe.", "graphql-input"))
	expect(t, subscribe(e, admin, "late@example.com"), 200,
		subscribeErr("Guests can not subscribe to the newsletter. You must create an account to subscribe.", "graphql-input"))
	expect(t, subscribe(e, customer, "late@example.com"), 200, subscribed)
	e.set(auth.PathNewsletterGuest, "1")

	// The newsletter off: no subscription at all (shopauth), nor through create.
	e.set(auth.PathNewsletterActive, "0")
	expect(t, subscribe(e, "", "off@example.com"), 200, subscribeErr("Cannot create a newsletter subscription.", "graphql-input"))
	expect(t, e.gql("", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"N",lastname:"N",password:"Passw0rd!x",is_subscribed:true}){customer{is_subscribed}}}`, nil),
		200, `{"data":{"createCustomerV2":{"customer":{"is_subscribed":false}}}}`)
	e.set(auth.PathNewsletterActive, "1")
	expect(t, subscribe(e, "", "off@example.com"), 200, subscribed)
}

// is_subscribed through createCustomerV2, updateCustomerV2, legacy updateCustomer, and
// a guest subscription that an account of the same address takes over.
func TestIsSubscribedThroughMutations(t *testing.T) {
	e, customer, _, _ := storefrontEnv(t)
	upd := func(mutation, v string) response {
		return e.gql(customer, `mutation{`+mutation+`(input:{is_subscribed:`+v+`}){customer{is_subscribed}}}`, nil)
	}
	expect(t, upd("updateCustomerV2", "true"), 200, `{"data":{"updateCustomerV2":{"customer":{"is_subscribed":true}}}}`)
	expect(t, subscribe(e, "", "customer@example.com"), 200, subscribeErr("This email address is already subscribed.", "graphql-already-exists"))
	expect(t, upd("updateCustomerV2", "false"), 200, `{"data":{"updateCustomerV2":{"customer":{"is_subscribed":false}}}}`)
	expect(t, upd("updateCustomer", "true"), 200, `{"data":{"updateCustomer":{"customer":{"is_subscribed":true}}}}`)
	expect(t, e.gql(customer, `{customer{is_subscribed}}`, nil), 200, `{"data":{"customer":{"is_subscribed":true}}}`)
	// An email change carries the subscription to the new address.
	expect(t, e.gql(customer, `mutation{updateCustomer(input:{email:"moved@example.com",password:"password"}){customer{email is_subscribed}}}`, nil),
		200, `{"data":{"updateCustomer":{"customer":{"email":"moved@example.com","is_subscribed":true}}}}`)
	expect(t, subscribe(e, "", "customer@example.com"), 200, subscribed)
	expect(t, e.gql(customer, `{customer{is_subscribed}}`, nil), 200, `{"data":{"customer":{"is_subscribed":true}}}`)

	expect(t, e.gql("", `mutation{createCustomerV2(input:{email:"sub@example.com",firstname:"S",lastname:"S",password:"Passw0rd!x",is_subscribed:true}){customer{is_subscribed}}}`, nil),
		200, `{"data":{"createCustomerV2":{"customer":{"is_subscribed":true}}}}`)
	// Subscribed as a guest first, then registered: the account is subscribed.
	expect(t, subscribe(e, "", "early@example.com"), 200, subscribed)
	expect(t, e.gql("", `mutation{createCustomerV2(input:{email:"Early@example.com",firstname:"E",lastname:"E",password:"Passw0rd!x"}){customer{is_subscribed}}}`, nil),
		200, `{"data":{"createCustomerV2":{"customer":{"is_subscribed":true}}}}`)
	// With the newsletter off, is_subscribed on an update changes nothing.
	e.set(auth.PathNewsletterActive, "0")
	expect(t, upd("updateCustomerV2", "false"), 200, `{"data":{"updateCustomerV2":{"customer":{"is_subscribed":true}}}}`)
}

// One address subscribed by 100 requests at once: exactly one is SUBSCRIBED.
func TestSubscribeConcurrent(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "0")
	var wg sync.WaitGroup
	results := make([]response, 100)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = subscribe(e, "", "race@example.com") }()
	}
	wg.Wait()
	n := map[string]int{}
	for _, r := range results {
		n[r.body]++
	}
	if n[subscribed] != 1 || n[subscribeErr("This email address is already subscribed.", "graphql-already-exists")] != 99 {
		t.Fatalf("answers: %v", n)
	}
}

// Subscriptions count in the sign-in bucket, each aliased field as one.
func TestSubscribeIsRateLimited(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathSignInRateLimit, "3")
	var fields []string
	for i := 0; i < 4; i++ {
		fields = append(fields, fmt.Sprintf(`a%d:subscribeEmailToNewsletter(email:"r%d@example.com"){status}`, i, i))
	}
	expect(t, e.gql("", "mutation{"+strings.Join(fields, " ")+"}", nil), 429,
		`{"errors":[{"message":"Too many requests from this address. Please wait and try again later.","extensions":{"category":"graphql-input"}}]}`)
}

// customerGroup and Customer.group in Magento's shape, and off with
// customer/account_information/graphql_share_customer_group 0.
func TestCustomerGroup(t *testing.T) {
	e, customer, admin, revoked := storefrontEnv(t)
	expect(t, e.gql("", `{customerGroup{uid}}`, nil), 200, `{"data":{"customerGroup":{"uid":"MA=="}}}`)
	expect(t, e.gql(admin, `{customerGroup{uid}}`, nil), 200, `{"data":{"customerGroup":{"uid":"MA=="}}}`)
	expect(t, e.gql(customer, `{customerGroup{uid} customer{group{uid}}}`, nil), 200,
		`{"data":{"customerGroup":{"uid":"MQ=="},"customer":{"group":{"uid":"MQ=="}}}}`)
	expect(t, e.gql(revoked, `{customerGroup{uid}}`, nil), 401, revokedBody)
	e.set(auth.PathShareCustomerGroup, "0")
	expect(t, e.gql("", `{customerGroup{uid}}`, nil), 200, `{"errors":[{"message":"Sharing customer group information is disabled or not configured.",`+
		`"locations":[{"line":1,"column":2}],"path":["customerGroup"],"extensions":{"category":"graphql-input"}}],"data":null}`)
	expect(t, e.gql(customer, `{customer{group{uid}}}`, nil), 200, `{"data":{"customer":{"group":null}}}`)
}

// reCAPTCHA off, in the security package's shape and defaults.
func TestRecaptchaConfigOff(t *testing.T) {
	e, customer, admin, revoked := storefrontEnv(t)
	for _, tok := range []string{"", customer, admin} {
		expect(t, e.gql(tok, `{recaptchaV3Config{is_enabled website_key minimum_score badge_position language_code failure_message forms theme}}`, nil), 200,
			`{"data":{"recaptchaV3Config":{"is_enabled":false,"website_key":"","minimum_score":0.5,"badge_position":"inline",`+
				`"language_code":"","failure_message":"reCAPTCHA verification failed.","forms":[],"theme":"light"}}}`)
	}
	for _, form := range []string{"PLACE_ORDER", "CONTACT", "CUSTOMER_LOGIN", "CUSTOMER_FORGOT_PASSWORD", "CUSTOMER_CREATE",
		"CUSTOMER_EDIT", "NEWSLETTER", "PRODUCT_REVIEW", "SENDFRIEND", "BRAINTREE", "RESEND_CONFIRMATION_EMAIL"} {
		expect(t, e.gql("", `{recaptchaFormConfig(formType:`+form+`){is_enabled configurations{website_key}}}`, nil), 200,
			`{"data":{"recaptchaFormConfig":{"is_enabled":false,"configurations":null}}}`)
	}
	expect(t, e.gql("", `{recaptchaFormConfig(formType:LOGIN){is_enabled}}`, nil), 200,
		`{"errors":[{"message":"Value \"LOGIN\" does not exist in \"ReCaptchaFormEnum\" enum.","locations":[{"line":1,"column":31}],"extensions":{"category":"graphql"}}]}`)
	expect(t, e.gql(revoked, `{recaptchaV3Config{is_enabled}}`, nil), 401, revokedBody)
}

// The magento2-pwa fields PWA Studio's account pages read, and Customer.id as 2.4.8.
func TestPWAStudioCustomerFields(t *testing.T) {
	e, customer, _, _ := storefrontEnv(t)
	expect(t, e.gql(customer, `{customer{id is_confirmed email}}`, nil), 200,
		`{"data":{"customer":{"id":null,"is_confirmed":true,"email":"customer@example.com"}}}`)
	e.set(auth.PathCustomerTokenLifetime, "0.5")
	expect(t, e.gql("", `mutation{generateCustomerToken(email:"customer@example.com",password:"password"){customer_token_lifetime}}`, nil), 200,
		`{"data":{"generateCustomerToken":{"customer_token_lifetime":1800}}}`)
	// With confirmation required, a confirmed customer is confirmed.
	e.set(auth.PathConfirmRequired, "1")
	expect(t, e.gql(customer, `{customer{is_confirmed confirmation_status}}`, nil), 200,
		`{"data":{"customer":{"is_confirmed":true,"confirmation_status":"ACCOUNT_CONFIRMED"}}}`)
}

// A fragment on a type the schema lacks gets webonyx's one error, not a second one
// with Go's %!q(<nil>).
func TestUnknownFragmentType(t *testing.T) {
	e := newEnv(t)
	expect(t, e.gql("", `{customer{...on CompanyUser{id}}}`, nil), 200,
		`{"errors":[{"message":"Unknown type \"CompanyUser\".","locations":[{"line":1,"column":17}],"extensions":{"category":"graphql"}}]}`)
	expect(t, e.gql("", `{customer{...F}} fragment F on Cart{id}`, nil), 200,
		`{"errors":[{"message":"Unknown type \"Cart\".","locations":[{"line":1,"column":32}],"extensions":{"category":"graphql"}}]}`)
}

// The public base URL is also what links in mail start with: the 2FA setup mail.
func TestBaseURLInMailLinks(t *testing.T) {
	e := newEnv(t)
	e.admin("admin", "admin123")
	send := func() string {
		t.Helper()
		e.rest("/rest/V1/integration/admin/token", `{"username":"admin","password":"admin123"}`, "")
		return e.lastMailVar("tfa_setup", "url")
	}
	if u := send(); !strings.HasPrefix(u, "/admin/tfa/setup?token=") {
		t.Errorf("no base URL known: %s", u)
	}
	e.svc.BaseURL = "http://127.0.0.1:8080"
	if u := send(); !strings.HasPrefix(u, "http://127.0.0.1:8080/admin/tfa/setup?token=") {
		t.Errorf("from --addr: %s", u)
	}
	e.set(auth.PathBaseURL, "https://shop.example.com/auth/")
	if u := send(); !strings.HasPrefix(u, "https://shop.example.com/auth/admin/tfa/setup?token=") {
		t.Errorf("from web/unsecure/base_url: %s", u)
	}
}
