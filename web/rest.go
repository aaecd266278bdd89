package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"shopauth/auth"
)

// Magento REST (SPEC §5, §6): /rest/V1/... and /rest/{store_code}/V1/....

const maxRESTBody = 64 << 10

var storeCodeRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// restError is Magento's REST error body.
type restError struct {
	Message    string          `json:"message"`
	Errors     []restFieldErr  `json:"errors,omitempty"`
	Parameters json.RawMessage `json:"parameters,omitempty"`
}

type restFieldErr struct {
	Message    string            `json:"message"`
	Parameters map[string]string `json:"parameters"`
}

func writeREST(w http.ResponseWriter, status int, msg string, params any) {
	e := restError{Message: msg}
	if params != nil {
		e.Parameters, _ = json.Marshal(params)
	}
	writeJSON(w, status, e)
}

var errNoRoute = errors.New("no route")

func (s *Server) handleREST(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/rest/"), "/"), "/")
	if len(segs) > 0 && segs[0] != "V1" && storeCodeRE.MatchString(segs[0]) {
		segs = segs[1:] // a store code: one store here, every code serves it
	}
	if len(segs) < 2 || segs[0] != "V1" || r.Method != http.MethodPost {
		s.restNotFound(w)
		return
	}
	route := strings.Join(segs[1:], "/")
	switch {
	case route == "integration/admin/token":
		s.restToken(w, r, "admin")
	case route == "integration/customer/token":
		s.restToken(w, r, "customer")
	case route == "tfa/provider/google/authenticate":
		s.restToken(w, r, "google")
	case len(segs) == 4 && segs[1] == "customer" && segs[3] == "otp":
		s.restCreateOTC(w, r, segs[2])
	default:
		s.restNotFound(w)
	}
}

func (s *Server) restNotFound(w http.ResponseWriter) {
	writeREST(w, http.StatusNotFound, auth.MsgNoRoute, nil)
}

// restBody decodes a JSON object body; on failure it has answered already.
func (s *Server) restBody(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/json" {
		shown := r.Header.Get("Content-Type")
		if shown == "" {
			shown = "(none)"
		}
		writeREST(w, http.StatusBadRequest, auth.MsgBadContentType+shown, nil)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRESTBody))
	if err != nil {
		writeREST(w, http.StatusRequestEntityTooLarge, auth.MsgBodyTooLarge, nil)
		return nil, false
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil || dec.More() || m == nil {
		writeREST(w, http.StatusBadRequest, auth.MsgNotJSONObject, nil)
		return nil, false
	}
	return m, true
}

// restStrings reads required string fields; missing, null or empty fields give
// Magento's input-exception list, a non-string its type error.
func restStrings(w http.ResponseWriter, m map[string]json.RawMessage, names ...string) ([]string, bool) {
	out := make([]string, len(names))
	var missing []restFieldErr
	for i, n := range names {
		raw, ok := m[n]
		if !ok || string(raw) == "null" {
			missing = append(missing, restFieldErr{auth.MsgFieldRequired, map[string]string{"fieldName": n}})
			continue
		}
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			writeREST(w, http.StatusBadRequest, auth.MsgTypeInvalid,
				map[string]string{"value": string(raw), "type": "string"})
			return nil, false
		}
		if out[i] == "" {
			missing = append(missing, restFieldErr{auth.MsgFieldRequired, map[string]string{"fieldName": n}})
		}
	}
	if len(missing) > 0 {
		writeJSON(w, http.StatusBadRequest, restError{Message: auth.MsgInputExceptions, Errors: missing})
		return nil, false
	}
	return out, true
}

