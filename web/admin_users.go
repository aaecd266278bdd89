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

// The admin page's admin users (issue 16 item 14): list, create, lock and unlock,
// reset two-factor authentication, deactivate and reactivate. The domain keeps the
// rules (auth.Service.LockAdmin, SetAdminActive, ResetAdminTOTP: the last admin who can
// sign in is never locked or deactivated; a lock, a deactivation and a 2FA reset end
// the admin's tokens and sessions); this file only reads forms and shows answers.

// adminLockDurations are the choices of the Lock button.
var adminLockDurations = [][2]string{{"1h", "1 hour"}, {"24h", "1 day"}, {"168h", "7 days"}, {"720h", "30 days"}}

type adminUserRow struct {
	auth.Admin
	Self      bool
	Locked    bool
	Last      bool // the only admin who can sign in: no Lock or Deactivate button
	LockLeft  string
	HasTOTP   bool
	LockUntil string
}

// plainError writes an auth.Error's message as the page's error; other errors are
// logged and become a 500.
func (s *Server) plainError(w http.ResponseWriter, r *http.Request, err error, what string, page func(msg string)) {
	var ae *auth.Error
	if errors.As(err, &ae) {
		page(ae.Message)
		return
	}
	s.log.ErrorContext(r.Context(), what, "request_id", requestID(r.Context()), "err", err)
	http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
}

