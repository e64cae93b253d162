package create

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBootWaitScript runs the script against a fake systemctl that answers
// a given sequence of states, one per call.
func TestBootWaitScript(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	for _, tc := range []struct {
		states []string
		ok     bool
		out    string
	}{
		{[]string{"offline", "Failed to connect to bus: No such file or directory", "starting", "running"}, true, "running"},
		{[]string{"offline", "degraded"}, true, "degraded"},
		{[]string{"offline", "maintenance"}, false, "maintenance"},
	} {
		dir := t.TempDir()
		// Each call answers the next state and remembers how far it got.
		fake := `#!/bin/sh
n=$(cat "$STATE" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$STATE"
echo "$STATES" | sed -n "${n}p"
`
		if err := os.WriteFile(filepath.Join(dir, "systemctl"), []byte(fake), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sh", "-c", bootWaitScript)
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"),
			"STATE="+filepath.Join(dir, "n"), "STATES="+strings.Join(tc.states, "\n"))
		out, err := cmd.Output()
		if (err == nil) != tc.ok || strings.TrimSpace(string(out)) != tc.out {
			t.Errorf("states %q: err %v, output %q; want ok=%v, %q", tc.states, err, out, tc.ok, tc.out)
		}
		calls, _ := os.ReadFile(filepath.Join(dir, "n"))
		if got := strings.TrimSpace(string(calls)); got != strconv.Itoa(len(tc.states)) {
			t.Errorf("states %q: systemctl called %s times, want %d", tc.states, got, len(tc.states))
		}
	}
}
