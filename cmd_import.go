package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"shopauth/auth"
)

func init() {
	commands["customer:import"] = cmdCustomerImport
	commands["customer:export"] = cmdCustomerExport
}

// importLog is where import reports go (stderr; a variable so tests can read it).
var importLog io.Writer = os.Stderr

func cmdCustomerImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("customer:import")
	onExisting := fs.String("on-existing", "skip", "what to do with an email that exists: skip or update")
	pos, err := fs.parse(args, 1, "FILE.csv [--on-existing skip|update] [--db FILE]")
	if err != nil {
		return err
	}
	if *onExisting != "skip" && *onExisting != "update" {
		return usagef("customer:import: --on-existing must be skip or update, not %q", *onExisting)
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return usagef("customer:import: %v", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return usagef("customer:import: %s is a directory", pos[0])
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	reported := 0
	rep, err := svc.ImportCustomers(ctx, bufio.NewReaderSize(f, 1<<16), auth.ImportOptions{
		UpdateExisting: *onExisting == "update",
		Skipped: func(line int, email, reason string) {
			fmt.Fprintf(importLog, "line %d (%s): skipped: %s\n", line, email, reason)
		},
		Progress: func(rows int) {
			// A line each time another 10,000 rows were read, whatever the batch
			// size or the skipped rows; short imports stay quiet.
			if rows/10000 > reported/10000 {
				fmt.Fprintf(importLog, "… %d rows read\n", rows)
			}
			reported = rows
		},
		Warn: func(msg string) { fmt.Fprintf(importLog, "warning: %s\n", msg) },
	})
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			return usagef("customer:import: %s", ae.Message)
		}
		return err
	}
	fmt.Fprintf(stdout, "%d rows: %d imported, %d updated, %d skipped (existing emails: %s)\n",
		rep.Rows, rep.Inserted, rep.Updated, rep.Skipped, map[bool]string{true: "updated", false: "skipped"}[*onExisting == "update"])
	return nil
}

func cmdCustomerExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("customer:export")
	pos, err := fs.parse(args, 1, "FILE.csv [--db FILE]")
	if err != nil {
		return err
	}
	if _, err := os.Stat(pos[0]); err == nil {
		return usagef("customer:export: %s already exists", pos[0])
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	tmp := pos[0] + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return usagef("customer:export: %v", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	n, err := svc.ExportCustomers(ctx, w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	// Only a complete file gets the name asked for.
	if err := os.Rename(tmp, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Exported %d customers to %s\n", n, pos[0])
	return nil
}
