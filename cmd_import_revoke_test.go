package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"shopauth/auth"
	"shopauth/web"
)

// TestImportUpdateRevokes (issue 14, item 11, and item 8 by import): customer:import
// --on-existing update that changes a customer's password hash ends that customer's
// tokens and sessions, as a password change does; one that withdraws remote shopping
// assistance ends the tokens admins got for the customer. A row that changes neither
// touches no token. Before, the old tokens kept working with the new password in place.
func TestImportUpdateRevokes(t *testing.T) {
	ctx := context.Background()
	dbf := testDB(t, t.TempDir(), "s.db")
	d, svc, err := openService(ctx, dbf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := svc.SetSetting(ctx, auth.PathTwoFactorEnable, "0"); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"changed@example.com", "same@example.com", "helped@example.com"} {
		if err := svc.CreateCustomerDirect(ctx, &auth.Customer{Email: email, Firstname: "A", Lastname: "B", AllowAssistance: email == "helped@example.com"}, "Secret-123", false); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.CreateAdmin(ctx, &auth.Admin{Username: "admin", Email: "admin@example.com", Firstname: "A", Lastname: "B"}, "admin123", true); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Service: svc, Schema: schemaSDL, Assets: webAssets})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	post := func(token, cookie, query string) (int, string, *http.Response) {
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ := http.NewRequest("POST", hs.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if cookie != "" {
			req.Header.Set("Cookie", "PHPSESSID="+cookie)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, strings.TrimSpace(string(b)), res
	}
	tokenOf := func(body string) string {
		var out struct{ Data map[string]map[string]string }
		json.Unmarshal([]byte(body), &out)
		for _, v := range out.Data {
			for _, tok := range v {
				return tok
			}
		}
		t.Fatalf("no token: %s", body)
		return ""
	}
	signIn := func(email, pw string) string {
		_, body, _ := post("", "", fmt.Sprintf(`mutation{generateCustomerToken(email:%q,password:%q){token}}`, email, pw))
		return tokenOf(body)
	}
	session := func(tok string) string {
		_, _, res := post(tok, "", `{customer{email}}`)
		for _, c := range res.Cookies() {
			if c.Name == "PHPSESSID" {
				return c.Value
			}
		}
		t.Fatal("no session cookie")
		return ""
	}
	changedTok, sameTok := signIn("changed@example.com", "Secret-123"), signIn("same@example.com", "Secret-123")
	changedSess := session(changedTok)
	adminRes, err := http.Post(hs.URL+"/rest/V1/integration/admin/token", "application/json", strings.NewReader(`{"username":"admin","password":"admin123"}`))
	if err != nil {
		t.Fatal(err)
	}
	var adminTok string
	json.NewDecoder(adminRes.Body).Decode(&adminTok)
	adminRes.Body.Close()
	_, body, _ := post(adminTok, "", `mutation{generateCustomerTokenAsAdmin(input:{customer_email:"helped@example.com"}){customer_token}}`)
	helpedTok := tokenOf(body)

	same, _ := d.CustomerByEmail(ctx, "same@example.com")
	csv := "email,firstname,lastname,password_hash,allow_remote_shopping_assistance\n" +
		"changed@example.com,A,B," + legacyHashes()["md5@example.com"] + ",0\n" +
		"same@example.com,Renamed,B," + same.PasswordHash + ",0\n" +
		"helped@example.com,A,B,,0\n"
	out, err := cli(t, "customer:import", writeFile(t, "u.csv", csv), "--on-existing", "update", "--db", dbf)
	if err != nil || !strings.HasPrefix(out, "3 rows: 0 imported, 3 updated") {
		t.Fatalf("%q %v", out, err)
	}
	// The import ran as another process: the server follows the table (every 250 ms).
	if err := svc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	revoked := `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`
	for _, c := range []struct {
		name, tok, cookie string
		status            int
		body              string
	}{
		{"changed hash: token", changedTok, "", 401, revoked},
		{"changed hash: session", "", changedSess, 403, `{"errors":[{"message":"The current customer isn't authorized.","locations":[{"line":1,"column":2}],"path":["customer"],"extensions":{"category":"graphql-authorization"}}],"data":{"customer":null}}`},
		{"same hash, new name", sameTok, "", 200, `{"data":{"customer":{"email":"same@example.com"}}}`},
		{"assistance withdrawn: admin's token", helpedTok, "", 401, revoked},
	} {
		if status, body, _ := post(c.tok, c.cookie, `{customer{email}}`); status != c.status || body != c.body {
			t.Errorf("%s: %d %s", c.name, status, body)
		}
	}
	// The imported hash signs in.
	signIn("changed@example.com", "Secret-123")
}
