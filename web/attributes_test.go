package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"shopauth/auth"
)

const formQuery = `query($f:String!){attributesForm(formCode:$f){items{code label entity_type frontend_input frontend_class is_required
	default_value is_unique options{label value is_default} ... on CustomerAttributeMetadata{input_filter multiline_count sort_order
	validate_rules{name value}}} errors{type message}}}`

func form(e *env, code string) response {
	return e.gql("", formQuery, map[string]any{"f": code})
}

func TestAttributesForm(t *testing.T) {
	e := newEnv(t)
	text := func(code, label, entity string, required bool, sort int, rules string) string {
		return fmt.Sprintf(`{"code":%q,"label":%q,"entity_type":%q,"frontend_input":"TEXT","frontend_class":null,"is_required":%v,
			"default_value":null,"is_unique":false,"options":[],"input_filter":"NONE","multiline_count":0,"sort_order":%d,"validate_rules":%s}`,
			code, label, entity, required, sort, rules)
	}
	nameRules := `[{"name":"MAX_TEXT_LENGTH","value":"255"},{"name":"MIN_TEXT_LENGTH","value":"1"}]`
	// The sign-up and account forms: Magento's visible customer attributes of a new shop.
	want := `{"data":{"attributesForm":{"items":[` + text("firstname", "First Name", "CUSTOMER", true, 40, nameRules) + `,` +
		text("lastname", "Last Name", "CUSTOMER", true, 60, nameRules) + `,` +
		text("email", "Email", "CUSTOMER", true, 80, `[{"name":"INPUT_VALIDATION","value":"email"}]`) + `],"errors":[]}}}`
	expect(t, form(e, "customer_account_create"), 200, want)
	expect(t, form(e, "customer_account_edit"), 200, want)

	// The address forms: codes in sort order, with the country list as options.
	r := e.gql("", `{attributesForm(formCode:"customer_register_address"){items{code frontend_input is_required ... on CustomerAttributeMetadata{sort_order multiline_count}} errors{type}}}`, nil)
	expect(t, r, 200, `{"data":{"attributesForm":{"items":[
		{"code":"firstname","frontend_input":"TEXT","is_required":true,"sort_order":20,"multiline_count":0},
		{"code":"lastname","frontend_input":"TEXT","is_required":true,"sort_order":40,"multiline_count":0},
		{"code":"company","frontend_input":"TEXT","is_required":false,"sort_order":60,"multiline_count":0},
		{"code":"street","frontend_input":"MULTILINE","is_required":true,"sort_order":70,"multiline_count":2},
		{"code":"city","frontend_input":"TEXT","is_required":true,"sort_order":80,"multiline_count":0},
		{"code":"country_id","frontend_input":"SELECT","is_required":true,"sort_order":90,"multiline_count":0},
		{"code":"region","frontend_input":"TEXT","is_required":false,"sort_order":100,"multiline_count":0},
		{"code":"region_id","frontend_input":"HIDDEN","is_required":false,"sort_order":100,"multiline_count":0},
		{"code":"postcode","frontend_input":"TEXT","is_required":false,"sort_order":110,"multiline_count":0},
		{"code":"telephone","frontend_input":"TEXT","is_required":true,"sort_order":120,"multiline_count":0},
		{"code":"vat_id","frontend_input":"TEXT","is_required":false,"sort_order":140,"multiline_count":0}],"errors":[]}}}`)
	r = e.gql("", `{attributesForm(formCode:"customer_address_edit"){items{code options{label value}}}}`, nil)
	if !strings.Contains(r.body, `{"code":"country_id","options":[{"label":"Afghanistan","value":"AF"},{"label":"Åland Islands","value":"AX"}`) {
		t.Errorf("country options: %.300s", r.body)
	}
	// Admin and unknown forms are Magento's ENTITY_NOT_FOUND.
	for _, code := range []string{"adminhtml_customer", "checkout_register", "nope"} {
		expect(t, form(e, code), 200, `{"data":{"attributesForm":{"items":[],"errors":[{"type":"ENTITY_NOT_FOUND","message":"Form \"`+code+`\" could not be found."}]}}}`)
	}
}

