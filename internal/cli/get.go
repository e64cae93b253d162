package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newGetCommand(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "get", Short: "Get clusters, nodes or kubeconfigs", Args: cobra.NoArgs}
	c.AddCommand(newGetClustersCommand(g), newGetNodesCommand(g), newGetKubeconfigCommand(g), newGetKindClustersCommand(g))
	return c
}

func newGetClustersCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "clusters",
		Short: "List kina clusters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := g.manager(cmd.Context())
			if err != nil {
				return err
			}
			names, err := m.List(cmd.Context())
			if err != nil {
				return err
			}
			if len(names) == 0 {
				g.printf("No kina clusters found.\n")
			}
			for _, n := range names {
				fmt.Fprintln(g.env.Stdout, n)
			}
			return nil
		},
	}
}

func newGetNodesCommand(g *globals) *cobra.Command {
	var name string
	var all bool
	c := &cobra.Command{
		Use:   "nodes",
		Short: "List the nodes of a cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			m, err := g.manager(ctx)
			if err != nil {
				return err
			}
			names := []string{g.clusterName(name)}
			if all {
				if names, err = m.List(ctx); err != nil {
					return err
				}
			}
			found := 0
			for _, cl := range names {
				nodes, err := m.Nodes(ctx, cl)
				if err != nil {
					return err
				}
				for _, n := range nodes {
					fmt.Fprintln(g.env.Stdout, n.Name)
				}
				found += len(nodes)
			}
			if found == 0 {
				g.printf("No kina nodes found for cluster %q.\n", names)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&name, "name", "n", "", "cluster name (default $KIND_CLUSTER_NAME or \"kind\")")
	c.Flags().BoolVarP(&all, "all-clusters", "A", false, "list the nodes of every cluster")
	return c
}

func newGetKubeconfigCommand(g *globals) *cobra.Command {
	var name string
	var internal bool
	c := &cobra.Command{
		Use:   "kubeconfig",
		Short: "Print a cluster's kubeconfig",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := g.manager(cmd.Context())
			if err != nil {
				return err
			}
			data, err := m.Kubeconfig(cmd.Context(), g.clusterName(name), internal)
			if err != nil {
				return err
			}
			_, err = g.env.Stdout.Write(data)
			return err
		},
	}
	c.Flags().StringVarP(&name, "name", "n", "", "cluster name (default $KIND_CLUSTER_NAME or \"kind\")")
	c.Flags().BoolVar(&internal, "internal", false, "use the API server's address inside the node network")
	return c
}
