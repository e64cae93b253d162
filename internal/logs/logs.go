// Package logs collects a cluster's logs into a directory in kind's layout:
// one folder per node holding its journal, kubelet and containerd logs, the
// node's console, pod and container logs, its Kubernetes version and the
// runtime's inspect output.
package logs

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kina-dev/kina/internal/parallel"
	"github.com/kina-dev/kina/pkg/provider"
)

// Inspector is a provider that can print a node's inspect output.
type Inspector interface {
	Inspect(ctx context.Context, node string) ([]byte, error)
}

// files are the per-node logs taken from a command's stdout.
var files = []struct {
	name string
	argv []string
}{
	{"journal.log", []string{"journalctl", "--no-pager"}},
	{"kubelet.log", []string{"journalctl", "--no-pager", "-u", "kubelet.service"}},
	{"containerd.log", []string{"journalctl", "--no-pager", "-u", "containerd.service"}},
	{"kubernetes-version.txt", []string{"cat", "/kind/version"}},
	{"images.log", []string{"crictl", "images"}},
}

// Export writes the logs of nodes into dir. Every node is collected at once;
// a failure on one file is recorded and the rest still collected.
func Export(ctx context.Context, p provider.Provider, nodes []string, dir string) error {
	return parallel.Each(nodes, func(n string) error { return exportNode(ctx, p, n, filepath.Join(dir, n)) })
}

func exportNode(ctx context.Context, p provider.Provider, node, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		var out bytes.Buffer
		err := p.Exec(ctx, node, provider.Cmd{Args: f.argv, Stdout: &out, Stderr: &out})
		if err != nil {
			errs = append(errs, fmt.Errorf("node %q: %s: %w", node, f.name, err))
		}
		errs = append(errs, os.WriteFile(filepath.Join(dir, f.name), out.Bytes(), 0o644))
	}
	var serial bytes.Buffer
	if err := p.Logs(ctx, node, &serial); err != nil {
		errs = append(errs, fmt.Errorf("node %q: console log: %w", node, err))
	}
	errs = append(errs, os.WriteFile(filepath.Join(dir, "serial.log"), serial.Bytes(), 0o644))
	if in, ok := p.(Inspector); ok {
		data, err := in.Inspect(ctx, node)
		errs = append(errs, err, os.WriteFile(filepath.Join(dir, "inspect.json"), data, 0o644))
	}
	errs = append(errs, copyPodLogs(ctx, p, node, dir))
	return errors.Join(errs...)
}

// copyPodLogs streams /var/log/pods and /var/log/containers out of the node
// as a tar and unpacks it, following the symlinks the node keeps there.
func copyPodLogs(ctx context.Context, p provider.Provider, node, dir string) error {
	pr, pw := io.Pipe()
	go func() {
		err := p.Exec(ctx, node, provider.Cmd{
			Args:   []string{"tar", "--create", "--dereference", "--ignore-failed-read", "--directory=/var/log", "--file=-", "pods", "containers"},
			Stdout: pw,
		})
		pw.CloseWithError(err)
	}()
	err := untar(pr, dir)
	_, _ = io.Copy(io.Discard, pr)
	if err != nil {
		return fmt.Errorf("node %q: pod logs: %w", node, err)
	}
	return nil
}

// untar unpacks regular files and directories under dir, refusing any path
// that would land outside it.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.Clean("/"+h.Name))
		if !strings.HasPrefix(target, filepath.Clean(dir)+string(os.PathSeparator)) {
			return fmt.Errorf("archive entry %q escapes %s", h.Name, dir)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(target, 0o755)
		case tar.TypeReg:
			err = writeEntry(target, tr)
		}
		if err != nil {
			return err
		}
	}
}

func writeEntry(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	return errors.Join(err, f.Close())
}
