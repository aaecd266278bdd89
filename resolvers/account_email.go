package resolvers

import (
	"context"
)

// UpdateCustomerEmail changes the current customer's email with the password.
func (r *Root) UpdateCustomerEmail(ctx context.Context, args struct{ Email, Password string }) (*CustomerOutput, error) {
	return r.output(r.Service.UpdateCustomerEmail(ctx, args.Email, args.Password))
}

// DeleteCustomer deletes the current customer's account.
func (r *Root) DeleteCustomer(ctx context.Context) (*bool, error) {
	return done(r.Service.DeleteCustomer(ctx))
}
