package apple

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/pkg/provider"
)

// nameRe is the runtime's container ID rule, minus dots: a dotted name is
// taken as an FQDN and its hostname would be only the first label.
var nameRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]{1,62}$`)

// RunArgs returns the arguments after the binary for `container run` that
// create one node. The flags come in the order Apple's own recipe needs:
// identity, privileges, resources, labels, environment, network, ports,
// mounts, then the image. The node runs the image's own entrypoint
// (systemd); --init is never passed because systemd must be PID 1.
// spec.CPUs and spec.MemoryMB must already be set (see DefaultNodeResources).
func RunArgs(spec provider.NodeSpec, f Features) ([]string, error) {
	if !nameRe.MatchString(spec.Name) {
		return nil, fmt.Errorf("node name %q: must be 2-63 letters, digits, '-' or '_', starting with a letter or digit", spec.Name)
	}
	if spec.Image == "" {
		return nil, fmt.Errorf("node %q: no image", spec.Name)
	}
	if spec.CPUs <= 0 || spec.MemoryMB <= 0 {
		return nil, fmt.Errorf("node %q: CPUs and memory must be sized before building the run line", spec.Name)
	}
	if spec.MemoryMB < 200 {
		return nil, fmt.Errorf("node %q: %w (asked for %d MiB)", spec.Name, ErrMemoryTooLow, spec.MemoryMB)
	}
	args := []string{"run", "-d", "--name", spec.Name}
	if !spec.LoadBalancer {
		if f.CapAdd {
			// 0.12+ starts from the restricted OCI set; before that, nodes had
			// every capability already.
			args = append(args, "--cap-add", "ALL")
		}
		if f.SystemPaths {
			// Clear the OCI default masked and read-only paths (1.2.0+ made
			// /proc/sys read-only); kubelet and kube-proxy write sysctls.
			args = append(args, "--masked-path", "NONE", "--read-only-path", "NONE")
		}
	}
	args = append(args, "--cpus", strconv.Itoa(spec.CPUs), "--memory", strconv.Itoa(spec.MemoryMB)+"M")
	for _, k := range slices.Sorted(maps.Keys(spec.Labels)) {
		args = append(args, "--label", k+"="+spec.Labels[k])
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Env)) {
		args = append(args, "--env", k+"="+spec.Env[k])
	}
	if spec.Network != "" && (f.Networks || spec.Network != "default") {
		args = append(args, "--network", spec.Network)
	}
	for _, pm := range spec.Ports {
		a, err := publishArg(pm)
		if err != nil {
			return nil, fmt.Errorf("node %q: %w", spec.Name, err)
		}
		args = append(args, "--publish", a)
	}
	for _, m := range spec.Mounts {
		a, err := volumeArg(m)
		if err != nil {
			return nil, fmt.Errorf("node %q: %w", spec.Name, err)
		}
		args = append(args, "--volume", a)
	}
	if f.ProgressFlag == "--progress" {
		args = append(args, "--progress", "none")
	} else if f.ProgressFlag != "" {
		args = append(args, f.ProgressFlag)
	}
	if spec.Entrypoint != "" {
		args = append(args, "--entrypoint", spec.Entrypoint)
	}
	args = append(args, spec.Image)
	return append(args, spec.Command...), nil
}

// publishArg renders [host-ip:]host-port:container-port/proto. The host
// port must be chosen already: the runtime has no "pick a free port".
func publishArg(pm provider.PortMapping) (string, error) {
	if pm.HostPort <= 0 || pm.ContainerPort <= 0 {
		return "", fmt.Errorf("port mapping %d->%d: both ports must be set", pm.HostPort, pm.ContainerPort)
	}
	proto := strings.ToLower(pm.Protocol)
	switch proto {
	case "", "tcp":
		proto = "tcp"
	case "udp":
	default:
		return "", fmt.Errorf("port mapping %d: %w: protocol %q (only TCP and UDP)", pm.ContainerPort, provider.ErrUnsupported, pm.Protocol)
	}
	host := pm.ListenAddress
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	s := fmt.Sprintf("%d:%d/%s", pm.HostPort, pm.ContainerPort, proto)
	if host != "" {
		s = host + ":" + s
	}
	return s, nil
}

// volumeArg renders a virtiofs share. There is no mount propagation across
// the VM boundary and no SELinux on macOS, so propagation other than None is
// refused and relabelling is ignored.
func volumeArg(m provider.Mount) (string, error) {
	if m.HostPath == "" || m.ContainerPath == "" {
		return "", fmt.Errorf("mount needs both hostPath and containerPath (got %q:%q)", m.HostPath, m.ContainerPath)
	}
	if strings.Contains(m.HostPath, ":") || strings.Contains(m.ContainerPath, ":") {
		return "", fmt.Errorf("mount %q:%q contains ':', which the runtime cannot express", m.HostPath, m.ContainerPath)
	}
	switch m.Propagation {
	case "", "None":
	default:
		return "", fmt.Errorf("mount %q: %w: propagation %q (virtiofs shares have none)", m.ContainerPath, provider.ErrUnsupported, m.Propagation)
	}
	s := m.HostPath + ":" + m.ContainerPath
	if m.ReadOnly {
		s += ":ro"
	}
	return s, nil
}
