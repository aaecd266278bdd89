package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"shopauth/internal/testkit"
)

// The end-to-end tests of the main package run the real binary, built once per test
// run, and other programs (pebble, systemd-analyze); what starts, watches and stops
// them is here.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the shopauth binary once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "shopauth-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "shopauth")
		build := exec.Command("go", "build", "-o", binPath, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// launch starts the binary with args, cheap password hashing and env, and returns it
// with its stdout to read; a process still running when the test ends gets SIGTERM.
func launch(t *testing.T, stderr io.Writer, env []string, args ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(append(os.Environ(), "SHOPAUTH_INSECURE_FAST_HASH=1"), env...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil { // not waited for by the test
			stopBinary(cmd)
		}
	})
	return cmd, bufio.NewReader(stdout)
}

// listeningURL is the base URL of serve's first line, "shopauth dev listening on http://…".
func listeningURL(line string) string {
	return strings.TrimSpace(line[strings.Index(line, "http://"):])
}

// startBinary runs the real binary and returns it with its base URL once it listens.
func startBinary(t *testing.T, stderr io.Writer, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd, out := launch(t, stderr, nil, args...)
	line, err := out.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("no listening line: %v", err)
	}
	return cmd, listeningURL(line)
}

// stopBinary stops a server as systemd does, with SIGTERM, and waits for it to exit.
func stopBinary(cmd *exec.Cmd) error {
	cmd.Process.Signal(syscall.SIGTERM)
	return cmd.Wait()
}

// runBinary runs a command of the binary to its end and returns what it printed and
// its exit status.
func runBinary(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "SHOPAUTH_INSECURE_FAST_HASH=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errOut.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), 0
}

// postJSON posts a JSON body to a running binary and returns the status and body.
func postJSON(t *testing.T, url, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// bearer is the Authorization header of token, none for "".
func bearer(token string) map[string]string {
	if token == "" {
		return nil
	}
	return map[string]string{"Authorization": "Bearer " + token}
}

// gqlAs posts a GraphQL query as a client at address from (X-Forwarded-For, which the
// proxy extends with its own peer); the body comes without its final newline.
func gqlAs(t *testing.T, base, token, from, query string) (int, string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"query": query})
	header := bearer(token)
	if from != "" {
		header = map[string]string{"X-Forwarded-For": from}
		maps.Copy(header, bearer(token))
	}
	status, body := postJSON(t, base+"/graphql", string(b), header)
	return status, strings.TrimSpace(body)
}

// tokenOf is the token of a generateCustomerToken answer, "" for none.
func tokenOf(t *testing.T, body string) string {
	t.Helper()
	var r struct {
		Data struct {
			GenerateCustomerToken struct{ Token string }
		}
	}
	json.Unmarshal([]byte(body), &r)
	return r.Data.GenerateCustomerToken.Token
}

// logBuffer collects a process's output and lets a test wait for a line in it.
type logBuffer struct{ testkit.LockedBuffer }

// waitFor waits until the output holds s; a process that exits first, or a minute
// passing (issuing takes a second or two here), fails the test.
func (b *logBuffer) waitFor(t *testing.T, done <-chan struct{}, s string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(b.String(), s) {
			return
		}
		select {
		case <-done:
			t.Fatalf("exited before %q:\n%s", s, b)
		default:
		}
	}
	t.Fatalf("no %q within a minute:\n%s", s, b)
}

// runProc starts a program in its own process group until stop is called or the test ends.
func runProc(t *testing.T, env []string, name string, args ...string) (out *logBuffer, done chan struct{}, stop func()) {
	t.Helper()
	out = &logBuffer{}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done = make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			<-done
		})
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(name), out)
		}
	})
	return out, done, stop
}
