package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/pkg/provider"
)

// ErrNoClusters is wrapped when no runtime holds a kind cluster.
var ErrNoClusters = errors.New("no kind clusters found")

// ErrNotFound is wrapped when the named kind cluster is on no runtime.
var ErrNotFound = errors.New("kind cluster not found")

// Cluster is one kind cluster on one runtime.
type Cluster struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	// Running is true when every node container is running.
	Running bool `json:"running"`
	// State is "running", "stopped" or "partial" (some nodes stopped).
	State string         `json:"state"`
	Roles map[string]int `json:"roles"`
	// Image is the control plane's node image.
	Image string `json:"image"`
	// KubernetesVersion is read from /kind/version in a running node.
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// APIEndpoint is the API server's URL on the host, from the published
	// 6443 of the load balancer or the control plane.
	APIEndpoint string       `json:"apiEndpoint,omitempty"`
	Nodes       []NodeStatus `json:"nodes"`

	rt    Runtime
	nodes []node
	raw   map[string]json.RawMessage
}

// NodeStatus is one node container in listings.
type NodeStatus struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	Image   string `json:"image"`
	Running bool   `json:"running"`
}

// Looked records one runtime searched, and why it could not be.
type Looked struct {
	Runtime  string
	Clusters int
	Err      error
}

// Where says where Find looked, for messages: "docker (2 clusters), podman
// (not answering: ...)".
func Where(looked []Looked) string {
	parts := make([]string, 0, len(looked))
	for _, l := range looked {
		switch {
		case l.Err != nil:
			parts = append(parts, fmt.Sprintf("%s (not answering: %v)", l.Runtime, l.Err))
		case l.Clusters == 1:
			parts = append(parts, l.Runtime+" (1 cluster)")
		default:
			parts = append(parts, fmt.Sprintf("%s (%d clusters)", l.Runtime, l.Clusters))
		}
	}
	if len(parts) == 0 {
		return "no runtime (neither docker nor podman is installed)"
	}
	return strings.Join(parts, ", ")
}

// Find lists the kind clusters on every runtime, sorted by provider and
// name. kina's own nodes carry kind's labels too and are left out. A
// runtime that does not answer is recorded in looked, not an error, unless
// none answers.
func Find(ctx context.Context, runtimes []Runtime) (clusters []*Cluster, looked []Looked, err error) {
	var errs []error
	for _, rt := range runtimes {
		found, ferr := findOn(ctx, rt)
		looked = append(looked, Looked{Runtime: rt.Name(), Clusters: len(found), Err: ferr})
		if ferr != nil {
			errs = append(errs, ferr)
			continue
		}
		clusters = append(clusters, found...)
	}
	if len(runtimes) > 0 && len(errs) == len(runtimes) {
		return nil, looked, fmt.Errorf("looking for kind clusters: %w", errors.Join(errs...))
	}
	return clusters, looked, nil
}

// Get finds the kind cluster called name. When several runtimes hold one,
// providerName chooses; without it the choice is an error naming them.
func Get(ctx context.Context, runtimes []Runtime, name, providerName string) (*Cluster, error) {
	all, looked, err := Find(ctx, runtimes)
	if err != nil {
		return nil, err
	}
	var match []*Cluster
	var names []string
	for _, c := range all {
		names = append(names, c.Provider+"/"+c.Name)
		if c.Name == name && (providerName == "" || c.Provider == providerName) {
			match = append(match, c)
		}
	}
	switch {
	case len(match) == 1:
		return match[0], nil
	case len(match) > 1:
		return nil, fmt.Errorf("kind cluster %q exists on both %s and %s: choose one with --kind-provider", name, match[0].Provider, match[1].Provider)
	case len(all) == 0:
		return nil, fmt.Errorf("%w: looked in %s", ErrNoClusters, Where(looked))
	default:
		return nil, fmt.Errorf("%w: %q (looked in %s; found %s)", ErrNotFound, name, Where(looked), strings.Join(names, ", "))
	}
}

