// Command loadbench measures shopauth's hot paths on this machine: it builds and
// starts the real server on 127.0.0.1 over a temp database, seeds customers, and
// drives five workloads at a fixed concurrency, with request logging on and off.
//
//	go run ./cmd/loadbench [-c 16] [-d 5s] [-customers 200] [-db postgres|DSN] [-instances N] [-log both|on|off]
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
	"shopauth/db/pgtest"
)

const password = "Passw0rd!"

func main() {
	if os.Getenv("LOADBENCH_FLOOR") != "" {
		serveFloor(os.Getenv("LOADBENCH_FLOOR"))
		return
	}
	conc := flag.Int("c", 16, "concurrent clients")
	dur := flag.Duration("d", 5*time.Second, "duration of each phase")
	customers := flag.Int("customers", 200, "customers to seed")
	flag.StringVar(&dbFlag, "db", "", "database: empty for a temp SQLite file, postgres for a throw-away cluster, or a postgres:// URL of an empty database")
	flag.IntVar(&instances, "instances", 1, "servers on the one database")
	logs := flag.String("log", "both", "request logging: both, on or off")
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
	if err := run(*conc, *dur, *customers); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
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

type result struct {
	name     string
	requests int64
	errors   int64
	rps      float64
	p50, p99 time.Duration
	peakRSS  int64 // KiB
}

func run(conc int, dur time.Duration, customers int) error {
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
	dbf, cleanup, err := openDB(dir)
	if err != nil {
		return err
	}
	defer cleanup()
	for _, kv := range [][2]string{{"shopauth/rate_limit/signin_per_minute", "0"}, {"oauth/authentication_lock/max_failures_count", "0"}} {
		if out, err := exec.Command(bin, "config:set", kv[0], kv[1], "--db", dbf).CombinedOutput(); err != nil {
			return fmt.Errorf("config:set: %v %s", err, out)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 120 * time.Second}

	// Start-up time: from exec to the first served request.
	start := time.Now()
	srv, base, err := startProc(bin, "serve", "--quiet", "--addr", "127.0.0.1:0", "--db", dbf)
	if err != nil {
		return err
	}
	if _, err := get(client, base+"/healthz"); err != nil {
		return err
	}
	startup := time.Since(start)
	time.Sleep(200 * time.Millisecond)
	idle := rss(srv.Process.Pid, "VmRSS")

	fmt.Fprintf(os.Stderr, "seeding %d customers…\n", customers)
	emails := make([]string, customers)
	var seedErr atomic.Value
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range emails {
		emails[i] = fmt.Sprintf("bench%d@example.com", i)
		wg.Add(1)
		sem <- struct{}{}
		go func(email string) {
			defer wg.Done()
			defer func() { <-sem }()
			q := fmt.Sprintf(`mutation{createCustomerV2(input:{email:%q,firstname:"Bench",lastname:"User",password:%q}){customer{email}}}`, email, password)
			if status, body, err := gql(client, base, "", q); err != nil || status != 200 || strings.Contains(body, "errors") {
				seedErr.Store(fmt.Errorf("seed %s: %d %s %v", email, status, body, err))
			}
		}(emails[i])
	}
	wg.Wait()
	if err, _ := seedErr.Load().(error); err != nil {
		return err
	}
	stopProc(srv)

	// The hash ceiling: the same verifications, called directly, same concurrency.
	params := auth.DefaultHashParams
	if fastHash {
		params = auth.CheapHashParams
	}
	hasher := auth.NewHasher(params, 0, rand.Reader)
	stored, err := hasher.Hash(context.Background(), password)
	if err != nil {
		return err
	}
	ceiling := measure("3 hash ceiling (direct)", conc, dur, 0, func(int) error {
		ok, _, err := hasher.Verify(context.Background(), password, stored)
		if !ok {
			return errors.New("verify failed")
		}
		return err
	})

	var results []result
	for _, logging := range logModes {
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
		floor := measure("1 floor ("+label+")", conc, dur, floorProc.Process.Pid, func(int) error {
			_, err := post(client, floorBase+"/graphql", "", `{"query":"{customer{email firstname}}"}`)
			return err
		})
		stopProc(floorProc)

		procs, rr, err := startServers(bin, args...)
		if err != nil {
			return err
		}
		pid := procs[0].Process.Pid
		tokens := make([]string, len(emails))
		var next atomic.Int64
		signIn := measure("2 sign-in ("+label+")", conc, dur, pid, func(int) error {
			i := int(next.Add(1)) % len(emails)
			tok, err := signInAs(client, rr.pick(), emails[i])
			if err == nil {
				tokens[i] = tok
			}
			return err
		})
		if logging {
			// Memory while 200 sign-ins wait for the two hash slots.
			burst := measure("2b sign-in, 200 waiting ("+label+")", 200, dur, pid, func(int) error {
				_, err := signInAs(client, rr.pick(), emails[int(next.Add(1))%len(emails)])
				return err
			})
			results = append(results, burst)
		}
		for i, t := range tokens { // customers not reached in time still need a token
			if t == "" {
				if tokens[i], err = signInAs(client, rr.pick(), emails[i]); err != nil {
					return err
				}
			}
		}
		var tokMu sync.RWMutex
		read := func(i int) error {
			tokMu.RLock()
			tok := tokens[i%len(tokens)]
			tokMu.RUnlock()
			status, body, err := gql(client, rr.pick(), tok, `{ customer { email firstname } }`)
			if status == 401 && strings.Contains(body, "User token has been revoked") {
				return nil // in the mixed phase another client revoked this customer: a correct answer
			}
			if err == nil && (status != 200 || !strings.Contains(body, `"email"`)) {
				err = fmt.Errorf("read: %d %s", status, body)
			}
			return err
		}
		reads := measure("4 authenticated read ("+label+")", conc, dur, pid, func(w int) error { return read(mrand.IntN(len(tokens))) })
		// What a reverse proxy asks before each request to the shop's own backend.
		forward := measure("4b forward-auth ("+label+")", conc, dur, pid, func(w int) error {
			req, _ := http.NewRequest("GET", rr.pick()+"/forward-auth", nil)
			req.Header.Set("Authorization", "Bearer "+tokens[mrand.IntN(len(tokens))])
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
		})
		mixed := measure("5 mixed 90/9/1 ("+label+")", conc, dur, pid, func(w int) error {
			i := mrand.IntN(len(tokens))
			switch n := mrand.IntN(100); {
			case n < 90:
				return read(i)
			case n < 99:
				tok, err := signInAs(client, rr.pick(), emails[i])
				if err == nil {
					tokMu.Lock()
					tokens[i] = tok
					tokMu.Unlock()
				}
				return err
			default:
				tokMu.RLock()
				tok := tokens[i]
				tokMu.RUnlock()
				if _, _, err := gql(client, rr.pick(), tok, `mutation{revokeCustomerToken{result}}`); err != nil {
					return err
				}
				tok, err := signInAs(client, rr.pick(), emails[i])
				if err == nil {
					tokMu.Lock()
					tokens[i] = tok
					tokMu.Unlock()
				}
				return err
			}
		})
		for _, p := range procs {
			stopProc(p)
		}
		results = append(results, floor, signIn, reads, forward, mixed)
		fmt.Printf("ratios (%s): read/floor %.1f %%, sign-in/hash ceiling %.1f %%\n", label, 100*reads.rps/floor.rps, 100*signIn.rps/ceiling.rps)
	}
	results = append(results, ceiling)
	sort.SliceStable(results, func(i, j int) bool { return results[i].name < results[j].name })
	engine := "SQLite"
	if dbFlag != "" {
		engine = "PostgreSQL"
	}
	hash := "argon2id 64 MiB"
	if fastHash {
		hash = "cheap argon2id (-fasthash)"
	}
	fmt.Printf("\nshopauth loadbench: %s, %d instance(s), %s, concurrency %d, %s per phase, %d customers, GOMAXPROCS=%s\n", engine, instances, hash, conc, dur, customers, envOr("GOMAXPROCS", "all cores"))
	fmt.Printf("start to first served request: %s; idle RSS after start: %.1f MiB\n\n", startup.Round(time.Millisecond), float64(idle)/1024)
	fmt.Printf("%-32s %10s %8s %10s %10s %14s\n", "phase", "req/s", "errors", "p50", "p99", "peak RSS MiB")
	for _, r := range results {
		fmt.Printf("%-32s %10.0f %8d %10s %10s %14.1f\n", r.name, r.rps, r.errors, r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), float64(r.peakRSS)/1024)
	}
	return nil
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// measure runs fn from conc goroutines for dur and collects throughput, latency and
// the peak RSS of pid (reset before the phase through /proc/PID/clear_refs).
func measure(name string, conc int, dur time.Duration, pid int, fn func(worker int) error) result {
	fmt.Fprintf(os.Stderr, "%s…\n", name)
	if pid != 0 {
		os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
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
				if err := fn(w); err != nil {
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
	if pid == 0 {
		pid = os.Getpid()
	}
	r.peakRSS = rss(pid, "VmHWM")
	if err, _ := firstErr.Load().(error); err != nil {
		fmt.Fprintf(os.Stderr, "  %d errors, first: %v\n", r.errors, err)
	}
	return r
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

func post(c *http.Client, url, token, body string) (string, error) {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

func gql(c *http.Client, base, token, query string) (int, string, error) {
	b, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest("POST", base+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res.StatusCode, string(out), err
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
