package kubeadm

import (
	"bytes"
	"fmt"
	"maps"

	"sigs.k8s.io/yaml"
)

// renderer holds a defaulted, validated Config and what is derived from it.
type renderer struct {
	c       Config
	version Version
	api     string
	ips     []string // node IPs, primary family first
	gates   map[string]bool
}

// Render produces the node's kubeadm file: ClusterConfiguration, then
// InitConfiguration (bootstrap node) or JoinConfiguration, then
// KubeletConfiguration and, unless kube-proxy is disabled,
// KubeProxyConfiguration. Objects carry `metadata.name: config` so kind
// patches apply unchanged; run Patch, then StripMetadata (or use Build).
func Render(c Config) ([]byte, error) {
	r, err := newRenderer(c)
	if err != nil {
		return nil, fmt.Errorf("kubeadm config for node %q: %w", c.NodeName, err)
	}
	docs := []any{r.cluster(), r.initOrJoin(), r.kubelet()}
	if r.c.KubeProxyMode != ProxyModeNone {
		docs = append(docs, r.kubeProxy())
	}
	return encodeDocs(docs)
}

func newRenderer(c Config) (*renderer, error) {
	c = c.withDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	v, err := VersionFromFile(c.KubernetesVersion)
	if err != nil {
		return nil, err
	}
	api, err := APIVersion(v)
	if err != nil {
		return nil, err
	}
	ips, err := nodeIPs(c)
	if err != nil {
		return nil, err
	}
	gates := maps.Clone(c.FeatureGates)
	if c.Rootless {
		// The kubelet must tolerate the sysctls and oom scores a user
		// namespace refuses.
		if gates == nil {
			gates = map[string]bool{}
		}
		gates["KubeletInUserNamespace"] = true
	}
	return &renderer{c: c, version: v, api: api, ips: ips, gates: gates}, nil
}

func (r *renderer) meta(apiVersion, kind string) typeMeta {
	return typeMeta{APIVersion: apiVersion, Kind: kind, Metadata: objectMeta{Name: objectName}}
}

// encodeDocs marshals each object and joins them as a YAML stream.
func encodeDocs(docs []any) ([]byte, error) {
	var buf bytes.Buffer
	for i, d := range docs {
		b, err := yaml.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("encode document %d: %w", i, err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
	}
	return buf.Bytes(), nil
}
