package resolvers

import (
	"context"
	"errors"
)

// errNotYet marks mutations still to be built; they answer "Internal server error".
var errNotYet = errors.New("not implemented yet")

// GenerateCustomerTokenAsAdmin lets an admin act as a customer (SPEC §6).
func (r *Root) GenerateCustomerTokenAsAdmin(ctx context.Context, args struct {
	Input struct{ CustomerEmail string }
}) (*GenerateCustomerTokenAsAdminOutput, error) {
	return nil, errNotYet
}

// GenerateCustomerTokenAsAdminOutput holds the customer token.
type GenerateCustomerTokenAsAdminOutput struct{ token string }

// CustomerToken is the token made for the admin.
func (o *GenerateCustomerTokenAsAdminOutput) CustomerToken() string { return o.token }

// ExchangeOtpForCustomerToken trades a one-time code for a customer token.
func (r *Root) ExchangeOtpForCustomerToken(ctx context.Context, args struct{ Email, Otp string }) (*CustomerToken, error) {
	return nil, errNotYet
}
