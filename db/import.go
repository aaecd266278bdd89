package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shopauth/auth"
)

// importUpdatable maps the import columns an update may write to their SQL
// expression; "%s" is where the new value's placeholder goes.
var importUpdatable = []struct{ column, set string }{
	{"firstname", "firstname = %s"}, {"lastname", "lastname = %s"}, {"middlename", "middlename = %s"},
	{"prefix", "prefix = %s"}, {"suffix", "suffix = %s"}, {"dob", "dob = %s"}, {"taxvat", "taxvat = %s"},
	{"gender", "gender = %s"}, {"allow_remote_shopping_assistance", "allow_assistance = %s"},
	// An empty hash in the file keeps the stored one: an import never removes a password.
	{"password_hash", "password_hash = COALESCE(NULLIF(%s, ''), password_hash)"},
	{"confirmation", "confirmation = %s"},
}

func importValue(c *auth.Customer, column string) any {
	switch column {
	case "firstname":
		return c.Firstname
	case "lastname":
		return c.Lastname
	case "middlename":
		return c.Middlename
	case "prefix":
		return c.Prefix
	case "suffix":
		return c.Suffix
	case "dob":
		return c.DateOfBirth
	case "taxvat":
		return c.Taxvat
	case "gender":
		return c.Gender
	case "allow_remote_shopping_assistance":
		return boolInt(c.AllowAssistance)
	case "password_hash":
		return c.PasswordHash
	case "confirmation":
		return c.Confirmation
	}
	return nil
}

// importChunk is how many rows one INSERT carries: 16 placeholders a row, far below
// either engine's limit (SQLite 32766, PostgreSQL 65535). One statement per row cost a
// statement journal and a round trip each.
const importChunk = 100

// importInsert is the INSERT of n imported customers. No conflict target: the email's
// unique key (email_key) and the older ASCII-only unique email column both mean "this
// customer exists". RETURNING names the rows it inserted by their key.
func (dl dialect) importInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO customer (email, firstname, lastname, middlename, prefix, suffix, dob, taxvat,
		gender, allow_assistance, group_id, created_at, updated_at, password_hash, confirmation, email_key) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		dl.params(&b, i*16+1, 16)
	}
	b.WriteString(` ON CONFLICT DO NOTHING RETURNING id, email_key`)
	return b.String()
}

// customerImport is one import run (auth.ImportRun). It holds a connection for the
// run, and in that connection's temporary table import_first_line the line of the
// file that first named each customer the run stored (inserted, updated or found
// existing): a later line with the same email is told from a customer that existed
// before by the unique index and this table, so the run's memory does not grow with
// the file (a digest per row held 134 MiB at 1M rows).
type customerImport struct {
	d    *DB
	conn *sql.Conn
	// texts are the generated statements by kind and rows, built once a run.
	texts map[[2]int]string
}

// Kinds of generated statement.
const (
	insertCustomers = iota
	insertFirstLines
)

// text returns the statement of kind for n rows.
func (r *customerImport) text(kind, n int) string {
	k := [2]int{kind, n}
	if q, ok := r.texts[k]; ok {
		return q
	}
	q := r.d.dl.importInsert(n)
	if kind == insertFirstLines {
		q = r.d.dl.firstLinesInsert(n)
	}
	r.texts[k] = q
	return q
}

// stmts prepares each statement once per transaction: an INSERT of a hundred rows
// takes longer to parse than to run.
type stmts struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

func (s *stmts) get(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.m[q]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.m[q] = st
	return st, nil
}

func (s *stmts) close() {
	for _, st := range s.m {
		st.Close()
	}
}

// ImportCustomers stores cs through one import run, numbered as the lines of a CSV file
// with a header (2, 3, …): the way tests and benchmarks fill a database as
// customer:import does.
func (d *DB) ImportCustomers(ctx context.Context, cs []*auth.Customer, now time.Time) error {
	imp, err := d.BeginImport(ctx)
	if err != nil {
		return err
	}
	lines := make([]int, len(cs))
	for i := range lines {
		lines[i] = i + 2
	}
	if _, err := imp.ImportBatch(ctx, cs, lines, nil, now, 0); err != nil {
		imp.Close()
		return err
	}
	return imp.Close()
}

