package migrate

import (
	"fmt"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/cluster"
)

// Runtimes returns the runtimes kind can use that are installed here
// (docker, then podman), or only the named one.
func Runtimes(only string) ([]Runtime, error) {
	names := []string{cluster.ProviderDocker, cluster.ProviderPodman}
	if only != "" {
		if only != cluster.ProviderDocker && only != cluster.ProviderPodman {
			return nil, fmt.Errorf("kind clusters live on docker or podman, not %q", only)
		}
		names = []string{only}
	}
	var out []Runtime
	for _, n := range names {
		if only == "" {
			if _, err := run.LookPath(n); err != nil {
				continue
			}
		}
		p, err := cluster.NewProvider(n, cluster.ProviderOptions{})
		if err != nil {
			return nil, err
		}
		rt, ok := p.(Runtime)
		if !ok {
			return nil, fmt.Errorf("the %s provider cannot read kind's containers", n)
		}
		out = append(out, rt)
	}
	return out, nil
}
