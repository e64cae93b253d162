package config

import (
	"errors"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

func TestValidateErrors(t *testing.T) {
	cp := v1alpha4.Node{Role: v1alpha4.ControlPlaneRole, Image: "img"}
	worker := v1alpha4.Node{Role: v1alpha4.WorkerRole, Image: "img"}
	withPorts := func(n v1alpha4.Node, pms ...v1alpha4.PortMapping) v1alpha4.Node {
		n.ExtraPortMappings = pms
		return n
	}
	withMounts := func(n v1alpha4.Node, ms ...v1alpha4.Mount) v1alpha4.Node {
		n.ExtraMounts = ms
		return n
	}
	pm := func(host int32, addr, proto string) v1alpha4.PortMapping {
		return v1alpha4.PortMapping{ContainerPort: 80, HostPort: host, ListenAddress: addr, Protocol: v1alpha4.PortMappingProtocol(proto)}
	}
	const src = `config "k.yaml": `
	cases := []struct {
		name   string
		mutate func(c *Config)
		want   []string
	}{
		{"upper-case name", func(c *Config) { c.Cluster.Name = "My_Cluster" },
			[]string{src + `name: "My_Cluster" is not a valid cluster name; use lower-case letters, digits, '-' and '.', starting with a letter or digit`}},
		{"name starting with a hyphen", func(c *Config) { c.Cluster.Name = "-x" },
			[]string{src + `name: "-x" is not a valid cluster name; use lower-case letters, digits, '-' and '.', starting with a letter or digit`}},
		{"empty name", func(c *Config) { c.Cluster.Name = "" },
			[]string{src + `name: "" is not a valid cluster name; use lower-case letters, digits, '-' and '.', starting with a letter or digit`}},
		{"no control plane", func(c *Config) { c.Cluster.Nodes = []v1alpha4.Node{worker} },
			[]string{src + `nodes: no control-plane node; a cluster needs at least one`}},
		{"bad role", func(c *Config) {
			c.Cluster.Nodes = append(c.Cluster.Nodes, v1alpha4.Node{Role: "master", Image: "img"})
		},
			[]string{src + `nodes[1].role: "master" is not a valid role; want control-plane or worker`}},
		{"empty image", func(c *Config) { c.Cluster.Nodes[0].Image = "" },
			[]string{src + `nodes[0].image: must not be empty`}},
		{"bad ipFamily", func(c *Config) { c.Cluster.Networking.IPFamily = "ipv5" },
			[]string{src + `networking.ipFamily: "ipv5" is not valid; want ipv4, ipv6 or dual`}},
		{"apiServerPort too big", func(c *Config) { c.Cluster.Networking.APIServerPort = 65536 },
			[]string{src + `networking.apiServerPort: 65536 is out of range; want 1-65535, or 0 or -1 for a random port`}},
		{"apiServerPort too small", func(c *Config) { c.Cluster.Networking.APIServerPort = -2 },
			[]string{src + `networking.apiServerPort: -2 is out of range; want 1-65535, or 0 or -1 for a random port`}},
		{"apiServerAddress not an IP", func(c *Config) { c.Cluster.Networking.APIServerAddress = "localhost" },
			[]string{src + `networking.apiServerAddress: "localhost" is not an IP address`}},
		{"pod subnet not a CIDR", func(c *Config) { c.Cluster.Networking.PodSubnet = "10.244.0.0/33" },
			[]string{src + `networking.podSubnet: "10.244.0.0/33" is not a CIDR`}},
		{"spaces are not trimmed, as in kind", func(c *Config) {
			c.Cluster.Networking.IPFamily = v1alpha4.DualStackFamily
			c.Cluster.Networking.ServiceSubnet = "10.96.0.0/16, fd00:10:96::/112"
		}, []string{src + `networking.serviceSubnet: " fd00:10:96::/112" is not a CIDR`}},
		{"IPv6 pod subnet in an ipv4 cluster", func(c *Config) { c.Cluster.Networking.PodSubnet = "fd00:10:244::/56" },
			[]string{src + `networking.podSubnet: want one IPv4 CIDR for ipFamily ipv4, got "fd00:10:244::/56"`}},
		{"IPv4 service subnet in an ipv6 cluster", func(c *Config) {
			c.Cluster.Networking.IPFamily = v1alpha4.IPv6Family
			c.Cluster.Networking.PodSubnet = "fd00:10:244::/56"
			c.Cluster.Networking.APIServerAddress = "::1"
		}, []string{src + `networking.serviceSubnet: want one IPv6 CIDR for ipFamily ipv6, got "10.96.0.0/16"`}},
		{"two CIDRs single-stack", func(c *Config) { c.Cluster.Networking.PodSubnet = "10.244.0.0/16,10.245.0.0/16" },
			[]string{src + `networking.podSubnet: want one IPv4 CIDR for ipFamily ipv4, got "10.244.0.0/16,10.245.0.0/16"`}},
		{"dual with two IPv4", func(c *Config) {
			c.Cluster.Networking.IPFamily = v1alpha4.DualStackFamily
			c.Cluster.Networking.PodSubnet = "10.244.0.0/16,10.245.0.0/16"
		}, []string{src + `networking.podSubnet: want one CIDR, or one IPv4 and one IPv6 CIDR, for ipFamily dual, got "10.244.0.0/16,10.245.0.0/16"`}},
		{"overlapping pod and service subnets", func(c *Config) { c.Cluster.Networking.ServiceSubnet = "10.244.128.0/20" },
			[]string{src + `networking.podSubnet: 10.244.0.0/16 overlaps networking.serviceSubnet 10.244.128.0/20`}},
		{"bad kubeProxyMode", func(c *Config) { c.Cluster.Networking.KubeProxyMode = "userspace" },
			[]string{src + `networking.kubeProxyMode: "userspace" is not valid; want iptables, ipvs, nftables or none`}},
		{"bad label key", func(c *Config) { c.Cluster.Nodes[0].Labels = map[string]string{"a b": "x"} },
			[]string{src + `nodes[0].labels["a b"]: invalid label key: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`}},
		{"bad label value", func(c *Config) { c.Cluster.Nodes[0].Labels = map[string]string{"tier": "a b"} },
			[]string{src + `nodes[0].labels["tier"]: invalid label value "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`}},
		{"relative containerPath", func(c *Config) {
			c.Cluster.Nodes[0] = withMounts(cp, v1alpha4.Mount{HostPath: "/a", ContainerPath: "data"})
		},
			[]string{src + `nodes[0].extraMounts[0].containerPath: "data" is not an absolute path`}},
		{"empty containerPath", func(c *Config) { c.Cluster.Nodes[0] = withMounts(cp, v1alpha4.Mount{HostPath: "/a"}) },
			[]string{src + `nodes[0].extraMounts[0].containerPath: must not be empty`}},
		{"bad propagation", func(c *Config) {
			c.Cluster.Nodes[0] = withMounts(cp, v1alpha4.Mount{HostPath: "/a", ContainerPath: "/b", Propagation: "rshared"})
		}, []string{src + `nodes[0].extraMounts[0].propagation: unknown propagation "rshared"; want None, HostToContainer or Bidirectional`}},
		{"containerPort zero", func(c *Config) { c.Cluster.Nodes[0] = withPorts(cp, v1alpha4.PortMapping{HostPort: 80}) },
			[]string{src + `nodes[0].extraPortMappings[0].containerPort: 0 is out of range; want 1-65535`}},
		{"hostPort too big", func(c *Config) { c.Cluster.Nodes[0] = withPorts(cp, pm(70000, "", "")) },
			[]string{src + `nodes[0].extraPortMappings[0].hostPort: 70000 is out of range; want 1-65535, or 0 or -1 for a random port`}},
		{"bad protocol", func(c *Config) { c.Cluster.Nodes[0] = withPorts(cp, pm(80, "", "ICMP")) },
			[]string{src + `nodes[0].extraPortMappings[0].protocol: unknown protocol "ICMP"; want TCP, UDP or SCTP`}},
		{"bad listenAddress", func(c *Config) { c.Cluster.Nodes[0] = withPorts(cp, pm(80, "example.com", "")) },
			[]string{src + `nodes[0].extraPortMappings[0].listenAddress: "example.com" is not an IP address`}},
		{"duplicate host port on one node", func(c *Config) { c.Cluster.Nodes[0] = withPorts(cp, pm(80, "", ""), pm(80, "", "TCP")) },
			[]string{src + `nodes[0].extraPortMappings[1]: host port 80/TCP on all addresses is already published by nodes[0].extraPortMappings[0]`}},
		{"duplicate host port across nodes", func(c *Config) {
			c.Cluster.Nodes = []v1alpha4.Node{withPorts(cp, pm(80, "127.0.0.1", "udp")), withPorts(worker, pm(80, "127.0.0.1", "UDP"))}
		}, []string{src + `nodes[1].extraPortMappings[0]: host port 80/UDP on 127.0.0.1 is already published by nodes[0].extraPortMappings[0]`}},
		{"wildcard clashes with a specific address", func(c *Config) {
			c.Cluster.Nodes = []v1alpha4.Node{withPorts(cp, pm(80, "127.0.0.1", "")), withPorts(worker, pm(80, "::", ""))}
		}, []string{src + `nodes[1].extraPortMappings[0]: host port 80/TCP on all addresses is already published by nodes[0].extraPortMappings[0]`}},
		{"clash with the API server port", func(c *Config) {
			c.Cluster.Networking.APIServerPort = 6443
			c.Cluster.Nodes = []v1alpha4.Node{cp, withPorts(worker, pm(6443, "", ""))}
		}, []string{src + `nodes[1].extraPortMappings[0]: host port 6443/TCP on all addresses is already published by networking.apiServerPort`}},
		{"several problems at once", func(c *Config) {
			c.Cluster.Name = "X"
			c.Cluster.Networking.KubeProxyMode = "bogus"
			c.Cluster.Nodes = []v1alpha4.Node{withPorts(worker, pm(-5, "", ""))}
		}, []string{
			src + `name: "X" is not a valid cluster name; use lower-case letters, digits, '-' and '.', starting with a letter or digit`,
			src + `networking.kubeProxyMode: "bogus" is not valid; want iptables, ipvs, nftables or none`,
			src + `nodes[0].extraPortMappings[0].hostPort: -5 is out of range; want 1-65535, or 0 or -1 for a random port`,
			src + `nodes: no control-plane node; a cluster needs at least one`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.Source = "k.yaml"
			tc.mutate(c)
			err := Validate(c)
			assertLines(t, err, tc.want)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("%v is not a *FieldError", err)
			}
		})
	}
}