// writeRESTError maps a domain error to Magento's REST status and body.
func (s *Server) writeRESTError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *auth.Error
	if !errors.As(err, &ae) {
		s.log.ErrorContext(r.Context(), "rest failed", "request_id", requestID(r.Context()), "err", err)
		writeREST(w, http.StatusInternalServerError, auth.MsgInternal, nil)
		return
	}
	status := http.StatusBadRequest
	switch ae.Category {
	case auth.CategoryAuthentication, auth.CategoryAuthorization:
		status = http.StatusUnauthorized
	case auth.CategoryNoSuchEntity:
		status = http.StatusNotFound
	}
	var params any
	if ae.Params != nil {
		params = ae.Params
	}
	writeREST(w, status, ae.Message, params)
}

func (s *Server) restToken(w http.ResponseWriter, r *http.Request, kind string) {
	if !s.limits.allow("signin", s.limits.clientAddr(r), s.svc.Settings().Int(auth.PathSignInRateLimit), 1, s.svc.Now()) {
		s.metrics.rateLimited.WithLabelValues("rest").Inc()
		writeREST(w, http.StatusTooManyRequests, msgTooManyRequests, nil)
		return
	}
	m, ok := s.restBody(w, r)
	if !ok {
		return
	}
	fields := []string{"username", "password"}
	if kind == "google" {
		fields = append(fields, "otp")
	}
	v, ok := restStrings(w, m, fields...)
	if !ok {
		return
	}
	var tok string
	var err error
	switch kind {
	case "admin":
		tok, err = s.svc.AdminToken(r.Context(), v[0], v[1])
	case "google":
		tok, err = s.svc.GoogleAuthenticate(r.Context(), v[0], v[1], v[2])
	default:
		tok, err = s.svc.CustomerToken(r.Context(), v[0], v[1], false)
	}
	if err != nil {
		s.writeRESTError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tok)
}

func (s *Server) restCreateOTC(w http.ResponseWriter, r *http.Request, idText string) {
	ctx, authErr := s.authenticateREST(r)
	if authErr != nil {
		writeREST(w, http.StatusUnauthorized, authErr.Message, nil)
		return
	}
	if p := auth.PrincipalFrom(ctx); p == nil || p.UserType != auth.UserTypeAdmin {
		writeREST(w, http.StatusUnauthorized, auth.MsgConsumerNotAuthorized, map[string]string{"resources": "Magento_LoginAsCustomer::login"})
		return
	}
	// Any integer is a customer id here: 0 or -1 get the same answer as another
	// unknown customer (no enumeration), only a non-integer is a type error.
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		writeREST(w, http.StatusBadRequest, auth.MsgTypeInvalid,
			map[string]string{"value": idText, "type": "int"})
		return
	}
	m, ok := s.restBody(w, r)
	if !ok {
		return
	}
	v, ok := restStrings(w, m, "reason")
	if !ok {
		return
	}
	if strings.TrimSpace(v[0]) == "" {
		// A blank reason is as good as none: the same input-exception body as "".
		writeJSON(w, http.StatusBadRequest, restError{Message: auth.MsgInputExceptions,
			Errors: []restFieldErr{{auth.MsgFieldRequired, map[string]string{"fieldName": "reason"}}}})
		return
	}
	code, err := s.svc.CreateOneTimeCode(r.Context(), id, v[0])
	if errors.Is(err, auth.ErrNotAuthorized) {
		writeREST(w, http.StatusUnauthorized, auth.MsgConsumerNotAuthorized, map[string]string{"resources": "Magento_LoginAsCustomer::login"})
		return
	}
	if err != nil {
		s.writeRESTError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"otp": code})
}

// authenticateREST reads the bearer token of a REST request (no sessions on REST).
func (s *Server) authenticateREST(r *http.Request) (context.Context, *auth.Error) {
	tok, ok := bearerToken(r)
	if !ok {
		return r.Context(), nil
	}
	p, err := s.svc.VerifyToken(tok)
	s.metrics.observeVerification(err)
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			return r.Context(), ae
		}
		return r.Context(), auth.ErrTokenUnreadable
	}
	ctx := auth.WithPrincipal(r.Context(), p)
	*r = *r.WithContext(ctx)
	return ctx, nil
}
