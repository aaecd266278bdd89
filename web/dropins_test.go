package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// dropinOperation is one GraphQL operation of an Adobe storefront drop-in, as
// web/testdata/dropins/refresh.sh extracts it from the published npm package.
type dropinOperation struct {
	Package, Name, Source, Query string
}

func dropinOperations(t *testing.T) []dropinOperation {
	t.Helper()
	files, err := filepath.Glob("testdata/dropins/*.json")
	if err != nil || len(files) != 2 {
		t.Fatalf("drop-in operations: %v %v (run web/testdata/dropins/refresh.sh)", files, err)
	}
	var out []dropinOperation
	for _, f := range files {
		var p struct {
			Package    string
			Operations []dropinOperation
		}
		b, err := os.ReadFile(f)
		if err != nil || json.Unmarshal(b, &p) != nil || len(p.Operations) == 0 {
			t.Fatalf("%s: %v", f, err)
		}
		for _, op := range p.Operations {
			op.Package = p.Package
			out = append(out, op)
		}
	}
	return out
}

// dropinRefused are the drop-in operations shopauth refuses, with the validation
// errors it answers (sorted). All are out of scope (orders, payment tokens, B2B
// companies and roles, Adobe Commerce Optimizer, admin_assistance_actions) and stay
// refused: faking them would let a page load and then fail at checkout.
var dropinRefused = map[string][]string{

	// out of scope: Adobe Commerce Optimizer
	"@dropins/storefront-auth@4.1.0 GET_ADOBE_COMMERCE_OPTIMIZER_DATA": {`Cannot query field "commerceOptimizer" on type "Query".`},
	// out of scope: admin_assistance_actions (Adobe Commerce)
	"@dropins/storefront-account@4.2.0 GET_ADMIN_ASSISTANCE_ACTIONS": {`Cannot query field "admin_assistance_actions" on type "Customer".`},
	// out of scope: orders and returns
	"@dropins/storefront-account@4.2.0 GET_CUSTOMER_ORDERS_LIST": {
		`Cannot query field "orders" on type "Customer".`, `Cannot query field "returns" on type "Customer".`,
		`Unknown type "CustomerOrder".`, `Unknown type "CustomerOrderSortInput".`, `Unknown type "CustomerOrderSortInput".`,
		`Unknown type "CustomerOrdersFilterInput".`, `Unknown type "CustomerOrdersFilterInput".`, `Unknown type "OrderAddress".`,
		`Unknown type "OrderTotal".`},
	// out of scope: stored payment methods
	"@dropins/storefront-account@4.2.0 GET_CUSTOMER_PAYMENT_TOKENS": {`Cannot query field "customerPaymentTokens" on type "Query".`},
	"@dropins/storefront-account@4.2.0 DELETE_PAYMENT_TOKEN":        {`Cannot query field "deletePaymentToken" on type "Mutation".`},
	// out of scope: B2B companies and roles
	"@dropins/storefront-account@4.2.0 CREATE_COMPANY_ADDRESS": {
		`Cannot query field "createCompanyAddress" on type "Mutation". Did you mean "createCustomerAddress"?`, `Unknown type "CompanyAddress".`, `Unknown type "CompanyAddressInput".`, `Unknown type "CompanyAddressInput".`},
	"@dropins/storefront-account@4.2.0 DELETE_COMPANY_ADDRESS": {`Cannot query field "deleteCompanyAddress" on type "Mutation". Did you mean "deleteCustomerAddress", or "deleteCustomerAddressV2"?`},
	"@dropins/storefront-account@4.2.0 GET_COMPANY_ADDRESS_BOOK": {
		`Cannot query field "company" on type "Query".`, `Unknown type "CompanyAddress".`},
	"@dropins/storefront-account@4.2.0 GET_COMPANY_ADDRESS_BOOK_CONFIG": {`Cannot query field "company" on type "Query".`},
	"@dropins/storefront-account@4.2.0 GET_CUSTOMER_COMPANY_CONTEXT":    {`Cannot query field "company" on type "Query".`},
	"@dropins/storefront-account@4.2.0 GET_CUSTOMER_ROLE_PERMISSIONS": {
		`Cannot query field "role" on type "Customer".`, `Cannot query field "status" on type "Customer".`},
	"@dropins/storefront-account@4.2.0 SET_DEFAULT_COMPANY_ADDRESS": {
		`Cannot query field "setDefaultCompanyAddress" on type "Mutation".`, `Unknown type "CompanyAddress".`},
	"@dropins/storefront-account@4.2.0 UPDATE_COMPANY_ADDRESS": {
		`Cannot query field "updateCompanyAddress" on type "Mutation". Did you mean "updateCustomerAddress", or "updateCustomerAddressV2"?`,
		`Unknown type "CompanyAddress".`, `Unknown type "CompanyAddressUpdateInput".`, `Unknown type "CompanyAddressUpdateInput".`},
}

