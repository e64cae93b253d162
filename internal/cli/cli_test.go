package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple/applefake"
)

func TestMain(m *testing.M) {
	applefake.Main()
	os.Exit(m.Run())
}

// kina runs the CLI in-process with the given environment.
func kina(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return code, out.String(), errb.String()
}

// `kina create cluster --provider apple` against the `container` double:
// the command succeeds, the node's run line carries what a working node
// needs, and the kubeconfig gets the cluster's context.
func TestCreateClusterOnAppleDouble(t *testing.T) {
	fake := applefake.Install(t, applefake.Config{Version: "1.2.1"})
	t.Setenv("PATH", fake.Dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	code, _, stderr := kina(t, nil, "create", "cluster", "--provider", "apple", "--name", "mac",
		"--image", "kindest/node:v1.34.0", "--kubeconfig", kc)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var run string
	for _, c := range fake.Calls() {
		if line := strings.Join(c, " "); strings.HasPrefix(line, "run -d") {
			run = line
		}
	}
	for _, want := range []string{"--cap-add ALL", "--masked-path NONE --read-only-path NONE", "--label io.x-k8s.kind.cluster=mac"} {
		if !strings.Contains(run, want) {
			t.Errorf("run line lacks %q: %s", want, run)
		}
	}
	if b, err := os.ReadFile(kc); err != nil || !strings.Contains(string(b), "current-context: kina-mac") {
		t.Errorf("kubeconfig: %v\n%s", err, b)
	}
	code, stdout, _ := kina(t, nil, "get", "clusters", "--provider", "apple")
	if code != 0 || strings.TrimSpace(stdout) != "mac" {
		t.Errorf("get clusters = %d %q", code, stdout)
	}
	if code, _, stderr := kina(t, nil, "delete", "cluster", "--provider", "apple", "--name", "mac", "--kubeconfig", kc); code != 0 {
		t.Errorf("delete: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(kc); strings.Contains(string(b), "kina-mac") {
		t.Errorf("kubeconfig still has the cluster:\n%s", b)
	}
}

func TestBadInputNamesTheFieldOrFlag(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "kind.yaml")
	os.WriteFile(cfg, []byte("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  extraPortMapping: []\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "cluster", "--provider", "docker", "--config", cfg}, `nodes[0].extraPortMapping`},
		{[]string{"create", "cluster", "--provider", "nope"}, `unknown provider "nope"`},
		{[]string{"create", "cluster", "--wait", "soon"}, `--wait`},
		{[]string{"delete", "clusters", "--provider", "docker"}, "--all"},
	} {
		code, _, stderr := kina(t, nil, tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("kina %s: exit %d, stderr %q, want it to name %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}
