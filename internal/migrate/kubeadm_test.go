package migrate

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// v1beta4 (Kubernetes 1.36+) writes extraArgs as name/value lists; this one
// is dual-stack, without kube-proxy, with an argument a patch added.
const kubeadmV1beta4 = `apiServer:
  certSANs: [localhost, "::1"]
  extraArgs:
  - name: runtime-config
    value: ""
  - name: audit-log-maxage
    value: "3"
apiVersion: kubeadm.k8s.io/v1beta4
controllerManager:
  extraArgs:
kind: ClusterConfiguration
networking:
  podSubnet: 10.244.0.0/16,fd00:10:244::/56
  serviceSubnet: 10.96.0.0/16,fd00:10:96::/112
scheduler:
  extraArgs:
  - name: bind-address
    value: "::1"
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
nodeRegistration:
  kubeletExtraArgs:
  - name: node-ip
    value: 172.18.0.3,fc00::3
  - name: node-labels
    value: a=b,example.com/zone=z1
  - name: max-pods
    value: "50"
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
`

func TestParseKubeadmV1beta4(t *testing.T) {
	f, err := parseKubeadm([]byte(kubeadmV1beta4))
	if err != nil {
		t.Fatal(err)
	}
	if f.ProxyMode != "none" || ipFamily(f.ServiceSubnet) != "dual" || f.RuntimeCfg != nil || f.FeatureGates != nil {
		t.Errorf("facts %+v", f)
	}
	if !reflect.DeepEqual(f.NodeLabels, map[string]string{"a": "b", "example.com/zone": "z1"}) {
		t.Errorf("labels %v", f.NodeLabels)
	}
	if !reflect.DeepEqual(f.ExtraArgs, map[string]map[string]string{"apiServer": {"audit-log-maxage": "3"}}) {
		t.Errorf("extra args %v", f.ExtraArgs)
	}
	if !reflect.DeepEqual(f.KubeletExtraArgs, map[string]string{"max-pods": "50"}) {
		t.Errorf("kubelet extra args %v", f.KubeletExtraArgs)
	}
}

func TestParseKubeadmErrors(t *testing.T) {
	for name, in := range map[string]string{
		"no cluster doc": "kind: KubeletConfiguration\n",
		"bad gate":       "kind: ClusterConfiguration\napiServer:\n  extraArgs:\n    feature-gates: A=maybe\n",
		"bad yaml":       "kind: [\n",
		"bad args":       "kind: ClusterConfiguration\napiServer:\n  extraArgs: 3\n",
	} {
		if _, err := parseKubeadm([]byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// A cluster whose kubeadm config carries patched arguments gets them back
// as patches that kina's create applies, and still validates.
func TestRecognisedPatches(t *testing.T) {
	rt := loadFake(t, fixture, "inspect.json")
	dir := t.TempDir()
	for _, n := range []string{"fixt-control-plane", "fixt-worker", "fixt-worker2"} {
		if err := os.CopyFS(dir+"/"+n, os.DirFS(rt.dir+"/"+n)); err != nil {
			t.Fatal(err)
		}
	}
	rt.dir = dir
	conf := dir + "/fixt-worker/kubeadm.conf"
	b, _ := os.ReadFile(conf)
	s := strings.Replace(string(b), "    node-labels: \"\"\n", "    node-labels: \"\"\n    max-pods: \"50\"\n", 1)
	s = strings.Replace(s, "    runtime-config: api/alpha=false\n", "    runtime-config: api/alpha=false\n    audit-log-maxage: \"3\"\n", 1)
	if s == string(b) {
		t.Fatal("fixture changed shape")
	}
	if err := os.WriteFile(conf, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	// The control plane is stopped, so the worker's file is the cluster's.
	var docs []json.RawMessage
	for _, d := range rt.docs {
		if strings.Contains(string(d), `"Name": "/fixt-control-plane"`) {
			d = []byte(strings.Replace(string(d), `"Running": true`, `"Running": false`, 1))
		}
		docs = append(docs, d)
	}
	rt.docs = docs
	c := findOne(t, rt)
	res, err := Reconstruct(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := res.Render(c)
	got := load(t, out, "rebuilt")
	if p := got.Cluster.KubeadmConfigPatches; len(p) != 1 || !strings.Contains(p[0], "audit-log-maxage") {
		t.Errorf("cluster patches %q", p)
	}
	if p := got.Cluster.Nodes[1].KubeadmConfigPatches; len(p) != 2 || !strings.Contains(p[1], "kind: JoinConfiguration") || !strings.Contains(p[1], `"max-pods": "50"`) {
		t.Errorf("worker patches %q", p)
	}
	// CNI presence could not be asked (control plane stopped): said so.
	if !Covered("networking.disableDefaultCNI", MissingFields(out)) {
		t.Errorf("disableDefaultCNI not listed:\n%s", out)
	}
}
