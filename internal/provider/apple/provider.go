// Package apple drives Apple's `container` CLI (github.com/apple/container),
// where every container is a lightweight Linux VM on macOS. It reads the
// CLI's version and help to decide which flags exist, and parses every JSON
// shape the CLI has printed since 0.5. All commands go through run.Runner.
package apple

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// Provider implements provider.Provider for Apple's container CLI.
type Provider struct {
	r    run.Runner
	opts options

	mu    sync.Mutex
	probe *Probe // cached after the first successful probe
}

var _ provider.Provider = (*Provider)(nil)

type options struct {
	binary      string
	pathEnv     string
	candidates  []string
	startSystem bool
	host        *HostResources
}

// Option configures New.
type Option func(*options)

// WithBinary uses this CLI instead of searching PATH and the install paths.
func WithBinary(path string) Option { return func(o *options) { o.binary = path } }

// WithPATH searches this PATH list instead of the process's.
func WithPATH(pathList string) Option { return func(o *options) { o.pathEnv = pathList } }

// WithInstallPaths replaces the known install locations tried after PATH.
func WithInstallPaths(paths ...string) Option {
	return func(o *options) { o.candidates = paths }
}

// WithStartSystem makes the provider run `container system start
// --enable-kernel-install` when the system service is not running, instead
// of failing with instructions.
func WithStartSystem(start bool) Option { return func(o *options) { o.startSystem = start } }

// WithHostResources fixes the host's size used for default node sizing
// instead of asking sysctl.
func WithHostResources(h HostResources) Option { return func(o *options) { o.host = &h } }

// New returns a provider that runs the CLI through r. Nothing runs until the
// first call.
func New(r run.Runner, opts ...Option) *Provider {
	o := options{pathEnv: os.Getenv("PATH"), candidates: knownPaths}
	for _, opt := range opts {
		opt(&o)
	}
	return &Provider{r: r, opts: o}
}

// Probe is what the provider learned about the CLI and its system service.
type Probe struct {
	Binary   string
	Version  Version
	Features Features
	// AppRoot is the runtime's data directory as `system status` reports it
	// ("" when it did not say).
	AppRoot string
}

// Probe finds the CLI, reads its version and features, refuses releases
// that cannot run nodes, and checks (or starts) the system service. The
// result is cached once it succeeds.
func (p *Provider) Probe(ctx context.Context) (Probe, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.probe != nil {
		return *p.probe, nil
	}
	pr, err := p.doProbe(ctx)
	if err != nil {
		return Probe{}, err
	}
	p.probe = &pr
	return pr, nil
}

func (p *Provider) doProbe(ctx context.Context) (Probe, error) {
	bin, err := findBinary(p.opts.binary, p.opts.pathEnv, p.opts.candidates)
	if err != nil {
		return Probe{}, fmt.Errorf("%w: %v", provider.ErrUnavailable, err)
	}
	pr := Probe{Binary: bin}
	out, err := run.Output(ctx, p.r, run.Cmd{Name: bin, Args: []string{"--version"}})
	if err != nil {
		return Probe{}, fmt.Errorf("%w: read the container CLI version: %w", provider.ErrUnavailable, err)
	}
	pr.Version = ParseVersion(string(out))
	if err := checkVersion(pr.Version); err != nil {
		return Probe{}, err
	}
	runHelp, err := run.Output(ctx, p.r, run.Cmd{Name: bin, Args: []string{"run", "--help"}})
	if err != nil {
		return Probe{}, fmt.Errorf("%w: read `container run --help`: %w", provider.ErrUnavailable, err)
	}
	topHelp, err := run.Output(ctx, p.r, run.Cmd{Name: bin, Args: []string{"--help"}})
	if err != nil {
		return Probe{}, fmt.Errorf("%w: read `container --help`: %w", provider.ErrUnavailable, err)
	}
	pr.Features = parseFeatures(pr.Version, string(runHelp), string(topHelp))
	if pr.Version.Unknown && !pr.Features.CapAdd {
		// Without a version the help is all we have; a CLI without --cap-add
		// could be anything from 0.1 on.
		return Probe{}, fmt.Errorf("%w: cannot read the version from %q and `run --help` has no --cap-add; kina needs container CLI >= %s",
			provider.ErrUnsupported, pr.Version.Raw, minVersion)
	}
	// From 1.2.0 on, /proc/sys is read-only unless the opt-out flags exist.
	if !pr.Version.Unknown && pr.Version.AtLeast(1, 2, 0) && !pr.Features.SystemPaths {
		return Probe{}, brokenVersionError(pr.Version)
	}
	root, err := p.ensureSystem(ctx, bin)
	if err != nil {
		return Probe{}, err
	}
	pr.AppRoot = root
	return pr, nil
}

func checkVersion(v Version) error {
	if v.Unknown {
		return nil
	}
	if !v.AtLeast(minVersion.Major, minVersion.Minor, minVersion.Patch) {
		return fmt.Errorf("%w: container CLI %s is too old: kina needs %s or newer (systemd cannot run as a node's init before it); upgrade from https://github.com/apple/container/releases",
			provider.ErrUnsupported, v, minVersion)
	}
	if v.Major == brokenVersion.Major && v.Minor == brokenVersion.Minor && v.Patch == brokenVersion.Patch {
		return brokenVersionError(v)
	}
	return nil
}

func brokenVersionError(v Version) error {
	return fmt.Errorf("%w: %w: %s makes /proc/sys read-only inside every container with no way to opt out, so a node cannot set sysctls (apple/container#2041); upgrade to 1.2.1 or newer, which adds --masked-path/--read-only-path NONE",
		provider.ErrUnsupported, ErrBrokenVersion, strings.TrimSpace(v.Raw))
}

// Info implements provider.Provider.
func (p *Provider) Info(ctx context.Context) (provider.Info, error) {
	pr, err := p.Probe(ctx)
	if err != nil {
		return provider.Info{}, err
	}
	return provider.Info{
		Name:    "apple",
		Version: pr.Version.String(),
		// --cap-add ALL (or, before 0.12, the runtime's own default) gives
		// nodes every capability.
		Restricted: false,
		// Root in a node is root in its VM: no user namespace to configure.
		Rootless: false,
		// Addresses are allocated per start and rotate.
		StableAddresses: false,
		PublishesPorts:  pr.Features.Publish,
	}, nil
}

func (p *Provider) cmd(pr Probe, args ...string) run.Cmd {
	return run.Cmd{Name: pr.Binary, Args: args}
}
