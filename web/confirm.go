package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"shopauth/auth"
)

// Destructive admin forms (sign out everywhere, unlock, and whatever else cannot be
// undone with one click) act only on a POST that carries confirm=yes. Without it the
// handler answers with a confirmation page that names what will happen and posts the
// same form again with confirm=yes: the check is the server's, so it holds without
// JavaScript. With JavaScript, admin.js asks in place (the form's data-confirm text)
// and adds confirm=yes itself, so the page is skipped.

const (
	confirmField = "confirm"
	confirmYes   = "yes"
)

// confirmation is what the confirmation page of a destructive action says.
type confirmation struct {
	Title   string // the page heading, a question: "Sign this customer out everywhere?"
	Subject string // who or what is acted on: "John Smith, customer@example.com (#1)"
	Effect  string // what happens, in a shop owner's words
	Yes     string // the button that acts: "Yes, sign out everywhere"
	Cancel  string // where Cancel goes: a local /admin/ page (see cancelTo)
}

// confirmed reports whether the POST r confirms its destructive action. When it does
// not, confirmed writes the confirmation page (200) that re-posts the same fields with
// confirm=yes, and the handler must return without acting. The fields go back into the
// page as hidden inputs: not for a form that carries a password or another secret.
func (s *Server) confirmed(w http.ResponseWriter, r *http.Request, ar *adminRequest, c confirmation) bool {
	if r.PostFormValue(confirmField) == confirmYes {
		return true
	}
	var fields [][2]string
	for k, vs := range r.PostForm {
		if k == "csrf" || k == confirmField {
			continue
		}
		for _, v := range vs {
			fields = append(fields, [2]string{k, v})
		}
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i][0] < fields[j][0] })
	data := s.adminData(ar, "", c.Title)
	data["Confirm"], data["Action"], data["Fields"] = c, r.URL.Path, fields
	s.render(w, r, http.StatusOK, "confirm", data)
	return false
}

// cancelTo is where a confirmation's Cancel goes: back, when it is a local admin page
// (the form's "back" field), or else fallback.
func cancelTo(back, fallback string) string {
	if back != "" && localAdminPath(back) {
		return back
	}
	return fallback
}

// confirmCustomer is confirmed for an action on customer id from the customer list:
// the page names the customer, and Cancel goes back to the list where the admin was.
// An unknown customer is a 404, as the action would be.
func (s *Server) confirmCustomer(w http.ResponseWriter, r *http.Request, ar *adminRequest, id int64, c confirmation) bool {
	if r.PostFormValue(confirmField) == confirmYes {
		return true
	}
	cu, err := s.svc.Customers.CustomerByID(r.Context(), id)
	if errors.Is(err, auth.ErrNotFound) {
		http.Error(w, "No such customer.", http.StatusNotFound)
		return false
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "confirm customer action", "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return false
	}
	c.Subject = strings.TrimSpace(cu.Firstname+" "+cu.Lastname) + ", " + cu.Email + " (#" + strconv.FormatInt(cu.ID, 10) + ")"
	c.Cancel = cancelTo(r.PostFormValue("back"), "/admin/customers")
	return s.confirmed(w, r, ar, c)
}
