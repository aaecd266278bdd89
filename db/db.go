// Package db stores shopauth's data in SQLite (one connection for writes, a small pool
// for reads) or PostgreSQL (one pool), with embedded numbered migrations per engine
// under the same numbers. The SQL is one text for both; dialect.go holds what differs.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the pure-Go "pgx" driver
	_ "modernc.org/sqlite"             // registers the pure-Go "sqlite" driver
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// DB is an open shopauth database, SQLite or PostgreSQL.
type DB struct {
	// write has one connection on SQLite: SQLite allows one writer, and read-then-write
	// transactions on a shared pool deadlock into SQLITE_BUSY (go-stack.md §3). On
	// PostgreSQL write and read are the same pool.
	write *sql.DB
	read  *sql.DB
	dl    dialect
	// Path is the database as given to Open (a file name or a DSN; see Redact).
	Path string
	dsn  string
	// Prepared once on SQLite: parsing SQL cost more than running it on the hot read
	// path. Nil on PostgreSQL, where pgx caches statements per connection itself and an
	// explicit prepare would not survive a transaction-pooling PgBouncer.
	customerByID    *sql.Stmt
	customerByEmail *sql.Stmt
	// The account page's reads: a customer's addresses and attribute values.
	addressesByCustomer *sql.Stmt
	valuesByCustomer    *sql.Stmt
	cache               *customerCache
	rateSwept           atomic.Int64 // when rate_limit was last pruned (unix µs)
	clock               Clock
	// Created is true when Open made the schema from nothing (a new database).
	Created bool
}

// DefaultPoolSize is the PostgreSQL connection pool of one process unless the DSN says
// pool_max_conns=N.
const DefaultPoolSize = 10

// ErrSchemaNewer is returned by Open when the database was migrated by a newer shopauth.
var ErrSchemaNewer = errors.New("database schema is newer than this shopauth")

// Open opens the database named by dsn and applies migrations: a postgres:// or
// postgresql:// URL is PostgreSQL, anything else a SQLite file (created if needed).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// sqliteCacheSize caps each connection's page cache at 512 KiB (SQLite's default is
// 2000 KiB, and there are five connections). The system's file cache holds the
// database's pages anyway, and cached customers do not reach SQLite; with 1M customers
// the default let idle RSS grow 2.6 MiB and a sign-in flood's peak 2.6 MiB, for no
// measured gain in first reads (loadbench -customers 200000 -only read -log off: 13658
// and 12434 req/s with the default, 12488 and 12716 with 512 KiB; peak RSS of the
// 100k-customer reads 86.9 -> 72.7 MiB).
const sqliteCacheSize = "&_pragma=cache_size(-512)"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
		sqliteCacheSize
	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return finishOpen(ctx, &DB{write: w, read: r, dl: sqliteDialect, Path: path, dsn: base})
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	// pool_max_conns is pgxpool's name for the pool size; pgx itself would send it to
	// the server as a setting, so it is taken out here.
	size := DefaultPoolSize
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redact(dsn), err)
	}
	q := u.Query()
	if v := q.Get("pool_max_conns"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("open %s: pool_max_conns must be a positive number", Redact(dsn))
		}
		size = n
		q.Del("pool_max_conns")
		u.RawQuery = q.Encode()
	}
	p, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redact(dsn), err)
	}
	p.SetMaxOpenConns(size)
	p.SetMaxIdleConns(size)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("open %s: %w", Redact(dsn), err)
	}
	return finishOpen(ctx, &DB{write: p, read: p, dl: postgresDialect, Path: dsn, dsn: u.String()})
}

func finishOpen(ctx context.Context, d *DB) (*DB, error) {
	d.cache = newCustomerCache()
	d.clock.Local = time.Now
	if err := d.migrateRetrying(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.prepare(ctx); err != nil {
		d.Close()
		return nil, err
	}
	// The cache starts empty: RefreshCache need only drop what changes from here on.
	var err error
	if d.cache.seq, err = d.customerSeq(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("read change_counter: %w", err)
	}
	if _, _, err := d.MeasureClock(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("read the database's clock: %w", err)
	}
	return d, nil
}

// Engine returns "sqlite" or "postgres".
func (d *DB) Engine() string { return d.dl.name }

// Close closes the pools.
func (d *DB) Close() error {
	err1 := d.write.Close()
	if d.read == d.write {
		return err1
	}
	err2 := d.read.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

// Ping checks that the database can be read and is migrated (for /healthz); SELECT 1
// alone would answer without touching the file (or, on PostgreSQL, the database).
// On PostgreSQL it goes through the pool, so a lost or refused connection fails it;
// it gives up after 3 s, so a load balancer's probe gets an answer.
func (d *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var n int
	if err := d.read.QueryRowContext(ctx, "SELECT count(*) FROM schema_migration").Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errors.New("database not migrated")
	}
	return nil
}

// migrationLockID is the PostgreSQL advisory lock that instances started together take
// before migrating, so exactly one of them migrates and the others then find it done.
const migrationLockID = 0x73686f7061757468 // "shopauth"

// migrations returns the embedded migrations of the engine by number.
func migrations(engine string) (map[int]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/"+engine+"/*.sql")
	if err != nil {
		return nil, err
	}
	out := map[int]string{}
	for _, name := range names {
		base := path.Base(name)
		num, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		if _, dup := out[num]; dup {
			return nil, fmt.Errorf("migration %s: number %d used twice", base, num)
		}
		out[num] = name
	}
	return out, nil
}

// migrateRetrying migrates, trying again for up to 10 s while SQLite answers
// SQLITE_BUSY: processes opening one new file at the same moment race to switch it to
// WAL, and SQLite refuses that switch at once instead of waiting out busy_timeout.
func (d *DB) migrateRetrying(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		d.Created = false // a failed try rolled back what it made
		err := d.migrate(ctx)
		if err == nil || d.dl.name != "sqlite" || !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

func (d *DB) migrate(ctx context.Context) error {
	all, err := migrations(d.dl.name)
	if err != nil {
		return err
	}
	nums := make([]int, 0, len(all))
	for n := range all {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if d.dl.name == "postgres" {
		// Held until this transaction ends; PostgreSQL's DDL is transactional, so the
		// next instance in line sees every migration applied or none.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLockID)); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`+d.dl.strict); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied := map[int]bool{}
	newest := 0
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migration`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: %w", err)
		}
		applied[v] = true
		newest = max(newest, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if known := nums[len(nums)-1]; newest > known {
		return fmt.Errorf("%w: the database is at migration %d, this binary knows up to %d; run the newer shopauth (or restore a backup made before it)",
			ErrSchemaNewer, newest, known)
	}
	for _, num := range nums {
		if applied[num] {
			continue
		}
		if num == 1 {
			d.Created = true
		}
		name := all[num]
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", path.Base(name), err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migration (version, name) VALUES ($1, $2)`, num, path.Base(name)); err != nil {
			return fmt.Errorf("migration %s: %w", path.Base(name), err)
		}
	}
	// Migration 0008's Go step; it also keys rows that a binary from before 0008
	// wrote into a migrated file.
	if err := fillEmailKeys(ctx, tx, time.Now()); err != nil {
		return fmt.Errorf("migration 0008_customer_email_key: %w", err)
	}
	if err := fillSubscriberKeys(ctx, tx); err != nil {
		return fmt.Errorf("migration 0012_newsletter: %w", err)
	}
	return tx.Commit()
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE), committing when fn succeeds.
func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
