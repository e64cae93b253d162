package kubeadm

import (
	"fmt"
	"net"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// nodeIPs lists the node's addresses for the cluster's IP family. For dual
// stack the family of the first service subnet comes first, because the
// first address is the API server's advertise address and must match the
// primary service family.
func nodeIPs(c Config) ([]string, error) {
	switch c.IPFamily {
	case v1alpha4.IPv4Family:
		return checkIPs(c, true, false, c.NodeIPv4)
	case v1alpha4.IPv6Family:
		return checkIPs(c, false, true, c.NodeIPv6)
	case v1alpha4.DualStackFamily:
		primary := strings.TrimSpace(strings.Split(c.ServiceSubnet, ",")[0])
		ip, _, err := net.ParseCIDR(primary)
		if err != nil {
			return nil, fmt.Errorf("primary service subnet %q: %w", primary, err)
		}
		if ip.To4() != nil {
			return checkIPs(c, true, true, c.NodeIPv4, c.NodeIPv6)
		}
		return checkIPs(c, true, true, c.NodeIPv6, c.NodeIPv4)
	}
	return nil, fmt.Errorf("ipFamily %q: want ipv4, ipv6 or dual", c.IPFamily)
}

// checkIPs verifies that the addresses the family needs are present and of
// the right kind, then returns ordered.
func checkIPs(c Config, needV4, needV6 bool, ordered ...string) ([]string, error) {
	if needV4 {
		if ip := net.ParseIP(c.NodeIPv4); ip == nil || ip.To4() == nil {
			return nil, fmt.Errorf("node IPv4 address %q is not valid (ipFamily %s)", c.NodeIPv4, c.IPFamily)
		}
	}
	if needV6 {
		if ip := net.ParseIP(c.NodeIPv6); ip == nil || ip.To4() != nil {
			return nil, fmt.Errorf("node IPv6 address %q is not valid (ipFamily %s)", c.NodeIPv6, c.IPFamily)
		}
	}
	return ordered, nil
}

// certSANs lists the API server certificate's extra names: localhost and
// 127.0.0.1 (the kubeconfig on the host points there through a published
// port), the host-side address, the node IPs, the endpoint host, then the
// caller's extras, without duplicates.
func (r *renderer) certSANs() []string {
	host, _, _ := net.SplitHostPort(r.c.ControlPlaneEndpoint) // validated
	all := []string{"localhost", "127.0.0.1", r.c.APIServerAddress}
	all = append(all, r.ips...)
	all = append(all, host)
	all = append(all, r.c.CertSANs...)
	seen := map[string]bool{"": true}
	var out []string
	for _, s := range all {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
