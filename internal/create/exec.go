package create

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kina-dev/kina/pkg/provider"
)

// nodeRun runs argv in node and returns its stdout. On failure the error
// carries the tail of what the command printed, so a failed kubeadm says why.
func nodeRun(ctx context.Context, p provider.Provider, node string, stdin io.Reader, argv ...string) (string, error) {
	var out bytes.Buffer
	err := p.Exec(ctx, node, provider.Cmd{Args: argv, Stdin: stdin, Stdout: &out})
	if err != nil {
		msg := fmt.Sprintf("%s on node %q", argv[0], node)
		if tail := lastLines(out.String(), 20); tail != "" {
			msg += "\n" + tail
		}
		return out.String(), fmt.Errorf("%s: %w", msg, err)
	}
	return out.String(), nil
}

// nodeFile is a file to write into a node, or a symlink when link is set.
type nodeFile struct {
	path string // absolute
	mode int64
	data []byte
	link string // symlink target
}

// writeFiles writes several files into node in one exec, as a tar on stdin;
// tar creates missing parent directories.
func writeFiles(ctx context.Context, p provider.Provider, node string, files ...nodeFile) error {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	now := time.Now()
	for _, f := range files {
		hdr := &tar.Header{Name: strings.TrimPrefix(f.path, "/"), Mode: f.mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg, ModTime: now}
		if f.link != "" {
			hdr = &tar.Header{Name: hdr.Name, Mode: 0o777, Linkname: f.link, Typeflag: tar.TypeSymlink, ModTime: now}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("pack %s for node %q: %w", f.path, node, err)
		}
		if _, err := tw.Write(f.data); err != nil {
			return fmt.Errorf("pack %s for node %q: %w", f.path, node, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	_, err := nodeRun(ctx, p, node, &b, "tar", "--extract", "--no-same-owner", "--directory=/", "--file=-")
	return err
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
