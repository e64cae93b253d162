package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func newExportCommand(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "export", Short: "Export kubeconfigs or logs", Args: cobra.NoArgs}
	c.AddCommand(newExportKubeconfigCommand(g), newExportLogsCommand(g))
	return c
}

func newExportKubeconfigCommand(g *globals) *cobra.Command {
	var name, kubeconfig string
	var internal bool
	c := &cobra.Command{
		Use:   "kubeconfig",
		Short: "Merge a cluster's kubeconfig into the kubeconfig file and make it current",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := g.manager(cmd.Context())
			if err != nil {
				return err
			}
			cl := g.clusterName(name)
			path, err := m.ExportKubeconfig(cmd.Context(), cl, kubeconfig, internal)
			if err != nil {
				return err
			}
			g.printf("Set kubectl context to \"kina-%s\" in %s\n", cl, path)
			return nil
		},
	}
	c.Flags().StringVarP(&name, "name", "n", "", "cluster name (default $KIND_CLUSTER_NAME or \"kind\")")
	c.Flags().StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file to merge into")
	c.Flags().BoolVar(&internal, "internal", false, "use the API server's address inside the node network")
	return c
}

func newExportLogsCommand(g *globals) *cobra.Command {
	var name string
	c := &cobra.Command{
		Use:   "logs [DIR]",
		Short: "Export every node's logs into DIR (default: a new temporary directory)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := g.manager(cmd.Context())
			if err != nil {
				return err
			}
			dir := ""
			if len(args) == 1 {
				dir = args[0]
			} else if dir, err = os.MkdirTemp("", "kina-logs-"); err != nil {
				return err
			}
			err = m.ExportLogs(cmd.Context(), g.clusterName(name), dir)
			fmt.Fprintln(g.env.Stdout, dir)
			return err
		},
	}
	c.Flags().StringVarP(&name, "name", "n", "", "cluster name (default $KIND_CLUSTER_NAME or \"kind\")")
	return c
}