func TestCustomAttributeMetadataV2(t *testing.T) {
	e := newEnv(t)
	r := e.gql("", `{customAttributeMetadataV2(attributes:[{attribute_code:"gender",entity_type:"customer"},{attribute_code:"nope",entity_type:"customer"},
		{attribute_code:"city",entity_type:"customer_address"},{attribute_code:"sku",entity_type:"catalog_product"}]){
		items{code label entity_type frontend_input is_required options{label value is_default}} errors{type message}}}`, nil)
	expect(t, r, 200, `{"data":{"customAttributeMetadataV2":{"items":[
		{"code":"gender","label":"Gender","entity_type":"CUSTOMER","frontend_input":"SELECT","is_required":false,"options":[
			{"label":"Male","value":"1","is_default":false},{"label":"Female","value":"2","is_default":false},{"label":"Not Specified","value":"3","is_default":false}]},
		{"code":"city","label":"City","entity_type":"CUSTOMER_ADDRESS","frontend_input":"TEXT","is_required":true,"options":[]}],
		"errors":[{"type":"ATTRIBUTE_NOT_FOUND","message":"Attribute code \"nope\" could not be found."},
		{"type":"ENTITY_NOT_FOUND","message":"Entity \"catalog_product\" could not be found."}]}}}`)
	expect(t, e.gql("", `{customAttributeMetadataV2{items{code} errors{type}}}`, nil), 200, `{"data":{"customAttributeMetadataV2":{"items":[],"errors":[]}}}`)
}

