package resolvers

import (
	"strconv"

	"shopauth/auth"
)

// StoreConfig is the storefront-visible configuration, read from the settings in force.
type StoreConfig struct{ s *auth.Settings }

// StoreConfig returns the store configuration.
func (r *Root) StoreConfig() *StoreConfig { return &StoreConfig{r.Service.Settings()} }

func (c *StoreConfig) StoreCode() *string   { return str("default") }
func (c *StoreConfig) StoreName() *string   { return str(c.s.Get(auth.PathStoreName)) }
func (c *StoreConfig) WebsiteCode() *string { return str("base") }
func (c *StoreConfig) WebsiteName() *string { return str("Main Website") }
func (c *StoreConfig) Locale() *string      { return str("en_US") }
func (c *StoreConfig) MinimumPasswordLength() *string {
	return str(c.s.Get(auth.PathMinPasswordLength))
}
func (c *StoreConfig) RequiredCharacterClassesNumber() *string {
	return str(c.s.Get(auth.PathRequiredClasses))
}
func (c *StoreConfig) AutocompleteOnStorefront() *bool { v := true; return &v }
func (c *StoreConfig) CreateAccountConfirmation() *bool {
	v := c.s.Bool(auth.PathConfirmRequired)
	return &v
}

// CustomerAccessTokenLifetime is in hours, as the setting.
func (c *StoreConfig) CustomerAccessTokenLifetime() *float64 {
	f, _ := strconv.ParseFloat(c.s.Get(auth.PathCustomerTokenLifetime), 64)
	return &f
}
func (c *StoreConfig) ShoppingAssistanceEnabled() *bool {
	v := c.s.Bool(auth.PathLoginAsCustomerEnabled)
	return &v
}
func (c *StoreConfig) ShoppingAssistanceCheckboxTitle() *string {
	return str(c.s.Get(auth.PathAssistanceCheckboxTitle))
}
func (c *StoreConfig) ShoppingAssistanceCheckboxTooltip() *string {
	return str("Customer Service can sign in to your account to help you with your orders.")
}
func (c *StoreConfig) ShareCustomerAccountsScope() *int32 { v := int32(1); return &v }
