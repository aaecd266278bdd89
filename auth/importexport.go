package auth

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ImportColumns are the columns customer:import reads and customer:export writes: the
// main columns of a Magento customer export plus customer_entity.password_hash.
var ImportColumns = []string{"email", "firstname", "lastname", "middlename", "prefix", "suffix", "dob", "taxvat",
	"gender", "password_hash", "confirmation", "created_at", "allow_remote_shopping_assistance"}

// ImportStore writes imported customers and reads them back for export. Implemented by db.
type ImportStore interface {
	// BeginImport starts an import run, which remembers the line of the file that
	// first named each customer it stored; Close ends it.
	BeginImport(ctx context.Context) (ImportRun, error)
	// EachCustomer calls fn for every customer in id order, streaming.
	EachCustomer(ctx context.Context, fn func(*Customer) error) error
}

// ImportRun stores the batches of one import file.
type ImportRun interface {
	// ImportBatch stores customers in one transaction (lines[i] is the line of cs[i] in
	// the file) and says for each what happened: inserted, updated (update non-nil and
	// the email existed), skipped (it existed), or a duplicate of an earlier line of
	// this run (that line in FirstLine).
	// An update writes only the columns in update (names of ImportColumns) and never
	// replaces a stored password hash with an empty one.
	// now is the rows' updated_at. An update that changes a stored password hash revokes
	// the customer's tokens and sessions, one that withdraws remote shopping assistance
	// the tokens admins got for the customer, both as of revokeBefore (NowMicro), in the
	// same transaction.
	ImportBatch(ctx context.Context, cs []*Customer, lines []int, update map[string]bool, now time.Time, revokeBefore int64) ([]ImportResult, error)
	// Close ends the run; it must come before anything else of the service writes.
	Close() error
}

// ImportOutcome is what happened to one imported row.
type ImportOutcome int

// Outcomes of ImportBatch.
const (
	Inserted ImportOutcome = iota
	Updated
	SkippedExisting
	DuplicateInFile
)

// ImportResult is what happened to one imported row; FirstLine is the earlier line
// with the same email when Outcome is DuplicateInFile.
type ImportResult struct {
	Outcome   ImportOutcome
	FirstLine int
}

// ImportOptions steer an import.
type ImportOptions struct {
	UpdateExisting bool // update customers whose email exists, instead of skipping them
	BatchSize      int  // rows per transaction, skipped ones counted (default 1000)
	// Skipped is told about every row not imported, with its line number and why.
	Skipped func(line int, email, reason string)
	// Progress is called after every batch with the rows read so far.
	Progress func(rows int)
	// Warn is told about header problems that do not stop the import.
	Warn func(msg string)
}

// ImportReport counts what an import did.
type ImportReport struct {
	Rows, Inserted, Updated, Skipped int
}

const magentoTime = "2006-01-02 15:04:05"

// ValidHash reports whether a stored password hash is one Magento's versions this
// service can verify.
func ValidHash(h string) error {
	_, _, _, err := parseHash(h)
	return err
}

func parseGender(v string) (int, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0":
		return 0, nil
	case "1", "male":
		return 1, nil
	case "2", "female":
		return 2, nil
	case "3", "not specified":
		return 3, nil
	}
	return 0, fmt.Errorf("gender %q is not 1 (Male), 2 (Female) or 3 (Not Specified)", v)
}

func parseBool01(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "no", "false":
		return false, nil
	case "1", "yes", "true":
		return true, nil
	}
	return false, fmt.Errorf("%q is not 0 or 1", v)
}

