// Command loadbench measures shopauth's hot paths on this machine: it builds the real
// server, generates a dataset directly through db/ (customers, and past sign-outs spread
// over a year), and drives the workloads at a fixed concurrency against 127.0.0.1, with
// request logging on and off.
//
//	go run ./cmd/loadbench [-c 16] [-d 3s] [-pairs 3] [-customers 1000000] [-distinct 100000] [-import 1000000]
//	                       [-db postgres|DSN] [-instances N] [-log both|on|off]
//
// This machine's speed swings from one run to the next, so the figures that are ratios
// come from alternating phases: each pair measures the bare net/http floor, a read by one
// customer and reads spread over many distinct customers back to back (after one first
// read of each of those customers, a phase of its own), and the summary
// gives the median of the per-pair ratios. Start-up time and idle RSS are taken on an
// empty database and on the generated one; customer:import runs the binary over a
// generated CSV and reports its wall time and peak RSS.
//
// -db postgres runs the server on a throw-away PostgreSQL cluster (the binaries in
// /usr/lib/postgresql/*/bin, fsync off), -db postgres://… on an empty database of yours;
// -instances N starts N servers on the one database, the clients taking them in turn.
//
// Every request goes to loopback only and each phase stops after its duration.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"shopauth/auth"
	"shopauth/db"
	"shopauth/db/pgtest"
)

const password = "Passw0rd!"

type config struct {
	conc, pairs                   int
	dur                           time.Duration
	customers, signouts, distinct int
	importRows                    int
	skipSignIn, skipFlood         bool // -only without signin, flood
}

