package migrate

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/internal/config"
	"github.com/kina-dev/kina/pkg/provider"
)

const fixture = "docker-kind-v0.33.0"

func findOne(t *testing.T, rt Runtime) *Cluster {
	t.Helper()
	c, err := Get(context.Background(), []Runtime{rt}, "fixt", "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFindRunning(t *testing.T) {
	rt := loadFake(t, fixture, "inspect.json")
	clusters, looked, err := Find(context.Background(), []Runtime{rt})
	if err != nil {
		t.Fatal(err)
	}
	if len(clusters) != 1 || len(looked) != 1 || looked[0].Clusters != 1 {
		t.Fatalf("clusters %v, looked %v", clusters, looked)
	}
	c := clusters[0]
	want := map[string]int{"control-plane": 1, "worker": 2}
	if c.Name != "fixt" || c.Provider != "docker" || !c.Running || c.State != "running" || !reflect.DeepEqual(c.Roles, want) {
		t.Errorf("got %s %s %v %s %v", c.Name, c.Provider, c.Running, c.State, c.Roles)
	}
	if c.Image != "kina/base:173f71ed30741a5f" || c.KubernetesVersion != "v1.34.4" || c.APIEndpoint != "https://127.0.0.1:42347" {
		t.Errorf("image %q version %q endpoint %q", c.Image, c.KubernetesVersion, c.APIEndpoint)
	}
	var names []string
	for _, n := range c.Nodes {
		names = append(names, n.Name)
	}
	if strings.Join(names, " ") != "fixt-control-plane fixt-worker fixt-worker2" {
		t.Errorf("nodes in order %v", names)
	}
}

func TestFindSkipsKinaNodes(t *testing.T) {
	rt := loadFake(t, fixture, "inspect.json")
	// kina's nodes carry kind's labels plus its owner label.
	kina := strings.Replace(string(rt.docs[0]), `"io.x-k8s.kind.cluster": "fixt"`,
		`"io.x-k8s.kind.cluster": "mine", "dev.kina.owner": "kina"`, 1)
	if kina == string(rt.docs[0]) {
		t.Fatal("fixture label not found")
	}
	rt.docs = append(rt.docs, []byte(kina))
	clusters, _, err := Find(context.Background(), []Runtime{rt})
	if err != nil {
		t.Fatal(err)
	}
	if len(clusters) != 1 || clusters[0].Name != "fixt" {
		t.Errorf("got %d clusters, want only kind's fixt", len(clusters))
	}
}

func TestNoClustersSaysWhereItLooked(t *testing.T) {
	empty := &fakeRuntime{name: "docker"}
	down := &fakeRuntime{name: "podman", err: errDown}
	_, err := Get(context.Background(), []Runtime{empty, down}, "kind", "")
	if !errors.Is(err, ErrNoClusters) {
		t.Fatalf("err = %v, want ErrNoClusters", err)
	}
	for _, want := range []string{"docker (0 clusters)", "podman (not answering: Cannot connect"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	_, _, err = Find(context.Background(), []Runtime{down})
	if err == nil || !strings.Contains(err.Error(), "Cannot connect") {
		t.Errorf("all runtimes down: err = %v", err)
	}
}

func TestNamedClusterNotFound(t *testing.T) {
	rt := loadFake(t, fixture, "inspect.json")
	_, err := Get(context.Background(), []Runtime{rt}, "other", "")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "docker/fixt") {
		t.Errorf("err = %v, want ErrNotFound listing docker/fixt", err)
	}
}

// load parses and validates a file as kina's create would.
func load(t *testing.T, raw []byte, source string) *config.Config {
	t.Helper()
	c, err := config.Parse(raw, source)
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", source, err, raw)
	}
	if err := config.Validate(c); err != nil {
		t.Fatalf("validate %s: %v\n%s", source, err, raw)
	}
	return c
}

