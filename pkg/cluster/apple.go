package cluster

import (
	"fmt"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// newApple is replaced once the Apple provider lands.
func newApple(run.Runner) (provider.Provider, error) {
	return nil, fmt.Errorf("apple provider: %w", provider.ErrUnsupported)
}
