package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"shopauth/auth"
)

const addrFields = `id uid customer_id firstname lastname middlename prefix suffix company street city postcode
	country_id country_code region{region region_code region_id} region_id telephone fax vat_id default_billing
	default_shipping custom_attributes{attribute_code value} extension_attributes{attribute_code value}`

// usAddress is a complete address in Arizona (Magento's region_id 4).
const usAddress = `firstname:"Adam",lastname:"Phillis",middlename:"A",prefix:"Mr.",suffix:"Jr.",company:"Company name",
	street:["Line 1 Street","Line 2"],city:"City Name",postcode:"7777",country_code:US,region:{region_id:4},
	telephone:"123456789",fax:"123123123",vat_id:"1",default_shipping:true,default_billing:false`

func addressJSON(id int64, extra string) string {
	return fmt.Sprintf(`{"id":%d,"uid":%q,"customer_id":null,"firstname":"Adam","lastname":"Phillis","middlename":"A",
		"prefix":"Mr.","suffix":"Jr.","company":"Company name","street":["Line 1 Street","Line 2"],"city":"City Name",
		"postcode":"7777","country_id":"US","country_code":"US","region":{"region":"Arizona","region_code":"AZ","region_id":4},
		"region_id":4,"telephone":"123456789","fax":"123123123","vat_id":"1",%s"custom_attributes":[],"extension_attributes":[]}`,
		id, auth.AddressUID(id), extra)
}

// createAddress creates an address and returns its id.
func createAddress(t testing.TB, e *env, tok, input string) int64 {
	t.Helper()
	r := e.gql(tok, `mutation{createCustomerAddress(input:{`+input+`}){id}}`, nil)
	var out struct {
		Data struct{ CreateCustomerAddress struct{ ID int64 } }
	}
	if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil || out.Data.CreateCustomerAddress.ID == 0 {
		t.Fatalf("create address: %s", r)
	}
	return out.Data.CreateCustomerAddress.ID
}

