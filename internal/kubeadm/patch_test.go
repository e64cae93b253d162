package kubeadm

import (
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// clusterPatches are typical kind-documentation patches, written in the
// version-less map style most kind configs use.
var clusterPatches = Patches{Merge: []string{
	`kind: ClusterConfiguration
apiServer:
  certSANs: [api.example.com, localhost]
  extraArgs:
    v: "4"
    feature-gates: "Foo=true"
controllerManager:
  extraArgs:
    enable-hostpath-provisioner: null
etcd:
  local:
    extraArgs:
      quota-backend-bytes: "8589934592"
`,
	`kind: KubeletConfiguration
maxPods: 50
`,
	// Matches only v1beta4 nodes.
	`apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
scheduler:
  extraArgs:
  - name: v
    value: "2"
---
kind: KubeProxyConfiguration
mode: ipvs
`,
	// Never matches a bootstrap node; ignored as kind does.
	`kind: JoinConfiguration
nodeRegistration:
  taints: []
`,
}}

// nodePatches is kind's ingress example: a label via kubeletExtraArgs.
var nodePatches = Patches{Merge: []string{`kind: InitConfiguration
nodeRegistration:
  kubeletExtraArgs:
    node-labels: "ingress-ready=true"
`}}

var listStylePatches = Patches{Merge: []string{`kind: ClusterConfiguration
apiServer:
  extraArgs:
  - name: audit-log-maxage
    value: "7"
controllerManager:
  extraArgs:
  - name: enable-hostpath-provisioner
    value: null
`}}

func json6902Patches(kubeadmVersion string) Patches {
	return Patches{JSON6902: []v1alpha4.PatchJSON6902{
		{Group: "kubeadm.k8s.io", Version: kubeadmVersion, Kind: "ClusterConfiguration", Patch: `
- op: add
  path: /apiServer/certSANs/-
  value: api.example.com
- op: replace
  path: /networking/serviceSubnet
  value: 10.97.0.0/16
`},
		{Group: "kubelet.config.k8s.io", Version: "v1beta1", Kind: "KubeletConfiguration", Patch: `
- op: add
  path: /serializeImagePulls
  value: false
`},
		// Wrong version for this node: ignored.
		{Group: "kubeadm.k8s.io", Version: "v1beta2", Kind: "ClusterConfiguration", Patch: `
- op: remove
  path: /does/not/exist
`},
	}}
}

func TestPatchGolden(t *testing.T) {
	type tc struct {
		c             Config
		cluster, node Patches
	}
	cases := map[string]tc{
		"patch-merge-v1.34":       {base("v1.34.4"), clusterPatches, nodePatches},
		"patch-merge-v1.36":       {gates(base("v1.36.0")), clusterPatches, nodePatches},
		"patch-list-style-v1.34":  {base("v1.34.4"), listStylePatches, Patches{}},
		"patch-list-style-v1.36":  {base("v1.36.0"), listStylePatches, Patches{}},
		"patch-json6902-v1.34":    {base("v1.34.4"), json6902Patches("v1beta3"), Patches{}},
		"patch-json6902-v1.36":    {base("v1.36.0"), json6902Patches("v1beta4"), Patches{}},
		"patch-worker-join-v1.36": {worker(base("v1.36.0")), clusterPatches, nodePatches},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Build(c.c, c.cluster, c.node)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name, got)
		})
	}
}

