package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecodeGraphQLRequest: any body decodes to a request or an error, never a panic,
// and a decoded request always has a query.
func FuzzDecodeGraphQLRequest(f *testing.F) {
	for _, s := range []string{
		`{"query":"{customer{email}}"}`,
		`{"query":"query($a:Int){x}","variables":{"a":1,"b":[1.5,{"c":2}]},"operationName":"Q"}`,
		`{"query":`, `[]`, `null`, `{"query":"x"} {}`, `{"variables":{"n":99999999999999999999}}`,
	} {
		f.Add(s, "application/json")
	}
	f.Add("{ customer { email } }", "application/graphql")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		r := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		req, err := decodeGraphQLRequest(r)
		if err == nil && strings.TrimSpace(req.Query) == "" {
			t.Fatal("decoded a request without a query")
		}
	})
}

// FuzzAnalyzeQuery: the pre-execution analysis never panics and locate is safe on any path.
func FuzzAnalyzeQuery(f *testing.F) {
	for _, s := range []string{`{customer{email}}`, `mutation M{a:generateCustomerToken(email:"",password:""){token}}`,
		`query{...F} fragment F on Query{customer{email}}`, `{`, `query A{x} query A{y}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		info := analyzeQuery(q)
		info.operationType("")
		info.selects("", "generateCustomerToken")
		info.locate("", []any{"customer", 0, "email"})
	})
}
