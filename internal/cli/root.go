// Package cli is kina's command tree: kind's commands and flags, turned into
// calls to pkg/cluster. It holds no cluster logic and runs no runtime command
// itself. Only this package and cmd/kina import cobra.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kina-dev/kina/internal/progress"
	"github.com/kina-dev/kina/pkg/cluster"
)

// Env holds the process's edges: streams and environment lookups.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// globals are the flags every command shares.
type globals struct {
	env      Env
	provider string
	quiet    bool
}

// NewRoot builds the kina command tree.
func NewRoot(env Env) *cobra.Command {
	g := &globals{env: env}
	root := &cobra.Command{
		Use:           "kina",
		Short:         "kina runs local Kubernetes clusters whose nodes are containers",
		Long:          "kina runs local Kubernetes clusters whose nodes are containers: on Apple's container runtime, Docker or Podman.\nIts commands, flags and config file are kind's.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.PersistentFlags().StringVar(&g.provider, "provider", "", "container runtime: apple, docker or podman (default: $KINA_PROVIDER, $KIND_EXPERIMENTAL_PROVIDER, else detected)")
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "silence progress output")
	root.AddCommand(
		newCreateCommand(g),
		newDeleteCommand(g),
		newGetCommand(g),
		newExportCommand(g),
		newVersionCommand(g),
		newDoctorCommand(g),
		newLoadCommand(g),
		newBuildCommand(),
		newMigrateCommand(g),
	)
	return root
}

// manager builds a cluster manager for the selected provider.
func (g *globals) manager(ctx context.Context) (*cluster.Manager, error) {
	name := g.provider
	for _, v := range []string{"KINA_PROVIDER", "KIND_EXPERIMENTAL_PROVIDER"} {
		if name == "" {
			name = g.env.Getenv(v)
		}
	}
	opts := cluster.ProviderOptions{}
	if v := g.env.Getenv("KINA_RESTRICTED_NODES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("KINA_RESTRICTED_NODES=%q: want true or false", v)
		}
		opts.Restricted = &b
	}
	p, err := cluster.DetectProvider(ctx, name, opts)
	if err != nil {
		return nil, err
	}
	var sink progress.Sink = progress.Nop{}
	if !g.quiet {
		sink = &progress.Lines{W: g.env.Stderr}
	}
	return cluster.New(p, cluster.WithProgress(sink)), nil
}

// clusterName is --name, else $KINA_CLUSTER_NAME or $KIND_CLUSTER_NAME, else "kind".
func (g *globals) clusterName(flag string) string {
	if flag != "" {
		return flag
	}
	for _, v := range []string{"KINA_CLUSTER_NAME", "KIND_CLUSTER_NAME"} {
		if s := g.env.Getenv(v); s != "" {
			return s
		}
	}
	return cluster.DefaultName
}

func (g *globals) printf(format string, a ...any) {
	if !g.quiet {
		fmt.Fprintf(g.env.Stderr, format, a...)
	}
}

// Main runs the CLI and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	root := NewRoot(env)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(env.Stderr, "ERROR: %v\n", err)
		return 1
	}
	return 0
}

var _ = os.Stdout
