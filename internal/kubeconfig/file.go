package kubeconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// readFile returns the file's bytes, or nil when it does not exist yet.
func readFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading kubeconfig: %w", err)
	}
	return raw, nil
}

// writeAtomic replaces path with data, mode 0600, so that a crash or a
// concurrent reader never sees half a file. A symlinked kubeconfig is
// written through to its target, leaving the link in place.
func writeAtomic(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the kubeconfig directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing kubeconfig: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := writeAndSync(tmp, data); err != nil {
		return fmt.Errorf("writing kubeconfig: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing kubeconfig: %w", err)
	}
	return nil
}

func writeAndSync(f *os.File, data []byte) error {
	// CreateTemp already uses 0600; set it anyway, as the file holds credentials.
	err := errors.Join(f.Chmod(0o600), write(f, data), f.Sync())
	return errors.Join(err, f.Close())
}

func write(f *os.File, data []byte) error {
	_, err := f.Write(data)
	return err
}
