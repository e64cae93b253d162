package migrate

import (
	"context"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/pkg/provider"
)

// Result is a rebuilt kind config and what it could not recover.
type Result struct {
	Config v1alpha4.Cluster
	// Missing lists, per field, what the containers could not tell. Render
	// writes it as the comment block at the top of the file.
	Missing []Missing
	// APIServerPortObserved is true when networking.apiServerPort is the
	// port kind bound, not necessarily one the user chose.
	APIServerPortObserved bool
}

// Missing is one field (a path such as "nodes[1].labels" or
// "nodes[*].extraPortMappings[*].hostPort") and why it is absent or uncertain.
type Missing struct {
	Field string
	Why   string
}

func (r *Result) miss(field, format string, a ...any) {
	r.Missing = append(r.Missing, Missing{Field: field, Why: fmt.Sprintf(format, a...)})
}

// Reconstruct rebuilds the v1alpha4 config c was created from.
func Reconstruct(ctx context.Context, c *Cluster) (*Result, error) {
	r := &Result{}
	r.Config.Kind = "Cluster"
	r.Config.APIVersion = "kind.x-k8s.io/v1alpha4"
	r.Config.Name = c.Name

	facts, err := c.readKubeadm(ctx)
	if err != nil {
		return nil, err
	}
	var cluster *kubeadmFacts
	for _, n := range c.kubeNodes() {
		if f := facts[n.Name]; f != nil {
			cluster = f
			break
		}
	}

	r.Config.Networking = networking(r, c, cluster)
	if cluster != nil {
		r.Config.FeatureGates = cluster.FeatureGates
		if cluster.FeatureGates["KubeletInUserNamespace"] {
			delete(r.Config.FeatureGates, "KubeletInUserNamespace")
			r.miss("featureGates.KubeletInUserNamespace", "left out: kind turns it on by itself on rootless runtimes; add it back if the original config set it")
		}
		if len(r.Config.FeatureGates) == 0 {
			r.Config.FeatureGates = nil
		}
		r.Config.RuntimeConfig = cluster.RuntimeCfg
		r.Config.KubeadmConfigPatches = componentPatches(cluster.ExtraArgs)
		cni, known := c.defaultCNIInstalled(ctx)
		if !known {
			r.miss("networking.disableDefaultCNI", "could not tell whether kind installed its default CNI (the API server did not answer); left false")
		}
		r.Config.Networking.DisableDefaultCNI = known && !cni
	} else {
		r.miss("networking.podSubnet, networking.serviceSubnet, networking.kubeProxyMode, networking.disableDefaultCNI, featureGates, runtimeConfig",
			"no node is running, so /kind/kubeadm.conf could not be read; kind's defaults are assumed")
	}

	ports := false
	for i, n := range c.kubeNodes() {
		node := v1alpha4.Node{Role: v1alpha4.NodeRole(n.Role), Image: n.Image}
		for _, p := range n.Ports {
			if n.Role == provider.RoleControlPlane && p.ContainerPort == 6443 && p.Protocol == "TCP" {
				continue // the API server's own mapping
			}
			node.ExtraPortMappings = append(node.ExtraPortMappings, portMapping(p, r.Config.Networking.IPFamily))
			ports = ports || p.HostPort != 0
		}
		for _, m := range n.Mounts {
			node.ExtraMounts = append(node.ExtraMounts, v1alpha4.Mount{
				HostPath: m.HostPath, ContainerPath: m.ContainerPath, Readonly: m.ReadOnly,
				SelinuxRelabel: m.SELinux, Propagation: v1alpha4.MountPropagation(m.Propagation),
			})
		}
		if f := facts[n.Name]; f != nil {
			node.Labels = f.NodeLabels
			node.KubeadmConfigPatches = kubeletPatches(f.KubeletExtraArgs)
		} else if cluster != nil {
			r.miss(fmt.Sprintf("nodes[%d].labels", i), "node %s is %s: its /kind/kubeadm.conf (labels, kubelet arguments) could not be read", n.Name, stateWord(n))
		}
		r.Config.Nodes = append(r.Config.Nodes, node)
	}
	if ports {
		r.Missing = append(r.Missing, Missing{Field: "nodes[*].extraPortMappings order", Why: "runtimes keep port bindings unordered; they are sorted by container port"})
		r.miss("nodes[*].extraPortMappings[*].hostPort", "the host ports kind bound; where the original left hostPort 0, kind chose the port written here")
	}
	r.miss("kubeadmConfigPatches, kubeadmConfigPatchesJSON6902", "kind merged them into the kubeadm config; only extra component and kubelet arguments are recognised (as the patches below, if any), anything else they changed is not recovered")
	r.miss("containerdConfigPatches, containerdConfigPatchesJSON6902", "kind merged them into each node's containerd config; not recovered")
	return r, nil
}

