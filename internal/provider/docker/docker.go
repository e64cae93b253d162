// Package docker drives Docker-compatible CLIs (docker and podman) for kina.
// One engine serves both; a Dialect holds what differs between them. It
// translates provider requests into CLI argv lists and never plans a cluster.
package docker

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// Dialect is what differs between Docker-compatible CLIs.
type Dialect struct {
	Name   string // provider name: "docker" or "podman"
	Binary string // executable to run
	// RestrictedExtra are node flags this runtime needs when nodes cannot be privileged.
	RestrictedExtra []string
	// PrivilegedExtra are node flags this runtime needs on a normal host.
	PrivilegedExtra []string
	// RemoveExtra are flags for `rm` of several containers.
	RemoveExtra []string
}

// Docker is the dialect of the docker CLI.
var Docker = Dialect{
	Name:   "docker",
	Binary: "docker",
}

// Podman is the dialect of the podman CLI. Its conmon cannot raise rlimits
// past its own hard limits on restricted hosts, so nodes ask for values that fit.
var Podman = Dialect{
	Name:   "podman",
	Binary: "podman",
	RestrictedExtra: []string{
		"--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768",
		"--security-opt", "unmask=ALL", "--systemd=always",
	},
	PrivilegedExtra: []string{"--systemd=always"},
	// Podman 4.3's `rm --force a missing` exits 0 without removing a;
	// --ignore makes it remove a. --time 0 kills at once, as docker's rm -f
	// does, instead of waiting 10 s for the stop signal.
	RemoveExtra: []string{"--ignore", "--time", "0"},
}

// Options tune a provider.
type Options struct {
	// Restricted forces the restricted (non-privileged) node flags on or off;
	// nil detects it from the host.
	Restricted *bool
}

// Provider implements provider.Provider for one Dialect.
type Provider struct {
	d    Dialect
	r    run.Runner
	opts Options

	once sync.Once
	info provider.Info
	err  error
}

var _ provider.Provider = (*Provider)(nil)

// New returns a provider that drives d's CLI through r.
func New(r run.Runner, d Dialect, opts Options) *Provider {
	return &Provider{d: d, r: r, opts: opts}
}

func (p *Provider) cmd(args ...string) run.Cmd {
	return run.Cmd{Name: p.d.Binary, Args: args}
}

func (p *Provider) output(ctx context.Context, args ...string) (string, error) {
	out, err := run.Output(ctx, p.r, p.cmd(args...))
	return string(out), err
}

// Info implements provider.Provider. The runtime is asked once.
func (p *Provider) Info(ctx context.Context) (provider.Info, error) {
	p.once.Do(func() { p.info, p.err = p.probe(ctx) })
	return p.info, p.err
}

func (p *Provider) probe(ctx context.Context) (provider.Info, error) {
	out, err := p.output(ctx, "version", "--format", "{{.Server.Version}}")
	if err != nil {
		return provider.Info{}, fmt.Errorf("%s is not usable: %w: %w", p.d.Name, provider.ErrUnavailable, err)
	}
	info := provider.Info{
		Name:            p.d.Name,
		Version:         strings.TrimSpace(out),
		StableAddresses: true,
		PublishesPorts:  true,
		Rootless:        p.d.Name == "podman" && os.Geteuid() != 0,
	}
	if p.opts.Restricted != nil {
		info.Restricted = *p.opts.Restricted
	} else {
		info.Restricted = !HostHasCapability(capSysResource)
	}
	return info, nil
}
