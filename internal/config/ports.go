package config

import (
	"fmt"
	"net"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// binding is one host address a cluster publishes, and who asked for it.
type binding struct {
	addr  net.IP // nil means every address
	owner string // field path, for the message
}

// hostPorts rejects two publications of the same host port and protocol on
// overlapping addresses, across all nodes and including the API server's
// port: the runtime would refuse the second one midway through a create.
// kind checks this only within one node. As in kind, 0.0.0.0 and :: both
// mean every address, and ports 0 and -1 (random) never clash.
func (v *validator) hostPorts(c *Config) {
	taken := map[string][]binding{} // "80/TCP" -> bindings
	claim := func(port int32, proto v1alpha4.PortMappingProtocol, addr, owner string) {
		if port <= 0 {
			return
		}
		b := binding{addr: listenIP(addr), owner: owner}
		if b.addr == nil && addr != "" && !isWildcard(addr) {
			return // not an IP: reported on the field itself
		}
		key := fmt.Sprintf("%d/%s", port, normalProtocol(proto))
		for _, prev := range taken[key] {
			if prev.addr == nil || b.addr == nil || prev.addr.Equal(b.addr) {
				v.add(owner, "host port %s on %s is already published by %s", key, displayAddr(b.addr), prev.owner)
				return
			}
		}
		taken[key] = append(taken[key], b)
	}
	n := c.Cluster.Networking
	claim(n.APIServerPort, v1alpha4.PortMappingProtocolTCP, n.APIServerAddress, "networking.apiServerPort")
	for i, node := range c.Cluster.Nodes {
		for j, pm := range node.ExtraPortMappings {
			claim(pm.HostPort, pm.Protocol, pm.ListenAddress, fmt.Sprintf("nodes[%d].extraPortMappings[%d]", i, j))
		}
	}
}

// listenIP is the specific address bound, nil for every address.
func listenIP(addr string) net.IP {
	if addr == "" || isWildcard(addr) {
		return nil
	}
	return net.ParseIP(addr)
}

func isWildcard(addr string) bool {
	ip := net.ParseIP(addr)
	return ip != nil && ip.IsUnspecified()
}

func displayAddr(ip net.IP) string {
	if ip == nil {
		return "all addresses"
	}
	return ip.String()
}
