package config

import "fmt"

// kind warns above this: node host names get "-control-plane" (14 bytes)
// appended and Linux host names stop at 64.
const longName = 50

// Warnings lists things kina accepts, because kind does, but that are
// probably mistakes. The CLI prints them; none stops a create.
func (c *Config) Warnings() []string {
	out := append([]string(nil), c.notes...)
	if len(c.Name()) > longName {
		out = append(out, fmt.Sprintf("%scluster name %q is longer than %d characters; node host names may be too long",
			sourcePrefix(c.Source), c.Name(), longName))
	}
	for i, n := range c.Cluster.Nodes {
		for j, m := range n.ExtraMounts {
			if m.HostPath == "" {
				out = append(out, fmt.Sprintf("%snodes[%d].extraMounts[%d].hostPath is empty: like kind, kina mounts the current directory",
					sourcePrefix(c.Source), i, j))
			}
		}
	}
	return out
}
