package e2e

import (
	"testing"
)

// lifecycle creates a cluster, checks that it works, deletes it and checks
// that nothing is left and the host is unchanged.
func lifecycle(t *testing.T, runtime, name, config string, nodes int) {
	requireRuntime(t, runtime)
	guardHost(t)
	c := createCluster(t, runtime, name, config)
	volumes := clusterVolumes(t, runtime, name)
	if out, err := c.kinaOut("get", "clusters"); err != nil || !containsLine(out, name) {
		t.Errorf("get clusters does not list %s: %q (%v)", name, out, err)
	}
	checkWorking(t, c, nodes)
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

func TestDockerThreeNodes(t *testing.T) {
	lifecycle(t, "docker", "e2e-three", `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
- role: worker
`, 3)
}

func TestPodmanSingleNode(t *testing.T) {
	lifecycle(t, "podman", "e2e-podman", "", 1)
}
