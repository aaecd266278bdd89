package resolvers

import (
	"context"
)

// ChangeCustomerPassword changes the current customer's password.
func (r *Root) ChangeCustomerPassword(ctx context.Context, args struct{ CurrentPassword, NewPassword string }) (*Customer, error) {
	c, err := r.Service.ChangeCustomerPassword(ctx, args.CurrentPassword, args.NewPassword)
	if err != nil {
		return nil, err
	}
	return r.customer(c), nil
}

func done(err error) (*bool, error) {
	if err != nil {
		return nil, err
	}
	ok := true
	return &ok, nil
}

// RequestPasswordResetEmail mails a reset token.
func (r *Root) RequestPasswordResetEmail(ctx context.Context, args struct{ Email string }) (*bool, error) {
	return done(r.Service.RequestPasswordResetEmail(ctx, args.Email))
}

// ResetPassword sets a password with a reset token.
func (r *Root) ResetPassword(ctx context.Context, args struct{ Email, ResetPasswordToken, NewPassword string }) (*bool, error) {
	return done(r.Service.ResetPassword(ctx, args.Email, args.ResetPasswordToken, args.NewPassword))
}

// ConfirmEmail activates an account.
func (r *Root) ConfirmEmail(ctx context.Context, args struct {
	Input struct{ Email, ConfirmationKey string }
}) (*CustomerOutput, error) {
	return r.output(r.Service.ConfirmEmail(ctx, args.Input.Email, args.Input.ConfirmationKey))
}

// ResendConfirmationEmail mails the confirmation key again.
func (r *Root) ResendConfirmationEmail(ctx context.Context, args struct{ Email string }) (*bool, error) {
	return done(r.Service.ResendConfirmationEmail(ctx, args.Email))
}
