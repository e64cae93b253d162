package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/kina-dev/kina/internal/config"
	"github.com/kina-dev/kina/pkg/cluster"
)

func newCreateCommand(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "create", Short: "Create a cluster", Args: cobra.NoArgs}
	c.AddCommand(newCreateClusterCommand(g))
	return c
}

type createClusterFlags struct {
	name, config, settings, image, kubeconfig string
	retain                                    bool
	wait                                      time.Duration
}

func newCreateClusterCommand(g *globals) *cobra.Command {
	f := &createClusterFlags{}
	c := &cobra.Command{
		Use:   "cluster",
		Short: "Create a local Kubernetes cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCreateCluster(cmd, g, f)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&f.name, "name", "n", "", "cluster name, overrides the config's name and $KIND_CLUSTER_NAME (default \"kind\")")
	fl.StringVar(&f.config, "config", "", "path to a kind v1alpha4 cluster config file (\"-\" reads stdin)")
	fl.StringVar(&f.settings, "settings", "", "kina settings file (per-node CPUs and memory; default $KINA_SETTINGS)")
	fl.StringVar(&f.image, "image", "", "node image to use for every node, overriding the config")
	fl.BoolVar(&f.retain, "retain", false, "keep the nodes if create fails, for debugging")
	fl.DurationVar(&f.wait, "wait", 0, "wait for every node to be Ready, up to this long (e.g. 2m)")
	fl.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file to merge the cluster into (default $KUBECONFIG or ~/.kube/config)")
	return c
}

func runCreateCluster(cmd *cobra.Command, g *globals, f *createClusterFlags) error {
	ctx := cmd.Context()
	// kind's precedence: --name, then $KIND_CLUSTER_NAME, then the file's name.
	name := f.name
	for _, v := range []string{"KINA_CLUSTER_NAME", "KIND_CLUSTER_NAME"} {
		if name == "" {
			name = g.env.Getenv(v)
		}
	}
	settings := f.settings
	if settings == "" {
		settings = g.env.Getenv(config.SettingsEnv)
	}
	m, err := g.manager(ctx)
	if err != nil {
		return err
	}
	g.printf("Creating cluster ...\n")
	start := time.Now()
	res, err := m.Create(ctx, cluster.CreateOptions{
		Name:         name,
		ConfigFile:   f.config,
		Stdin:        g.env.Stdin,
		SettingsFile: settings,
		Image:        f.image,
		Retain:       f.retain,
		Wait:         f.wait,
		Kubeconfig:   f.kubeconfig,
	})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		g.printf(" • WARNING: %s\n", w)
	}
	if f.wait > 0 && !res.Ready {
		g.printf(" • WARNING: timed out waiting %s for nodes to be Ready\n", f.wait)
	}
	g.printf("Cluster %q is up after %s; its API server is at %s.\n", res.Name, time.Since(start).Round(100*time.Millisecond), res.Server)
	g.printf("Set kubectl context to \"kina-%s\" in %s. Try:\n\n  kubectl cluster-info --context kina-%s\n\n", res.Name, res.Kubeconfig, res.Name)
	return nil
}
