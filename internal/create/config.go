package create

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/internal/kubeadm"
	"github.com/kina-dev/kina/pkg/provider"
)

// nodeFacts is what a node's image and network say about it.
type nodeFacts struct {
	version          string
	containerdConfig string
	ipv4, ipv6       string
}

// readFacts reads the Kubernetes version and containerd's cgroup driver in one
// exec, then asks the provider for the node's addresses.
func readFacts(ctx context.Context, p provider.Provider, name string) (nodeFacts, error) {
	var f nodeFacts
	out, err := nodeRun(ctx, p, name, nil, "cat", "/kind/version", "/etc/containerd/config.toml")
	if err != nil {
		return f, fmt.Errorf("read node image facts: %w", err)
	}
	version, rest, _ := strings.Cut(out, "\n")
	f.version = strings.TrimSpace(version)
	f.containerdConfig = rest
	f.ipv4, f.ipv6, err = p.NodeAddresses(ctx, name)
	return f, err
}

// cgroupDriverOf reads the runc cgroup driver from containerd's config; the
// kubelet must use the same one.
func cgroupDriverOf(containerdConfig string) string {
	for _, line := range strings.Split(containerdConfig, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && strings.TrimSpace(k) == "SystemdCgroup" {
			if strings.TrimSpace(v) == "true" {
				return "systemd"
			}
			return "cgroupfs"
		}
	}
	return "cgroupfs"
}

// writeConfigs renders and writes /kind/kubeadm.conf on every node at once.
func (c *cluster) writeConfigs(ctx context.Context) error {
	endpoint, err := c.endpoint(ctx)
	if err != nil {
		return err
	}
	c.apiEndpoint = endpoint
	return parallel(c.plan.Nodes, func(n node) error {
		f, err := readFacts(ctx, c.p, n.Name)
		if err != nil {
			return err
		}
		if err := c.patchContainerd(ctx, n.Name, &f); err != nil {
			return err
		}
		data, err := c.renderKubeadm(n, f, endpoint)
		if err != nil {
			return fmt.Errorf("kubeadm config for node %q: %w", n.Name, err)
		}
		return writeFile(ctx, c.p, n.Name, kubeadmConfigPath, data)
	})
}

// endpoint is the API server address nodes use inside the cluster network:
// the API node's name where the runtime resolves names and keeps addresses,
// else its current IP (Apple's runtime has no name resolution by default).
func (c *cluster) endpoint(ctx context.Context) (string, error) {
	if c.info.StableAddresses {
		return c.plan.Endpoint(), nil
	}
	v4, v6, err := c.p.NodeAddresses(ctx, c.plan.APINode())
	if err != nil {
		return "", err
	}
	ip := v4
	if ip == "" {
		ip = v6
	}
	return net.JoinHostPort(ip, strconv.Itoa(APIServerPort)), nil
}

func (c *cluster) renderKubeadm(n node, f nodeFacts, endpoint string) ([]byte, error) {
	cfg := &c.opts.Config.Cluster
	role := kubeadm.Worker
	if n.Role == provider.RoleControlPlane {
		role = kubeadm.ControlPlane
	}
	kc := kubeadm.Config{
		KubernetesVersion:    f.version,
		ClusterName:          c.plan.Name,
		NodeName:             n.Name,
		Role:                 role,
		Bootstrap:            n.Name == c.plan.Bootstrap,
		NodeIPv4:             f.ipv4,
		NodeIPv6:             f.ipv6,
		ControlPlaneEndpoint: endpoint,
		APIServerAddress:     cfg.Networking.APIServerAddress,
		PodSubnet:            cfg.Networking.PodSubnet,
		ServiceSubnet:        cfg.Networking.ServiceSubnet,
		IPFamily:             cfg.Networking.IPFamily,
		KubeProxyMode:        cfg.Networking.KubeProxyMode,
		FeatureGates:         cfg.FeatureGates,
		RuntimeConfig:        cfg.RuntimeConfig,
		NodeLabels:           n.Config.Labels,
		CgroupDriver:         cgroupDriverOf(f.containerdConfig),
		Rootless:             c.info.Rootless,
		ProviderID:           kubeadm.KindProviderID(c.info.Name, c.plan.Name, n.Name),
	}
	return kubeadm.Build(kc, kubeadm.Patches{
		Merge: cfg.KubeadmConfigPatches, JSON6902: cfg.KubeadmConfigPatchesJSON6902,
	}, kubeadm.Patches{
		Merge: n.Config.KubeadmConfigPatches, JSON6902: n.Config.KubeadmConfigPatchesJSON6902,
	})
}

// patchContainerd applies the cluster's containerdConfigPatches on a node and
// restarts containerd, before kubeadm starts anything on it.
func (c *cluster) patchContainerd(ctx context.Context, node string, f *nodeFacts) error {
	cfg := &c.opts.Config.Cluster
	if len(cfg.ContainerdConfigPatches) == 0 && len(cfg.ContainerdConfigPatchesJSON6902) == 0 {
		return nil
	}
	patched, err := patchContainerdConfig(f.containerdConfig, cfg.ContainerdConfigPatches, cfg.ContainerdConfigPatchesJSON6902)
	if err != nil {
		return fmt.Errorf("node %q: %w", node, err)
	}
	if err := writeFile(ctx, c.p, node, "/etc/containerd/config.toml", []byte(patched)); err != nil {
		return err
	}
	if _, err := nodeRun(ctx, c.p, node, nil, "systemctl", "restart", "containerd"); err != nil {
		return err
	}
	f.containerdConfig = patched
	return nil
}
