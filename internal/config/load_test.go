package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/defaults"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"empty file", "", []string{`config "x.yaml": apiVersion: missing; want "kind.x-k8s.io/v1alpha4"`}},
		{"empty first document", "---\n---\n" + header, []string{`config "x.yaml": apiVersion: missing; want "kind.x-k8s.io/v1alpha4"`}},
		{"old apiVersion", "apiVersion: kind.x-k8s.io/v1alpha3\nkind: Cluster\n",
			[]string{`config "x.yaml": apiVersion: unknown apiVersion "kind.x-k8s.io/v1alpha3"; want "kind.x-k8s.io/v1alpha4" (the first document must be kind's Cluster)`}},
		{"settings first", "apiVersion: kina.dev/v1alpha1\nkind: Settings\n---\n" + header,
			[]string{`config "x.yaml": apiVersion: unknown apiVersion "kina.dev/v1alpha1"; want "kind.x-k8s.io/v1alpha4" (the first document must be kind's Cluster)`}},
		{"wrong kind", "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Config\n",
			[]string{`config "x.yaml": kind: unknown kind "Config" for apiVersion "kind.x-k8s.io/v1alpha4"; want "Cluster"`}},
		{"kind is case-sensitive", "apiVersion: kind.x-k8s.io/v1alpha4\nkind: cluster\n",
			[]string{`config "x.yaml": kind: unknown kind "cluster" for apiVersion "kind.x-k8s.io/v1alpha4"; want "Cluster"`}},
		{"not a mapping", "- a\n", []string{`config "x.yaml": document 1: expected a mapping with apiVersion and kind, found a list (line 1)`}},
		{"syntax error", header + "\tname: x\n", []string{`config "x.yaml": document 1: line 2: found a tab character that violates indentation`}},
		{"unknown top-level field", header + "nodess: []\n",
			[]string{`config "x.yaml": unknown field "nodess" (line 3); did you mean "nodes"?`}},
		{"keys are case-sensitive", header + "Name: x\n",
			[]string{`config "x.yaml": unknown field "Name" (line 3); did you mean "name"?`}},
		{"misspelt node field", header + "nodes:\n- role: worker\n- extraPortMapping: []\n",
			[]string{`config "x.yaml": unknown field "nodes[1].extraPortMapping" (line 5); did you mean "extraPortMappings"?`}},
		{"unknown mount field", header + "nodes:\n- extraMounts:\n  - {hostPath: /a, containerpath: /b}\n",
			[]string{`config "x.yaml": unknown field "nodes[0].extraMounts[0].containerpath" (line 5); did you mean "containerPath"?`}},
		{"unknown networking field, no suggestion", header + "networking:\n  mtu: 1400\n",
			[]string{`config "x.yaml": unknown field "networking.mtu" (line 4)`}},
		{"removed patch field", header + "kubeadmConfigPatchesJSON6902:\n- {group: a, version: v1, kind: K, patch: p, name: n}\n",
			[]string{`config "x.yaml": unknown field "kubeadmConfigPatchesJSON6902[0].name" (line 4)`}},
		{"duplicate field", header + "name: a\nname: b\n",
			[]string{`config "x.yaml": name: duplicate field, first set on line 3 (line 4)`}},
		{"duplicate label", header + "nodes:\n- labels:\n    a: x\n    a: y\n",
			[]string{`config "x.yaml": nodes[0].labels["a"]: duplicate key, first set on line 5 (line 6)`}},
		{"bad propagation", header + "nodes:\n- extraMounts: [{hostPath: /a, containerPath: /b, propagation: rshared}]\n",
			[]string{`config "x.yaml": nodes[0].extraMounts[0].propagation: unknown propagation "rshared"; want None, HostToContainer or Bidirectional (line 4)`}},
		{"propagation is case-sensitive", header + "nodes:\n- extraMounts: [{hostPath: /a, containerPath: /b, propagation: none}]\n",
			[]string{`config "x.yaml": nodes[0].extraMounts[0].propagation: unknown propagation "none"; want None, HostToContainer or Bidirectional (line 4)`}},
		{"bad protocol", header + "nodes:\n- extraPortMappings: [{containerPort: 80, protocol: ICMP}]\n",
			[]string{`config "x.yaml": nodes[0].extraPortMappings[0].protocol: unknown protocol "ICMP"; want TCP, UDP or SCTP (line 4)`}},
		{"type errors carry the path", header + "networking:\n  apiServerPort: \"6443\"\n  disableDefaultCNI: maybe\n",
			[]string{
				"config \"x.yaml\": networking.apiServerPort: cannot unmarshal !!str `6443` into int32 (line 4)",
				"config \"x.yaml\": networking.disableDefaultCNI: cannot unmarshal !!str `maybe` into bool (line 5)",
			}},
		{"int32 overflow", header + "networking: {apiServerPort: 99999999999}\n",
			[]string{"config \"x.yaml\": networking.apiServerPort: cannot unmarshal !!int `9999999...` into int32 (line 3)"}},
		{"nodes must be a list", header + "nodes: {role: worker}\n",
			[]string{"config \"x.yaml\": nodes: cannot unmarshal !!map into []v1alpha4.Node (line 3)"}},
		{"every problem at once", header + "nme: x\nnodes:\n- rol: worker\n",
			[]string{
				`config "x.yaml": unknown field "nme" (line 3); did you mean "name"?`,
				`config "x.yaml": unknown field "nodes[0].rol" (line 5); did you mean "role"?`,
			}},
		{"broken later document", header + "---\n: : [\n",
			[]string{`config "x.yaml": document 2: line 3: did not find expected key`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in), "x.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			assertLines(t, err, tc.want)
		})
	}
}

