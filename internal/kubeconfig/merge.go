package kubeconfig

import (
	"errors"
	"fmt"
	"os"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/client-go/tools/clientcmd/api"
)

// Merge writes cfg's clusters, users and contexts into the kubeconfig file
// at path, replacing entries of the same name and keeping everything else,
// and makes cfg's current context the file's. The file and its directory
// are created if needed.
func Merge(path string, cfg *api.Config) error {
	ours, err := encodeConfig(cfg)
	if err != nil {
		return err
	}
	return withLock(path, func() error {
		raw, err := readFile(path)
		if err != nil {
			return err
		}
		root, err := parseTree(raw)
		if err != nil {
			return fmt.Errorf("kubeconfig %s: %w", path, err)
		}
		if root == nil {
			root = ours // a new file is exactly cfg, in client-go's layout
		}
		for _, key := range lists {
			merged := sequence(root, key)
			for _, entry := range sequence(ours, key).Content {
				upsert(merged, entry)
			}
		}
		if cfg.CurrentContext != "" {
			setValue(root, "current-context", scalar(cfg.CurrentContext))
		}
		return save(path, root)
	})
}

// Remove deletes cluster's kina-<cluster> cluster, user and context from
// every file in paths, and clears a current-context that named it. A missing
// file or entry is not an error; an untouched file is not rewritten. It
// carries on past a file it cannot change and reports all failures.
func Remove(paths []string, cluster string) error {
	var errs []error
	for _, p := range paths {
		if err := removeFrom(p, ContextName(cluster)); err != nil {
			errs = append(errs, fmt.Errorf("kubeconfig %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}

func removeFrom(path, name string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil // nothing to remove, and no reason to create the directory
	}
	return withLock(path, func() error {
		raw, err := readFile(path)
		if err != nil {
			return err
		}
		root, err := parseTree(raw)
		if err != nil || root == nil {
			return err
		}
		changed := false
		for _, key := range lists {
			if seq := value(root, key); seq != nil && removeNamed(seq, name) {
				changed = true
			}
		}
		if cur := value(root, "current-context"); cur != nil && cur.Value == name {
			setValue(root, "current-context", scalar(""))
			changed = true
		}
		if !changed {
			return nil
		}
		return save(path, root)
	})
}

func save(path string, root *yaml.Node) error {
	data, err := render(root)
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}
