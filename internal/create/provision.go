package create

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/pkg/provider"
)

// provision creates the network and every node at once, then waits until
// systemd in each node has finished booting.
func (c *cluster) provision(ctx context.Context) error {
	if err := c.p.EnsureNetwork(ctx, provider.NetworkSpec{
		Name: c.plan.Network,
		IPv6: c.opts.Config.Cluster.Networking.IPFamily != v1alpha4.IPv4Family,
	}); err != nil {
		return err
	}
	if c.plan.LB != nil {
		return fmt.Errorf("%d control-plane nodes need an external load balancer, which kina does not provide yet; use one control-plane node", len(c.plan.controlPlanes()))
	}
	return parallel(c.plan.Nodes, func(n node) error {
		if err := c.p.CreateNode(ctx, c.nodeSpec(n)); err != nil {
			return err
		}
		return waitBooted(ctx, c.p, n.Name)
	})
}

func (c *cluster) nodeSpec(n node) provider.NodeSpec {
	spec := provider.NodeSpec{
		Name:    n.Name,
		Image:   n.Config.Image,
		Network: c.plan.Network,
		Labels:  Labels(c.plan.Name, n.Role),
	}
	spec.CPUs = n.Resources.CPUs
	if mem, err := n.Resources.MemoryBytes(); err == nil {
		spec.MemoryMB = int(mem >> 20)
	}
	if dns := c.opts.Config.Cluster.Networking.DNSSearch; dns != nil {
		spec.Env = map[string]string{"KIND_DNS_SEARCH": strings.Join(*dns, " ")}
	}
	for _, m := range n.Config.ExtraMounts {
		spec.Mounts = append(spec.Mounts, provider.Mount{
			HostPath: m.HostPath, ContainerPath: m.ContainerPath, ReadOnly: m.Readonly,
			SELinuxRelabel: m.SelinuxRelabel, Propagation: string(m.Propagation),
		})
	}
	for _, pm := range n.Config.ExtraPortMappings {
		spec.Ports = append(spec.Ports, provider.PortMapping{
			ListenAddress: pm.ListenAddress, HostPort: int(pm.HostPort),
			ContainerPort: int(pm.ContainerPort), Protocol: string(pm.Protocol),
		})
	}
	if n.Name == c.plan.APINode() {
		net := c.opts.Config.Cluster.Networking
		spec.Ports = append(spec.Ports, provider.PortMapping{
			ListenAddress: net.APIServerAddress, HostPort: int(net.APIServerPort),
			ContainerPort: APIServerPort, Protocol: "TCP",
		})
	}
	return spec
}

// bootTimeout bounds how long systemd may take to boot a node (a variable so
// tests can shorten it).
var bootTimeout = 2 * time.Minute

// waitBooted blocks until systemd in node reports that boot finished. One
// exec of `is-system-running --wait` waits inside the node; it is retried only
// while systemd is too young to answer at all.
func waitBooted(ctx context.Context, p provider.Provider, node string) error {
	ctx, cancel := context.WithTimeout(ctx, bootTimeout)
	defer cancel()
	var last string
	for delay := 50 * time.Millisecond; ; delay = min(delay*2, time.Second) {
		out, err := nodeRun(ctx, p, node, nil, "systemctl", "is-system-running", "--wait")
		state := strings.TrimSpace(out)
		if state == "running" || state == "degraded" {
			return nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = "systemd state " + strconv.Quote(state)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("node %q did not finish booting: %s", node, last)
		case <-time.After(delay):
		}
	}
}