func TestLoadErrorTypes(t *testing.T) {
	_, err := Parse([]byte(header+"nodes:\n- extraPortMapping: []\n- role: boss\n  labels: {a: [x]}\n"), "x.yaml")
	var unknown *UnknownFieldError
	if !errors.As(err, &unknown) || unknown.Field != "nodes[0].extraPortMapping" || unknown.Line != 4 {
		t.Errorf("want an UnknownFieldError for nodes[0].extraPortMapping, got %#v", unknown)
	}
	_, err = Parse([]byte(header+"name: [x]\n"), "x.yaml")
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "name" {
		t.Errorf("want a FieldError for name, got %v", err)
	}
}

// Files kind v0.33.0 accepts, some of them oddly; kina must accept them and
// read them the same. Each was checked against kind's own loader.
func TestLoadKindQuirks(t *testing.T) {
	cases := []struct {
		name, in string
		check    func(t *testing.T, c *v1alpha4.Cluster)
	}{
		{"leading document marker", "---\n" + header, nil},
		{"JSON", `{"apiVersion": "kind.x-k8s.io/v1alpha4", "kind": "Cluster", "nodes": [{"role": "worker"}, {}]}`,
			func(t *testing.T, c *v1alpha4.Cluster) { wantEq(t, c.Nodes[0].Role, v1alpha4.WorkerRole) }},
		{"null nodes", header + "nodes:\n", func(t *testing.T, c *v1alpha4.Cluster) { wantEq(t, len(c.Nodes), 1) }},
		{"numeric name is a string", header + "name: 123\n", func(t *testing.T, c *v1alpha4.Cluster) { wantEq(t, c.Name, "123") }},
		{"non-string label values", header + "nodes:\n- labels: {a: true, b: 1.5}\n", func(t *testing.T, c *v1alpha4.Cluster) {
			wantEq(t, c.Nodes[0].Labels["a"], "true")
			wantEq(t, c.Nodes[0].Labels["b"], "1.5")
		}},
		{"YAML 1.1 booleans", header + "nodes:\n- extraMounts: [{hostPath: /a, containerPath: /b, readOnly: yes}]\n",
			func(t *testing.T, c *v1alpha4.Cluster) { wantEq(t, c.Nodes[0].ExtraMounts[0].Readonly, true) }},
		{"protocol in any case", header + "nodes:\n- extraPortMappings: [{containerPort: 53, hostPort: 53, protocol: udp}]\n",
			func(t *testing.T, c *v1alpha4.Cluster) {
				wantEq(t, c.Nodes[0].ExtraPortMappings[0].Protocol, v1alpha4.PortMappingProtocolUDP)
			}},
		{"kubeProxyMode none", header + "networking: {kubeProxyMode: none}\n",
			func(t *testing.T, c *v1alpha4.Cluster) { wantEq(t, c.Networking.KubeProxyMode, noneProxyMode) }},
		{"empty dnsSearch differs from unset", header + "networking: {dnsSearch: []}\n",
			func(t *testing.T, c *v1alpha4.Cluster) {
				if c.Networking.DNSSearch == nil || len(*c.Networking.DNSSearch) != 0 {
					t.Errorf("dnsSearch = %v, want a set empty list", c.Networking.DNSSearch)
				}
			}},
		{"anchors and merge keys", header + "nodes:\n- &w {role: worker, labels: {a: b}}\n- <<: *w\n  image: foo\n- *w\n- role: control-plane\n",
			func(t *testing.T, c *v1alpha4.Cluster) {
				wantEq(t, len(c.Nodes), 4)
				wantEq(t, c.Nodes[1].Role, v1alpha4.WorkerRole)
				wantEq(t, c.Nodes[1].Image, "foo")
				wantEq(t, c.Nodes[2].Labels["a"], "b")
			}},
		{"relative hostPath", header + "nodes:\n- extraMounts: [{hostPath: ./data, containerPath: /data}]\n",
			func(t *testing.T, c *v1alpha4.Cluster) { wantEq(t, c.Nodes[0].ExtraMounts[0].HostPath, "./data") }},
		{"foreign second document is ignored", header + "---\napiVersion: v1\nkind: ConfigMap\nbogus: 1\n", nil},
		{"trailing document marker", header + "---\n", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.in), "x.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, &c.Cluster)
			}
		})
	}
}

func wantEq[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestLoadSources(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantEq(t, c.Name(), DefaultName)
	wantEq(t, len(c.Cluster.Nodes), 1)
	wantEq(t, c.Cluster.Nodes[0].Image, defaults.Image)
	wantEq(t, c.Cluster.APIVersion, ClusterAPIVersion)
	if err := Validate(c); err != nil {
		t.Errorf("default config is invalid: %v", err)
	}

	c, err = Load("-", strings.NewReader(header+"name: piped\n"))
	if err != nil {
		t.Fatal(err)
	}
	wantEq(t, c.Name(), "piped")
	wantEq(t, c.Source, "-")

	_, err = Load("-", strings.NewReader(header+"nam: x\n"))
	assertLines(t, err, []string{`config <stdin>: unknown field "nam" (line 3); did you mean "name"?`})

	dir := t.TempDir()
	path := filepath.Join(dir, "kind.yaml")
	if err := os.WriteFile(path, []byte(header+"name: file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantEq(t, c.Name(), "file")

	_, err = Load(filepath.Join(dir, "missing.yaml"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want a wrapped ErrNotExist", err)
	}
}

func TestSetName(t *testing.T) {
	c, _ := Parse([]byte(header+"name: Bad_Name\n"), "x.yaml")
	c.SetName("")
	wantEq(t, c.Name(), "Bad_Name")
	c.SetName("good")
	wantEq(t, c.Name(), "good")
	if err := Validate(c); err != nil {
		t.Errorf("an override replaces the file's bad name before validation: %v", err)
	}
}