func TestCreateCustomerAddress(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	create := func(input string) response {
		return e.gql(tok, `mutation{createCustomerAddress(input:{`+input+`}){`+addrFields+`}}`, nil)
	}
	r := create(usAddress)
	expect(t, r, 200, `{"data":{"createCustomerAddress":`+addressJSON(1, `"default_billing":false,"default_shipping":true,`)+`}}`)
	// The query answers the same, and the customer's default shipping is the new address.
	expect(t, e.gql(tok, `{customer{default_billing default_shipping addresses{`+addrFields+`}}}`, nil), 200,
		`{"data":{"customer":{"default_billing":null,"default_shipping":"1","addresses":[`+addressJSON(1, `"default_billing":false,"default_shipping":true,`)+`]}}}`)

	in := func(msg string) string { return gqlErr(msg, "graphql-input", 10, "createCustomerAddress") }
	// Magento's CreateCustomerAddress and address validators, one bad input at a time.
	for _, c := range []struct{ input, msg string }{
		{``, `"input" value should be specified`},
		{`company:"x"`, `Required parameters are missing: firstname, lastname, street, city, country_id, telephone`},
		{strings.Replace(usAddress, `firstname:"Adam"`, `firstname:""`, 1), `Required parameters are missing: firstname`},
		{strings.Replace(usAddress, `street:["Line 1 Street","Line 2"]`, `street:[]`, 1), `Required parameters are missing: street`},
		{strings.Replace(usAddress, `street:["Line 1 Street","Line 2"]`, `street:["a","b","c"]`, 1), `"Street Address" cannot contain more than 2 lines.`},
		{strings.Replace(usAddress, `street:["Line 1 Street","Line 2"]`, `street:[""]`, 1), `"street" is required. Enter and try again.`},
		{strings.Replace(usAddress, `postcode:"7777",`, ``, 1), `"postcode" is required. Enter and try again.`},
		{strings.Replace(usAddress, `region:{region_id:4},`, ``, 1), `"regionId" is required. Enter and try again.`},
		{strings.Replace(usAddress, `region:{region_id:4}`, `region:{region_code:"ZZ"}`, 1), `"regionId" is required. Enter and try again.`},
		{strings.Replace(usAddress, `region:{region_id:4}`, `region:{region_id:66}`, 1), `Invalid value of "66" provided for the regionId field.`},
		{strings.Replace(usAddress, `region:{region_id:4}`, `region:{region_id:99999}`, 1), `Invalid value of "99999" provided for the regionId field.`},
		{strings.Replace(usAddress, `city:"City Name"`, `city:"`+strings.Repeat("x", 256)+`"`, 1), `"City" is longer than 255 characters.`},
	} {
		expect(t, create(c.input), 200, in(c.msg))
	}
	// An unknown country is not a CountryCodeEnum value: the document does not validate.
	r = create(strings.Replace(usAddress, `country_code:US`, `country_code:XX`, 1))
	if r.status != 200 || !strings.Contains(r.body, `"errors"`) || !strings.Contains(r.body, `CountryCodeEnum`) || strings.Contains(r.body, `"data"`) {
		t.Errorf("unknown country: %s", r)
	}

	// Region by code, by name, the deprecated country_id; free text where the country has no list.
	q := `mutation{createCustomerAddress(input:{%s}){country_code region{region region_code region_id} region_id postcode}}`
	for _, c := range []struct{ input, want string }{
		{strings.Replace(usAddress, `region:{region_id:4}`, `region:{region_code:"tx"}`, 1),
			`{"country_code":"US","region":{"region":"Texas","region_code":"TX","region_id":57},"region_id":57,"postcode":"7777"}`},
		{strings.Replace(usAddress, `region:{region_id:4}`, `region:{region:"New York"}`, 1),
			`{"country_code":"US","region":{"region":"New York","region_code":"NY","region_id":43},"region_id":43,"postcode":"7777"}`},
		{strings.Replace(usAddress, `country_code:US,region:{region_id:4}`, `country_id:CA,region:{region_code:"QC"}`, 1),
			`{"country_code":"CA","region":{"region":"Quebec","region_code":"QC","region_id":76},"region_id":76,"postcode":"7777"}`},
		{strings.Replace(usAddress, `country_code:US,region:{region_id:4}`, `country_code:DE,region:{region:"Bayern",region_id:4}`, 1),
			`{"country_code":"DE","region":{"region":"Bayern","region_code":null,"region_id":0},"region_id":0,"postcode":"7777"}`},
		// The United Kingdom is one of Magento's optional-postcode countries.
		{strings.Replace(strings.Replace(usAddress, `country_code:US,region:{region_id:4}`, `country_code:GB`, 1), `postcode:"7777",`, ``, 1),
			`{"country_code":"GB","region":{"region":null,"region_code":null,"region_id":0},"region_id":0,"postcode":null}`},
	} {
		expect(t, e.gql(tok, fmt.Sprintf(q, c.input), nil), 200, `{"data":{"createCustomerAddress":`+c.want+`}}`)
	}
}

