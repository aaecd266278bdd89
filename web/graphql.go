package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/vektah/gqlparser/v2/ast"

	"shopauth/auth"
)

const (
	msgUnableToParse   = "Unable to parse the request."
	msgContentType     = "Request content type must be application/json"
	msgTooManyRequests = "Too many requests from this address. Please wait and try again later."

	maxLoggedOperation = 100 // bytes of an operation name the request log keeps
)

// allowGraphQL applies the per-address limits to sign-in, account-creation, password-reset
// and mail-sending mutations, and to isEmailAvailable when it answers truly. Every
// selection counts: ten aliased generateCustomerToken fields are ten password guesses,
// so they take ten tokens, not one.
func (s *Server) allowGraphQL(r *http.Request, info *queryInfo, opName string) bool {
	st := s.svc.Settings()
	now := s.svc.Now()
	addr := s.limits.clientAddr(r)
	// A new account's password is hashed like a sign-in's: unlimited, one client could
	// keep every hash slot busy and make everyone's sign-in wait.
	// A newsletter subscription writes a row per address: limited like a new account.
	if n := info.count(opName, "generateCustomerToken", "exchangeOtpForCustomerToken", "createCustomer", "createCustomerV2",
		"subscribeEmailToNewsletter"); n > 0 &&
		!s.limits.allow("signin", addr, st.Int(auth.PathSignInRateLimit), n, now) {
		return false
	}
	// Every mutation that mails someone or tries a reset token shares one bucket, so an
	// address can neither mail-bomb a customer nor guess tokens quickly. isEmailAvailable
	// joins it while it tells the truth (enable_guest_checkout_login 1): like the reset
	// and confirmation mutations it says whether an email has an account.
	probes := []string{"requestPasswordResetEmail", "resetPassword", "resendConfirmationEmail"}
	if st.Bool(auth.PathGuestCheckoutLogin) {
		probes = append(probes, "isEmailAvailable")
	}
	if n := info.count(opName, probes...); n > 0 &&
		!s.limits.allow("reset", addr, st.Int(auth.PathResetRateLimit), n, now) {
		return false
	}
	return true
}

type gqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// gqlPlainRequest is gqlRequest with its variables left unread: decodeGraphQLRequest
// takes a body without them (Variables nil) in one json.Unmarshal.
type gqlPlainRequest struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
}

// gqlError is an error answered before the query runs.
type gqlError struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions,omitempty"`
}