// dropinRuns are the answers to the operations shopauth serves, run as the drop-in
// sends them (with a customer token where the drop-in has one), each on a new
// database with customer@example.com / password.
var dropinRuns = map[string]struct {
	token bool
	vars  map[string]any
	want  string   // the exact body ({created_at}: the customer's)
	has   []string // or, for long answers, parts of the body: its start, then inner parts
}{
	"@dropins/storefront-auth@4.1.0 CONFIRM_EMAIL": {false, map[string]any{"email": "customer@example.com", "confirmation_key": "k"},
		`{"errors":[{"message":"The account is already active.","locations":[{"line":2,"column":5}],"path":["confirmEmail"],"extensions":{"category":"graphql-input"}}],"data":{"confirmEmail":null}}`, nil},
	"@dropins/storefront-auth@4.1.0 CREATE_CUSTOMER": {false, map[string]any{"input": map[string]any{"email": "new@example.com",
		"firstname": "Nia", "lastname": "New", "password": "Passw0rd!x", "is_subscribed": true}},
		`{"data":{"createCustomer":{"customer":{"__typename":"Customer","firstname":"Nia","lastname":"New","email":"new@example.com","allow_remote_shopping_assistance":false,"group":{"uid":"MQ=="}}}}}`, nil},
	"@dropins/storefront-auth@4.1.0 CREATE_CUSTOMER_V2": {false, map[string]any{"input": map[string]any{"email": "new@example.com",
		"firstname": "Nia", "lastname": "New", "password": "Passw0rd!x", "allow_remote_shopping_assistance": true}},
		`{"data":{"createCustomerV2":{"customer":{"__typename":"Customer","firstname":"Nia","lastname":"New","email":"new@example.com","allow_remote_shopping_assistance":true,"group":{"uid":"MQ=="}}}}}`, nil},
	"@dropins/storefront-auth@4.1.0 GET_CUSTOMER_DATA": {true, nil,
		`{"data":{"customer":{"__typename":"Customer","firstname":"John","lastname":"Smith","email":"customer@example.com","allow_remote_shopping_assistance":false,"group":{"uid":"MQ=="}}}}`, nil},
	"@dropins/storefront-auth@4.1.0 GET_CUSTOMER_TOKEN": {false, map[string]any{"email": "customer@example.com", "password": "password"}, "", nil},
	"@dropins/storefront-auth@4.1.0 GET_STORE_CONFIG": {false, nil,
		`{"data":{"storeConfig":{"autocomplete_on_storefront":true,"minimum_password_length":"8","required_character_classes_number":"3","store_code":"default","store_name":"Default Store View","store_group_code":"main_website_store","locale":"en_US","create_account_confirmation":false,"customer_access_token_lifetime":1,"website_code":"base","website_name":"Main Website","shopping_assistance_enabled":true,"shopping_assistance_checkbox_title":"Allow remote shopping assistance","shopping_assistance_checkbox_tooltip":"Customer Service can sign in to your account to help you with your orders.","share_customer_accounts_scope":1}}}`, nil},
	"@dropins/storefront-auth@4.1.0 REQUEST_PASSWORD_RESET_EMAIL": {false, map[string]any{"email": "customer@example.com"},
		`{"data":{"requestPasswordResetEmail":true}}`, nil},
	"@dropins/storefront-auth@4.1.0 RESEND_CONFIRMATION_EMAIL": {false, map[string]any{"email": "customer@example.com"},
		`{"errors":[{"message":"Confirmation isn't needed.","locations":[{"line":2,"column":5}],"path":["resendConfirmationEmail"],"extensions":{"category":"graphql-input"}}],"data":{"resendConfirmationEmail":null}}`, nil},
	"@dropins/storefront-auth@4.1.0 RESET_PASSWORD": {false, map[string]any{"email": "customer@example.com", "resetPasswordToken": "0123456789abcdef0123456789abcdef", "newPassword": "N3wPassw0rd!"},
		`{"errors":[{"message":"Cannot set the customer's password","locations":[{"line":6,"column":5}],"path":["resetPassword"],"extensions":{"category":"graphql-input"}}],"data":{"resetPassword":null}}`, nil},
	"@dropins/storefront-auth@4.1.0 REVOKE_CUSTOMER_TOKEN":   {true, nil, `{"data":{"revokeCustomerToken":{"result":true}}}`, nil},
	"@dropins/storefront-auth@4.1.0 VALIDATE_CUSTOMER_TOKEN": {true, nil, `{"data":{"customer":{"firstname":"John"}}}`, nil},
	"@dropins/storefront-auth@4.1.0 VALIDATE_CUSTOMER_TOKEN_WITH_GROUP": {true, nil,
		`{"data":{"customer":{"firstname":"John","group":{"uid":"MQ=="}}}}`, nil},
	"@dropins/storefront-account@4.2.0 GET_STORE_CONFIG": {false, nil,
		`{"data":{"storeConfig":{"base_media_url":null,"autocomplete_on_storefront":true,"minimum_password_length":"8","required_character_classes_number":"3","store_code":"default","shopping_assistance_enabled":true,"shopping_assistance_checkbox_title":"Allow remote shopping assistance","shopping_assistance_checkbox_tooltip":"Customer Service can sign in to your account to help you with your orders."}}}`, nil},
	"@dropins/storefront-account@4.2.0 UPDATE_CUSTOMER_V2": {true, map[string]any{"input": map[string]any{"firstname": "Jane", "gender": 2}},
		`{"data":{"updateCustomerV2":{"customer":{"email":"customer@example.com","allow_remote_shopping_assistance":false}}}}`, nil},
	"@dropins/storefront-account@4.2.0 CHANGE_CUSTOMER_PASSWORD": {true, map[string]any{"currentPassword": "password", "newPassword": "N3wPassw0rd!"},
		`{"data":{"changeCustomerPassword":{"email":"customer@example.com"}}}`, nil},
	"@dropins/storefront-auth@4.1.0 CREATE_CUSTOMER_ADDRESS": {true, map[string]any{"input": dropinAddress},
		`{"data":{"createCustomerAddress":{"firstname":"John"}}}`, nil},
	"@dropins/storefront-account@4.2.0 CREATE_CUSTOMER_ADDRESS": {true, map[string]any{"input": dropinAddress},
		`{"data":{"createCustomerAddress":{"firstname":"John","uid":"MQ=="}}}`, nil},
	"@dropins/storefront-account@4.2.0 GET_CUSTOMER_ADDRESS": {true, nil,
		`{"data":{"customer":{"addresses":[]}}}`, nil},
	"@dropins/storefront-account@4.2.0 REMOVE_CUSTOMER_ADDRESS": {true, map[string]any{"id": 1},
		`{"errors":[{"message":"Could not find a address with ID \"1\"","locations":[{"line":2,"column":5}],"path":["deleteCustomerAddress"],"extensions":{"category":"graphql-no-such-entity"}}],"data":{"deleteCustomerAddress":null}}`, nil},
	"@dropins/storefront-account@4.2.0 UPDATE_CUSTOMER_ADDRESS": {true, map[string]any{"id": 1, "input": map[string]any{"city": "Austin"}},
		`{"errors":[{"message":"Could not find a address with ID \"1\"","locations":[{"line":2,"column":5}],"path":["updateCustomerAddress"],"extensions":{"category":"graphql-no-such-entity"}}],"data":{"updateCustomerAddress":null}}`, nil},
	"@dropins/storefront-account@4.2.0 GET_REGIONS": {false, map[string]any{"countryCode": "CA"},
		`{"data":{"country":{"id":"CA","available_regions":[{"id":66,"code":"AB","name":"Alberta"},{"id":67,"code":"BC","name":"British Columbia"},{"id":68,"code":"MB","name":"Manitoba"},{"id":69,"code":"NL","name":"Newfoundland and Labrador"},{"id":70,"code":"NB","name":"New Brunswick"},{"id":71,"code":"NS","name":"Nova Scotia"},{"id":72,"code":"NT","name":"Northwest Territories"},{"id":73,"code":"NU","name":"Nunavut"},{"id":74,"code":"ON","name":"Ontario"},{"id":75,"code":"PE","name":"Prince Edward Island"},{"id":76,"code":"QC","name":"Quebec"},{"id":77,"code":"SK","name":"Saskatchewan"},{"id":78,"code":"YT","name":"Yukon Territory"}]}}}`, nil},
	"@dropins/storefront-auth@4.1.0 GET_ATTRIBUTES_FORM": {false, map[string]any{"formCode": "customer_account_create"},
		"", []string{`{"data":{"attributesForm":{"items":[{"code":"firstname","default_value":null,"entity_type":"CUSTOMER","frontend_class":null,"frontend_input":"TEXT","is_required":true,`, `"errors":[]}}}`}},
	"@dropins/storefront-account@4.2.0 GET_ATTRIBUTES_FORM": {true, map[string]any{"formCode": "customer_account_edit"},
		"", []string{`{"data":{"attributesForm":{"items":[{"code":"firstname",`, `"errors":[]}}}`}},
	"@dropins/storefront-account@4.2.0 GET_ATTRIBUTES_FORM_SHORT": {true, nil,
		"", []string{`{"data":{"attributesForm":{"items":[{"frontend_input":"TEXT","label":"First Name","code":"firstname","multiline_count":0,"sort_order":20},`, `{"frontend_input":"MULTILINE","label":"Street Address","code":"street","multiline_count":2,"sort_order":70}`}},
	"@dropins/storefront-account@4.2.0 GET_CUSTOMER": {true, nil,
		`{"data":{"customer":{"date_of_birth":null,"email":"customer@example.com","firstname":"John","gender":null,"lastname":"Smith","middlename":null,"prefix":null,"suffix":null,"created_at":"{created_at}","allow_remote_shopping_assistance":false,"custom_attributes":[]}}}`, nil},
	"@dropins/storefront-account@4.2.0 UPDATE_CUSTOMER_EMAIL": {true, map[string]any{"email": "moved@example.com", "password": "password"},
		`{"data":{"updateCustomerEmail":{"customer":{"email":"moved@example.com"}}}}`, nil},
	"@dropins/storefront-account@4.2.0 GET_COUNTRIES_QUERY": {false, nil,
		"", []string{`{"data":{"countries":[{"two_letter_abbreviation":"AF","full_name_locale":"Afghanistan","available_regions":null},`, `{"two_letter_abbreviation":"CA","full_name_locale":"Canada","available_regions":[{"id":66,"code":"AB","name":"Alberta"},`, `],"storeConfig":{"countries_with_required_region":"CA,US","optional_zip_countries":"HK,IE,MO,PA,GB"}}}`}},
}

