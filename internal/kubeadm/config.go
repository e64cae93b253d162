package kubeadm

import (
	"fmt"
	"net"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// Role is a node's Kubernetes role.
type Role string

// Node roles, spelled as in kind's config.
const (
	ControlPlane Role = "control-plane"
	Worker       Role = "worker"
)

// ProxyModeNone disables kube-proxy (kind's v1alpha4 has no constant for it).
const ProxyModeNone v1alpha4.ProxyMode = "none"

// Defaults kind uses and kina keeps.
const (
	// DefaultToken is a fixed, well-known bootstrap token: nodes live on a
	// private network and the cluster is disposable.
	DefaultToken        = "abcdef.0123456789abcdef"
	DefaultAPIBindPort  = 6443
	DefaultCgroupDriver = "systemd"
	DefaultCgroupRoot   = "/kubelet"
	DefaultCRISocket    = "unix:///run/containerd/containerd.sock"
)

// Config is everything one node's kubeadm file depends on. The caller
// fills it from the defaulted kind config, the node and the provider.
type Config struct {
	// KubernetesVersion is the content of the node's /kind/version.
	KubernetesVersion string
	ClusterName       string
	// NodeName is the node's container name (also its hostname).
	NodeName string
	Role     Role
	// Bootstrap marks the control-plane node that runs `kubeadm init`;
	// every other node gets a JoinConfiguration.
	Bootstrap bool

	// NodeIPv4 and NodeIPv6 are the node's addresses on the cluster
	// network; the ones IPFamily needs must be set.
	NodeIPv4, NodeIPv6 string
	// ControlPlaneEndpoint is the in-network "host:port" of the API: the
	// bootstrap control plane or the load balancer.
	ControlPlaneEndpoint string
	// APIBindPort is the API server port inside the node (default 6443).
	APIBindPort int
	// APIServerAddress is networking.apiServerAddress (the host-side
	// listen address); it goes into the certificate SANs.
	APIServerAddress string
	// CertSANs are extra SANs; localhost, 127.0.0.1, APIServerAddress, the
	// node IPs and the endpoint host are always added.
	CertSANs []string

	PodSubnet     string
	ServiceSubnet string
	// IPFamily is ipv4 (default), ipv6 or dual.
	IPFamily v1alpha4.ClusterIPFamily
	// KubeProxyMode is iptables (default), ipvs, nftables or none.
	KubeProxyMode v1alpha4.ProxyMode

	// FeatureGates go to every component; RuntimeConfig to the API server.
	FeatureGates  map[string]bool
	RuntimeConfig map[string]string
	// NodeLabels are the node's labels from the kind config.
	NodeLabels map[string]string

	// CgroupDriver is the kubelet's driver, matching the node's
	// containerd: "systemd" (default) or "cgroupfs".
	CgroupDriver string
	// CgroupRoot is the kubelet's cgroupRoot (default /kubelet).
	CgroupRoot string
	// CRISocket defaults to containerd's socket.
	CRISocket string
	// Token is the bootstrap token (default DefaultToken).
	Token string
	// Rootless is true when the provider runs without root: it adds the
	// KubeletInUserNamespace gate and drops tcpBeLiberal, as kind does.
	Rootless bool
	// ProviderID is the kubelet's --provider-id; see KindProviderID.
	ProviderID string
	// Schedulable control planes register without the control-plane
	// taint (a cluster without workers must run pods on them).
	Schedulable bool
	// PatchesDir, when set on the bootstrap node, is the directory of
	// kubeadm patches (targets such as corednsdeployment) that init applies.
	PatchesDir string
}

// KindProviderID is the provider ID kind gives its nodes; tools such as
// cloud-provider-kind parse it, so kina keeps the scheme.
func KindProviderID(provider, cluster, node string) string {
	return "kind://" + provider + "/" + cluster + "/" + node
}

// withDefaults fills zero fields with kind's defaults.
func (c Config) withDefaults() Config {
	if c.APIBindPort == 0 {
		c.APIBindPort = DefaultAPIBindPort
	}
	if c.CgroupDriver == "" {
		c.CgroupDriver = DefaultCgroupDriver
	}
	if c.CgroupRoot == "" {
		c.CgroupRoot = DefaultCgroupRoot
	}
	if c.CRISocket == "" {
		c.CRISocket = DefaultCRISocket
	}
	if c.Token == "" {
		c.Token = DefaultToken
	}
	if c.IPFamily == "" {
		c.IPFamily = v1alpha4.IPv4Family
	}
	if c.KubeProxyMode == "" {
		c.KubeProxyMode = v1alpha4.IPTablesProxyMode
	}
	return c
}

// validate catches what would otherwise produce a broken file.
func (c Config) validate() error {
	for _, f := range []struct{ name, val string }{
		{"ClusterName", c.ClusterName}, {"NodeName", c.NodeName},
		{"ControlPlaneEndpoint", c.ControlPlaneEndpoint},
		{"PodSubnet", c.PodSubnet}, {"ServiceSubnet", c.ServiceSubnet},
	} {
		if f.val == "" {
			return fmt.Errorf("%s is empty", f.name)
		}
	}
	if c.Role != ControlPlane && c.Role != Worker {
		return fmt.Errorf("role %q: want %q or %q", c.Role, ControlPlane, Worker)
	}
	if c.Bootstrap && c.Role != ControlPlane {
		return fmt.Errorf("bootstrap node %q must be a control plane", c.NodeName)
	}
	switch c.KubeProxyMode {
	case v1alpha4.IPTablesProxyMode, v1alpha4.IPVSProxyMode, v1alpha4.NFTablesProxyMode, ProxyModeNone:
	default:
		return fmt.Errorf("kubeProxyMode %q: want iptables, ipvs, nftables or none", c.KubeProxyMode)
	}
	switch c.CgroupDriver {
	case "systemd", "cgroupfs":
	default:
		return fmt.Errorf("cgroup driver %q: want systemd or cgroupfs", c.CgroupDriver)
	}
	if _, _, err := net.SplitHostPort(c.ControlPlaneEndpoint); err != nil {
		return fmt.Errorf("ControlPlaneEndpoint %q: %w", c.ControlPlaneEndpoint, err)
	}
	return validateLabels(c.NodeLabels)
}

// validateLabels rejects labels that cannot survive kubelet's
// --node-labels=k=v,k=v encoding.
func validateLabels(labels map[string]string) error {
	for k, v := range labels {
		if k == "" || strings.ContainsAny(k, "=,") || strings.Contains(v, ",") {
			return fmt.Errorf("node label %q=%q cannot be passed to kubelet --node-labels", k, v)
		}
	}
	return nil
}
