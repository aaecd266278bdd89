package storetest

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/db"
)

// testAddresses: the address book over two handles; parallel inserts from both keep the
// limit and leave one default of each kind.
func testAddresses(t *testing.T, a, b *db.DB) {
	c := newCustomer(t, a, "book@example.com")
	now := time.Unix(1700000000, 0)
	addr := &auth.Address{CustomerID: c.ID, Firstname: "A", Lastname: "B", Street: []string{"1 Main St", "Apt 2"}, City: "Austin",
		Region: "Texas", RegionCode: "TX", RegionID: 57, Postcode: "78701", CountryID: "US", Telephone: "1", DefaultBilling: true,
		Custom: map[string]string{"door_code": "4711"}}
	if err := a.SaveAddress(ctx, addr, 10, now); err != nil || addr.ID == 0 {
		t.Fatalf("insert: %v %d", err, addr.ID)
	}
	got, err := b.AddressByID(ctx, addr.ID)
	if err != nil || got.CustomerID != c.ID || len(got.Street) != 2 || got.Street[1] != "Apt 2" || got.RegionID != 57 ||
		!got.DefaultBilling || got.DefaultShipping || got.Custom["door_code"] != "4711" {
		t.Fatalf("other handle reads %+v %v", got, err)
	}
	got.City, got.DefaultShipping = "Dallas", true
	if err := b.SaveAddress(ctx, got, 10, now); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddressByID(ctx, 999999); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("missing address: %v", err)
	}
	if ok, err := a.DeleteAddress(ctx, addr.ID, c.ID); ok || err != nil {
		t.Fatalf("a default address was deleted: %v %v", ok, err)
	}
	var created, refused atomic.Int32
	parallel(20, func(i int) {
		d := a
		if i%2 == 1 {
			d = b
		}
		n := &auth.Address{CustomerID: c.ID, Firstname: "P", Lastname: "Q", Street: []string{"x"}, City: "c", CountryID: "DE",
			Telephone: "1", DefaultBilling: true, DefaultShipping: true}
		switch err := d.SaveAddress(ctx, n, 10, now); {
		case err == nil:
			created.Add(1)
		case errors.Is(err, auth.ErrTooMany):
			refused.Add(1)
		default:
			t.Error(err)
		}
	})
	list, err := b.Addresses(ctx, c.ID)
	if err != nil || created.Load() != 9 || refused.Load() != 11 || len(list) != 10 {
		t.Fatalf("parallel inserts: %d created, %d refused, %d stored, %v", created.Load(), refused.Load(), len(list), err)
	}
	billing, shipping := 0, 0
	for i, x := range list {
		if i > 0 && x.ID <= list[i-1].ID {
			t.Fatal("not in id order")
		}
		if x.DefaultBilling {
			billing++
		}
		if x.DefaultShipping {
			shipping++
		}
	}
	if billing != 1 || shipping != 1 {
		t.Fatalf("%d default billing, %d default shipping", billing, shipping)
	}
	if ok, err := b.DeleteAddress(ctx, addr.ID, c.ID+1); ok || err != nil {
		t.Fatalf("another customer's delete: %v %v", ok, err)
	}
	if ok, err := b.DeleteAddress(ctx, addr.ID, c.ID); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if err := a.SaveAddress(ctx, &auth.Address{CustomerID: 999999}, 10, now); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("address of a missing customer: %v", err)
	}
}