func main() {
	if os.Getenv("LOADBENCH_FLOOR") != "" {
		serveFloor(os.Getenv("LOADBENCH_FLOOR"))
		return
	}
	var cfg config
	flag.IntVar(&cfg.conc, "c", 16, "concurrent clients")
	flag.DurationVar(&cfg.dur, "d", 3*time.Second, "duration of each phase")
	flag.IntVar(&cfg.pairs, "pairs", 3, "alternating floor/read rounds (at least 3)")
	flag.IntVar(&cfg.customers, "customers", 1000, "customers to generate")
	flag.IntVar(&cfg.signouts, "signouts", -1, "past sign-outs to generate, spread over the last year (default: one per customer)")
	flag.IntVar(&cfg.distinct, "distinct", 100000, "distinct customers the spread read phase uses (at most customers/2)")
	flag.IntVar(&cfg.importRows, "import", 0, "rows of the customer:import measurement (0: skip it)")
	flag.StringVar(&dbFlag, "db", "", "database: empty for a temp SQLite file, postgres for a throw-away cluster, or a postgres:// URL of an empty database")
	flag.IntVar(&instances, "instances", 1, "servers on the one database")
	logs := flag.String("log", "both", "request logging: both, on or off")
	only := flag.String("only", "", "run only these phases, comma-separated: signin, flood (200 sign-ins at once), read, import (default: all)")
	flag.BoolVar(&fastHash, "fasthash", false, "cheap argon2id in the servers (SHOPAUTH_INSECURE_FAST_HASH), so sign-in measures the database path, not the hash")
	flag.Parse()
	switch *logs {
	case "both":
		logModes = []bool{true, false}
	case "on":
		logModes = []bool{true}
	case "off":
		logModes = []bool{false}
	default:
		fmt.Fprintln(os.Stderr, "loadbench: -log is both, on or off")
		os.Exit(2)
	}
	if *only != "" {
		want := map[string]bool{}
		for _, p := range strings.Split(*only, ",") {
			switch p = strings.TrimSpace(p); p {
			case "signin", "flood", "read", "import":
				want[p] = true
			default:
				fmt.Fprintf(os.Stderr, "loadbench: -only takes signin, flood, read and import, not %q\n", p)
				os.Exit(2)
			}
		}
		cfg.skipSignIn, cfg.skipFlood = !want["signin"], !want["flood"]
		if !want["read"] {
			logModes = nil
		}
		if !want["import"] {
			cfg.importRows = 0
		}
	}
	if cfg.signouts < 0 {
		cfg.signouts = cfg.customers
	}
	if cfg.pairs < 3 {
		cfg.pairs = 3
	}
	if cfg.customers < 4 {
		cfg.customers = 4
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

var (
	fastHash  bool
	dbFlag    string
	instances int
	logModes  []bool
)

// openDB returns the --db of the servers and a function that removes what it made.
func openDB(dir string) (string, func(), error) {
	switch {
	case dbFlag == "":
		return filepath.Join(dir, "bench.db"), func() {}, nil
	case dbFlag == "postgres":
		bin := pgtest.FindBin()
		if bin == "" {
			return "", nil, errors.New("-db postgres: no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
		}
		c, err := pgtest.StartCluster(bin)
		if err != nil {
			return "", nil, err
		}
		return c.DSN, c.Stop, nil
	default:
		return dbFlag, func() {}, nil
	}
}

// roundRobin hands out the servers' base URLs in turn.
type roundRobin struct {
	bases []string
	next  atomic.Int64
}

func (r *roundRobin) pick() string { return r.bases[int(r.next.Add(1))%len(r.bases)] }

// startServers starts instances servers with args and returns them.
func startServers(bin string, args ...string) ([]*exec.Cmd, *roundRobin, error) {
	rr := &roundRobin{}
	var procs []*exec.Cmd
	for range instances {
		p, base, err := startProc(bin, args...)
		if err != nil {
			for _, p := range procs {
				stopProc(p)
			}
			return nil, nil, err
		}
		procs = append(procs, p)
		rr.bases = append(rr.bases, base)
	}
	return procs, rr, nil
}

// serveFloor is the floor: a bare net/http handler writing a constant JSON body.
func serveFloor(addr string) {
	body := []byte(`{"data":{"customer":{"email":"customer@example.com","firstname":"John"}}}` + "\n")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		panic(err)
	}
	fmt.Println("listening on http://" + ln.Addr().String())
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
}

type result struct {
	name     string
	requests int64
	errors   int64
	rps      float64
	p50, p99 time.Duration
	peakRSS  int64         // KiB
	cpu      time.Duration // the server's CPU time per request; 0 when not measured
}

// dataset is what the generated database holds for the phases.
type dataset struct {
	emails   []string // every customer, by index
	one      string   // the token of the single-customer read
	distinct []string // tokens of the spread read, one per customer
	mixed    []int    // customers (indexes into emails) the mixed phase signs in and out
	mixedTok []string
	took     time.Duration
}

func run(cfg config) error {
	dir, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "shopauth")
	fmt.Fprintln(os.Stderr, "building shopauth…")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build (run from the repository root): %w", err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 120 * time.Second}

	emptyStart, emptyRSS, err := startup(client, bin, filepath.Join(dir, "empty.db"))
	if err != nil {
		return err
	}

	params := auth.DefaultHashParams
	if fastHash {
		params = auth.CheapHashParams
	}
	hasher := auth.NewHasher(params, 0, rand.Reader)
	stored, err := hasher.Hash(context.Background(), password)
	if err != nil {
		return err
	}
	dbf, cleanup, err := openDB(dir)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(os.Stderr, "generating %d customers and %d past sign-outs…\n", cfg.customers, cfg.signouts)
	ds, err := generate(context.Background(), dbf, cfg, stored)
	if err != nil {
		return fmt.Errorf("generate dataset: %w", err)
	}
	dataStart, dataRSS, err := startup(client, bin, dbf)
	if err != nil {
		return err
	}

	var results []result
	var signRatios []float64
	var readRatios, spreadRatios [2][]float64
	var spreadPeak [2]int64
	var firstReads [2]result
	var oneRPS, oneCPU [2][]float64

	// Sign-in against the hash ceiling: the same verifications called directly, same
	// concurrency, alternating.
	if !cfg.skipSignIn || !cfg.skipFlood {
		procs, rr, err := startServers(bin, "serve", "--quiet", "--addr", "127.0.0.1:0", "--db", dbf)
		if err != nil {
			return err
		}
		pid := procs[0].Process.Pid
		for p := 1; p <= cfg.pairs && !cfg.skipSignIn; p++ {
			ceiling := measure(fmt.Sprintf("1 hash ceiling (direct) #%d", p), cfg.conc, cfg.dur, 0, func(int) error {
				ok, _, err := hasher.Verify(context.Background(), password, stored)
				if !ok {
					return errors.New("verify failed")
				}
				return err
			})
			signIn := measure(fmt.Sprintf("2 sign-in #%d", p), cfg.conc, cfg.dur, pid, func(int) error {
				_, err := signInAs(client, rr.pick(), ds.emails[mrand.IntN(len(ds.emails))])
				return err
			})
			results = append(results, ceiling, signIn)
			signRatios = append(signRatios, signIn.rps/ceiling.rps)
		}
		// Memory while 200 sign-ins wait for the hash slots.
		if !cfg.skipFlood {
			results = append(results, measure("2b sign-in, 200 waiting", 200, cfg.dur, pid, func(int) error {
				_, err := signInAs(client, rr.pick(), ds.emails[mrand.IntN(len(ds.emails))])
				return err
			}))
		}
		for _, p := range procs {
			stopProc(p)
		}
	}

	for li, logging := range logModes {
		label := "log on"
		args := []string{"serve", "--addr", "127.0.0.1:0", "--db", dbf}
		if !logging {
			label = "log off"
			args = append(args, "--quiet")
		}
		floorProc, floorBase, err := startFloor()
		if err != nil {
			return err
		}
		procs, rr, err := startServers(bin, args...)
		if err != nil {
			return err
		}
		pid := procs[0].Process.Pid
		floorBody := []byte(`{"query":"{customer{email firstname}}"}`)
		readBody := []byte(`{"query":"{ customer { email firstname } }"}`)
		// Each distinct customer's first read (its token verified, the customer read from
		// the database), once, in random order: the spread reads below then measure
		// customers the server has seen, as a shop's returning customers are, rather
		// than mostly first uses (a 3 s phase reaches a fifth of 100k customers).
		var next atomic.Int64
		firstOrder := mrand.Perm(len(ds.distinct))
		firstReads[li] = measure(fmt.Sprintf("5a first read of each of %d customers (%s)", len(ds.distinct), label), cfg.conc, time.Hour, pid, func(int) error {
			i := next.Add(1) - 1
			if i >= int64(len(firstOrder)) {
				return errPhaseDone
			}
			return read(client, rr.pick(), ds.distinct[firstOrder[i]], readBody)
		})
		results = append(results, firstReads[li])
		for p := 1; p <= cfg.pairs; p++ {
			floor := measure(fmt.Sprintf("3 floor (%s) #%d", label, p), cfg.conc, cfg.dur, floorProc.Process.Pid, func(int) error {
				_, err := postRead(client, floorBase+"/graphql", "", floorBody)
				return err
			})
			one := measure(fmt.Sprintf("4 read, 1 customer (%s) #%d", label, p), cfg.conc, cfg.dur, pid, func(int) error {
				return read(client, rr.pick(), ds.one, readBody)
			})
			spread := measure(fmt.Sprintf("5 read, %d customers (%s) #%d", len(ds.distinct), label, p), cfg.conc, cfg.dur, pid, func(int) error {
				return read(client, rr.pick(), ds.distinct[mrand.IntN(len(ds.distinct))], readBody)
			})
			results = append(results, floor, one, spread)
			readRatios[li] = append(readRatios[li], one.rps/floor.rps)
			oneRPS[li] = append(oneRPS[li], one.rps)
			oneCPU[li] = append(oneCPU[li], float64(one.cpu))
			spreadRatios[li] = append(spreadRatios[li], spread.rps/one.rps)
			spreadPeak[li] = max(spreadPeak[li], spread.peakRSS)
		}
		stopProc(floorProc)
		// What a reverse proxy asks before each request to the shop's own backend.
		results = append(results, measure("5b forward-auth ("+label+")", cfg.conc, cfg.dur, pid, func(int) error {
			req, _ := http.NewRequest("GET", rr.pick()+"/forward-auth", nil)
			req.Header.Set("Authorization", "Bearer "+ds.distinct[mrand.IntN(len(ds.distinct))])
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("X-Customer-Id") == "" {
				return fmt.Errorf("forward-auth: %d", res.StatusCode)
			}
			return nil
		}))

		var tokMu sync.RWMutex
		tokens := ds.mixedTok
		results = append(results, measure("6 mixed 90/9/1 ("+label+")", cfg.conc, cfg.dur, pid, func(w int) error {
			i := mrand.IntN(len(ds.mixed))
			tokMu.RLock()
			tok := tokens[i]
			tokMu.RUnlock()
			switch n := mrand.IntN(100); {
			case n < 90:
				status, body, err := post(client, rr.pick()+"/graphql", tok, readBody)
				if status == 401 && strings.Contains(body, "User token has been revoked") {
					return nil // another client revoked this customer meanwhile: a correct answer
				}
				if err == nil && (status != 200 || !strings.Contains(body, `"email"`)) {
					err = fmt.Errorf("read: %d %s", status, body)
				}
				return err
			case n < 99:
			default:
				if _, _, err := gql(client, rr.pick(), tok, `mutation{revokeCustomerToken{result}}`); err != nil {
					return err
				}
			}
			tok, err := signInAs(client, rr.pick(), ds.emails[ds.mixed[i]])
			if err == nil {
				tokMu.Lock()
				tokens[i] = tok
				tokMu.Unlock()
			}
			return err
		}))
		for _, p := range procs {
			stopProc(p)
		}
	}

	var imp importResult
	if cfg.importRows > 0 {
		if imp, err = measureImport(bin, dir, cfg.importRows, stored); err != nil {
			return err
		}
	}

	sort.SliceStable(results, func(i, j int) bool { return results[i].name[0] < results[j].name[0] })
	engine := "SQLite"
	if dbFlag != "" {
		engine = "PostgreSQL"
	}
	hash := "argon2id 64 MiB"
	if fastHash {
		hash = "cheap argon2id (-fasthash)"
	}
	fmt.Printf("\nshopauth loadbench: %s, %d instance(s), %s, concurrency %d, %s per phase, %d pairs, GOMAXPROCS=%s, %d cores\n",
		engine, instances, hash, cfg.conc, cfg.dur, cfg.pairs, envOr("GOMAXPROCS", "all cores"), numCPU())
	fmt.Printf("dataset: %d customers, %d past sign-outs over a year, generated in %s\n\n", cfg.customers, cfg.signouts, ds.took.Round(100*time.Millisecond))
	fmt.Printf("%-40s %10s %8s %10s %10s %14s %16s\n", "phase", "req/s", "errors", "p50", "p99", "peak RSS MiB", "server CPU/req")
	for _, r := range results {
		cpu := "-"
		if r.cpu > 0 {
			cpu = r.cpu.Round(100 * time.Nanosecond).String()
		}
		fmt.Printf("%-40s %10.0f %8d %10s %10s %14.1f %16s\n", r.name, r.rps, r.errors, r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), float64(r.peakRSS)/1024, cpu)
	}
	fmt.Println()
	fmt.Printf("start-up, exec to first served request: empty SQLite database %s, dataset %s (median of 3)\n", emptyStart.Round(time.Millisecond), dataStart.Round(time.Millisecond))
	fmt.Printf("idle RSS 1 s after start-up: empty SQLite database %.1f MiB, dataset %.1f MiB\n", float64(emptyRSS)/1024, float64(dataRSS)/1024)
	fmt.Printf("sign-in / hash ceiling: median %s\n", pct(signRatios))
	for li, logging := range logModes {
		label := map[bool]string{true: "log on", false: "log off"}[logging]
		fmt.Printf("read 1 customer / floor (%s): median %s\n", label, pct(readRatios[li]))
		fmt.Printf("read %d customers / read 1 customer (%s): median %s; peak RSS %.1f MiB\n", len(ds.distinct), label, pct(spreadRatios[li]), float64(spreadPeak[li])/1024)
		fmt.Printf("first read of each of %d customers (%s): %.0f req/s, %.0f %% of the median read by 1 customer; peak RSS %.1f MiB\n",
			len(ds.distinct), label, firstReads[li].rps, 100*firstReads[li].rps/median(oneRPS[li]), float64(firstReads[li].peakRSS)/1024)
		if c := time.Duration(median(oneCPU[li])); c > 0 && firstReads[li].cpu > 0 {
			fmt.Printf("server CPU per request (%s): %s per first read, %s per read of 1 customer (median)\n",
				label, firstReads[li].cpu.Round(100*time.Nanosecond), c.Round(100*time.Nanosecond))
		}
	}
	if cfg.importRows > 0 {
		fmt.Printf("customer:import of %d rows: %s, peak RSS %.1f MiB (%s)\n", cfg.importRows, imp.took.Round(100*time.Millisecond), float64(imp.peakRSS)/1024, imp.summary)
	}
	return nil
}