func stateWord(n node) string {
	if n.Status != "" {
		return n.Status
	}
	return "not running"
}

// kubeNodes are the Kubernetes nodes, in kind's order (no load balancer).
func (c *Cluster) kubeNodes() []node {
	var out []node
	for _, n := range c.nodes {
		if n.Role != provider.RoleLoadBalancer {
			out = append(out, n)
		}
	}
	return out
}

// readKubeadm reads /kind/kubeadm.conf from every running node.
func (c *Cluster) readKubeadm(ctx context.Context) (map[string]*kubeadmFacts, error) {
	out := map[string]*kubeadmFacts{}
	for _, n := range c.kubeNodes() {
		if !n.Running {
			continue
		}
		var buf strings.Builder
		var stderr strings.Builder
		if err := c.rt.Exec(ctx, n.Name, provider.Cmd{Args: []string{"cat", "/kind/kubeadm.conf"}, Stdout: &buf, Stderr: &stderr}); err != nil {
			return nil, fmt.Errorf("read /kind/kubeadm.conf in %s node %s: %w", c.Provider, n.Name, err)
		}
		f, err := parseKubeadm([]byte(buf.String()))
		if err != nil {
			return nil, fmt.Errorf("node %s: %w", n.Name, err)
		}
		out[n.Name] = f
	}
	return out, nil
}

// defaultCNIInstalled asks the API server, from inside a running control
// plane, whether the objects of kind's default CNI manifest exist. kind
// skips that manifest only for disableDefaultCNI.
func (c *Cluster) defaultCNIInstalled(ctx context.Context) (installed, known bool) {
	for _, n := range c.kubeNodes() {
		if !n.Running || n.Role != provider.RoleControlPlane {
			continue
		}
		var out strings.Builder
		cmd := provider.Cmd{Args: []string{"kubectl", "--kubeconfig=/etc/kubernetes/admin.conf",
			"get", "daemonsets", "--namespace=kube-system", "--output=name"}, Stdout: &out, Stderr: &strings.Builder{}}
		if err := c.rt.Exec(ctx, n.Name, cmd); err != nil {
			continue
		}
		var manifest strings.Builder
		if err := c.rt.Exec(ctx, n.Name, provider.Cmd{Args: []string{"cat", "/kind/manifests/default-cni.yaml"}, Stdout: &manifest}); err != nil {
			return false, false
		}
		want := daemonSetNames(manifest.String())
		if len(want) == 0 {
			return false, false
		}
		have := map[string]bool{}
		for _, l := range strings.Fields(out.String()) {
			have[strings.TrimPrefix(l, "daemonset.apps/")] = true
		}
		for _, w := range want {
			if !have[w] {
				return false, true
			}
		}
		return true, true
	}
	return false, false
}

// daemonSetNames finds the DaemonSets a CNI manifest creates. The manifest
// may hold Go template markers, so it is scanned, not parsed.
func daemonSetNames(manifest string) []string {
	var out []string
	for _, doc := range strings.Split(manifest, "\n---") {
		if !strings.Contains(doc, "\nkind: DaemonSet") && !strings.HasPrefix(strings.TrimSpace(doc), "kind: DaemonSet") {
			continue
		}
		inMeta := false
		for _, l := range strings.Split(doc, "\n") {
			switch {
			case l == "metadata:":
				inMeta = true
			case inMeta && strings.HasPrefix(l, "  name:"):
				out = append(out, strings.Trim(strings.TrimSpace(strings.TrimPrefix(l, "  name:")), `"'`))
				inMeta = false
			case len(l) > 0 && l[0] != ' ' && l[0] != '#':
				inMeta = false
			}
		}
	}
	return out
}

