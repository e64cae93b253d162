package config

import (
	"fmt"
	"slices"
)

// settings checks kina's Settings, naming fields under "settings." so they
// cannot be confused with the Cluster's own nodes list.
func (v *validator) settings(c *Config) {
	s := &c.Settings
	sv := &validator{source: c.SettingsSource}
	if s.Provider != "" && !slices.Contains(providers, s.Provider) {
		sv.add("settings.provider", "%q is not a provider kina knows; want docker, podman or apple", s.Provider)
	}
	sv.resources("settings.nodeDefaults", s.NodeDefaults)
	for i, r := range s.Nodes {
		sv.resources(fmt.Sprintf("settings.nodes[%d]", i), r)
	}
	if len(s.Nodes) > len(c.Cluster.Nodes) {
		sv.add("settings.nodes", "has %d entries but the cluster has %d nodes", len(s.Nodes), len(c.Cluster.Nodes))
	}
	v.errs = append(v.errs, sv.errs...)
}

func (v *validator) resources(field string, r Resources) {
	if r.CPUs < 0 {
		v.add(field+".cpus", "%d must be 1 or more (or unset)", r.CPUs)
	}
	b, err := r.MemoryBytes()
	switch {
	case err != nil:
		v.add(field+".memory", "%q is not a quantity such as 4Gi or 4096Mi", r.Memory)
	case b < 0 || (b == 0 && r.Memory != ""):
		v.add(field+".memory", "%q must be more than zero", r.Memory)
	}
}
