package docker

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/pkg/provider"
)

// CreateNode implements provider.Provider.
func (p *Provider) CreateNode(ctx context.Context, spec provider.NodeSpec) error {
	info, err := p.Info(ctx)
	if err != nil {
		return err
	}
	args, err := p.runArgs(info, spec)
	if err != nil {
		return fmt.Errorf("create node %q: %w", spec.Name, err)
	}
	if err := p.r.Run(ctx, p.cmd(args...)); err != nil {
		if strings.Contains(err.Error(), "already in use") {
			return fmt.Errorf("create node %q: %w: %w", spec.Name, provider.ErrAlreadyExists, err)
		}
		return fmt.Errorf("create node %q: %w", spec.Name, err)
	}
	return nil
}

// runArgs builds the `run` argv for one node.
func (p *Provider) runArgs(info provider.Info, spec provider.NodeSpec) ([]string, error) {
	args := []string{"run", "--detach", "--tty",
		"--name", spec.Name, "--hostname", spec.Name,
		"--network", spec.Network,
		"--restart=on-failure:1",
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Labels)) {
		args = append(args, "--label", k+"="+spec.Labels[k])
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Env)) {
		args = append(args, "--env", k+"="+spec.Env[k])
	}
	if !spec.LoadBalancer {
		args = append(args, nodeSecurityArgs(info.Restricted)...)
		if info.Restricted {
			args = append(args, p.d.RestrictedExtra...)
		} else {
			args = append(args, p.d.PrivilegedExtra...)
		}
	}
	for _, m := range spec.Mounts {
		v, err := mountArg(m)
		if err != nil {
			return nil, err
		}
		args = append(args, "--volume", v)
	}
	for _, pm := range spec.Ports {
		v, err := publishArg(pm)
		if err != nil {
			return nil, err
		}
		args = append(args, "--publish", v)
	}
	if spec.CPUs > 0 {
		args = append(args, "--cpus", strconv.Itoa(spec.CPUs))
	}
	if spec.MemoryMB > 0 {
		args = append(args, "--memory", strconv.Itoa(spec.MemoryMB)+"m")
	}
	if spec.Entrypoint != "" {
		args = append(args, "--entrypoint", spec.Entrypoint)
	}
	args = append(args, spec.Image)
	return append(args, spec.Command...), nil
}

// nodeSecurityArgs are the flags a systemd node needs. On a restricted host
// --privileged is impossible, so the node gets every capability the bounding
// set allows, its own cgroup namespace, and device access for nested runc.
// Never the host's cgroup namespace or an unmasked /proc/sys: both let a node
// change the host (see docs/node-image.md).
func nodeSecurityArgs(restricted bool) []string {
	common := []string{
		"--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
		"--cgroupns=private",
		"--tmpfs", "/tmp", "--tmpfs", "/run",
		"--volume", "/var", "--volume", "/lib/modules:/lib/modules:ro",
		"--env", "container=docker",
	}
	if !restricted {
		return append([]string{"--privileged"}, common...)
	}
	return append([]string{
		"--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
		"--device", "/dev/kmsg", "--device-cgroup-rule", "a *:* rwm",
	}, common...)
}

func mountArg(m provider.Mount) (string, error) {
	if m.HostPath == "" || m.ContainerPath == "" {
		return "", fmt.Errorf("mount needs both hostPath and containerPath (got %q:%q)", m.HostPath, m.ContainerPath)
	}
	if strings.Contains(m.HostPath, ":") || strings.Contains(m.ContainerPath, ":") {
		return "", fmt.Errorf("mount path %q:%q contains ':', which the runtime cannot express", m.HostPath, m.ContainerPath)
	}
	var opts []string
	if m.ReadOnly {
		opts = append(opts, "ro")
	}
	if m.SELinuxRelabel {
		opts = append(opts, "Z")
	}
	switch m.Propagation {
	case "", "None":
	case "HostToContainer":
		opts = append(opts, "rslave")
	case "Bidirectional":
		opts = append(opts, "rshared")
	default:
		return "", fmt.Errorf("mount %q: unknown propagation %q", m.ContainerPath, m.Propagation)
	}
	v := m.HostPath + ":" + m.ContainerPath
	if len(opts) > 0 {
		v += ":" + strings.Join(opts, ",")
	}
	return v, nil
}

func publishArg(pm provider.PortMapping) (string, error) {
	proto := strings.ToLower(pm.Protocol)
	if proto == "" {
		proto = "tcp"
	}
	switch proto {
	case "tcp", "udp", "sctp":
	default:
		return "", fmt.Errorf("port mapping %d: unknown protocol %q", pm.ContainerPort, pm.Protocol)
	}
	addr := pm.ListenAddress
	if addr == "" {
		addr = "0.0.0.0"
	}
	if strings.Contains(addr, ":") {
		addr = "[" + addr + "]"
	}
	host := ""
	if pm.HostPort > 0 {
		host = strconv.Itoa(pm.HostPort)
	}
	return fmt.Sprintf("%s:%s:%d/%s", addr, host, pm.ContainerPort, proto), nil
}
