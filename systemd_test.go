package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"shopauth/internal/testkit"
)

// TestSystemdUnit takes the README's unit as written, with only the binary, the state
// directory and the port changed: systemd-analyze verify accepts it (when systemd's
// tools are installed), and its ExecStart command line serves the API over a new
// database, which it creates.
func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	m := regexp.MustCompile("(?s)### systemd\n.*?```ini\n(.*?)```").FindStringSubmatch(s)
	if m == nil {
		t.Fatal("README has no systemd unit")
	}
	dir := t.TempDir()
	port := testkit.FreePort(t)
	unit := strings.NewReplacer("/usr/local/bin/shopauth", binary(t), "/var/lib/shopauth", dir,
		"127.0.0.1:8080", "127.0.0.1:"+port).Replace(m[1])
	if sa, err := exec.LookPath("systemd-analyze"); err == nil {
		path := filepath.Join(dir, "shopauth.service")
		os.WriteFile(path, []byte(unit), 0o644)
		out, err := exec.Command(sa, "verify", "--man=no", path).CombinedOutput()
		// Outside a booted systemd, verify also reports on the host's own units; only
		// lines about ours count.
		var ours []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "shopauth.service") {
				ours = append(ours, l)
			}
		}
		if len(ours) > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	} else {
		t.Log("systemd-analyze not installed: the unit's syntax is not checked")
	}
	exec1 := regexp.MustCompile(`(?m)^ExecStart=(.*)$`).FindStringSubmatch(unit)
	if exec1 == nil {
		t.Fatal("no ExecStart")
	}
	args := strings.Fields(exec1[1])
	out, done, _ := runProc(t, []string{"SHOPAUTH_INSECURE_FAST_HASH=1"}, args[0], args[1:]...)
	out.waitFor(t, done, "listening on http://127.0.0.1:"+port+"\n")
	res, err := http.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	if _, err := os.Stat(filepath.Join(dir, "shopauth.db")); err != nil {
		t.Errorf("database in the state directory: %v", err)
	}
}
