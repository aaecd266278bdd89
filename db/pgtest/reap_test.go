package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestReapStale: a cluster whose owning process is gone is stopped and removed by the
// next StartCluster; one whose owner runs is left alone.
func TestReapStale(t *testing.T) {
	bin := FindBin()
	if bin == "" {
		t.Skip("no PostgreSQL binaries")
	}
	c, err := StartCluster(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	// Hand the cluster to a process that has exited.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.Dir, "owner.pid"), []byte(strconv.Itoa(gone.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	live, err := StartCluster(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Stop()
	if _, err := os.Stat(c.Dir); !os.IsNotExist(err) {
		t.Fatalf("the orphaned cluster's directory is still there: %v", err)
	}
	reapStale(bin)
	if _, err := os.Stat(live.Dir); err != nil {
		t.Fatalf("a live owner's cluster was reaped: %v", err)
	}
}