// testCustomAttributes: attributes and values written on one handle, read on the other.
func testCustomAttributes(t *testing.T, a, b *db.DB) {
	attr := &auth.Attribute{Entity: auth.EntityCustomer, Code: "tier", Label: "Tier", FrontendInput: "SELECT", SortOrder: 5,
		Forms: []string{auth.FormAccountCreate}, Options: []auth.AttributeOption{{Label: "Gold"}, {Label: "Silver"}}}
	if err := a.AddAttribute(ctx, attr); err != nil || attr.ID == 0 || attr.Options[1].Value == "" {
		t.Fatalf("add: %v %+v", err, attr)
	}
	same := &auth.Attribute{Entity: auth.EntityCustomer, Code: "tier", Label: "x", FrontendInput: "TEXT"}
	if err := b.AddAttribute(ctx, same); !errors.Is(err, auth.ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := b.AddAttribute(ctx, &auth.Attribute{Entity: auth.EntityAddress, Code: "tier", Label: "x", FrontendInput: "TEXT"}); err != nil {
		t.Fatalf("same code, other entity: %v", err)
	}
	list, err := b.CustomAttributes(ctx)
	if err != nil || len(list) != 2 || list[0].Code != "tier" || len(list[0].Options) != 2 || list[0].Options[1].Label != "Silver" ||
		list[0].Options[1].Value != attr.Options[1].Value || list[0].Forms[0] != auth.FormAccountCreate || !list[0].Custom {
		t.Fatalf("list: %+v %v", list, err)
	}
	c := newCustomer(t, a, "values@example.com")
	if err := a.SetCustomerAttributeValues(ctx, c.ID, map[string]string{"tier": attr.Options[0].Value, "nick": "Al"}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetCustomerAttributeValues(ctx, c.ID, map[string]string{"nick": "", "tier": attr.Options[1].Value}); err != nil {
		t.Fatal(err)
	}
	v, err := a.CustomerAttributeValues(ctx, c.ID)
	if err != nil || len(v) != 1 || v["tier"] != attr.Options[1].Value {
		t.Fatalf("values: %v %v", v, err)
	}
}

// testEmailChange: one transaction changes the email, ends reset links, renews a pending
// confirmation key and queues the notice; a taken email changes nothing.
func testEmailChange(t *testing.T, a, b *db.DB) {
	c := newCustomer(t, a, "old@example.com")
	other := newCustomer(t, a, "taken@example.com")
	now := time.Unix(1700000000, 0)
	m := auth.Mail{To: "x@example.com", Template: "t", CreatedAt: now}
	if ok, err := a.CreateResetToken(ctx, auth.ResetToken{Hash: "h1", CustomerID: c.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, now.Add(-time.Hour), 5, m); !ok || err != nil {
		t.Fatal(ok, err)
	}
	notice := auth.Mail{To: "old@example.com", Subject: "changed", Template: "email_changed", CreatedAt: now}
	if err := b.ChangeEmail(ctx, auth.EmailChange{CustomerID: c.ID, NewEmail: "TAKEN@example.com", Notice: notice, Now: now}); !errors.Is(err, auth.ErrDuplicate) {
		t.Fatalf("taken: %v", err)
	}
	if ok, _ := a.ResetTokenUsable(ctx, "h1", c.ID, now); !ok {
		t.Fatal("a refused change ended the reset link")
	}
	if err := b.ChangeEmail(ctx, auth.EmailChange{CustomerID: c.ID, NewEmail: "New@Example.com", NewConfirmation: "k2", Notice: notice, Now: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.RefreshCache(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := a.CustomerByEmail(ctx, "new@example.com")
	if err != nil || got.ID != c.ID || got.Email != "New@Example.com" || got.Confirmation != "" {
		t.Fatalf("after change: %+v %v", got, err)
	}
	if ok, _ := a.ResetTokenUsable(ctx, "h1", c.ID, now); ok {
		t.Fatal("reset link survived the change")
	}
	mails, _ := a.ListMail(ctx, 10)
	if last := mails[len(mails)-1]; last.Template != "email_changed" || last.To != "old@example.com" {
		t.Fatalf("notice: %+v", last)
	}
	// A pending confirmation key is replaced, not kept or cleared.
	if err := a.SetConfirmation(ctx, other.ID, "k1"); err != nil {
		t.Fatal(err)
	}
	if err := b.ChangeEmail(ctx, auth.EmailChange{CustomerID: other.ID, NewEmail: "moved@example.com", NewConfirmation: "k2", Notice: notice, Now: now}); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.CustomerByEmail(ctx, "moved@example.com"); got == nil || got.Confirmation != "k2" {
		t.Fatalf("confirmation: %+v", got)
	}
}

// testRemoveCustomer: the customer and what is theirs go in one transaction; another
// customer's rows stay.
func testRemoveCustomer(t *testing.T, a, b *db.DB) {
	c := newCustomer(t, a, "gone@example.com")
	keep := newCustomer(t, a, "kept@example.com")
	now := time.Unix(1700000000, 0)
	for _, id := range []int64{c.ID, keep.ID} {
		if err := a.SaveAddress(ctx, &auth.Address{CustomerID: id, Firstname: "A", Street: []string{"s"}}, 10, now); err != nil {
			t.Fatal(err)
		}
		if err := a.SetCustomerAttributeValues(ctx, id, map[string]string{"nick": "x"}); err != nil {
			t.Fatal(err)
		}
	}
	failed := auth.Attempt{UserType: auth.UserTypeCustomer, Name: "gone@example.com", UserID: c.ID, Addr: "192.0.2.1", Now: now,
		Throttle: auth.Lockout{MaxFailures: 6, Window: time.Hour}, Lock: auth.Lockout{MaxFailures: 10, Window: time.Hour},
		Cap: auth.Lockout{MaxFailures: 100, Window: time.Hour}}
	if _, err := a.BeginAttempt(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if _, err := a.FailAttempt(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if err := a.Send(ctx, auth.Mail{To: "Gone@example.com", Template: "t", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.Audit(ctx, auth.AuditEvent{Time: now, Event: "customer.signin", CustomerID: c.ID, Username: "gone@example.com", RemoteAddr: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	rev := auth.Revocation{UserType: auth.UserTypeCustomer, UserID: c.ID, BeforeMicro: now.UnixMicro()}
	r := auth.AccountRemoval{CustomerID: c.ID, Email: "gone@example.com", ThrottleName: "gone@example.com", Revoke: rev}
	if err := b.RemoveCustomer(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := b.RemoveCustomer(ctx, r); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("second removal: %v", err)
	}
	if err := a.RefreshCache(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CustomerByID(ctx, c.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("customer still there: %v", err)
	}
	if l, _ := a.Addresses(ctx, c.ID); len(l) != 0 {
		t.Fatalf("addresses left: %v", l)
	}
	if v, _ := a.CustomerAttributeValues(ctx, c.ID); len(v) != 0 {
		t.Fatalf("values left: %v", v)
	}
	if l, _ := a.Addresses(ctx, keep.ID); len(l) != 1 {
		t.Fatalf("the other customer's addresses: %v", l)
	}
	if throttled, _ := a.Throttled(ctx, "gone@example.com", auth.UserTypeCustomer, now, 1); throttled {
		t.Fatal("throttle row left")
	}
	if mails, _ := a.ListMail(ctx, 10); len(mails) != 0 {
		t.Fatalf("mail left: %+v", mails)
	}
	ev, err := a.AuditList(ctx, auth.AuditFilter{CustomerID: c.ID})
	if err != nil || len(ev) != 1 || ev[0].Event != "customer.signin" || ev[0].Username != "" || ev[0].RemoteAddr != "" {
		t.Fatalf("audit: %+v %v", ev, err)
	}
	revs, _, err := a.RevocationsSince(ctx, 0)
	if err != nil || len(revs) != 1 || revs[0].UserID != c.ID || revs[0].BeforeMicro != rev.BeforeMicro {
		t.Fatalf("revocation: %+v %v", revs, err)
	}
}
