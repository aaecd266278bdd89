package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"shopauth/auth"
)

// The admin page (SPEC §10): server-rendered, a server-side session in an HttpOnly
// SameSite=Strict cookie, a CSRF token in every form, idle timeout from settings.

const (
	adminCookie      = "shopauth_admin"
	adminLoginCookie = "shopauth_admin_login" // pre-session CSRF token for the sign-in form
	customersPerPage = 20
	auditPerPage     = 50
)

// adminRequest is a signed-in admin page request.
type adminRequest struct {
	sess  *auth.AdminSession
	admin *auth.Admin
}

func (s *Server) adminCookieFlags(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/admin", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secureRequest(r)}
}

// adminAuth resolves the admin page session; nil when there is none (or it timed out).
func (s *Server) adminAuth(r *http.Request) *adminRequest {
	c, err := r.Cookie(adminCookie)
	if err != nil {
		return nil
	}
	sess, a, err := s.svc.AdminSessionFor(r.Context(), c.Value)
	if err != nil {
		if !errors.Is(err, auth.ErrNotFound) {
			s.log.ErrorContext(r.Context(), "admin session", "err", err)
		}
		return nil
	}
	return &adminRequest{sess: sess, admin: a}
}

// requireAdmin wraps an admin page handler: no session → the sign-in page; a POST
// without the session's CSRF token → 403.
func (s *Server) requireAdmin(h func(http.ResponseWriter, *http.Request, *adminRequest)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ar := s.adminAuth(r)
		if ar == nil {
			expired := ""
			if _, err := r.Cookie(adminCookie); err == nil {
				expired = "?expired=1"
				http.SetCookie(w, s.adminCookieFlags(r, adminCookie, "", -1))
			}
			// After signing in again the admin comes back to the page left (a form's
			// page, for a POST: its unsaved edits are kept by the browser, admin.js).
			if next := r.URL.Path; next != "/admin/logout" && localAdminPath(next) {
				if r.Method == http.MethodGet && r.URL.RawQuery != "" {
					next += "?" + r.URL.RawQuery
				}
				sep := "?"
				if expired != "" {
					sep = "&"
				}
				expired += sep + "next=" + url.QueryEscape(next)
			}
			http.Redirect(w, r, "/admin"+expired, http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(ar.sess.CSRF)) != 1 {
				s.log.WarnContext(r.Context(), "admin form without a valid CSRF token", "request_id", requestID(r.Context()))
				http.Error(w, "Invalid or missing form token. Reload the page and try again.", http.StatusForbidden)
				return
			}
		}
		ctx := auth.WithPrincipal(r.Context(), &auth.Principal{Claims: auth.Claims{UserID: ar.admin.ID, UserType: auth.UserTypeAdmin}})
		h(w, r.WithContext(ctx), ar)
	}
}

func (s *Server) adminData(ar *adminRequest, page, title string) map[string]any {
	return map[string]any{"Title": title, "Page": page, "Admin": ar.admin, "CSRF": ar.sess.CSRF, "Scripts": []string{"admin.js"}}
}

// localAdminPath reports whether p is an admin page path, safe to redirect to after
// sign-in (no other host, no scheme, no backslash tricks).
func localAdminPath(p string) bool {
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/admin/") &&
		!strings.ContainsAny(p, "\\\r\n") && !strings.HasPrefix(p, "//")
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) handleAdminHome(w http.ResponseWriter, r *http.Request) {
	if s.adminAuth(r) != nil {
		http.Redirect(w, r, "/admin/customers", http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, "", "", r.URL.Query().Get("expired") == "1")
}

// loginNext is where a sign-in goes: the page the admin left, or the customer list.
func loginNext(r *http.Request) string {
	next := r.FormValue("next")
	if next == "" || !localAdminPath(next) {
		return "/admin/customers"
	}
	return next
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, username, msg string, expired bool) {
	token := randomHex(16)
	http.SetCookie(w, s.adminCookieFlags(r, adminLoginCookie, token, 3600))
	next := ""
	if n := loginNext(r); n != "/admin/customers" {
		next = n
	}
	s.render(w, r, status, "admin_login", map[string]any{"Title": "Admin sign-in", "LoginCSRF": token, "Username": username,
		"Error": msg, "Expired": expired, "TwoFactor": s.svc.Settings().Bool(auth.PathTwoFactorEnable), "Next": next})
}

func (s *Server) handleAdminLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	c, err := r.Cookie(adminLoginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(c.Value)) != 1 {
		http.Error(w, "Invalid or missing form token. Reload the page and try again.", http.StatusForbidden)
		return
	}
	if !s.limits.allow("signin", s.limits.clientAddr(r), s.svc.Settings().Int(auth.PathSignInRateLimit), 1, s.svc.Now()) {
		s.renderLogin(w, r, http.StatusTooManyRequests, "", msgTooManyRequests, false)
		return
	}
	username := r.PostFormValue("username")
	id, _, err := s.svc.StartAdminSession(r.Context(), username, r.PostFormValue("password"), r.PostFormValue("otp"))
	if err != nil {
		var ae *auth.Error
		if !errors.As(err, &ae) {
			s.log.ErrorContext(r.Context(), "admin sign-in", "err", err)
			http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
			return
		}
		status := http.StatusBadRequest
		if ae.Category == auth.CategoryAuthentication {
			status = http.StatusUnauthorized
		}
		s.renderLogin(w, r, status, username, ae.Message, false)
		return
	}
	http.SetCookie(w, s.adminCookieFlags(r, adminLoginCookie, "", -1))
	http.SetCookie(w, s.adminCookieFlags(r, adminCookie, id, 0))
	http.Redirect(w, r, loginNext(r), http.StatusSeeOther)
}