func TestAddressAuthorization(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.customer("customer@example.com", "password")
	e.customer("other@example.com", "password")
	e.admin("admin", "admin123")
	tok := e.token("customer@example.com", "password")
	other := e.token("other@example.com", "password")
	admin := e.adminToken("admin", "admin123")
	mine := createAddress(t, e, tok, usAddress)
	theirs := createAddress(t, e, other, strings.Replace(usAddress, `default_shipping:true`, `default_shipping:false`, 1))
	uid := auth.AddressUID(theirs)

	denied := func(field string) string {
		return gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 10, field)
	}
	ops := map[string]string{
		"createCustomerAddress":   `mutation{createCustomerAddress(input:{` + usAddress + `}){id}}`,
		"updateCustomerAddress":   fmt.Sprintf(`mutation{updateCustomerAddress(id:%d,input:{city:"X"}){id}}`, mine),
		"updateCustomerAddressV2": fmt.Sprintf(`mutation{updateCustomerAddressV2(uid:%q,input:{city:"X"}){id}}`, auth.AddressUID(mine)),
		"deleteCustomerAddress":   fmt.Sprintf(`mutation{deleteCustomerAddress(id:%d)}`, mine),
		"deleteCustomerAddressV2": fmt.Sprintf(`mutation{deleteCustomerAddressV2(uid:%q)}`, auth.AddressUID(mine)),
	}
	for field, q := range ops {
		// A guest and an admin's own token are no customer.
		expect(t, e.gql("", q, nil), 403, denied(field))
		expect(t, e.gql(admin, q, nil), 403, denied(field))
	}
	// Guest and admin see no addresses either.
	expect(t, e.gql("", `{customer{addresses{id}}}`, nil), 403, gqlErr(auth.MsgNotAuthorized, "graphql-authorization", 2, "customer"))

	// Another customer's address: Magento's permission messages, nothing changed.
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{updateCustomerAddress(id:%d,input:{city:"X"}){id}}`, theirs), nil), 403,
		gqlErr(fmt.Sprintf(`Current customer does not have permission to address with ID "%d"`, theirs), "graphql-authorization", 10, "updateCustomerAddress"))
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{updateCustomerAddressV2(uid:%q,input:{city:"X"}){id}}`, uid), nil), 403,
		gqlErr(`Current customer does not have permission to get address with the specified ID`, "graphql-authorization", 10, "updateCustomerAddressV2"))
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{deleteCustomerAddress(id:%d)}`, theirs), nil), 403,
		gqlErr(fmt.Sprintf(`Current customer does not have permission to address with ID "%d"`, theirs), "graphql-authorization", 10, "deleteCustomerAddress"))
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{deleteCustomerAddressV2(uid:%q)}`, uid), nil), 403,
		gqlErr(`Current customer does not have permission to get address with the specified ID`, "graphql-authorization", 10, "deleteCustomerAddressV2"))
	expect(t, e.gql(other, `{customer{addresses{city}}}`, nil), 200, `{"data":{"customer":{"addresses":[{"city":"City Name"}]}}}`)

	// Unknown ids and uids.
	expect(t, e.gql(tok, `mutation{updateCustomerAddress(id:999,input:{city:"X"}){id}}`, nil), 200,
		gqlErr(`Could not find a address with ID "999"`, "graphql-no-such-entity", 10, "updateCustomerAddress"))
	expect(t, e.gql(tok, `mutation{deleteCustomerAddressV2(uid:"OTk5")}`, nil), 200,
		gqlErr(`Could not find an address with the specified ID`, "graphql-no-such-entity", 10, "deleteCustomerAddressV2"))
	expect(t, e.gql(tok, `mutation{deleteCustomerAddressV2(uid:"!!")}`, nil), 200,
		gqlErr(`Value of uid "!!" is incorrect.`, "graphql-input", 10, "deleteCustomerAddressV2"))
	expect(t, e.gql(tok, `mutation{updateCustomerAddress(id:0,input:{city:"X"}){id}}`, nil), 200,
		gqlErr(`Address "id" value must be specified`, "graphql-input", 10, "updateCustomerAddress"))
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{updateCustomerAddress(id:%d){id}}`, mine), nil), 200,
		gqlErr(`"input" value must be specified`, "graphql-input", 10, "updateCustomerAddress"))
	expect(t, e.gql(tok, `mutation{updateCustomerAddressV2(uid:"",input:{city:"X"}){id}}`, nil), 200,
		gqlErr(`Address "uid" value must be specified`, "graphql-input", 10, "updateCustomerAddressV2"))
	expect(t, e.gql(tok, `mutation{deleteCustomerAddress(id:0)}`, nil), 200,
		gqlErr(`Address "id" value should be specified`, "graphql-input", 10, "deleteCustomerAddress"))

	// A revoked token reaches no address.
	expect(t, e.gql(tok, qRevoke, nil), 200, `{"data":{"revokeCustomerToken":{"result":true}}}`)
	for _, q := range ops {
		expect(t, e.gql(tok, q, nil), 401, `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`)
	}
}

func TestUpdateAndDeleteCustomerAddress(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	a1 := createAddress(t, e, tok, strings.Replace(usAddress, `default_billing:false`, `default_billing:true`, 1))
	a2 := createAddress(t, e, tok, strings.Replace(usAddress, `default_shipping:true`, `default_shipping:false`, 1))
	defaults := func() string {
		return e.gql(tok, `{customer{default_billing default_shipping addresses{id default_billing default_shipping}}}`, nil).body
	}
	want := func(b, s int64, flags string) string {
		return compact(t, fmt.Sprintf(`{"data":{"customer":{"default_billing":"%d","default_shipping":"%d","addresses":[%s]}}}`, b, s, flags))
	}
	if got := defaults(); got != want(a1, a1, fmt.Sprintf(`{"id":%d,"default_billing":true,"default_shipping":true},{"id":%d,"default_billing":false,"default_shipping":false}`, a1, a2)) {
		t.Errorf("defaults: %s", got)
	}

	// V2 by uid: the given fields change, the rest stay; the default shipping mark moves.
	r := e.gql(tok, fmt.Sprintf(`mutation{updateCustomerAddressV2(uid:%q,input:{city:"Phoenix",street:["1 Main St"],default_shipping:true}){id city street region{region_code} default_shipping default_billing}}`, auth.AddressUID(a2)), nil)
	expect(t, r, 200, fmt.Sprintf(`{"data":{"updateCustomerAddressV2":{"id":%d,"city":"Phoenix","street":["1 Main St"],"region":{"region_code":"AZ"},"default_shipping":true,"default_billing":false}}}`, a2))
	if got := defaults(); got != want(a1, a2, fmt.Sprintf(`{"id":%d,"default_billing":true,"default_shipping":false},{"id":%d,"default_billing":false,"default_shipping":true}`, a1, a2)) {
		t.Errorf("defaults after update: %s", got)
	}
	// A required field made empty, and an invalid region after a country change.
	up := func(input string) response {
		return e.gql(tok, fmt.Sprintf(`mutation{updateCustomerAddress(id:%d,input:{%s}){id city country_code}}`, a2, input), nil)
	}
	in := func(msg string) string { return gqlErr(msg, "graphql-input", 10, "updateCustomerAddress") }
	expect(t, up(`firstname:"",telephone:""`), 200, in(`Required parameters are missing: firstname, telephone`))
	expect(t, up(`country_code:CA`), 200, in(`"regionId" is required. Enter and try again.`))
	expect(t, up(`country_code:CA,region:{region_id:4}`), 200, in(`Invalid value of "4" provided for the regionId field.`))
	expect(t, up(`country_code:CA,region:{region_id:66}`), 200, fmt.Sprintf(`{"data":{"updateCustomerAddress":{"id":%d,"city":"Phoenix","country_code":"CA"}}}`, a2))

	// Default addresses cannot be deleted (V1 names the id, V2 does not).
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{deleteCustomerAddress(id:%d)}`, a1), nil), 200,
		gqlErr(fmt.Sprintf(`Customer Address %d is set as default billing address and can not be deleted`, a1), "graphql-input", 10, "deleteCustomerAddress"))
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{deleteCustomerAddressV2(uid:%q)}`, auth.AddressUID(a2)), nil), 200,
		gqlErr(`Customer Address with the specified ID is set as default shipping address and can not be deleted`, "graphql-input", 10, "deleteCustomerAddressV2"))
	// Unset the mark, then delete.
	expect(t, up(`default_shipping:false`), 200, fmt.Sprintf(`{"data":{"updateCustomerAddress":{"id":%d,"city":"Phoenix","country_code":"CA"}}}`, a2))
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{deleteCustomerAddressV2(uid:%q)}`, auth.AddressUID(a2)), nil), 200, `{"data":{"deleteCustomerAddressV2":true}}`)
	expect(t, e.gql(tok, fmt.Sprintf(`mutation{deleteCustomerAddress(id:%d)}`, a2), nil), 200,
		gqlErr(fmt.Sprintf(`Could not find a address with ID "%d"`, a2), "graphql-no-such-entity", 10, "deleteCustomerAddress"))
	if got := defaults(); got != compact(t, fmt.Sprintf(`{"data":{"customer":{"default_billing":"%d","default_shipping":null,"addresses":[{"id":%d,"default_billing":true,"default_shipping":false}]}}}`, a1, a1)) {
		t.Errorf("after delete: %s", got)
	}
}

