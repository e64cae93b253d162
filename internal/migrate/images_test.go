package migrate

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/kina-dev/kina/pkg/provider"
)

const crictlKind = `{"images":[
 {"id":"sha256:aaa","repoTags":["registry.k8s.io/pause:3.10"],"repoDigests":[]},
 {"id":"sha256:bbb","repoTags":["docker.io/library/app:v1"],"repoDigests":[]},
 {"id":"sha256:ccc","repoTags":[],"repoDigests":["docker.io/library/db@sha256:1234567890123456789012345678901234567890123456789012345678901234"]},
 {"id":"sha256:ddd","repoTags":["docker.io/kindest/kindnetd:v1"],"repoDigests":[]}
]}`

const crictlKina = `{"images":[
 {"id":"sha256:aaa","repoTags":["registry.k8s.io/pause:3.10"]},
 {"id":"sha256:old","repoTags":["docker.io/kindest/kindnetd:v1"]}
]}`

// kinaNodes records what each kina node was asked to import.
type kinaNodes struct {
	mu       sync.Mutex
	imported map[string]string
	failures int // imports that fail first
}

func (k *kinaNodes) Exec(_ context.Context, node string, cmd provider.Cmd) error {
	switch strings.Join(cmd.Args, " ") {
	case "crictl images --output json":
		_, err := io.WriteString(cmd.Stdout, crictlKina)
		return err
	case strings.Join(importArgv, " "):
		b, err := io.ReadAll(cmd.Stdin)
		k.mu.Lock()
		defer k.mu.Unlock()
		if k.failures > 0 {
			k.failures--
			return errors.New("short read: unexpected EOF")
		}
		k.imported[node] = string(b) // a retry imports again
		return err
	}
	return os.ErrInvalid
}

func TestCarryImages(t *testing.T) {
	rt := loadFake(t, fixture, "inspect.json")
	dir := t.TempDir()
	for _, n := range []string{"fixt-control-plane", "fixt-worker", "fixt-worker2"} {
		os.MkdirAll(filepath.Join(dir, n), 0o755)
		os.WriteFile(filepath.Join(dir, n, "crictl-images.json"), []byte(crictlKind), 0o644)
	}
	rt.dir = dir
	c := findOne(t, rt)
	kina := &kinaNodes{imported: map[string]string{}, failures: 1}
	plan, err := planImages(context.Background(), c, kina, "new-control-plane")
	if err != nil {
		t.Fatal(err)
	}
	// Each image once, from the first node holding it; the node image's own
	// (same ID) stay; a different ID under the same name is carried.
	want := []carry{{node: "fixt-control-plane", refs: []string{
		"docker.io/kindest/kindnetd:v1", "docker.io/library/app:v1",
		"docker.io/library/db@sha256:1234567890123456789012345678901234567890123456789012345678901234"}}}
	if !reflect.DeepEqual(plan, want) {
		t.Fatalf("plan %+v, want %+v", plan, want)
	}
	if err := copyImages(context.Background(), c, kina, []string{"a", "b"}, plan); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if got := kina.imported[n]; got != "archive of "+strings.Join(want[0].refs, " ") {
			t.Errorf("node %s imported %q", n, got)
		}
	}
}

func TestDeleteKind(t *testing.T) {
	rt := loadFake(t, fixture, "inspect.json")
	c := findOne(t, rt)
	kc := filepath.Join(t.TempDir(), "config")
	os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
current-context: kind-fixt
clusters:
- name: kind-fixt
  cluster: {server: "https://127.0.0.1:42347"}
- name: kina-other
  cluster: {server: "https://127.0.0.1:1"}
contexts:
- name: kind-fixt
  context: {cluster: kind-fixt, user: kind-fixt}
users:
- name: kind-fixt
  user: {token: x}
`), 0o600)
	if err := DeleteKind(context.Background(), c, kc); err != nil {
		t.Fatal(err)
	}
	if strings.Join(rt.deleted, " ") != "fixt-control-plane fixt-worker fixt-worker2" {
		t.Errorf("deleted %v", rt.deleted)
	}
	b, _ := os.ReadFile(kc)
	if strings.Contains(string(b), "kind-fixt") || !strings.Contains(string(b), "kina-other") {
		t.Errorf("kubeconfig after delete:\n%s", b)
	}
	if _, err := os.Stat(kc + ".lock"); err == nil {
		t.Errorf("lock file left")
	}
}

func TestCovered(t *testing.T) {
	listed := []string{"networking.apiServerPort", "nodes[*].extraPortMappings[*].hostPort", "nodes[2].labels", "featureGates.KubeletInUserNamespace"}
	for path, want := range map[string]bool{
		"networking.apiServerPort":                 true,
		"networking.apiServerAddress":              false,
		"nodes[1].extraPortMappings[3].hostPort":   true,
		"nodes[1].extraPortMappings[3].protocol":   false,
		"nodes[2].labels[\"disk\"]":                true,
		"nodes[1].labels":                          false,
		"featureGates[\"KubeletInUserNamespace\"]": true,
		"featureGates[\"Other\"]":                  false,
	} {
		if got := Covered(path, listed); got != want {
			t.Errorf("Covered(%s) = %v, want %v", path, got, want)
		}
	}
}