func writeGQLError(w http.ResponseWriter, status int, msg, category string) {
	writeJSON(w, status, struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{Message: msg, Extensions: map[string]string{"category": category}}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"message":"Internal server error"}` + "\n")
	}
	w.Header()["Content-Type"] = contentTypeJSON
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// contentTypeJSON is the Content-Type header of every JSON answer, shared: what
// Header.Set would make, without a new slice per answer (it is full, so an append
// copies, and nothing writes into it).
var contentTypeJSON = []string{"application/json"}

// mediaType is the media type of a Content-Type header, as mime.ParseMediaType finds
// it ("" when it cannot), without parsing the usual exact "application/json".
func mediaType(header string) string {
	if header == "application/json" {
		return header
	}
	ct, _, _ := mime.ParseMediaType(header)
	return ct
}

// bodyBuffers holds request-body buffers for reuse: a body is only read while the
// request is decoded (the query and variables are copies).
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBody = 64 << 10 // a bigger buffer goes to the garbage collector

// decodeGraphQLRequest reads a GraphQL request from a GET URL or a POST body.
func decodeGraphQLRequest(r *http.Request) (gqlRequest, error) {
	var req gqlRequest
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			var vars map[string]any // its own variable: &req.Variables would put req on the heap
			if err := json.Unmarshal([]byte(v), &vars); err != nil {
				return req, err
			}
			req.Variables = vars
		}
	} else {
		buf := bodyBuffers.Get().(*bytes.Buffer)
		defer func() {
			if buf.Cap() <= maxPooledBody {
				buf.Reset()
				bodyBuffers.Put(buf)
			}
		}()
		if _, err := buf.ReadFrom(r.Body); err != nil {
			return req, err
		}
		if mediaType(r.Header.Get("Content-Type")) == "application/graphql" {
			req.Query = buf.String()
		} else if err := decodeGraphQLBody(buf.Bytes(), &req); err != nil {
			return req, err
		}
	}
	if strings.TrimSpace(req.Query) == "" {
		return req, errors.New("no query")
	}
	req.Variables = normalizeNumbers(req.Variables)
	return req, nil
}

// decodeGraphQLBody reads a JSON request body into req. The usual body, an object
// without variables, takes one json.Unmarshal; any other (and any error) is read by
// decodeGraphQLBodyFully, which would make the same of the usual one.
func decodeGraphQLBody(body []byte, req *gqlRequest) error {
	var plain gqlPlainRequest
	if json.Unmarshal(body, &plain) == nil && plain.Variables == nil {
		req.Query, req.OperationName = plain.Query, plain.OperationName
		return nil
	}
	return decodeGraphQLBodyFully(body, req)
}

// decodeGraphQLBodyFully reads a JSON request body into req, numbers in its variables
// kept as json.Number; a second value after the object is refused.
func decodeGraphQLBodyFully(body []byte, req *gqlRequest) error {
	var full gqlRequest // decoded here, so the caller's req can stay on its stack
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(&full)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the request object")
	}
	*req = full
	return err
}

// normalizeNumbers turns json.Number into int32 or float64 as graphql-go expects.
func normalizeNumbers(m map[string]any) map[string]any {
	for k, v := range m {
		m[k] = normalizeValue(v)
	}
	return m
}

func normalizeValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil && i >= -1<<31 && i < 1<<31 {
			return int32(i)
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		return normalizeNumbers(x)
	case []any:
		for i := range x {
			x[i] = normalizeValue(x[i])
		}
	}
	return v
}

func (s *Server) handleGraphQL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeGQLError(w, http.StatusMethodNotAllowed, "Request method not allowed.", "graphql-input")
		return
	}
	if r.Method == http.MethodPost {
		// Magento's ContentTypeValidator. It also keeps other sites out: a browser sends
		// a cross-site form or text/plain POST without asking, but not a JSON one.
		if ct := mediaType(r.Header.Get("Content-Type")); ct != "application/json" && ct != "application/graphql" {
			writeGQLError(w, http.StatusUnsupportedMediaType, msgContentType, "graphql-input")
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	req, err := decodeGraphQLRequest(r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeGQLError(w, http.StatusRequestEntityTooLarge, "Request body is too large.", "graphql-input")
			return
		}
		writeGQLError(w, http.StatusBadRequest, msgUnableToParse, "graphql-input")
		return
	}
	if op := req.OperationName; op != "" {
		// The client chooses the name: a long one must not make every log line long.
		if len(op) > maxLoggedOperation {
			op = strings.ToValidUTF8(op[:maxLoggedOperation], "") + "…"
		}
		setLogAttr(r.Context(), slog.String("operation", op))
	}

	// Magento validates the Store header before it reads the token.
	if !auth.KnownStoreHeader(r.Header.Get("Store")) {
		writeGQLError(w, http.StatusOK, auth.MsgStoreNotFound, "graphql-input")
		return
	}
	ctx, authErr := s.authenticate(w, r)
	if authErr != nil {
		writeGQLError(w, http.StatusUnauthorized, authErr.Message, authErr.Category)
		return
	}
	if len(req.Query) > maxQueryBytes {
		writeGQLError(w, http.StatusOK, "Query is too long.", "graphql-input")
		return
	}
	info := s.queries.get(req.Query)
	if !info.ok {
		// Our parser (gqlparser, strict like Magento's webonyx) could not read the query,
		// so none of the checks below could see what it does. graphql-go reads more than
		// the GraphQL grammar (Go-style /* */ comments, non-ASCII names, \x escapes) and
		// would run such a query unchecked: a mutation over GET, sign-ins past the rate
		// limit. It only reports here; what it accepts and we cannot read is refused.
		errs := s.schema.ValidateWithVariables(req.Query, req.Variables)
		if len(errs) == 0 {
			errs = []*gqlerrors.QueryError{info.syntaxError()}
		}
		s.writeGraphQL(w, r, ctx, info, req.OperationName, &graphql.Response{Errors: errs})
		return
	}
	if r.Method == http.MethodGet && info.operationType(req.OperationName) == ast.Mutation {
		writeGQLError(w, http.StatusOK, "Mutation requests allowed only for POST requests", "graphql-input")
		return
	}
	// GET runs queries only (mutations were refused above), and isEmailAvailable is
	// limited there too.
	if !s.allowGraphQL(r, info, req.OperationName) {
		s.metrics.rateLimited.WithLabelValues("graphql").Inc()
		writeGQLError(w, http.StatusTooManyRequests, msgTooManyRequests, "graphql-input")
		return
	}
	if info.fields > maxFields {
		writeGQLError(w, http.StatusOK, "Max query complexity should be "+itoa(maxFields)+" but got "+itoa(info.fields)+".", "graphql-input")
		return
	}
	if info.aliases > maxAliases {
		writeGQLError(w, http.StatusOK, "Max Aliases in query should be 10 but got "+itoa(info.aliases)+".", "graphql-input")
		return
	}
	if info.depth > maxDepth {
		writeGQLError(w, http.StatusOK, "Max query depth should be "+itoa(maxDepth)+" but got "+itoa(info.depth)+".", "graphql")
		return
	}

	if msg := info.badVariable(req.OperationName, req.Variables); msg != "" {
		writeGQLError(w, http.StatusOK, msg, "graphql")
		return
	}

	if info.selects(req.OperationName, hashingFields...) {
		var done func()
		if ctx, done, err = s.svc.Hasher.Admit(ctx); err != nil {
			return // the client went away while it waited
		}
		defer done()
	}
	s.writeGraphQL(w, r, ctx, info, req.OperationName, s.schema.ExecDocument(ctx, info.document(s.schema, req.Query), req.OperationName, req.Variables))
}

// hashingFields are the mutations that compute a password hash.
var hashingFields = []string{"generateCustomerToken", "createCustomer", "createCustomerV2", "changeCustomerPassword",
	"updateCustomerEmail", "resetPassword"}

// writeGraphQL answers with resp, its errors in Magento's shape and order and the status
// they call for, and starts a session when the request was a customer's.
func (s *Server) writeGraphQL(w http.ResponseWriter, r *http.Request, ctx context.Context, info *queryInfo, opName string, resp *graphql.Response) {
	resp.Errors = dropUnknownTypeSpreads(resp.Errors)
	for _, e := range resp.Errors {
		s.finishError(r.Context(), e, info, opName)
	}
	// graphql-go resolves a query's fields concurrently and lists their errors in the
	// order they finished; Magento resolves in document order. Sorting by position
	// gives Magento's order, and with it a status that does not depend on timing.
	if len(resp.Errors) > 1 {
		sort.SliceStable(resp.Errors, func(i, j int) bool {
			return errorBefore(resp.Errors[i], resp.Errors[j])
		})
	}
	status := graphQLStatus(resp.Errors)
	s.afterGraphQL(w, r, ctx, status)
	if len(resp.Errors) == 0 && len(resp.Extensions) == 0 && len(resp.Data) > 0 && compactJSON(resp.Data) {
		// What writeJSON would write, byte for byte, without encoding/json reading the
		// data again: it only removes whitespace between tokens, and there is none.
		out := make([]byte, 0, len(`{"data":}`)+len(resp.Data)+1)
		out = append(out, `{"data":`...)
		out = append(out, resp.Data...)
		out = append(out, "}\n"...)
		w.Header()["Content-Type"] = contentTypeJSON
		w.WriteHeader(status)
		w.Write(out)
		return
	}
	writeJSON(w, status, resp)
}

// compactJSON reports whether b (valid JSON) has no whitespace outside its strings.
func compactJSON(b []byte) bool {
	in := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return false
		}
	}
	return true
}

// dropUnknownTypeSpreads removes graphql-go's second error for a fragment on a type
// the schema lacks ("… can never be of type %!q(<nil>)"): webonyx, Magento's
// validator, reports such a fragment once, as `Unknown type "X".`, which graphql-go
// reports too.
func dropUnknownTypeSpreads(errs []*gqlerrors.QueryError) []*gqlerrors.QueryError {
	out := errs[:0]
	for _, e := range errs {
		if e.Rule == "PossibleFragmentSpreadsRule" && strings.Contains(e.Message, "%!q(<nil>)") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// graphQLStatus is Magento's rule (GraphQl controller): the first error decides,
// graphql-authentication → 401, graphql-authorization → 403, anything else → 200;
// an unexpected failure anywhere → 500 unless the first error already said 401/403.
func graphQLStatus(errs []*gqlerrors.QueryError) int {
	if len(errs) == 0 {
		return http.StatusOK
	}
	switch errs[0].Extensions["category"] {
	case auth.CategoryAuthentication:
		return http.StatusUnauthorized
	case auth.CategoryAuthorization:
		return http.StatusForbidden
	}
	for _, e := range errs {
		if e.Extensions["category"] == "internal" {
			return http.StatusInternalServerError
		}
	}
	return http.StatusOK
}

// errorBefore orders errors by where their field is written; errors without a
// location keep their place after the located ones.
func errorBefore(a, b *gqlerrors.QueryError) bool {
	if len(a.Locations) == 0 || len(b.Locations) == 0 {
		return len(a.Locations) > 0 && len(b.Locations) == 0
	}
	la, lb := a.Locations[0], b.Locations[0]
	if la.Line != lb.Line {
		return la.Line < lb.Line
	}
	return la.Column < lb.Column
}

// finishError gives every error Magento's shape: internal details are replaced by
// "Internal server error" (and logged), and resolver errors get locations.
func (s *Server) finishError(ctx context.Context, e *gqlerrors.QueryError, info *queryInfo, opName string) {
	if e.ResolverError != nil {
		var ae *auth.Error
		if !errors.As(e.ResolverError, &ae) {
			s.log.ErrorContext(ctx, "resolver failed", "request_id", requestID(ctx), "path", e.Path, "err", e.ResolverError)
			e.Message = auth.MsgInternal
			e.Extensions = map[string]any{"category": "internal"}
		}
	}
	if e.Extensions == nil {
		e.Extensions = map[string]any{"category": "graphql"}
	}
	if len(e.Locations) == 0 && len(e.Path) > 0 {
		e.Locations = info.locate(opName, e.Path)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

type panicHandler struct{ log *slog.Logger }

// MakePanicError logs a resolver panic and answers like any internal failure.
func (h panicHandler) MakePanicError(ctx context.Context, value any) *gqlerrors.QueryError {
	h.log.ErrorContext(ctx, "resolver panic", "request_id", requestID(ctx), "panic", value)
	return &gqlerrors.QueryError{Message: auth.MsgInternal, Extensions: map[string]any{"category": "internal"}}
}