func networking(r *Result, c *Cluster, f *kubeadmFacts) v1alpha4.Networking {
	var n v1alpha4.Networking
	if f != nil {
		n.PodSubnet, n.ServiceSubnet = f.PodSubnet, f.ServiceSubnet
		n.IPFamily = ipFamily(f.ServiceSubnet)
		n.KubeProxyMode = v1alpha4.ProxyMode(f.ProxyMode)
	} else {
		for _, kn := range c.kubeNodes() {
			if kn.Sysctls["net.ipv6.conf.all.disable_ipv6"] == "0" {
				r.miss("networking.ipFamily", "no node is running; the nodes have IPv6 enabled, so the cluster was ipv6 or dual, but which cannot be told")
				break
			}
		}
	}
	if ep := c.endpointNode(); ep != nil {
		for _, p := range ep.Ports {
			if p.ContainerPort == 6443 && p.Protocol == "TCP" {
				n.APIServerAddress = p.ListenAddress
				if p.HostPort != 0 {
					n.APIServerPort = int32(p.HostPort)
					r.APIServerPortObserved = true
					r.miss("networking.apiServerPort", "%d is the port kind bound; a config that left it to kind (0) gets this port fixed", p.HostPort)
				} else {
					n.APIServerPort = -1
				}
				break
			}
		}
	}
	if kn := c.kubeNodes(); len(kn) > 0 {
		if v, ok := kn[0].Env["KIND_DNS_SEARCH"]; ok {
			s := strings.Fields(v)
			n.DNSSearch = &s
		}
	}
	omitDefaults(&n)
	return n
}

// ipFamily tells the family from the service subnets, as kind derives them.
func ipFamily(subnets string) v1alpha4.ClusterIPFamily {
	parts := strings.Split(subnets, ",")
	if len(parts) > 1 {
		return v1alpha4.DualStackFamily
	}
	ip, _, err := net.ParseCIDR(strings.TrimSpace(parts[0]))
	if err == nil && ip.To4() == nil {
		return v1alpha4.IPv6Family
	}
	return v1alpha4.IPv4Family
}

// omitDefaults clears values equal to kind's defaults, so the file says
// only what the user chose.
func omitDefaults(n *v1alpha4.Networking) {
	var d v1alpha4.Cluster
	d.Networking.IPFamily = n.IPFamily
	if d.Networking.IPFamily == "" {
		d.Networking.IPFamily = v1alpha4.IPv4Family
	}
	v1alpha4.SetDefaultsCluster(&d)
	def := d.Networking
	if n.IPFamily == v1alpha4.IPv4Family {
		n.IPFamily = ""
	}
	if n.APIServerAddress == def.APIServerAddress || n.APIServerAddress == "" {
		n.APIServerAddress = ""
	} else if n.APIServerAddress == "0.0.0.0" && def.APIServerAddress == "::1" {
		n.APIServerAddress = "::"
	}
	if n.PodSubnet == def.PodSubnet {
		n.PodSubnet = ""
	}
	if n.ServiceSubnet == def.ServiceSubnet {
		n.ServiceSubnet = ""
	}
	if n.KubeProxyMode == def.KubeProxyMode {
		n.KubeProxyMode = ""
	}
}

func portMapping(p port, family v1alpha4.ClusterIPFamily) v1alpha4.PortMapping {
	pm := v1alpha4.PortMapping{ContainerPort: int32(p.ContainerPort), HostPort: int32(p.HostPort), ListenAddress: p.ListenAddress}
	if p.HostPort == 0 {
		pm.HostPort = -1 // the runtime picked it at start
	}
	// kind's default listen address for the family is left out.
	wildcard := "0.0.0.0"
	if family == v1alpha4.IPv6Family {
		wildcard = "::"
	}
	if pm.ListenAddress == wildcard || pm.ListenAddress == "" {
		pm.ListenAddress = ""
	}
	if p.Protocol != "TCP" {
		pm.Protocol = v1alpha4.PortMappingProtocol(p.Protocol)
	}
	return pm
}

// componentPatches rebuilds, as one merge patch, the control-plane
// arguments that kind's template does not set.
func componentPatches(extra map[string]map[string]string) []string {
	if len(extra) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("kind: ClusterConfiguration\n")
	for _, comp := range slices.Sorted(maps.Keys(extra)) {
		fmt.Fprintf(&b, "%s:\n  extraArgs:\n", comp)
		for _, k := range slices.Sorted(maps.Keys(extra[comp])) {
			fmt.Fprintf(&b, "    %s: %s\n", strconv.Quote(k), strconv.Quote(extra[comp][k]))
		}
	}
	return []string{b.String()}
}

// kubeletPatches rebuilds a node's extra kubelet arguments, for both the
// first control plane (InitConfiguration) and joining nodes.
func kubeletPatches(extra map[string]string) []string {
	if len(extra) == 0 {
		return nil
	}
	var out []string
	for _, kind := range []string{"InitConfiguration", "JoinConfiguration"} {
		var b strings.Builder
		fmt.Fprintf(&b, "kind: %s\nnodeRegistration:\n  kubeletExtraArgs:\n", kind)
		for _, k := range slices.Sorted(maps.Keys(extra)) {
			fmt.Fprintf(&b, "    %s: %s\n", strconv.Quote(k), strconv.Quote(extra[k]))
		}
		out = append(out, b.String())
	}
	return out
}