func findOn(ctx context.Context, rt Runtime) ([]*Cluster, error) {
	docs, err := rt.InspectAll(ctx, provider.LabelCluster)
	if err != nil {
		return nil, err
	}
	byName := map[string]*Cluster{}
	for _, raw := range docs {
		n, labels, err := decodeNode(raw)
		if err != nil {
			return nil, err
		}
		if labels[provider.LabelOwner] == provider.OwnerKina {
			continue
		}
		name := labels[provider.LabelCluster]
		c := byName[name]
		if c == nil {
			c = &Cluster{Name: name, Provider: rt.Name(), rt: rt, Roles: map[string]int{}, raw: map[string]json.RawMessage{}}
			byName[name] = c
		}
		c.nodes = append(c.nodes, n)
		c.raw[n.Name] = raw
	}
	out := make([]*Cluster, 0, len(byName))
	for _, c := range byName {
		c.summarize(ctx)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// summarize fills the listing fields from the nodes.
func (c *Cluster) summarize(ctx context.Context) {
	sortNodes(c.nodes)
	running := 0
	for _, n := range c.nodes {
		c.Roles[n.Role]++
		c.Nodes = append(c.Nodes, NodeStatus{Name: n.Name, Role: n.Role, Image: n.Image, Running: n.Running})
		if n.Running {
			running++
		}
		if c.Image == "" && n.Role == provider.RoleControlPlane {
			c.Image = n.Image
		}
	}
	c.Running = running == len(c.nodes)
	switch {
	case c.Running:
		c.State = "running"
	case running == 0:
		c.State = "stopped"
	default:
		c.State = "partial"
	}
	// Podman reports bindings of containers that are not running too.
	if ep := c.endpointNode(); ep != nil && ep.Running {
		if b, ok := livePort(c.raw[ep.Name], "6443/tcp"); ok {
			host := b.HostIP
			if host == "" || host == "0.0.0.0" {
				host = "127.0.0.1"
			}
			c.APIEndpoint = "https://" + net.JoinHostPort(host, b.HostPort)
		}
	}
	if n := c.firstRunning(); n != nil {
		var out strings.Builder
		if err := c.rt.Exec(ctx, n.Name, provider.Cmd{Args: []string{"cat", "/kind/version"}, Stdout: &out}); err == nil {
			c.KubernetesVersion = strings.TrimSpace(out.String())
		}
	}
}

// endpointNode is the container publishing the API server: the load
// balancer of an HA cluster, else the (only) control plane.
func (c *Cluster) endpointNode() *node {
	var cp *node
	for i := range c.nodes {
		switch c.nodes[i].Role {
		case provider.RoleLoadBalancer:
			return &c.nodes[i]
		case provider.RoleControlPlane:
			if cp == nil {
				cp = &c.nodes[i]
			}
		}
	}
	return cp
}

// firstRunning is the first running Kubernetes node, control planes first.
func (c *Cluster) firstRunning() *node {
	for i := range c.nodes {
		if c.nodes[i].Running && c.nodes[i].Role != provider.RoleLoadBalancer {
			return &c.nodes[i]
		}
	}
	return nil
}

// sortNodes orders nodes as kind numbers them: control planes, workers, then
// the load balancer; within a role by the number kind appends (none, 2, 3…).
func sortNodes(nodes []node) {
	rank := map[string]int{provider.RoleControlPlane: 0, provider.RoleWorker: 1, provider.RoleLoadBalancer: 2}
	sort.SliceStable(nodes, func(i, j int) bool {
		a, b := nodes[i], nodes[j]
		if rank[a.Role] != rank[b.Role] {
			return rank[a.Role] < rank[b.Role]
		}
		if na, nb := ordinal(a.Name), ordinal(b.Name); na != nb {
			return na < nb
		}
		return a.Name < b.Name
	})
}

// ordinal is the number kind appends to the second and later node of a
// role ("kind-worker2" -> 2); the first has none (1).
func ordinal(name string) int {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(name[i:])
	if err != nil {
		return 1
	}
	return n
}
