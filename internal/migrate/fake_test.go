package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kina-dev/kina/pkg/provider"
)

// fakeRuntime answers from recorded inspect output and per-node files.
type fakeRuntime struct {
	name    string
	docs    []json.RawMessage
	dir     string // exec/<node>/<file>
	err     error
	mu      sync.Mutex
	execs   []string
	deleted []string
}

func loadFake(t *testing.T, fixture, inspect string) *fakeRuntime {
	t.Helper()
	dir := filepath.Join("testdata", fixture)
	b, err := os.ReadFile(filepath.Join(dir, inspect))
	if err != nil {
		t.Fatal(err)
	}
	var docs []json.RawMessage
	if err := json.Unmarshal(b, &docs); err != nil {
		t.Fatal(err)
	}
	return &fakeRuntime{name: "docker", docs: docs, dir: filepath.Join(dir, "exec")}
}

func (f *fakeRuntime) Name() string { return f.name }

func (f *fakeRuntime) InspectAll(_ context.Context, labels ...string) ([]json.RawMessage, error) {
	if f.err != nil {
		return nil, f.err
	}
	if len(labels) != 1 || labels[0] != provider.LabelCluster {
		return nil, fmt.Errorf("unexpected filters %v", labels)
	}
	return f.docs, nil
}

// files maps the commands migration runs to the fixture file answering them.
var files = map[string]string{
	"cat /kind/version":                    "version",
	"cat /kind/kubeadm.conf":               "kubeadm.conf",
	"crictl images --output json":          "crictl-images.json",
	"cat /kind/manifests/default-cni.yaml": "default-cni.yaml",
	"kubectl --kubeconfig=/etc/kubernetes/admin.conf get daemonsets --namespace=kube-system --output=name": "daemonsets.txt",
}

func (f *fakeRuntime) Exec(_ context.Context, node string, cmd provider.Cmd) error {
	line := strings.Join(cmd.Args, " ")
	f.mu.Lock()
	f.execs = append(f.execs, node+": "+line)
	f.mu.Unlock()
	if strings.HasPrefix(line, "ctr --namespace=k8s.io images export - ") {
		_, err := io.WriteString(cmd.Stdout, "archive of "+strings.TrimPrefix(line, "ctr --namespace=k8s.io images export - "))
		return err
	}
	name, ok := files[line]
	if !ok {
		return fmt.Errorf("fake: unexpected command in %s: %s", node, line)
	}
	b, err := os.ReadFile(filepath.Join(f.dir, node, name))
	if err != nil {
		return fmt.Errorf("fake: %s in %s: exit status 1: %w", line, node, err)
	}
	_, err = cmd.Stdout.Write(b)
	return err
}

func (f *fakeRuntime) DeleteKindNodes(_ context.Context, names ...string) error {
	f.deleted = append(f.deleted, names...)
	return nil
}

var errDown = errors.New("Cannot connect to the Docker daemon")
