package migrate

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/pkg/provider"
)

// inspected is the part of a Docker or Podman inspect document that says how
// kind created a node. Both runtimes print these fields in the same shape.
type inspected struct {
	Name   string
	Config struct {
		Image  string
		Labels map[string]string
		Env    []string
	}
	ImageName string // podman: the image as the user named it
	State     struct {
		Running bool
		Status  string
	}
	HostConfig struct {
		Binds        []string
		PortBindings map[string][]binding
		Sysctls      map[string]string
	}
	Mounts []struct {
		Type        string
		Source      string
		Destination string
		RW          bool
		Propagation string
	}
	NetworkSettings struct {
		Ports map[string][]binding
	}
}

type binding struct {
	HostIP   string `json:"HostIp"`
	HostPort string
}

// node is one of kind's containers as migration needs it.
type node struct {
	Name    string
	Role    string
	Image   string
	Running bool
	Status  string
	Ports   []port  // published ports, as configured (known even when stopped)
	Mounts  []mount // bind mounts the user asked for (kind's own removed)
	Env     map[string]string
	Sysctls map[string]string
}

type port struct {
	ListenAddress string
	HostPort      int // 0: the runtime chose one at start
	ContainerPort int
	Protocol      string // upper case, as kind spells it
}

type mount struct {
	HostPath, ContainerPath string
	ReadOnly, SELinux       bool
	Propagation             string // kind's spelling; "" for none
}

func decodeNode(raw json.RawMessage) (node, map[string]string, error) {
	var c inspected
	if err := json.Unmarshal(raw, &c); err != nil {
		return node{}, nil, fmt.Errorf("decode inspect document: %w", err)
	}
	n := node{
		Name:    strings.TrimPrefix(c.Name, "/"),
		Role:    c.Config.Labels[provider.LabelRole],
		Image:   c.Config.Image,
		Running: c.State.Running,
		Status:  c.State.Status,
		Env:     map[string]string{},
		Sysctls: c.HostConfig.Sysctls,
	}
	if c.ImageName != "" {
		n.Image = c.ImageName
	}
	for _, e := range c.Config.Env {
		k, v, _ := strings.Cut(e, "=")
		n.Env[k] = v
	}
	// The configured bindings survive a stop; the live ones are only there
	// while running, but carry the port the runtime picked for hostPort -1.
	bindings := c.HostConfig.PortBindings
	if len(bindings) == 0 {
		bindings = c.NetworkSettings.Ports
	}
	ports, err := decodePorts(bindings)
	if err != nil {
		return node{}, nil, fmt.Errorf("container %s: %w", n.Name, err)
	}
	n.Ports = ports
	n.Mounts = decodeBinds(c)
	return n, c.Config.Labels, nil
}

// liveBindings are the container's ports as published right now.
func liveBindings(raw json.RawMessage) map[string][]binding {
	var c inspected
	if json.Unmarshal(raw, &c) != nil {
		return nil
	}
	return c.NetworkSettings.Ports
}

// livePort returns where a container port is published right now.
func livePort(raw json.RawMessage, key string) (binding, bool) {
	for _, b := range liveBindings(raw)[key] {
		if b.HostPort != "" && b.HostPort != "0" {
			return b, true
		}
	}
	return binding{}, false
}

func decodePorts(m map[string][]binding) ([]port, error) {
	var out []port
	for key, bs := range m {
		num, proto, _ := strings.Cut(key, "/")
		cp, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("port binding %q: %w", key, err)
		}
		if proto == "" {
			proto = "tcp"
		}
		for _, b := range bs {
			hp := 0
			if b.HostPort != "" {
				if hp, err = strconv.Atoi(b.HostPort); err != nil {
					return nil, fmt.Errorf("port binding %q: host port %q: %w", key, b.HostPort, err)
				}
			}
			out = append(out, port{ListenAddress: b.HostIP, HostPort: hp, ContainerPort: cp, Protocol: strings.ToUpper(proto)})
		}
	}
	slices.SortFunc(out, comparePorts)
	return out, nil
}

// comparePorts orders port mappings by container port, protocol, listen
// address and host port: the one order both rebuilt and original configs use.
func comparePorts(a, b port) int {
	return cmp.Or(
		cmp.Compare(a.ContainerPort, b.ContainerPort),
		cmp.Compare(a.Protocol, b.Protocol),
		cmp.Compare(a.ListenAddress, b.ListenAddress),
		cmp.Compare(a.HostPort, b.HostPort))
}

// kindMounts are the container paths kind mounts on every node by itself.
var kindMounts = map[string]bool{"/lib/modules": true, "/dev/mapper": true, "/var": true}

// decodeBinds reads the user's bind mounts. HostConfig.Binds keeps the
// options exactly as kind passed them (ro, Z, rshared, rslave); Mounts is
// the fallback for runtimes that leave Binds empty.
func decodeBinds(c inspected) []mount {
	var out []mount
	for _, b := range c.HostConfig.Binds {
		parts := strings.Split(b, ":")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], "/") {
			continue // a named volume (podman's /var), not a host path
		}
		m := mount{HostPath: parts[0], ContainerPath: parts[1]}
		if len(parts) > 2 {
			for _, o := range strings.Split(parts[2], ",") {
				applyMountOption(&m, o)
			}
		}
		if !kindMounts[m.ContainerPath] {
			out = append(out, m)
		}
	}
	if len(c.HostConfig.Binds) == 0 {
		for _, mt := range c.Mounts {
			if mt.Type != "bind" || kindMounts[mt.Destination] {
				continue
			}
			m := mount{HostPath: mt.Source, ContainerPath: mt.Destination, ReadOnly: !mt.RW}
			applyMountOption(&m, mt.Propagation)
			out = append(out, m)
		}
	}
	return out
}

func applyMountOption(m *mount, o string) {
	switch o {
	case "ro":
		m.ReadOnly = true
	case "Z":
		m.SELinux = true
	case "rshared", "shared":
		m.Propagation = "Bidirectional"
	case "rslave", "slave":
		m.Propagation = "HostToContainer"
	}
}
