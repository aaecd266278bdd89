// Package pgtest gives tests a real PostgreSQL: a fresh database per test, on the
// server named by SHOPAUTH_TEST_POSTGRES, or else on a throw-away cluster started from
// the PostgreSQL binaries found on the machine (/usr/lib/postgresql/*/bin). Without
// either, tests skip with a message, except under CI=true, where they fail.
//
// A test package that uses it calls Main from its TestMain, so a cluster it started is
// stopped when the package's tests end.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// EnvBase names the variable holding a base DSN (a role allowed to CREATE DATABASE).
const EnvBase = "SHOPAUTH_TEST_POSTGRES"

// EnvEngine names the variable that, set to "postgres", makes the suites' usual test
// helpers (web/, the main package) run over PostgreSQL instead of a SQLite file.
const EnvEngine = "SHOPAUTH_TEST_DB"

// OnPostgres reports whether the whole suite was asked to run on PostgreSQL.
func OnPostgres() bool { return os.Getenv(EnvEngine) == "postgres" }

var (
	once    sync.Once
	base    string // base DSN once ready
	whyNot  string // why there is no PostgreSQL, when base is ""
	cluster *Cluster
)

// Main runs the tests and stops a cluster the package started. Use as
// func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if cluster != nil {
		cluster.Stop()
	}
	return code
}

// DSN returns the connection string of a new, empty database that is dropped when the
// test ends. It skips the test when no PostgreSQL can be had (fails under CI=true).
func DSN(t testing.TB) string {
	t.Helper()
	b := Base(t)
	name := "t_" + randHex(8)
	admin, err := sql.Open("pgx", b)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", b)
		if err != nil {
			return
		}
		defer a.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Base returns the base DSN (starting a cluster on first use), or skips the test.
func Base(t testing.TB) string {
	t.Helper()
	once.Do(setup)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pgtest: no PostgreSQL under CI: %s", whyNot)
		}
		t.Skipf("no PostgreSQL: %s (set %s to a base DSN, or install postgresql)", whyNot, EnvBase)
	}
	return base
}

func setup() {
	if b := os.Getenv(EnvBase); b != "" {
		base = b
		return
	}
	bin := FindBin()
	if bin == "" {
		whyNot = "no PostgreSQL binaries in /usr/lib/postgresql/*/bin"
		return
	}
	c, err := StartCluster(bin)
	if err != nil {
		whyNot = err.Error()
		return
	}
	cluster, base = c, c.DSN
}

// FindBin returns the newest /usr/lib/postgresql/N/bin holding initdb, or "".
func FindBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

func majorOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// Cluster is a throw-away PostgreSQL cluster in a temp dir.
type Cluster struct {
	Dir, Bin string
	Port     int
	DSN      string
	asUser   string // "postgres" when started by root, else ""
}

// StartCluster makes a new cluster with initdb (trust auth, no sync) and starts it on a
// free loopback port with fsync off: data that must survive a crash has no place here.
func StartCluster(bin string) (*Cluster, error) {
	reapStale(bin)
	dir, err := os.MkdirTemp("", "shopauth-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, Bin: bin}
	role := ""
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the cluster belongs to the postgres user.
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.asUser, role = "postgres", "postgres"
	} else if u, err := user.Current(); err == nil {
		role = u.Username
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-A", "trust", "--no-sync", "-U", role, "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	var lastErr error
	for try := 0; try < 5; try++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", port)
		out, err := c.run("pg_ctl", "-D", data, "-w", "-t", "60", "-l", filepath.Join(dir, "log"), "-o", opts, "start")
		if err == nil {
			// Whose cluster this is: a test binary that dies before Main stops it (a
			// panic, a timeout) leaves it running, and the next StartCluster stops it.
			os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644)
			c.Port = port
			c.DSN = fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", role, port)
			return c, nil
		}
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		lastErr = fmt.Errorf("pg_ctl start: %v: %s %s", err, out, lastLines(string(log), 5))
		if !strings.Contains(string(log), "in use") {
			break
		}
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

// reapStale stops and removes the clusters of test processes that are gone.
func reapStale(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "shopauth-pg-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue // still starting, or not made by this package
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); err == nil || errors.Is(err, syscall.EPERM) {
			continue // its owner still runs
		}
		c := &Cluster{Dir: d, Bin: bin}
		if os.Geteuid() == 0 {
			c.asUser = "postgres"
		}
		c.Stop()
	}
}

// Stop stops the cluster at once and removes its files.
func (c *Cluster) Stop() {
	c.run("pg_ctl", "-D", filepath.Join(c.Dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.Dir)
}

func (c *Cluster) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.Bin, name), args...)
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", filepath.Join(c.Bin, name)}, args...)...)
	}
	cmd.Dir = c.Dir
	return cmd.CombinedOutput()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
