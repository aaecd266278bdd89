package exec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// TestWritePlainScalar: whatever writePlainScalar writes is json.Marshal's output.
func TestWritePlainScalar(t *testing.T) {
	type named string
	values := []any{"", "customer@example.com", "a\"b", `a\b`, "<b>", "a&b", "tab\t", "\x00", "\x7f", "é", "\u2028", "\xff",
		true, false, int32(0), int32(-2147483648), int32(2147483647), named("x"), 1.5, int64(3)}
	for b := 0; b < 256; b++ {
		values = append(values, string([]byte{'a', byte(b)}))
	}
	fast := 0
	for _, v := range values {
		var out bytes.Buffer
		if !writePlainScalar(&out, reflect.ValueOf(v)) {
			continue
		}
		fast++
		want, _ := json.Marshal(v)
		if out.String() != string(want) {
			t.Errorf("%#v: wrote %s, json.Marshal %s", v, out.String(), want)
		}
	}
	if fast < 80 {
		t.Errorf("only %d of %d values took the fast path", fast, len(values))
	}
}

// TestPathSegmentToSlice: a path reads as before pathSegment had typed fields, aliases
// as strings and list indexes as ints (index 0 included).
func TestPathSegmentToSlice(t *testing.T) {
	p := &pathSegment{alias: "customer"}
	p = &pathSegment{parent: p, alias: "addresses"}
	p = &pathSegment{parent: p, index: 0}
	p = &pathSegment{parent: p, alias: "region"}
	p = &pathSegment{parent: p, index: 12}
	got := p.toSlice()
	want := []any{"customer", "addresses", 0, "region", 12}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}
