package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"shopauth/auth"
)

func init() { commands["key:rotate"] = cmdKeyRotate }

// cmdKeyRotate adds a new asymmetric signing key; the previous one keeps verifying
// until the last token it signed expires. A running server picks it up within 1 s.
func cmdKeyRotate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("key:rotate")
	if _, err := fs.parse(args, 0, "[--db FILE]"); err != nil {
		return err
	}
	d, svc, err := openService(ctx, fs.db)
	if err != nil {
		return err
	}
	defer d.Close()
	before := svc.Tokens.JWKS()
	k, err := svc.RotateSigningKey(ctx)
	if errors.Is(err, auth.ErrHS256Rotate) {
		return usagef("key:rotate: %v", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "New %s signing key %s\n", k.Alg, k.Kid)
	keys, _ := svc.Keys.SigningKeys(ctx)
	for _, old := range keys {
		for _, b := range before {
			if old.Kid == b.Kid && old.VerifyUntil != 0 {
				fmt.Fprintf(stdout, "Key %s still verifies until %s\n", old.Kid, time.Unix(old.VerifyUntil, 0).UTC().Format(time.RFC3339))
			}
		}
	}
	return nil
}
