package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Subscription statuses, Magento's newsletter_subscriber codes.
const (
	SubscriptionSubscribed   = 1
	SubscriptionNotActive    = 2
	SubscriptionUnsubscribed = 3
	SubscriptionUnconfirmed  = 4
)

// NewsletterStore keeps newsletter subscriptions, one per email address. Implemented by db.
type NewsletterStore interface {
	// Subscribe records email as subscribed in one statement; false when it already was.
	Subscribe(ctx context.Context, email string, now time.Time) (bool, error)
	// SetSubscription subscribes or unsubscribes a customer's address.
	SetSubscription(ctx context.Context, customerID int64, email string, subscribed bool, now time.Time) error
	// SubscriptionStatus is email's status, 0 when it has never subscribed.
	SubscriptionStatus(ctx context.Context, email string) (int, error)
	// MoveSubscription follows a customer's change of address.
	MoveSubscription(ctx context.Context, customerID int64, oldEmail, newEmail string) error
}

// SubscribeEmailToNewsletter subscribes an address, as Magento's subscribeEmailToNewsletter:
// a customer their own address (or one no other account has), a guest any address
// while guest subscription is allowed. It returns the new status.
func (s *Service) SubscribeEmailToNewsletter(ctx context.Context, email string) (int, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return 0, inputError(MsgNewsletterEmailRequired)
	}
	st := s.Settings()
	var current *Customer
	if p := PrincipalFrom(ctx); p != nil && p.UserType == UserTypeCustomer {
		c, err := s.CurrentCustomer(ctx)
		if err != nil {
			return 0, err
		}
		current = c
	}
	// (shopauth) Magento's resolver does not look at newsletter/general/active; a
	// storefront hides the form by storeConfig.newsletter_enabled, and here a shop that
	// turned the newsletter off collects no addresses for it.
	if !st.Bool(PathNewsletterActive) {
		return 0, inputError(MsgNewsletterCannotCreate)
	}
	if !ValidEmail(email) {
		return 0, inputError(MsgNewsletterInvalidEmail)
	}
	if current != nil {
		if !strings.EqualFold(current.Email, email) {
			other, err := s.Customers.CustomerByEmail(ctx, email)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return 0, fmt.Errorf("subscribe: look up %q: %w", email, err)
			}
			if other != nil {
				return 0, inputError(MsgNewsletterCannotCreate)
			}
		}
	} else if !st.Bool(PathNewsletterGuest) {
		return 0, inputError(MsgNewsletterNoGuests)
	}
	added, err := s.Newsletter.Subscribe(ctx, email, s.Now())
	if err != nil {
		return 0, fmt.Errorf("subscribe %q: %w", email, err)
	}
	if !added {
		return 0, &Error{Category: CategoryAlreadyExists, Message: MsgNewsletterAlreadyIn}
	}
	return SubscriptionSubscribed, nil
}

// CustomerSubscribed reports whether c's address is subscribed to the newsletter.
func (s *Service) CustomerSubscribed(ctx context.Context, c *Customer) (bool, error) {
	status, err := s.Newsletter.SubscriptionStatus(ctx, c.Email)
	if err != nil {
		return false, fmt.Errorf("subscription of customer %d: %w", c.ID, err)
	}
	return status == SubscriptionSubscribed, nil
}

// setSubscription applies is_subscribed of a create or update input. With the
// newsletter off it changes nothing (Magento sets is_subscribed false on create).
func (s *Service) setSubscription(ctx context.Context, c *Customer, subscribed *bool) error {
	if subscribed == nil || !s.Settings().Bool(PathNewsletterActive) {
		return nil
	}
	if err := s.Newsletter.SetSubscription(ctx, c.ID, c.Email, *subscribed, s.Now()); err != nil {
		return fmt.Errorf("subscription of customer %d: %w", c.ID, err)
	}
	return nil
}
