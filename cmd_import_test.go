package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"shopauth/auth"
	"shopauth/web"
)

const salt = "0123456789abcdefghijklmnopqrstuv"

// Magento hashes of "Secret-123", computed here independently of auth's hasher.
func legacyHashes() map[string]string {
	pw := "Secret-123"
	md := md5.Sum([]byte(salt + pw))
	sh := sha256.Sum256([]byte(salt + pw))
	argon := func(data string) string {
		return hex.EncodeToString(argon2.IDKey([]byte(data), []byte(salt[:16]), 2, 65536, 1, 32))
	}
	mdsh := sha256.Sum256([]byte(salt + hex.EncodeToString(md[:])))
	return map[string]string{
		"md5@example.com":    hex.EncodeToString(md[:]) + ":" + salt + ":0",
		"sha256@example.com": hex.EncodeToString(sh[:]) + ":" + salt + ":1",
		// Version 2 is Magento 2.3's libsodium argon2id13 with the INTERACTIVE limits.
		"argon2@example.com": argon(pw) + ":" + salt + ":2",
		"argon@example.com":  argon(pw) + ":" + salt + ":3_32_2_67108864",
		"chain@example.com":  argon(hex.EncodeToString(sh[:])) + ":" + salt + ":1:3_32_2_67108864",
		"md5sha@example.com": hex.EncodeToString(mdsh[:]) + ":" + salt + ":0:1",
	}
}

