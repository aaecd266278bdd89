package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"shopauth/auth"
	"shopauth/web"
)

// BenchmarkCustomerQuery measures one authenticated { customer { email } } request
// through the full handler: decoding, token verify with revocation check, GraphQL
// execution, one SQLite read, JSON out. Besides wall time it reports the CPU time
// per request (cpu-ns/op), which other processes on a shared machine disturb less.
func BenchmarkCustomerQuery(b *testing.B) { benchCustomerQuery(b, newEnv(b)) }

// BenchmarkCustomerQueryLogged is BenchmarkCustomerQuery with the request log on, as
// serve writes it: JSON lines to a file (here /dev/null), one write per request.
func BenchmarkCustomerQueryLogged(b *testing.B) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	benchCustomerQuery(b, newEnvWith(b, func(c *web.Config) {
		c.Log, c.LogRequests = slog.New(slog.NewJSONHandler(f, nil)), true
	}))
}

func benchCustomerQuery(b *testing.B, e *env) {
	e.customer("customer@example.com", "password")
	tok := e.token("customer@example.com", "password")
	h := e.srv.Config.Handler
	body := `{"query":"{ customer { email } }"}`
	want := `{"data":{"customer":{"email":"customer@example.com"}}}`
	b.ReportAllocs()
	cpu0 := cpuTime()
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
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCustomerAddressesQuery measures the account page's query, the customer with
// its address book and custom attributes, through the full handler: token verify, the
// cached customer, one read of the addresses, one of the attribute values (the attribute
// definitions are cached for a second), JSON out. Two addresses, two custom values.
func BenchmarkCustomerAddressesQuery(b *testing.B) {
	e := newEnv(b)
	c := e.customer("customer@example.com", "password")
	ctx := context.Background()
	for _, n := range []auth.NewAttribute{
		{Entity: auth.EntityCustomer, Code: "nickname", Label: "Nickname", Input: "text"},
		{Entity: auth.EntityCustomer, Code: "tier", Label: "Tier", Input: "select", Options: []string{"Gold", "Silver"}},
	} {
		if _, err := e.svc.AddAttribute(ctx, n); err != nil {
			b.Fatal(err)
		}
	}
	tier := ""
	if attrs, _, err := e.svc.AttributesMetadata(ctx, []auth.AttributeRef{{Code: "tier", Entity: "customer"}}); err == nil && len(attrs) == 1 {
		tier = attrs[0].Options[0].Value
	}
	if err := e.db.SetCustomerAttributeValues(ctx, c.ID, map[string]string{"nickname": "Johnny", "tier": tier}); err != nil {
		b.Fatal(err)
	}
	tok := e.token("customer@example.com", "password")
	for _, in := range []string{usAddress, strings.Replace(usAddress, `default_billing:false`, `default_billing:true`, 1)} {
		createAddress(b, e, tok, in)
	}
	q := `{ customer { firstname addresses { id firstname lastname street city region { region region_code region_id } postcode country_code telephone default_billing default_shipping } custom_attributes { code ... on AttributeValue { value } ... on AttributeSelectedOptions { selected_options { label value } } } } }`
	body, _ := json.Marshal(map[string]string{"query": q})
	h := e.srv.Config.Handler
	check := func(rec *httptest.ResponseRecorder) {
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"selected_options":[{"label":"Gold"`) || !strings.Contains(rec.Body.String(), `"region_code":"AZ"`) {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			check(rec)
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
