package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkCustomerQuery measures one authenticated { customer { email } } request
// through the full handler: decoding, token verify with revocation check, GraphQL
// execution, one SQLite read, JSON out.
func BenchmarkCustomerQuery(b *testing.B) {
	e := newEnv(b)
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	h := e.srv.Config.Handler
	body := `{"query":"{ customer { email } }"}`
	want := `{"data":{"customer":{"email":"customer@example.com"}}}`
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != want {
				b.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		}
	})
}

// BenchmarkStoreConfig measures the storefront's first request, a guest's storeConfig
// with every field @dropins/storefront-auth and StoreGraphQl name, through the full
// handler.
func BenchmarkStoreConfig(b *testing.B) {
	e := newEnv(b)
	e.svc.BaseURL = "http://127.0.0.1:8080"
	h := e.srv.Config.Handler
	q, _ := json.Marshal(map[string]string{"query": qStoreConfigAll})
	body := string(q)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Store", "default")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"newsletter_enabled":true`) {
				b.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		}
	})
}