func TestPatchNoPatchesOnlyReencodes(t *testing.T) {
	doc, err := Render(base("v1.36.0"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Patch(doc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(doc) {
		t.Errorf("Patch without patches changed the document:\n%s", got)
	}
}

// Node-level patches apply after cluster-level ones and win.
func TestPatchNodeLevelAfterCluster(t *testing.T) {
	cluster := Patches{Merge: []string{"kind: KubeletConfiguration\nmaxPods: 50\n"}}
	node := Patches{Merge: []string{"kind: KubeletConfiguration\nmaxPods: 20\n"}}
	out, err := Build(base("v1.34.4"), cluster, node)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "maxPods: 20\n") {
		t.Errorf("node-level patch did not win:\n%s", out)
	}
}

func TestMergeArgsV1Beta4(t *testing.T) {
	target := map[string]any{"extraArgs": []any{
		map[string]any{"name": "a", "value": "1"},
		map[string]any{"name": "b", "value": "2"},
	}}
	patch := map[string]any{"extraArgs": map[string]any{"b": "3", "a": nil, "c": "4"}}
	mergeSpecial(target, patch, true)
	want := []any{
		map[string]any{"name": "b", "value": "3"},
		map[string]any{"name": "c", "value": "4"},
	}
	if got := target["extraArgs"]; !equalJSON(t, got, want) {
		t.Errorf("extraArgs = %v, want %v", got, want)
	}
	if _, left := patch["extraArgs"]; left {
		t.Error("handled key left in the merge patch")
	}
}

func TestMergeCertSANsAppends(t *testing.T) {
	target := map[string]any{"apiServer": map[string]any{"certSANs": []any{"localhost", "127.0.0.1"}}}
	patch := map[string]any{"apiServer": map[string]any{"certSANs": []any{"a.example", "localhost"}}}
	mergeSpecial(target, patch, false)
	want := []any{"localhost", "127.0.0.1", "a.example"}
	if got := target["apiServer"].(map[string]any)["certSANs"]; !equalJSON(t, got, want) {
		t.Errorf("certSANs = %v, want %v", got, want)
	}
}

func TestPatchErrorsNameThePatch(t *testing.T) {
	doc, err := Render(base("v1.34.4"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		merge []string
		json  []v1alpha4.PatchJSON6902
		want  string
	}{
		{"scalar merge patch", []string{"kind: KubeletConfiguration\n", "b o g u s"}, nil, "kubeadmConfigPatches[1]"},
		{"list merge patch", []string{"- kind: KubeletConfiguration"}, nil, "kubeadmConfigPatches[0]"},
		{"bad yaml in second document", []string{"kind: KubeletConfiguration\n---\nkind: [\n"}, nil, "kubeadmConfigPatches[0] (document 1)"},
		{"not a 6902 patch", nil, []v1alpha4.PatchJSON6902{{Kind: "KubeletConfiguration", Patch: "op: add"}}, "kubeadmConfigPatchesJSON6902[0]"},
		{"6902 path missing", nil, []v1alpha4.PatchJSON6902{
			{Group: "kubelet.config.k8s.io", Version: "v1beta1", Kind: "KubeletConfiguration", Patch: "[]"},
			{Group: "kubeadm.k8s.io", Version: "v1beta3", Kind: "InitConfiguration", Patch: "- {op: remove, path: /nope}"},
		}, "kubeadmConfigPatchesJSON6902[1]: apply to InitConfiguration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Patch(doc, c.merge, c.json)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v does not name %q", err, c.want)
			}
		})
	}
}

// kind ignores patches that match no document; so does kina, or a config
// kind accepts would fail here.
func TestPatchUnmatchedIsNotAnError(t *testing.T) {
	doc, err := Render(base("v1.34.4"))
	if err != nil {
		t.Fatal(err)
	}
	merge := []string{"kind: Nope\nfoo: bar\n", "foo: bar\n", ""}
	json := []v1alpha4.PatchJSON6902{{Group: "x", Version: "v1", Kind: "Nope", Patch: "- {op: remove, path: /a}"}}
	got, err := Patch(doc, merge, json)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(doc) {
		t.Errorf("unmatched patches changed the document")
	}
}

func TestStripMetadataKeepsOtherMetadata(t *testing.T) {
	in := "kind: A\nmetadata:\n  name: config\n---\nkind: B\nmetadata:\n  name: config\n  labels:\n    x: z\n"
	got, err := StripMetadata([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "kind: A\n---\nkind: B\nmetadata:\n  labels:\n    x: z\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := jsonString(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := jsonString(b)
	if err != nil {
		t.Fatal(err)
	}
	return ja == jb
}
