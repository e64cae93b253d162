package migrate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kina-dev/kina/internal/imageload"
	"github.com/kina-dev/kina/pkg/provider"
)

// execer runs commands in a node; both kind's runtime and kina's provider are.
type execer interface {
	Exec(ctx context.Context, node string, cmd provider.Cmd) error
}

// crictlArgv lists a node's images the way kubelet sees them.
var crictlArgv = []string{"crictl", "images", "--output", "json"}

// held is an image as a node's containerd names it, and its ID.
type held struct{ ref, id string }

// nodeImages maps each image a node holds, by normalised reference (so
// "busybox" and "docker.io/library/busybox:latest" meet), to its name in
// the node and its ID.
func nodeImages(ctx context.Context, exec func(context.Context, string, provider.Cmd) error, node string) (map[string]held, error) {
	var out strings.Builder
	if err := exec(ctx, node, provider.Cmd{Args: crictlArgv, Stdout: &out, Stderr: &strings.Builder{}}); err != nil {
		return nil, fmt.Errorf("list images in node %s: %w", node, err)
	}
	var list struct {
		Images []struct {
			ID          string   `json:"id"`
			RepoTags    []string `json:"repoTags"`
			RepoDigests []string `json:"repoDigests"`
		} `json:"images"`
	}
	if err := json.Unmarshal([]byte(out.String()), &list); err != nil {
		return nil, fmt.Errorf("list images in node %s: decode crictl output: %w", node, err)
	}
	have := map[string]held{}
	for _, img := range list.Images {
		refs := img.RepoTags
		if len(refs) == 0 {
			refs = img.RepoDigests // pulled by digest only
		}
		for _, r := range refs {
			have[imageload.Normalize(r)] = held{ref: r, id: img.ID}
		}
	}
	return have, nil
}

// carry is what one kind node exports: the references only it is asked for.
type carry struct {
	node string
	refs []string
}

// planImages picks, per running kind node, the images it holds that the
// fresh kina node does not hold with the same ID. Each reference is
// exported once, from the first node that has it.
func planImages(ctx context.Context, c *Cluster, kina execer, kinaNode string) ([]carry, error) {
	have, err := nodeImages(ctx, kina.Exec, kinaNode)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	var out []carry
	for _, n := range c.kubeNodes() {
		if !n.Running {
			continue
		}
		images, err := nodeImages(ctx, c.rt.Exec, n.Name)
		if err != nil {
			return nil, err
		}
		var refs []string
		for key, img := range images {
			if taken[key] || have[key].id == img.id {
				continue
			}
			taken[key] = true
			refs = append(refs, img.ref)
		}
		if len(refs) > 0 {
			sort.Strings(refs)
			out = append(out, carry{node: n.Name, refs: refs})
		}
	}
	return out, nil
}

// exportArgv streams images out of a kind node's containerd as one archive.
func exportArgv(refs []string) []string {
	return append([]string{"ctr", "--namespace=k8s.io", "images", "export", "-"}, refs...)
}

// importArgv reads that archive into a kina node's containerd. Only the
// node's own platform is exported, so only it is imported.
var importArgv = []string{"ctr", "--namespace=k8s.io", "images", "import", "--digests", "-"}

// copyImages streams each kind node's export into every kina node at once;
// no copy touches the host's disk.
func copyImages(ctx context.Context, c *Cluster, kina execer, kinaNodes []string, plan []carry) error {
	for _, cr := range plan {
		write := func(w io.Writer) error {
			var stderr strings.Builder
			if err := c.rt.Exec(ctx, cr.node, provider.Cmd{Args: exportArgv(cr.refs), Stdout: w, Stderr: &stderr}); err != nil {
				return fmt.Errorf("export images from kind node %s: %w", cr.node, err)
			}
			return nil
		}
		consumers := make([]func(io.Reader) error, len(kinaNodes))
		for i, n := range kinaNodes {
			consumers[i] = func(r io.Reader) error {
				var stderr strings.Builder
				if err := kina.Exec(ctx, n, provider.Cmd{Args: importArgv, Stdin: r, Stdout: io.Discard, Stderr: &stderr}); err != nil {
					return fmt.Errorf("import images into node %s: %w", n, err)
				}
				return nil
			}
		}
		// docker exec has been seen to cut an export stream short on a
		// loaded host ("short read" on import); importing again is harmless.
		var err error
		for attempt := 1; attempt <= copyAttempts; attempt++ {
			if err = imageload.Fanout(write, consumers); err == nil || ctx.Err() != nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("copy %s (%d attempts): %w", strings.Join(cr.refs, ", "), copyAttempts, err)
		}
	}
	return nil
}

const copyAttempts = 3
