package config

import (
	"fmt"
	"net"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// subnets checks a comma-separated CIDR list against the IP family with
// kind's rules: one CIDR of the family for single-stack; for dual-stack one
// CIDR of either family or one of each. It returns the parsed CIDRs when they
// are valid, for the overlap check.
func (v *validator) subnets(field, list string, family v1alpha4.ClusterIPFamily) []*net.IPNet {
	var nets []*net.IPNet
	for _, s := range strings.Split(list, ",") {
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			v.add(field, "%q is not a CIDR", s)
			return nil
		}
		nets = append(nets, n)
	}
	if msg := familyMismatch(nets, family); msg != "" {
		v.add(field, "%s, got %q", msg, list)
		return nil
	}
	return nets
}

func familyMismatch(nets []*net.IPNet, family v1alpha4.ClusterIPFamily) string {
	switch family {
	case v1alpha4.IPv4Family, v1alpha4.IPv6Family:
		want4 := family == v1alpha4.IPv4Family
		if len(nets) != 1 || isIPv4(nets[0]) != want4 {
			return fmt.Sprintf("want one %s CIDR for ipFamily %s", familyName(want4), family)
		}
	case v1alpha4.DualStackFamily:
		if len(nets) > 2 || (len(nets) == 2 && isIPv4(nets[0]) == isIPv4(nets[1])) {
			return "want one CIDR, or one IPv4 and one IPv6 CIDR, for ipFamily dual"
		}
	}
	return "" // an unknown family is reported on networking.ipFamily
}

// overlap reports pod and service ranges that share addresses: kind does not
// check this, but a cluster built so routes Service traffic to pods or back.
func (v *validator) overlap(pods, services []*net.IPNet) {
	for _, p := range pods {
		for _, s := range services {
			if p.Contains(s.IP) || s.Contains(p.IP) {
				v.add("networking.podSubnet", "%s overlaps networking.serviceSubnet %s", p, s)
			}
		}
	}
}

func isIPv4(n *net.IPNet) bool { return n.IP.To4() != nil }

func familyName(v4 bool) string {
	if v4 {
		return "IPv4"
	}
	return "IPv6"
}