// median is the median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

// pct gives the median of ratios as a percentage, with the per-pair figures.
func pct(rs []float64) string {
	if len(rs) == 0 {
		return "-"
	}
	s := append([]float64(nil), rs...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.0f", 100*r)
	}
	return fmt.Sprintf("%.1f %% (pairs: %s)", 100*m, strings.Join(parts, ", "))
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "\nprocessor") + map[bool]int{true: 1, false: 0}[strings.HasPrefix(string(b), "processor")]
}

// generate writes the dataset straight through db/: customers in batches of 10,000 rows
// (all with the same argon2id hash of password), one past sign-out per customer in
// turn, at random times over the last year, and tokens for the read phases.
func generate(ctx context.Context, path string, cfg config, hash string) (*dataset, error) {
	start := time.Now()
	d, err := db.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	svc := auth.NewService(d, auth.NewHasher(auth.CheapHashParams, 0, rand.Reader))
	if err := svc.Start(ctx); err != nil { // generates crypt/key
		return nil, err
	}
	for _, kv := range [][2]string{{auth.PathSignInRateLimit, "0"}, {auth.PathThrottleMaxFailures, "0"}} {
		if err := svc.SetSetting(ctx, kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	ds := &dataset{emails: make([]string, cfg.customers)}
	now := time.Now().UTC().Truncate(time.Second)
	const batch = 10000
	cs := make([]*auth.Customer, 0, batch)
	lines := make([]int, 0, batch)
	imp, err := d.BeginImport(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ds.emails {
		ds.emails[i] = "bench" + strconv.Itoa(i) + "@example.com"
		cs = append(cs, &auth.Customer{Email: ds.emails[i], Firstname: "Bench", Lastname: "User", GroupID: 1,
			PasswordHash: hash, CreatedAt: now.Add(-time.Duration(mrand.Int64N(int64(365 * 24 * time.Hour))))})
		lines = append(lines, i+2)
		if len(cs) == batch || i == len(ds.emails)-1 {
			out, err := imp.ImportBatch(ctx, cs, lines, nil, now, 0)
			if err != nil {
				imp.Close()
				return nil, err
			}
			for _, o := range out {
				if o.Outcome != auth.Inserted {
					imp.Close()
					return nil, errors.New("the dataset's database was not empty")
				}
			}
			cs, lines = cs[:0], lines[:0]
		}
	}
	if err := imp.Close(); err != nil {
		return nil, err
	}
	// A new database numbers customers from 1 in insertion order; check the ends.
	for _, i := range []int{0, len(ds.emails) - 1} {
		c, err := d.CustomerByEmail(ctx, ds.emails[i])
		if err != nil || c.ID != int64(i+1) {
			return nil, fmt.Errorf("customer %s has id %v (%v), want %d", ds.emails[i], c, err, i+1)
		}
	}
	year := (365 * 24 * time.Hour).Microseconds()
	nowUS := now.UnixMicro()
	rs := make([]auth.Revocation, 0, batch)
	for i := 0; i < cfg.signouts; i++ {
		rs = append(rs, auth.Revocation{UserType: auth.UserTypeCustomer, UserID: int64(i%cfg.customers) + 1,
			BeforeMicro: nowUS - 1e6 - mrand.Int64N(year)})
		if len(rs) == batch || i == cfg.signouts-1 {
			if err := d.RevokeMany(ctx, rs); err != nil {
				return nil, err
			}
			rs = rs[:0]
		}
	}

	// Tokens, issued now (after every sign-out above) as a sign-in would.
	order := mrand.Perm(cfg.customers)
	nd := min(cfg.distinct, cfg.customers/2)
	nm := min(1000, cfg.customers-1-nd)
	issue := func(i int) (string, error) { return svc.IssueCustomerToken(ctx, int64(i+1), 0) }
	if ds.one, err = issue(order[0]); err != nil {
		return nil, err
	}
	for _, i := range order[1 : 1+nd] {
		t, err := issue(i)
		if err != nil {
			return nil, err
		}
		ds.distinct = append(ds.distinct, t)
	}
	for _, i := range order[1+nd : 1+nd+nm] {
		t, err := issue(i)
		if err != nil {
			return nil, err
		}
		ds.mixed, ds.mixedTok = append(ds.mixed, i), append(ds.mixedTok, t)
	}
	ds.took = time.Since(start)
	return ds, nil
}

// startup starts the server over path three times and gives the median time from exec
// to its first served request, and its RSS one second after the last start.
func startup(client *http.Client, bin, path string) (time.Duration, int64, error) {
	var times []time.Duration
	var idle int64
	for i := 0; i < 3; i++ {
		start := time.Now()
		srv, base, err := startProc(bin, "serve", "--quiet", "--addr", "127.0.0.1:0", "--db", path)
		if err != nil {
			return 0, 0, err
		}
		if _, err := get(client, base+"/healthz"); err != nil {
			stopProc(srv)
			return 0, 0, err
		}
		times = append(times, time.Since(start))
		if i == 2 {
			time.Sleep(time.Second)
			idle = rss(srv.Process.Pid, "VmRSS")
		}
		stopProc(srv)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[1], idle, nil
}

type importResult struct {
	took    time.Duration
	peakRSS int64 // KiB
	summary string
}

// measureImport writes a CSV of n customers (with password hashes, as a Magento export
// has them) and runs customer:import over a new database.
func measureImport(bin, dir string, n int, hash string) (importResult, error) {
	fmt.Fprintf(os.Stderr, "customer:import of %d rows…\n", n)
	csvPath := filepath.Join(dir, "import.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		return importResult{}, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("email,firstname,lastname,password_hash,created_at\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "import%d@example.com,Import,Customer%d,%s,2024-01-02 03:04:05\n", i, i, hash)
	}
	if err := w.Flush(); err != nil {
		return importResult{}, err
	}
	f.Close()
	cmd := exec.Command(bin, "customer:import", csvPath, "--db", filepath.Join(dir, "import.db"))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return importResult{}, err
	}
	// The child's rusage maxrss would include this process's own (the exec'd child
	// inherits the high-water mark of the forked address space), so watch its VmHWM.
	var peak atomic.Int64
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			if v := rss(cmd.Process.Pid, "VmHWM"); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	err = cmd.Wait()
	took := time.Since(start)
	close(stop)
	<-watched
	if err != nil {
		return importResult{}, fmt.Errorf("customer:import: %v %s", err, out.String())
	}
	return importResult{took: took, peakRSS: peak.Load(), summary: strings.TrimSpace(out.String())}, nil
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// errPhaseDone from a measured function ends its worker before the phase's duration.
var errPhaseDone = errors.New("phase done")

// measure runs fn from conc goroutines for dur (or until fn returns errPhaseDone) and
// collects throughput, latency and the peak RSS of pid (reset before the phase through
// /proc/PID/clear_refs).
func measure(name string, conc int, dur time.Duration, pid int, fn func(worker int) error) result {
	fmt.Fprintf(os.Stderr, "%s…\n", name)
	var cpu0 time.Duration
	if pid != 0 {
		os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
		cpu0 = cpuTime(pid)
	} else {
		os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	}
	lat := make([][]time.Duration, conc)
	var errs atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := fn(w); errors.Is(err, errPhaseDone) {
					return
				} else if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	r := result{name: name, requests: int64(len(all)), errors: errs.Load(), rps: float64(len(all)) / elapsed.Seconds()}
	if len(all) > 0 {
		r.p50 = all[len(all)/2]
		r.p99 = all[int(math.Min(float64(len(all)-1), float64(len(all))*0.99))]
	}
	if pid != 0 && instances == 1 && len(all) > 0 {
		r.cpu = (cpuTime(pid) - cpu0) / time.Duration(len(all))
	}
	if pid == 0 {
		pid = os.Getpid()
	}
	r.peakRSS = rss(pid, "VmHWM")
	if err, _ := firstErr.Load().(error); err != nil {
		fmt.Fprintf(os.Stderr, "  %d errors, first: %v\n", r.errors, err)
	}
	return r
}

// cpuTime is the user and system CPU time process pid has used (/proc/PID/stat, in
// clock ticks of 10 ms: USER_HZ is 100 on Linux). On this shared machine the rate of a
// phase swings with what else runs; the server's CPU per request swings less.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may hold spaces:
	// utime and stime are the 12th and 13th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// rss reads a KiB figure (VmRSS, VmHWM) from /proc/PID/status.
func rss(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}

func startProc(bin string, args ...string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, args...)
	if fastHash {
		cmd.Env = append(os.Environ(), "SHOPAUTH_INSECURE_FAST_HASH=1")
	}
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	i := strings.Index(line, "http://")
	if err != nil || i < 0 {
		cmd.Process.Kill()
		return nil, "", fmt.Errorf("%s did not start: %v", bin, err)
	}
	go io.Copy(io.Discard, out)
	return cmd, strings.TrimSpace(line[i:]), nil
}

func startFloor() (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "LOADBENCH_FLOOR=127.0.0.1:0")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return nil, "", err
	}
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "listening on ")), nil
}

