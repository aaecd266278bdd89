package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"shopauth/db"
)

// inFlight counts requests sent to a server that died before answering them (not
// those refused because it was already gone): proof that a kill hit writes in progress.
var inFlight atomic.Int64

// gqlPost sends a GraphQL request to a running binary; ok is false when the request
// did not get an answer (the server was killed before or during it).
func gqlPost(client *http.Client, base, token, query string) (status int, body string, ok bool) {
	b, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest("POST", base+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		if !errors.Is(err, syscall.ECONNREFUSED) {
			inFlight.Add(1)
		}
		return 0, "", false
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		inFlight.Add(1)
		return 0, "", false
	}
	return res.StatusCode, string(out), true
}

// TestCrashSafety kills the server with SIGKILL at random moments under a load of
// account creations, sign-ins and revocations, restarts it, and checks that every
// acknowledged account exists, every acknowledged revocation still rejects its token,
// and the database passes integrity_check.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the real binary")
	}
	dbf := testDB(t, t.TempDir(), "crash.db")
	// isEmailAvailable tells the truth (and unlimited) for the check after the kills.
	for _, kv := range [][2]string{{"shopauth/rate_limit/signin_per_minute", "0"}, {"shopauth/rate_limit/reset_per_minute", "0"},
		{"checkout/options/enable_guest_checkout_login", "1"}} {
		if _, err := cli(t, "config:set", kv[0], kv[1], "--db", dbf); err != nil {
			t.Fatal(err)
		}
	}
	const kills = 12
	var (
		mu       sync.Mutex
		accounts []string // acknowledged creations
		revoked  []string // tokens whose revocation was acknowledged
		seq      int
		cutOff   int // requests that got no answer: the kill hit them in flight
	)
	client := &http.Client{Timeout: 5 * time.Second}
	// A new seed each run, so the kills land at other moments; logged to replay a failure.
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill schedule seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	for round := 0; round < kills; round++ {
		cmd, base := startBinary(t, io.Discard, "serve", "--quiet", "--addr", "127.0.0.1:0", "--db", dbf)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					mu.Lock()
					seq++
					email := fmt.Sprintf("c%d@example.com", seq)
					mu.Unlock()
					status, body, ok := gqlPost(client, base, "", fmt.Sprintf(
						`mutation{createCustomerV2(input:{email:%q,firstname:"C",lastname:"D",password:"Passw0rd!"}){customer{email}}}`, email))
					if !ok {
						mu.Lock()
						cutOff++
						mu.Unlock()
						return
					}
					if status == 200 && bytes.Contains([]byte(body), []byte(email)) {
						mu.Lock()
						accounts = append(accounts, email)
						mu.Unlock()
					}
					status, body, ok = gqlPost(client, base, "", fmt.Sprintf(
						`mutation{generateCustomerToken(email:%q,password:"Passw0rd!"){token}}`, email))
					if !ok {
						mu.Lock()
						cutOff++
						mu.Unlock()
						return
					}
					if status != 200 {
						continue
					}
					var tok struct {
						Data struct{ GenerateCustomerToken struct{ Token string } }
					}
					json.Unmarshal([]byte(body), &tok)
					token := tok.Data.GenerateCustomerToken.Token
					status, body, ok = gqlPost(client, base, token, `mutation{revokeCustomerToken{result}}`)
					if !ok {
						mu.Lock()
						cutOff++
						mu.Unlock()
						return
					}
					if status == 200 && body == `{"data":{"revokeCustomerToken":{"result":true}}}`+"\n" {
						mu.Lock()
						revoked = append(revoked, token)
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(150+rng.IntN(450)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		close(stop)
		wg.Wait()
		// The file must be sound right after each kill, not only at the end.
		checkIntegrity(t, dbf)
	}

	// Restart and check everything that was acknowledged.
	_, base := startBinary(t, io.Discard, "serve", "--quiet", "--addr", "127.0.0.1:0", "--db", dbf)
	if len(accounts) < kills || len(revoked) < kills {
		t.Fatalf("too little load to mean anything: %d accounts, %d revocations", len(accounts), len(revoked))
	}
	if inFlight.Load() == 0 {
		t.Fatal("no kill hit a request in flight: the test proved nothing")
	}
	for _, email := range accounts {
		_, body, _ := gqlPost(client, base, "", fmt.Sprintf(`{isEmailAvailable(email:%q){is_email_available}}`, email))
		if body != `{"data":{"isEmailAvailable":{"is_email_available":false}}}`+"\n" {
			t.Errorf("acknowledged account %s lost: %s", email, body)
		}
		// The whole row survived, password hash included: the account signs in.
		status, body, _ := gqlPost(client, base, "", fmt.Sprintf(`mutation{generateCustomerToken(email:%q,password:"Passw0rd!"){token}}`, email))
		if status != 200 || !strings.HasPrefix(body, `{"data":{"generateCustomerToken":{"token":"ey`) {
			t.Errorf("acknowledged account %s cannot sign in: %d %s", email, status, body)
		}
	}
	for _, tok := range revoked {
		status, body, _ := gqlPost(client, base, tok, `{customer{email}}`)
		if status != 401 || body != `{"errors":[{"message":"User token has been revoked","extensions":{"category":"graphql-authentication"}}]}`+"\n" {
			t.Errorf("acknowledged revocation lost: %d %s", status, body)
		}
	}
	checkIntegrity(t, dbf)
	t.Logf("%d kills survived (%d requests in flight when killed, %d refused after); %d acknowledged accounts and %d acknowledged revocations checked",
		kills, inFlight.Load(), int64(cutOff)-inFlight.Load(), len(accounts), len(revoked))
}

// checkIntegrity runs PRAGMA integrity_check on the database file (on PostgreSQL, reads
// every table: see db.IntegrityCheck).
func checkIntegrity(t *testing.T, dbf string) {
	t.Helper()
	d, err := db.Open(context.Background(), dbf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if res, err := d.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
}
