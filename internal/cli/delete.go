package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

func newDeleteCommand(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "delete", Short: "Delete clusters", Args: cobra.NoArgs}
	c.AddCommand(newDeleteClusterCommand(g), newDeleteClustersCommand(g))
	return c
}

func newDeleteClusterCommand(g *globals) *cobra.Command {
	var name, kubeconfig string
	c := &cobra.Command{
		Use:   "cluster",
		Short: "Delete a cluster; deleting one that does not exist is not an error",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := g.manager(cmd.Context())
			if err != nil {
				return err
			}
			return m.Delete(cmd.Context(), g.clusterName(name), kubeconfig)
		},
	}
	c.Flags().StringVarP(&name, "name", "n", "", "cluster name (default $KIND_CLUSTER_NAME or \"kind\")")
	c.Flags().StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file to remove the cluster's entries from")
	return c
}

func newDeleteClustersCommand(g *globals) *cobra.Command {
	var all bool
	var kubeconfig string
	c := &cobra.Command{
		Use:   "clusters [NAME...]",
		Short: "Delete the named clusters, or all of them with --all",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("name clusters to delete or pass --all, not both")
			}
			ctx := cmd.Context()
			m, err := g.manager(ctx)
			if err != nil {
				return err
			}
			names := args
			if all {
				if names, err = m.List(ctx); err != nil {
					return err
				}
			}
			var errs []error
			for _, n := range names {
				errs = append(errs, m.Delete(ctx, n, kubeconfig))
			}
			g.printf("Deleted clusters: %q\n", names)
			return errors.Join(errs...)
		},
	}
	c.Flags().BoolVarP(&all, "all", "A", false, "delete every kina cluster")
	c.Flags().StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file to remove the clusters' entries from")
	return c
}