// TestOperatorAttributes: attributes an operator adds appear in the forms, take values on
// create and update, and come back in custom_attributes; another process sees them
// within a second.
func TestOperatorAttributes(t *testing.T) {
	e := newEnv(t)
	// Warm this server's cache, then add the attributes from a second process.
	expect(t, e.gql("", `{customAttributeMetadataV2(attributes:[{attribute_code:"loyalty_tier",entity_type:"customer"}]){items{code}}}`, nil), 200,
		`{"data":{"customAttributeMetadataV2":{"items":[]}}}`)
	other := e.sibling()
	ctx := context.Background()
	tier, err := other.svc.AddAttribute(ctx, auth.NewAttribute{Entity: auth.EntityCustomer, Code: "loyalty_tier", Label: "Loyalty tier",
		Input: "select", Options: []string{"Bronze", "Silver", "Gold"}, SortOrder: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []auth.NewAttribute{
		{Entity: auth.EntityCustomer, Code: "nickname", Label: "Nickname", Input: "text", Required: true, SortOrder: 210},
		{Entity: auth.EntityCustomer, Code: "newsletter_print", Label: "Printed newsletter", Input: "boolean", SortOrder: 220},
		{Entity: auth.EntityAddress, Code: "door_code", Label: "Door code", Input: "text", SortOrder: 150},
	} {
		if _, err := other.svc.AddAttribute(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []struct {
		n   auth.NewAttribute
		msg string
	}{
		{auth.NewAttribute{Entity: auth.EntityCustomer, Code: "nickname", Input: "text"}, `An attribute with the code "nickname" already exists.`},
		{auth.NewAttribute{Entity: auth.EntityCustomer, Code: "email", Input: "text"}, `An attribute with the code "email" already exists.`},
		{auth.NewAttribute{Entity: auth.EntityCustomer, Code: "Bad Code", Input: "text"}, `"Bad Code" is not a valid attribute code: use 1 to 60 lower-case letters, digits and underscores, starting with a letter.`},
		{auth.NewAttribute{Entity: auth.EntityCustomer, Code: "photo", Input: "image"}, `"image" is not an input type an attribute can be added with: use text, select or boolean.`},
	} {
		if _, err := other.svc.AddAttribute(ctx, bad.n); err == nil || err.Error() != bad.msg {
			t.Errorf("%+v: %v", bad.n, err)
		}
	}
	// The first server sees them once its second is over.
	e.clock.Add(2 * time.Second)
	gold := tier.Options[2].Value
	r := e.gql("", `{attributesForm(formCode:"customer_account_create"){items{code label frontend_input is_required options{label value}}}}`, nil)
	if !strings.HasSuffix(r.body, fmt.Sprintf(`{"code":"email","label":"Email","frontend_input":"TEXT","is_required":true,"options":[]},`+
		`{"code":"loyalty_tier","label":"Loyalty tier","frontend_input":"SELECT","is_required":false,"options":[{"label":"Bronze","value":"%s"},{"label":"Silver","value":"%s"},{"label":"Gold","value":"%s"}]},`+
		`{"code":"nickname","label":"Nickname","frontend_input":"TEXT","is_required":true,"options":[]},`+
		`{"code":"newsletter_print","label":"Printed newsletter","frontend_input":"BOOLEAN","is_required":false,"options":[{"label":"Yes","value":"1"},{"label":"No","value":"0"}]}]}}}`,
		tier.Options[0].Value, tier.Options[1].Value, gold)) {
		t.Errorf("form: %s", r.body)
	}
	if r := e.gql("", `{attributesForm(formCode:"customer_address_edit"){items{code}}}`, nil); !strings.HasSuffix(r.body, `{"code":"vat_id"},{"code":"door_code"}]}}}`) {
		t.Errorf("address form: %s", r.body)
	}

	create := func(attrs string) response {
		return e.gql("", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"A",lastname:"B",password:"Passw0rd!x",custom_attributes:[`+attrs+`]}){customer{email}}}`, nil)
	}
	in := func(msg string) string { return gqlErr(msg, "graphql-input", 10, "createCustomerV2") }
	expect(t, create(``), 200, in(`"Nickname" is a required value.`))
	expect(t, create(`{attribute_code:"nickname",value:"Al"},{attribute_code:"loyalty_tier",value:"999"}`), 200, in(`"999" is not a valid option of "Loyalty tier".`))
	expect(t, create(`{attribute_code:"nickname",value:"Al"},{attribute_code:"newsletter_print",value:"yes"}`), 200, in(`"Printed newsletter" must be 0 or 1.`))
	// Unknown codes are ignored, as Magento ignores them; a select takes selected_options too.
	expect(t, create(fmt.Sprintf(`{attribute_code:"nickname",value:"Al"},{attribute_code:"loyalty_tier",selected_options:[{value:%q}]},{attribute_code:"unknown",value:"x"}`, gold)), 200,
		`{"data":{"createCustomerV2":{"customer":{"email":"new@example.com"}}}}`)
	tok := e.token("new@example.com", "Passw0rd!x")
	q := `{customer{custom_attributes{code ... on AttributeValue{value} ... on AttributeSelectedOptions{selected_options{label value}}}}}`
	expect(t, e.gql(tok, q, nil), 200, fmt.Sprintf(`{"data":{"customer":{"custom_attributes":[{"code":"loyalty_tier","selected_options":[{"label":"Gold","value":"%s"}]},{"code":"nickname","value":"Al"}]}}}`, gold))
	expect(t, e.gql(tok, `mutation{updateCustomerV2(input:{custom_attributes:[{attribute_code:"newsletter_print",value:"1"},{attribute_code:"nickname",value:"Ally"}]}){customer{custom_attributes(attributeCodes:["nickname","newsletter_print"]){code ... on AttributeValue{value}}}}}`, nil), 200,
		`{"data":{"updateCustomerV2":{"customer":{"custom_attributes":[{"code":"nickname","value":"Ally"},{"code":"newsletter_print","value":"1"}]}}}}`)
	expect(t, e.gql(tok, `mutation{updateCustomerV2(input:{custom_attributes:[{attribute_code:"nickname",value:""}]}){customer{email}}}`, nil), 200,
		gqlErr(`"Nickname" is a required value.`, "graphql-input", 10, "updateCustomerV2"))

	// Address attributes: V2 input and the deprecated pairs, both outputs.
	r = e.gql(tok, `mutation{createCustomerAddress(input:{`+usAddress+`,custom_attributesV2:[{attribute_code:"door_code",value:"4711"}]}){custom_attributes{attribute_code value} custom_attributesV2{code ... on AttributeValue{value}}}}`, nil)
	expect(t, r, 200, `{"data":{"createCustomerAddress":{"custom_attributes":[{"attribute_code":"door_code","value":"4711"}],"custom_attributesV2":[{"code":"door_code","value":"4711"}]}}}`)
	r = e.gql(tok, `mutation{createCustomerAddress(input:{`+usAddress+`,custom_attributes:[{attribute_code:"door_code",value:"12"}]}){custom_attributesV2(attributeCodes:["door_code"]){code ... on AttributeValue{value}}}}`, nil)
	expect(t, r, 200, `{"data":{"createCustomerAddress":{"custom_attributesV2":[{"code":"door_code","value":"12"}]}}}`)
}
