package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"shopauth/db"
)

func init() { commands["mail:list"] = cmdMailList }

func cmdMailList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("mail:list")
	asJSON := fs.Bool("json", false, "one JSON object a line")
	limit := fs.Int("limit", 100, "at most this many messages (1-10000)")
	if _, err := fs.parse(args, 0, "[--json] [--limit N] [--db FILE]"); err != nil {
		return err
	}
	if *limit < 1 || *limit > 10000 {
		return usagef("mail:list: --limit must be from 1 to 10000")
	}
	d, err := db.Open(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	mails, err := d.ListMail(ctx, *limit)
	if err != nil {
		return err
	}
	for _, m := range mails {
		if *asJSON {
			vars := m.Vars
			if vars == nil {
				vars = map[string]string{}
			}
			b, _ := json.Marshal(struct {
				To        string            `json:"to"`
				Subject   string            `json:"subject"`
				Template  string            `json:"template"`
				Vars      map[string]string `json:"vars"`
				CreatedAt string            `json:"created_at"`
			}{m.To, m.Subject, m.Template, vars, m.CreatedAt.Format(time.RFC3339)})
			fmt.Fprintln(stdout, string(b))
			continue
		}
		state := "queued"
		if !m.SentAt.IsZero() {
			state = "sent"
		} else if m.Attempts > 0 {
			state = fmt.Sprintf("retrying (%d attempts: %s)", m.Attempts, m.LastError)
		}
		fmt.Fprintf(stdout, "%s  %-22s to=%s subject=%q %s\n", m.CreatedAt.Format(time.RFC3339), m.Template, m.To, m.Subject, state)
	}
	return nil
}
