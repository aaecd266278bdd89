package web_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// specSDL is SPEC §2, the contract: Magento's type names, field names and nullability.
const specSDL = `
type Query {
  customer: Customer
  isEmailAvailable(email: String!): IsEmailAvailableOutput
  storeConfig: StoreConfig
}
type Mutation {
  generateCustomerToken(email: String!, password: String!): CustomerToken
  revokeCustomerToken: RevokeCustomerTokenOutput
  generateCustomerTokenAsAdmin(input: GenerateCustomerTokenAsAdminInput!): GenerateCustomerTokenAsAdminOutput
  exchangeOtpForCustomerToken(email: String!, otp: String!): CustomerToken
  createCustomer(input: CustomerInput!): CustomerOutput
  createCustomerV2(input: CustomerCreateInput!): CustomerOutput
  updateCustomer(input: CustomerInput!): CustomerOutput
  updateCustomerV2(input: CustomerUpdateInput!): CustomerOutput
  changeCustomerPassword(currentPassword: String!, newPassword: String!): Customer
  requestPasswordResetEmail(email: String!): Boolean
  resetPassword(email: String!, resetPasswordToken: String!, newPassword: String!): Boolean
  confirmEmail(input: ConfirmEmailInput!): CustomerOutput
  resendConfirmationEmail(email: String!): Boolean
}
type CustomerToken { token: String }
type RevokeCustomerTokenOutput { result: Boolean! }
input GenerateCustomerTokenAsAdminInput { customer_email: String! }
type GenerateCustomerTokenAsAdminOutput { customer_token: String! }
type CustomerOutput { customer: Customer! }
input ConfirmEmailInput { email: String! confirmation_key: String! }
type IsEmailAvailableOutput { is_email_available: Boolean }
type Customer {
  id: ID
  email: String  firstname: String  lastname: String  middlename: String
  prefix: String  suffix: String  date_of_birth: String  dob: String  taxvat: String
  gender: Int  is_subscribed: Boolean  created_at: String
  allow_remote_shopping_assistance: Boolean!
  confirmation_status: ConfirmationStatusEnum!
  group: CustomerGroupStorefront
}
enum ConfirmationStatusEnum { ACCOUNT_CONFIRMED ACCOUNT_CONFIRMATION_NOT_REQUIRED }
type CustomerGroupStorefront { uid: ID! }
input CustomerCreateInput { email: String! firstname: String! lastname: String! password: String
  middlename: String prefix: String suffix: String date_of_birth: String dob: String taxvat: String
  gender: Int is_subscribed: Boolean allow_remote_shopping_assistance: Boolean }
input CustomerUpdateInput { firstname: String lastname: String middlename: String prefix: String
  suffix: String date_of_birth: String dob: String taxvat: String gender: Int is_subscribed: Boolean
  allow_remote_shopping_assistance: Boolean }
input CustomerInput { email: String firstname: String lastname: String password: String
  middlename: String prefix: String suffix: String date_of_birth: String dob: String taxvat: String
  gender: Int is_subscribed: Boolean }
type StoreConfig { store_code: String store_name: String website_code: String website_name: String
  locale: String minimum_password_length: String required_character_classes_number: String
  autocomplete_on_storefront: Boolean create_account_confirmation: Boolean
  customer_access_token_lifetime: Float shopping_assistance_enabled: Boolean
  shopping_assistance_checkbox_title: String shopping_assistance_checkbox_tooltip: String
  share_customer_accounts_scope: Int }
`

// definitions parses SDL (no validation: gqlparser's validator would be a new dependency).
func definitions(t *testing.T, sdl string) ast.DefinitionList {
	t.Helper()
	doc, err := parser.ParseSchema(&ast.Source{Name: "s", Input: sdl})
	if err != nil {
		t.Fatal(err)
	}
	return doc.Definitions
}

// signatures lists every type's members as "Type.field(arg: T): T" lines.
func signatures(t *testing.T, sdl string) []string {
	t.Helper()
	var out []string
	for _, def := range definitions(t, sdl) {
		name := def.Name
		out = append(out, string(def.Kind)+" "+name)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			var args []string
			for _, a := range f.Arguments {
				args = append(args, a.Name+": "+a.Type.String())
			}
			out = append(out, name+"."+f.Name+"("+strings.Join(args, ", ")+"): "+f.Type.String())
		}
		for _, v := range def.EnumValues {
			out = append(out, name+"."+v.Name)
		}
	}
	sort.Strings(out)
	return out
}

// TestSchemaMatchesSpec: schema.graphql has exactly SPEC §2's types, fields, arguments
// and nullability, and Magento's deprecation reasons.
func TestSchemaMatchesSpec(t *testing.T) {
	want, got := append(signatures(t, specSDL), signatures(t, accountSDL)...), signatures(t, schemaSDL)
	wantSet, gotSet := map[string]bool{}, map[string]bool{}
	for _, s := range want {
		wantSet[s] = true
	}
	for _, s := range got {
		gotSet[s] = true
		if !wantSet[s] {
			t.Errorf("schema.graphql has %q, SPEC §2 does not", s)
		}
	}
	for _, s := range want {
		if !gotSet[s] {
			t.Errorf("schema.graphql lacks %q", s)
		}
	}

	deprecated := map[string]string{
		"Mutation.createCustomer": "Use `createCustomerV2` instead.",
		"Mutation.updateCustomer": "Use `updateCustomerV2` instead.",
		"Customer.id":             "`id` is not needed as part of `Customer`, because on the server side, it can be identified based on the customer token used for authentication. There is no need to know customer ID on the client side.",
		"Customer.dob":            "Use `date_of_birth` instead.",
	}
	for k, v := range accountDeprecated {
		deprecated[k] = v
	}
	for _, def := range definitions(t, schemaSDL) {
		for _, f := range def.Fields {
			key := def.Name + "." + f.Name
			d := f.Directives.ForName("deprecated")
			reason, want := "", deprecated[key]
			if d != nil {
				if a := d.Arguments.ForName("reason"); a != nil {
					reason = a.Value.Raw
				}
			}
			if (d != nil) != (want != "") || reason != want {
				t.Errorf("%s: deprecated %v reason %q, want %q", key, d != nil, reason, want)
			}
		}
	}
}
