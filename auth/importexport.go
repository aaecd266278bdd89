package auth

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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
	// ImportBatch stores customers in one transaction; for each it says whether it was
	// inserted, updated (update true and the email existed) or skipped (it existed).
	// An update writes only the columns in update (names of ImportColumns) and never
	// replaces a stored password hash with an empty one.
	// now is the rows' updated_at. An update that changes a stored password hash revokes
	// the customer's tokens and sessions, one that withdraws remote shopping assistance
	// the tokens admins got for the customer, both as of revokeBefore (NowMicro), in the
	// same transaction.
	ImportBatch(ctx context.Context, cs []*Customer, update map[string]bool, now time.Time, revokeBefore int64) ([]ImportOutcome, error)
	// EachCustomer calls fn for every customer in id order, streaming.
	EachCustomer(ctx context.Context, fn func(*Customer) error) error
}

// ImportOutcome is what happened to one imported row.
type ImportOutcome int

// Outcomes of ImportBatch.
const (
	Inserted ImportOutcome = iota
	Updated
	SkippedExisting
)

// ImportOptions steer an import.
type ImportOptions struct {
	UpdateExisting bool // update customers whose email exists, instead of skipping them
	BatchSize      int  // rows per transaction (default 1000)
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
func customerFromRow(col map[string]int, rec []string, now time.Time) (*Customer, error) {
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
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
	for name, v := range map[string]string{"firstname": c.Firstname, "lastname": c.Lastname, "middlename": c.Middlename,
		"prefix": c.Prefix, "suffix": c.Suffix, "taxvat": c.Taxvat, "confirmation": c.Confirmation} {
		if err := checkLen(name, v, maxNameLen); err != nil {
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

// emailKey is a 128-bit digest of an EmailKey: what the import remembers per
// row to find duplicates inside the file. The strings themselves were slices of their
// whole CSV lines and kept them all alive (300k rows: 148 MiB peak; 54 MiB with digests);
// a collision between two different emails is out of reach (2^-128 per pair).
func emailKey(key string) [16]byte {
	sum := sha256.Sum256([]byte(key))
	return [16]byte(sum[:16])
}

// ImportCustomers reads a customer CSV as a stream, validates each row whole, and
// stores rows a batch per transaction. A row is imported entirely or not at all.
func (s *Service) ImportCustomers(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	if opt.BatchSize <= 0 {
		opt.BatchSize = 1000
	}
	skip := func(line int, email, reason string) {
		rep.Skipped++
		if opt.Skipped != nil {
			opt.Skipped(line, email, reason)
		}
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	// A file that is empty or whose first line is not CSV is a bad argument, told as
	// such (an *Error), not a failure of the import.
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return rep, inputError(MsgImportEmpty)
	case errors.As(err, &pe):
		return rep, inputError(MsgImportBadHeaderFmt, pe.Err)
	case err != nil:
		return rep, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	known := map[string]bool{}
	for _, c := range ImportColumns {
		known[c] = true
	}
	var ignored []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			ignored = append(ignored, h)
			continue
		}
		col[h] = i
	}
	for _, need := range []string{"email", "firstname", "lastname"} {
		if _, ok := col[need]; !ok {
			return rep, inputError(MsgImportNoColumnFmt, need)
		}
	}
	// Warned only once the file is known to be importable: a refused file gets its
	// one line of error, not a warning per column first.
	for _, h := range ignored {
		if opt.Warn != nil {
			opt.Warn(fmt.Sprintf("column %q is not imported", h))
		}
	}
	// An update touches only the columns the file has: a file of names must not wipe
	// passwords, birth dates or confirmation states it does not mention.
	var updateCols map[string]bool
	if opt.UpdateExisting {
		updateCols = map[string]bool{}
		for name := range col {
			updateCols[name] = true
		}
	}
	seen := map[[16]byte]int{} // emailKey → line, for duplicates inside the file
	var batch []*Customer
	var lines []int
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		out, err := s.Importer.ImportBatch(ctx, batch, updateCols, s.Now(), s.Tokens.NowMicro())
		if err != nil {
			return fmt.Errorf("import rows %d-%d: %w", lines[0], lines[len(lines)-1], err)
		}
		for i, o := range out {
			switch o {
			case Inserted:
				rep.Inserted++
			case Updated:
				rep.Updated++
			case SkippedExisting:
				skip(lines[i], batch[i].Email, "a customer with this email exists (use --on-existing=update to update it)")
			}
		}
		batch, lines = batch[:0], lines[:0]
		if opt.Progress != nil {
			opt.Progress(rep.Rows)
		}
		return nil
	}
	now := s.Now().UTC().Truncate(time.Second)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.Rows++
				skip(pe.StartLine, "", "not valid CSV: "+pe.Err.Error())
				continue
			}
			return rep, err
		}
		line, _ := cr.FieldPos(0)
		rep.Rows++
		c, err := customerFromRow(col, rec, now)
		if err != nil {
			email := ""
			if i, ok := col["email"]; ok && i < len(rec) {
				email = rec[i]
			}
			skip(line, email, err.Error())
			continue
		}
		key := EmailKey(c.Email)
		if first, dup := seen[emailKey(key)]; dup {
			skip(line, c.Email, fmt.Sprintf("the same email is on line %d of this file", first))
			continue
		}
		seen[emailKey(key)] = line
		batch = append(batch, c)
		lines = append(lines, line)
		if len(batch) >= opt.BatchSize {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
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
