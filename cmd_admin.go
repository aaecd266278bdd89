package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"shopauth/auth"
	"shopauth/db"
)

func init() {
	commands["admin:user:create"] = cmdAdminUserCreate
	commands["admin:tfa:setup"] = cmdAdminTFASetup
	commands["admin:tfa:reset"] = cmdAdminTFAReset
	commands["admin:user:list"] = cmdAdminUserList
	commands["admin:user:lock"] = cmdAdminUserLock
	commands["admin:user:unlock"] = cmdAdminUserUnlock
	commands["admin:user:deactivate"] = cmdAdminUserDeactivate
	commands["admin:user:activate"] = cmdAdminUserActivate
	commands["audit:list"] = cmdAuditList
	seedDemoAdmin = func(ctx context.Context, d *db.DB, svc *auth.Service) error {
		if _, err := d.AdminByUsername(ctx, "admin"); err == nil {
			return nil
		} else if !errors.Is(err, auth.ErrNotFound) {
			return err
		}
		a := &auth.Admin{Username: "admin", Email: "admin@example.com", Firstname: "Admin", Lastname: "User"}
		if err := svc.CreateAdmin(ctx, a, "admin123", true); err != nil {
			// Another instance started with --demo on the same database made it meanwhile.
			if _, again := d.AdminByUsername(ctx, "admin"); again == nil {
				return nil
			}
			return err
		}
		return nil
	}
}

// domainUsage turns a domain validation error into a one-line usage error.
func domainUsage(cmd string, err error) error {
	var ae *auth.Error
	if errors.As(err, &ae) {
		return usagef("%s: %s", cmd, ae.Message)
	}
	return err
}

func cmdAdminUserCreate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("admin:user:create")
	user := fs.String("admin-user", "", "user name")
	password := fs.String("admin-password", "", "password")
	email := fs.String("admin-email", "", "email")
	first := fs.String("admin-firstname", "", "first name")
	last := fs.String("admin-lastname", "", "last name")
	if _, err := fs.parse(args, 0, "--admin-user U --admin-password P --admin-email E --admin-firstname F --admin-lastname L [--db FILE]"); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"--admin-user", *user}, {"--admin-password", *password},
		{"--admin-email", *email}, {"--admin-firstname", *first}, {"--admin-lastname", *last}} {
		if strings.TrimSpace(f.v) == "" {
			return usagef("admin:user:create: %s is required", f.name)
		}
	}
	if !auth.ValidEmail(*email) {
		return usagef("admin:user:create: %q is not a valid email address", *email)
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	a := &auth.Admin{Username: *user, Email: *email, Firstname: *first, Lastname: *last}
	if err := svc.CreateAdminBy(ctx, nil, a, *password); err != nil {
		return domainUsage("admin:user:create", err)
	}
	fmt.Fprintf(stdout, "Created admin user %s (id %d)\n", a.Username, a.ID)
	return nil
}

func cmdAdminTFASetup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("admin:tfa:setup")
	user := fs.String("admin-user", "", "user name")
	if _, err := fs.parse(args, 0, "--admin-user U [--db FILE]"); err != nil {
		return err
	}
	if strings.TrimSpace(*user) == "" {
		return usagef("admin:tfa:setup: --admin-user is required")
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := svc.SetupTOTP(ctx, *user)
	if err != nil {
		return domainUsage("admin:tfa:setup", err)
	}
	fmt.Fprintln(stdout, auth.TOTPURI("shopauth", a.Username, a.TOTPSecret))
	fmt.Fprintln(stdout, a.TOTPSecret)
	return nil
}

