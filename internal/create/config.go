package create

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/internal/kubeadm"
	"github.com/kina-dev/kina/internal/parallel"
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

// configureNode writes the node's kubeadm config and, on the bootstrap node,
// creates the certificates and kubeconfigs `kubeadm init` would otherwise
// make later (it reuses files it finds). Containerd config patches are
// computed here and applied once the node has booted.
func (c *cluster) configureNode(ctx context.Context, n node) error {
	f, err := readFacts(ctx, c.p, n.Name)
	if err != nil {
		return err
	}
	patched, err := c.patchedContainerdConfig(n.Name, f.containerdConfig)
	if err != nil {
		return err
	}
	if patched != "" {
		f.containerdConfig = patched
	}
	data, err := c.renderKubeadm(n, f, c.apiEndpoint)
	if err != nil {
		return fmt.Errorf("kubeadm config for node %q: %w", n.Name, err)
	}
	c.mu.Lock()
	c.rendered[n.Name] = data
	c.mu.Unlock()
	files := []nodeFile{{path: kubeadmConfigPath, mode: 0o600, data: data}}
	if n.Name == c.plan.Bootstrap {
		files = append(files, nodeFile{path: corednsPatchPath, mode: 0o644, data: []byte(dnsReadinessPatch)})
	}
	if n.Name != c.plan.Bootstrap {
		if err := writeFiles(ctx, c.p, n.Name, files...); err != nil {
			return err
		}
	} else {
		if err := writeFilesAndRun(ctx, c.p, n.Name, certsScript, files...); err != nil {
			return err
		}
		read, err := readFiles(ctx, c.p, n.Name, caCertPath, cniManifest, storageManifest)
		if err != nil {
			return err
		}
		c.caCert = []byte(read[caCertPath])
		if err := c.readAddons(read[cniManifest], read[storageManifest]); err != nil {
			return err
		}
	}
	c.setContainerdConfig(n.Name, patched)
	return nil
}

// certsScript generates the cluster's certificates and kubeconfigs on the
// bootstrap node while it boots (neither needs systemd).
const certsScript = `kubeadm init phase certs all --config=` + kubeadmConfigPath + ` &&
kubeadm init phase kubeconfig all --config=` + kubeadmConfigPath

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
	if kc.Bootstrap {
		kc.PatchesDir = kubeadmPatchesDir
	}
	kc.Schedulable = len(c.plan.workers()) == 0
	return kubeadm.Build(kc, kubeadm.Patches{
		Merge: cfg.KubeadmConfigPatches, JSON6902: cfg.KubeadmConfigPatchesJSON6902,
	}, kubeadm.Patches{
		Merge: n.Config.KubeadmConfigPatches, JSON6902: n.Config.KubeadmConfigPatchesJSON6902,
	})
}

// patchedContainerdConfig applies the cluster's containerdConfigPatches to a
// node's config; "" means there are none.
func (c *cluster) patchedContainerdConfig(node, config string) (string, error) {
	cfg := &c.opts.Config.Cluster
	if len(cfg.ContainerdConfigPatches) == 0 && len(cfg.ContainerdConfigPatchesJSON6902) == 0 {
		return "", nil
	}
	patched, err := patchContainerdConfig(config, cfg.ContainerdConfigPatches, cfg.ContainerdConfigPatchesJSON6902)
	if err != nil {
		return "", fmt.Errorf("node %q: %w", node, err)
	}
	return patched, nil
}

func (c *cluster) setContainerdConfig(node, config string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.containerdConfigs == nil {
		c.containerdConfigs = map[string]string{}
	}
	c.containerdConfigs[node] = config
}

// applyContainerdConfigs writes the patched containerd configs and restarts
// containerd on each booted node, before kubeadm starts anything there.
func (c *cluster) applyContainerdConfigs(ctx context.Context) error {
	return parallel.Each(c.plan.Nodes, func(n node) error {
		config := c.containerdConfigs[n.Name]
		if config == "" {
			return nil
		}
		if err := writeFiles(ctx, c.p, n.Name, nodeFile{path: "/etc/containerd/config.toml", mode: 0o644, data: []byte(config)}); err != nil {
			return err
		}
		_, err := nodeRun(ctx, c.p, n.Name, nil, "systemctl", "restart", "containerd")
		return err
	})
}
