// Package imageload puts container images into the containerd of cluster
// nodes (namespace k8s.io, where kubelet looks), streamed over the provider's
// exec. It skips nodes that already hold an image with the same ID. It knows
// nothing about any runtime beyond the provider interface.
package imageload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/kina-dev/kina/pkg/provider"
)

// Image is one image by reference and ID (the digest of its config).
type Image struct {
	Ref string
	ID  string
}

// importArgv imports an image archive from stdin into the node's containerd,
// keeping every platform of a multi-arch index so pods find the image by name.
var importArgv = []string{"ctr", "--namespace=k8s.io", "images", "import", "--all-platforms", "--digests", "-"}

// Import streams an archive into node's containerd.
func Import(ctx context.Context, p provider.Provider, node string, archive io.Reader) error {
	var stderr strings.Builder
	err := p.Exec(ctx, node, provider.Cmd{Args: importArgv, Stdin: archive, Stdout: io.Discard, Stderr: &stderr})
	if err != nil {
		return fmt.Errorf("import images into node %q: %w", node, err)
	}
	return nil
}

// Missing returns the images that node does not hold with the same ID.
func Missing(ctx context.Context, p provider.Provider, node string, want []Image) ([]Image, error) {
	var out strings.Builder
	err := p.Exec(ctx, node, provider.Cmd{Args: []string{"crictl", "images", "--output", "json"}, Stdout: &out})
	if err != nil {
		return nil, fmt.Errorf("list images on node %q: %w", node, err)
	}
	have, err := parseCrictlImages(out.String())
	if err != nil {
		return nil, fmt.Errorf("list images on node %q: %w", node, err)
	}
	var missing []Image
	for _, img := range want {
		if img.ID == "" || have[Normalize(img.Ref)] != normalizeID(img.ID) {
			missing = append(missing, img)
		}
	}
	return missing, nil
}

func parseCrictlImages(data string) (map[string]string, error) {
	var list struct {
		Images []struct {
			ID       string   `json:"id"`
			RepoTags []string `json:"repoTags"`
		} `json:"images"`
	}
	if err := json.Unmarshal([]byte(data), &list); err != nil {
		return nil, fmt.Errorf("decode crictl images: %w", err)
	}
	have := map[string]string{}
	for _, img := range list.Images {
		for _, t := range img.RepoTags {
			have[Normalize(t)] = normalizeID(img.ID)
		}
	}
	return have, nil
}

// Normalize spells a reference the way containerd does, so "busybox" and
// "docker.io/library/busybox:latest" compare equal.
func Normalize(ref string) string {
	r, err := name.ParseReference(ref)
	if err != nil {
		return ref
	}
	return r.Name()
}

func normalizeID(id string) string {
	if id != "" && !strings.Contains(id, ":") {
		return "sha256:" + id
	}
	return id
}

// Fanout copies what write produces to every reader's consumer at once, so
// one image stream feeds several nodes without a temporary file. A consumer
// that fails stops the whole copy.
func Fanout(write func(io.Writer) error, consumers []func(io.Reader) error) error {
	if len(consumers) == 0 {
		return nil
	}
	writers := make([]io.Writer, len(consumers))
	pipes := make([]*io.PipeWriter, len(consumers))
	errs := make([]error, len(consumers)+1)
	done := make(chan int)
	for i, consume := range consumers {
		pr, pw := io.Pipe()
		writers[i], pipes[i] = pw, pw
		go func() {
			err := consume(pr)
			// Drain nothing more: a failed consumer makes the writer fail too.
			pr.CloseWithError(errOr(err, io.ErrClosedPipe))
			errs[i] = err
			done <- i
		}()
	}
	werr := write(io.MultiWriter(writers...))
	for _, pw := range pipes {
		pw.CloseWithError(werr)
	}
	for range consumers {
		<-done
	}
	errs[len(consumers)] = werr
	return joinDistinct(errs)
}

func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// joinDistinct joins errors, dropping pipe errors that only echo another failure.
func joinDistinct(errs []error) error {
	var out []error
	for _, e := range errs {
		if e != nil && !errors.Is(e, io.ErrClosedPipe) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		for _, e := range errs {
			if e != nil {
				return e
			}
		}
	}
	return errors.Join(out...)
}