func writeFile(t testing.TB, name, body string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportLegacyHashesSignIn(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	var csv strings.Builder
	csv.WriteString("email,firstname,lastname,password_hash,created_at,website_id\n")
	for email, h := range legacyHashes() {
		fmt.Fprintf(&csv, "%s,Im,Ported,%s,2020-05-06 07:08:09,1\n", email, h)
	}
	var log bytes.Buffer
	importLog = &log
	defer func() { importLog = os.Stderr }()
	out, err := cli(t, "customer:import", writeFile(t, "c.csv", csv.String()), "--db", dbf)
	if err != nil || out != "6 rows: 6 imported, 0 updated, 0 skipped (existing emails: skipped)\n" {
		t.Fatalf("%q %v", out, err)
	}
	if !strings.Contains(log.String(), `warning: column "website_id" is not imported`) {
		t.Errorf("log %q", log.String())
	}

	d, svc, err := openService(context.Background(), dbf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	srv, err := web.New(web.Config{Service: svc, Schema: schemaSDL, Assets: webAssets})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	signIn := func(email, pw string) (int, string) {
		body, _ := json.Marshal(map[string]string{"query": fmt.Sprintf(`mutation{generateCustomerToken(email:%q,password:%q){token}}`, email, pw)})
		res, err := http.Post(hs.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for email := range legacyHashes() {
		before, _ := d.CustomerByEmail(context.Background(), email)
		// A wrong password still counts toward the lock.
		if status, body := signIn(email, "wrong"); status != 401 || body != incorrect {
			t.Errorf("%s wrong password: %d %s", email, status, body)
		}
		if c, _ := d.CustomerByEmail(context.Background(), email); c.FailuresNum != 1 {
			t.Errorf("%s failures %d", email, c.FailuresNum)
		}
		if status, body := signIn(email, "Secret-123"); status != 200 || !strings.Contains(body, `"token":"ey`) {
			t.Errorf("%s: %d %s", email, status, body)
		}
		after, _ := d.CustomerByEmail(context.Background(), email)
		if after.PasswordHash == before.PasswordHash || !strings.HasSuffix(after.PasswordHash, ":"+svc.Hasher.Params().Version()) {
			t.Errorf("%s: hash not upgraded: %s", email, after.PasswordHash)
		}
		if after.CreatedAt.Format("2006-01-02 15:04:05") != "2020-05-06 07:08:09" {
			t.Errorf("created_at %v", after.CreatedAt)
		}
		// The upgraded hash still signs in.
		if status, _ := signIn(email, "Secret-123"); status != 200 {
			t.Errorf("%s after upgrade: %d", email, status)
		}
	}

	// Wrong passwords against an imported hash lock the account like any other: then
	// even the right password is refused, and the legacy hash stays as it was.
	if err := svc.SetSetting(context.Background(), auth.PathLockoutFailures, "3"); err != nil {
		t.Fatal(err)
	}
	locked := "locked@example.com"
	if out, err := cli(t, "customer:import", writeFile(t, "l.csv", "email,firstname,lastname,password_hash\n"+
		locked+",Lo,Cked,"+legacyHashes()["md5@example.com"]+"\n"), "--db", dbf); err != nil || !strings.HasPrefix(out, "1 rows: 1 imported") {
		t.Fatalf("%q %v", out, err)
	}
	for i := 0; i < 3; i++ {
		if status, body := signIn(locked, "wrong"); status != 401 || body != incorrect {
			t.Fatalf("wrong %d: %d %s", i, status, body)
		}
	}
	if status, body := signIn(locked, "Secret-123"); status != 401 || body != incorrect {
		t.Errorf("locked account signed in: %d %s", status, body)
	}
	if c, _ := d.CustomerByEmail(context.Background(), locked); c.PasswordHash != legacyHashes()["md5@example.com"] || c.FailuresNum < 3 {
		t.Errorf("locked: failures %d hash %s", c.FailuresNum, c.PasswordHash)
	}
}

const incorrect = `{"errors":[{"message":"The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.","locations":[{"line":1,"column":10}],"path":["generateCustomerToken"],"extensions":{"category":"graphql-authentication"}}],"data":{"generateCustomerToken":null}}` + "\n"

func TestImportBadRowsAndRerun(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	csv := "Email,FirstName,LastName,password_hash,dob,gender,allow_remote_shopping_assistance\n" +
		"good@example.com,Good,Row,,1990-01-31,Female,1\n" +
		"bad-email,No,Good,,,,\n" +
		"noname@example.com,,Last,,,,\n" +
		"hash@example.com,Bad,Hash,abc:def:9,,,\n" +
		"date@example.com,Bad,Date,,31st May,,\n" +
		"good@example.com,Dup,Licate,,,,\n" +
		"\"broken,quote\n"
	var log bytes.Buffer
	importLog = &log
	defer func() { importLog = os.Stderr }()
	file := writeFile(t, "c.csv", csv)
	out, err := cli(t, "customer:import", file, "--db", dbf)
	if err != nil || out != "7 rows: 1 imported, 0 updated, 6 skipped (existing emails: skipped)\n" {
		t.Fatalf("%q %v\n%s", out, err, log.String())
	}
	for _, want := range []string{
		`line 3 (bad-email): skipped: "bad-email" is not a valid email address`,
		`line 4 (noname@example.com): skipped: firstname is empty`,
		`line 5 (hash@example.com): skipped: password_hash: malformed password hash: unknown version "9"`,
		`line 6 (date@example.com): skipped: dob "31st May" is not a date`,
		`line 7 (good@example.com): skipped: the same email is on line 2 of this file`,
		`line 8 (): skipped: not valid CSV`,
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	// Re-running skips existing emails, or updates them when asked.
	fixed := "email,firstname,lastname,allow_remote_shopping_assistance\ngood@example.com,Better,Name,0\nnew@example.com,New,One,\n"
	out, _ = cli(t, "customer:import", writeFile(t, "d.csv", fixed), "--db", dbf)
	if out != "2 rows: 1 imported, 0 updated, 1 skipped (existing emails: skipped)\n" {
		t.Errorf("rerun: %q", out)
	}
	out, _ = cli(t, "customer:import", writeFile(t, "d.csv", fixed), "--on-existing", "update", "--db", dbf)
	if out != "2 rows: 0 imported, 2 updated, 0 skipped (existing emails: updated)\n" {
		t.Errorf("update: %q", out)
	}
	// Usage errors.
	for _, args := range [][]string{{"customer:import"}, {"customer:import", "/no/such/file.csv"},
		{"customer:import", file, "--on-existing", "merge"}, {"customer:export"}} {
		if _, err := cli(t, append(args, "--db", dbf)...); !isUsage(err) {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestImportBadFileFromBinary: a file that cannot be imported at all (no header, a
// header lacking a required column, not CSV, a directory) is a bad argument like a
// missing file: one line on stderr naming the command, exit status 2, nothing imported.
// They used to end with exit status 1 and an unprefixed "read header: EOF".
func TestImportBadFileFromBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	dbf := testDB(t, dir, "s.db")
	for _, tc := range []struct{ file, want string }{
		{writeFile(t, "empty.csv", ""),
			"shopauth: customer:import: the file is empty: the first line must name the columns (at least email, firstname, lastname)\n"},
		{writeFile(t, "names.csv", "email,lastname\na@example.com,Roe\n"),
			"shopauth: customer:import: the header has no \"firstname\" column (it needs at least email, firstname, lastname)\n"},
		{writeFile(t, "phone.csv", "name,phone\nx,y\n"),
			"shopauth: customer:import: the header has no \"email\" column (it needs at least email, firstname, lastname)\n"},
		{writeFile(t, "quote.csv", "\"email,firstname,lastname\n"),
			"shopauth: customer:import: line 1 is not a valid CSV header: extraneous or missing \" in quoted-field\n"},
		{dir, "shopauth: customer:import: " + dir + " is a directory\n"},
	} {
		cmd := exec.Command(binary(t), "customer:import", tc.file, "--db", dbf)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%s: exit %v, want status 2", tc.file, err)
		}
		if stderr.String() != tc.want || stdout.Len() != 0 {
			t.Errorf("%s:\nstderr %q\nwant   %q\nstdout %q", tc.file, stderr.String(), tc.want, stdout.String())
		}
	}
	out, err := cli(t, "customer:export", filepath.Join(dir, "out.csv"), "--db", dbf)
	if err != nil || out != "Exported 0 customers to "+filepath.Join(dir, "out.csv")+"\n" {
		t.Errorf("after the refused imports: %q %v", out, err)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src, dst := testDB(t, dir, "a.db"), testDB(t, dir, "b.db")
	var csv strings.Builder
	csv.WriteString(strings.Join(auth.ImportColumns, ",") + "\n")
	for email, h := range legacyHashes() {
		fmt.Fprintf(&csv, "%s,First,Last,M,Dr.,Jr.,1980-02-03,VAT1,2,%s,,2021-01-02 03:04:05,1\n", email, h)
	}
	csv.WriteString("pending@example.com,Pen,Ding,,,,,,,,0123456789abcdef0123456789abcdef,2022-02-02 02:02:02,0\n")
	if _, err := cli(t, "customer:import", writeFile(t, "in.csv", csv.String()), "--db", src); err != nil {
		t.Fatal(err)
	}
	out1, out2 := filepath.Join(dir, "1.csv"), filepath.Join(dir, "2.csv")
	if msg, err := cli(t, "customer:export", out1, "--db", src); err != nil || msg != "Exported 7 customers to "+out1+"\n" {
		t.Fatalf("%q %v", msg, err)
	}
	if _, err := cli(t, "customer:export", out1, "--db", src); !isUsage(err) {
		t.Errorf("export over an existing file: %v", err)
	}
	if _, err := cli(t, "customer:import", out1, "--db", dst); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, "customer:export", out2, "--db", dst); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out1)
	b, _ := os.ReadFile(out2)
	if !bytes.Equal(a, b) || !strings.Contains(string(a), "0123456789abcdef0123456789abcdef") {
		t.Errorf("round trip differs:\n%s\n---\n%s", a, b)
	}
}

// BenchmarkImport100k imports a generated 100,000-row file through the CLI path and
// reports rows/s and the peak resident memory of the process.
func BenchmarkImport100k(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "big.csv")
	f, _ := os.Create(file)
	w := bytes.NewBuffer(nil)
	w.WriteString(strings.Join(auth.ImportColumns, ",") + "\n")
	sum := sha256.Sum256([]byte(salt + "Secret-123"))
	h := hex.EncodeToString(sum[:]) + ":" + salt + ":1"
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(w, "user%06d@example.com,First%d,Last%d,,,,1990-01-01,,1,%s,,2020-01-01 00:00:00,0\n", i, i, i, h)
		if w.Len() > 1<<20 {
			f.Write(w.Bytes())
			w.Reset()
		}
	}
	f.Write(w.Bytes())
	f.Close()
	importLog = io.Discard
	defer func() { importLog = os.Stderr }()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dbf := filepath.Join(dir, fmt.Sprintf("b%d.db", i))
		out, err := cli(&testing.T{}, "customer:import", file, "--db", dbf)
		if err != nil || !strings.HasPrefix(out, "100000 rows: 100000 imported") {
			b.Fatalf("%q %v", out, err)
		}
	}
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "rows/s")
	if st, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(st), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				var kb float64
				fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%f", &kb)
				b.ReportMetric(kb/1024, "peakRSS-MiB")
			}
		}
	}
}

