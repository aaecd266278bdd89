package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"shopauth/auth"
)

// TestAdminPageResendConfirmation (issue 16, left from item 14): the customer page of an
// unconfirmed customer resends the confirmation mail as the storefront's
// resendConfirmationEmail does: the same key, refused when no confirmation is needed,
// and held to the same hourly limit per address, shared with the storefront; each mail
// an admin sent is audited with the admin.
func TestAdminPageResendConfirmation(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	done := e.customer("done@example.com", "password")
	e.set(auth.PathConfirmRequired, "1")
	c := e.customer("waiting@example.com", "password")
	key := e.lastMailVar("account_confirmation", "confirmation_key")
	other := e.customer("other@example.com", "password")
	client, csrf, _ := adminHTTP(t, e, "admin", "admin123", "")
	pageURL := fmt.Sprintf("%s/admin/customers/%d", e.srv.URL, c.ID)
	back := fmt.Sprintf("/admin/customers/%d", c.ID)
	form := url.Values{"csrf": {csrf}, "back": {back}}
	button := `<button type="submit" class="secondary" id="confirmmail">Resend confirmation mail</button>`

	if p := getPage(t, client, pageURL); !strings.Contains(p.body, button) {
		t.Fatalf("no Resend button for an unconfirmed customer:\n%s", p.body)
	}
	if p := getPage(t, client, fmt.Sprintf("%s/admin/customers/%d", e.srv.URL, done.ID)); strings.Contains(p.body, `id="confirmmail"`) {
		t.Errorf("a Resend button for a confirmed customer")
	}
	p := postPage(t, client, pageURL+"/confirmmail", form)
	if p.status != 303 || p.location != back+"?done=confirmmailed" {
		t.Fatalf("resend: %d %s\n%s", p.status, p.location, p.body)
	}
	wantIn(t, getPage(t, client, e.srv.URL+p.location), 200, "A confirmation mail is queued for the customer (see the outbox; the key itself is only in the mail).")
	m := e.outbox()
	if last := m[len(m)-1]; last.Template != "account_confirmation" || last.To != "waiting@example.com" || last.Vars["confirmation_key"] != key {
		t.Errorf("mail: %+v (key %s)", last, key)
	}
	if a := lastAudit(t, e, c.ID, "admin.customer_confirmation_mailed"); a == nil || a.AdminID != 1 || a.Username != "admin" {
		t.Errorf("audit: %+v", a)
	}
	if p := postPage(t, client, pageURL+"/confirmmail", url.Values{"back": {back}}); p.status != 403 {
		t.Errorf("without the form token: %d", p.status)
	}

	// Two mails so far this hour (the sign-up's and the one above); one from the
	// storefront; then 100 presses at once leave exactly two more.
	expect(t, e.gql("", `mutation{resendConfirmationEmail(email:"waiting@example.com")}`, nil), 200, `{"data":{"resendConfirmationEmail":true}}`)
	var wg sync.WaitGroup
	var mu sync.Mutex
	status := map[int]int{}
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := client.PostForm(pageURL+"/confirmmail", form)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			mu.Lock()
			status[res.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if status[303] != 2 || status[400] != 98 {
		t.Errorf("100 presses at once: %v, want 2 sent (303) and 98 refused (400)", status)
	}
	n := 0
	for _, m := range e.outbox() {
		if m.Template == "account_confirmation" && m.To == "waiting@example.com" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d confirmation mails this hour, want the limit, 5", n)
	}
	if ev, _ := e.db.AuditList(context.Background(), dbFilter(c.ID, "admin.customer_confirmation_mailed")); len(ev) != 3 {
		t.Errorf("%d admin.customer_confirmation_mailed entries, want 3", len(ev))
	}
	if ev, _ := e.db.AuditList(context.Background(), dbFilter(c.ID, "customer.confirmation_limited")); len(ev) != 98 {
		t.Errorf("%d customer.confirmation_limited entries, want 98", len(ev))
	}
	wantIn(t, postPage(t, client, pageURL+"/confirmmail", form), 400, "No confirmation mail was sent: "+auth.MsgTooManyConfirmations)
	// The storefront's limit is the same one.
	expect(t, e.gql("", `mutation{resendConfirmationEmail(email:"waiting@example.com")}`, nil), 200,
		gqlErr(auth.MsgTooManyConfirmations, "graphql-input", 10, "resendConfirmationEmail"))
	// With confirmation off the page has no button (the customer can sign in), and a
	// form sent anyway is refused in Magento's words; so is one for a confirmed customer.
	e.set(auth.PathConfirmRequired, "0")
	if p := getPage(t, client, pageURL); strings.Contains(p.body, `id="confirmmail"`) {
		t.Errorf("a Resend button while confirmation is off")
	}
	wantIn(t, postPage(t, client, pageURL+"/confirmmail", form), 400, "No confirmation mail was sent: "+auth.MsgConfirmationNotNeed)
	wantIn(t, postPage(t, client, fmt.Sprintf("%s/admin/customers/%d/confirmmail", e.srv.URL, done.ID), url.Values{"csrf": {csrf}, "back": {fmt.Sprintf("/admin/customers/%d", done.ID)}}),
		400, "No confirmation mail was sent: "+auth.MsgConfirmationNotNeed)
	if p := postPage(t, client, e.srv.URL+"/admin/customers/9999/confirmmail", form); p.status != 404 {
		t.Errorf("no such customer: %d", p.status)
	}

	// In the browser: the button, and the page after pressing it.
	e.set(auth.PathConfirmRequired, "1")
	ctx := adminBrowser(t, e)
	browserRun(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/customers/%d", e.srv.URL, other.ID)), chromedp.WaitVisible(chromedp.ID("confirmmail")))
	screenshot(t, ctx, "admin-customer-unconfirmed")
	browserRun(t, ctx, chromedp.Click(chromedp.ID("confirmmail")))
	if err := pollAcrossNavigation(ctx, `[...document.querySelectorAll("p.flash.ok")].some(p => p.textContent === "A confirmation mail is queued for the customer (see the outbox; the key itself is only in the mail).")`); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "admin-customer-confirmmailed")
}
