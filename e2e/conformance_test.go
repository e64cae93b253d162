package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kina-dev/kina/pkg/cluster"
	"github.com/kina-dev/kina/pkg/provider"
	"github.com/kina-dev/kina/pkg/provider/providertest"
)

// toolArchive is the docker-archive of the tool image, from the ingredient build.
func toolArchive() string {
	if v := os.Getenv("KINA_E2E_TOOL_ARCHIVE"); v != "" {
		return v
	}
	cache := os.Getenv("KINA_CACHE_DIR")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "kina")
	}
	return filepath.Join(cache, "ingredients", "kubernetes-v1.34.4", "images", "local-path-helper.tar")
}

// conformance runs the provider conformance suite (the one the Apple
// provider passes against its CLI double) against a real runtime.
func conformance(t *testing.T, runtime string) {
	requireRuntime(t, runtime)
	if exec.Command(runtime, "image", "inspect", toolImage()).Run() != nil {
		if out, err := exec.Command(runtime, "load", "-i", toolArchive()).CombinedOutput(); err != nil {
			t.Fatalf("%s load %s: %v\n%s", runtime, toolArchive(), err, out)
		}
	}
	providertest.Run(t, func(t *testing.T) provider.Provider {
		p, err := cluster.NewProvider(runtime, cluster.ProviderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}, providertest.Options{
		Image:   toolImage(),
		Command: []string{"sleep", "infinity"},
		Volumes: func(t *testing.T) []string { return listVolumes(t, runtime) },
	})
}

func TestDockerConformance(t *testing.T) { conformance(t, "docker") }
func TestPodmanConformance(t *testing.T) { conformance(t, "podman") }