// --on-existing update writes only the columns the file has, and an empty
// password_hash cell never removes a stored password.
func TestImportUpdateKeepsUnlistedColumns(t *testing.T) {
	dbf := testDB(t, t.TempDir(), "s.db")
	hashes := legacyHashes()
	first := "email,firstname,lastname,dob,password_hash,confirmation\n" +
		"a@example.com,Ann,Old,1990-01-31," + hashes["md5@example.com"] + ",\n" +
		"b@example.com,Bob,Old,1980-02-03," + hashes["sha256@example.com"] + ",0123456789abcdef0123456789abcdef\n"
	if out, err := cli(t, "customer:import", writeFile(t, "1.csv", first), "--db", dbf); err != nil || !strings.HasPrefix(out, "2 rows: 2 imported") {
		t.Fatalf("%q %v", out, err)
	}
	update := func(csv string) {
		t.Helper()
		if out, err := cli(t, "customer:import", writeFile(t, "u.csv", csv), "--on-existing", "update", "--db", dbf); err != nil || !strings.HasPrefix(out, "2 rows: 0 imported, 2 updated") {
			t.Fatalf("%q %v", out, err)
		}
	}
	check := func(email, last, dob, hash, confirmation string) {
		t.Helper()
		d, _, err := openService(context.Background(), dbf)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		c, err := d.CustomerByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		if c.Lastname != last || c.DateOfBirth != dob || c.PasswordHash != hash || c.Confirmation != confirmation {
			t.Errorf("%s: lastname %q dob %q hash %q confirmation %q", email, c.Lastname, c.DateOfBirth, c.PasswordHash, c.Confirmation)
		}
	}
	// A file of names only: the names change, everything else stays.
	update("email,firstname,lastname\na@example.com,Ann,New\nb@example.com,Bob,New\n")
	check("a@example.com", "New", "1990-01-31", hashes["md5@example.com"], "")
	check("b@example.com", "New", "1980-02-03", hashes["sha256@example.com"], "0123456789abcdef0123456789abcdef")
	// An empty hash cell keeps the password; a given one replaces it; confirmation is in the file, so it is written.
	update("email,firstname,lastname,password_hash,confirmation\na@example.com,Ann,New,,\nb@example.com,Bob,New," + hashes["argon2@example.com"] + ",\n")
	check("a@example.com", "New", "1990-01-31", hashes["md5@example.com"], "")
	check("b@example.com", "New", "1980-02-03", hashes["argon2@example.com"], "")
}

