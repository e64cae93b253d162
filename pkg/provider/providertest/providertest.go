// Package providertest is a conformance suite for provider.Provider: the
// same behavioural tests run against every runtime (Docker and Podman for
// real, Apple's CLI through its test double).
//
// What a runtime needs: the image in Options.Image, present locally, whose
// default command keeps running (for example a busybox-like image with
// `sleep infinity` as CMD), and that has `cat` and `false` on PATH. The
// suite creates and removes its own containers and one network, all named
// with Options.Prefix and a per-run suffix.
package providertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kina-dev/kina/pkg/provider"
)

// Options are what the suite needs from the caller.
type Options struct {
	// Image is the node image (required). Its default command must keep the
	// container running, and it must have `cat` and `false`.
	Image string
	// Command, if set, replaces the image's command for the test nodes.
	Command []string
	// Prefix starts every container and network name (default "kinatest").
	Prefix string
	// NoNetworks is set when the runtime has no user networks (Apple on
	// macOS 15): EnsureNetwork must then fail with provider.ErrUnsupported
	// and the node goes on the default network.
	NoNetworks bool
	// Volumes, if set, lists the runtime's volumes; the suite checks that
	// creating and deleting a node leaves the list as it was.
	Volumes func(t *testing.T) []string
	// Timeout bounds the whole suite (default 5 minutes).
	Timeout time.Duration
}

// Run runs the suite. newProvider is called once.
func Run(t *testing.T, newProvider func(t *testing.T) provider.Provider, opts Options) {
	if opts.Image == "" {
		t.Fatal("providertest: Options.Image is required")
	}
	if opts.Prefix == "" {
		opts.Prefix = "kinatest"
	}
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	p := newProvider(t)
	s := &suite{p: p, opts: opts, id: fmt.Sprintf("%s-%d", opts.Prefix, time.Now().UnixNano()%1_000_000)}
	s.cluster = s.id
	s.network = s.id + "-net"
	s.node = s.id + "-worker"

	info, err := p.Info(ctx)
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	if info.Name == "" || info.Version == "" {
		t.Errorf("Info = %+v, want Name and Version set", info)
	}
	s.info = info
	var before []string
	if opts.Volumes != nil {
		before = opts.Volumes(t)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = p.DeleteNodes(ctx, s.node)
		_ = p.DeleteNetwork(ctx, s.network)
	})

	steps := []struct {
		name string
		fn   func(context.Context, *testing.T)
	}{
		{"EnsureNetworkIdempotent", s.ensureNetwork},
		{"CreateNode", s.createNode},
		{"ListByLabel", s.listByLabel},
		{"NameCollision", s.nameCollision},
		{"ExecStdinStdout", s.execStdin},
		{"ExecFailure", s.execFailure},
		{"ExecMissingNode", s.execMissing},
		{"NodeAddresses", s.addresses},
		{"HostPort", s.hostPort},
		{"DeleteIdempotent", s.deleteNodes},
		{"DeleteNetworkIdempotent", s.deleteNetwork},
	}
	for _, st := range steps {
		if !t.Run(st.name, func(t *testing.T) { st.fn(ctx, t) }) {
			// Later steps depend on earlier ones.
			t.Fatalf("stopping after %s failed", st.name)
		}
	}
	if opts.Volumes != nil {
		if after := opts.Volumes(t); strings.Join(after, ",") != strings.Join(before, ",") {
			t.Errorf("volumes before %v, after create and delete %v", before, after)
		}
	}
}

type suite struct {
	p                 provider.Provider
	opts              Options
	info              provider.Info
	id, cluster, node string
	network           string
	onDefaultNetwork  bool
}

func (s *suite) labels() map[string]string {
	return map[string]string{
		provider.LabelCluster: s.cluster,
		provider.LabelRole:    provider.RoleWorker,
		provider.LabelOwner:   provider.OwnerKina,
	}
}

func (s *suite) spec() provider.NodeSpec {
	spec := provider.NodeSpec{
		Name:     s.node,
		Image:    s.opts.Image,
		Network:  s.network,
		Labels:   s.labels(),
		Command:  s.opts.Command,
		CPUs:     1,
		MemoryMB: 512,
	}
	if s.onDefaultNetwork {
		spec.Network = ""
	}
	if s.info.PublishesPorts {
		spec.Ports = []provider.PortMapping{{ListenAddress: "127.0.0.1", ContainerPort: 8080}}
	}
	return spec
}

func (s *suite) ensureNetwork(ctx context.Context, t *testing.T) {
	for i := 0; i < 2; i++ {
		err := s.p.EnsureNetwork(ctx, provider.NetworkSpec{Name: s.network})
		if s.opts.NoNetworks {
			if !errors.Is(err, provider.ErrUnsupported) {
				t.Fatalf("EnsureNetwork without network support = %v, want ErrUnsupported", err)
			}
			s.onDefaultNetwork = true
			continue
		}
		if err != nil {
			t.Fatalf("EnsureNetwork (call %d): %v", i+1, err)
		}
	}
}

