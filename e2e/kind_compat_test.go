package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// kindVersion is the kind release kina's node images must stay compatible with.
const kindVersion = "v0.33.0"

// TestKindCompat checks that kind itself can create a working cluster from
// kina's node image: kind is built from the module proxy, the docker wrapper
// (hack/kind-docker-wrapper) goes first on PATH because kind's --privileged
// is impossible on restricted hosts, and the cluster is checked from the host
// as the kina clusters are. Set KINA_KIND to use a kind binary already built.
func TestKindCompat(t *testing.T) {
	requireRuntime(t, "docker")
	guardHost(t)
	const name = "kc-compat"

	kind := buildKind(t)
	wrapperDir, err := filepath.Abs("../hack/kind-docker-wrapper")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	wrapperLog := filepath.Join(tmp, "wrapper.log")
	kindKubeconfig := filepath.Join(tmp, "kind-kubeconfig")
	env := append(os.Environ(),
		"PATH="+wrapperDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"KINA_DOCKER_WRAPPER_LOG="+wrapperLog,
		"KUBECONFIG="+kindKubeconfig,
	)
	runKind := func(args ...string) (string, error) {
		cmd := exec.Command(kind, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	kindNetworkExisted := exec.Command("docker", "network", "inspect", "kind").Run() == nil
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			if out, err := runKind("delete", "cluster", "--name", name, "--kubeconfig", kindKubeconfig); err != nil {
				t.Errorf("kind delete cluster: %v\n%s", err, out)
			}
		}
		// kind leaves its "kind" network behind by design; remove it when
		// this test created it and no container uses it any more.
		if !kindNetworkExisted {
			out, err := exec.Command("docker", "network", "inspect", "-f", "{{len .Containers}}", "kind").Output()
			if err == nil && strings.TrimSpace(string(out)) == "0" {
				exec.Command("docker", "network", "rm", "kind").Run()
			}
		}
	})

	start := time.Now()
	out, err := runKind("create", "cluster", "--name", name, "--image", nodeImage, "--wait", "3m", "--kubeconfig", kindKubeconfig)
	if err != nil {
		t.Fatalf("kind create cluster: %v\n%s", err, out)
	}
	t.Logf("kind %s created cluster %s in %s:\n%s", kindVersion, name, time.Since(start).Round(100*time.Millisecond), out)
	if strings.Contains(out, "Timed out waiting for Ready") {
		t.Errorf("kind timed out waiting for the control plane to be Ready")
	}

	volumes := checkKindNodeContainers(t, name)
	if b, err := os.ReadFile(wrapperLog); err != nil || !strings.Contains(string(b), " run ") {
		t.Errorf("the docker wrapper rewrote no `docker run` (log %q, %v): was it first on PATH?", b, err)
	}

	// The suite's checks address the context kina-<name>; give them a copy
	// of kind's kubeconfig with the context renamed, and leave kind's own
	// file as kind wrote it (its delete must clean it).
	kubeconfig := filepath.Join(tmp, "kubeconfig")
	b, err := os.ReadFile(kindKubeconfig)
	if err != nil {
		t.Fatalf("kind wrote no kubeconfig: %v", err)
	}
	if err := os.WriteFile(kubeconfig, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(kubectl, "--kubeconfig", kubeconfig, "config", "rename-context", "kind-"+name, "kina-"+name).CombinedOutput(); err != nil {
		t.Fatalf("rename kind's context: %v\n%s", err, out)
	}
	c := &testCluster{t: t, name: name, provider: "docker", kubeconfig: kubeconfig}
	checkNodesReady(c, 1)
	checkCoreDNS(c)
	pods := deployEcho(c, 1) // a pod scheduled and running, from the tool image
	checkServiceDNS(c, pods)
	checkStorage(c)

	start = time.Now()
	out, err = runKind("delete", "cluster", "--name", name, "--kubeconfig", kindKubeconfig)
	deleted = true
	if err != nil {
		t.Fatalf("kind delete cluster: %v\n%s", err, out)
	}
	t.Logf("kind deleted cluster %s in %s", name, time.Since(start).Round(100*time.Millisecond))

	// kind v0.33.0 deletes nodes with `docker rm -f -v`, so the anonymous
	// /var volume must be gone with them (the wrapper passes rm through).
	if left := kindContainers(t, name); left != "" {
		t.Errorf("containers left for cluster %s: %s", name, left)
	}
	// Only the nodes' own volumes are checked: other clusters may come and
	// go on a shared host meanwhile.
	for _, v := range volumes {
		if exec.Command("docker", "volume", "inspect", v).Run() == nil {
			t.Errorf("volume %s of a kind node is left after kind delete", v)
		}
	}
	if b, err := os.ReadFile(kindKubeconfig); err == nil && strings.Contains(string(b), "kind-"+name) {
		t.Errorf("kind's kubeconfig still mentions kind-%s", name)
	}
}

