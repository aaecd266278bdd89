package web_test

import (
	"context"
	"crypto/tls"
	"html"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"shopauth/auth"
)

// TestSMTPRequiresTLS: with system/smtp/ssl tls (the default), a relay elsewhere that
// offers no STARTTLS gets nothing: the reset mail waits in the outbox with an error
// that says why (mail:list and the admin outbox show it) and is retried later. Before,
// the reset token went to such a relay in clear text. A relay on localhost keeps
// today's rule (TestSMTPLoopbackWithoutTLS), and system/smtp/ssl none allows it.
func TestSMTPRequiresTLS(t *testing.T) {
	e := newEnv(t)
	e.svc.RelayIsLocal = func(string) bool { return false } // the loopback server stands in for a relay elsewhere
	e.customer("customer@example.com", "password")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be := startSMTP(t, ln) // no STARTTLS
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	if v := e.svc.Settings().Get(auth.PathSMTPSSL); v != "tls" {
		t.Fatalf("default %s = %q, want tls", auth.PathSMTPSSL, v)
	}
	e.set(auth.PathSMTPHost, "127.0.0.1")
	e.set(auth.PathSMTPPort, port)
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)
	ctx := context.Background()
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 0 {
		t.Fatalf("sent %d, %v", n, err)
	}
	be.mu.Lock()
	got := len(be.msgs)
	be.mu.Unlock()
	if got != 0 {
		t.Fatalf("the relay without TLS received %d messages", got)
	}
	wantErr := "the SMTP relay 127.0.0.1:" + port + " does not offer STARTTLS, and system/smtp/ssl is tls: the message waits rather than go out in clear text (system/smtp/ssl none allows a relay without TLS)"
	out := e.outbox()
	// The first message says why; the second was not tried (it would fail the same way).
	if out[0].LastError != wantErr || out[0].Attempts != 1 || !out[0].SentAt.IsZero() || out[1].Attempts != 0 {
		t.Fatalf("outbox %+v", out)
	}
	e.set(auth.PathTwoFactorEnable, "0")
	e.admin("admin", "admin123")
	client, _, _ := adminHTTP(t, e, "admin", "admin123", "")
	if p := getPage(t, client, e.srv.URL+"/admin/outbox"); !strings.Contains(p.body, html.EscapeString(wantErr)) {
		t.Errorf("the admin outbox does not say why the mail waits: %s", p.body)
	}
	// Retried later, still not in clear text.
	e.clock.Add(11 * time.Second)
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 0 {
		t.Fatalf("retry: sent %d, %v", n, err)
	}
	// The operator says the relay may do without TLS: both go out.
	e.set(auth.PathSMTPSSL, "none")
	e.clock.Add(time.Minute)
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 2 {
		t.Fatalf("with system/smtp/ssl none: sent %d, %v (%+v)", n, err, e.outbox())
	}
}

// TestSMTPLoopbackWithoutTLS: a relay on localhost that offers no STARTTLS still gets
// the mail with the default system/smtp/ssl (tls): the connection never leaves the
// machine, as before this setting.
func TestSMTPLoopbackWithoutTLS(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be := startSMTP(t, ln)
	e.set(auth.PathSMTPHost, "localhost")
	e.set(auth.PathSMTPPort, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)
	if n, err := e.svc.DeliverMail(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d, %v (%+v)", n, err, e.outbox())
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if len(be.msgs) != 1 || be.msgs[0].to != "customer@example.com" {
		t.Fatalf("received %+v", be.msgs)
	}
}

// TestSMTPImplicitTLS: system/smtp/ssl ssl speaks TLS from the first byte (SMTPS, port
// 465), to a go-smtp server that serves TLS only; a plain relay gets no clear text.
func TestSMTPImplicitTLS(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	cfg := selfSignedTLS(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	be := &smtpBackend{}
	srv := smtp.NewServer(be)
	srv.Domain, srv.ReadTimeout, srv.WriteTimeout = "localhost", 10*time.Second, 10*time.Second
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	e.set(auth.PathSMTPHost, "127.0.0.1")
	e.set(auth.PathSMTPPort, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	e.set(auth.PathSMTPSSL, "ssl")
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)
	if n, err := e.svc.DeliverMail(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d, %v (%+v)", n, err, e.outbox())
	}
	be.mu.Lock()
	n := len(be.msgs)
	be.mu.Unlock()
	if n != 1 || !strings.Contains(be.msgs[0].data, "Your reset token: "+e.lastMailVar("password_reset", "token")) {
		t.Fatalf("received %+v", be.msgs)
	}
	// The same setting against a plain relay: the TLS handshake fails, nothing is sent.
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pbe := startSMTP(t, plain)
	e.set(auth.PathSMTPPort, strconv.Itoa(plain.Addr().(*net.TCPAddr).Port))
	expect(t, e.requestReset("customer@example.com"), 200, requestOK)
	if n, err := e.svc.DeliverMail(context.Background()); err != nil || n != 0 {
		t.Fatalf("plain relay with ssl: sent %d, %v", n, err)
	}
	pbe.mu.Lock()
	defer pbe.mu.Unlock()
	if len(pbe.msgs) != 0 {
		t.Fatalf("plain relay received %+v", pbe.msgs)
	}
	if last := e.outbox()[1]; last.Attempts != 1 || last.LastError == "" {
		t.Errorf("outbox %+v", last)
	}
}

// TestSMTPSSLSetting: system/smtp/ssl takes Magento's three values only.
func TestSMTPSSLSetting(t *testing.T) {
	if err := auth.ValidateSetting(auth.PathSMTPSSL, "starttls"); err == nil ||
		err.Error() != `invalid value for system/smtp/ssl: want one of none, ssl, tls, got "starttls"` {
		t.Errorf("starttls: %v", err)
	}
}