func TestAddressesV2Paging(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	var ids []int64
	for i := 0; i < 3; i++ {
		ids = append(ids, createAddress(t, e, tok, strings.Replace(usAddress, `default_shipping:true`, `default_shipping:false`, 1)))
	}
	page := func(args string) response {
		return e.gql(tok, `{customer{addressesV2`+args+`{items{id} page_info{page_size current_page total_pages} total_count}}}`, nil)
	}
	expect(t, page(``), 200, fmt.Sprintf(`{"data":{"customer":{"addressesV2":{"items":[{"id":%d},{"id":%d},{"id":%d}],"page_info":{"page_size":5,"current_page":1,"total_pages":1},"total_count":3}}}}`, ids[0], ids[1], ids[2]))
	expect(t, page(`(currentPage:2,pageSize:2)`), 200, fmt.Sprintf(`{"data":{"customer":{"addressesV2":{"items":[{"id":%d}],"page_info":{"page_size":2,"current_page":2,"total_pages":2},"total_count":3}}}}`, ids[2]))
	expect(t, page(`(currentPage:9,pageSize:2)`), 200, `{"data":{"customer":{"addressesV2":{"items":[],"page_info":{"page_size":2,"current_page":9,"total_pages":2},"total_count":3}}}}`)
	field := func(msg string) string {
		return `{"errors":[{"message":"` + msg + `","locations":[{"line":1,"column":11}],"path":["customer","addressesV2"],"extensions":{"category":"graphql-input"}}],"data":{"customer":{"addressesV2":null}}}`
	}
	expect(t, page(`(pageSize:0)`), 200, field(`pageSize value must be greater than 0.`))
	expect(t, page(`(currentPage:0)`), 200, field(`currentPage value must be greater than 0.`))
}

