package migrate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// kubeadmFacts is what a node's /kind/kubeadm.conf tells about the config
// kind rendered it from.
type kubeadmFacts struct {
	APIVersion    string // kubeadm.k8s.io/v1beta3 or v1beta4
	PodSubnet     string
	ServiceSubnet string
	// ProxyMode is the KubeProxyConfiguration's mode; "none" when kind
	// wrote no such document (kubeProxyMode: none).
	ProxyMode    string
	FeatureGates map[string]bool
	RuntimeCfg   map[string]string
	NodeLabels   map[string]string
	// ExtraArgs are the components' extra arguments kind itself does not
	// set: a kubeadmConfigPatches entry put them there.
	ExtraArgs map[string]map[string]string // component -> flag -> value
	// KubeletExtraArgs are the node's kubelet arguments kind does not set.
	KubeletExtraArgs map[string]string
}

// kubeadmDoc holds the fields read from every document of kubeadm.conf.
type kubeadmDoc struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Mode       string `yaml:"mode"`
	Networking struct {
		PodSubnet     string `yaml:"podSubnet"`
		ServiceSubnet string `yaml:"serviceSubnet"`
	} `yaml:"networking"`
	APIServer         component `yaml:"apiServer"`
	ControllerManager component `yaml:"controllerManager"`
	Scheduler         component `yaml:"scheduler"`
	NodeRegistration  struct {
		KubeletExtraArgs yaml.Node `yaml:"kubeletExtraArgs"`
	} `yaml:"nodeRegistration"`
}

type component struct {
	ExtraArgs yaml.Node `yaml:"extraArgs"`
}

// kindArgs are the extra arguments kind's own template sets per component;
// any other one came from a patch.
var kindArgs = map[string]map[string]bool{
	"apiServer":         {"runtime-config": true, "feature-gates": true},
	"controllerManager": {"feature-gates": true, "enable-hostpath-provisioner": true, "bind-address": true},
	"scheduler":         {"feature-gates": true, "bind-address": true},
	"kubelet":           {"node-ip": true, "provider-id": true, "node-labels": true},
}

func parseKubeadm(data []byte) (*kubeadmFacts, error) {
	f := &kubeadmFacts{ProxyMode: "none", ExtraArgs: map[string]map[string]string{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	seenCluster := false
	for {
		var d kubeadmDoc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse kubeadm config: %w", err)
		}
		switch d.Kind {
		case "ClusterConfiguration":
			seenCluster = true
			f.APIVersion = d.APIVersion
			f.PodSubnet, f.ServiceSubnet = d.Networking.PodSubnet, d.Networking.ServiceSubnet
			if err := f.components(d); err != nil {
				return nil, err
			}
		case "InitConfiguration", "JoinConfiguration":
			args, err := extraArgs(d.NodeRegistration.KubeletExtraArgs)
			if err != nil {
				return nil, fmt.Errorf("%s.nodeRegistration.kubeletExtraArgs: %w", d.Kind, err)
			}
			if f.NodeLabels, err = splitPairs(args["node-labels"]); err != nil {
				return nil, fmt.Errorf("node-labels: %w", err)
			}
			f.KubeletExtraArgs = foreign(args, kindArgs["kubelet"])
		case "KubeProxyConfiguration":
			f.ProxyMode = d.Mode
			if f.ProxyMode == "" {
				f.ProxyMode = "iptables"
			}
		}
	}
	if !seenCluster {
		return nil, errors.New("parse kubeadm config: no ClusterConfiguration document")
	}
	return f, nil
}

func (f *kubeadmFacts) components(d kubeadmDoc) error {
	comps := []struct {
		name string
		c    component
	}{{"apiServer", d.APIServer}, {"controllerManager", d.ControllerManager}, {"scheduler", d.Scheduler}}
	for _, c := range comps {
		args, err := extraArgs(c.c.ExtraArgs)
		if err != nil {
			return fmt.Errorf("ClusterConfiguration.%s.extraArgs: %w", c.name, err)
		}
		if extra := foreign(args, kindArgs[c.name]); len(extra) > 0 {
			f.ExtraArgs[c.name] = extra
		}
		if c.name != "apiServer" {
			continue
		}
		if f.RuntimeCfg, err = splitPairs(args["runtime-config"]); err != nil {
			return fmt.Errorf("runtime-config: %w", err)
		}
		gates, err := splitPairs(args["feature-gates"])
		if err != nil {
			return fmt.Errorf("feature-gates: %w", err)
		}
		for k, v := range gates {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("feature gate %s=%q: %w", k, v, err)
			}
			if f.FeatureGates == nil {
				f.FeatureGates = map[string]bool{}
			}
			f.FeatureGates[k] = b
		}
	}
	return nil
}

// extraArgs reads kubeadm's extraArgs in either form: a map (v1beta3) or a
// list of {name, value} (v1beta4).
func extraArgs(n yaml.Node) (map[string]string, error) {
	out := map[string]string{}
	switch {
	case n.Kind == 0, n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return out, nil // absent, or "extraArgs:" with nothing after it
	case n.Kind == yaml.MappingNode:
		if err := n.Decode(&out); err != nil {
			return nil, err
		}
	case n.Kind == yaml.SequenceNode:
		var list []struct{ Name, Value string }
		if err := n.Decode(&list); err != nil {
			return nil, err
		}
		for _, a := range list {
			out[a.Name] = a.Value
		}
	default:
		return nil, fmt.Errorf("line %d: want a map or a list", n.Line)
	}
	return out, nil
}

// splitPairs reads "a=1,b=2" (kind's form for runtime-config, feature-gates
// and node-labels); "" gives nil.
func splitPairs(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not key=value", p)
		}
		out[k] = v
	}
	return out, nil
}

func foreign(args map[string]string, known map[string]bool) map[string]string {
	var out map[string]string
	for k, v := range args {
		if !known[k] {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}
