package cluster

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/kina-dev/kina/internal/provider/apple"
	"github.com/kina-dev/kina/internal/provider/docker"
	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// Provider names.
const (
	ProviderDocker = "docker"
	ProviderPodman = "podman"
	ProviderApple  = "apple"
)

// ProviderOptions tune the built-in providers.
type ProviderOptions struct {
	// Runner executes the runtime's CLI; nil runs real processes.
	Runner run.Runner
	// Restricted forces non-privileged node flags on (true) or off (false);
	// nil detects whether the host allows privileged containers.
	Restricted *bool
}

// NewProvider returns the named provider.
func NewProvider(name string, opts ProviderOptions) (provider.Provider, error) {
	r := opts.Runner
	if r == nil {
		r = run.Exec{}
		if os.Getenv("KINA_TRACE") != "" {
			r = run.NewTrace(r, os.Stderr)
		}
	}
	switch name {
	case ProviderDocker:
		return docker.New(r, docker.Docker, docker.Options{Restricted: opts.Restricted}), nil
	case ProviderPodman:
		return docker.New(r, docker.Podman, docker.Options{Restricted: opts.Restricted}), nil
	case ProviderApple:
		return apple.New(r), nil
	default:
		return nil, fmt.Errorf("unknown provider %q: want %s, %s or %s", name, ProviderApple, ProviderDocker, ProviderPodman)
	}
}

// DetectProvider returns the named provider, or when name is empty the first
// runtime found: Apple's container CLI on macOS, then docker, then podman.
func DetectProvider(ctx context.Context, name string, opts ProviderOptions) (provider.Provider, error) {
	if name != "" {
		return NewProvider(name, opts)
	}
	if runtime.GOOS == "darwin" && onPath("container") {
		return NewProvider(ProviderApple, opts)
	}
	for _, n := range []string{ProviderDocker, ProviderPodman} {
		if onPath(n) {
			return NewProvider(n, opts)
		}
	}
	return nil, fmt.Errorf("no container runtime found: install Apple's container CLI (macOS), Docker or Podman, or choose one with --provider: %w", provider.ErrUnavailable)
}

func onPath(bin string) bool {
	_, err := run.LookPath(bin)
	return err == nil
}