// buildKind installs kind into a temporary GOBIN with the Go module proxy,
// or returns $KINA_KIND.
func buildKind(t *testing.T) string {
	t.Helper()
	if k := os.Getenv("KINA_KIND"); k != "" {
		return k
	}
	gobin := t.TempDir()
	cmd := exec.Command("go", "install", "sigs.k8s.io/kind@"+kindVersion)
	cmd.Dir = gobin // outside the kina module
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-buildvcs=false")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install sigs.k8s.io/kind@%s: %v\n%s", kindVersion, err, out)
	}
	kind := filepath.Join(gobin, "kind")
	out, err := exec.Command(kind, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), kindVersion) {
		t.Fatalf("kind version: %q (%v)", out, err)
	}
	t.Logf("built %s in %s", strings.TrimSpace(string(out)), time.Since(start).Round(100*time.Millisecond))
	return kind
}

// kindContainers lists the containers of a kind cluster (any cluster when
// name is empty).
func kindContainers(t *testing.T, name string) string {
	t.Helper()
	filter := "label=io.x-k8s.kind.cluster"
	if name != "" {
		filter += "=" + name
	}
	out, err := exec.Command("docker", "ps", "-a", "--filter", filter, "--format", "{{.Names}}").CombinedOutput()
	if err != nil {
		t.Errorf("docker ps: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// checkKindNodeContainers asserts that the wrapper kept the nodes within
// what a node may do on this host: not privileged, a private cgroup
// namespace, no bind of the host's /sys/fs/cgroup. It returns the names of
// the nodes' volumes (the anonymous /var).
func checkKindNodeContainers(t *testing.T, name string) []string {
	t.Helper()
	nodes := strings.Fields(kindContainers(t, name))
	if len(nodes) == 0 {
		t.Fatalf("kind created no containers for cluster %s", name)
	}
	var volumes []string
	for _, n := range nodes {
		out, err := exec.Command("docker", "inspect", "-f",
			`{{.HostConfig.Privileged}} {{.HostConfig.CgroupnsMode}} {{range .Mounts}}{{.Source}}:{{.Destination}},{{end}}`, n).CombinedOutput()
		if err != nil {
			t.Fatalf("docker inspect %s: %v\n%s", n, err, out)
		}
		f := strings.Fields(string(out))
		if len(f) < 2 || f[0] != "false" || f[1] != "private" {
			t.Errorf("node %s: privileged/cgroupns = %q, want false private", n, out)
		}
		if strings.Contains(string(out), "/sys/fs/cgroup") {
			t.Errorf("node %s mounts /sys/fs/cgroup: %s", n, out)
		}
		vols, err := exec.Command("docker", "inspect", "-f",
			`{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}`, n).Output()
		if err != nil {
			t.Fatalf("docker inspect %s: %v", n, err)
		}
		volumes = append(volumes, strings.Fields(string(vols))...)
	}
	if len(volumes) == 0 {
		t.Errorf("kind's nodes have no volume: expected the anonymous /var")
	}
	return volumes
}
