package apple

import (
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple/applefake"
	"github.com/kina-dev/kina/pkg/provider"
	"github.com/kina-dev/kina/pkg/provider/providertest"
)

func TestConformance(t *testing.T) {
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			providertest.Run(t, func(t *testing.T) provider.Provider {
				p, _ := newFake(t, applefake.Config{Version: v})
				return p
			}, providertest.Options{Image: "docker.io/library/busybox:latest", Command: []string{"sleep", "infinity"}})
		})
	}
	t.Run("1.2.1-macOS15", func(t *testing.T) {
		providertest.Run(t, func(t *testing.T) provider.Provider {
			p, _ := newFake(t, applefake.Config{Version: "1.2.1", MacOS: "15.6"})
			return p
		}, providertest.Options{Image: "docker.io/library/busybox:latest", NoNetworks: true})
	})
}
