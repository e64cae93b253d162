package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kina-dev/kina/internal/migrate"
)

// newGetKindClustersCommand lists kind's clusters, next to `get clusters`
// which lists kina's.
func newGetKindClustersCommand(g *globals) *cobra.Command {
	var output, kindProvider string
	c := &cobra.Command{
		Use:   "kind-clusters",
		Short: "List the kind clusters on Docker and Podman (candidates for kina migrate)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "" && output != "json" {
				return fmt.Errorf("--output %q: want json (or nothing for a table)", output)
			}
			rts, err := migrate.Runtimes(kindProvider)
			if err != nil {
				return err
			}
			clusters, looked, err := migrate.Find(cmd.Context(), rts)
			if err != nil {
				return err
			}
			if output == "json" {
				if clusters == nil {
					clusters = []*migrate.Cluster{}
				}
				enc := json.NewEncoder(g.env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(clusters)
			}
			if len(clusters) == 0 {
				g.printf("No kind clusters found; looked in %s.\n", migrate.Where(looked))
				return nil
			}
			w := tabwriter.NewWriter(g.env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tPROVIDER\tSTATE\tNODES\tIMAGE\tVERSION\tAPI ENDPOINT")
			for _, c := range clusters {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, c.Provider, c.State, roles(c.Roles),
					c.Image, dash(c.KubernetesVersion), dash(c.APIEndpoint))
			}
			return w.Flush()
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "", "output format: json")
	c.Flags().StringVar(&kindProvider, "kind-provider", "", "look only on this runtime: docker or podman (default: both)")
	return c
}

func roles(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type migrateFlags struct {
	name, image, kindProvider, kubeconfig string
	loadImages, deleteKind, dryRun        bool
	portOffset                            int
	wait                                  time.Duration
}

func newMigrateCommand(g *globals) *cobra.Command {
	f := &migrateFlags{}
	c := &cobra.Command{
		Use:   "migrate KIND-CLUSTER",
		Short: "Recreate a kind cluster with kina",
		Long: `Rebuild the config a kind cluster was created from (nodes, images, port
mappings, mounts, labels, networking, feature gates, runtime config) from its
containers, and create the same cluster with kina on the selected provider
(--provider; Apple's on macOS, else the one detected). The kind cluster is
left as it is unless --delete-kind. --dry-run prints the rebuilt config;
what could not be recovered is listed in a comment at its top.`,
		Example: `  kina get kind-clusters
  kina migrate kind --dry-run > kind.yaml
  kina migrate kind --name dev --load-images --host-port-offset 1000`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runMigrate(cmd, g, f, args[0]) },
	}
	fl := c.Flags()
	fl.StringVarP(&f.name, "name", "n", "", "name of the kina cluster (default: the kind cluster's)")
	fl.StringVar(&f.image, "image", "", "node image for every node (default: each kind node's image)")
	fl.StringVar(&f.kindProvider, "kind-provider", "", "runtime the kind cluster is on: docker or podman (default: look on both)")
	fl.IntVar(&f.portOffset, "host-port-offset", 0, "add N to every fixed extraPortMappings host port, so both clusters can run at once")
	fl.BoolVar(&f.loadImages, "load-images", false, "copy the images kind's nodes hold that kina's node image lacks")
	fl.BoolVar(&f.deleteKind, "delete-kind", false, "delete the kind cluster once the kina cluster is up")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the rebuilt kind config and create nothing")
	fl.DurationVar(&f.wait, "wait", 0, "wait for the nodes to be Ready (e.g. 2m)")
	fl.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file to update (default: $KUBECONFIG or ~/.kube/config)")
	return c
}

func runMigrate(cmd *cobra.Command, g *globals, f *migrateFlags, name string) error {
	ctx := cmd.Context()
	rts, err := migrate.Runtimes(f.kindProvider)
	if err != nil {
		return err
	}
	kind, err := migrate.Get(ctx, rts, name, f.kindProvider)
	if err != nil {
		return err
	}
	if f.dryRun {
		res, err := migrate.Reconstruct(ctx, kind)
		if err != nil {
			return err
		}
		out, err := res.Render(kind)
		if err != nil {
			return err
		}
		_, err = g.env.Stdout.Write(out)
		return err
	}
	m, err := g.manager(ctx)
	if err != nil {
		return err
	}
	opts := migrate.Options{
		Name: f.name, Image: f.image, HostPortOffset: f.portOffset,
		LoadImages: f.loadImages, DeleteKind: f.deleteKind, Wait: f.wait, Kubeconfig: f.kubeconfig,
		Log: func(format string, a ...any) { g.printf(" • "+format+"\n", a...) },
	}
	plan, err := migrate.NewPlan(ctx, kind, m.Provider(), opts)
	if err != nil {
		return err
	}
	if !kind.Running {
		g.printf("kind cluster %q is %s; its config was rebuilt from the containers alone:\n", kind.Name, kind.State)
	}
	for _, miss := range plan.Result.Missing {
		g.printf("  not recovered: %s: %s\n", miss.Field, miss.Why)
	}
	for _, s := range append(plan.Notes, plan.Warnings...) {
		g.printf("  note: %s\n", s)
	}
	g.printf("Migrating kind cluster %q (%s) to kina cluster %q\n", kind.Name, kind.Provider, plan.Config.Name)
	created, err := migrate.Run(ctx, m, plan, opts)
	if err != nil {
		return err
	}
	for _, w := range created.Warnings {
		g.printf("WARNING: %s\n", w)
	}
	if f.wait > 0 && !created.Ready {
		g.printf("WARNING: not every node was Ready within %s\n", f.wait)
	}
	g.printf("Set kubectl context to \"kina-%s\"; API server at %s\n", created.Name, created.Server)
	if !f.deleteKind {
		g.printf("kind cluster %q is left as it was (delete it with kind delete cluster --name %s, or migrate with --delete-kind)\n", kind.Name, kind.Name)
	}
	return nil
}
