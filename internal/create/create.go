// Package create is the cluster create pipeline: a plan computed once from the
// config, then stages of steps run against a provider. Steps in one stage run
// concurrently; every step is timed and reported. A failure or cancellation
// removes everything the pipeline made, unless the caller asked to retain it.
// It knows nothing about any particular runtime.
package create

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kina-dev/kina/internal/config"
	"github.com/kina-dev/kina/internal/progress"
	"github.com/kina-dev/kina/pkg/provider"
)

// Options is one create request.
type Options struct {
	Network string
	// Config is defaulted and validated, with every node's image resolved.
	Config *config.Config
	Retain bool
	// Wait > 0 waits that long for every node to be Ready.
	Wait     time.Duration
	Progress progress.Sink
	// Kubeconfig receives kubeadm's admin.conf and the API server's host
	// address once the control plane is up; it exports the kubeconfig.
	Kubeconfig func(ctx context.Context, admin []byte, server string) error
	// Cleanup removes what a failed create made (nodes and kubeconfig entries).
	Cleanup func(ctx context.Context) error
}

// Result describes a created cluster.
type Result struct {
	Server   string   // API server URL reachable from the host
	Ready    bool     // every node was Ready before the wait ran out
	Warnings []string // things the user should fix, found on the way
}

// cluster is the state shared by the steps of one create.
type cluster struct {
	opts Options
	p    provider.Provider
	plan *plan
	info provider.Info
	// apiHostPort is the host port the API server is published on.
	apiHostPort int
	// apiEndpoint is the API server's host:port inside the node network.
	apiEndpoint string
	// caCert is the cluster CA (PEM), read once the bootstrap node has it.
	caCert []byte
	// cni and storage are the addon manifests to apply ("" for none).
	cni, storage string
	// containerdConfigs are patched containerd configs to install, by node.
	containerdConfigs map[string]string

	mu       sync.Mutex
	warnings []string
	rendered map[string][]byte // each node's kubeadm config
	// kubeletStart holds the kubelet-start config of each worker kina sets
	// up without kubeadm join (see workers.go).
	kubeletStart map[string][]byte
	// late are early workers that fell back to kubeadm join.
	late map[string]bool
}

func (c *cluster) warn(w string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warnings = append(c.warnings, w)
}

// Run creates a cluster. On error or cancellation it calls opts.Cleanup
// (under a fresh deadline) unless opts.Retain is set.
func Run(ctx context.Context, p provider.Provider, opts Options) (res Result, err error) {
	if opts.Progress == nil {
		opts.Progress = progress.Nop{}
	}
	pl, err := newPlan(opts.Network, opts.Config)
	if err != nil {
		return res, err
	}
	c := &cluster{opts: opts, p: p, plan: pl, rendered: map[string][]byte{}, kubeletStart: map[string][]byte{}, late: map[string]bool{}}
	if c.info, err = p.Info(ctx); err != nil {
		return res, err
	}
	if err := c.refuseExisting(ctx); err != nil {
		return res, err
	}
	defer func() {
		if err == nil || opts.Retain || opts.Cleanup == nil {
			return
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if cerr := opts.Cleanup(cctx); cerr != nil {
			err = errors.Join(err, fmt.Errorf("clean up after failed create: %w", cerr))
		}
	}()
	return c.run(ctx)
}

// startStageName says what the start stage does for this plan.
func (c *cluster) startStageName() string {
	name := "Starting control-plane, CNI and StorageClass"
	if n := len(c.plan.Nodes) - 1; n == 1 {
		name += ", joining 1 node"
	} else if n > 1 {
		name += fmt.Sprintf(", joining %d nodes", n)
	}
	return name
}

func (c *cluster) refuseExisting(ctx context.Context) error {
	nodes, err := c.p.ListNodes(ctx, map[string]string{provider.LabelCluster: c.plan.Name})
	if err != nil {
		return err
	}
	if len(nodes) > 0 {
		return fmt.Errorf("a cluster named %q already exists (node %q); delete it first or choose another --name", c.plan.Name, nodes[0].Name)
	}
	return nil
}

// stage is a named step of the pipeline.
type stage struct {
	name string
	run  func(ctx context.Context) error
}

func (c *cluster) run(ctx context.Context) (res Result, err error) {
	stages := []stage{
		{"Preparing nodes", c.provision},
		{c.startStageName(), c.startCluster},
		{"Exporting kubeconfig", func(ctx context.Context) error {
			var err error
			res.Server, err = c.exportKubeconfig(ctx)
			return err
		}},
	}
	if c.opts.Wait > 0 {
		stages = append(stages, stage{fmt.Sprintf("Waiting ≤ %s for nodes to be Ready", c.opts.Wait), func(ctx context.Context) error {
			var err error
			res.Ready, err = c.waitReady(ctx)
			return err
		}})
	}
	defer func() { res.Warnings = c.warnings }()
	for _, s := range stages {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("create cluster %q: %w", c.plan.Name, err)
		}
		if err := progress.Step(c.opts.Progress, s.name, func() error { return s.run(ctx) }); err != nil {
			return res, fmt.Errorf("create cluster %q: %s: %w", c.plan.Name, s.name, err)
		}
	}
	return res, nil
}
