package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// lifecycle creates a cluster, checks that it works, deletes it and checks
// that nothing is left and the host is unchanged.
func lifecycle(t *testing.T, runtime, name, config string, nodes int, extra ...func(*testCluster)) {
	requireRuntime(t, runtime)
	guardHost(t)
	c := createCluster(t, runtime, name, config)
	volumes := clusterVolumes(t, runtime, name)
	if out, err := c.kinaOut("get", "clusters"); err != nil || !containsLine(out, name) {
		t.Errorf("get clusters does not list %s: %q (%v)", name, out, err)
	}
	checkWorking(t, c, nodes)
	for _, check := range extra {
		check(c)
	}
	if out, err := c.kinaOut("delete", "cluster", "--name", name); err != nil {
		t.Fatalf("delete cluster: %v\n%s", err, out)
	}
	checkNothingLeft(t, runtime, name, c.kubeconfig, volumes)
	// Deleting again is not an error.
	if out, err := c.kinaOut("delete", "cluster", "--name", name); err != nil {
		t.Errorf("second delete failed: %v\n%s", err, out)
	}
}

func TestDockerSingleNode(t *testing.T) {
	lifecycle(t, "docker", "e2e-single", "", 1)
}

// The first worker starts its kubelet without kubeadm join (kina issues its
// certificate); the second has a taint in its JoinConfiguration, so it joins
// with kubeadm. Both must end up as full nodes with what their config says.
func TestDockerThreeNodes(t *testing.T) {
	lifecycle(t, "docker", "e2e-three", `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
  labels:
    e2e.kina.dev/path: early
- role: worker
  kubeadmConfigPatches:
  - |
    kind: JoinConfiguration
    nodeRegistration:
      taints:
      - key: e2e.kina.dev/path
        value: join
        effect: PreferNoSchedule
`, 3, checkWorkerPaths, checkProvisionerStartedOnce)
}

// checkProvisionerStartedOnce: the storage provisioner must not restart
// while the cluster comes up (it did when its first API call beat kube-proxy
// on its node).
func checkProvisionerStartedOnce(c *testCluster) {
	c.t.Helper()
	out := c.mustKubectl("", "get", "pods", "-n", "local-path-storage", "-o", "jsonpath={.items[*].status.containerStatuses[*].restartCount}")
	if strings.TrimSpace(out) != "0" {
		c.t.Errorf("local-path-provisioner restart counts %q, want one container that never restarted", out)
	}
}

func checkWorkerPaths(c *testCluster) {
	c.t.Helper()
	if got := c.mustKubectl("", "get", "node", "e2e-three-worker", "-o", `jsonpath={.metadata.labels.e2e\.kina\.dev/path}`); got != "early" {
		c.t.Errorf("early worker's label = %q, want early", got)
	}
	if got := c.mustKubectl("", "get", "node", "e2e-three-worker2", "-o", "jsonpath={.spec.taints[*].value}"); got != "join" {
		c.t.Errorf("kubeadm-joined worker's taints = %q, want join", got)
	}
	// Both kubelets use the rotating client certificate, as after TLS bootstrap.
	for _, node := range []string{"e2e-three-worker", "e2e-three-worker2"} {
		out, err := exec.Command("docker", "exec", node, "grep", "-c",
			"client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem", "/etc/kubernetes/kubelet.conf").CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "1" {
			c.t.Errorf("%s kubelet.conf does not use the rotating certificate: %v %s", node, err, out)
		}
	}
}

func TestPodmanSingleNode(t *testing.T) {
	lifecycle(t, "podman", "e2e-podman", "", 1)
}
