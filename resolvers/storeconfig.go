package resolvers

import (
	"math"
	"strconv"

	"github.com/graph-gophers/graphql-go"

	"shopauth/auth"
)

// StoreConfig is the storefront-visible configuration, read from the settings in force.
// shopauth has one store view, in one store group of one website, named as a new
// Magento install names them (auth.StoreCode and friends).
type StoreConfig struct {
	s       *auth.Settings
	baseURL string // the address shopauth serves, for {{unsecure_base_url}} when unset
}

// StoreConfig returns the store configuration.
func (r *Root) StoreConfig() *StoreConfig {
	return &StoreConfig{s: r.Service.Settings(), baseURL: r.Service.BaseURL}
}

// AvailableStores lists the store views of the current website (of its current store
// group with useCurrentGroup): shopauth's one store view either way.
func (r *Root) AvailableStores(args struct{ UseCurrentGroup *bool }) *[]*StoreConfig {
	stores := []*StoreConfig{r.StoreConfig()}
	return &stores
}

func boolp(v bool) *bool      { return &v }
func id(v string) *graphql.ID { i := graphql.ID(v); return &i }
func int32p(v int32) *int32   { return &v }

func (c *StoreConfig) ID() *int32                  { return int32p(auth.StoreID) }
func (c *StoreConfig) Code() *string               { return str(auth.StoreCode) }
func (c *StoreConfig) StoreCode() *graphql.ID      { return id(auth.StoreCode) }
func (c *StoreConfig) StoreName() *string          { return str(c.s.Get(auth.PathStoreName)) }
func (c *StoreConfig) StoreSortOrder() *int32      { return int32p(0) }
func (c *StoreConfig) IsDefaultStore() *bool       { return boolp(true) }
func (c *StoreConfig) StoreGroupCode() *graphql.ID { return id(auth.StoreGroupCode) }
func (c *StoreConfig) StoreGroupName() *string     { return str(auth.StoreGroupName) }
func (c *StoreConfig) IsDefaultStoreGroup() *bool  { return boolp(true) }
func (c *StoreConfig) WebsiteID() *int32           { return int32p(auth.WebsiteID) }
func (c *StoreConfig) WebsiteCode() *graphql.ID    { return id(auth.WebsiteCode) }
func (c *StoreConfig) WebsiteName() *string        { return str(auth.WebsiteName) }
func (c *StoreConfig) Locale() *string             { return str(c.s.Get(auth.PathLocale)) }
func (c *StoreConfig) BaseCurrencyCode() *string   { return str(c.s.Get(auth.PathBaseCurrency)) }
func (c *StoreConfig) Timezone() *string           { return str(c.s.Get(auth.PathTimezone)) }
func (c *StoreConfig) WeightUnit() *string         { return str(c.s.Get(auth.PathWeightUnit)) }
func (c *StoreConfig) UseStoreInURL() *bool        { return boolp(c.s.Bool(auth.PathUseStoreInURL)) }
func (c *StoreConfig) NewsletterEnabled() bool     { return c.s.Bool(auth.PathNewsletterActive) }
func (c *StoreConfig) DefaultCountry() *string     { return str(c.s.Get(auth.PathDefaultCountry)) }
func (c *StoreConfig) DisplayStateIfOptional() *bool {
	return boolp(c.s.Bool(auth.PathDisplayAllRegions))
}
func (c *StoreConfig) GraphqlShareCustomerGroup() *bool {
	return boolp(c.s.Bool(auth.PathShareCustomerGroup))
}
func (c *StoreConfig) DefaultDisplayCurrencyCode() *string {
	return str(c.s.Get(auth.PathDisplayCurrency))
}

func (c *StoreConfig) url(path string) *string { return str(c.s.BaseURL(path, c.baseURL)) }

func (c *StoreConfig) BaseURL() *string             { return c.url(auth.PathBaseURL) }
func (c *StoreConfig) BaseLinkURL() *string         { return c.url(auth.PathBaseLinkURL) }
func (c *StoreConfig) BaseStaticURL() *string       { return c.url(auth.PathBaseStaticURL) }
func (c *StoreConfig) BaseMediaURL() *string        { return c.url(auth.PathBaseMediaURL) }
func (c *StoreConfig) SecureBaseURL() *string       { return c.url(auth.PathSecureBaseURL) }
func (c *StoreConfig) SecureBaseLinkURL() *string   { return c.url(auth.PathSecureBaseLinkURL) }
func (c *StoreConfig) SecureBaseStaticURL() *string { return c.url(auth.PathSecureBaseStaticURL) }
func (c *StoreConfig) SecureBaseMediaURL() *string  { return c.url(auth.PathSecureBaseMediaURL) }

func (c *StoreConfig) MinimumPasswordLength() *string {
	return str(c.s.Get(auth.PathMinPasswordLength))
}
func (c *StoreConfig) RequiredCharacterClassesNumber() *string {
	return str(c.s.Get(auth.PathRequiredClasses))
}
func (c *StoreConfig) AutocompleteOnStorefront() *bool { return boolp(true) }
func (c *StoreConfig) CreateAccountConfirmation() *bool {
	return boolp(c.s.Bool(auth.PathConfirmRequired))
}

// CustomerAccessTokenLifetime is in hours, as the setting.
func (c *StoreConfig) CustomerAccessTokenLifetime() *float64 {
	f, _ := strconv.ParseFloat(c.s.Get(auth.PathCustomerTokenLifetime), 64)
	return &f
}
func (c *StoreConfig) ShoppingAssistanceEnabled() *bool {
	return boolp(c.s.Bool(auth.PathLoginAsCustomerEnabled))
}
func (c *StoreConfig) ShoppingAssistanceCheckboxTitle() *string {
	return str(c.s.Get(auth.PathAssistanceCheckboxTitle))
}
func (c *StoreConfig) ShoppingAssistanceCheckboxTooltip() *string {
	return str("Customer Service can sign in to your account to help you with your orders.")
}

// ShareCustomerAccountsScope is customer/account_share/scope: 1, per website (one website here).
func (c *StoreConfig) ShareCustomerAccountsScope() *int32 { return int32p(1) }

// customerTokenLifetimeSeconds is the customer token lifetime in whole seconds, as
// magento2-pwa's CustomerToken.customer_token_lifetime (hours × 3600).
func customerTokenLifetimeSeconds(s *auth.Settings) *int32 {
	secs := math.Round(s.CustomerTokenLifetime().Seconds())
	if secs > math.MaxInt32 {
		secs = math.MaxInt32
	}
	return int32p(int32(secs))
}
