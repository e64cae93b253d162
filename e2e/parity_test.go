package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDockerKindFeatures checks, on one cluster, the kind config fields and
// commands users rely on: a port mapping reached from the host, a host mount
// seen by a pod, a kubeadm patch visible in the running API server, an image
// loaded from an archive, and exported logs.
func TestDockerKindFeatures(t *testing.T) {
	requireRuntime(t, "docker")
	guardHost(t)
	hostPort := freePort(t)
	mountDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(mountDir, "hello.txt"), []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := createCluster(t, "docker", "e2e-features", fmt.Sprintf(`kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
containerdConfigPatches:
- |-
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."kina.test"]
    endpoint = ["http://127.0.0.1:5000"]
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      event-ttl: "2h"
nodes:
- role: control-plane
  extraPortMappings:
  - containerPort: 30080
    hostPort: %d
    listenAddress: 127.0.0.1
  extraMounts:
  - hostPath: %s
    containerPath: /host-data
    readOnly: true
`, hostPort, mountDir))
	checkNodesReady(c, 1)

	t.Run("kubeadmConfigPatches", func(t *testing.T) {
		out := c.mustKubectl("", "-n", "kube-system", "get", "pods", "-l", "component=kube-apiserver", "-o", "jsonpath={.items[0].spec.containers[0].command}")
		if !strings.Contains(out, "--event-ttl=2h") {
			t.Errorf("kube-apiserver lacks the patched flag: %s", out)
		}
	})

	t.Run("containerdConfigPatches", func(t *testing.T) {
		out, err := exec.Command("docker", "exec", "e2e-features-control-plane", "cat", "/etc/containerd/config.toml").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "http://127.0.0.1:5000") {
			t.Errorf("containerd config lacks the patched mirror (%v):\n%s", err, out)
		}
	})

	t.Run("extraPortMappings", func(t *testing.T) {
		checkNodePortFromHost(c, toolImage(), "mapped", hostPort)
	})

	t.Run("extraMounts", func(t *testing.T) {
		checkMountedFile(c, toolImage(), "/host-data", "hello.txt", "from the host", true)
	})

	t.Run("load image-archive and docker-image", func(t *testing.T) {
		if exec.Command("docker", "image", "inspect", toolImage()).Run() != nil {
			t.Fatalf("docker has no %s to retag; hack/test.sh loads it from the ingredient archives", toolImage())
		}
		const fromArchive, fromStore = "kina.test/archive:v1", "kina.test/store:v1"
		archive := filepath.Join(t.TempDir(), "loaded.tar")
		run(t, "docker", "tag", toolImage(), fromArchive)
		run(t, "docker", "tag", toolImage(), fromStore)
		defer exec.Command("docker", "rmi", fromArchive, fromStore).Run()
		run(t, "docker", "save", "-o", archive, fromArchive)
		if out, err := c.kinaOut("load", "image-archive", archive, "--name", c.name); err != nil {
			t.Fatalf("load image-archive: %v\n%s", err, out)
		}
		if out, err := c.kinaOut("load", "docker-image", fromStore, "--name", c.name); err != nil {
			t.Fatalf("load docker-image: %v\n%s", err, out)
		}
		for i, ref := range []string{fromArchive, fromStore} {
			pod := fmt.Sprintf("loaded%d", i)
			c.mustKubectl(fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: %s}
spec:
  restartPolicy: Never
  tolerations: [{operator: Exists}]
  containers: [{name: l, image: %s, imagePullPolicy: Never, command: [echo, loaded-ok]}]
`, pod, ref), "apply", "-f", "-")
			waitPodSucceeded(c, pod)
		}
		// Loading again finds the same image ID on every node and skips it.
		out, err := c.kinaOut("load", "image-archive", archive, "--name", c.name)
		if err != nil || !strings.Contains(out, "nothing loaded") {
			t.Errorf("second load did not skip: %v\n%s", err, out)
		}
	})

	t.Run("export logs", func(t *testing.T) {
		dir := t.TempDir()
		if out, err := c.kinaOut("export", "logs", dir, "--name", c.name); err != nil {
			t.Fatalf("export logs: %v\n%s", err, out)
		}
		node := filepath.Join(dir, "e2e-features-control-plane")
		for _, f := range []string{"kubelet.log", "journal.log", "containerd.log", "kubernetes-version.txt", "serial.log", "inspect.json"} {
			st, err := os.Stat(filepath.Join(node, f))
			if err != nil || st.Size() == 0 {
				t.Errorf("%s missing or empty: %v", f, err)
			}
		}
		if entries, _ := os.ReadDir(filepath.Join(node, "pods")); len(entries) == 0 {
			t.Errorf("no pod logs exported")
		}
	})
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
