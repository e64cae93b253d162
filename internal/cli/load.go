package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kina-dev/kina/pkg/cluster"
)

func newLoadCommand(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "load", Short: "Load images into cluster nodes", Args: cobra.NoArgs}
	c.AddCommand(newLoadDockerImageCommand(g), newLoadImageArchiveCommand(g))
	return c
}

type loadFlags struct {
	name  string
	nodes []string
}

// command builds a load command whose RunE hands the manager, the cluster
// name and the arguments to load, then reports which nodes received them.
func (f *loadFlags) command(g *globals, c *cobra.Command,
	load func(ctx context.Context, m *cluster.Manager, name string, args, nodes []string) ([]string, error)) *cobra.Command {
	c.RunE = func(cmd *cobra.Command, args []string) error {
		m, err := g.manager(cmd.Context())
		if err != nil {
			return err
		}
		loaded, err := load(cmd.Context(), m, g.clusterName(f.name), args, f.nodes)
		if err != nil {
			return err
		}
		reportLoaded(g, args, loaded)
		return nil
	}
	c.Flags().StringVarP(&f.name, "name", "n", "", "cluster name (default $KIND_CLUSTER_NAME or \"kind\")")
	c.Flags().StringSliceVar(&f.nodes, "nodes", nil, "comma-separated node names to load into (default: every node)")
	return c
}

func newLoadDockerImageCommand(g *globals) *cobra.Command {
	f := &loadFlags{}
	return f.command(g, &cobra.Command{
		Use:   "docker-image IMAGE [IMAGE...]",
		Short: "Load images from the runtime's own image store (Docker, Podman or Apple's) into the nodes",
		Args:  cobra.MinimumNArgs(1),
	}, func(ctx context.Context, m *cluster.Manager, name string, args, nodes []string) ([]string, error) {
		return m.LoadImages(ctx, name, args, nodes)
	})
}

func newLoadImageArchiveCommand(g *globals) *cobra.Command {
	f := &loadFlags{}
	return f.command(g, &cobra.Command{
		Use:   "image-archive ARCHIVE",
		Short: "Load an image archive (docker save or OCI layout tar) into the nodes",
		Args:  cobra.ExactArgs(1),
	}, func(ctx context.Context, m *cluster.Manager, name string, args, nodes []string) ([]string, error) {
		return m.LoadImageArchive(ctx, name, args[0], nodes)
	})
}

func reportLoaded(g *globals, what, nodes []string) {
	if len(nodes) == 0 {
		g.printf("%q already present on every node with the same ID; nothing loaded\n", what)
		return
	}
	g.printf("Loaded %q into %s\n", what, fmt.Sprint(nodes))
}
