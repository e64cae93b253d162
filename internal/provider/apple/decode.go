package apple

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// container is what kina needs from one entry of `list --format json` or
// `inspect`, whatever the CLI version.
type container struct {
	ID      string
	Image   string
	State   string // "running", "stopped", "stopping", "unknown"
	IPv4    string // without prefix length; empty unless running
	IPv6    string
	Labels  map[string]string
	Ports   []publishedPort
	Network string
}

func (c container) running() bool { return c.State == "running" }

type publishedPort struct {
	HostAddress   string `json:"hostAddress"`
	HostPort      int    `json:"hostPort"`
	ContainerPort int    `json:"containerPort"`
	Proto         string `json:"proto"`
	Count         int    `json:"count"`
}

// The three shapes (see docs/apple.md):
//   - 1.0+:     {id, configuration, status: {state, networks[{ipv4Address,…}]}}
//   - 0.8–0.12: {status: "running", configuration, networks[{ipv4Address,…}]}
//   - ≤0.7:     {status: "running", configuration, networks[{address,…}]}
//
// Fields are declared loosely so that unknown ones are ignored and a field
// of a different JSON type in another version does not fail the decode.
type rawContainer struct {
	ID            string          `json:"id"`
	Status        json.RawMessage `json:"status"`
	Networks      []rawAttachment `json:"networks"`
	Configuration struct {
		ID    string `json:"id"`
		Image struct {
			Reference string `json:"reference"`
		} `json:"image"`
		Labels         map[string]string `json:"labels"`
		PublishedPorts []publishedPort   `json:"publishedPorts"`
	} `json:"configuration"`
}

type rawStatus struct {
	State    string          `json:"state"`
	Networks []rawAttachment `json:"networks"`
}

type rawAttachment struct {
	Network     string `json:"network"`
	IPv4Address string `json:"ipv4Address"`
	IPv6Address string `json:"ipv6Address"`
	Address     string `json:"address"` // ≤0.7
}

// decodeContainers parses a JSON array of containers in any known shape.
// Empty output decodes to no containers.
func decodeContainers(data []byte) ([]container, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return nil, nil
	}
	var raws []rawContainer
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, fmt.Errorf("decode container list: %w", err)
	}
	out := make([]container, 0, len(raws))
	for i, r := range raws {
		c, err := r.container()
		if err != nil {
			return nil, fmt.Errorf("decode container %d: %w", i, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func (r rawContainer) container() (container, error) {
	c := container{
		ID:     r.ID,
		Image:  r.Configuration.Image.Reference,
		Labels: r.Configuration.Labels,
		Ports:  r.Configuration.PublishedPorts,
	}
	if c.ID == "" {
		c.ID = r.Configuration.ID // 0.x has no top-level id
	}
	if c.ID == "" {
		return c, fmt.Errorf("no id")
	}
	nets := r.Networks
	switch st := bytes.TrimSpace(r.Status); {
	case len(st) == 0 || string(st) == "null":
	case st[0] == '"':
		if err := json.Unmarshal(st, &c.State); err != nil {
			return c, fmt.Errorf("status: %w", err)
		}
	case st[0] == '{':
		var s rawStatus
		if err := json.Unmarshal(st, &s); err != nil {
			return c, fmt.Errorf("status: %w", err)
		}
		c.State = s.State
		if len(s.Networks) > 0 {
			nets = s.Networks
		}
	default:
		return c, fmt.Errorf("status has unexpected JSON %.20s", st)
	}
	if c.Labels == nil {
		c.Labels = map[string]string{}
	}
	// The runtime clears attachments on exit, but older releases were not
	// consistent about it: a stopped container never reports an address.
	if len(nets) > 0 {
		a := nets[0]
		c.Network = a.Network
		if c.running() {
			v4 := a.IPv4Address
			if v4 == "" {
				v4 = a.Address
			}
			c.IPv4, c.IPv6 = stripPrefix(v4), stripPrefix(a.IPv6Address)
		}
	}
	return c, nil
}

func stripPrefix(cidr string) string {
	addr, _, _ := strings.Cut(strings.TrimSpace(cidr), "/")
	return addr
}
