package create

import (
	"strings"
	"testing"
)

const baseContainerd = `version = 2
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.10.1"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
`

func TestPatchContainerdConfig(t *testing.T) {
	got, err := patchContainerdConfig(baseContainerd, []string{`
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."localhost:5001"]
  endpoint = ["http://kind-registry:5000"]
`}, []string{`- op: replace
  path: /plugins/io.containerd.grpc.v1.cri/sandbox_image
  value: registry.k8s.io/pause:3.9
`})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version = 2\n", `endpoint = ["http://kind-registry:5000"]`, `sandbox_image = "registry.k8s.io/pause:3.9"`, "SystemdCgroup = false"} {
		if !strings.Contains(got, want) {
			t.Errorf("patched config lacks %q:\n%s", want, got)
		}
	}
	if cgroupDriverOf(got) != "cgroupfs" {
		t.Errorf("cgroup driver lost in:\n%s", got)
	}
}

func TestPatchContainerdConfigErrorsNameThePatch(t *testing.T) {
	if _, err := patchContainerdConfig(baseContainerd, []string{"not = [toml"}, nil); err == nil || !strings.Contains(err.Error(), "containerdConfigPatches[0]") {
		t.Errorf("err = %v", err)
	}
	if _, err := patchContainerdConfig(baseContainerd, nil, []string{"- op: remove\n  path: /nope\n"}); err == nil || !strings.Contains(err.Error(), "containerdConfigPatchesJSON6902[0]") {
		t.Errorf("err = %v", err)
	}
}

func TestAddEnv(t *testing.T) {
	in := "# would you kindly patch this file\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: n}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        env: [{name: X, value: y}]\n"
	out, err := addEnv(in, "DaemonSet", [2]string{"CONTROL_PLANE_ENDPOINT", "c-control-plane:6443"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "value: c-control-plane:6443") || !strings.Contains(out, "name: X") || !strings.Contains(out, "kind: ServiceAccount") {
		t.Errorf("patched manifest:\n%s", out)
	}
}

// The provisioner of a marked storage manifest reaches the API server's
// endpoint directly; an unmarked one (kind's images) is left as it is.
func TestStorageProvisionerTalksToTheEndpoint(t *testing.T) {
	deploy := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: local-path-provisioner}\nspec:\n  template:\n    spec:\n      containers:\n      - name: p\n---\nkind: StorageClass\nmetadata: {name: standard}\n"
	c := &cluster{opts: Options{Config: threeNodes()}, apiEndpoint: "t-control-plane:6443"}
	if err := c.readAddons("", "# "+patchMarker+"\n"+deploy); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"name: KUBERNETES_SERVICE_HOST\n          value: t-control-plane", "name: KUBERNETES_SERVICE_PORT\n          value: \"6443\"", "kind: StorageClass"} {
		if !strings.Contains(c.storage, want) {
			t.Errorf("storage manifest lacks %q:\n%s", want, c.storage)
		}
	}
	if err := c.readAddons("", deploy); err != nil || c.storage != deploy {
		t.Errorf("unmarked manifest changed (%v):\n%s", err, c.storage)
	}
}
