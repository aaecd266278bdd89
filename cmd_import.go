package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

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
	addresses := fs.String("addresses", "", "also import this file of addresses (Magento's customer address export)")
	pos, err := fs.parse(args, 1, "FILE.csv [--addresses ADDRESSES.csv] [--on-existing skip|update] [--db FILE]")
	if err != nil {
		return err
	}
	if *onExisting != "skip" && *onExisting != "update" {
		return usagef("customer:import: --on-existing must be skip or update, not %q", *onExisting)
	}
	f, err := openImportFile(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	var af *os.File
	if *addresses != "" {
		if af, err = openImportFile(*addresses); err != nil {
			return err
		}
		defer af.Close()
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The import holds one batch (a few MiB of Go heap), yet an unlucky collection
		// pace let 1M rows peak at 57 MiB instead of 40 in one run of three; a soft limit
		// keeps the collector near what is live. Long rows can only make it collect
		// more often. The old limit comes back after (tests run commands in-process).
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(32 << 20))
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	update := *onExisting == "update"
	existing := map[bool]string{true: "updated", false: "skipped"}[update]
	reported := 0
	rep, err := svc.ImportCustomers(ctx, bufio.NewReaderSize(f, 1<<16), auth.ImportOptions{
		UpdateExisting: update,
		Skipped:        importSkipped(""),
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
		return importError(err)
	}
	fmt.Fprintf(stdout, "%d rows: %d imported, %d updated, %d skipped (existing emails: %s)\n",
		rep.Rows, rep.Inserted, rep.Updated, rep.Skipped, existing)
	if af == nil {
		return nil
	}
	arep, err := svc.ImportAddresses(ctx, bufio.NewReaderSize(af, 1<<16), auth.ImportOptions{
		UpdateExisting: update,
		Skipped:        importSkipped(*addresses + " "),
		Warn:           func(msg string) { fmt.Fprintf(importLog, "warning: %s: %s\n", *addresses, msg) },
	})
	if err != nil {
		return importError(err)
	}
	fmt.Fprintf(stdout, "%d address rows: %d imported, %d updated, %d skipped (existing addresses: %s)\n",
		arep.Rows, arep.Inserted, arep.Updated, arep.Skipped, existing)
	return nil
}

// openImportFile opens a file to import; a missing file or a directory is a usage error.
func openImportFile(name string) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("customer:import: %v", err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, usagef("customer:import: %s is a directory", name)
	}
	return f, nil
}

// importSkipped reports a skipped row on importLog, its line prefixed by prefix (the
// file's name and a space, or nothing for the customer file).
func importSkipped(prefix string) func(line int, email, reason string) {
	return func(line int, email, reason string) {
		fmt.Fprintf(importLog, "%sline %d (%s): skipped: %s\n", prefix, line, auth.ShowHidden(email), reason)
	}
}

// importError makes an import's refusal of its file (an *auth.Error) a usage error.
func importError(err error) error {
	var ae *auth.Error
	if errors.As(err, &ae) {
		return usagef("customer:import: %s", ae.Message)
	}
	return err
}

func cmdCustomerExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("customer:export")
	addresses := fs.String("addresses", "", "also export the addresses to this file (Magento's customer address export)")
	pos, err := fs.parse(args, 1, "FILE.csv [--addresses ADDRESSES.csv] [--db FILE]")
	if err != nil {
		return err
	}
	for _, name := range []string{pos[0], *addresses} {
		if _, err := os.Stat(name); name != "" && err == nil {
			return usagef("customer:export: %s already exists", name)
		}
	}
	if *addresses != "" && *addresses == pos[0] {
		return usagef("customer:export: --addresses must name another file")
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := writeAtomically(pos[0], func(w io.Writer) (int, error) { return svc.ExportCustomers(ctx, w) })
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Exported %d customers to %s\n", n, pos[0])
	if *addresses != "" {
		n, err := writeAtomically(*addresses, func(w io.Writer) (int, error) { return svc.ExportAddresses(ctx, w) })
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Exported %d addresses to %s\n", n, *addresses)
	}
	return nil
}

// writeAtomically writes a file through name.partial, renamed only once complete.
func writeAtomically(name string, write func(io.Writer) (int, error)) (int, error) {
	tmp := name + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, usagef("customer:export: %v", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	n, err := write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return n, err
	}
	// Only a complete file gets the name asked for.
	return n, os.Rename(tmp, name)
}
