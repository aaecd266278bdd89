package web_test

// accountSDL is the address book, directory, attribute metadata and account-lifecycle
// part of the contract (issue 12 items 2-5): Magento 2.4.8's CustomerGraphQl,
// DirectoryGraphQl and EavGraphQl declarations of the types and fields shopauth serves.
// TestSchemaMatchesSpec compares schema.graphql with specSDL and accountSDL together.
const accountSDL = `
type Query { countries: [Country] country(id: String): Country attributesForm(formCode: String!): AttributesFormOutput!
  customAttributeMetadataV2(attributes: [AttributeInput!]): AttributesMetadataOutput! }
type Mutation { createCustomerAddress(input: CustomerAddressInput!): CustomerAddress
  updateCustomerAddress(id: Int!, input: CustomerAddressInput): CustomerAddress deleteCustomerAddress(id: Int!): Boolean
  updateCustomerAddressV2(uid: ID!, input: CustomerAddressInput): CustomerAddress deleteCustomerAddressV2(uid: ID!): Boolean
  updateCustomerEmail(email: String!, password: String!): CustomerOutput deleteCustomer: Boolean }
type Customer { default_billing: String default_shipping: String addresses: [CustomerAddress]
  addressesV2(currentPage: Int = 1, pageSize: Int = 5): CustomerAddresses custom_attributes(attributeCodes: [ID!]): [AttributeValueInterface] }
type StoreConfig { countries_with_required_region: String optional_zip_countries: String default_country: String
  display_state_if_optional: Boolean }
input CustomerCreateInput { custom_attributes: [AttributeValueInput!] }
input CustomerUpdateInput { custom_attributes: [AttributeValueInput!] }
type CustomerAddresses { items: [CustomerAddress] page_info: SearchResultPageInfo total_count: Int }
type SearchResultPageInfo { page_size: Int current_page: Int total_pages: Int }
type CustomerAddress { id: Int uid: ID customer_id: Int region: CustomerAddressRegion region_id: Int
  country_id: String country_code: CountryCodeEnum street: [String] company: String telephone: String fax:
  String postcode: String city: String firstname: String lastname: String middlename: String prefix: String
  suffix: String vat_id: String default_shipping: Boolean default_billing: Boolean custom_attributes:
  [CustomerAddressAttribute] custom_attributesV2(attributeCodes: [ID!]): [AttributeValueInterface!]!
  extension_attributes: [CustomerAddressAttribute] }
type CustomerAddressRegion { region_code: String region: String region_id: Int }
type CustomerAddressAttribute { attribute_code: String value: String }
input CustomerAddressInput { firstname: String lastname: String company: String telephone: String street:
  [String] city: String region: CustomerAddressRegionInput postcode: String country_id: CountryCodeEnum
  country_code: CountryCodeEnum default_shipping: Boolean default_billing: Boolean fax: String middlename:
  String prefix: String suffix: String vat_id: String custom_attributes: [CustomerAddressAttributeInput]
  custom_attributesV2: [AttributeValueInput] }
input CustomerAddressRegionInput { region_code: String region: String region_id: Int }
input CustomerAddressAttributeInput { attribute_code: String! value: String! }
type Country { id: String two_letter_abbreviation: String three_letter_abbreviation: String full_name_locale:
  String full_name_english: String available_regions: [Region] }
type Region { id: Int code: String name: String }
input AttributeValueInput { attribute_code: String! value: String selected_options:
  [AttributeInputSelectedOption!] }
input AttributeInputSelectedOption { value: String! }
input AttributeInput { attribute_code: String entity_type: String }
type AttributesMetadataOutput { items: [CustomAttributeMetadataInterface!]! errors: [AttributeMetadataError!]!
  }
type AttributesFormOutput { items: [CustomAttributeMetadataInterface!]! errors: [AttributeMetadataError!]! }
type AttributeMetadataError { type: AttributeMetadataErrorType! message: String! }
enum AttributeMetadataErrorType { ENTITY_NOT_FOUND ATTRIBUTE_NOT_FOUND FILTER_NOT_FOUND UNDEFINED }
interface CustomAttributeMetadataInterface { code: ID! label: String entity_type: AttributeEntityTypeEnum!
  frontend_input: AttributeFrontendInputEnum frontend_class: String is_required: Boolean! default_value:
  String is_unique: Boolean! options: [CustomAttributeOptionInterface!]! }
type AttributeMetadata implements CustomAttributeMetadataInterface { code: ID! label: String entity_type:
  AttributeEntityTypeEnum! frontend_input: AttributeFrontendInputEnum frontend_class: String is_required:
  Boolean! default_value: String is_unique: Boolean! options: [CustomAttributeOptionInterface!]! }
type CustomerAttributeMetadata implements CustomAttributeMetadataInterface { code: ID! label: String
  entity_type: AttributeEntityTypeEnum! frontend_input: AttributeFrontendInputEnum frontend_class: String
  is_required: Boolean! default_value: String is_unique: Boolean! options: [CustomAttributeOptionInterface!]!
  input_filter: InputFilterEnum multiline_count: Int sort_order: Int validate_rules: [ValidationRule] }
type ValidationRule { name: ValidationRuleEnum value: String }
enum ValidationRuleEnum { DATE_RANGE_MAX DATE_RANGE_MIN FILE_EXTENSIONS INPUT_VALIDATION MAX_TEXT_LENGTH
  MIN_TEXT_LENGTH MAX_FILE_SIZE MAX_IMAGE_HEIGHT MAX_IMAGE_WIDTH }
enum InputFilterEnum { NONE DATE TRIM STRIPTAGS ESCAPEHTML }
enum AttributeEntityTypeEnum { CUSTOMER CUSTOMER_ADDRESS }
enum AttributeFrontendInputEnum { BOOLEAN DATE DATETIME FILE GALLERY HIDDEN IMAGE MEDIA_IMAGE MULTILINE
  MULTISELECT PRICE SELECT TEXT TEXTAREA WEIGHT UNDEFINED }
interface CustomAttributeOptionInterface { label: String! value: String! is_default: Boolean! }
type AttributeOptionMetadata implements CustomAttributeOptionInterface { label: String! value: String!
  is_default: Boolean! }
interface AttributeValueInterface { code: ID! }
type AttributeValue implements AttributeValueInterface { code: ID! value: String! }
type AttributeSelectedOptions implements AttributeValueInterface { code: ID! selected_options:
  [AttributeSelectedOptionInterface!]! }
interface AttributeSelectedOptionInterface { label: String! value: String! }
type AttributeSelectedOption implements AttributeSelectedOptionInterface { label: String! value: String! }
enum CountryCodeEnum { AF AX AL DZ AS AD AO AI AQ AG AR AM AW AU AT AZ BS BH BD BB BY BE BZ BJ BM BT BO BA BW
  BV BR IO VG BN BG BF BI KH CM CA CV KY CF TD CL CN CX CC CO KM CG CD CK CR CI HR CU CY CZ DK DJ DM DO EC EG
  SV GQ ER EE SZ ET FK FO FJ FI FR GF PF TF GA GM GE DE GH GI GR GL GD GP GU GT GG GN GW GY HT HM HN HK HU IS
  IN ID IR IQ IE IM IL IT JM JP JE JO KZ KE KI KW KG LA LV LB LS LR LY LI LT LU MO MK MG MW MY MV ML MT MH MQ
  MR MU YT MX FM MD MC MN ME MS MA MZ MM NA NR NP NL AN NC NZ NI NE NG NU NF MP KP NO OM PK PW PS PA PG PY PE
  PH PN PL PT QA RE RO RU RW WS SM ST SA SN RS SC SL SG SK SI SB SO ZA GS KR ES LK BL SH KN LC MF PM VC SD SR
  SJ SE CH SY TW TJ TZ TH TL TG TK TO TT TN TR TM TC TV UG UA AE GB US UY UM VI UZ VU VA VE VN WF EH YE ZM ZW
  }
`

// accountDeprecated are Magento's deprecation reasons in accountSDL's part.
var accountDeprecated = map[string]string{
	"Mutation.updateCustomerAddress":         "Use `updateCustomerAddressV2` instead.",
	"Mutation.deleteCustomerAddress":         "Use `deleteCustomerAddressV2` instead.",
	"CustomerAddress.id":                     "Use `uid` instead.",
	"CustomerAddress.customer_id":            "`customer_id` is not needed as part of `CustomerAddress`. The `id` is a unique identifier for the addresses.",
	"CustomerAddress.country_id":             "Use `country_code` instead.",
	"CustomerAddress.custom_attributes":      "Use custom_attributesV2 instead.",
	"CustomerAddressInput.country_id":        "Use `country_code` instead.",
	"CustomerAddressInput.custom_attributes": "Use custom_attributesV2 instead.",
}
