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

// crictlArgv lists a node's images the way kubelet sees them.
var crictlArgv = []string{"crictl", "images", "--output", "json"}

// nodeImages maps each image reference (normalised) a node holds to its ID.
func nodeImages(ctx context.Context, exec func(context.Context, string, provider.Cmd) error, node string) (map[string]string, error) {
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
	have := map[string]string{}
	for _, img := range list.Images {
		refs := img.RepoTags
		if len(refs) == 0 {
			refs = img.RepoDigests // pulled by digest only
		}
		for _, r := range refs {
			have[imageload.Normalize(r)] = img.ID
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
func planImages(ctx context.Context, c *Cluster, kina provider.Provider, kinaNode string) ([]carry, error) {
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
		held, err := nodeImages(ctx, c.rt.Exec, n.Name)
		if err != nil {
			return nil, err
		}
		var refs []string
		for ref, id := range held {
			if taken[ref] || have[ref] == id {
				continue
			}
			taken[ref] = true
			refs = append(refs, ref)
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
func copyImages(ctx context.Context, c *Cluster, kina provider.Provider, kinaNodes []string, plan []carry) error {
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
		if err := imageload.Fanout(write, consumers); err != nil {
			return fmt.Errorf("copy %s: %w", strings.Join(cr.refs, ", "), err)
		}
	}
	return nil
}