func (s *Server) adminsPage(w http.ResponseWriter, r *http.Request, ar *adminRequest, status int, flash, errMsg string, form map[string]string) {
	list, err := s.svc.ListAdmins(r.Context())
	if err != nil {
		s.log.ErrorContext(r.Context(), "list admins", "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	now := s.svc.Now()
	rows := make([]adminUserRow, len(list))
	for i, a := range list {
		rows[i] = adminUserRow{Admin: a, Self: a.ID == ar.admin.ID, Locked: a.Locked(now), HasTOTP: a.TOTPSecret != ""}
		if rows[i].Locked {
			until := a.LockExpires
			if a.AddrLockUntil.After(until) {
				until = a.AddrLockUntil
			}
			rows[i].LockLeft = durationWords(int(until.Sub(now).Seconds()+0.999)) + " left"
			rows[i].LockUntil = until.UTC().Format("2006-01-02 15:04 UTC")
		}
		rows[i].TOTPSecret = "" // never to a template
		rows[i].PasswordHash = ""
	}
	able := 0
	for _, r := range rows {
		if r.Active && !r.LockExpires.After(now) {
			able++
		}
	}
	for i := range rows {
		rows[i].Last = able == 1 && rows[i].Active && !rows[i].LockExpires.After(now)
	}
	if form == nil {
		form = map[string]string{}
	}
	st := s.svc.Settings()
	data := s.adminData(ar, "admins", "Admin users")
	data["Admins"], data["Durations"], data["Form"] = rows, adminLockDurations, form
	data["Flash"], data["Error"] = flash, errMsg
	data["TwoFactor"] = st.Bool(auth.PathTwoFactorEnable)
	data["MinLength"], data["MinClasses"] = st.Int(auth.PathMinPasswordLength), st.Int(auth.PathRequiredClasses)
	s.render(w, r, status, "admin_admins", data)
}

func (s *Server) handleAdminAdmins(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	flash := map[string]string{
		"created": "Admin user created. With two-factor authentication on, they set up their authenticator app at their first sign-in.",
		"locked":  "Admin locked: their tokens and admin page sessions ended.", "unlocked": "Admin unlocked.",
		"tfareset":    "Two-factor authentication reset: the admin sets up an authenticator app again at the next sign-in; their tokens and sessions ended.",
		"deactivated": "Admin deactivated: they can no longer sign in; their tokens and sessions ended.",
		"activated":   "Admin reactivated: they can sign in again (tokens from before stay ended).",
	}[r.URL.Query().Get("done")]
	s.adminsPage(w, r, ar, http.StatusOK, flash, "", nil)
}

// handleAdminAdminCreate is the New admin user form.
func (s *Server) handleAdminAdminCreate(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	form := map[string]string{}
	for _, k := range []string{"username", "email", "firstname", "lastname"} {
		form[k] = r.PostFormValue(k)
	}
	a := &auth.Admin{Username: form["username"], Email: form["email"], Firstname: form["firstname"], Lastname: form["lastname"]}
	err := s.svc.CreateAdminBy(r.Context(), ar.admin, a, r.PostFormValue("password"))
	if err != nil {
		s.plainError(w, r, err, "create admin", func(msg string) {
			s.adminsPage(w, r, ar, http.StatusBadRequest, "", "No admin user was created: "+msg, form)
		})
		return
	}
	http.Redirect(w, r, "/admin/admins?done=created#a-"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// handleAdminAdminAction is an action button of one admin user.
func (s *Server) handleAdminAdminAction(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		http.Error(w, "No such admin user.", http.StatusNotFound)
		return
	}
	ctx := r.Context()
	target, err := s.svc.Admins.AdminByID(ctx, id)
	if errors.Is(err, auth.ErrNotFound) {
		http.Error(w, "No such admin user.", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.ErrorContext(ctx, "admin action", "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	name := target.Username
	subject := strings.TrimSpace(target.Firstname+" "+target.Lastname) + ", " + target.Username + " (" + target.Email + ", #" + strconv.FormatInt(target.ID, 10) + ")"
	you := ""
	if target.ID == ar.admin.ID {
		you = " This is you: your own session ends too."
	}
	var done string
	switch r.PathValue("action") {
	case "lock":
		var d time.Duration
		label := ""
		for _, o := range adminLockDurations {
			if o[0] == r.PostFormValue("duration") {
				d, _ = time.ParseDuration(o[0])
				label = o[1]
			}
		}
		if d == 0 {
			s.adminsPage(w, r, ar, http.StatusBadRequest, "", "Nothing was locked: "+auth.MsgAdminLockDuration, nil)
			return
		}
		if !s.confirmed(w, r, ar, confirmation{Title: "Lock this admin for " + label + "?", Subject: subject, Yes: "Yes, lock " + name, Cancel: "/admin/admins",
			Effect: "Their tokens, admin page sessions and the customer sessions they opened end at once, and they cannot sign in until the lock ends or another admin unlocks them." + you}) {
			return
		}
		err, done = s.svc.LockAdmin(ctx, ar.admin, id, d), "locked"
	case "unlock":
		err, done = s.svc.UnlockAdmin(ctx, ar.admin, id), "unlocked"
	case "tfareset":
		if !s.confirmed(w, r, ar, confirmation{Title: "Reset this admin's two-factor authentication?", Subject: subject, Yes: "Yes, reset 2FA of " + name, Cancel: "/admin/admins",
			Effect: "Their authenticator app stops working for shopauth: they set it up again at the next sign-in. Their tokens and sessions end at once." + you}) {
			return
		}
		err, done = s.svc.ResetAdminTOTP(ctx, ar.admin, id), "tfareset"
	case "deactivate":
		if !s.confirmed(w, r, ar, confirmation{Title: "Deactivate this admin?", Subject: subject, Yes: "Yes, deactivate " + name, Cancel: "/admin/admins",
			Effect: "They can no longer sign in, and their tokens, admin page sessions and the customer sessions they opened end at once. Reactivating them later revives none of those." + you}) {
			return
		}
		err, done = s.svc.SetAdminActive(ctx, ar.admin, id, false), "deactivated"
	case "activate":
		err, done = s.svc.SetAdminActive(ctx, ar.admin, id, true), "activated"
	default:
		http.Error(w, "Unknown action.", http.StatusNotFound)
		return
	}
	if err != nil {
		s.plainError(w, r, err, "admin action", func(msg string) {
			s.adminsPage(w, r, ar, http.StatusBadRequest, "", "Nothing was changed for "+name+": "+msg, nil)
		})
		return
	}
	if target.ID == ar.admin.ID && done != "unlocked" && done != "activated" {
		// The admin's own session ended with it.
		http.SetCookie(w, s.adminCookieFlags(r, adminCookie, "", -1))
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/admin/admins?"+url.Values{"done": {done}}.Encode()+"#a-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
