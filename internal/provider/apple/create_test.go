package apple

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple/applefake"
	"github.com/kina-dev/kina/pkg/provider"
)

// controlPlane is a node spec as kina's create pipeline builds it.
func controlPlane() provider.NodeSpec {
	return provider.NodeSpec{
		Name:    "kina-control-plane",
		Image:   "docker.io/kindest/node:v1.35.5",
		Network: "kina",
		Labels: map[string]string{
			provider.LabelCluster: "kina",
			provider.LabelRole:    provider.RoleControlPlane,
			provider.LabelOwner:   provider.OwnerKina,
		},
		Ports: []provider.PortMapping{{ListenAddress: "127.0.0.1", HostPort: 53187, ContainerPort: 6443}},
	}
}

var probeCalls = [][]string{
	{"--version"},
	{"run", "--help"},
	{"--help"},
	{"system", "status"},
}

// TestCreateNodeCommandLines pins the exact argv per CLI version for a
// kina control-plane node: the research's required flags in its order.
func TestCreateNodeCommandLines(t *testing.T) {
	common := []string{"--cpus", "3", "--memory", "9216M",
		"--label", "dev.kina.owner=kina", "--label", "io.x-k8s.kind.cluster=kina", "--label", "io.x-k8s.kind.role=control-plane",
		"--network", "kina", "--publish", "127.0.0.1:53187:6443/tcp"}
	want := map[string][]string{
		"0.5":   cat([]string{"run", "-d", "--name", "kina-control-plane"}, common, []string{"--disable-progress-updates", "docker.io/kindest/node:v1.35.5"}),
		"0.10":  cat([]string{"run", "-d", "--name", "kina-control-plane"}, common, []string{"--progress", "none", "docker.io/kindest/node:v1.35.5"}),
		"0.12":  cat([]string{"run", "-d", "--name", "kina-control-plane", "--cap-add", "ALL"}, common, []string{"--progress", "none", "docker.io/kindest/node:v1.35.5"}),
		"1.0":   cat([]string{"run", "-d", "--name", "kina-control-plane", "--cap-add", "ALL"}, common, []string{"--progress", "none", "docker.io/kindest/node:v1.35.5"}),
		"1.2.1": cat([]string{"run", "-d", "--name", "kina-control-plane", "--cap-add", "ALL", "--masked-path", "NONE", "--read-only-path", "NONE"}, common, []string{"--progress", "none", "docker.io/kindest/node:v1.35.5"}),
	}
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			ctx := context.Background()
			p, f := newFake(t, applefake.Config{Version: v})
			if err := p.EnsureNetwork(ctx, provider.NetworkSpec{Name: "kina"}); err != nil {
				t.Fatal(err)
			}
			if err := p.CreateNode(ctx, controlPlane()); err != nil {
				t.Fatal(err)
			}
			wantCalls := append(append([][]string{}, probeCalls...),
				[]string{"network", "create", "--label", "dev.kina.owner=kina", "kina"},
				want[v])
			if got := f.Calls(); !reflect.DeepEqual(got, wantCalls) {
				t.Errorf("calls:\n got %q\nwant %q", got, wantCalls)
			}
			for _, c := range f.Calls() {
				if contains(c, "--init") {
					t.Errorf("--init passed: %q", c)
				}
			}
		})
	}
}

func TestLoadBalancerCommandLine(t *testing.T) {
	spec := provider.NodeSpec{Name: "kina-external-load-balancer", Image: "docker.io/kindest/haproxy:v20260131",
		Labels: map[string]string{provider.LabelRole: provider.RoleLoadBalancer}, LoadBalancer: true,
		Entrypoint: "haproxy", Command: []string{"-f", "/usr/local/etc/haproxy/haproxy.cfg"}}
	args, err := RunArgs(withSize(spec), Features{CapAdd: true, SystemPaths: true, ProgressFlag: "--progress"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"run", "-d", "--name", "kina-external-load-balancer", "--cpus", "1", "--memory", "512M",
		"--label", "io.x-k8s.kind.role=external-load-balancer", "--progress", "none",
		"--entrypoint", "haproxy", "docker.io/kindest/haproxy:v20260131", "-f", "/usr/local/etc/haproxy/haproxy.cfg"}
	if !reflect.DeepEqual(args, want) {
		t.Errorf("got  %q\nwant %q", args, want)
	}
}

func withSize(s provider.NodeSpec) provider.NodeSpec {
	s.CPUs, s.MemoryMB = DefaultNodeResources(testHost, s.LoadBalancer)
	return s
}

func TestRunArgsRefusals(t *testing.T) {
	f := Features{CapAdd: true}
	base := withSize(controlPlane())
	cases := map[string]func(*provider.NodeSpec){
		"dotted name": func(s *provider.NodeSpec) { s.Name = "a.b" },
		"sctp":        func(s *provider.NodeSpec) { s.Ports[0].Protocol = "SCTP" },
		"propagation": func(s *provider.NodeSpec) {
			s.Mounts = []provider.Mount{{HostPath: "/a", ContainerPath: "/b", Propagation: "Bidirectional"}}
		},
		"low memory":    func(s *provider.NodeSpec) { s.MemoryMB = 128 },
		"colon in path": func(s *provider.NodeSpec) { s.Mounts = []provider.Mount{{HostPath: "/a:b", ContainerPath: "/b"}} },
	}
	for name, mod := range cases {
		s := base
		s.Ports = append([]provider.PortMapping(nil), base.Ports...)
		mod(&s)
		if _, err := RunArgs(s, f); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	s := base
	s.Mounts = []provider.Mount{{HostPath: "/Users/me/src", ContainerPath: "/src", ReadOnly: true, SELinuxRelabel: true}}
	args, err := RunArgs(s, f)
	if err != nil || !strings.Contains(strings.Join(args, " "), "--volume /Users/me/src:/src:ro") {
		t.Errorf("mount: %q %v", args, err)
	}
}

func TestDefaultNodeResources(t *testing.T) {
	for _, c := range []struct {
		host        HostResources
		lb          bool
		cpus, memMB int
	}{
		{HostResources{CPUs: 12, MemoryMB: 36864}, false, 3, 9216},
		{HostResources{CPUs: 4, MemoryMB: 4096}, false, 2, 2048},
		{HostResources{CPUs: 16, MemoryMB: 65536}, true, 1, 512},
	} {
		cpus, mem := DefaultNodeResources(c.host, c.lb)
		if cpus != c.cpus || mem != c.memMB {
			t.Errorf("DefaultNodeResources(%+v, %v) = %d, %d; want %d, %d", c.host, c.lb, cpus, mem, c.cpus, c.memMB)
		}
	}
}

func TestMacOS15RefusesNetworks(t *testing.T) {
	ctx := context.Background()
	p, f := newFake(t, applefake.Config{Version: "1.2.1", MacOS: "15.6"})
	err := p.EnsureNetwork(ctx, provider.NetworkSpec{Name: "kina"})
	if !isErr(err, provider.ErrUnsupported) || !strings.Contains(err.Error(), "single-node") {
		t.Fatalf("EnsureNetwork = %v", err)
	}
	if err := p.CreateNode(ctx, controlPlane()); !isErr(err, provider.ErrUnsupported) {
		t.Fatalf("CreateNode on a network = %v, want ErrUnsupported", err)
	}
	spec := controlPlane()
	spec.Network = ""
	if err := p.CreateNode(ctx, spec); err != nil {
		t.Fatal(err)
	}
	last := f.Calls()[len(f.Calls())-1]
	if contains(last, "--network") {
		t.Errorf("single node on macOS 15 got --network: %q", last)
	}
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
