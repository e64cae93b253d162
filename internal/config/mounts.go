package config

import (
	"fmt"
	"path/filepath"
)

// AbsHostPaths makes every relative (or empty) extraMounts hostPath absolute
// against the working directory, which is what kind does when it creates the
// nodes (not relative to the config file). Call it once, before creating.
func (c *Config) AbsHostPaths() error {
	for i := range c.Cluster.Nodes {
		mounts := c.Cluster.Nodes[i].ExtraMounts
		for j := range mounts {
			if filepath.IsAbs(mounts[j].HostPath) {
				continue
			}
			abs, err := filepath.Abs(mounts[j].HostPath)
			if err != nil {
				return fmt.Errorf("nodes[%d].extraMounts[%d].hostPath %q: %w", i, j, mounts[j].HostPath, err)
			}
			mounts[j].HostPath = abs
		}
	}
	return nil
}