// A long import reports progress on stderr every 10,000 rows.
func TestImportProgress(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("email,firstname,lastname\n")
	for i := 0; i < 21000; i++ {
		fmt.Fprintf(&csv, "p%d@example.com,P,Q\n", i)
	}
	var log bytes.Buffer
	importLog = &log
	defer func() { importLog = os.Stderr }()
	out, err := cli(t, "customer:import", writeFile(t, "p.csv", csv.String()), "--db", testDB(t, t.TempDir(), "s.db"))
	if err != nil || out != "21000 rows: 21000 imported, 0 updated, 0 skipped (existing emails: skipped)\n" {
		t.Fatalf("%q %v", out, err)
	}
	if got := log.String(); got != "… 10000 rows read\n… 20000 rows read\n" {
		t.Errorf("progress %q", got)
	}
}

// TestImportEmailKeys: the import compares emails as accounts do (auth.EmailKey): a
// spelling of an address already in the file or the database is that customer, and an
// email with a hidden character is refused with its line. Before, "ÉMILE@" beside
// "émile@" imported two accounts, and "a\u200bdmin@" was imported.
func TestImportEmailKeys(t *testing.T) {
	dbf := filepath.Join(t.TempDir(), "s.db")
	if _, err := cli(t, "customer:create", "--email", "kelvin@example.com", "--password", "Passw0rd!", "--firstname", "K", "--lastname", "L", "--db", dbf); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	importLog = &log
	defer func() { importLog = os.Stderr }()
	csv := "email,firstname,lastname\némile@example.com,Émile,Zola\nÉMILE@example.com,Émile,Zola\na\u200bdmin@example.com,Ad,Min\n\u212Aelvin@example.com,K,L\n"
	out, err := cli(t, "customer:import", writeFile(t, "c.csv", csv), "--db", dbf)
	if err != nil || out != "4 rows: 1 imported, 0 updated, 3 skipped (existing emails: skipped)\n" {
		t.Fatalf("%q %v", out, err)
	}
	want := "line 3 (ÉMILE@example.com): skipped: the same email is on line 2 of this file\n" +
		"line 4 (a[U+200B]dmin@example.com): skipped: \"a[U+200B]dmin@example.com\" is not a valid email address: it contains the invisible or text-direction character U+200B\n" +
		"line 5 (\u212Aelvin@example.com): skipped: a customer with this email exists (use --on-existing=update to update it)\n"
	if log.String() != want {
		t.Errorf("import log:\n%s\nwant:\n%s", log.String(), want)
	}
	// The CLI refuses the hidden character too.
	_, err = cli(t, "customer:create", "--email", "nimda\u202e@example.com", "--password", "Passw0rd!", "--firstname", "K", "--lastname", "L", "--db", dbf)
	if !isUsage(err) || err.Error() != `customer:create: "nimda[U+202E]@example.com" is not a valid email address: it contains the invisible or text-direction character U+202E.` {
		t.Errorf("customer:create with U+202E: %v", err)
	}
}

