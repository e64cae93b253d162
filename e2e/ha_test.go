package e2e

import (
	"fmt"
	"os/exec"
	"testing"
	"time"
)

// TestDockerHAControlPlanes creates three control planes and a worker behind
// kina's load balancer, stops one control plane, and checks that the API
// still answers through the load balancer.
func TestDockerHAControlPlanes(t *testing.T) {
	requireRuntime(t, "docker")
	guardHost(t)
	c := createCluster(t, "docker", "e2e-ha", `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: control-plane
- role: control-plane
- role: worker
`)
	checkNodesReady(c, 4)
	server := c.mustKubectl("", "config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
	lbPort, err := exec.Command("docker", "port", "e2e-ha-external-load-balancer", "6443/tcp").Output()
	if err != nil {
		t.Fatalf("the load balancer publishes no API port: %v", err)
	}
	t.Logf("kubeconfig server %s, load balancer port %s", server, lbPort)

	run(t, "docker", "stop", "--time", "5", "e2e-ha-control-plane")
	c.eventually("API through the load balancer with a control plane down", 2*time.Minute, func() error {
		out, err := c.kubectl("", "get", "nodes", "-o", "name")
		if err != nil {
			return err
		}
		if out == "" {
			return fmt.Errorf("no nodes listed")
		}
		return nil
	})
	// Writes need an etcd quorum: two of three members are still up.
	c.mustKubectl("", "create", "configmap", "ha-probe", "--from-literal=k=v")
}
