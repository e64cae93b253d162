package create

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/internal/parallel"
	"github.com/kina-dev/kina/pkg/provider"
)

// provision creates the network and every node at once. Then, for each node,
// it waits for systemd to boot while it writes the node's kubeadm config and,
// on the bootstrap node, generates the cluster's certificates and
// kubeconfigs: none of that needs systemd, so it overlaps the boot.
func (c *cluster) provision(ctx context.Context) error {
	if err := c.chooseAPIHostPort(); err != nil {
		return err
	}
	if err := c.ensureNetwork(ctx); err != nil {
		return err
	}
	specs := make([]provider.NodeSpec, 0, len(c.plan.Nodes)+1)
	for _, n := range c.plan.Nodes {
		specs = append(specs, c.nodeSpec(n))
	}
	if c.plan.LB != nil {
		specs = append(specs, c.loadBalancerSpec())
	}
	if err := parallel.Each(specs, func(spec provider.NodeSpec) error { return c.p.CreateNode(ctx, spec) }); err != nil {
		return err
	}
	endpoint, err := c.endpoint(ctx)
	if err != nil {
		return err
	}
	c.apiEndpoint = endpoint
	return parallel.Each(c.plan.Nodes, func(n node) error {
		return parallel.Do(
			func() error {
				if err := waitBooted(ctx, c.p, n.Name); err != nil {
					return err
				}
				return c.prepareNode(ctx, n.Name)
			},
			func() error { return c.configureNode(ctx, n) },
		)
	})
}

// ensureNetwork creates the cluster network. A runtime without networks
// (Apple's on macOS 15) can still hold a one-node cluster on its default
// network; nodes there cannot reach each other, so more nodes are refused.
func (c *cluster) ensureNetwork(ctx context.Context) error {
	err := c.p.EnsureNetwork(ctx, provider.NetworkSpec{
		Name: c.plan.Network,
		IPv6: c.opts.Config.Cluster.Networking.IPFamily != v1alpha4.IPv4Family,
	})
	if !errors.Is(err, provider.ErrUnsupported) {
		return err
	}
	if n := len(c.plan.Nodes); n > 1 || c.plan.LB != nil {
		return fmt.Errorf("this cluster has %d nodes, but %w", n, err)
	}
	c.plan.Network = ""
	return nil
}

// nodePreparer is a provider whose nodes need work after boot and before
// kubeadm (Apple's: sysctls and MSS clamping it cannot set at run time).
type nodePreparer interface {
	PrepareNode(ctx context.Context, node string) error
}

// nodeChecker is a provider that can judge a booted node and warn about it
// (Apple's: an old kernel).
type nodeChecker interface {
	CheckNode(ctx context.Context, node string) (warning string, err error)
}

func (c *cluster) prepareNode(ctx context.Context, node string) error {
	if np, ok := c.p.(nodePreparer); ok {
		if err := np.PrepareNode(ctx, node); err != nil {
			return err
		}
	}
	if nc, ok := c.p.(nodeChecker); ok && node == c.plan.Bootstrap {
		w, err := nc.CheckNode(ctx, node)
		if err != nil {
			return err
		}
		if w != "" {
			c.warn(w)
		}
	}
	return nil
}

// lbBinary is the load balancer kina's node images carry (images/lb).
const lbBinary = "/usr/local/bin/kina-lb"

// loadBalancerSpec runs kina-lb from the first control plane's image, so an
// HA cluster needs no image beyond the node image.
func (c *cluster) loadBalancerSpec() provider.NodeSpec {
	cps := c.plan.controlPlanes()
	args := []string{"-listen", ":" + strconv.Itoa(APIServerPort)}
	for _, n := range cps {
		args = append(args, "-backend", n.Name+":"+strconv.Itoa(APIServerPort))
	}
	return provider.NodeSpec{
		Name:         c.plan.LB.Name,
		Image:        cps[0].Config.Image,
		Network:      c.plan.Network,
		Labels:       Labels(c.plan.Name, provider.RoleLoadBalancer),
		Ports:        []provider.PortMapping{c.apiPortMapping()},
		LoadBalancer: true,
		Entrypoint:   lbBinary,
		Command:      args,
	}
}

// apiPortMapping publishes the API server on the host.
func (c *cluster) apiPortMapping() provider.PortMapping {
	n := c.opts.Config.Cluster.Networking
	return provider.PortMapping{
		ListenAddress: n.APIServerAddress, HostPort: c.apiHostPort,
		ContainerPort: APIServerPort, Protocol: "TCP",
	}
}

// chooseAPIHostPort fixes the host port of the API server before any node
// exists: a runtime without random port publishing (Apple's) needs one, and a
// known port lets every runtime behave the same.
func (c *cluster) chooseAPIHostPort() error {
	n := c.opts.Config.Cluster.Networking
	if n.APIServerPort > 0 {
		c.apiHostPort = int(n.APIServerPort)
		return nil
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(n.APIServerAddress, "0"))
	if err != nil {
		return fmt.Errorf("find a free port on %s for the API server: %w", n.APIServerAddress, err)
	}
	defer ln.Close()
	c.apiHostPort = ln.Addr().(*net.TCPAddr).Port
	return nil
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
		spec.Ports = append(spec.Ports, c.apiPortMapping())
	}
	return spec
}

// bootTimeout bounds how long systemd may take to boot a node (a variable so
// tests can shorten it).
var bootTimeout = 2 * time.Minute

// bootWaitScript waits inside the node until systemd has booted: it is
// "offline" while the entrypoint runs and has no bus for a moment after it
// execs systemd; after that `is-system-running --wait` blocks until boot
// ends. One exec per node instead of one per try (each costs ~70 ms of host
// CPU). Prints the final state; fails on a state that boot does not leave,
// and gives up by itself after ~2 minutes (bootTimeout's default) so that
// no loop outlives a failed create in a retained node.
const bootWaitScript = `n=0
while [ $n -lt 2400 ]; do
	n=$((n + 1))
	s=$(systemctl is-system-running --wait 2>&1)
	case $s in
	running | degraded) echo "$s"; exit 0 ;;
	offline | initializing | starting | *"Failed to connect to bus"*) sleep 0.05 ;;
	*) echo "$s"; exit 1 ;;
	esac
done
echo "$s"
exit 1`

// waitBooted blocks until systemd in node reports that boot finished.
func waitBooted(ctx context.Context, p provider.Provider, node string) error {
	ctx, cancel := context.WithTimeout(ctx, bootTimeout)
	defer cancel()
	out, err := nodeRun(ctx, p, node, nil, "sh", "-c", bootWaitScript)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("node %q did not finish booting: %w", node, ctx.Err())
	}
	return fmt.Errorf("node %q did not boot (systemd state %q): %w", node, strings.TrimSpace(out), err)
}
