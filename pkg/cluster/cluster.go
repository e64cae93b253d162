// Package cluster is kina's public library: create, list, inspect and delete
// clusters whose nodes are containers, as the kina CLI does. It is silent
// unless given a progress sink.
//
//	p, _ := cluster.DetectProvider(ctx, "")
//	m := cluster.New(p)
//	err := m.Create(ctx, "dev", cluster.CreateOptions{Wait: time.Minute})
package cluster

import (
	"context"
	"fmt"
	"sort"

	"github.com/kina-dev/kina/internal/progress"
	"github.com/kina-dev/kina/pkg/provider"
)

// DefaultName is the cluster name when none is given, as in kind.
const DefaultName = "kind"

// DefaultNetwork is the runtime network kina's nodes share. It differs from
// kind's so the two tools never fight over one network.
const DefaultNetwork = "kina"

// Manager creates and manages clusters on one provider.
type Manager struct {
	p        provider.Provider
	network  string
	progress progress.Sink
}

// Option configures a Manager.
type Option func(*Manager)

// WithProgress reports each step of long operations to sink.
func WithProgress(sink progress.Sink) Option { return func(m *Manager) { m.progress = sink } }

// WithNetwork puts nodes on another runtime network.
func WithNetwork(name string) Option { return func(m *Manager) { m.network = name } }

// New returns a Manager for p.
func New(p provider.Provider, opts ...Option) *Manager {
	m := &Manager{p: p, network: DefaultNetwork, progress: progress.Nop{}}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Provider returns the manager's provider.
func (m *Manager) Provider() provider.Provider { return m.p }

// List returns the names of kina's clusters, sorted.
func (m *Manager) List(ctx context.Context) ([]string, error) {
	nodes, err := m.p.ListNodes(ctx, map[string]string{provider.LabelOwner: provider.OwnerKina})
	if err != nil {
		return nil, fmt.Errorf("list clusters: %w", err)
	}
	seen := map[string]bool{}
	var names []string
	for _, n := range nodes {
		if n.Cluster != "" && !seen[n.Cluster] {
			seen[n.Cluster] = true
			names = append(names, n.Cluster)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Nodes returns the containers of cluster name, sorted by name.
func (m *Manager) Nodes(ctx context.Context, name string) ([]provider.Node, error) {
	nodes, err := m.p.ListNodes(ctx, clusterLabels(name))
	if err != nil {
		return nil, fmt.Errorf("list nodes of cluster %q: %w", name, err)
	}
	return nodes, nil
}

func clusterLabels(name string) map[string]string {
	return map[string]string{provider.LabelCluster: name, provider.LabelOwner: provider.OwnerKina}
}