// Things kind accepts that must stay valid.
func TestValidateAccepts(t *testing.T) {
	cases := map[string]string{
		"dots and digits in the name":         "name: 1.2-three\n",
		"random API server ports":             "networking: {apiServerPort: -1}\n",
		"dual-stack with one CIDR":            "networking: {ipFamily: dual, podSubnet: 10.244.0.0/16}\n",
		"CIDR with host bits set":             "networking: {podSubnet: 10.244.1.0/16}\n",
		"random host ports repeat":            "nodes:\n- extraPortMappings: [{containerPort: 80, hostPort: 0}, {containerPort: 81, hostPort: 0}, {containerPort: 82, hostPort: -1}]\n",
		"same port, other protocol":           "nodes:\n- extraPortMappings: [{containerPort: 53, hostPort: 53}, {containerPort: 53, hostPort: 53, protocol: UDP}]\n",
		"same port, other specific address":   "nodes:\n- extraPortMappings: [{containerPort: 80, hostPort: 80, listenAddress: 127.0.0.1}, {containerPort: 80, hostPort: 80, listenAddress: 127.0.0.2}]\n",
		"relative and empty hostPath":         "nodes:\n- extraMounts: [{hostPath: ./x, containerPath: /x}, {containerPath: /y}]\n",
		"kubeProxyMode none":                  "networking: {kubeProxyMode: none}\n",
		"kubernetes.io label":                 "nodes:\n- labels: {topology.kubernetes.io/zone: a, empty: \"\"}\n",
		"three control planes and a worker":   "nodes: [{role: control-plane}, {role: control-plane}, {role: control-plane}, {role: worker}]\n",
		"API server on all addresses":         "networking: {apiServerAddress: 0.0.0.0, apiServerPort: 6443}\n",
		"settings for fewer nodes than exist": "nodes: [{}, {role: worker}]\n---\napiVersion: kina.dev/v1alpha1\nkind: Settings\nnodes: [{cpus: 2}]\n",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := Parse([]byte(header+body), "k.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(c); err != nil {
				t.Error(err)
			}
		})
	}
}
