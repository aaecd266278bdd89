package main

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"shopauth/internal/testkit"
)

// sink is a real SMTP server (emersion/go-smtp) that keeps what it receives.
type sink struct {
	mu   sync.Mutex
	msgs []string
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

func (s *sink) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

type sinkSession struct{ s *sink }

func (*sinkSession) Reset()                               {}
func (*sinkSession) Logout() error                        { return nil }
func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, string(b))
	ss.s.mu.Unlock()
	return nil
}

// serveSMTP runs an SMTP server for be on addr until the test ends and returns its address.
func serveSMTP(t *testing.T, addr string, be smtp.Backend) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr)
}

// sentVars waits until mail:list shows the outbox's message sent and returns its
// variables (the link's token, the confirmation key).
func sentVars(t *testing.T, dbf string, limit time.Duration) map[string]string {
	t.Helper()
	testkit.WaitFor(t, "the outbox marking it sent", limit, func() bool {
		out, _ := cli(t, "mail:list", "--db", dbf)
		return strings.HasSuffix(out, " sent\n")
	})
	out, _ := cli(t, "mail:list", "--json", "--db", dbf)
	var m struct{ Vars map[string]string }
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return m.Vars
}

// TestMailAcrossRestartBinary runs the real binary: a confirmation mail queued while
// the SMTP server is down fails its first attempt; shopauth stops; the SMTP server
// comes up; shopauth starts again and delivers the message, once. The waits follow the
// serve mailer's real schedule (a round every 5 s, first retry 10 s after a failure).
func TestMailAcrossRestartBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("about 15 s of real time")
	}
	dbf := testDB(t, t.TempDir(), "s.db")
	port := testkit.FreePort(t)
	for _, kv := range [][2]string{{"system/smtp/host", "127.0.0.1"}, {"system/smtp/port", port},
		{"customer/create_account/confirm", "1"}, {"trans_email/ident_general/email", "shop@example.com"}} {
		if _, err := cli(t, "config:set", kv[0], kv[1], "--db", dbf); err != nil {
			t.Fatal(err)
		}
	}
	var stderr logBuffer
	cmd, base := startBinary(t, &stderr, "serve", "--db", dbf, "--addr", "127.0.0.1:0")
	status, body, _ := gqlPost(http.DefaultClient, base, "", `mutation{createCustomerV2(input:{email:"new@example.com",firstname:"N",lastname:"E",password:"Passw0rd!"}){customer{email}}}`)
	if status != 200 || !strings.Contains(body, `"email":"new@example.com"`) {
		t.Fatalf("create: %d %s", status, body)
	}
	testkit.WaitFor(t, "a failed delivery attempt", 15*time.Second, func() bool {
		out, _ := cli(t, "mail:list", "--db", dbf)
		return strings.Contains(out, "retrying (1 attempts: ")
	})
	if err := stopBinary(cmd); err != nil {
		t.Fatalf("serve: %v\n%s", err, stderr.String())
	}

	be := &sink{}
	serveSMTP(t, "127.0.0.1:"+port, be)
	cmd, _ = startBinary(t, &stderr, "serve", "--db", dbf, "--addr", "127.0.0.1:0")
	defer stopBinary(cmd)
	testkit.WaitFor(t, "delivery after the restart", 30*time.Second, func() bool { return len(be.received()) > 0 })
	vars := sentVars(t, dbf, 5*time.Second)
	got := be.received()
	if len(got) != 1 || !strings.Contains(got[0], "Subject: Please confirm your account\r\n") ||
		!strings.Contains(got[0], "Confirm new@example.com with this key: "+vars["confirmation_key"]) {
		t.Fatalf("received %q", got)
	}
}

// stallingSink is an SMTP server whose first message stalls in DATA until released, as
// a delivery in progress when its instance is killed.
type stallingSink struct {
	sink
	stalled chan struct{} // closed when the first DATA started
	release chan struct{}
	once    sync.Once
}

func (s *stallingSink) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &stallingSession{sinkSession{s: &s.sink}, s}, nil
}

type stallingSession struct {
	sinkSession
	ss *stallingSink
}

func (s *stallingSession) Data(r io.Reader) error {
	first := false
	s.ss.once.Do(func() { first = true; close(s.ss.stalled) })
	if first {
		<-s.ss.release
		io.Copy(io.Discard, r)
		return errors.New("the sending instance died")
	}
	return s.sinkSession.Data(r)
}

// TestMailSurvivesSIGKILLMidDelivery: instance A claims a reset mail and is killed with
// SIGKILL while the SMTP server is still reading it; instance B, on the same database,
// delivers it once A's lease has run out: the mail is neither lost nor sent twice.
// Runs on SQLite, and on PostgreSQL in CI's PostgreSQL pass.
func TestMailSurvivesSIGKILLMidDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("about 10 s of real time")
	}
	dbf := testDB(t, t.TempDir(), "s.db")
	be := &stallingSink{stalled: make(chan struct{}), release: make(chan struct{})}
	smtpAddr := serveSMTP(t, "127.0.0.1:0", be)
	released := false
	defer func() {
		if !released {
			close(be.release)
		}
	}()
	for _, kv := range [][2]string{{"system/smtp/host", "127.0.0.1"}, {"system/smtp/port", strconv.Itoa(smtpAddr.Port)},
		{"trans_email/ident_general/email", "shop@example.com"}} {
		if _, err := cli(t, "config:set", kv[0], kv[1], "--db", dbf); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cli(t, "customer:create", "--email", "jane@example.com", "--password", "Passw0rd!1", "--firstname", "J", "--lastname", "D", "--db", dbf); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SHOPAUTH_TEST_MAIL_LEASE", "3s")
	a, baseA := startBinary(t, io.Discard, "serve", "--quiet", "--db", dbf, "--addr", "127.0.0.1:0")
	if st, body, _ := gqlPost(http.DefaultClient, baseA, "", `mutation{requestPasswordResetEmail(email:"jane@example.com")}`); st != 200 {
		t.Fatalf("reset: %d %s", st, body)
	}
	select {
	case <-be.stalled:
	case <-time.After(20 * time.Second):
		t.Fatal("instance A never started the delivery")
	}
	b, _ := startBinary(t, io.Discard, "serve", "--quiet", "--db", dbf, "--addr", "127.0.0.1:0")
	defer stopBinary(b)
	a.Process.Signal(syscall.SIGKILL)
	a.Wait()
	close(be.release)
	released = true
	testkit.WaitFor(t, "delivery by instance B", 30*time.Second, func() bool { return len(be.received()) > 0 })
	vars := sentVars(t, dbf, 10*time.Second)
	if got := be.received(); len(got) != 1 || !strings.Contains(got[0], vars["token"]) {
		t.Fatalf("received %d messages: %q", len(got), got)
	}
}
