package migrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kina-dev/kina/internal/kubeconfig"
)

// nodeDeleter is a runtime that can delete kind's nodes the way kind does
// (with their volumes).
type nodeDeleter interface {
	DeleteKindNodes(ctx context.Context, names ...string) error
}

// DeleteKind removes a kind cluster as `kind delete cluster` would: its
// containers with their volumes and its kind-<name> kubeconfig entries.
// kind's network is left, as kind leaves it.
func DeleteKind(ctx context.Context, c *Cluster, kubeconfigPath string) error {
	d, ok := c.rt.(nodeDeleter)
	if !ok {
		return fmt.Errorf("delete kind cluster %q: the %s runtime cannot delete kind's nodes", c.Name, c.Provider)
	}
	names := make([]string, 0, len(c.nodes))
	for _, n := range c.nodes {
		names = append(names, n.Name)
	}
	if err := d.DeleteKindNodes(ctx, names...); err != nil {
		return fmt.Errorf("delete kind cluster %q: %w", c.Name, err)
	}
	var errs []error
	for _, p := range kubeconfig.Paths(kubeconfigPath, os.Getenv) {
		if err := removeKindEntry(p, "kind-"+c.Name); err != nil {
			errs = append(errs, fmt.Errorf("remove kind-%s from kubeconfig %s: %w", c.Name, p, err))
		}
	}
	return errors.Join(errs...)
}

// removeKindEntry drops kind's cluster, user and context entry from one
// kubeconfig file, under kind's own lock file so kind and kina never write
// it at once. Files without the entry are not rewritten.
func removeKindEntry(path, entry string) error {
	cfg, err := clientcmd.LoadFromFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, c1 := cfg.Clusters[entry]
	_, c2 := cfg.AuthInfos[entry]
	_, c3 := cfg.Contexts[entry]
	if !c1 && !c2 && !c3 {
		return nil
	}
	lock := path + ".lock"
	f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	f.Close()
	defer os.Remove(lock)
	// Read again under the lock: another writer may have changed it.
	if cfg, err = clientcmd.LoadFromFile(path); err != nil {
		return err
	}
	delete(cfg.Clusters, entry)
	delete(cfg.AuthInfos, entry)
	delete(cfg.Contexts, entry)
	if cfg.CurrentContext == entry {
		cfg.CurrentContext = ""
	}
	return clientcmd.WriteToFile(*cfg, path)
}
