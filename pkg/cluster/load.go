package cluster

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kina-dev/kina/internal/imageload"
	"github.com/kina-dev/kina/internal/parallel"
	"github.com/kina-dev/kina/pkg/provider"
)

// ImageIDer is a provider that can tell an image's ID in its own image store.
// Providers without it get their images loaded without the same-ID check.
type ImageIDer interface {
	ImageID(ctx context.Context, ref string) (string, error)
}

// LoadImages copies images from the provider's own image store (Docker's,
// Podman's or Apple's) into the given nodes of cluster name (every node when
// nodes is empty). Nodes that already hold an image with the same ID skip it.
// It returns the names of the nodes that received the images.
func (m *Manager) LoadImages(ctx context.Context, name string, images, nodes []string) ([]string, error) {
	want := make([]imageload.Image, len(images))
	ider, canID := m.p.(ImageIDer)
	for i, ref := range images {
		want[i].Ref = ref
		if canID {
			id, err := ider.ImageID(ctx, ref)
			if err != nil {
				return nil, fmt.Errorf("image %q is not in %s's image store: %w", ref, m.providerName(ctx), err)
			}
			want[i].ID = id
		}
	}
	return m.load(ctx, name, nodes, want, func(w io.Writer) error {
		return m.p.SaveImages(ctx, w, images...)
	}, nil)
}

// LoadImageArchive imports an image archive file (docker save or OCI
// layout) into the given nodes of cluster name (every node when nodes is empty).
func (m *Manager) LoadImageArchive(ctx context.Context, name, archive string, nodes []string) ([]string, error) {
	if _, err := os.Stat(archive); err != nil {
		return nil, fmt.Errorf("image archive: %w", err)
	}
	// An OCI-only archive has no docker manifest to read IDs from; it is
	// imported everywhere.
	want, err := imageload.ArchiveImages(archive)
	if err != nil {
		want = []imageload.Image{{Ref: archive}}
	}
	// Each node reads the file on its own: a shared stream would move at the
	// pace of the slowest node.
	return m.load(ctx, name, nodes, want, nil, func() (io.ReadCloser, error) { return os.Open(archive) })
}

// load imports the images into the nodes of cluster name that lack them.
// The images come either from one stream, write, copied to every node at
// once, or from open, called once per node.
func (m *Manager) load(ctx context.Context, name string, only []string, want []imageload.Image,
	write func(io.Writer) error, open func() (io.ReadCloser, error)) ([]string, error) {
	targets, err := m.loadTargets(ctx, name, only)
	if err != nil {
		return nil, err
	}
	// Ask every node at once: one exec each, ~0.1 s apiece when serial.
	need := make([]bool, len(targets))
	idx := map[string]int{}
	for i, n := range targets {
		idx[n] = i
	}
	if err := parallel.Each(targets, func(n string) error {
		missing, err := imageload.Missing(ctx, m.p, n, want)
		need[idx[n]] = len(missing) > 0
		return err
	}); err != nil {
		return nil, err
	}
	var needy []string
	for i, n := range targets {
		if need[i] {
			needy = append(needy, n)
		}
	}
	if open != nil {
		return needy, parallel.Each(needy, func(n string) error {
			r, err := open()
			if err != nil {
				return err
			}
			defer r.Close()
			return imageload.Import(ctx, m.p, n, r)
		})
	}
	consumers := make([]func(io.Reader) error, len(needy))
	for i, n := range needy {
		consumers[i] = func(r io.Reader) error { return imageload.Import(ctx, m.p, n, r) }
	}
	return needy, imageload.Fanout(write, consumers)
}

// loadTargets resolves --nodes against the cluster's Kubernetes nodes.
func (m *Manager) loadTargets(ctx context.Context, name string, only []string) ([]string, error) {
	nodes, err := m.Nodes(ctx, name)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	var all []string
	for _, n := range nodes {
		if n.Role == provider.RoleLoadBalancer {
			continue
		}
		known[n.Name] = true
		all = append(all, n.Name)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("cluster %q not found", name)
	}
	if len(only) == 0 {
		return all, nil
	}
	for _, n := range only {
		if !known[n] {
			return nil, fmt.Errorf("--nodes: %q is not a node of cluster %q (nodes: %s)", n, name, strings.Join(all, ", "))
		}
	}
	return only, nil
}

func (m *Manager) providerName(ctx context.Context) string {
	info, err := m.p.Info(ctx)
	if err != nil {
		return "the runtime"
	}
	return info.Name
}
