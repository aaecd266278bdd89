package resolvers

import (
	"context"
	"errors"
)

// errNotYet marks mutations still to be built; they answer "Internal server error".
var errNotYet = errors.New("not implemented yet")

// ChangeCustomerPassword changes the current customer's password.
func (r *Root) ChangeCustomerPassword(ctx context.Context, args struct{ CurrentPassword, NewPassword string }) (*Customer, error) {
	return nil, errNotYet
}

// RequestPasswordResetEmail mails a reset token.
func (r *Root) RequestPasswordResetEmail(ctx context.Context, args struct{ Email string }) (*bool, error) {
	return nil, errNotYet
}

// ResetPassword sets a password with a reset token.
func (r *Root) ResetPassword(ctx context.Context, args struct{ Email, ResetPasswordToken, NewPassword string }) (*bool, error) {
	return nil, errNotYet
}

// ConfirmEmail activates an account.
func (r *Root) ConfirmEmail(ctx context.Context, args struct {
	Input struct{ Email, ConfirmationKey string }
}) (*CustomerOutput, error) {
	return nil, errNotYet
}

// ResendConfirmationEmail mails the confirmation key again.
func (r *Root) ResendConfirmationEmail(ctx context.Context, args struct{ Email string }) (*bool, error) {
	return nil, errNotYet
}
