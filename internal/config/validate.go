package config

import (
	"errors"
	"fmt"
	"net"
	"path"
	"regexp"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// validName is kind's rule (^[a-z0-9.-]+$), narrowed to start with a letter
// or digit: Docker and Podman refuse container names that start with '.' or
// '-', so kind accepts such a name and then fails to create the nodes.
var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)

// Validate checks a loaded (and possibly renamed) config and returns every
// problem found, joined, each a *FieldError naming its field; nil if none.
func Validate(c *Config) error {
	v := &validator{source: c.Source}
	v.name(c.Cluster.Name)
	v.networking(&c.Cluster.Networking)
	v.nodes(c.Cluster.Nodes)
	v.hostPorts(c)
	v.settings(c)
	return errors.Join(v.errs...)
}

// validator collects field errors for one config.
type validator struct {
	source string
	errs   []error
}

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Source: v.source, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) check(field string, err error) {
	if err != nil {
		v.add(field, "%s", err.Error())
	}
}

func (v *validator) name(name string) {
	if !validName.MatchString(name) {
		v.add("name", "%q is not a valid cluster name; use lower-case letters, digits, '-' and '.', starting with a letter or digit", name)
	}
}

func (v *validator) networking(n *v1alpha4.Networking) {
	v.check("networking.ipFamily", checkIPFamily(n.IPFamily))
	if n.APIServerPort != 0 && (n.APIServerPort < -1 || n.APIServerPort > 65535) {
		v.add("networking.apiServerPort", "%d is out of range; want 1-65535, or 0 or -1 for a random port", n.APIServerPort)
	}
	if net.ParseIP(n.APIServerAddress) == nil {
		v.add("networking.apiServerAddress", "%q is not an IP address", n.APIServerAddress)
	}
	pods := v.subnets("networking.podSubnet", n.PodSubnet, n.IPFamily)
	services := v.subnets("networking.serviceSubnet", n.ServiceSubnet, n.IPFamily)
	v.overlap(pods, services)
	v.check("networking.kubeProxyMode", checkProxyMode(n.KubeProxyMode))
}

func (v *validator) nodes(nodes []v1alpha4.Node) {
	controlPlanes := 0
	for i := range nodes {
		n := &nodes[i]
		field := fmt.Sprintf("nodes[%d]", i)
		v.check(field+".role", checkRole(n.Role))
		if n.Role == v1alpha4.ControlPlaneRole {
			controlPlanes++
		}
		if n.Image == "" {
			v.add(field+".image", "must not be empty")
		}
		v.labels(field+".labels", n.Labels)
		for j, m := range n.ExtraMounts {
			v.mount(fmt.Sprintf("%s.extraMounts[%d]", field, j), m)
		}
		for j, pm := range n.ExtraPortMappings {
			v.portMapping(fmt.Sprintf("%s.extraPortMappings[%d]", field, j), pm)
		}
	}
	if controlPlanes == 0 {
		v.add("nodes", "no control-plane node; a cluster needs at least one")
	}
}

// labels become kubelet --node-labels; a malformed one stops the kubelet
// late in the create, so it is caught here.
func (v *validator) labels(field string, labels map[string]string) {
	for k, val := range labels {
		f := fmt.Sprintf("%s[%q]", field, k)
		for _, msg := range validation.IsQualifiedName(k) {
			v.add(f, "invalid label key: %s", msg)
		}
		for _, msg := range validation.IsValidLabelValue(val) {
			v.add(f, "invalid label value %q: %s", val, msg)
		}
	}
}

// mount checks what a runtime would refuse. A relative or empty hostPath is
// not checked: kind resolves it against the working directory.
func (v *validator) mount(field string, m v1alpha4.Mount) {
	switch {
	case m.ContainerPath == "":
		v.add(field+".containerPath", "must not be empty")
	case !path.IsAbs(m.ContainerPath):
		v.add(field+".containerPath", "%q is not an absolute path", m.ContainerPath)
	}
	v.check(field+".propagation", checkPropagation(m.Propagation))
}

func (v *validator) portMapping(field string, pm v1alpha4.PortMapping) {
	if pm.ContainerPort < 1 || pm.ContainerPort > 65535 {
		v.add(field+".containerPort", "%d is out of range; want 1-65535", pm.ContainerPort)
	}
	if pm.HostPort < -1 || pm.HostPort > 65535 {
		v.add(field+".hostPort", "%d is out of range; want 1-65535, or 0 or -1 for a random port", pm.HostPort)
	}
	if pm.ListenAddress != "" && net.ParseIP(pm.ListenAddress) == nil {
		v.add(field+".listenAddress", "%q is not an IP address", pm.ListenAddress)
	}
	v.check(field+".protocol", checkProtocol(pm.Protocol))
}