// ImportBenchCustomers stores n customers, bench0@example.com to bench{n-1}@…, with ids
// 1 to n in an empty database and one fixed argon2id hash, in import runs of 10,000:
// the dataset the benchmarks of many distinct customers read.
func (d *DB) ImportBenchCustomers(ctx context.Context, n int, now time.Time) error {
	const hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef:saltsaltsaltsaltsaltsaltsaltsalt:3_32_2_67108864"
	cs := make([]*auth.Customer, 0, 10000)
	for i := range n {
		cs = append(cs, &auth.Customer{Email: "bench" + strconv.Itoa(i) + "@example.com", Firstname: "Bench", Lastname: "User",
			GroupID: 1, PasswordHash: hash, CreatedAt: now})
		if len(cs) == cap(cs) || i == n-1 {
			if err := d.ImportCustomers(ctx, cs, now); err != nil {
				return err
			}
			cs = cs[:0]
		}
	}
	return nil
}

// BeginImport starts an import run; Close ends it. On SQLite the run holds the one
// write connection, so this process writes nothing else until Close (other processes
// still write between its batches).
func (d *DB) BeginImport(ctx context.Context) (auth.ImportRun, error) {
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	// A connection from the pool may still hold the table of a run that could not drop it.
	for _, q := range []string{`DROP TABLE IF EXISTS import_first_line`,
		`CREATE TEMPORARY TABLE import_first_line (customer_id ` + d.dl.rowidKey + `, line BIGINT NOT NULL)`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, fmt.Errorf("begin import: %w", err)
		}
	}
	return &customerImport{d: d, conn: conn, texts: map[[2]int]string{}}, nil
}