// adminCommand runs one admin-user action of the operator's command line (the audit
// log names "command line" as who did it) on the admin --admin-user names.
func adminCommand(ctx context.Context, name string, args []string, stdout io.Writer, extra func(fs *flagSet) func() error,
	do func(svc *auth.Service, a *auth.Admin) (string, error)) error {
	fs := newFlags(name)
	user := fs.String("admin-user", "", "user name")
	check := func() error { return nil }
	usage := "--admin-user U [--db FILE]"
	if extra != nil {
		check = extra(fs)
		usage = "--admin-user U [--for DURATION] [--db FILE]"
	}
	if _, err := fs.parse(args, 0, usage); err != nil {
		return err
	}
	if strings.TrimSpace(*user) == "" {
		return usagef("%s: --admin-user is required", name)
	}
	if err := check(); err != nil {
		return err
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := svc.AdminByName(ctx, *user)
	if err != nil {
		return domainUsage(name, err)
	}
	msg, err := do(svc, a)
	if err != nil {
		return domainUsage(name, err)
	}
	fmt.Fprintln(stdout, msg)
	return nil
}

func cmdAdminUserLock(ctx context.Context, args []string, stdout io.Writer) error {
	var d *time.Duration
	return adminCommand(ctx, "admin:user:lock", args, stdout, func(fs *flagSet) func() error {
		d = fs.Duration("for", 24*time.Hour, "how long (a Go duration: 30m, 24h, 720h)")
		return func() error {
			if *d < time.Minute || *d > 100*365*24*time.Hour {
				return usagef("admin:user:lock: --for must be from 1m to 876000h, got %s", *d)
			}
			return nil
		}
	}, func(svc *auth.Service, a *auth.Admin) (string, error) {
		if err := svc.LockAdmin(ctx, nil, a.ID, *d); err != nil {
			return "", err
		}
		until := svc.Now().Add(*d).UTC().Format(time.RFC3339)
		return fmt.Sprintf("Locked admin user %s until %s; its tokens and admin page sessions ended.", a.Username, until), nil
	})
}

func cmdAdminUserUnlock(ctx context.Context, args []string, stdout io.Writer) error {
	return adminCommand(ctx, "admin:user:unlock", args, stdout, nil, func(svc *auth.Service, a *auth.Admin) (string, error) {
		return "Unlocked admin user " + a.Username + ".", svc.UnlockAdmin(ctx, nil, a.ID)
	})
}

func cmdAdminUserDeactivate(ctx context.Context, args []string, stdout io.Writer) error {
	return adminCommand(ctx, "admin:user:deactivate", args, stdout, nil, func(svc *auth.Service, a *auth.Admin) (string, error) {
		return "Deactivated admin user " + a.Username + "; its tokens and admin page sessions ended.", svc.SetAdminActive(ctx, nil, a.ID, false)
	})
}

func cmdAdminUserActivate(ctx context.Context, args []string, stdout io.Writer) error {
	return adminCommand(ctx, "admin:user:activate", args, stdout, nil, func(svc *auth.Service, a *auth.Admin) (string, error) {
		return "Activated admin user " + a.Username + ".", svc.SetAdminActive(ctx, nil, a.ID, true)
	})
}

func cmdAdminTFAReset(ctx context.Context, args []string, stdout io.Writer) error {
	return adminCommand(ctx, "admin:tfa:reset", args, stdout, nil, func(svc *auth.Service, a *auth.Admin) (string, error) {
		return "Reset two-factor authentication of admin user " + a.Username + ": it sets up an authenticator app again at the next sign-in; its tokens and sessions ended.",
			svc.ResetAdminTOTP(ctx, nil, a.ID)
	})
}

func cmdAdminUserList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("admin:user:list")
	if _, err := fs.parse(args, 0, "[--db FILE]"); err != nil {
		return err
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	list, err := svc.ListAdmins(ctx)
	if err != nil {
		return err
	}
	now := svc.Now()
	for _, a := range list {
		state := []string{"active"}
		if !a.Active {
			state[0] = "inactive"
		}
		if a.Locked(now) {
			until := a.LockExpires
			if a.AddrLockUntil.After(until) {
				until = a.AddrLockUntil
			}
			state = append(state, "locked until "+until.UTC().Format(time.RFC3339))
		}
		if a.TOTPSecret != "" {
			state = append(state, "2fa")
		} else {
			state = append(state, "no 2fa")
		}
		fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\n", a.ID, a.Username, a.Email, strings.Join(state, ", "))
	}
	return nil
}

func cmdAuditList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("audit:list")
	asJSON := fs.Bool("json", false, "one JSON object a line")
	customer := fs.Int64("customer", 0, "only this customer id")
	admin := fs.Int64("admin", 0, "only this admin id")
	event := fs.String("event", "", "only this event")
	limit := fs.Int("limit", 100, "at most this many events (1-1000)")
	if _, err := fs.parse(args, 0, "[--json] [--customer ID] [--admin ID] [--event E] [--limit N] [--db FILE]"); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return usagef("audit:list: --limit must be from 1 to 1000")
	}
	// A mistyped event would otherwise list nothing, as if it never happened.
	if *event != "" && !slices.Contains(auth.AuditEventNames, *event) {
		return usagef("audit:list: unknown event %q (events: %s)", *event, strings.Join(auth.AuditEventNames, ", "))
	}
	d, err := db.Open(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	events, err := d.AuditList(ctx, db.AuditFilter{CustomerID: *customer, AdminID: *admin, Event: *event, Limit: *limit})
	if err != nil {
		return err
	}
	// Oldest first, like a log.
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if *asJSON {
			b, _ := json.Marshal(map[string]any{"time": e.Time.Format(time.RFC3339), "event": e.Event, "admin_id": e.AdminID,
				"customer_id": e.CustomerID, "username": e.Username, "detail": e.Detail, "remote_addr": e.RemoteAddr})
			fmt.Fprintln(stdout, string(b))
			continue
		}
		fmt.Fprintf(stdout, "%s  %-26s admin=%d customer=%d user=%q %s\n", e.Time.Format(time.RFC3339), e.Event, e.AdminID, e.CustomerID, e.Username,
			escapeControls(e.Detail))
	}
	return nil
}

// escapeControls writes the control characters of s as Go escapes (\n, \x1b) and leaves
// the rest as it is: a detail (an admin's one-time code reason) must stay on its line
// and cannot add a made-up event below it, nor send escape sequences to a terminal.
func escapeControls(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
