package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// dialect is everything that differs between SQLite and PostgreSQL. Every statement
// in db/ is one text for both engines ($N placeholders, ON CONFLICT upserts, RETURNING,
// integer unix times computed in Go); where the engines cannot share a text, the
// statement asks its dialect for the differing part. Kept this small on purpose: a
// second copy of each query per engine would drift (ory/kratos keeps one persister with
// a dialect switch for the same reason).
type dialect struct {
	// name is "sqlite" or "postgres", also the migrations' directory.
	name string
	// forUpdate ends a SELECT of rows the transaction goes on to change. PostgreSQL's
	// READ COMMITTED lets two transactions read the same row and both write from what
	// they read, so the row is locked; SQLite's BEGIN IMMEDIATE already holds the
	// database's one write lock.
	forUpdate string
	// skipLocked ends a SELECT that claims rows (the outbox): each instance takes rows
	// nobody else holds, instead of waiting for them.
	skipLocked string
	// ilike is a LIKE that ignores case (the admin page's search): SQLite's LIKE folds
	// ASCII already, PostgreSQL's does not.
	ilike string
	// strict ends a CREATE TABLE: SQLite's STRICT type checking; PostgreSQL is strict.
	strict string
	// rowidKey is an integer primary key column type: SQLite stores the table in that
	// key's order only when it is spelled INTEGER PRIMARY KEY; PostgreSQL's INTEGER is
	// 32 bits.
	rowidKey string
	// anonParams: a generated statement of many rows (the import's INSERT) writes its
	// placeholders as ? on SQLite. modernc.org/sqlite looks every $N up by name, a
	// linear scan of the statement's parameters, at prepare and again at each bind: a
	// 1600-parameter INSERT spent 60 % of an import there.
	anonParams bool
}

// params writes the placeholders of one row of n values, the first one number from,
// as "($from, …)", or "(?, …)" where anonParams.
func (dl dialect) params(b *strings.Builder, from, n int) {
	b.WriteByte('(')
	for j := range n {
		if j > 0 {
			b.WriteString(", ")
		}
		if dl.anonParams {
			b.WriteByte('?')
		} else {
			b.WriteString("$" + strconv.Itoa(from+j))
		}
	}
	b.WriteByte(')')
}

var (
	sqliteDialect   = dialect{name: "sqlite", ilike: "LIKE", strict: " STRICT", rowidKey: "INTEGER PRIMARY KEY", anonParams: true}
	postgresDialect = dialect{name: "postgres", forUpdate: " FOR UPDATE", skipLocked: " FOR UPDATE SKIP LOCKED", ilike: "ILIKE",
		rowidKey: "BIGINT PRIMARY KEY"}
)

// IsPostgres reports whether dsn names a PostgreSQL database (postgres:// or
// postgresql://) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	l := strings.ToLower(dsn)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// Redact returns dsn fit for a log line or a page: a PostgreSQL URL without its
// password; a SQLite file name unchanged.
func Redact(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.Redacted()
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func (dl dialect) isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// lock serialises the transactions that take the same key until they end, for a
// read-then-write with no row to lock (counting recent mails to an address before
// queueing one). PostgreSQL: a transaction-scoped advisory lock; SQLite: nothing, as
// the transaction holds the one write lock.
func (dl dialect) lock(ctx context.Context, tx *sql.Tx, key string) error {
	if dl.name != "postgres" {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(h.Sum64()))
	return err
}

// foldEq compares the admin username with a parameter ignoring ASCII case, alike on
// both engines: SQLite's column is COLLATE NOCASE (A-Z only); PostgreSQL's has a unique
// index on lower(column COLLATE "C"), which folds A-Z only too, whatever the database's
// locale, and which this form uses. (Customer emails are compared by auth.EmailKey in
// Go, Unicode-wide, on both.)
func (dl dialect) foldEq(column, param string) string {
	if dl.name == "postgres" {
		return `lower(` + column + ` COLLATE "C") = lower(` + param + ` COLLATE "C")`
	}
	return column + " = " + param
}

// snapshot is the isolation level of a read that must see one moment of the whole
// database (db:copy): SQLite's read transaction already does; PostgreSQL's READ
// COMMITTED would see each statement's own moment.
func (dl dialect) snapshot() sql.IsolationLevel {
	if dl.name == "postgres" {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
}

// resetIdentities moves each table's id generator past the ids Copy inserted:
// PostgreSQL's identity sequences do not follow explicit ids; SQLite's AUTOINCREMENT
// counter does.
func (dl dialect) resetIdentities(ctx context.Context, tx *sql.Tx, tables []string) error {
	if dl.name != "postgres" {
		return nil
	}
	for _, t := range tables {
		var seq sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id') FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'`, t).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !seq.Valid {
			continue // no id column, or not an identity
		}
		if err != nil {
			return fmt.Errorf("reset %s ids: %w", t, err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT setval($1, COALESCE((SELECT MAX(id) FROM `+t+`), 0) + 1, false)`, seq.String); err != nil {
			return fmt.Errorf("reset %s ids: %w", t, err)
		}
	}
	return nil
}
