package migrate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/internal/kubeconfig"
	"github.com/kina-dev/kina/pkg/cluster"
	"github.com/kina-dev/kina/pkg/provider"
)

// Options is one migration request.
type Options struct {
	// Name is the kina cluster's name; "" keeps the kind cluster's.
	Name string
	// Image, when set, replaces every node's image.
	Image string
	// HostPortOffset moves every fixed extraPortMappings host port, so the
	// new cluster can run beside the kind one.
	HostPortOffset int
	// LoadImages copies the images kind's nodes hold that kina's lack.
	LoadImages bool
	// DeleteKind removes the kind cluster once kina's is up.
	DeleteKind bool
	Wait       time.Duration
	// Kubeconfig is where kina's entry goes and kind's is removed from
	// ("" follows kubectl's rules).
	Kubeconfig string
	// Log receives one line per step; nil is silent.
	Log func(format string, a ...any)
}

// Plan is what a migration will create.
type Plan struct {
	Kind   *Cluster
	Result *Result
	// Config is the rebuilt config with the options applied.
	Config *v1alpha4.Cluster
	// Notes say what was changed to fit the target; Warnings what it ignores.
	Notes, Warnings []string
}

// Target is what planning needs of the runtime kina creates on.
type Target interface {
	Info(ctx context.Context) (provider.Info, error)
}

// NewPlan rebuilds the kind cluster's config and fits it to the target.
func NewPlan(ctx context.Context, kind *Cluster, target Target, opts Options) (*Plan, error) {
	res, err := Reconstruct(ctx, kind)
	if err != nil {
		return nil, err
	}
	cfg := res.Config.DeepCopy()
	if opts.Name != "" {
		cfg.Name = opts.Name
	}
	if opts.Image != "" {
		for i := range cfg.Nodes {
			cfg.Nodes[i].Image = opts.Image
		}
	}
	p := &Plan{Kind: kind, Result: res, Config: cfg}
	info, err := target.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("target runtime: %w", err)
	}
	if info.Name == kind.Provider && cfg.Name == kind.Name {
		return nil, fmt.Errorf("kind's containers on %s already use the node names of a cluster called %q (%s-control-plane…): give the kina cluster another name with --name, or see docs/migrate.md to replace the kind cluster", kind.Provider, kind.Name, kind.Name)
	}
	held := kind.HeldHostPorts()
	notes, err := AdjustPorts(cfg, held, opts.HostPortOffset)
	p.Notes = notes
	if err != nil {
		return nil, err
	}
	if p.Warnings, err = CheckTarget(cfg, info); err != nil {
		return nil, fmt.Errorf("the kind cluster's config does not fit %s; rebuild it with --dry-run, edit it and use kina create cluster --config:\n%w", info.Name, err)
	}
	return p, nil
}

// Run creates the kina cluster, copies images and deletes the kind cluster
// as opts ask. The kind cluster is only touched by DeleteKind, and only
// after everything else succeeded.
func Run(ctx context.Context, m *cluster.Manager, p *Plan, opts Options) (cluster.Created, error) {
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	kc := opts.Kubeconfig
	if kc == "" {
		// Resolved here, by kubectl's rules, so the file is named explicitly.
		kc = kubeconfig.MergeTarget(kubeconfig.Paths("", os.Getenv))
	}
	created, err := m.Create(ctx, cluster.CreateOptions{Config: p.Config, Wait: opts.Wait, Kubeconfig: kc})
	if err != nil {
		return created, fmt.Errorf("create kina cluster %q: %w", p.Config.Name, err)
	}
	if opts.LoadImages {
		if err := carryImages(ctx, m, p, created.Name, logf); err != nil {
			return created, fmt.Errorf("kina cluster %q is up, but its images were not all copied (the kind cluster is untouched): %w", created.Name, err)
		}
	}
	if opts.DeleteKind {
		logf("Deleting kind cluster %q on %s", p.Kind.Name, p.Kind.Provider)
		if err := DeleteKind(ctx, p.Kind, opts.Kubeconfig); err != nil {
			return created, err
		}
	}
	return created, nil
}

func carryImages(ctx context.Context, m *cluster.Manager, p *Plan, name string, logf func(string, ...any)) error {
	nodes, err := m.Nodes(ctx, name)
	if err != nil {
		return err
	}
	var targets []string
	for _, n := range nodes {
		if n.Role != provider.RoleLoadBalancer {
			targets = append(targets, n.Name)
		}
	}
	if len(targets) == 0 {
		return errors.New("the new cluster has no nodes")
	}
	if !p.Kind.Running {
		logf("Some kind nodes are stopped: only the running ones' images are copied")
	}
	plan, err := planImages(ctx, p.Kind, m.Provider(), targets[0])
	if err != nil {
		return err
	}
	if len(plan) == 0 {
		logf("No images to copy: kina's node image already holds every image of the kind nodes")
		return nil
	}
	for _, c := range plan {
		logf("Copying %d images from kind node %s into %d nodes: %v", len(c.refs), c.node, len(targets), c.refs)
	}
	return copyImages(ctx, p.Kind, m.Provider(), targets, plan)
}
