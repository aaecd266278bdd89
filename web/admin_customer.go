package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"shopauth/auth"
)

// One customer on the admin page (issue 16 item 14): create, the customer's own page
// with its sign-in state (account lock, sign-in throttle, revoked-before time,
// confirmation), the edit form and the recent sign-in history.

const customerHistoryRows = 20

func (s *Server) newCustomerPage(w http.ResponseWriter, r *http.Request, ar *adminRequest, status int, errMsg string, form map[string]string) {
	if form == nil {
		form = map[string]string{"mailreset": "1"}
	}
	st := s.svc.Settings()
	data := s.adminData(ar, "customers", "New customer")
	data["Form"], data["Error"] = form, errMsg
	data["MinLength"], data["MinClasses"], data["Confirm"] = st.Int(auth.PathMinPasswordLength), st.Int(auth.PathRequiredClasses), st.Bool(auth.PathConfirmRequired)
	s.render(w, r, status, "admin_customer_new", data)
}

func (s *Server) handleAdminCustomerNew(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	if r.Method != http.MethodPost {
		s.newCustomerPage(w, r, ar, http.StatusOK, "", nil)
		return
	}
	form := map[string]string{}
	for _, k := range []string{"firstname", "lastname", "email", "mailreset"} {
		form[k] = r.PostFormValue(k)
	}
	first, last, email, password := form["firstname"], form["lastname"], form["email"], r.PostFormValue("password")
	in := auth.CustomerInput{Firstname: &first, Lastname: &last, Email: &email}
	if password != "" {
		in.Password = &password
	}
	c, err := s.svc.AdminCreateCustomer(r.Context(), ar.admin, in, form["mailreset"] == "1")
	if c != nil {
		done := "created"
		if err != nil {
			// Made, but its reset mail was refused (the per-account limit): say so there.
			done = "created-nomail"
		}
		http.Redirect(w, r, "/admin/customers/"+strconv.FormatInt(c.ID, 10)+"?done="+done, http.StatusSeeOther)
		return
	}
	s.plainError(w, r, err, "create customer", func(msg string) {
		s.newCustomerPage(w, r, ar, http.StatusBadRequest, "No customer was created: "+msg, form)
	})
}

// timeWords is a time as the admin page shows it: UTC, to the second, and how long ago
// or ahead.
func timeWords(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	s := t.UTC().Format("2006-01-02 15:04:05 UTC")
	if d := int(t.Sub(now).Seconds() + 0.999); d > 0 {
		return s + " (" + durationWords(d) + " from now)"
	} else if d := int(now.Sub(t).Seconds()); d >= 0 {
		return s + " (" + durationWords(d) + " ago)"
	}
	return s
}

func (s *Server) customerPage(w http.ResponseWriter, r *http.Request, ar *adminRequest, id int64, status int, flash, errMsg string, form map[string]string) {
	ctx := r.Context()
	st, err := s.svc.CustomerStateOf(ctx, id)
	if errors.Is(err, auth.ErrNotFound) {
		http.Error(w, "No such customer.", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.ErrorContext(ctx, "customer page", "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	history, err := s.svc.Audit.AuditList(ctx, auth.AuditFilter{CustomerID: id, Limit: customerHistoryRows})
	if err != nil {
		s.log.ErrorContext(ctx, "customer history", "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	now := s.svc.Now()
	c := st.Customer
	if form == nil {
		form = map[string]string{"firstname": c.Firstname, "lastname": c.Lastname, "email": c.Email}
	}
	data := s.adminData(ar, "customers", c.Firstname+" "+c.Lastname)
	data["C"], data["Form"], data["History"], data["HistoryRows"] = c, form, history, customerHistoryRows
	data["Flash"], data["Error"] = flash, errMsg
	data["Created"] = timeWords(c.CreatedAt, now)
	data["RevokedBefore"], data["LockedUntil"], data["ThrottledUntil"] = timeWords(st.RevokedBefore, now), timeWords(st.LockedUntil, now), timeWords(st.ThrottledUntil, now)
	data["Unconfirmed"], data["ConfirmRequired"] = st.Unconfirmed, s.svc.Settings().Bool(auth.PathConfirmRequired)
	data["Back"] = "/admin/customers/" + strconv.FormatInt(c.ID, 10)
	data["LoginAsCustomer"] = s.svc.Settings().Bool(auth.PathLoginAsCustomerEnabled)
	s.render(w, r, status, "admin_customer", data)
}

// editedFields are the names auth.Service.AdminEditCustomer reports as changed.
var editedFields = map[string]bool{"email": true, "first name": true, "last name": true, "confirmed": true}

var customerDone = map[string]string{
	"created":        "Customer created.",
	"created-nomail": "Customer created, but no password-reset mail was sent: too many were sent to this address in the last hour.",
	"saved":          "Saved.",
	"nothing":        auth.MsgNothingChanged,
	"assistance":     "Remote shopping assistance updated.",
	"unlocked":       "Customer unlocked: the account lock and the sign-in throttle are cleared.",
	"signedout":      "Customer signed out everywhere: every token and session is revoked.",
	"resetmailed":    "A password-reset mail is queued for the customer (see the outbox; the link itself is only in the mail).",
	"confirmmailed":  "A confirmation mail is queued for the customer (see the outbox; the key itself is only in the mail).",
}

func (s *Server) handleAdminCustomer(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		http.Error(w, "No such customer.", http.StatusNotFound)
		return
	}
	flash := customerDone[r.URL.Query().Get("done")]
	if r.URL.Query().Get("done") == "saved" {
		// Only the field names the edit reports, never text from the URL.
		var names []string
		for _, f := range strings.Split(r.URL.Query().Get("changed"), ",") {
			if editedFields[f] {
				names = append(names, f)
			}
		}
		if len(names) > 0 {
			flash = "Saved: " + strings.Join(names, ", ") + "."
		}
	}
	s.customerPage(w, r, ar, id, http.StatusOK, flash, "", nil)
}

func (s *Server) handleAdminCustomerEdit(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		http.Error(w, "No such customer.", http.StatusNotFound)
		return
	}
	form := map[string]string{}
	for _, k := range []string{"firstname", "lastname", "email", "confirmed"} {
		form[k] = r.PostFormValue(k)
	}
	changed, err := s.svc.AdminEditCustomer(r.Context(), ar.admin, id, auth.CustomerEdit{Firstname: form["firstname"], Lastname: form["lastname"],
		Email: form["email"], Confirm: form["confirmed"] == "1"})
	if errors.Is(err, auth.ErrNotFound) {
		http.Error(w, "No such customer.", http.StatusNotFound)
		return
	}
	if err != nil {
		s.plainError(w, r, err, "edit customer", func(msg string) {
			s.customerPage(w, r, ar, id, http.StatusBadRequest, "", "Nothing was saved: "+msg, form)
		})
		return
	}
	to := "/admin/customers/" + strconv.FormatInt(id, 10) + "?done=nothing"
	if len(changed) > 0 {
		to = "/admin/customers/" + strconv.FormatInt(id, 10) + "?" + url.Values{"done": {"saved"}, "changed": {strings.Join(changed, ",")}}.Encode()
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
