package migrate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/pkg/provider"
)

// ErrUnsupportedField is wrapped by CheckTarget for each field the target
// runtime cannot honour.
var ErrUnsupportedField = errors.New("cannot be honoured by the target runtime")

// CheckTarget returns an error naming every field of cfg the target runtime
// cannot honour, and why; and warnings for fields it will ignore.
func CheckTarget(cfg *v1alpha4.Cluster, info provider.Info) (warnings []string, err error) {
	var errs []error
	bad := func(field, why string) {
		errs = append(errs, fmt.Errorf("%s %w (%s): %s", field, ErrUnsupportedField, info.Name, why))
	}
	apple := info.Name == "apple"
	for i, n := range cfg.Nodes {
		for j, pm := range n.ExtraPortMappings {
			f := fmt.Sprintf("nodes[%d].extraPortMappings[%d]", i, j)
			switch {
			case !info.PublishesPorts:
				bad(f, "this runtime cannot publish container ports on the host")
			case apple && strings.EqualFold(string(pm.Protocol), "SCTP"):
				bad(f+".protocol", "Apple's runtime publishes only TCP and UDP ports")
			case info.Rootless && pm.HostPort > 0 && pm.HostPort < 1024:
				bad(f+".hostPort", fmt.Sprintf("a rootless runtime cannot bind host port %d (below 1024)", pm.HostPort))
			}
		}
		for j, m := range n.ExtraMounts {
			f := fmt.Sprintf("nodes[%d].extraMounts[%d]", i, j)
			if apple && m.Propagation != "" && m.Propagation != v1alpha4.MountPropagationNone {
				bad(f+".propagation", fmt.Sprintf("%s: Apple's runtime shares host folders into its VMs over virtiofs, which has no mount propagation", m.Propagation))
			}
			if apple && m.SelinuxRelabel {
				warnings = append(warnings, f+".selinuxRelabel is ignored: macOS has no SELinux")
			}
		}
	}
	return warnings, errors.Join(errs...)
}

// hostPortKey names a published host port; the address is left out because
// a wildcard bind collides with every address.
func hostPortKey(port int, proto string) string {
	if proto == "" {
		proto = "TCP"
	}
	return strconv.Itoa(port) + "/" + strings.ToUpper(proto)
}

// HeldHostPorts are the host ports kind's running containers hold now,
// each mapped to the container holding it.
func (c *Cluster) HeldHostPorts() map[string]string {
	held := map[string]string{}
	for _, n := range c.nodes {
		if !n.Running {
			continue
		}
		for key, bs := range liveBindings(c.raw[n.Name]) {
			_, proto, _ := strings.Cut(key, "/")
			for _, b := range bs {
				if p, err := strconv.Atoi(b.HostPort); err == nil && p > 0 {
					held[hostPortKey(p, proto)] = n.Name
				}
			}
		}
	}
	return held
}

// AdjustPorts makes cfg's host ports fit beside the kind cluster that keeps
// running: every fixed extraPortMappings host port moves by offset, an API
// server port kind holds becomes random, and any remaining collision is an
// error naming the field.
func AdjustPorts(cfg *v1alpha4.Cluster, held map[string]string, offset int) (notes []string, err error) {
	if p := int(cfg.Networking.APIServerPort); p > 0 {
		if owner, ok := held[hostPortKey(p, "TCP")]; ok {
			cfg.Networking.APIServerPort = 0
			notes = append(notes, fmt.Sprintf("networking.apiServerPort %d is held by kind's %s; kina picks a free port instead (the kubeconfig follows)", p, owner))
		}
	}
	var errs []error
	for i := range cfg.Nodes {
		for j := range cfg.Nodes[i].ExtraPortMappings {
			pm := &cfg.Nodes[i].ExtraPortMappings[j]
			if pm.HostPort <= 0 {
				continue
			}
			f := fmt.Sprintf("nodes[%d].extraPortMappings[%d].hostPort", i, j)
			if offset != 0 {
				np := int(pm.HostPort) + offset
				if np < 1 || np > 65535 {
					errs = append(errs, fmt.Errorf("%s: %d moved by %d is out of range", f, pm.HostPort, offset))
					continue
				}
				notes = append(notes, fmt.Sprintf("%s: %d -> %d", f, pm.HostPort, np))
				pm.HostPort = int32(np)
			}
			if owner, ok := held[hostPortKey(int(pm.HostPort), string(pm.Protocol))]; ok {
				errs = append(errs, fmt.Errorf("%s: host port %d/%s is held by kind's node %s, which keeps running; move the ports with --host-port-offset N, or delete the kind cluster first (see docs/migrate.md)",
					f, pm.HostPort, hostProto(pm.Protocol), owner))
			}
		}
	}
	return notes, errors.Join(errs...)
}

func hostProto(p v1alpha4.PortMappingProtocol) string {
	if p == "" {
		return "TCP"
	}
	return strings.ToUpper(string(p))
}