// customerFromRow validates one CSV row completely before anything is written.
func customerFromRow(get func(string) string, now time.Time) (*Customer, error) {
	c := &Customer{GroupID: 1, Email: get("email"), Firstname: get("firstname"), Lastname: get("lastname"),
		Middlename: get("middlename"), Prefix: get("prefix"), Suffix: get("suffix"), Taxvat: get("taxvat"),
		PasswordHash: get("password_hash"), Confirmation: get("confirmation"), CreatedAt: now}
	if !ValidEmail(c.Email) {
		if r, hidden := hiddenRune(c.Email); hidden {
			return nil, fmt.Errorf("%q is not a valid email address: it contains the invisible or text-direction character U+%04X", ShowHidden(c.Email), r)
		}
		return nil, fmt.Errorf("%q is not a valid email address", c.Email)
	}
	if c.Firstname == "" {
		return nil, errors.New("firstname is empty")
	}
	if c.Lastname == "" {
		return nil, errors.New("lastname is empty")
	}
	for _, f := range [...]struct{ name, v string }{{"firstname", c.Firstname}, {"lastname", c.Lastname}, {"middlename", c.Middlename},
		{"prefix", c.Prefix}, {"suffix", c.Suffix}, {"taxvat", c.Taxvat}, {"confirmation", c.Confirmation}} {
		if err := checkLen(f.name, f.v, maxNameLen); err != nil {
			return nil, errors.New(err.(*Error).Message)
		}
	}
	if c.PasswordHash != "" {
		if err := ValidHash(c.PasswordHash); err != nil {
			return nil, fmt.Errorf("password_hash: %v", err)
		}
	}
	if v := get("dob"); v != "" {
		d, err := parseDate(v)
		if err != nil {
			return nil, fmt.Errorf("dob %q is not a date", v)
		}
		c.DateOfBirth = d
	}
	g, err := parseGender(get("gender"))
	if err != nil {
		return nil, err
	}
	c.Gender = g
	if c.AllowAssistance, err = parseBool01(get("allow_remote_shopping_assistance")); err != nil {
		return nil, fmt.Errorf("allow_remote_shopping_assistance: %v", err)
	}
	if v := get("created_at"); v != "" {
		t, err := time.Parse(magentoTime, v)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return nil, fmt.Errorf("created_at %q is not \"YYYY-MM-DD HH:MM:SS\"", v)
			}
		}
		c.CreatedAt = t.UTC()
	}
	return c, nil
}

// importFile reads an import CSV as a stream: the header, mapped to the columns the
// import knows, then one row at a time with its line number.
type importFile struct {
	cr   *csv.Reader
	col  map[string]int
	rec  []string
	line int
}

// openImportFile reads the header of r. A file that is empty (empty is the message) or
// whose first line is not CSV is a bad argument, told as such (an *Error), not a failure
// of the import; so is a header that lacks a column of required (noColumnFmt). Columns
// not in known are told to warn, once the file is known to be importable: a refused file
// gets its one line of error, not a warning per column first.
func openImportFile(r io.Reader, known map[string]bool, required []string, empty, noColumnFmt string, warn func(string)) (*importFile, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return nil, inputError("%s", empty)
	case errors.As(err, &pe):
		return nil, inputError(MsgImportBadHeaderFmt, pe.Err)
	case err != nil:
		return nil, fmt.Errorf("read header: %w", err)
	}
	f := &importFile{cr: cr, col: map[string]int{}}
	var ignored []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			ignored = append(ignored, h)
			continue
		}
		f.col[h] = i
	}
	for _, need := range required {
		if _, ok := f.col[need]; !ok {
			return nil, inputError(noColumnFmt, need)
		}
	}
	for _, h := range ignored {
		if warn != nil {
			warn(fmt.Sprintf("column %q is not imported", h))
		}
	}
	return f, nil
}

// next reads the next row and reports false at the end of the file. A row that is
// not valid CSV goes to bad with its line, and reading goes on unless bad fails.
func (f *importFile) next(bad func(line int, reason string) error) (bool, error) {
	for {
		rec, err := f.cr.Read()
		if err == io.EOF {
			return false, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if err := bad(pe.StartLine, "not valid CSV: "+pe.Err.Error()); err != nil {
				return false, err
			}
			continue
		}
		if err != nil {
			return false, err
		}
		f.rec = rec
		f.line, _ = f.cr.FieldPos(0)
		return true, nil
	}
}

// get returns the named column of the current row, trimmed; "" when the file lacks it.
func (f *importFile) get(name string) string {
	if i, ok := f.col[name]; ok && i < len(f.rec) {
		return strings.TrimSpace(f.rec[i])
	}
	return ""
}

// skip counts a row not imported and tells opt.Skipped.
func (rep *ImportReport) skip(opt ImportOptions, line int, email, reason string) {
	rep.Skipped++
	if opt.Skipped != nil {
		opt.Skipped(line, email, reason)
	}
}