// TestImportRefusesHashBombs: an imported hash whose argon2 parameters or chain go
// beyond what Magento writes is refused with its line, so one account cannot make each
// sign-in attempt cost a gigabyte or dozens of passes. Before, 1 GiB, 10 passes and
// chains of 8 were imported.
func TestImportRefusesHashBombs(t *testing.T) {
	dbf := filepath.Join(t.TempDir(), "s.db")
	h := "00:" + salt + ":"
	csv := "email,firstname,lastname,password_hash\n" +
		"gib@example.com,A,B," + h + "3_32_2_1073741824\n" +
		"passes@example.com,A,B," + h + "3_32_10_67108864\n" +
		"long@example.com,A,B," + h + "0:1:1:1:3_32_2_67108864\n" +
		"argons@example.com,A,B," + h + "3_32_2_67108864:3_32_2_67108864:3_32_2_67108864\n" +
		"magento@example.com,A,B," + h + "0:1:2:3_32_2_67108864\n" +
		"sensitive@example.com,A,B," + h + "3_32_4_67108864\n"
	var log bytes.Buffer
	importLog = &log
	defer func() { importLog = os.Stderr }()
	out, err := cli(t, "customer:import", writeFile(t, "c.csv", csv), "--db", dbf)
	if err != nil || out != "6 rows: 2 imported, 0 updated, 4 skipped (existing emails: skipped)\n" {
		t.Fatalf("%q %v", out, err)
	}
	want := `line 2 (gib@example.com): skipped: password_hash: malformed password hash: argon2 parameters beyond Magento's (at most 4 passes and 64 MiB) in "3_32_2_1073741824"` + "\n" +
		`line 3 (passes@example.com): skipped: password_hash: malformed password hash: argon2 parameters beyond Magento's (at most 4 passes and 64 MiB) in "3_32_10_67108864"` + "\n" +
		`line 4 (long@example.com): skipped: password_hash: malformed password hash: a chain of 5 versions (Magento's longest is 4)` + "\n" +
		`line 5 (argons@example.com): skipped: password_hash: malformed password hash: 3 argon2 versions in one chain (Magento's most is 2)` + "\n"
	if log.String() != want {
		t.Errorf("import log:\n%s\nwant:\n%s", log.String(), want)
	}
}