// TestAddressDefaultsUnderParallelWrites: 100 parallel creates each marked default; one
// address ends up the default, and the per-customer limit holds exactly.
func TestAddressDefaultsUnderParallelWrites(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	input := strings.Replace(usAddress, `default_billing:false`, `default_billing:true`, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, limited := 0, 0
	for i := 0; i < 110; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.gql(tok, `mutation{createCustomerAddress(input:{`+input+`}){id}}`, nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.status == 200 && strings.HasPrefix(r.body, `{"data":{"createCustomerAddress":{"id":`):
				ok++
			case r.body == compact(t, gqlErr(`A customer can have at most 100 addresses.`, "graphql-input", 10, "createCustomerAddress")):
				limited++
			default:
				t.Errorf("create: %s", r)
			}
		}()
	}
	wg.Wait()
	if ok != 100 || limited != 10 {
		t.Fatalf("%d created, %d refused; want 100 and 10", ok, limited)
	}
	var out struct {
		Data struct {
			Customer struct {
				DefaultBilling  *string `json:"default_billing"`
				DefaultShipping *string `json:"default_shipping"`
				Addresses       []struct {
					ID              int64
					DefaultBilling  bool `json:"default_billing"`
					DefaultShipping bool `json:"default_shipping"`
				}
			}
		}
	}
	r := e.gql(tok, `{customer{default_billing default_shipping addresses{id default_billing default_shipping}}}`, nil)
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	billing, shipping := 0, 0
	for _, a := range out.Data.Customer.Addresses {
		if a.DefaultBilling {
			billing++
		}
		if a.DefaultShipping {
			shipping++
		}
	}
	if len(out.Data.Customer.Addresses) != 100 || billing != 1 || shipping != 1 || out.Data.Customer.DefaultBilling == nil {
		t.Errorf("%d addresses, %d default billing, %d default shipping: %s", len(out.Data.Customer.Addresses), billing, shipping, r.body[:200])
	}
}

