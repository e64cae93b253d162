package cluster

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/internal/config"
	"github.com/kina-dev/kina/internal/create"
	"github.com/kina-dev/kina/internal/kubeconfig"
)

// CreateOptions is one create request.
type CreateOptions struct {
	// Name overrides the config's name; "" keeps it (default "kind").
	Name string
	// ConfigFile is a kind v1alpha4 Cluster file ("-" reads Stdin), which may
	// carry a kina Settings document after the Cluster.
	ConfigFile string
	Stdin      io.Reader
	// Config is used when ConfigFile is empty; nil means one control-plane node.
	Config *v1alpha4.Cluster
	// SettingsFile is a separate kina Settings file (per-node CPUs and memory).
	SettingsFile string
	// Image, when set, replaces every node's image (kind's --image).
	Image string
	// Retain keeps the nodes of a failed create for debugging.
	Retain bool
	// Wait > 0 waits that long for every node to be Ready.
	Wait time.Duration
	// Kubeconfig is the file to merge the cluster's entry into; "" follows
	// kubectl's rules ($KUBECONFIG, then ~/.kube/config).
	Kubeconfig string
}

// Created describes a new cluster.
type Created struct {
	Name       string
	Server     string // API server URL on the host
	Kubeconfig string // the file the kubeconfig was merged into
	Ready      bool   // every node reported Ready within Wait
	Warnings   []string
}

// Create makes a cluster. A failure or a cancelled ctx removes everything it
// made, unless opts.Retain.
func (m *Manager) Create(ctx context.Context, opts CreateOptions) (Created, error) {
	cfg, err := loadConfig(opts)
	if err != nil {
		return Created{}, err
	}
	out := Created{Name: cfg.Name(), Kubeconfig: kubeconfig.MergeTarget(kubeconfig.Paths(opts.Kubeconfig, os.Getenv))}
	res, err := create.Run(ctx, m.p, create.Options{
		Network:  m.network,
		Config:   cfg,
		Retain:   opts.Retain,
		Wait:     opts.Wait,
		Progress: m.progress,
		Kubeconfig: func(ctx context.Context, admin []byte, server string) error {
			kc, err := kubeconfig.Rewrite(admin, cfg.Name(), server)
			if err != nil {
				return err
			}
			return kubeconfig.Merge(out.Kubeconfig, kc)
		},
		Cleanup: func(ctx context.Context) error {
			return m.delete(ctx, cfg.Name(), opts.Kubeconfig, create.NodeNames(cfg))
		},
	})
	out.Server, out.Ready, out.Warnings = res.Server, res.Ready, res.Warnings
	return out, err
}

// loadConfig reads, overrides and validates the config, as kind does: the
// name and image given outside the file win over the file's.
func loadConfig(opts CreateOptions) (*config.Config, error) {
	var cfg *config.Config
	switch {
	case opts.ConfigFile != "":
		c, err := config.Load(opts.ConfigFile, opts.Stdin)
		if err != nil {
			return nil, err
		}
		cfg = c
	case opts.Config != nil:
		cfg = &config.Config{Cluster: *opts.Config.DeepCopy(), Source: "CreateOptions.Config"}
		v1alpha4.SetDefaultsCluster(&cfg.Cluster)
		if cfg.Cluster.Name == "" {
			cfg.Cluster.Name = DefaultName
		}
	default:
		cfg = config.Default()
	}
	if opts.SettingsFile != "" {
		s, err := config.LoadSettings(opts.SettingsFile)
		if err != nil {
			return nil, err
		}
		if err := cfg.AddSettings(s, opts.SettingsFile); err != nil {
			return nil, err
		}
	}
	cfg.SetName(opts.Name)
	if opts.Image != "" {
		for i := range cfg.Cluster.Nodes {
			cfg.Cluster.Nodes[i].Image = opts.Image
		}
	}
	if err := cfg.AbsHostPaths(); err != nil {
		return nil, err
	}
	if err := config.Validate(cfg); err != nil {
		return nil, fmt.Errorf("invalid cluster config:\n%w", err)
	}
	return cfg, nil
}
