package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/pkg/provider"
)

// container is the part of `inspect` output kina reads. Docker and Podman
// print the same shape for these fields.
type container struct {
	Name   string
	Config struct {
		Image  string
		Labels map[string]string
	}
	ImageName string // podman only
	State     struct {
		Running bool
	}
	NetworkSettings struct {
		Networks map[string]struct {
			IPAddress         string
			GlobalIPv6Address string
		}
		Ports map[string][]struct {
			HostIp   string
			HostPort string
		}
	}
}

func (p *Provider) inspect(ctx context.Context, names ...string) ([]container, error) {
	out, err := p.output(ctx, append([]string{"inspect", "--type", "container"}, names...)...)
	if err != nil {
		if isNotFound(err) {
			return nil, fmt.Errorf("inspect %s: %w: %w", strings.Join(names, ", "), provider.ErrNotFound, err)
		}
		return nil, fmt.Errorf("inspect %s: %w", strings.Join(names, ", "), err)
	}
	return decodeInspect([]byte(out))
}

func decodeInspect(data []byte) ([]container, error) {
	var cs []container
	if err := json.Unmarshal(data, &cs); err != nil {
		return nil, fmt.Errorf("decode inspect output: %w", err)
	}
	for i := range cs {
		cs[i].Name = strings.TrimPrefix(cs[i].Name, "/")
	}
	return cs, nil
}

// ListNodes implements provider.Provider.
func (p *Provider) ListNodes(ctx context.Context, labels map[string]string) ([]provider.Node, error) {
	args := []string{"ps", "--all", "--quiet", "--no-trunc"}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		args = append(args, "--filter", "label="+k+"="+labels[k])
	}
	out, err := p.output(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	ids := strings.Fields(out)
	if len(ids) == 0 {
		return nil, nil
	}
	cs, err := p.inspect(ctx, ids...)
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	nodes := make([]provider.Node, 0, len(cs))
	for _, c := range cs {
		nodes = append(nodes, toNode(c))
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	return nodes, nil
}

func toNode(c container) provider.Node {
	img := c.Config.Image
	if c.ImageName != "" {
		img = c.ImageName
	}
	return provider.Node{
		Name:    c.Name,
		Cluster: c.Config.Labels[provider.LabelCluster],
		Role:    c.Config.Labels[provider.LabelRole],
		Image:   img,
		Running: c.State.Running,
		Labels:  c.Config.Labels,
	}
}

// NodeAddresses implements provider.Provider.
func (p *Provider) NodeAddresses(ctx context.Context, node string) (string, string, error) {
	cs, err := p.inspect(ctx, node)
	if err != nil {
		return "", "", err
	}
	if len(cs) != 1 {
		return "", "", fmt.Errorf("node %q: %w", node, provider.ErrNotFound)
	}
	for _, n := range cs[0].NetworkSettings.Networks {
		if n.IPAddress != "" || n.GlobalIPv6Address != "" {
			return n.IPAddress, n.GlobalIPv6Address, nil
		}
	}
	return "", "", fmt.Errorf("node %q has no address (is it running?)", node)
}

// HostPort implements provider.Provider.
func (p *Provider) HostPort(ctx context.Context, node string, containerPort int) (string, int, error) {
	cs, err := p.inspect(ctx, node)
	if err != nil {
		return "", 0, err
	}
	if len(cs) != 1 {
		return "", 0, fmt.Errorf("node %q: %w", node, provider.ErrNotFound)
	}
	return hostPortOf(cs[0], containerPort)
}

func hostPortOf(c container, containerPort int) (string, int, error) {
	key := strconv.Itoa(containerPort) + "/tcp"
	for _, b := range c.NetworkSettings.Ports[key] {
		port, err := strconv.Atoi(b.HostPort)
		if err != nil || port == 0 {
			continue
		}
		host := b.HostIp
		if host == "" || host == "0.0.0.0" {
			host = "127.0.0.1"
		}
		if host == "::" {
			host = "::1"
		}
		return host, port, nil
	}
	return "", 0, fmt.Errorf("node %q does not publish port %s: %w", c.Name, key, provider.ErrNotFound)
}

// isNotFound tells whether a CLI error says the object does not exist.
func isNotFound(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "no such") || strings.Contains(s, "not found") || strings.Contains(s, "does not exist")
}

// Inspect returns the runtime's inspect output for a node, for log export.
func (p *Provider) Inspect(ctx context.Context, node string) ([]byte, error) {
	out, err := p.output(ctx, "inspect", "--type", "container", node)
	return []byte(out), err
}
