package apple

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// CreateNode implements provider.Provider. Zero CPUs or memory are sized
// from the host (DefaultNodeResources); a zero host port is picked here,
// because the runtime cannot choose one.
func (p *Provider) CreateNode(ctx context.Context, spec provider.NodeSpec) error {
	pr, err := p.Probe(ctx)
	if err != nil {
		return err
	}
	if spec.Network != "" && spec.Network != "default" && !pr.Features.Networks {
		return fmt.Errorf("create node %q on network %q: %w", spec.Name, spec.Network, errNoNetworks)
	}
	if len(spec.Ports) > 0 && !pr.Features.Publish {
		return fmt.Errorf("create node %q: %w: this container CLI cannot publish ports", spec.Name, provider.ErrUnsupported)
	}
	if spec.CPUs == 0 || spec.MemoryMB == 0 {
		cpus, mem := DefaultNodeResources(p.hostResources(ctx), spec.LoadBalancer)
		if spec.CPUs == 0 {
			spec.CPUs = cpus
		}
		if spec.MemoryMB == 0 {
			spec.MemoryMB = mem
		}
	}
	if spec.Ports, err = pickHostPorts(spec.Ports); err != nil {
		return fmt.Errorf("create node %q: %w", spec.Name, err)
	}
	args, err := RunArgs(spec, pr.Features)
	if err != nil {
		return fmt.Errorf("create node: %w", err)
	}
	// `run -d` prints the ID once the init process has started.
	if _, err := run.Output(ctx, p.r, p.cmd(pr, args...)); err != nil {
		return wrap(err, "create node %q", spec.Name)
	}
	return nil
}

// pickHostPorts fills zero host ports with ports free right now on the
// listen address. Another process may take one before the node starts; the
// run then fails and can be retried.
func pickHostPorts(ports []provider.PortMapping) ([]provider.PortMapping, error) {
	out := make([]provider.PortMapping, len(ports))
	for i, pm := range ports {
		if pm.HostPort == 0 {
			addr := pm.ListenAddress
			if addr == "" {
				addr = "0.0.0.0"
			}
			l, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
			if err != nil {
				return nil, fmt.Errorf("pick a free host port for container port %d: %w", pm.ContainerPort, err)
			}
			pm.HostPort = l.Addr().(*net.TCPAddr).Port
			_ = l.Close()
		}
		out[i] = pm
	}
	return out, nil
}

// list returns every container, running or not. (Before 0.10 the JSON
// format ignored --all and always listed everything; passing it is harmless.)
func (p *Provider) list(ctx context.Context, pr Probe) ([]container, error) {
	out, err := run.Output(ctx, p.r, p.cmd(pr, "list", "--all", "--format", "json"))
	if err != nil {
		return nil, wrap(err, "list containers")
	}
	return decodeContainers(out)
}

// ListNodes implements provider.Provider. The CLI has no label filter, so
// filtering happens here.
func (p *Provider) ListNodes(ctx context.Context, labels map[string]string) ([]provider.Node, error) {
	pr, err := p.Probe(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := p.list(ctx, pr)
	if err != nil {
		return nil, err
	}
	var nodes []provider.Node
	for _, c := range cs {
		if !hasLabels(c.Labels, labels) {
			continue
		}
		nodes = append(nodes, provider.Node{
			Name:    c.ID,
			Cluster: c.Labels[provider.LabelCluster],
			Role:    c.Labels[provider.LabelRole],
			Image:   c.Image,
			Running: c.running(),
			Labels:  c.Labels,
		})
	}
	return nodes, nil
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// inspect returns one container. Before 1.0 a missing ID printed [] and
// exited 0; since 1.0 it is an error. Both become ErrNotFound.
func (p *Provider) inspect(ctx context.Context, pr Probe, name string) (container, error) {
	out, err := run.Output(ctx, p.r, p.cmd(pr, "inspect", name))
	if err != nil {
		return container{}, wrap(err, "inspect %q", name)
	}
	cs, err := decodeContainers(out)
	if err != nil {
		return container{}, fmt.Errorf("inspect %q: %w", name, err)
	}
	for _, c := range cs {
		if c.ID == name {
			return c, nil
		}
	}
	return container{}, fmt.Errorf("inspect %q: container %w", name, provider.ErrNotFound)
}

// DeleteNodes implements provider.Provider. Nodes have no anonymous
// volumes (the rootfs is already a per-container ext4 disk), so removing the
// container leaves nothing behind. The CLI fails on missing IDs, even with
// --force, and words that differently per version; so after a failure the
// list decides: if none of the names exist any more, the delete succeeded.
func (p *Provider) DeleteNodes(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	pr, err := p.Probe(ctx)
	if err != nil {
		return err
	}
	delErr := p.r.Run(ctx, p.cmd(pr, append([]string{"delete", "--force"}, names...)...))
	if delErr == nil {
		return nil
	}
	cs, err := p.list(ctx, pr)
	if err != nil {
		return errors.Join(wrap(delErr, "delete nodes"), err)
	}
	var left []string
	for _, c := range cs {
		for _, n := range names {
			if c.ID == n {
				left = append(left, n)
			}
		}
	}
	if len(left) == 0 {
		return nil
	}
	return wrap(delErr, "delete nodes %s", strings.Join(left, ", "))
}

// NodeAddresses implements provider.Provider. The address is read fresh each
// time: the runtime hands out a new one on every start.
func (p *Provider) NodeAddresses(ctx context.Context, node string) (string, string, error) {
	pr, err := p.Probe(ctx)
	if err != nil {
		return "", "", err
	}
	c, err := p.inspect(ctx, pr, node)
	if err != nil {
		return "", "", err
	}
	if !c.running() {
		return "", "", fmt.Errorf("node %q (%s) has no address: %w", node, c.State, ErrNotRunning)
	}
	if c.IPv4 == "" && c.IPv6 == "" {
		return "", "", fmt.Errorf("node %q reports no network address", node)
	}
	return c.IPv4, c.IPv6, nil
}

// HostPort implements provider.Provider.
func (p *Provider) HostPort(ctx context.Context, node string, containerPort int) (string, int, error) {
	pr, err := p.Probe(ctx)
	if err != nil {
		return "", 0, err
	}
	c, err := p.inspect(ctx, pr, node)
	if err != nil {
		return "", 0, err
	}
	for _, pp := range c.Ports {
		count := max(pp.Count, 1) // ranges are one entry with a count
		if !strings.EqualFold(pp.Proto, "tcp") && pp.Proto != "" {
			continue
		}
		if containerPort < pp.ContainerPort || containerPort >= pp.ContainerPort+count {
			continue
		}
		host := pp.HostAddress
		if host == "" || host == "0.0.0.0" {
			host = "127.0.0.1"
		} else if host == "::" {
			host = "::1"
		}
		return host, pp.HostPort + (containerPort - pp.ContainerPort), nil
	}
	return "", 0, fmt.Errorf("node %q: container port %s/tcp is not published: %w", node, strconv.Itoa(containerPort), provider.ErrNotFound)
}

// Logs implements provider.Provider: the init process's stdio log.
func (p *Provider) Logs(ctx context.Context, node string, w io.Writer) error {
	pr, err := p.Probe(ctx)
	if err != nil {
		return err
	}
	c := p.cmd(pr, "logs", node)
	c.Stdout = w
	return wrap(p.r.Run(ctx, c), "logs of %q", node)
}
