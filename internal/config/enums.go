package config

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// checkPropagation accepts what kind's decoder accepts: the three names,
// exactly, or empty.
func checkPropagation(p v1alpha4.MountPropagation) error {
	switch p {
	case "", v1alpha4.MountPropagationNone, v1alpha4.MountPropagationHostToContainer, v1alpha4.MountPropagationBidirectional:
		return nil
	}
	return fmt.Errorf("unknown propagation %q; want None, HostToContainer or Bidirectional", p)
}

// checkProtocol accepts what kind's decoder accepts: TCP, UDP or SCTP in any
// case (kind upper-cases it), or empty for TCP.
func checkProtocol(p v1alpha4.PortMappingProtocol) error {
	switch normalProtocol(p) {
	case v1alpha4.PortMappingProtocolTCP, v1alpha4.PortMappingProtocolUDP, v1alpha4.PortMappingProtocolSCTP:
		return nil
	}
	return fmt.Errorf("unknown protocol %q; want TCP, UDP or SCTP", p)
}

// normalProtocol is the protocol a provider will use: kind's providers treat
// empty as TCP.
func normalProtocol(p v1alpha4.PortMappingProtocol) v1alpha4.PortMappingProtocol {
	if p == "" {
		return v1alpha4.PortMappingProtocolTCP
	}
	return v1alpha4.PortMappingProtocol(strings.ToUpper(string(p)))
}

func checkIPFamily(f v1alpha4.ClusterIPFamily) error {
	switch f {
	case v1alpha4.IPv4Family, v1alpha4.IPv6Family, v1alpha4.DualStackFamily:
		return nil
	}
	return fmt.Errorf("%q is not valid; want ipv4, ipv6 or dual", f)
}

// noneProxyMode is accepted by kind (it disables kube-proxy) although the
// public v1alpha4 package declares no constant for it.
const noneProxyMode v1alpha4.ProxyMode = "none"

func checkProxyMode(m v1alpha4.ProxyMode) error {
	switch m {
	case v1alpha4.IPTablesProxyMode, v1alpha4.IPVSProxyMode, v1alpha4.NFTablesProxyMode, noneProxyMode:
		return nil
	}
	return fmt.Errorf("%q is not valid; want iptables, ipvs, nftables or none", m)
}

func checkRole(r v1alpha4.NodeRole) error {
	switch r {
	case v1alpha4.ControlPlaneRole, v1alpha4.WorkerRole:
		return nil
	}
	return fmt.Errorf("%q is not a valid role; want control-plane or worker", r)
}
