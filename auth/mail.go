package auth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/smtp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// OutboxMail is a queued message and its delivery state.
type OutboxMail struct {
	ID          int64
	To          string
	Subject     string
	Template    string
	Vars        map[string]string
	CreatedAt   time.Time
	SentAt      time.Time // zero until an SMTP server accepted it
	Attempts    int
	LastError   string
	NextAttempt time.Time
}

// OutboxStore keeps the outbox. Implemented by db.
type OutboxStore interface {
	ListMail(ctx context.Context, limit int) ([]OutboxMail, error)
	ClaimDueMail(ctx context.Context, now, leaseUntil time.Time, limit int) ([]OutboxMail, error)
	MarkMailSent(ctx context.Context, id int64, at time.Time) error
	MarkMailFailed(ctx context.Context, id int64, msg string, next time.Time) error
}

// SMTPConfig is where mail goes; an empty Host keeps mail in the outbox only.
type SMTPConfig struct {
	Host, Username, Password, From string
	Port                           int
	// Security is system/smtp/ssl: "tls" (STARTTLS required, except from a relay on this
	// machine), "ssl" (TLS from the first byte) or "none" (STARTTLS when offered).
	Security string
}

// SMTPConfig returns the SMTP settings in force.
func (s *Settings) SMTPConfig() SMTPConfig {
	return SMTPConfig{Host: s.Get(PathSMTPHost), Port: s.Int(PathSMTPPort), Username: s.Get(PathSMTPUsername),
		Password: s.Get(PathSMTPPassword), From: s.Get(PathMailFrom), Security: s.Get(PathSMTPSSL)}
}

// ErrSMTPNoTLS is wrapped by the delivery error of a relay that does not offer STARTTLS
// when system/smtp/ssl requires it: the message waits (reset tokens are never sent in
// clear text to a relay elsewhere) and the outbox shows why.
var ErrSMTPNoTLS = errors.New("does not offer STARTTLS")

// mailLease is how long a claimed message is reserved for one sender.
const mailLease = 2 * time.Minute

// retryDelay backs off from 10 s to at most an hour; a message is never dropped.
func retryDelay(attempts int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	if d > time.Hour {
		d = time.Hour
	}
	return d
}

// mailBatch is how many messages one DeliverMail call sends at most.
const mailBatch = 20

// DeliverMail sends the due messages of the outbox once; it returns how many were sent.
// It claims one message at a time, so each lease covers a single delivery (at most
// 10 s to connect and 30 s to talk) and another process never sends a message whose
// lease ran out while this one was still busy with the batch. It stops at the first
// failure to reach the server: the rest stay due for the next round.
func (s *Service) DeliverMail(ctx context.Context) (int, error) {
	cfg := s.Settings().SMTPConfig()
	if cfg.Host == "" {
		return 0, nil
	}
	sent := 0
	for i := 0; i < mailBatch && ctx.Err() == nil; i++ {
		now := s.Now()
		lease := mailLease
		if s.MailLease > 0 {
			lease = s.MailLease
		}
		due, err := s.Outbox.ClaimDueMail(ctx, now, now.Add(lease), 1)
		if err != nil {
			return sent, fmt.Errorf("claim mail: %w", err)
		}
		if len(due) == 0 {
			break
		}
		m := due[0]
		if err := sendSMTP(ctx, cfg, s.relayIsLocal(cfg.Host), m); err != nil {
			next := s.Now().Add(retryDelay(m.Attempts + 1))
			s.Log.Warn("mail delivery failed", "mail_id", m.ID, "attempt", m.Attempts+1, "retry_at", next, "err", err)
			if err := s.Outbox.MarkMailFailed(ctx, m.ID, err.Error(), next); err != nil {
				return sent, err
			}
			var ne net.Error
			if errors.As(err, &ne) || errors.Is(err, ErrSMTPNoTLS) { // refused, unreachable, timed out; or no TLS
				break // every message would fail the same way: no use trying the next one now
			}
			continue
		}
		if err := s.Outbox.MarkMailSent(ctx, m.ID, s.Now()); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// RunMailer delivers mail every interval until ctx ends.
func (s *Service) RunMailer(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.DeliverMail(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("deliver mail", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RenderMail is the plain-text body of a message.
func RenderMail(m OutboxMail) string {
	var b strings.Builder
	switch m.Template {
	case "password_reset":
		fmt.Fprintf(&b, "Someone asked to reset the password of %s.\r\n\r\nYour reset token: %s\r\n\r\n"+
			"Use it with the resetPassword mutation. If you did not ask for this, ignore this message.\r\n", m.Vars["email"], m.Vars["token"])
	case "account_confirmation":
		fmt.Fprintf(&b, "Welcome! Confirm %s with this key: %s\r\n\r\nUse it with the confirmEmail mutation.\r\n", m.Vars["email"], m.Vars["confirmation_key"])
	case "tfa_setup":
		fmt.Fprintf(&b, "The admin user %s must set up two-factor authentication before getting admin tokens.\r\n\r\n"+
			"Open this link (it works once, for 24 hours) to create your authenticator secret:\r\n%s\r\n\r\n"+
			"Or ask an operator to run: %s\r\n", m.Vars["username"], m.Vars["url"], m.Vars["command"])
	default:
		keys := make([]string, 0, len(m.Vars))
		for k := range m.Vars {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s: %s\r\n", k, m.Vars[k])
		}
	}
	return b.String()
}

// relayIsLocal reports whether the relay is on this machine (RelayIsLocal, by default
// isLoopback): its connection never leaves the machine, so it may do without TLS and
// with a self-signed certificate.
func (s *Service) relayIsLocal(host string) bool {
	if s.RelayIsLocal != nil {
		return s.RelayIsLocal(host)
	}
	return isLoopback(host)
}

// isLoopback reports whether host names this machine: "localhost" or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

func headerSafe(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// sendSMTP delivers one message, with timeouts and TLS as cfg.Security asks: TLS from
// the first byte ("ssl"), or STARTTLS when the server offers it, required ("tls") unless
// the relay is local.
func sendSMTP(ctx context.Context, cfg SMTPConfig, local bool, m OutboxMail) error {
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	// A relay on this machine usually offers STARTTLS with a self-signed certificate
	// (Debian's postfix: "snakeoil"). The connection never leaves the machine, so
	// encrypt without checking the certificate rather than never deliver; a remote
	// server's certificate is always checked.
	tc := &tls.Config{ServerName: cfg.Host, InsecureSkipVerify: local}
	d := net.Dialer{Timeout: 10 * time.Second}
	var conn net.Conn
	var err error
	if cfg.Security == "ssl" {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: tc}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if cfg.Security != "ssl" {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tc); err != nil {
				return err
			}
		} else if cfg.Security == "tls" && !local {
			return fmt.Errorf("the SMTP relay %s %w, and system/smtp/ssl is tls: the message waits rather than go out in clear text "+
				"(system/smtp/ssl none allows a relay without TLS)", addr, ErrSMTPNoTLS)
		}
	}
	if cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host)); err != nil {
			return err
		}
	}
	if err := c.Mail(cfg.From); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <shopauth-%d-%d@%s>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nX-Shopauth-Template: %s\r\n\r\n%s",
		headerSafe(cfg.From), headerSafe(m.To), headerSafe(m.Subject), m.CreatedAt.Format(time.RFC1123Z),
		m.ID, m.CreatedAt.Unix(), headerSafe(cfg.Host), headerSafe(m.Template), RenderMail(m))
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
