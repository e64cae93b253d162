package config

import (
	"os"
	"path/filepath"
	"testing"
)

func names(nodes []Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Name
	}
	return out
}

func TestNodeNames(t *testing.T) {
	c, err := Parse([]byte(header+"name: demo\nnodes: [{role: worker}, {}, {role: worker}, {}, {role: control-plane}, {role: worker}]\n"), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	wantNames := func(got, want []string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("got %q, want %q", got, want)
		}
		for i := range got {
			wantEq(t, got[i], want[i])
		}
	}
	// Config order, numbered per role, as kind names them.
	wantNames(names(c.Nodes()), []string{"demo-worker", "demo-control-plane", "demo-worker2", "demo-control-plane2", "demo-control-plane3", "demo-worker3"})
	wantNames(names(c.ControlPlanes()), []string{"demo-control-plane", "demo-control-plane2", "demo-control-plane3"})
	wantNames(names(c.Workers()), []string{"demo-worker", "demo-worker2", "demo-worker3"})
	boot, ok := c.BootstrapControlPlane()
	wantEq(t, ok, true)
	wantEq(t, boot.Name, "demo-control-plane")
	wantEq(t, boot.Index, 1)
	wantEq(t, c.HasLoadBalancer(), true)
	wantEq(t, c.LoadBalancerName(), "demo-external-load-balancer")

	c.SetName("other")
	wantEq(t, c.Nodes()[0].Name, "other-worker")

	single := Default()
	wantEq(t, single.HasLoadBalancer(), false)
	wantEq(t, len(single.Workers()), 0)
	wantNames(names(single.Nodes()), []string{"kind-control-plane"})

	none := Default()
	none.Cluster.Nodes[0].Role = "worker"
	if _, ok := none.BootstrapControlPlane(); ok {
		t.Error("bootstrap control plane without control planes")
	}
}

func TestAbsHostPaths(t *testing.T) {
	c, err := Parse([]byte(header+"nodes:\n- extraMounts: [{hostPath: data, containerPath: /d}, {hostPath: /abs, containerPath: /a}, {containerPath: /e}]\n"), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AbsHostPaths(); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	m := c.Cluster.Nodes[0].ExtraMounts
	wantEq(t, m[0].HostPath, filepath.Join(wd, "data"))
	wantEq(t, m[1].HostPath, "/abs")
	wantEq(t, m[2].HostPath, wd)
}