func (s *suite) createNode(ctx context.Context, t *testing.T) {
	if err := s.p.CreateNode(ctx, s.spec()); err != nil {
		t.Fatalf("CreateNode: %v", err)
	}
}

func (s *suite) listByLabel(ctx context.Context, t *testing.T) {
	nodes, err := s.p.ListNodes(ctx, map[string]string{provider.LabelCluster: s.cluster})
	if err != nil {
		t.Fatalf("ListNodes: %v", err)
	}
	if len(nodes) != 1 {
		t.Fatalf("ListNodes(cluster=%s) = %d nodes, want 1: %+v", s.cluster, len(nodes), nodes)
	}
	n := nodes[0]
	if n.Name != s.node || n.Cluster != s.cluster || n.Role != provider.RoleWorker || !n.Running {
		t.Errorf("node = %+v, want name %s, cluster %s, role worker, running", n, s.node, s.cluster)
	}
	for k, v := range s.labels() {
		if n.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, n.Labels[k], v)
		}
	}
	other, err := s.p.ListNodes(ctx, map[string]string{provider.LabelCluster: s.cluster + "-other"})
	if err != nil || len(other) != 0 {
		t.Errorf("ListNodes(other cluster) = %v, %v; want none", other, err)
	}
}

func (s *suite) nameCollision(ctx context.Context, t *testing.T) {
	err := s.p.CreateNode(ctx, s.spec())
	if !errors.Is(err, provider.ErrAlreadyExists) {
		t.Fatalf("second CreateNode with the same name = %v, want ErrAlreadyExists", err)
	}
	nodes, err := s.p.ListNodes(ctx, map[string]string{provider.LabelCluster: s.cluster})
	if err != nil || len(nodes) != 1 || !nodes[0].Running {
		t.Errorf("after the collision ListNodes = %+v, %v; want the first node, still running", nodes, err)
	}
}

func (s *suite) execStdin(ctx context.Context, t *testing.T) {
	var out bytes.Buffer
	in := "kina conformance\nline two\n"
	err := s.p.Exec(ctx, s.node, provider.Cmd{Args: []string{"cat"}, Stdin: strings.NewReader(in), Stdout: &out})
	if err != nil {
		t.Fatalf("Exec cat: %v", err)
	}
	if out.String() != in {
		t.Errorf("Exec cat echoed %q, want %q", out.String(), in)
	}
}

func (s *suite) execFailure(ctx context.Context, t *testing.T) {
	if err := s.p.Exec(ctx, s.node, provider.Cmd{Args: []string{"false"}}); err == nil {
		t.Error("Exec false succeeded, want an error")
	}
}

func (s *suite) execMissing(ctx context.Context, t *testing.T) {
	err := s.p.Exec(ctx, s.id+"-missing", provider.Cmd{Args: []string{"true"}})
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Exec in a missing node = %v, want ErrNotFound", err)
	}
}

func (s *suite) addresses(ctx context.Context, t *testing.T) {
	v4, v6, err := s.p.NodeAddresses(ctx, s.node)
	if err != nil {
		t.Fatalf("NodeAddresses: %v", err)
	}
	if ip := net.ParseIP(v4); ip == nil || ip.To4() == nil {
		t.Errorf("IPv4 = %q, want an IPv4 address", v4)
	}
	if v6 != "" && net.ParseIP(v6) == nil {
		t.Errorf("IPv6 = %q, want empty or an IPv6 address", v6)
	}
}

func (s *suite) hostPort(ctx context.Context, t *testing.T) {
	if !s.info.PublishesPorts {
		t.Skip("runtime does not publish ports")
	}
	host, port, err := s.p.HostPort(ctx, s.node, 8080)
	if err != nil {
		t.Fatalf("HostPort: %v", err)
	}
	if net.ParseIP(host) == nil || port <= 0 || port > 65535 {
		t.Errorf("HostPort = %q:%d, want an address and a port", host, port)
	}
	if _, _, err := s.p.HostPort(ctx, s.node, 9); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("HostPort of an unpublished port = %v, want ErrNotFound", err)
	}
}

func (s *suite) deleteNodes(ctx context.Context, t *testing.T) {
	for i := 0; i < 2; i++ {
		if err := s.p.DeleteNodes(ctx, s.node, s.id+"-never-created"); err != nil {
			t.Fatalf("DeleteNodes (call %d): %v", i+1, err)
		}
	}
	nodes, err := s.p.ListNodes(ctx, map[string]string{provider.LabelCluster: s.cluster})
	if err != nil || len(nodes) != 0 {
		t.Errorf("after DeleteNodes ListNodes = %+v, %v; want none", nodes, err)
	}
}

func (s *suite) deleteNetwork(ctx context.Context, t *testing.T) {
	for i := 0; i < 2; i++ {
		if err := s.p.DeleteNetwork(ctx, s.network); err != nil {
			t.Fatalf("DeleteNetwork (call %d): %v", i+1, err)
		}
	}
}