// TestImportDuplicatesAtScale: an email repeated anywhere in a long file (other
// batches, other spellings) is skipped with the line that first had it, and an email
// of a customer that existed before is skipped as existing, its repeats as duplicates
// of that first line; the reports come in line order. The in-file check used to keep
// a digest per row in memory; the database's unique key and the run's table of first
// lines find them now, so this also runs on PostgreSQL (SHOPAUTH_TEST_DB=postgres).
func TestImportDuplicatesAtScale(t *testing.T) {
	dir := t.TempDir()
	dbf := testDB(t, dir, "s.db")
	if out, err := cli(t, "customer:import", writeFile(t, "old.csv", "email,firstname,lastname\nold@example.com,Ol,D\n"), "--db", dbf); err != nil || !strings.HasPrefix(out, "1 rows: 1 imported") {
		t.Fatalf("%q %v", out, err)
	}
	const rows = 25000
	email := func(i int) string { return fmt.Sprintf("u%05d@example.com", i) }
	// Line n holds email(n-2) but for these lines (and a bad row on line 15000).
	repeats := map[int]string{
		3000:     "old@example.com",    // existed before
		3001:     "U00007@EXAMPLE.com", // line 9
		12000:    email(10000),         // line 10002, in an earlier batch
		19999:    "OLD@example.com",    // line 3000
		24000:    email(23997),         // line 23999, the line before
		rows + 1: email(9998),          // the last line: line 10000
	}
	var csv strings.Builder
	csv.WriteString("email,firstname,lastname\n")
	for line := 2; line <= rows+1; line++ {
		e, ok := repeats[line]
		if !ok {
			e = email(line - 2)
		}
		if line == 15000 {
			csv.WriteString("not-an-email,Bad,Row\n")
			continue
		}
		fmt.Fprintf(&csv, "%s,First,Last\n", e)
	}
	var log bytes.Buffer
	importLog = &log
	defer func() { importLog = os.Stderr }()
	out, err := cli(t, "customer:import", writeFile(t, "big.csv", csv.String()), "--db", dbf)
	if want := fmt.Sprintf("%d rows: %d imported, 0 updated, 7 skipped (existing emails: skipped)\n", rows, rows-7); err != nil || out != want {
		t.Fatalf("%q %v, want %q", out, err, want)
	}
	var skipped []string
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, "skipped:") {
			skipped = append(skipped, l)
		}
	}
	want := []string{
		"line 3000 (old@example.com): skipped: a customer with this email exists (use --on-existing=update to update it)",
		"line 3001 (U00007@EXAMPLE.com): skipped: the same email is on line 9 of this file",
		"line 12000 (u10000@example.com): skipped: the same email is on line 10002 of this file",
		`line 15000 (not-an-email): skipped: "not-an-email" is not a valid email address`,
		"line 19999 (OLD@example.com): skipped: the same email is on line 3000 of this file",
		"line 24000 (u23997@example.com): skipped: the same email is on line 23999 of this file",
		"line 25001 (u09998@example.com): skipped: the same email is on line 10000 of this file",
	}
	if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
}
