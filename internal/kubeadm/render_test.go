package kubeadm

import (
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// base is a single control-plane node as kina's pipeline would fill it
// from a default kind config.
func base(version string) Config {
	return Config{
		KubernetesVersion:    version + "\n",
		ClusterName:          "kina",
		NodeName:             "kina-control-plane",
		Role:                 ControlPlane,
		Bootstrap:            true,
		NodeIPv4:             "172.18.0.2",
		NodeIPv6:             "fc00:f853:ccd:e793::2",
		ControlPlaneEndpoint: "kina-control-plane:6443",
		APIServerAddress:     "127.0.0.1",
		PodSubnet:            "10.244.0.0/16",
		ServiceSubnet:        "10.96.0.0/16",
		CgroupDriver:         "cgroupfs",
		ProviderID:           KindProviderID("docker", "kina", "kina-control-plane"),
		PatchesDir:           "/kind/patches",
	}
}

func worker(c Config) Config {
	c.NodeName, c.Role, c.Bootstrap = "kina-worker", Worker, false
	c.NodeIPv4 = "172.18.0.3"
	c.ProviderID = KindProviderID("docker", "kina", "kina-worker")
	c.NodeLabels = map[string]string{"tier": "frontend", "example.com/zone": "a"}
	return c
}

// haControlPlane is a second control plane behind the load balancer.
func haControlPlane(c Config) Config {
	c.NodeName, c.Bootstrap = "kina-control-plane2", false
	c.NodeIPv4 = "172.18.0.4"
	c.ControlPlaneEndpoint = "kina-external-load-balancer:6443"
	c.ProviderID = KindProviderID("docker", "kina", "kina-control-plane2")
	return c
}

func ipv6(c Config) Config {
	c.IPFamily = v1alpha4.IPv6Family
	c.APIServerAddress = "::1"
	c.ControlPlaneEndpoint = "kina-control-plane:6443"
	c.PodSubnet, c.ServiceSubnet = "fd00:10:244::/56", "fd00:10:96::/112"
	return c
}

func dual(c Config) Config {
	c.IPFamily = v1alpha4.DualStackFamily
	c.PodSubnet = "10.244.0.0/16,fd00:10:244::/56"
	c.ServiceSubnet = "10.96.0.0/16,fd00:10:96::/112"
	return c
}

func gates(c Config) Config {
	c.FeatureGates = map[string]bool{"InPlacePodVerticalScaling": true, "AllAlpha": false}
	c.RuntimeConfig = map[string]string{"api/alpha": "false", "resource.k8s.io/v1beta1": "true"}
	c.KubeProxyMode = v1alpha4.NFTablesProxyMode
	return c
}

func schedulable(c Config) Config {
	c.Schedulable = true
	return c
}

func proxyNone(c Config) Config {
	c.KubeProxyMode = ProxyModeNone
	return c
}

func rootless(c Config) Config {
	c.Rootless = true
	c.CgroupDriver = "systemd"
	return c
}

func TestRenderGolden(t *testing.T) {
	cases := map[string]Config{
		"single-v1.34":               schedulable(base("v1.34.4")),
		"single-v1.36":               base("v1.36.0"),
		"worker-join-v1.34":          worker(base("v1.34.4")),
		"worker-join-v1.36":          worker(base("v1.36.0")),
		"control-plane-join-v1.34":   haControlPlane(base("v1.34.4")),
		"control-plane-join-v1.36":   haControlPlane(base("v1.36.0")),
		"ipv6-v1.34":                 ipv6(base("v1.34.4")),
		"ipv6-worker-v1.36":          ipv6(worker(base("v1.36.0"))),
		"dual-v1.34":                 dual(base("v1.34.4")),
		"proxy-none-v1.34":           proxyNone(base("v1.34.4")),
		"proxy-none-v1.36":           proxyNone(base("v1.36.0")),
		"gates-runtime-v1.34":        gates(base("v1.34.4")),
		"gates-runtime-v1.36":        gates(base("v1.36.0")),
		"rootless-nftables-v1.34":    rootless(gates(base("v1.34.4"))),
		"prerelease-v1.36.0-alpha.1": base("v1.36.0-alpha.1+abc"),
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Build(c, Patches{}, Patches{})
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name, got)
		})
	}
}

func TestDualStackOrderFollowsPrimaryServiceFamily(t *testing.T) {
	c := dual(base("v1.34.4"))
	c.ServiceSubnet = "fd00:10:96::/112,10.96.0.0/16"
	out, err := Build(c, Patches{}, Patches{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"node-ip: fc00:f853:ccd:e793::2,172.18.0.2",
		"advertiseAddress: fc00:f853:ccd:e793::2",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestRenderNamesEveryObjectConfig(t *testing.T) {
	out, err := Render(base("v1.34.4"))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeObjects(string(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 4 {
		t.Fatalf("got %d documents, want 4", len(objs))
	}
	for _, o := range objs {
		if o.fields["metadata"].(map[string]any)["name"] != "config" {
			t.Errorf("%s: metadata.name is not config", o.Kind)
		}
	}
}

// Values from the user must be YAML-encoded, never spliced into text.
func TestRenderEncodesHostileValues(t *testing.T) {
	c := worker(base("v1.34.4"))
	c.NodeLabels = map[string]string{"a": "x\"\n---\nkind: Evil"}
	c.ClusterName = "kina\nkind: Evil"
	out, err := Build(c, Patches{}, Patches{})
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeObjects(string(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.Kind == "Evil" {
			t.Fatalf("injected document:\n%s", out)
		}
	}
	if objs[0].fields["clusterName"] != c.ClusterName {
		t.Errorf("clusterName = %q", objs[0].fields["clusterName"])
	}
}

func TestRenderErrors(t *testing.T) {
	cases := map[string]func(*Config){
		"no version":  func(c *Config) { c.KubernetesVersion = "" },
		"old version": func(c *Config) { c.KubernetesVersion = "v1.22.17" },
		"bad role":    func(c *Config) { c.Role = "master" },
		"bootstrap worker": func(c *Config) {
			c.Role = Worker
		},
		"no endpoint port": func(c *Config) { c.ControlPlaneEndpoint = "kina-control-plane" },
		"bad proxy mode":   func(c *Config) { c.KubeProxyMode = "userspace" },
		"bad cgroup":       func(c *Config) { c.CgroupDriver = "cgroupv2" },
		"no ipv6":          func(c *Config) { c.IPFamily = v1alpha4.IPv6Family; c.NodeIPv6 = "" },
		"v4 as v6":         func(c *Config) { c.IPFamily = v1alpha4.IPv6Family; c.NodeIPv6 = "10.0.0.1" },
		"bad label":        func(c *Config) { c.NodeLabels = map[string]string{"a": "b,c"} },
		"bad family":       func(c *Config) { c.IPFamily = "ipv5" },
		"no pod subnet":    func(c *Config) { c.PodSubnet = "" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			c := base("v1.34.4")
			mutate(&c)
			if _, err := Render(c); err == nil {
				t.Fatal("want error")
			} else {
				t.Log(err)
			}
		})
	}
}
