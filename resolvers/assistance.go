package resolvers

import (
	"context"
)

// GenerateCustomerTokenAsAdmin lets an admin act as a customer (SPEC §6).
func (r *Root) GenerateCustomerTokenAsAdmin(ctx context.Context, args struct {
	Input struct{ CustomerEmail string }
}) (*GenerateCustomerTokenAsAdminOutput, error) {
	tok, err := r.Service.GenerateCustomerTokenAsAdmin(ctx, args.Input.CustomerEmail)
	if err != nil {
		return nil, err
	}
	return &GenerateCustomerTokenAsAdminOutput{tok}, nil
}

// GenerateCustomerTokenAsAdminOutput holds the customer token.
type GenerateCustomerTokenAsAdminOutput struct{ token string }

// CustomerToken is the token made for the admin.
func (o *GenerateCustomerTokenAsAdminOutput) CustomerToken() string { return o.token }

// ExchangeOtpForCustomerToken trades a one-time code for a customer token.
func (r *Root) ExchangeOtpForCustomerToken(ctx context.Context, args struct{ Email, Otp string }) (*CustomerToken, error) {
	tok, err := r.Service.ExchangeOtpForCustomerToken(ctx, args.Email, args.Otp)
	if err != nil {
		return nil, err
	}
	return &CustomerToken{tok, r.Service.Settings()}, nil
}
