package config

import (
	"fmt"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// LoadBalancerRole is the role part of the external load balancer's name.
const LoadBalancerRole = "external-load-balancer"

// Node is one node to create: its kind config, its container name and
// kina's resources for it.
type Node struct {
	v1alpha4.Node
	Name      string    // container and host name, as kind names it
	Index     int       // position in Cluster.Nodes
	Resources Resources // from Settings
}

// Nodes lists the cluster's nodes in config order with kind's names:
// <cluster>-<role> for the first of a role, then <cluster>-<role>2, 3, ...
func (c *Config) Nodes() []Node {
	count := map[v1alpha4.NodeRole]int{}
	out := make([]Node, 0, len(c.Cluster.Nodes))
	for i, n := range c.Cluster.Nodes {
		count[n.Role]++
		out = append(out, Node{
			Node:      n,
			Name:      nodeName(c.Name(), string(n.Role), count[n.Role]),
			Index:     i,
			Resources: c.Resources(i),
		})
	}
	return out
}

func nodeName(cluster, role string, nth int) string {
	if nth == 1 {
		return fmt.Sprintf("%s-%s", cluster, role)
	}
	return fmt.Sprintf("%s-%s%d", cluster, role, nth)
}

// ControlPlanes lists the control-plane nodes in config order.
func (c *Config) ControlPlanes() []Node { return c.byRole(v1alpha4.ControlPlaneRole) }

// Workers lists the worker nodes in config order.
func (c *Config) Workers() []Node { return c.byRole(v1alpha4.WorkerRole) }

func (c *Config) byRole(role v1alpha4.NodeRole) []Node {
	var out []Node
	for _, n := range c.Nodes() {
		if n.Role == role {
			out = append(out, n)
		}
	}
	return out
}

// BootstrapControlPlane is the node kubeadm init runs on: the first
// control plane. ok is false when there is none (Validate rejects that).
func (c *Config) BootstrapControlPlane() (n Node, ok bool) {
	cps := c.ControlPlanes()
	if len(cps) == 0 {
		return Node{}, false
	}
	return cps[0], true
}

// HasLoadBalancer reports whether kind would put a load balancer in front of
// the API servers: it does whenever there is more than one control plane.
func (c *Config) HasLoadBalancer() bool { return len(c.ControlPlanes()) > 1 }

// LoadBalancerName is the load balancer's container name; it is meaningful
// only when HasLoadBalancer.
func (c *Config) LoadBalancerName() string {
	return nodeName(c.Name(), LoadBalancerRole, 1)
}

// Resources returns node i's resources: the per-node entry over NodeDefaults.
func (c *Config) Resources(i int) Resources {
	r := c.Settings.NodeDefaults
	if i < 0 || i >= len(c.Settings.Nodes) {
		return r
	}
	if n := c.Settings.Nodes[i]; n.CPUs != 0 {
		r.CPUs = n.CPUs
	}
	if n := c.Settings.Nodes[i]; n.Memory != "" {
		r.Memory = n.Memory
	}
	return r
}
