package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// magentoAddresses is a customer address export as Magento writes it (System > Data
// Transfer > Export, Customer Addresses), with a bad row of each kind.
const magentoAddresses = `_website,_email,_entity_id,city,company,country_id,fax,firstname,lastname,middlename,postcode,prefix,region,region_id,street,suffix,telephone,vat_id,vat_is_valid,vat_request_date,vat_request_id,vat_request_success,_address_default_billing_,_address_default_shipping_
base,jane@example.com,7,"Los Angeles",Acme,US,,Jane,Doe,,90001,,California,12,"1 Main St
Suite 2",,555-0100,,,,,,1,1
base,jane@example.com,8,München,,DE,,Jane,Doe,,80331,,Bayern,81,"Marienplatz 1",,555-0101,DE123,,,,,0,0
base,nobody@example.com,9,X,,US,,N,O,,1,,,12,"s",,1,,,,,,0,0
base,jane@example.com,10,Austin,,US,,Jane,Doe,,73301,,,57,"s",,,,,,,,0,0
base,jane@example.com,11,Austin,,US,,Jane,Doe,,73301,,,999,"s",,1,,,,,,0,0
`

func TestImportExportAddresses(t *testing.T) {
	dir := t.TempDir()
	dbf := testDB(t, dir, "s.db")
	customers := writeFile(t, "c.csv", "email,firstname,lastname\njane@example.com,Jane,Doe\n")
	var log bytes.Buffer
	importLog = &log
	defer func() { importLog = os.Stderr }()
	out, err := cli(t, "customer:import", customers, "--addresses", writeFile(t, "a.csv", magentoAddresses), "--db", dbf)
	if err != nil || out != "1 rows: 1 imported, 0 updated, 0 skipped (existing emails: skipped)\n5 address rows: 2 imported, 0 updated, 3 skipped (existing addresses: skipped)\n" {
		t.Fatalf("%q %v", out, err)
	}
	for _, want := range []string{
		"line 5 (nobody@example.com): skipped: no customer has this email (import the customers first)",
		`line 6 (jane@example.com): skipped: "telephone" is required. Enter and try again.`,
		`line 7 (jane@example.com): skipped: Invalid value of "999" provided for the regionId field.`,
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	exported := func(db string) (string, string) {
		t.Helper()
		c, a := filepath.Join(t.TempDir(), "c.csv"), filepath.Join(t.TempDir(), "a.csv")
		out, err := cli(t, "customer:export", c, "--addresses", a, "--db", db)
		if err != nil || !strings.HasSuffix(out, " addresses to "+a+"\n") {
			t.Fatalf("%q %v", out, err)
		}
		cb, _ := os.ReadFile(c)
		ab, _ := os.ReadFile(a)
		return string(cb), string(ab)
	}
	cust, addrs := exported(dbf)
	want := "_website,_email,_entity_id,city,company,country_id,fax,firstname,lastname,middlename,postcode,prefix,region,region_id,street,suffix,telephone,vat_id,vat_is_valid,vat_request_date,vat_request_id,vat_request_success,_address_default_billing_,_address_default_shipping_\n" +
		"base,jane@example.com,1,Los Angeles,Acme,US,,Jane,Doe,,90001,,California,12,\"1 Main St\nSuite 2\",,555-0100,,,,,,1,1\n" +
		"base,jane@example.com,2,München,,DE,,Jane,Doe,,80331,,Bayern,,Marienplatz 1,,555-0101,DE123,,,,,0,0\n"
	if addrs != want {
		t.Errorf("address export:\n%s\nwant:\n%s", addrs, want)
	}
	// The move back: a new database takes both files and exports them the same.
	again := testDB(t, t.TempDir(), "t.db")
	if out, err := cli(t, "customer:import", writeFile(t, "c2.csv", cust), "--addresses", writeFile(t, "a2.csv", addrs), "--db", again); err != nil ||
		!strings.HasSuffix(out, "2 address rows: 2 imported, 0 updated, 0 skipped (existing addresses: skipped)\n") {
		t.Fatalf("%q %v", out, err)
	}
	if c2, a2 := exported(again); a2 != addrs || c2 != cust {
		t.Errorf("round trip changed the files:\n%s\n%s", c2, a2)
	}
	// An address of the customer by _entity_id: skipped, or updated with --on-existing update.
	changed := strings.Replace(addrs, "Los Angeles", "San Diego", 1)
	if out, _ := cli(t, "customer:import", writeFile(t, "c3.csv", cust), "--addresses", writeFile(t, "a3.csv", changed), "--db", again); !strings.HasSuffix(out, "2 address rows: 0 imported, 0 updated, 2 skipped (existing addresses: skipped)\n") {
		t.Errorf("skip: %q", out)
	}
	if out, _ := cli(t, "customer:import", writeFile(t, "c4.csv", cust), "--addresses", writeFile(t, "a4.csv", changed), "--on-existing", "update", "--db", again); !strings.HasSuffix(out, "2 address rows: 0 imported, 2 updated, 0 skipped (existing addresses: updated)\n") {
		t.Errorf("update: %q", out)
	}
	if _, a := exported(again); a != strings.Replace(addrs, "Los Angeles", "San Diego", 1) {
		t.Errorf("after update:\n%s", a)
	}
	// Bad arguments.
	for _, args := range [][]string{
		{"customer:import", customers, "--addresses", "/no/such.csv"},
		{"customer:import", customers, "--addresses", writeFile(t, "e.csv", "")},
		{"customer:import", customers, "--addresses", writeFile(t, "h.csv", "city,street\n")},
		{"customer:export", filepath.Join(t.TempDir(), "x.csv"), "--addresses", customers},
	} {
		if _, err := cli(t, append(args, "--db", dbf)...); !isUsage(err) {
			t.Errorf("%v: want a usage error, got %v", args, err)
		}
	}
}