func TestCountries(t *testing.T) {
	e := newEnv(t)
	r := e.gql("", `{countries{id two_letter_abbreviation three_letter_abbreviation full_name_locale full_name_english available_regions{id code name}}}`, nil)
	var out struct {
		Data struct {
			Countries []struct {
				ID               string `json:"id"`
				Three            string `json:"three_letter_abbreviation"`
				Name             string `json:"full_name_english"`
				AvailableRegions *[]struct {
					ID   int
					Code string
				} `json:"available_regions"`
			}
		}
	}
	if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil {
		t.Fatalf("countries: %s", r)
	}
	if n := len(out.Data.Countries); n != 245 {
		t.Errorf("%d countries, want CountryCodeEnum's 245", n)
	}
	for _, c := range out.Data.Countries {
		if len(c.ID) != 2 || len(c.Three) != 3 || c.Name == "" {
			t.Errorf("country %+v", c)
		}
		if (c.AvailableRegions != nil) != (c.ID == "US" || c.ID == "CA") {
			t.Errorf("%s regions %v", c.ID, c.AvailableRegions)
		}
	}
	expect(t, e.gql("", `{country(id:"CA"){id three_letter_abbreviation full_name_locale available_regions{id code name}}}`, nil), 200,
		`{"data":{"country":{"id":"CA","three_letter_abbreviation":"CAN","full_name_locale":"Canada","available_regions":[
		{"id":66,"code":"AB","name":"Alberta"},{"id":67,"code":"BC","name":"British Columbia"},{"id":68,"code":"MB","name":"Manitoba"},
		{"id":69,"code":"NL","name":"Newfoundland and Labrador"},{"id":70,"code":"NB","name":"New Brunswick"},{"id":71,"code":"NS","name":"Nova Scotia"},
		{"id":72,"code":"NT","name":"Northwest Territories"},{"id":73,"code":"NU","name":"Nunavut"},{"id":74,"code":"ON","name":"Ontario"},
		{"id":75,"code":"PE","name":"Prince Edward Island"},{"id":76,"code":"QC","name":"Quebec"},{"id":77,"code":"SK","name":"Saskatchewan"},
		{"id":78,"code":"YT","name":"Yukon Territory"}]}}}`)
	expect(t, e.gql("", `{country(id:"DE"){full_name_english available_regions{id}}}`, nil), 200,
		`{"data":{"country":{"full_name_english":"Germany","available_regions":null}}}`)
	// The address form's rules, as the account drop-in reads them with the countries.
	expect(t, e.gql("", `{storeConfig{countries_with_required_region optional_zip_countries default_country display_state_if_optional}}`, nil), 200,
		`{"data":{"storeConfig":{"countries_with_required_region":"CA,US","optional_zip_countries":"HK,IE,MO,PA,GB","default_country":"US","display_state_if_optional":true}}}`)
	for _, q := range []string{`{country(id:"XX"){id}}`, `{country(id:""){id}}`, `{country{id}}`} {
		expect(t, e.gql("", q, nil), 200, gqlErr(`Requested country is not available.`, "graphql-no-such-entity", 2, "country"))
	}
}