// ImportCustomers reads a customer CSV as a stream, validates each row whole, and
// stores rows a batch per transaction. A row is imported entirely or not at all.
// Skipped rows are told a batch at a time, in line order. Memory stays that of one
// batch however long the file: the store, not this loop, finds an email that an
// earlier line of the file had.
func (s *Service) ImportCustomers(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	if opt.BatchSize <= 0 {
		opt.BatchSize = 1000
	}
	known := map[string]bool{}
	for _, c := range ImportColumns {
		known[c] = true
	}
	f, err := openImportFile(r, known, []string{"email", "firstname", "lastname"}, MsgImportEmpty, MsgImportNoColumnFmt, opt.Warn)
	if err != nil {
		return rep, err
	}
	// An update touches only the columns the file has: a file of names must not wipe
	// passwords, birth dates or confirmation states it does not mention.
	var updateCols map[string]bool
	if opt.UpdateExisting {
		updateCols = map[string]bool{}
		for name := range f.col {
			updateCols[name] = true
		}
	}
	run, err := s.Importer.BeginImport(ctx)
	if err != nil {
		return rep, err
	}
	defer run.Close()
	type skipped struct {
		line          int
		email, reason string
	}
	var (
		batch []*Customer
		lines []int
		skips []skipped
	)
	flush := func() error {
		if len(batch) > 0 {
			out, err := run.ImportBatch(ctx, batch, lines, updateCols, s.Now(), s.Tokens.NowMicro())
			if err != nil {
				return fmt.Errorf("import rows %d-%d: %w", lines[0], lines[len(lines)-1], err)
			}
			for i, o := range out {
				switch o.Outcome {
				case Inserted:
					rep.Inserted++
				case Updated:
					rep.Updated++
				case SkippedExisting:
					skips = append(skips, skipped{lines[i], batch[i].Email, MsgImportExists})
				case DuplicateInFile:
					skips = append(skips, skipped{lines[i], batch[i].Email, fmt.Sprintf(MsgImportDuplicateFmt, o.FirstLine)})
				}
			}
		}
		sort.SliceStable(skips, func(i, j int) bool { return skips[i].line < skips[j].line })
		for _, sk := range skips {
			rep.skip(opt, sk.line, sk.email, sk.reason)
		}
		clear(batch)
		batch, lines, skips = batch[:0], lines[:0], skips[:0]
		if opt.Progress != nil {
			opt.Progress(rep.Rows)
		}
		return nil
	}
	now := s.Now().UTC().Truncate(time.Second)
	// Skipped rows count toward the batch: their reports wait for it.
	full := func() error {
		if len(batch)+len(skips) < opt.BatchSize {
			return nil
		}
		return flush()
	}
	bad := func(line int, reason string) error {
		rep.Rows++
		skips = append(skips, skipped{line, "", reason})
		return full()
	}
	for {
		ok, err := f.next(bad)
		if err != nil {
			return rep, err
		}
		if !ok {
			break
		}
		rep.Rows++
		if c, err := customerFromRow(f.get, now); err != nil {
			email := ""
			if i, ok := f.col["email"]; ok && i < len(f.rec) {
				email = f.rec[i]
			}
			skips = append(skips, skipped{f.line, email, err.Error()})
		} else {
			batch = append(batch, c)
			lines = append(lines, f.line)
		}
		if err := full(); err != nil {
			return rep, err
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	if err := run.Close(); err != nil {
		return rep, fmt.Errorf("end import: %w", err)
	}
	// The revocations the batches wrote apply in this process at once (others follow
	// the table).
	if err := s.Refresh(ctx); err != nil {
		return rep, err
	}
	s.audit(ctx, AuditEvent{Event: "customer.import", Detail: fmt.Sprintf("rows=%d inserted=%d updated=%d skipped=%d",
		rep.Rows, rep.Inserted, rep.Updated, rep.Skipped)})
	return rep, nil
}

// ExportCustomers writes every customer in the import format; it returns the count.
func (s *Service) ExportCustomers(ctx context.Context, w io.Writer) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(ImportColumns); err != nil {
		return 0, err
	}
	n := 0
	err := s.Importer.EachCustomer(ctx, func(c *Customer) error {
		n++
		gender := ""
		if c.Gender != 0 {
			gender = strconv.Itoa(c.Gender)
		}
		return cw.Write([]string{c.Email, c.Firstname, c.Lastname, c.Middlename, c.Prefix, c.Suffix, c.DateOfBirth, c.Taxvat,
			gender, c.PasswordHash, c.Confirmation, c.CreatedAt.UTC().Format(magentoTime), map[bool]string{true: "1", false: "0"}[c.AllowAssistance]})
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}
