package docker

import (
	"context"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/run"
)

// A container deleted between ps and inspect is skipped, not an error.
func TestInspectAllSkipsVanished(t *testing.T) {
	f := &run.Fake{Answer: func(c run.Cmd) (string, error) {
		switch {
		case c.HasPrefix("docker", "ps"):
			return "aaa\nbbb\n", nil
		case c.HasPrefix("docker", "inspect", "--type", "container", "aaa", "bbb"):
			return "", run.Failed(c, 1, "Error response from daemon: No such container: bbb")
		case c.HasPrefix("docker", "inspect", "--type", "container", "aaa"):
			return `[{"Name": "/aaa"}]`, nil
		case c.HasPrefix("docker", "inspect", "--type", "container", "bbb"):
			return "", run.Failed(c, 1, "Error response from daemon: No such container: bbb")
		}
		return "", run.Failed(c, 1, "unexpected")
	}}
	p := New(f, Docker, Options{})
	docs, err := p.InspectAll(context.Background(), "io.x-k8s.kind.cluster")
	if err != nil || len(docs) != 1 || !strings.Contains(string(docs[0]), "/aaa") {
		t.Fatalf("docs %s, err %v", docs, err)
	}
	if got := strings.Join(f.Calls(), "\n"); !strings.Contains(got, "--filter label=io.x-k8s.kind.cluster") {
		t.Errorf("calls:\n%s", got)
	}
}
