package cli

import (
	"fmt"

	"github.com/spf13/cobra"
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

func (f *loadFlags) register(c *cobra.Command) {
	c.Flags().StringVarP(&f.name, "name", "n", "", "cluster name (default $KIND_CLUSTER_NAME or \"kind\")")
	c.Flags().StringSliceVar(&f.nodes, "nodes", nil, "comma-separated node names to load into (default: every node)")
}

func newLoadDockerImageCommand(g *globals) *cobra.Command {
	f := &loadFlags{}
	c := &cobra.Command{
		Use:   "docker-image IMAGE [IMAGE...]",
		Short: "Load images from the runtime's own image store (Docker, Podman or Apple's) into the nodes",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := g.manager(cmd.Context())
			if err != nil {
				return err
			}
			name := g.clusterName(f.name)
			loaded, err := m.LoadImages(cmd.Context(), name, args, f.nodes)
			if err != nil {
				return err
			}
			reportLoaded(g, args, loaded)
			return nil
		},
	}
	f.register(c)
	return c
}

func newLoadImageArchiveCommand(g *globals) *cobra.Command {
	f := &loadFlags{}
	c := &cobra.Command{
		Use:   "image-archive ARCHIVE",
		Short: "Load an image archive (docker save or OCI layout tar) into the nodes",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := g.manager(cmd.Context())
			if err != nil {
				return err
			}
			loaded, err := m.LoadImageArchive(cmd.Context(), g.clusterName(f.name), args[0], f.nodes)
			if err != nil {
				return err
			}
			reportLoaded(g, args, loaded)
			return nil
		},
	}
	f.register(c)
	return c
}

func reportLoaded(g *globals, what, nodes []string) {
	if len(nodes) == 0 {
		g.printf("%q already present on every node with the same ID; nothing loaded\n", what)
		return
	}
	g.printf("Loaded %q into %s\n", what, fmt.Sprint(nodes))
}
