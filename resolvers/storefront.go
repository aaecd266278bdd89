package resolvers

import (
	"context"

	"shopauth/auth"
)

// CustomerGroupQuery is Magento's customerGroup: the signed-in customer's group, or
// NOT LOGGED IN (0) for a guest. An admin token counts as a guest (shopauth: Magento
// would look the admin's id up as a customer id).
func (r *Root) CustomerGroup(ctx context.Context) (*CustomerGroup, error) {
	if !r.Service.Settings().Bool(auth.PathShareCustomerGroup) {
		return nil, &auth.Error{Category: auth.CategoryInput, Message: auth.MsgCustomerGroupNotShared}
	}
	if p := auth.PrincipalFrom(ctx); p == nil || p.UserType != auth.UserTypeCustomer {
		return &CustomerGroup{0}, nil
	}
	c, err := r.Service.CurrentCustomer(ctx)
	if err != nil {
		return nil, err
	}
	return &CustomerGroup{c.GroupID}, nil
}

// SubscribeEmailToNewsletterOutput is Magento's SubscribeEmailToNewsletterOutput.
type SubscribeEmailToNewsletterOutput struct{ status int }

// subscriptionStatuses name Magento's newsletter_subscriber codes (NewsletterGraphQl di.xml).
var subscriptionStatuses = map[int]string{auth.SubscriptionSubscribed: "SUBSCRIBED",
	auth.SubscriptionNotActive: "NOT_ACTIVE", auth.SubscriptionUnsubscribed: "UNSUBSCRIBED",
	auth.SubscriptionUnconfirmed: "UNCONFIRMED"}

// Status is the subscription's status after the request.
func (o *SubscribeEmailToNewsletterOutput) Status() *string {
	return str(subscriptionStatuses[o.status])
}

// SubscribeEmailToNewsletter subscribes an address to the newsletter.
func (r *Root) SubscribeEmailToNewsletter(ctx context.Context, args struct{ Email string }) (*SubscribeEmailToNewsletterOutput, error) {
	status, err := r.Service.SubscribeEmailToNewsletter(ctx, args.Email)
	if err != nil {
		return nil, err
	}
	return &SubscribeEmailToNewsletterOutput{status}, nil
}

// ReCaptchaConfigurationV3 is Magento's answer with reCAPTCHA off: shopauth checks no
// reCAPTCHA, so no form is protected, and the values are the security package's defaults.
type ReCaptchaConfigurationV3 struct{}

// RecaptchaV3Config reports reCAPTCHA v3 as not enabled.
func (r *Root) RecaptchaV3Config() *ReCaptchaConfigurationV3 { return &ReCaptchaConfigurationV3{} }

func (ReCaptchaConfigurationV3) IsEnabled() bool        { return false }
func (ReCaptchaConfigurationV3) WebsiteKey() string     { return "" }
func (ReCaptchaConfigurationV3) MinimumScore() float64  { return 0.5 }
func (ReCaptchaConfigurationV3) BadgePosition() string  { return "inline" }
func (ReCaptchaConfigurationV3) LanguageCode() *string  { s := ""; return &s }
func (ReCaptchaConfigurationV3) FailureMessage() string { return "reCAPTCHA verification failed." }
func (ReCaptchaConfigurationV3) Forms() []string        { return []string{} }
func (ReCaptchaConfigurationV3) Theme() string          { return "light" }

// ReCaptchaConfigOutput is recaptchaFormConfig's answer: no form uses reCAPTCHA.
type ReCaptchaConfigOutput struct{}

// RecaptchaFormConfig reports that the form uses no reCAPTCHA.
func (r *Root) RecaptchaFormConfig(args struct{ FormType string }) *ReCaptchaConfigOutput {
	return &ReCaptchaConfigOutput{}
}

func (ReCaptchaConfigOutput) IsEnabled() bool                         { return false }
func (ReCaptchaConfigOutput) Configurations() *ReCaptchaConfiguration { return nil }

// ReCaptchaConfiguration is never answered (no form has reCAPTCHA); it declares the type.
type ReCaptchaConfiguration struct{}

func (ReCaptchaConfiguration) ReCaptchaType() string            { return "" }
func (ReCaptchaConfiguration) WebsiteKey() string               { return "" }
func (ReCaptchaConfiguration) MinimumScore() *float64           { return nil }
func (ReCaptchaConfiguration) BadgePosition() *string           { return nil }
func (ReCaptchaConfiguration) Theme() string                    { return "" }
func (ReCaptchaConfiguration) LanguageCode() *string            { return nil }
func (ReCaptchaConfiguration) ValidationFailureMessage() string { return "" }
func (ReCaptchaConfiguration) TechnicalFailureMessage() string  { return "" }
