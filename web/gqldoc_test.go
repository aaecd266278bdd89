package web_test

import (
	"strconv"
	"sync"
	"testing"
)

// TestPreparedQueries: a query the server has seen before runs from graphql-go's
// document kept with its analysis, parsed and validated once. Every answer must be the
// one a first sight gives: its variables' values are still checked on every request,
// in graphql-go's words, whether the kept document was made from a request with good
// values or bad ones; a query that does not validate keeps failing alike, and so does
// an operation name the document lacks. Then 100 requests at once share one document.
func TestPreparedQueries(t *testing.T) {
	e := newEnv(t)
	const (
		isAvail = `query($e:String!){isEmailAvailable(email:$e){is_email_available}}`
		attrs   = `query($a:[AttributeInput!]){customAttributeMetadataV2(attributes:$a){items{code}}}`
		invalid = `{isEmailAvailable(email:"x@example.com"){nope}}`
	)
	nullE := `{"errors":[{"message":"Variable \"e\" has invalid value null.\nExpected type \"String!\", found null.","locations":[{"line":1,"column":7}],"extensions":{"category":"graphql"}}]}`
	avail := `{"data":{"isEmailAvailable":{"is_email_available":true}}}`
	email := `{"data":{"customAttributeMetadataV2":{"items":[{"code":"email"}]}}}`
	cases := []struct {
		query string
		vars  map[string]any
		want  string
	}{
		{isAvail, map[string]any{"e": nil}, nullE}, // first sight with a bad value
		{isAvail, map[string]any{"e": "customer@example.com"}, avail},
		{isAvail, nil, nullE},
		{isAvail, map[string]any{"e": "customer@example.com"}, avail},
		{attrs, map[string]any{"a": []any{map[string]any{"attribute_code": "email", "entity_type": "CUSTOMER"}}}, email}, // first sight good
		{attrs, map[string]any{"a": []any{map[string]any{"attribute_cod": "email"}}},
			`{"errors":[{"message":"Variable \"a\" has invalid value.\nField \"attribute_cod\" is not defined by type \"AttributeInput\". Did you mean \"attribute_code\"?","locations":[{"line":1,"column":7}],"extensions":{"category":"graphql"}}]}`},
		{attrs, map[string]any{"a": map[string]any{"attribute_code": "email", "entity_type": "CUSTOMER"}}, email}, // one item for a list
		{attrs, map[string]any{"a": "email"},
			`{"errors":[{"message":"Variable \"a\" has invalid type string.\nExpected type \"AttributeInput\", found email.","locations":[{"line":1,"column":7}],"extensions":{"category":"graphql"}}]}`},
		{attrs, map[string]any{"a": []any{nil}},
			`{"errors":[{"message":"Variable \"a\" has invalid value null.\nExpected type \"AttributeInput!\", found null.","locations":[{"line":1,"column":7}],"extensions":{"category":"graphql"}}]}`},
		{attrs, nil, `{"data":{"customAttributeMetadataV2":{"items":[]}}}`},
		{invalid, nil, `{"errors":[{"message":"Cannot query field \"nope\" on type \"IsEmailAvailableOutput\".","locations":[{"line":1,"column":42}],"extensions":{"category":"graphql"}}]}`},
		{invalid, nil, `{"errors":[{"message":"Cannot query field \"nope\" on type \"IsEmailAvailableOutput\".","locations":[{"line":1,"column":42}],"extensions":{"category":"graphql"}}]}`},
	}
	for _, c := range cases {
		expect(t, e.gql("", c.query, c.vars), 200, c.want)
	}

	two := `query A{isEmailAvailable(email:"a@example.com"){is_email_available}} query B{isEmailAvailable(email:"b@example.com"){is_email_available}}`
	for _, c := range []struct{ op, want string }{
		{"", `{"errors":[{"message":"more than one operation in query document and no operation name given","extensions":{"category":"graphql"}}]}`},
		{"C", `{"errors":[{"message":"no operation with name \"C\"","extensions":{"category":"graphql"}}]}`},
		{"B", avail},
		{"", `{"errors":[{"message":"more than one operation in query document and no operation name given","extensions":{"category":"graphql"}}]}`},
		{"C", `{"errors":[{"message":"no operation with name \"C\"","extensions":{"category":"graphql"}}]}`},
	} {
		expect(t, e.do("POST", "/graphql", "application/json", `{"query":`+strconv.Quote(two)+`,"operationName":"`+c.op+`"}`, nil), 200, c.want)
	}

	// A query not seen yet, 100 times at once, half with a bad value.
	fresh := `query($e:String!){ isEmailAvailable(email:$e){is_email_available}}`
	var wg sync.WaitGroup
	got := make([]response, 100)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vars := map[string]any{"e": "customer@example.com"}
			if i%2 == 1 {
				vars["e"] = nil
			}
			got[i] = e.gql("", fresh, vars)
		}()
	}
	wg.Wait()
	for i, r := range got {
		want := avail
		if i%2 == 1 {
			want = `{"errors":[{"message":"Variable \"e\" has invalid value null.\nExpected type \"String!\", found null.","locations":[{"line":1,"column":7}],"extensions":{"category":"graphql"}}]}`
		}
		expect(t, r, 200, want)
	}
}