func stopProc(cmd *exec.Cmd) {
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
	}
}

func get(c *http.Client, url string) (string, error) {
	res, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

// bufs keeps response buffers, so the client's own allocation stays small: it shares
// the cores with the server it measures.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// postRead posts body and returns the status, reading the answer into a pooled buffer.
func postRead(c *http.Client, url, token string, body []byte) (int, error) {
	status, _, err := postWith(c, url, token, body, nil)
	return status, err
}

func postWith(c *http.Client, url, token string, body []byte, check func(status int, b []byte) error) (int, string, error) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	buf := bufs.Get().(*bytes.Buffer)
	defer bufs.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(res.Body); err != nil {
		return res.StatusCode, "", err
	}
	if check != nil {
		return res.StatusCode, "", check(res.StatusCode, buf.Bytes())
	}
	return res.StatusCode, buf.String(), nil
}

func post(c *http.Client, url, token string, body []byte) (int, string, error) {
	return postWith(c, url, token, body, nil)
}

var emailField = []byte(`"email"`)

// read is one authenticated customer read that must answer 200 with the email.
func read(c *http.Client, base, token string, body []byte) error {
	_, _, err := postWith(c, base+"/graphql", token, body, func(status int, b []byte) error {
		if status != 200 || !bytes.Contains(b, emailField) {
			return fmt.Errorf("read: %d %s", status, b)
		}
		return nil
	})
	return err
}

func gql(c *http.Client, base, token, query string) (int, string, error) {
	b, _ := json.Marshal(map[string]string{"query": query})
	return post(c, base+"/graphql", token, b)
}

func signInAs(c *http.Client, base, email string) (string, error) {
	status, body, err := gql(c, base, "", fmt.Sprintf(`mutation{generateCustomerToken(email:%q,password:%q){token}}`, email, password))
	if err != nil {
		return "", err
	}
	var out struct {
		Data struct{ GenerateCustomerToken struct{ Token string } }
	}
	if status != 200 || json.Unmarshal([]byte(body), &out) != nil || out.Data.GenerateCustomerToken.Token == "" {
		return "", fmt.Errorf("sign-in %s: %d %s", email, status, body)
	}
	return out.Data.GenerateCustomerToken.Token, nil
}
