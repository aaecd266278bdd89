package web_test

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"shopauth/auth"
)

// smtpBackend is a real SMTP server (emersion/go-smtp) that keeps what it receives.
type smtpBackend struct {
	mu   sync.Mutex
	msgs []received
}

type received struct{ from, to, data string }

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b: b}, nil }

type smtpSession struct {
	b        *smtpBackend
	from, to string
}

func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, received{s.from, s.to, string(b)})
	s.b.mu.Unlock()
	return nil
}

// startSMTP serves SMTP on ln (127.0.0.1) until the test ends.
func startSMTP(t *testing.T, ln net.Listener) *smtpBackend {
	be := &smtpBackend{}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return be
}

// closedPort reserves a loopback port and leaves it closed: nothing answers there until
// a test starts a server on it.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestSMTPDeliveryWithRetry(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	// Reserve a loopback port, and keep it closed for now: the first attempt fails.
	port := closedPort(t)
	e.set(auth.PathSMTPHost, "127.0.0.1")
	e.set(auth.PathSMTPPort, strconv.Itoa(port))
	e.set(auth.PathMailFrom, "shop@example.com")

	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 200, `{"data":{"requestPasswordResetEmail":true}}`)
	ctx := context.Background()
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 0 {
		t.Fatalf("with no server: sent %d, %v", n, err)
	}
	m := e.outbox()[0]
	if !m.SentAt.IsZero() || m.Attempts != 1 || m.LastError == "" {
		t.Fatalf("after a failed attempt: %+v", m)
	}
	// Not due again before its back-off.
	if n, _ := e.svc.DeliverMail(ctx); n != 0 || e.outbox()[0].Attempts != 1 {
		t.Fatal("retried before the back-off")
	}
	// Now a real SMTP server listens on that port.
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	be := startSMTP(t, ln)
	e.clock.Add(11 * time.Second)
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 1 {
		t.Fatalf("retry: sent %d, %v (%+v)", n, err, e.outbox()[0])
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if len(be.msgs) != 1 {
		t.Fatalf("server got %d messages", len(be.msgs))
	}
	got := be.msgs[0]
	token := e.lastMailVar("password_reset", "token")
	if got.from != "shop@example.com" || got.to != "customer@example.com" || !strings.Contains(got.data, "Subject: Reset your password\r\n") ||
		!strings.Contains(got.data, "Your reset token: "+token) {
		t.Errorf("received %+v", got)
	}
	if m := e.outbox()[0]; m.SentAt.IsZero() || m.Attempts != 2 {
		t.Errorf("after delivery: %+v", m)
	}
	// Sent messages are not sent again.
	if n, _ := e.svc.DeliverMail(ctx); n != 0 {
		t.Error("sent twice")
	}
}