func TestReconstructMatchesOriginal(t *testing.T) {
	c := findOne(t, loadFake(t, fixture, "inspect.json"))
	res, err := Reconstruct(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	out, err := res.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rebuilt:\n%s", out)
	got := load(t, out, "rebuilt")
	orig, err := os.ReadFile("testdata/" + fixture + "/kind.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := load(t, orig, "kind.yaml")
	// The fixture cluster was made with --image, which kind applies to
	// every node.
	for i := range want.Cluster.Nodes {
		want.Cluster.Nodes[i].Image = "kina/base:173f71ed30741a5f"
	}
	want.Cluster.Name = "fixt" // kind create --name
	SortPortMappings(&want.Cluster)
	listed := MissingFields(out)
	diffs := Diff(&want.Cluster, &got.Cluster)
	for _, d := range diffs {
		if !Covered(d, listed) {
			t.Errorf("field %s differs from the original but the comment does not list it (lists %v)", d, listed)
		}
	}
	if want := []string{"networking.apiServerPort"}; !reflect.DeepEqual(diffs, want) {
		t.Errorf("diffs = %v, want %v", diffs, want)
	}
	if got.Cluster.Networking.APIServerPort != 42347 {
		t.Errorf("apiServerPort = %d", got.Cluster.Networking.APIServerPort)
	}
	for _, want := range []string{"kubeadmConfigPatches", "containerdConfigPatches"} {
		if !strings.Contains(string(out), "#   "+want) {
			t.Errorf("comment does not list %s", want)
		}
	}
}

func TestReconstructStoppedNodes(t *testing.T) {
	c := findOne(t, loadFake(t, fixture, "inspect-partial.json"))
	if c.Running || c.State != "partial" || c.APIEndpoint != "" {
		t.Errorf("state %q running %v endpoint %q", c.State, c.Running, c.APIEndpoint)
	}
	res, err := Reconstruct(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	out, err := res.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rebuilt:\n%s", out)
	got := load(t, out, "rebuilt")
	n := got.Cluster.Nodes
	// Ports and mounts come from the stopped containers' configuration.
	if len(n) != 3 || len(n[0].ExtraPortMappings) != 2 || n[0].ExtraPortMappings[0].Protocol != "UDP" || len(n[1].ExtraMounts) != 1 {
		t.Errorf("nodes %+v", n)
	}
	// The running worker's kubeadm.conf gives the cluster-wide values.
	if got.Cluster.Networking.PodSubnet != "10.250.0.0/16" || got.Cluster.Networking.KubeProxyMode != "nftables" {
		t.Errorf("networking %+v", got.Cluster.Networking)
	}
	listed := MissingFields(out)
	for _, want := range []string{"nodes[0].labels", "nodes[2].labels"} {
		if !Covered(want, listed) {
			t.Errorf("comment does not list %s: %v", want, listed)
		}
	}
	if !strings.Contains(string(out), "fixt-control-plane is exited") {
		t.Errorf("comment does not say which node is stopped:\n%s", out)
	}
	if n[0].Labels != nil || n[2].Labels != nil {
		t.Errorf("labels of stopped nodes were guessed: %v %v", n[0].Labels, n[2].Labels)
	}
}

func TestReconstructAllStopped(t *testing.T) {
	rt := loadFake(t, fixture, "inspect-partial.json")
	for i, d := range rt.docs {
		rt.docs[i] = []byte(strings.Replace(string(d), `"Running": true`, `"Running": false`, 1))
	}
	c := findOne(t, rt)
	res, err := Reconstruct(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := res.Render(c)
	load(t, out, "rebuilt")
	if !strings.Contains(string(out), "no node is running") || !Covered("networking.podSubnet", MissingFields(out)) {
		t.Errorf("comment does not say the kubeadm config was unreadable:\n%s", out)
	}
	for _, e := range rt.execs {
		t.Errorf("exec in a stopped cluster: %s", e)
	}
}

func TestPlanFitsBesideKind(t *testing.T) {
	c := findOne(t, loadFake(t, fixture, "inspect.json"))
	target := infoProvider{provider.Info{Name: "docker", PublishesPorts: true}}
	_, err := NewPlan(context.Background(), c, target, Options{})
	if err == nil || !strings.Contains(err.Error(), "--name") {
		t.Errorf("same name on the same runtime: err = %v", err)
	}
	_, err = NewPlan(context.Background(), c, target, Options{Name: "new"})
	if err == nil || !strings.Contains(err.Error(), "nodes[0].extraPortMappings[1].hostPort: host port 38080/TCP is held by kind's node fixt-control-plane") ||
		!strings.Contains(err.Error(), "38053/UDP") {
		t.Errorf("port collision: err = %v", err)
	}
	p, err := NewPlan(context.Background(), c, target, Options{Name: "new", HostPortOffset: 1000, Image: "kina/node:v1"})
	if err != nil {
		t.Fatal(err)
	}
	pm := p.Config.Nodes[0].ExtraPortMappings
	if pm[0].HostPort != 39053 || pm[1].HostPort != 39080 || p.Config.Networking.APIServerPort != 0 || p.Config.Nodes[2].Image != "kina/node:v1" {
		t.Errorf("plan config %+v %+v", pm, p.Config.Networking)
	}
	if p.Result.Config.Name != "fixt" {
		t.Errorf("the plan changed the rebuilt config")
	}
}

func TestCheckTarget(t *testing.T) {
	cfg := &v1alpha4.Cluster{Nodes: []v1alpha4.Node{{
		ExtraPortMappings: []v1alpha4.PortMapping{{ContainerPort: 80, HostPort: 80, Protocol: "SCTP"}},
		ExtraMounts:       []v1alpha4.Mount{{HostPath: "/a", ContainerPath: "/b", Propagation: "Bidirectional", SelinuxRelabel: true}},
	}}}
	warn, err := CheckTarget(cfg, provider.Info{Name: "apple", PublishesPorts: true})
	if !errors.Is(err, ErrUnsupportedField) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"nodes[0].extraPortMappings[0].protocol", "nodes[0].extraMounts[0].propagation", "virtiofs"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if len(warn) != 1 || !strings.Contains(warn[0], "selinuxRelabel") {
		t.Errorf("warnings %v", warn)
	}
	_, err = CheckTarget(cfg, provider.Info{Name: "podman", Rootless: true})
	if err == nil || !strings.Contains(err.Error(), "cannot publish") {
		t.Errorf("no publishing: %v", err)
	}
	_, err = CheckTarget(cfg, provider.Info{Name: "podman", Rootless: true, PublishesPorts: true})
	if err == nil || !strings.Contains(err.Error(), "below 1024") {
		t.Errorf("rootless low port: %v", err)
	}
	if _, err := CheckTarget(cfg, provider.Info{Name: "docker", PublishesPorts: true}); err != nil {
		t.Errorf("docker: %v", err)
	}
}

type infoProvider struct{ info provider.Info }

func (p infoProvider) Info(context.Context) (provider.Info, error) { return p.info, nil }

// The live fixture is all recorded from a kind v0.33.0 cluster of kina's
// node image: inspect output and every file read inside the nodes.
func TestReconstructLiveRecording(t *testing.T) {
	rt := loadFake(t, fixture+"-live", "inspect.json")
	c, err := Get(context.Background(), []Runtime{rt}, "mig", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.KubernetesVersion != "v1.34.4" || c.Image != "kina/node:v1.34.4" || !strings.HasPrefix(c.APIEndpoint, "https://127.0.0.1:") {
		t.Errorf("cluster %s %s %q %q", c.Image, c.State, c.APIEndpoint, c.KubernetesVersion)
	}
	res, err := Reconstruct(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	out, err := res.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	got := load(t, out, "rebuilt")
	orig, err := os.ReadFile("testdata/" + fixture + "-live/kind.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := load(t, orig, "kind.yaml")
	want.Cluster.Name = "mig"
	SortPortMappings(&want.Cluster)
	listed := MissingFields(out)
	diffs := Diff(&want.Cluster, &got.Cluster)
	if len(diffs) != 1 || diffs[0] != "networking.apiServerPort" {
		t.Errorf("diffs %v", diffs)
	}
	for _, d := range diffs {
		if !Covered(d, listed) {
			t.Errorf("%s differs but is not listed", d)
		}
	}
	if got.Cluster.Networking.DisableDefaultCNI {
		t.Errorf("the default CNI is installed, but disableDefaultCNI was rebuilt true")
	}
}

func TestPodmanStoppedCluster(t *testing.T) {
	rt := loadFake(t, "podman-created", "inspect.json")
	rt.name = "podman"
	c, err := Get(context.Background(), []Runtime{rt}, "pk", "podman")
	if err != nil {
		t.Fatal(err)
	}
	if c.Provider != "podman" || c.State != "stopped" || c.Image != "localhost/kina/node:v1.34.4" || c.APIEndpoint != "" || c.KubernetesVersion != "" {
		t.Errorf("cluster %s %s %s %q %q", c.Provider, c.State, c.Image, c.APIEndpoint, c.KubernetesVersion)
	}
	res, err := Reconstruct(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := res.Render(c)
	got := load(t, out, "rebuilt").Cluster
	n := got.Nodes[0]
	// Podman's named /var volume and /lib/modules are kind's own; its empty
	// host address is the wildcard.
	if len(n.ExtraMounts) != 1 || n.ExtraMounts[0].Propagation != "HostToContainer" || !n.ExtraMounts[0].Readonly ||
		len(n.ExtraPortMappings) != 1 || n.ExtraPortMappings[0].ListenAddress != "" || n.ExtraPortMappings[0].HostPort != 38090 {
		t.Errorf("node %+v", n)
	}
	if got.Networking.APIServerPort != 39443 || got.Networking.APIServerAddress != "127.0.0.1" {
		t.Errorf("networking %+v", got.Networking)
	}
	if len(rt.execs) != 0 {
		t.Errorf("exec in stopped containers: %v", rt.execs)
	}
}
