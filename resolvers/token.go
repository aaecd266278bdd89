package resolvers

import (
	"context"

	"shopauth/auth"
)

// CustomerToken is Magento's CustomerToken.
type CustomerToken struct {
	token string
	s     *auth.Settings
}

// Token is the customer authorization token.
func (t *CustomerToken) Token() *string { return &t.token }

// CustomerTokenLifetime is magento2-pwa's lifetime of the token, in seconds.
func (t *CustomerToken) CustomerTokenLifetime() *int32 { return customerTokenLifetimeSeconds(t.s) }

// GenerateCustomerToken signs a customer in.
func (r *Root) GenerateCustomerToken(ctx context.Context, args struct{ Email, Password string }) (*CustomerToken, error) {
	tok, err := r.Service.GenerateCustomerToken(ctx, args.Email, args.Password)
	if err != nil {
		return nil, err
	}
	return &CustomerToken{tok, r.Service.Settings()}, nil
}

// RevokeCustomerTokenOutput is Magento's RevokeCustomerTokenOutput.
type RevokeCustomerTokenOutput struct{ result bool }

// Result is true once the tokens are revoked.
func (o *RevokeCustomerTokenOutput) Result() bool { return o.result }

// RevokeCustomerToken revokes every token of the current customer.
func (r *Root) RevokeCustomerToken(ctx context.Context) (*RevokeCustomerTokenOutput, error) {
	if err := r.Service.RevokeCustomerToken(ctx); err != nil {
		return nil, err
	}
	return &RevokeCustomerTokenOutput{true}, nil
}
