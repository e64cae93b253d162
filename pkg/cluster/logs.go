package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kina-dev/kina/internal/logs"
)

// ExportLogs writes the logs of every node of cluster name into dir, in
// kind's layout (one folder per node), and a file describing the runtime.
func (m *Manager) ExportLogs(ctx context.Context, name, dir string) error {
	nodes, err := m.Nodes(ctx, name)
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		return fmt.Errorf("cluster %q not found", name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export logs: %w", err)
	}
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	info, ierr := m.p.Info(ctx)
	desc := fmt.Sprintf("provider: %s\nversion: %s\nrestricted: %v\n", info.Name, info.Version, info.Restricted)
	return errors.Join(ierr,
		os.WriteFile(filepath.Join(dir, "runtime-info.txt"), []byte(desc), 0o644),
		logs.Export(ctx, m.p, names, dir))
}
