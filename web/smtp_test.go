package web_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"shopauth/auth"
)

// authSMTPSession adds AUTH PLAIN to the test server's session.
type authSMTPSession struct {
	smtpSession
	user, pass string
	authed     *bool
}

func (s *authSMTPSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *authSMTPSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.user || pass != s.pass {
			return errors.New("invalid credentials")
		}
		*s.authed = true
		return nil
	}), nil
}

func (s *authSMTPSession) Mail(from string, o *smtp.MailOptions) error {
	if !*s.authed {
		return errors.New("authenticate first")
	}
	return s.smtpSession.Mail(from, o)
}

type authBackend struct {
	*smtpBackend
	user, pass string
}

func (b authBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	authed := false
	return &authSMTPSession{smtpSession: smtpSession{b: b.smtpBackend}, user: b.user, pass: b.pass, authed: &authed}, nil
}

// selfSignedTLS is a certificate no client trusts, like the "snakeoil" one a local
// Debian relay offers with STARTTLS.
func selfSignedTLS(t *testing.T) *tls.Config {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.invalid"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"relay.invalid"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// TestSMTPStartTLSAndAuthOnLoopback: a local relay that offers STARTTLS with a
// self-signed certificate and wants AUTH PLAIN (only after TLS) gets the message.
func TestSMTPStartTLSAndAuthOnLoopback(t *testing.T) {
	e := newEnv(t)
	e.customer("customer@example.com", "password")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be := &smtpBackend{}
	srv := smtp.NewServer(authBackend{be, "mailer", "s3cret-Pass"})
	srv.Domain, srv.TLSConfig = "localhost", selfSignedTLS(t)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	e.set(auth.PathSMTPHost, "127.0.0.1")
	e.set(auth.PathSMTPPort, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	e.set(auth.PathSMTPUsername, "mailer")
	e.set(auth.PathSMTPPassword, "s3cret-Pass")
	e.set(auth.PathMailFrom, "shop@example.com")
	expect(t, e.gql("", `mutation{requestPasswordResetEmail(email:"customer@example.com")}`, nil), 200, requestOK)
	if n, err := e.svc.DeliverMail(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d, %v (%+v)", n, err, e.outbox()[0])
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if len(be.msgs) != 1 || be.msgs[0].to != "customer@example.com" ||
		!strings.Contains(be.msgs[0].data, "Your reset token: "+e.lastMailVar("password_reset", "token")) {
		t.Fatalf("received %+v", be.msgs)
	}
}

// TestSMTPAcrossRestart: mail queued while the SMTP server is down, and mail whose
// delivery was cut off by a crash, both reach the server once it is up, after shopauth
// restarts over the same database; each exactly once.
func TestSMTPAcrossRestart(t *testing.T) {
	e := newEnv(t)
	e.customer("a@example.com", "password")
	e.customer("b@example.com", "password")
	port := closedPort(t) // down for now
	e.set(auth.PathSMTPHost, "127.0.0.1")
	e.set(auth.PathSMTPPort, strconv.Itoa(port))
	ctx := context.Background()

	expect(t, e.requestReset("a@example.com"), 200, requestOK)
	tokA := e.lastMailVar("password_reset", "token")
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 0 {
		t.Fatalf("server down: sent %d, %v", n, err)
	}
	// b's message is claimed by a sender that then dies mid-delivery (its lease is never
	// released): the process stops here.
	expect(t, e.requestReset("b@example.com"), 200, requestOK)
	tokB := e.lastMailVar("password_reset", "token")
	now := e.clock.Now()
	if claimed, err := e.db.ClaimDueMail(ctx, now, now.Add(2*time.Minute), 20); err != nil || len(claimed) != 1 || claimed[0].To != "b@example.com" {
		t.Fatalf("claimed %+v, %v", claimed, err)
	}
	e.srv.Close()
	e.db.Close()

	// The SMTP server comes up; shopauth starts again on the same file.
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	be := startSMTP(t, ln)
	e2 := openEnv(t, e.path)
	e2.clock.t = now
	e2.clock.Add(11 * time.Second) // a's back-off is over
	if n, err := e2.svc.DeliverMail(ctx); err != nil || n != 1 {
		t.Fatalf("after restart: sent %d, %v", n, err)
	}
	e2.clock.Add(2 * time.Minute) // the dead sender's lease on b's message ran out
	if n, err := e2.svc.DeliverMail(ctx); err != nil || n != 1 {
		t.Fatalf("after the lease: sent %d, %v", n, err)
	}
	e2.clock.Add(time.Hour)
	if n, err := e2.svc.DeliverMail(ctx); err != nil || n != 0 {
		t.Fatalf("sent again: %d, %v", n, err)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if len(be.msgs) != 2 || be.msgs[0].to != "a@example.com" || !strings.Contains(be.msgs[0].data, tokA) ||
		be.msgs[1].to != "b@example.com" || !strings.Contains(be.msgs[1].data, tokB) {
		t.Fatalf("received %+v", be.msgs)
	}
	for _, m := range e2.outbox() {
		if m.SentAt.IsZero() {
			t.Errorf("not marked sent: %+v", m)
		}
	}
}

// TestSMTPServerDownThenUp: while the server is down, a delivery round tries one
// message and leaves the rest due; once it is up, one round delivers them all, in order.
func TestSMTPServerDownThenUp(t *testing.T) {
	e := newEnv(t)
	e.set(auth.PathConfirmRequired, "1")
	port := closedPort(t)
	e.set(auth.PathSMTPHost, "localhost")
	e.set(auth.PathSMTPPort, strconv.Itoa(port))
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		e.gql("", `mutation{createCustomerV2(input:{email:"`+email+`",firstname:"N",lastname:"E",password:"Passw0rd!"}){customer{email}}}`, nil)
	}
	ctx := context.Background()
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 0 {
		t.Fatalf("down: %d %v", n, err)
	}
	attempts := func() (out []int) {
		for _, m := range e.outbox() {
			out = append(out, m.Attempts)
		}
		return out
	}
	if a := fmt.Sprint(attempts()); a != "[1 0 0]" {
		t.Fatalf("attempts while down %s, want [1 0 0]", a)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	be := startSMTP(t, ln)
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 2 {
		t.Fatalf("up, first message still backing off: %d %v", n, err)
	}
	e.clock.Add(10 * time.Second)
	if n, err := e.svc.DeliverMail(ctx); err != nil || n != 1 {
		t.Fatalf("after the back-off: %d %v", n, err)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	var to []string
	for _, m := range be.msgs {
		to = append(to, m.to)
	}
	if fmt.Sprint(to) != "[b@example.com c@example.com a@example.com]" {
		t.Fatalf("received for %v", to)
	}
}
