package e2e

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCluster is one cluster created by a test and deleted when it ends.
type testCluster struct {
	t          *testing.T
	name       string
	provider   string
	kubeconfig string
	env        []string
}

// createCluster runs `kina create cluster` with the given config (may be
// empty) and registers its deletion, which runs even when the test fails.
func createCluster(t *testing.T, provider, name, config string) *testCluster {
	t.Helper()
	c := &testCluster{
		t: t, name: name, provider: provider,
		kubeconfig: filepath.Join(t.TempDir(), "kubeconfig"),
	}
	c.env = append(os.Environ(), "KUBECONFIG="+c.kubeconfig, "KINA_PROVIDER="+provider)
	args := []string{"create", "cluster", "--name", name, "--image", nodeImage, "--wait", "3m"}
	if config != "" {
		path := filepath.Join(t.TempDir(), "cluster.yaml")
		if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	t.Cleanup(func() {
		if out, err := c.kinaOut("delete", "cluster", "--name", name); err != nil {
			t.Errorf("delete cluster %s: %v\n%s", name, err, out)
		}
	})
	start := time.Now()
	out, err := c.kinaOut(args...)
	if err != nil {
		t.Fatalf("create cluster %s: %v\n%s", name, err, out)
	}
	t.Logf("created cluster %s on %s in %s:\n%s", name, provider, time.Since(start).Round(100*time.Millisecond), out)
	return c
}

func (c *testCluster) kinaOut(args ...string) (string, error) {
	cmd := exec.Command(kinaBin, args...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// kubectl runs kubectl from the host against the cluster's merged kubeconfig.
func (c *testCluster) kubectl(stdin string, args ...string) (string, error) {
	cmd := exec.Command(kubectl, append([]string{"--kubeconfig", c.kubeconfig, "--context", "kina-" + c.name}, args...)...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), &cmdError{args: args, err: err, stderr: stderr.String()}
	}
	return string(out), nil
}

func (c *testCluster) mustKubectl(stdin string, args ...string) string {
	c.t.Helper()
	out, err := c.kubectl(stdin, args...)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// eventually retries fn until it succeeds or the timeout passes.
func (c *testCluster) eventually(what string, timeout time.Duration, fn func() error) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s: still failing after %s: %v", what, timeout, err)
		}
		time.Sleep(time.Second)
	}
}

type cmdError struct {
	args   []string
	err    error
	stderr string
}

func (e *cmdError) Error() string {
	return "kubectl " + strings.Join(e.args, " ") + ": " + e.err.Error() + ": " + strings.TrimSpace(e.stderr)
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

func containsLine(out, want string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
