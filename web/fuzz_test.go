package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodeGraphQLRequest: any body decodes to a request or an error, never a panic,
// and a decoded request always has a query; the one-call path for a body without
// variables decodes exactly what the full decoder does.
func FuzzDecodeGraphQLRequest(f *testing.F) {
	for _, s := range []string{
		`{"query":"{customer{email}}"}`,
		`{"query":"query($a:Int){x}","variables":{"a":1,"b":[1.5,{"c":2}]},"operationName":"Q"}`,
		`{"query":`, `[]`, `null`, `{"query":"x"} {}`, `{"variables":{"n":99999999999999999999}}`,
		`{"query":"x"}}`, `{"query":"a","Query":"b","OPERATIONNAME":"c","variables":null}`, `{"query":"\u00e9\ud800"}`,
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
		// The one-call path for the usual body reads what the full decoder reads.
		var quick, full gqlRequest
		errQuick, errFull := decodeGraphQLBody([]byte(body), &quick), decodeGraphQLBodyFully([]byte(body), &full)
		if (errQuick == nil) != (errFull == nil) || errQuick == nil && !reflect.DeepEqual(quick, full) {
			t.Fatalf("quick %+v (%v), full %+v (%v)", quick, errQuick, full, errFull)
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

// FuzzRESTBody: the REST body decoder and field reader never panic, and either answer
// with an error status or return every field as a non-empty string.
func FuzzRESTBody(f *testing.F) {
	for _, s := range []string{`{"username":"a","password":"b"}`, `{"username":null}`, `{"username":1}`, `[]`, `{`, `{"a":{"b":[1]}}`} {
		f.Add(s)
	}
	s := &Server{}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/rest/V1/integration/admin/token", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		m, ok := s.restBody(w, r)
		if !ok {
			if w.Code < 400 {
				t.Fatalf("refused with %d", w.Code)
			}
			return
		}
		v, ok := restStrings(w, m, "username", "password")
		if ok && (v[0] == "" || v[1] == "") {
			t.Fatal("empty field accepted")
		}
		if !ok && w.Code != 400 {
			t.Fatalf("field error with %d", w.Code)
		}
	})
}

// Fragments that spread the next one twice, 40 deep, would be 2^40 visits without the
// per-fragment memo; a fragment cycle ends the walk (graphql-go reports it).
func TestDepthFragmentFanOut(t *testing.T) {
	var b strings.Builder
	b.WriteString("query{__schema{...F0}}\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "fragment F%d on __Schema{...F%d ...F%d}\n", i, i+1, i+1)
	}
	b.WriteString("fragment F40 on __Schema{types{name}}\n")
	if d := analyzeQuery(b.String()).depth; d != 1 {
		t.Errorf("depth %d, want 1", d)
	}
	if d := analyzeQuery("query{a{...F}} fragment F on A{b{...F}}").depth; d != 1 {
		t.Errorf("cycle: depth %d, want 1", d)
	}
}

// TestCompactJSON: the check that lets a data-only answer skip encoding/json agrees with
// json.Compact on whether anything would change.
func TestCompactJSON(t *testing.T) {
	for _, s := range []string{
		`{"customer":{"email":"a b@example.com","firstname":"Mary \"Ann\"\\","n":1}}`,
		`{"a":[1,2,{"b":null}]}`, `{"a": 1}`, "{\"a\":\n1}", `{"a":"\\"}`, `{"a":"\" "}`, `"x y"`, `null`,
		`{"a":"\\\" ","b":1 }`,
	} {
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(s)); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if want := buf.String() == s; compactJSON([]byte(s)) != want {
			t.Errorf("compactJSON(%s) = %v, want %v", s, !want, want)
		}
	}
}
