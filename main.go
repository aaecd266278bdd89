// Command shopauth serves Magento's customer-authorization API (GraphQL and REST) over
// an embedded SQLite database. See README.md and SPEC.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"shopauth/auth"
	"shopauth/db"
	"shopauth/internal/offheap"
	"shopauth/tlsserve"
	"shopauth/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// usageError is a bad command line: one line on stderr, exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	var ue usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "shopauth: "+ue.msg)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "shopauth: "+err.Error())
		os.Exit(1)
	}
}

// commands maps each subcommand to its implementation; cmd_*.go files add theirs in init.
var commands = map[string]func(ctx context.Context, args []string, stdout io.Writer) error{
	"serve":           cmdServe,
	"config:set":      cmdConfigSet,
	"config:show":     cmdConfigShow,
	"customer:create": cmdCustomerCreate,
	"version":         cmdVersion,
	"backup":          cmdBackup,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		sort.Strings(names)
		return usagef("unknown command %q (commands: %s)", name, strings.Join(names, ", "))
	}
	return cmd(ctx, args, stdout)
}

// flagSet parses flags that may stand anywhere among the positional arguments.
type flagSet struct {
	*flag.FlagSet
	db string
}

func newFlags(name string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs.SetOutput(io.Discard)
	fs.StringVar(&fs.db, "db", envOr("SHOPAUTH_DB", "./shopauth.db"), "SQLite database file, or postgres://… URL")
	return fs
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// parse returns the positional arguments, checking there are exactly want of them.
// A negative number ("config:set PATH -1") is a positional value, not a flag, so
// that it reaches the value check and gets its message.
func (fs *flagSet) parse(args []string, want int, usage string) ([]string, error) {
	var pos []string
	for {
		cut := len(args)
		for i, a := range args {
			if negativeNumber(a) {
				cut = i
				break
			}
		}
		if err := fs.Parse(args[:cut]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usagef("usage: shopauth %s %s", fs.Name(), usage)
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		rest := append(append([]string(nil), fs.Args()...), args[cut:]...)
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if want >= 0 && len(pos) != want {
		return nil, usagef("usage: shopauth %s %s", fs.Name(), usage)
	}
	return pos, nil
}

// negativeNumber reports whether a looks like "-1" or "-0.5" (no flag starts with a digit).
func negativeNumber(a string) bool {
	return len(a) > 1 && a[0] == '-' && (a[1] >= '0' && a[1] <= '9' || a[1] == '.')
}

func hasherFromEnv() *auth.Hasher {
	params := auth.DefaultHashParams
	// For end-to-end tests of the binary only: argon2id at 64 MiB is slow under -race.
	if os.Getenv("SHOPAUTH_INSECURE_FAST_HASH") == "1" {
		params = auth.CheapHashParams
	}
	return auth.NewHasher(params, 0, nil)
}

// openService opens the database and starts the domain service over it.
func openService(ctx context.Context, path string) (*db.DB, *auth.Service, error) {
	d, err := db.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	svc := auth.NewService(d, hasherFromEnv())
	// Tokens and revocations are dated by the database's clock, so instances on
	// machines whose clocks differ agree on which tokens a sign-out ends.
	svc.Now = d.Clock().Now
	// For end-to-end tests of the binary only: a mail lease of seconds, not minutes.
	if v, err := time.ParseDuration(os.Getenv("SHOPAUTH_TEST_MAIL_LEASE")); err == nil {
		svc.MailLease = v
	}
	svc.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := svc.Start(ctx); err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, svc, nil
}

func cmdServe(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("serve")
	addr := fs.String("addr", envOr("SHOPAUTH_ADDR", "127.0.0.1:8080"), "listen address")
	demo := fs.Bool("demo", false, "seed demo data")
	quiet := fs.Bool("quiet", false, "no request log")
	proxies := fs.String("trusted-proxy", os.Getenv("SHOPAUTH_TRUSTED_PROXIES"), "comma-separated CIDRs whose X-Forwarded-For is believed")
	var tc tlsFlags
	tc.add(fs)
	if _, err := fs.parse(args, 0, "[--db FILE] [--addr HOST:PORT] [--demo] [--quiet] [--trusted-proxy CIDR,...] "+tlsUsage); err != nil {
		return err
	}
	addrSet := os.Getenv("SHOPAUTH_ADDR") != ""
	fs.Visit(func(f *flag.Flag) { addrSet = addrSet || f.Name == "addr" })
	if tc.on() && !addrSet {
		*addr = ":443"
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usagef("serve: bad --addr %q: %v", *addr, err)
	}
	ts, err := tc.server(fs.db, *addr)
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// Between password hashes the heap is a few MiB, so twice Go's default headroom
		// costs little memory and halves collections on the request path (loadbench:
		// authenticated reads up by a third). The 64 MiB argon2 buffers are outside
		// the heap (auth.argonMemory).
		debug.SetGCPercent(200)
	}
	var trusted []netip.Prefix
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return usagef("serve: bad --trusted-proxy %q: want a CIDR or an address", p)
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		trusted = append(trusted, pfx)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	if offheap.OnHeap && os.Getenv("GOMEMLIMIT") == "" {
		// Where the hashes' argon2 memory is on the Go heap (no mmap), room for it
		// and 24 MiB besides (auth.Hasher.MemoryLimit). Elsewhere it is outside the
		// heap, which is then a few MiB and paced by GOGC alone.
		debug.SetMemoryLimit(svc.Hasher.MemoryLimit(24 << 20))
	}
	if err := svc.CheckCryptKey(); err != nil {
		return err
	}
	svc.Log = log
	svc.BaseURL = baseURL(*addr)
	if ts != nil {
		svc.BaseURL = tc.baseURL(*addr)
	}
	if *demo {
		if err := seedDemo(ctx, d, svc); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
	}
	srv, err := web.New(web.Config{Service: svc, Schema: schemaSDL, Assets: webAssets, Log: log, Pinger: d,
		Version: version, DBPath: db.Redact(fs.db), LogRequests: !*quiet, TrustedProxies: trusted, Demo: demoSignIns(*demo)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	go svc.Watch(watchCtx, 250*time.Millisecond)
	go watchClock(watchCtx, d, log)
	go svc.RunMailer(watchCtx, 5*time.Second)

	errc := make(chan error, 2)
	var hs, plain *http.Server
	if ts == nil {
		hs = web.NewHTTPServer(srv, web.DefaultTimeouts, log)
		go func() { errc <- hs.Serve(ln) }()
		log.Info("listening", "addr", ln.Addr().String(), "db", db.Redact(fs.db), "version", version)
		fmt.Fprintf(stdout, "shopauth %s listening on http://%s\n", version, ln.Addr())
	} else {
		if plain, err = tc.listenPlain(ts, log, errc); err != nil {
			ln.Close()
			return err
		}
		hs = web.NewHTTPServer(tlsserve.HSTS(srv), web.DefaultTimeouts, log)
		hs.TLSConfig = ts.TLSConfig()
		go func() { errc <- hs.ServeTLS(ln, "", "") }()
		log.Info("listening", "addr", ln.Addr().String(), "https", true, "db", db.Redact(fs.db), "version", version)
		fmt.Fprintf(stdout, "shopauth %s listening on https://%s\n", version, ln.Addr())
		if plain != nil {
			fmt.Fprintf(stdout, "shopauth: plain HTTP on %s answers ACME challenges and redirects to HTTPS\n", plain.Addr)
		}
		go func() {
			if err := ts.Obtain(watchCtx); err != nil && watchCtx.Err() == nil {
				log.Error("obtain certificate", "err", err) // tried again at each handshake
			}
		}()
	}
	if *demo && !d.Created && svc.Settings().Get(auth.PathTwoFactorEnable) == "1" {
		// The demo admin then gets no token without TOTP: said here, as someone who ran
		// plain `go run .` first and then --demo would otherwise not know why.
		fmt.Fprintln(stdout, demo2FANotice)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if plain != nil {
		plain.Shutdown(shutCtx)
	}
	if err := hs.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func cmdConfigSet(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("config:set")
	pos, err := fs.parse(args, 2, "PATH VALUE [--db FILE]")
	if err != nil {
		return err
	}
	if err := auth.ValidateSetting(pos[0], pos[1]); err != nil {
		return usagef("config:set: %v", err)
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := svc.SetSetting(ctx, pos[0], pos[1]); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Value was saved.")
	return nil
}

func cmdConfigShow(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("config:show")
	pos, err := fs.parse(args, -1, "[PATH] [--db FILE]")
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("usage: shopauth config:show [PATH] [--db FILE]")
	}
	if len(pos) == 1 {
		if _, ok := auth.LookupSetting(pos[0]); !ok {
			return usagef("config:show: unknown config path %q", pos[0])
		}
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	st := svc.Settings()
	if len(pos) == 1 {
		fmt.Fprintln(stdout, st.Get(pos[0]))
		return nil
	}
	for _, s := range auth.AllSettings() {
		v := st.Get(s.Path)
		if s.Secret && v != "" {
			v = "******"
		}
		fmt.Fprintf(stdout, "%s = %s\n", s.Path, v)
	}
	return nil
}

func cmdCustomerCreate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("customer:create")
	email := fs.String("email", "", "email")
	password := fs.String("password", "", "password")
	first := fs.String("firstname", "", "first name")
	last := fs.String("lastname", "", "last name")
	assist := fs.Bool("allow-remote-shopping-assistance", false, "allow login as customer")
	usage := "--email E --password P --firstname F --lastname L [--allow-remote-shopping-assistance] [--db FILE]"
	if _, err := fs.parse(args, 0, usage); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"--email", *email}, {"--password", *password}, {"--firstname", *first}, {"--lastname", *last}} {
		if strings.TrimSpace(f.v) == "" {
			return usagef("customer:create: %s is required", f.name)
		}
	}
	if err := auth.CheckNewEmail(*email); err != nil {
		return usagef("customer:create: %s", err.Message)
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := svc.Settings().PasswordPolicy().Check(*password); err != nil {
		return usagef("customer:create: %v", err)
	}
	c := &auth.Customer{Email: *email, Firstname: *first, Lastname: *last, AllowAssistance: *assist}
	if err := svc.CreateCustomerDirect(ctx, c, *password, false); err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			return usagef("customer:create: %s", ae.Message)
		}
		return err
	}
	fmt.Fprintf(stdout, "Created customer %d <%s>\n", c.ID, c.Email)
	return nil
}

func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("backup")
	pos, err := fs.parse(args, 1, "FILE [--db FILE]")
	if err != nil {
		return err
	}
	if db.IsPostgres(fs.db) {
		// PostgreSQL has its own consistent online copy; writing a second one would be worse.
		return usagef("backup: the database is PostgreSQL: back it up with pg_dump (pg_dump -Fc -f %s '%s'), restore with pg_restore", pos[0], db.Redact(fs.db))
	}
	if _, err := os.Stat(pos[0]); err == nil {
		return usagef("backup: %s already exists", pos[0])
	}
	d, err := db.Open(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Backup(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s\n", fs.db, pos[0])
	return nil
}

func cmdVersion(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("version")
	if _, err := fs.parse(args, 0, ""); err != nil {
		return err
	}
	// One readable line: what an operator pastes into a bug report.
	parts := []string{runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, at string
		for _, s := range bi.Settings {
			switch s.Key {
			case "CGO_ENABLED":
				parts = append(parts, "CGO_ENABLED="+s.Value)
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			}
		}
		if rev != "" {
			parts = append(parts, strings.TrimSpace("commit "+rev[:min(12, len(rev))]+" "+at))
		}
	}
	fmt.Fprintf(stdout, "shopauth %s (%s)\n", version, strings.Join(parts, ", "))
	return nil
}

// demo2FANotice follows the listening line when --demo leaves admin 2FA on.
const demo2FANotice = "--demo: admin two-factor authentication is on (--demo turns it off only on a new database); " +
	"`shopauth config:set twofactorauth/general/enable 0` turns it off"

// seedDemo creates the demo data of SPEC §11; running it again changes nothing.
func seedDemo(ctx context.Context, d *db.DB, svc *auth.Service) error {
	if d.Created {
		if err := svc.SetSetting(ctx, auth.PathTwoFactorEnable, "0"); err != nil {
			return err
		}
	}
	demo := []struct {
		c        auth.Customer
		password string
	}{
		{auth.Customer{Email: "customer@example.com", Firstname: "John", Lastname: "Smith"}, "password"},
		{auth.Customer{Email: "customer1@mail.com", Firstname: "Jane", Lastname: "Doe", AllowAssistance: true}, "password"},
		{auth.Customer{Email: "bobloblaw@example.com", Firstname: "Bob", Lastname: "Loblaw"}, "b0bl0bl@w"},
	}
	for _, dc := range demo {
		if _, err := d.CustomerByEmail(ctx, dc.c.Email); err == nil {
			continue
		} else if !errors.Is(err, auth.ErrNotFound) {
			return err
		}
		c := dc.c
		if err := svc.CreateCustomerDirect(ctx, &c, dc.password, true); err != nil {
			// Another instance started with --demo on the same database made it meanwhile.
			if _, again := d.CustomerByEmail(ctx, dc.c.Email); again == nil {
				continue
			}
			return err
		}
	}
	return seedDemoAdmin(ctx, d, svc)
}

// demoSignIns are the accounts seedDemo makes, as the start page names them with --demo.
func demoSignIns(demo bool) []web.DemoSignIn {
	if !demo {
		return nil
	}
	return []web.DemoSignIn{
		{Kind: "Customer", Login: "customer@example.com", Password: "password", Note: "the walk-through's default"},
		{Kind: "Customer", Login: "customer1@mail.com", Password: "password", Note: "allows remote shopping assistance (login as customer)"},
		{Kind: "Customer", Login: "bobloblaw@example.com", Password: "b0bl0bl@w"},
		{Kind: "Admin", Login: "admin", Password: "admin123", Note: "the admin page and REST admin tokens"},
	}
}

// seedDemoAdmin creates the demo admin once admin users exist (admin issue).
var seedDemoAdmin = func(ctx context.Context, d *db.DB, svc *auth.Service) error { return nil }

// baseURL is the address links in mail point to: the listen address, with
// "localhost" for an all-interfaces host (0.0.0.0, ::, or none).
func baseURL(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// clockWarning is how far this machine's clock may be from the database's before serve
// says so; the service uses the database's time whatever the offset.
const clockWarning = time.Second

// watchClock measures the offset to the database's clock every minute (db.Clock) and
// warns when this machine's clock is more than clockWarning off.
func watchClock(ctx context.Context, d *db.DB, log *slog.Logger) {
	warned := false
	for {
		off := d.Clock().Offset()
		if (off > clockWarning || off < -clockWarning) && !warned {
			log.Warn("this machine's clock differs from the database's; tokens are dated by the database's clock", "offset", off.String())
		}
		warned = off > clockWarning || off < -clockWarning
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Minute):
		}
		if _, _, err := d.MeasureClock(ctx); err != nil && ctx.Err() == nil {
			log.Error("read the database's clock", "err", err)
		}
	}
}
