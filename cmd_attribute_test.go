package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestCustomerAttributeAdd(t *testing.T) {
	dbf := filepath.Join(t.TempDir(), "s.db")
	out, err := cli(t, "customer:attribute:add", "--code", "loyalty_tier", "--label", "Loyalty tier", "--input", "select",
		"--options", "Bronze,Silver", "--db", dbf)
	if err != nil || out != "Added customer attribute loyalty_tier (select) with options 1=Bronze, 2=Silver\n" {
		t.Fatalf("%q %v", out, err)
	}
	if out, err := cli(t, "customer:attribute:add", "--code", "door_code", "--entity", "customer_address", "--db", dbf); err != nil ||
		out != "Added customer_address attribute door_code (text)\n" {
		t.Fatalf("%q %v", out, err)
	}
	for _, bad := range [][]string{
		{"customer:attribute:add", "--code", "loyalty_tier"},
		{"customer:attribute:add", "--code", "Bad"},
		{"customer:attribute:add", "--code", "x", "--input", "select"},
		{"customer:attribute:add", "--code", "x", "--options", "A,B"},
		{"customer:attribute:add", "--code", "x", "--entity", "order"},
		{"customer:attribute:add", "--code", "x", "--input", "file"},
	} {
		if _, err := cli(t, append(bad, "--db", dbf)...); !isUsage(err) {
			t.Errorf("%v: want usage error, got %v", bad, err)
		}
	}
	d, svc, err := openService(context.Background(), dbf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	items, _, err := svc.AttributesForm(context.Background(), "customer_account_create")
	if err != nil || len(items) != 4 || items[3].Code != "loyalty_tier" || len(items[3].Options) != 2 {
		t.Fatalf("form after add: %v %v", items, err)
	}
	addr, _, _ := svc.AttributesForm(context.Background(), "customer_register_address")
	if last := addr[len(addr)-1]; last.Code != "door_code" || !strings.EqualFold(last.FrontendInput, "text") {
		t.Errorf("address form ends with %+v", last)
	}
}