// Close drops the run's table and gives its connection back.
func (r *customerImport) Close() error {
	if r.conn == nil {
		return nil
	}
	_, err := r.conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS import_first_line`)
	if cerr := r.conn.Close(); err == nil {
		err = cerr
	}
	r.conn = nil
	return err
}

// ImportBatch stores customers in one transaction; lines are their lines in the file.
// With update non-nil, existing emails get the listed columns updated instead of being
// skipped.
func (r *customerImport) ImportBatch(ctx context.Context, cs []*auth.Customer, lines []int, update map[string]bool, at time.Time, revokeBefore int64) ([]auth.ImportResult, error) {
	if r.conn == nil {
		return nil, errors.New("import batch after Close")
	}
	d := r.d
	out := make([]auth.ImportResult, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	keys := make([]string, len(cs))
	for i, c := range cs {
		keys[i] = auth.EmailKey(c.Email)
	}
	now := at.Unix()
	var sets, cols []string
	for _, u := range importUpdatable {
		if update[u.column] {
			cols = append(cols, u.column)
			sets = append(sets, fmt.Sprintf(u.set, fmt.Sprintf("$%d", len(cols))))
		}
	}
	tx, err := r.conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	st := &stmts{tx: tx, m: map[string]*sql.Stmt{}}
	err = func() error {
		defer st.close()
		var conflicts []int
		args := make([]any, 0, 16*importChunk)
		for lo := 0; lo < len(cs); lo += importChunk {
			hi := min(lo+importChunk, len(cs))
			args = args[:0]
			for i := lo; i < hi; i++ {
				c := cs[i]
				args = append(args, c.Email, c.Firstname, c.Lastname, c.Middlename, c.Prefix, c.Suffix, c.DateOfBirth, c.Taxvat,
					c.Gender, boolInt(c.AllowAssistance), c.GroupID, c.CreatedAt.Unix(), now, c.PasswordHash, c.Confirmation, keys[i])
			}
			ins, err := st.get(ctx, r.text(insertCustomers, hi-lo))
			if err != nil {
				return err
			}
			rows, err := ins.QueryContext(ctx, args...)
			if err != nil {
				return err
			}
			inserted := make(map[string]int64, hi-lo)
			for rows.Next() {
				var id int64
				var key string
				if err := rows.Scan(&id, &key); err != nil {
					rows.Close()
					return err
				}
				inserted[key] = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			// Of two rows with one key in a chunk the first was inserted: rows go in
			// in the order of VALUES.
			var firsts []any
			for i := lo; i < hi; i++ {
				id, ok := inserted[keys[i]]
				if !ok {
					conflicts = append(conflicts, i)
					continue
				}
				delete(inserted, keys[i])
				out[i] = auth.ImportResult{Outcome: auth.Inserted}
				firsts = append(firsts, id, lines[i])
			}
			if err := r.recordFirstLines(ctx, st, firsts); err != nil {
				return err
			}
		}
		if len(conflicts) == 0 {
			return nil
		}
		var upd *sql.Stmt
		if update != nil {
			// The SET list is built from importUpdatable only, never from the file.
			upd, err = st.get(ctx, `UPDATE customer SET `+strings.Join(append(sets, fmt.Sprintf("updated_at = $%d", len(cols)+1)), ", ")+fmt.Sprintf(" WHERE id = $%d", len(cols)+2))
			if err != nil {
				return err
			}
		}
		for _, i := range conflicts {
			c := cs[i]
			var id, first int64
			find, err := st.get(ctx, `SELECT c.id, COALESCE(l.line, 0) FROM customer c
				LEFT JOIN import_first_line l ON l.customer_id = c.id WHERE c.email_key = $1`)
			if err != nil {
				return err
			}
			err = find.QueryRowContext(ctx, keys[i]).Scan(&id, &first)
			if errors.Is(err, sql.ErrNoRows) {
				// Only the older ASCII-only email column knew it (an account of two that
				// fold to one key, see fillEmailKeys): it exists, and is not this one's.
				out[i] = auth.ImportResult{Outcome: auth.SkippedExisting}
				continue
			}
			if err != nil {
				return err
			}
			if first > 0 {
				out[i] = auth.ImportResult{Outcome: auth.DuplicateInFile, FirstLine: int(first)}
				continue
			}
			if err := r.recordFirstLines(ctx, st, []any{id, lines[i]}); err != nil {
				return err
			}
			if upd == nil {
				out[i] = auth.ImportResult{Outcome: auth.SkippedExisting}
				continue
			}
			// A new password hash ends the customer's tokens and sessions; a withdrawn
			// consent the tokens admins got for the customer (issue 14 items 11, 8).
			// Each UPDATE tells by RETURNING whether it changed the stored value.
			if update["password_hash"] && c.PasswordHash != "" {
				if err := revokeIfChanged(ctx, d, st, `UPDATE customer SET password_hash = $1 WHERE id = $2 AND password_hash <> $1 RETURNING id`,
					auth.UserTypeCustomer, revokeBefore, c.PasswordHash, id); err != nil {
					return err
				}
			}
			if update["allow_remote_shopping_assistance"] && !c.AllowAssistance {
				if err := revokeIfChanged(ctx, d, st, `UPDATE customer SET allow_assistance = 0 WHERE id = $1 AND allow_assistance <> 0 RETURNING id`,
					auth.RevokeAssistedFor, revokeBefore, id); err != nil {
					return err
				}
			}
			args := make([]any, 0, len(cols)+2)
			for _, col := range cols {
				args = append(args, importValue(c, col))
			}
			if _, err := upd.ExecContext(ctx, append(args, now, id)...); err != nil {
				return err
			}
			out[i] = auth.ImportResult{Outcome: auth.Updated}
		}
		return nil
	}()
	if err == nil {
		err = tx.Commit()
	} else {
		tx.Rollback()
	}
	d.cache.changed()
	if err != nil {
		return nil, err
	}
	return out, nil
}

// firstLinesInsert is the INSERT of n (customer id, line) pairs into the run's table.
func (dl dialect) firstLinesInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO import_first_line (customer_id, line) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		dl.params(&b, 2*i+1, 2)
	}
	return b.String()
}

// recordFirstLines stores (customer id, line) pairs in the run's table.
func (r *customerImport) recordFirstLines(ctx context.Context, st *stmts, pairs []any) error {
	if len(pairs) == 0 {
		return nil
	}
	ins, err := st.get(ctx, r.text(insertFirstLines, len(pairs)/2))
	if err != nil {
		return err
	}
	_, err = ins.ExecContext(ctx, pairs...)
	return err
}

// revokeIfChanged runs an UPDATE … RETURNING id and, when it changed a row, revokes the
// tokens of kind userType of that customer as of before.
func revokeIfChanged(ctx context.Context, d *DB, st *stmts, q string, userType int, before int64, args ...any) error {
	upd, err := st.get(ctx, q)
	if err != nil {
		return err
	}
	var id int64
	err = upd.QueryRowContext(ctx, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return d.revoke(ctx, st.tx, auth.Revocation{UserType: userType, UserID: id, BeforeMicro: before})
}

// EachCustomer streams every customer in id order.
func (d *DB) EachCustomer(ctx context.Context, fn func(*auth.Customer) error) error {
	rows, err := d.read.QueryContext(ctx, `SELECT `+customerColumns+` FROM customer ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}