func (s *Server) handleAdminLogout(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	if c, err := r.Cookie(adminCookie); err == nil {
		s.svc.EndAdminSession(r.Context(), c.Value)
	}
	http.SetCookie(w, s.adminCookieFlags(r, adminCookie, "", -1))
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// handleAdminOverview shows how this server runs: the database, mail delivery and the
// security settings in force. It is behind the admin sign-in (the public start page
// names none of it).
func (s *Server) handleAdminOverview(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	st := s.svc.Settings()
	data := s.adminData(ar, "overview", "Overview")
	for k, v := range map[string]any{
		"DB": s.cfg.DBPath, "CustomerLifetime": st.Get(auth.PathCustomerTokenLifetime), "AdminLifetime": st.Get(auth.PathAdminTokenLifetime),
		"SessionsOff": st.Bool(auth.PathSessionDisable), "LoginAsCustomer": st.Bool(auth.PathLoginAsCustomerEnabled),
		"TwoFactor": st.Bool(auth.PathTwoFactorEnable), "OTCLifetime": st.Get(auth.PathOTCLifetime),
		"Confirm": st.Bool(auth.PathConfirmRequired), "LockoutFailures": st.Int(auth.PathLockoutFailures),
		"LockoutMinutes": st.Int(auth.PathLockoutThreshold), "ThrottleFailures": st.Int(auth.PathThrottleMaxFailures),
		"ThrottleMinutes": durationWords(st.Int(auth.PathThrottleTimeout)), "AdminIdle": durationWords(st.Int(auth.PathAdminSessionLifetime)),
		"SMTPHost": st.Get(auth.PathSMTPHost), "SMTPPort": st.Get(auth.PathSMTPPort),
	} {
		data[k] = v
	}
	s.render(w, r, http.StatusOK, "admin_overview", data)
}

// durationWords writes seconds as a shop owner reads them: "30 min", "1 h 30 min", "45 s",
// "7 days".
func durationWords(sec int) string {
	if sec <= 0 {
		return "0 s"
	}
	d, h, m, sc := sec/86400, sec%86400/3600, sec%3600/60, sec%60
	var parts []string
	if d == 1 {
		parts = append(parts, "1 day")
	} else if d > 1 {
		parts = append(parts, strconv.Itoa(d)+" days")
	}
	if h > 0 {
		parts = append(parts, strconv.Itoa(h)+" h")
	}
	if m > 0 {
		parts = append(parts, strconv.Itoa(m)+" min")
	}
	if sc > 0 {
		parts = append(parts, strconv.Itoa(sc)+" s")
	}
	return strings.Join(parts, " ")
}

// adminSetting is one setting an admin changes on the Settings page (SPEC §9, §10).
// Kind is "decimal", "number", "text", "choice" (Options: value, label) or "secret"
// (never shown; an empty field keeps the stored value).
type adminSetting struct {
	Path, Label, Kind string
	Options           [][2]string
}

var (
	onOff    = [][2]string{{"1", "On"}, {"0", "Off"}}
	yesNo    = [][2]string{{"1", "Yes"}, {"0", "No"}}
	offIsOne = [][2]string{{"0", "On"}, {"1", "Off"}} // graphql/session/disable: 1 means off
)

// adminSettingGroups are the page's settings, grouped as an admin looks for them:
// every setting of SPEC §9 except crypt/key (changing it signs everyone out; config:set).
var adminSettingGroups = []struct {
	Title  string
	Fields []adminSetting
}{
	{"Tokens and sessions", []adminSetting{
		{Path: auth.PathCustomerTokenLifetime, Label: "Customer token lifetime (hours)", Kind: "decimal"},
		{Path: auth.PathAdminTokenLifetime, Label: "Admin token lifetime (hours)", Kind: "decimal"},
		{Path: auth.PathSessionDisable, Label: "GraphQL session cookies", Kind: "choice", Options: offIsOne},
		{Path: auth.PathTokenAlgorithm, Label: "Token signing", Kind: "choice", Options: [][2]string{
			{auth.AlgHS256, "HS256 (Magento's, from crypt/key)"}, {auth.AlgEdDSA, "EdDSA (public key at /.well-known/jwks.json)"},
			{auth.AlgES256, "ES256 (public key at /.well-known/jwks.json)"}}},
	}},
	{"Login as customer", []adminSetting{
		{Path: auth.PathLoginAsCustomerEnabled, Label: "Login as customer", Kind: "choice", Options: onOff},
		{Path: auth.PathOTCLifetime, Label: "One-time code lifetime (seconds)", Kind: "number"},
		{Path: auth.PathAssistanceCheckboxTitle, Label: "Storefront checkbox title", Kind: "text"},
	}},
	{"Customer accounts", []adminSetting{
		{Path: auth.PathConfirmRequired, Label: "New accounts must confirm their email", Kind: "choice", Options: yesNo},
		{Path: auth.PathLockoutFailures, Label: "Wrong passwords before a customer is locked (0 = never)", Kind: "number"},
		{Path: auth.PathLockoutThreshold, Label: "Customer lock window and duration (minutes)", Kind: "number"},
		{Path: auth.PathMinPasswordLength, Label: "Minimum password length", Kind: "number"},
		{Path: auth.PathRequiredClasses, Label: "Required character classes (1-4)", Kind: "number"},
		{Path: auth.PathResetLinkExpiration, Label: "Password reset link lifetime (hours)", Kind: "number"},
		{Path: auth.PathNewsletterActive, Label: "Newsletter", Kind: "choice", Options: onOff},
	}},
	{"Sign-in throttling", []adminSetting{
		{Path: auth.PathThrottleMaxFailures, Label: "Failed token requests per user name before throttling (0 = never)", Kind: "number"},
		{Path: auth.PathThrottleTimeout, Label: "Token request throttle (seconds)", Kind: "number"},
		{Path: auth.PathSignInRateLimit, Label: "Sign-ins and new accounts per client address per minute (0 = no limit)", Kind: "number"},
		{Path: auth.PathResetRateLimit, Label: "Reset, confirmation and email-availability requests per client address per minute (0 = no limit)", Kind: "number"},
		{Path: auth.PathGuestCheckoutLogin, Label: "isEmailAvailable tells which emails have accounts (Enable Guest Checkout Login)", Kind: "choice", Options: yesNo},
	}},
	{"Admins", []adminSetting{
		{Path: auth.PathTwoFactorEnable, Label: "Admins need two-factor authentication", Kind: "choice", Options: yesNo},
		{Path: auth.PathAdminLockoutFailures, Label: "Wrong passwords before an admin is locked (0 = never)", Kind: "number"},
		{Path: auth.PathAdminLockoutThreshold, Label: "Admin lock window and duration (minutes)", Kind: "number"},
		{Path: auth.PathAdminSessionLifetime, Label: "Admin page idle timeout (seconds)", Kind: "number"},
	}},
	{"Mail", []adminSetting{
		{Path: auth.PathSMTPHost, Label: "SMTP host (empty: mail stays in the outbox)", Kind: "text"},
		{Path: auth.PathSMTPPort, Label: "SMTP port", Kind: "number"},
		{Path: auth.PathSMTPUsername, Label: "SMTP user name", Kind: "text"},
		{Path: auth.PathSMTPPassword, Label: "SMTP password (empty keeps the stored one)", Kind: "secret"},
		{Path: auth.PathSMTPSSL, Label: "SMTP encryption", Kind: "choice", Options: [][2]string{
			{"tls", "TLS (STARTTLS required; a relay on localhost may do without)"}, {"ssl", "SSL (TLS from the first byte, port 465)"},
			{"none", "None required (STARTTLS when offered, else clear text)"}}},
		{Path: auth.PathMailFrom, Label: "Sender address", Kind: "text"},
		{Path: auth.PathStoreName, Label: "Store name", Kind: "text"},
	}},
	{"Storefront", []adminSetting{
		{Path: auth.PathBaseURL, Label: "Base URL (empty: the address shopauth listens on)", Kind: "text"},
		{Path: auth.PathBaseLinkURL, Label: "Base link URL", Kind: "text"},
		{Path: auth.PathBaseStaticURL, Label: "Base URL of static view files", Kind: "text"},
		{Path: auth.PathBaseMediaURL, Label: "Base URL of media files", Kind: "text"},
		{Path: auth.PathSecureBaseURL, Label: "Secure base URL", Kind: "text"},
		{Path: auth.PathSecureBaseLinkURL, Label: "Secure base link URL", Kind: "text"},
		{Path: auth.PathSecureBaseStaticURL, Label: "Secure base URL of static view files", Kind: "text"},
		{Path: auth.PathSecureBaseMediaURL, Label: "Secure base URL of media files", Kind: "text"},
		{Path: auth.PathUseStoreInURL, Label: "Store code in URLs", Kind: "choice", Options: yesNo},
		{Path: auth.PathLocale, Label: "Locale", Kind: "text"},
		{Path: auth.PathTimezone, Label: "Time zone", Kind: "text"},
		{Path: auth.PathWeightUnit, Label: "Weight unit (lbs or kgs)", Kind: "text"},
		{Path: auth.PathBaseCurrency, Label: "Base currency", Kind: "text"},
		{Path: auth.PathDisplayCurrency, Label: "Default display currency", Kind: "text"},
		{Path: auth.PathShareCustomerGroup, Label: "Show the customer group to storefronts", Kind: "choice", Options: yesNo},
		{Path: auth.PathNewsletterGuest, Label: "Guests may subscribe to the newsletter", Kind: "choice", Options: yesNo},
		{Path: auth.PathDefaultCountry, Label: "Default country of address forms", Kind: "text"},
		{Path: auth.PathDisplayAllRegions, Label: "Show the region field where it is optional", Kind: "choice", Options: yesNo},
		{Path: auth.PathCORSOrigins, Label: "Origins allowed to call /graphql from a browser (comma-separated)", Kind: "text"},
	}},
}

// adminSettings lists the page's settings in order.
func adminSettings() []adminSetting {
	var out []adminSetting
	for _, g := range adminSettingGroups {
		out = append(out, g.Fields...)
	}
	return out
}

type settingField struct {
	ID                              int
	Path, Label, Kind, Value, Error string
	Options                         [][2]string
	Focus                           bool // the first field to correct, or the page's first field
}

// settingGroup is one folding section of the settings page: open when it is the first
// (its first field has the focus), holds an error, or a value just saved (open names
// those paths); the script opens a section with a restored unsaved edit.
type settingGroup struct {
	Title  string
	Fields []settingField
	Open   bool
	Errors int
}

func (s *Server) settingFields(values map[string]string, errs map[string]string, open map[string]bool) []settingGroup {
	st := s.svc.Settings()
	var out []settingGroup
	id := 0
	for i, g := range adminSettingGroups {
		sg := settingGroup{Title: g.Title, Open: i == 0}
		for _, f := range g.Fields {
			v, ok := values[f.Path]
			if !ok {
				v = st.Get(f.Path)
			}
			if f.Kind == "secret" {
				v = ""
			}
			sg.Fields = append(sg.Fields, settingField{ID: id, Path: f.Path, Label: f.Label, Kind: f.Kind, Value: v,
				Error: errs[f.Path], Options: f.Options})
			id++
			if errs[f.Path] != "" {
				sg.Errors++
			}
			sg.Open = sg.Open || errs[f.Path] != "" || open[f.Path]
		}
		out = append(out, sg)
	}
	focus := &out[0].Fields[0]
	for gi := range out {
		if out[gi].Errors > 0 {
			for fi := range out[gi].Fields {
				if out[gi].Fields[fi].Error != "" {
					focus = &out[gi].Fields[fi]
					break
				}
			}
			break
		}
	}
	focus.Focus = true
	return out
}

func (s *Server) handleAdminSettings(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	data := s.adminData(ar, "settings", "Settings")
	if r.Method == http.MethodGet {
		if r.URL.Query().Get("saved") == "1" {
			data["Flash"], data["Saved"] = savedMessage(s.svc.Settings(), r.URL.Query().Get("changed")), true
		}
		saved := map[string]bool{}
		for _, p := range strings.Split(r.URL.Query().Get("changed"), ",") {
			saved[p] = true
		}
		data["Groups"] = s.settingFields(nil, nil, saved)
		s.render(w, r, http.StatusOK, "admin_settings", data)
		return
	}
	values, errs := map[string]string{}, map[string]string{}
	for _, f := range adminSettings() {
		v := strings.TrimSpace(r.PostFormValue(f.Path))
		if f.Kind == "secret" && v == "" {
			continue // kept
		}
		values[f.Path] = v
		if err := auth.ValidateSetting(f.Path, v); err != nil {
			errs[f.Path] = ownerWords(strings.TrimPrefix(err.Error(), "invalid value for "+f.Path+": "))
		}
	}
	if len(errs) > 0 {
		data["Error"] = "Nothing was saved: correct the marked fields."
		data["Groups"] = s.settingFields(values, errs, nil)
		s.render(w, r, http.StatusBadRequest, "admin_settings", data)
		return
	}
	st := s.svc.Settings()
	var changed []string
	for _, f := range adminSettings() {
		v, ok := values[f.Path]
		if !ok || v == st.Get(f.Path) {
			continue
		}
		changed = append(changed, f.Path)
		if err := s.svc.SetSetting(r.Context(), f.Path, v); err != nil {
			s.log.ErrorContext(r.Context(), "save setting", "path", f.Path, "err", err)
			http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
			return
		}
		detail := f.Path + " = " + v
		if def, _ := auth.LookupSetting(f.Path); def.Secret {
			detail = f.Path + " changed" // a secret never reaches the audit log
		}
		s.svc.AuditAdmin(r.Context(), ar.admin, "admin.setting_changed", 0, detail)
	}
	http.Redirect(w, r, "/admin/settings?"+url.Values{"saved": {"1"}, "changed": {strings.Join(changed, ",")}}.Encode(), http.StatusSeeOther)
}

// savedMessage names what a save changed, with the values now in force (a secret only
// by name).
func savedMessage(st *auth.Settings, changed string) string {
	var parts []string
	for _, p := range strings.Split(changed, ",") {
		for _, f := range adminSettings() {
			if f.Path != p {
				continue
			}
			v := st.Get(p)
			switch {
			case f.Kind == "secret":
				v = "changed"
			case f.Kind == "choice":
				for _, o := range f.Options {
					if o[0] == v {
						v = o[1]
					}
				}
			case v == "":
				v = "(empty)"
			}
			parts = append(parts, f.Label+": "+v)
		}
	}
	if len(parts) == 0 {
		return "Nothing changed: every value was already in force."
	}
	return "Saved. " + strings.Join(parts, "; ") + "."
}

// ownerWords turns a setting's validation error ("want a whole number from 1 to
// 86400, got \"0\"") into words a shop owner reads.
func ownerWords(msg string) string {
	want, got, ok := strings.Cut(msg, ", got ")
	if !ok || !strings.HasPrefix(want, "want ") {
		return strings.TrimPrefix(msg, "want ")
	}
	got = strings.Trim(got, `"`)
	if got == "" {
		return "Enter " + strings.TrimPrefix(want, "want ") + "; the field is empty."
	}
	return "Enter " + strings.TrimPrefix(want, "want ") + ". “" + got + "” is not one."
}

type customerRow struct {
	auth.Customer
	Locked, Unconfirmed bool
	LockLeft            string // time left on the account lock
	ThrottleLeft        string // time left on the sign-in throttle of the customer's email
}

type otcResult struct {
	CustomerID int64
	Email      string
	Code       string
	Lifetime   int   // seconds, as made
	Expires    int64 // unix seconds
}

// Grouped is the code in groups of four, for reading it aloud on the phone.
func (o *otcResult) Grouped() string {
	var b strings.Builder
	for i, r := range o.Code {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// adminOTCCookie carries a new one-time code from the POST that made it to the one
// page that shows it (post/redirect/get: a reload makes no second code, and the code
// is not shown twice). It lives at most the code's lifetime, HttpOnly, /admin only.
const adminOTCCookie = "shopauth_admin_otc"

func (s *Server) setOTCCookie(w http.ResponseWriter, r *http.Request, o *otcResult) {
	v := strings.Join([]string{strconv.FormatInt(o.CustomerID, 10), o.Code, strconv.Itoa(o.Lifetime), strconv.FormatInt(o.Expires, 10),
		base64.RawURLEncoding.EncodeToString([]byte(o.Email))}, ".")
	http.SetCookie(w, s.adminCookieFlags(r, adminOTCCookie, v, max(o.Lifetime, 1)))
}

// takeOTCCookie reads and clears the code cookie; nil when there is none (or it ran out).
func (s *Server) takeOTCCookie(w http.ResponseWriter, r *http.Request) *otcResult {
	c, err := r.Cookie(adminOTCCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, s.adminCookieFlags(r, adminOTCCookie, "", -1))
	p := strings.Split(c.Value, ".")
	if len(p) != 5 {
		return nil
	}
	o := &otcResult{Code: p[1]}
	o.CustomerID, _ = strconv.ParseInt(p[0], 10, 64)
	o.Lifetime, _ = strconv.Atoi(p[2])
	o.Expires, _ = strconv.ParseInt(p[3], 10, 64)
	email, _ := base64.RawURLEncoding.DecodeString(p[4])
	o.Email = string(email)
	if len(o.Code) != 32 || o.Expires <= s.svc.Now().Unix() {
		return nil
	}
	return o
}

func (s *Server) customersPage(w http.ResponseWriter, r *http.Request, ar *adminRequest, status int, q string, page int, flash, errMsg string, otc *otcResult) {
	page = min(max(page, 1), 1<<20) // no offset overflow from a hand-made URL

	list, total, err := s.svc.AdminPages.ListCustomers(r.Context(), q, (page-1)*customersPerPage, customersPerPage)
	if err != nil {
		s.log.ErrorContext(r.Context(), "list customers", "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	pages := max(1, (total+customersPerPage-1)/customersPerPage)
	if page > pages {
		// A page past the end (the list shrank, or a hand-made URL): show the last one.
		page = pages
		if list, total, err = s.svc.AdminPages.ListCustomers(r.Context(), q, (page-1)*customersPerPage, customersPerPage); err != nil {
			s.log.ErrorContext(r.Context(), "list customers", "err", err)
			http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
			return
		}
	}
	now := s.svc.Now()
	confirm := s.svc.Settings().Bool(auth.PathConfirmRequired)
	held, err := s.svc.CustomersThrottled(r.Context(), list)
	if err != nil {
		s.log.ErrorContext(r.Context(), "list customers", "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	rows := make([]customerRow, len(list))
	for i, c := range list {
		rows[i] = customerRow{Customer: c, Locked: c.Locked(now), Unconfirmed: confirm && c.Confirmation != ""}
		if rows[i].Locked {
			rows[i].LockLeft = durationWords(int(c.LockedUntil().Sub(now).Seconds()+0.999)) + " left"
		}
		if t, ok := held[c.ID]; ok {
			rows[i].ThrottleLeft = durationWords(int(t.Sub(now).Seconds()+0.999)) + " left"
		}
	}
	link := func(p int) string {
		v := url.Values{"page": {strconv.Itoa(p)}}
		if q != "" {
			v.Set("q", q)
		}
		return "/admin/customers?" + v.Encode()
	}
	data := s.adminData(ar, "customers", "Customers")
	data["Customers"], data["Total"], data["Query"], data["PageNo"], data["Pages"] = rows, total, q, page, pages
	data["Back"] = link(page)
	if page > 1 {
		data["Prev"] = link(page - 1)
	}
	if page < pages {
		data["Next"] = link(page + 1)
	}
	data["Flash"], data["Error"] = flash, errMsg
	data["LoginAsCustomer"] = s.svc.Settings().Bool(auth.PathLoginAsCustomerEnabled)
	if otc != nil {
		data["OneTimeCode"] = otc
	}
	s.render(w, r, status, "admin_customers", data)
}

func (s *Server) handleAdminCustomers(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	flash := map[string]string{"assistance": "Remote shopping assistance updated.", "unlocked": "Customer unlocked.",
		"signedout":   "Customer signed out everywhere: every token and session is revoked.",
		"resetmailed": "A password-reset mail is queued for the customer (see the outbox; the link itself is only in the mail)."}[r.URL.Query().Get("done")]
	var otc *otcResult
	if r.URL.Query().Get("done") == "otc" {
		otc = s.takeOTCCookie(w, r)
		if otc == nil {
			flash = "The one-time code was shown once already, or it expired. Make a new one if you need it."
		}
	}
	s.customersPage(w, r, ar, http.StatusOK, r.URL.Query().Get("q"), page, flash, "", otc)
}

// backTo keeps the list where the admin was (only local customer list URLs), or the
// customer's own page the form was on, and says what was done (done "": nothing).
func backTo(r *http.Request, done string) string {
	back := r.PostFormValue("back")
	if page := "/admin/customers/" + r.PathValue("id"); back == page {
		if done == "" {
			return page
		}
		return page + "?done=" + done
	}
	if !strings.HasPrefix(back, "/admin/customers?") && back != "/admin/customers" {
		back = "/admin/customers?"
	}
	v := url.Values{}
	if u, err := url.Parse(back); err == nil && u.Host == "" && u.Scheme == "" {
		v = u.Query()
	}
	if done != "" {
		v.Set("done", done)
	} else {
		v.Del("done")
	}
	if len(v) == 0 {
		return "/admin/customers"
	}
	return "/admin/customers?" + v.Encode()
}

func (s *Server) handleAdminCustomerAction(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		http.Error(w, "No such customer.", http.StatusNotFound)
		return
	}
	ctx := r.Context()
	var done string
	switch r.PathValue("action") {
	case "assistance":
		err, done = s.svc.SetCustomerAssistance(ctx, ar.admin, id, r.PostFormValue("allow") == "1"), "assistance"
	case "unlock":
		if !s.confirmCustomer(w, r, ar, id, confirmation{Title: "Unlock this customer?", Yes: "Yes, unlock",
			Effect: "The account lock and the sign-in throttle on this email end now: whoever has the password can sign in at once, and the count of failed sign-ins starts again from zero."}) {
			return
		}
		err, done = s.svc.UnlockCustomer(ctx, ar.admin, id), "unlocked"
	case "signout":
		if !s.confirmCustomer(w, r, ar, id, confirmation{Title: "Sign this customer out everywhere?", Yes: "Yes, sign out everywhere",
			Effect: "Every token and session of this customer ends at once: the storefront, apps and any admin acting for them must sign in again. This cannot be undone."}) {
			return
		}
		err, done = s.svc.SignOutEverywhere(ctx, ar.admin, id), "signedout"
	case "resetmail":
		err, done = s.svc.SendPasswordReset(ctx, ar.admin, id), "resetmailed"
		var ae *auth.Error
		if errors.As(err, &ae) {
			// Refused (the account is locked here, or too many reset mails this hour):
			// the page says so, in the domain's words.
			if back := r.PostFormValue("back"); back == "/admin/customers/"+r.PathValue("id") {
				s.customerPage(w, r, ar, id, http.StatusBadRequest, "", "No password-reset mail was sent: "+ae.Message, nil)
				return
			}
			s.customersPage(w, r, ar, http.StatusBadRequest, "", 1, "", "No password-reset mail was sent: "+ae.Message, nil)
			return
		}
	case "confirmmail":
		// The customer's page offers it while the account waits for confirmation.
		err, done = s.svc.SendConfirmationMail(ctx, ar.admin, id), "confirmmailed"
		var ae *auth.Error
		if errors.As(err, &ae) {
			s.customerPage(w, r, ar, id, http.StatusBadRequest, "", "No confirmation mail was sent: "+ae.Message, nil)
			return
		}
	case "otc":
		// Show the list where the admin was, with the code on top.
		q, page := "", 1
		if u, err := url.Parse(r.PostFormValue("back")); err == nil {
			q = u.Query().Get("q")
			page, _ = strconv.Atoi(u.Query().Get("page"))
		}
		code, err := s.svc.CreateOneTimeCodeShown(ctx, id, r.PostFormValue("reason"))
		if errors.Is(err, auth.ErrNotFound) {
			http.Error(w, "No such customer.", http.StatusNotFound)
			return
		}
		var ae *auth.Error
		if errors.As(err, &ae) {
			s.customersPage(w, r, ar, http.StatusBadRequest, q, page, "", "No one-time code was made: "+ae.Message, nil)
			return
		}
		if err != nil {
			s.log.ErrorContext(ctx, "create one-time code", "err", err)
			http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
			return
		}
		c, err := s.svc.Customers.CustomerByID(ctx, id)
		if err != nil {
			http.Error(w, "No such customer.", http.StatusNotFound)
			return
		}
		lifetime := s.svc.Settings().Int(auth.PathOTCLifetime)
		s.setOTCCookie(w, r, &otcResult{CustomerID: id, Email: c.Email, Code: code, Lifetime: lifetime, Expires: s.svc.Now().Unix() + int64(lifetime)})
		http.Redirect(w, r, backTo(r, "otc"), http.StatusSeeOther)
		return
	default:
		http.Error(w, "Unknown action.", http.StatusNotFound)
		return
	}
	if errors.Is(err, auth.ErrNotFound) {
		http.Error(w, "No such customer.", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.ErrorContext(ctx, "customer action", "action", r.PathValue("action"), "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, backTo(r, done), http.StatusSeeOther)
}

func (s *Server) handleAdminOutbox(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	mails, err := s.svc.Outbox.ListMail(r.Context(), 200)
	if err != nil {
		s.log.ErrorContext(r.Context(), "list mail", "err", err)
		http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
		return
	}
	for i, j := 0, len(mails)-1; i < j; i, j = i+1, j-1 {
		mails[i], mails[j] = mails[j], mails[i]
	}
	data := s.adminData(ar, "outbox", "Outbox")
	data["Mails"], data["SMTPHost"] = mails, s.svc.Settings().Get(auth.PathSMTPHost)
	s.render(w, r, http.StatusOK, "admin_outbox", data)
}

// auditEvents are the events the filter offers: every event auth records.
var auditEvents = auth.AuditEventNames

func (s *Server) handleAdminAudit(w http.ResponseWriter, r *http.Request, ar *adminRequest) {
	q := r.URL.Query()
	ctx := r.Context()
	page, _ := strconv.Atoi(q.Get("page"))
	page = min(max(page, 1), 1<<20)
	// One more row than a page shows, to know whether there is a next page.
	f := auth.AuditFilter{Event: strings.TrimSpace(q.Get("event")), Limit: auditPerPage + 1, Offset: (page - 1) * auditPerPage}
	data := s.adminData(ar, "audit", "Audit log")
	// Dates are UTC days, as the times shown; "to" includes its day.
	var badDate []string
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		if d, err := time.Parse("2006-01-02", v); err == nil {
			f.Since = d
		} else {
			badDate = append(badDate, "“"+v+"” is not a date (from)")
		}
	}
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		if d, err := time.Parse("2006-01-02", v); err == nil {
			f.Until = d.AddDate(0, 0, 1)
		} else {
			badDate = append(badDate, "“"+v+"” is not a date (to)")
		}
	}
	// A filter that names no one shows nothing, with a message, never the whole log.
	var unknown []string
	if v := strings.TrimSpace(q.Get("customer")); v != "" {
		if f.CustomerID, _ = strconv.ParseInt(v, 10, 64); f.CustomerID <= 0 {
			if c, err := s.svc.Customers.CustomerByEmail(ctx, v); err == nil {
				f.CustomerID = c.ID
			} else {
				unknown = append(unknown, "no customer "+strconv.Quote(v))
			}
		}
	}
	if v := strings.TrimSpace(q.Get("admin")); v != "" {
		if f.AdminID, _ = strconv.ParseInt(v, 10, 64); f.AdminID <= 0 {
			if a, err := s.svc.Admins.AdminByUsername(ctx, v); err == nil {
				f.AdminID = a.ID
			} else {
				unknown = append(unknown, "no admin "+strconv.Quote(v))
			}
		}
	}
	unknown = append(unknown, badDate...)
	var entries []auth.AuditEvent
	if len(unknown) > 0 {
		data["Error"] = "Nothing to show: " + strings.Join(unknown, ", ") + "."
	} else {
		var err error
		if entries, err = s.svc.Audit.AuditList(ctx, f); err != nil {
			s.log.ErrorContext(ctx, "audit list", "err", err)
			http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
			return
		}
	}
	link := func(p int) string {
		v := url.Values{}
		for _, k := range []string{"customer", "admin", "event", "from", "to"} {
			if x := q.Get(k); x != "" {
				v.Set(k, x)
			}
		}
		v.Set("page", strconv.Itoa(p))
		return "/admin/audit?" + v.Encode()
	}
	if len(entries) > auditPerPage {
		entries = entries[:auditPerPage]
		data["Next"] = link(page + 1)
	}
	if page > 1 {
		data["Prev"] = link(page - 1)
	}
	data["Entries"], data["Events"], data["PageNo"] = entries, auditEvents, page
	data["Filter"] = map[string]string{"Customer": q.Get("customer"), "Admin": q.Get("admin"), "Event": q.Get("event"),
		"From": q.Get("from"), "To": q.Get("to")}
	s.render(w, r, http.StatusOK, "admin_audit", data)
}

// handleTFASetup is the page a two-factor setup mail links to (SPEC §5): GET shows
// whose secret the link makes, POST makes it and shows it once. The link's token is
// the credential; a form without it, or with a used or expired one, gets a 400 page.
func (s *Server) handleTFASetup(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	token := r.URL.Query().Get("token")
	if r.Method == http.MethodPost {
		token = r.PostFormValue("token")
	}
	data := map[string]any{"Title": "Set up two-factor authentication"}
	fail := func(err error) {
		var ae *auth.Error
		if !errors.As(err, &ae) {
			s.log.ErrorContext(r.Context(), "tfa setup", "request_id", requestID(r.Context()), "err", err)
			http.Error(w, auth.MsgInternal, http.StatusInternalServerError)
			return
		}
		data["Error"] = ae.Message
		s.render(w, r, http.StatusBadRequest, "admin_tfa_setup", data)
	}
	if r.Method != http.MethodPost {
		a, err := s.svc.AdminForTFASetup(r.Context(), token)
		if err != nil {
			fail(err)
			return
		}
		data["Token"], data["Username"] = token, a.Username
		s.render(w, r, http.StatusOK, "admin_tfa_setup", data)
		return
	}
	a, err := s.svc.SetupTOTPFromLink(r.Context(), token)
	if err != nil {
		fail(err)
		return
	}
	data["Username"], data["Secret"], data["URI"] = a.Username, a.TOTPSecret, auth.TOTPURI("shopauth", a.Username, a.TOTPSecret)
	s.render(w, r, http.StatusOK, "admin_tfa_setup", data)
}
