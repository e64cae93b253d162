package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/kina-dev/kina/internal/kubeconfig"
	"github.com/kina-dev/kina/internal/progress"
	"github.com/kina-dev/kina/pkg/provider"
)

// Delete removes cluster name: its containers with their volumes, its
// kubeconfig entries in kubeconfigPath ("" = kubectl's default files), and
// the network once no kina cluster uses it. A missing cluster is not an error.
func (m *Manager) Delete(ctx context.Context, name, kubeconfigPath string) error {
	return progress.Step(m.progress, fmt.Sprintf("Deleting cluster %q", name), func() error {
		return m.delete(ctx, name, kubeconfigPath, nil)
	})
}

// delete removes the cluster's labelled containers plus any names given: a
// create interrupted mid-flight may leave a container the runtime had not
// labelled and listed yet.
func (m *Manager) delete(ctx context.Context, name, kubeconfigPath string, extra []string) error {
	nodes, err := m.Nodes(ctx, name)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var names []string
	for _, n := range nodes {
		extra = append(extra, n.Name)
	}
	for _, n := range extra {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	var errs []error
	if err := m.p.DeleteNodes(ctx, names...); err != nil {
		errs = append(errs, err)
	}
	if err := kubeconfig.Remove(kubeconfig.Paths(kubeconfigPath, os.Getenv), name); err != nil {
		errs = append(errs, fmt.Errorf("remove kubeconfig entries: %w", err))
	}
	if err := m.deleteNetworkIfUnused(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (m *Manager) deleteNetworkIfUnused(ctx context.Context) error {
	left, err := m.p.ListNodes(ctx, map[string]string{provider.LabelOwner: provider.OwnerKina})
	if err != nil || len(left) > 0 {
		return err
	}
	return m.p.DeleteNetwork(ctx, m.network)
}