// dropinAddress is an address as the account drop-in's form sends it.
var dropinAddress = map[string]any{"firstname": "John", "lastname": "Smith", "street": []any{"1 Main St", "Apt 2"},
	"city": "Austin", "region": map[string]any{"region_code": "TX"}, "postcode": "78701", "country_code": "US",
	"telephone": "555-0100", "default_billing": true, "default_shipping": true}

// TestDropinOperations sends every GraphQL operation of the published
// @dropins/storefront-auth and @dropins/storefront-account packages to shopauth: the
// ones it serves run with the answers above; the others are refused whole, by
// validation, with exactly the errors listed in dropinRefused.
func TestDropinOperations(t *testing.T) {
	seen := map[string]bool{}
	for _, op := range dropinOperations(t) {
		key := op.Package + " " + op.Name
		seen[key] = true
		t.Run(strings.NewReplacer("@dropins/", "", " ", "/").Replace(key), func(t *testing.T) {
			e := newEnv(t)
			e.customer("customer@example.com", "password")
			run, runs := dropinRuns[key]
			refused, isRefused := dropinRefused[key]
			if runs == isRefused {
				t.Fatalf("%s (%s) is in %d of dropinRuns and dropinRefused; want exactly one", key, op.Source, boolCount(runs, isRefused))
			}
			tok := ""
			if run.token {
				tok = e.token("customer@example.com", "password")
			}
			vars := run.vars
			if isRefused {
				vars = dropinVars(op.Query)
			}
			r := e.gql(tok, op.Query, vars)
			if isRefused {
				var body struct {
					Errors []struct{ Message string }
					Data   json.RawMessage
				}
				if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.status != 200 || body.Data != nil {
					t.Fatalf("%d %s", r.status, r.body)
				}
				var got []string
				for _, e := range body.Errors {
					got = append(got, e.Message)
				}
				sort.Strings(got)
				if strings.Join(got, "\n") != strings.Join(refused, "\n") {
					t.Errorf("refused with\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(refused, "\n"))
				}
				return
			}
			if key == "@dropins/storefront-auth@4.1.0 GET_CUSTOMER_TOKEN" {
				if r.status != 200 || !strings.HasPrefix(r.body, `{"data":{"generateCustomerToken":{"token":"eyJ`) {
					t.Errorf("%d %s", r.status, r.body)
				}
				return
			}
			if run.has != nil {
				if r.status != 200 || !strings.HasPrefix(r.body, run.has[0]) || strings.Contains(r.body, `"errors":[{`) {
					t.Fatalf("%d %.300s", r.status, r.body)
				}
				for _, part := range run.has[1:] {
					if !strings.Contains(r.body, part) {
						t.Errorf("answer lacks %s", part)
					}
				}
				return
			}
			created := e.clock.Now().UTC().Format("2006-01-02 15:04:05")
			expect(t, r, 200, strings.ReplaceAll(run.want, "{created_at}", created))
		})
	}
	for key := range dropinRuns {
		if !seen[key] {
			t.Errorf("dropinRuns lists %s, which the packages no longer have", key)
		}
	}
	for key := range dropinRefused {
		if !seen[key] {
			t.Errorf("dropinRefused lists %s, which the packages no longer have", key)
		}
	}
}

// dropinVars gives a refused operation's variables values of the kind the drop-in
// sends, so that only the unknown fields and types are what is refused.
func dropinVars(query string) map[string]any {
	values := map[string]any{"id": 1, "public_hash": "hash", "formCode": "customer_account_create", "countryCode": "US",
		"email": "customer@example.com", "password": "password", "input": map[string]any{}, "currentPage": 1, "pageSize": 10}
	vars := map[string]any{}
	for name, v := range values {
		if strings.Contains(query, "$"+name+":") {
			vars[name] = v
		}
	}
	return vars
}

func boolCount(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
