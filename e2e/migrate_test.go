package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kina-dev/kina/internal/config"
	"github.com/kina-dev/kina/internal/migrate"
)

// TestMigrateFromKind creates a kind cluster (two workers, a port mapping, a
// mount), finds it with `kina get kind-clusters`, checks the rebuilt config
// against the original, recreates it with `kina migrate` under another name
// beside it, and checks topology, mapping, mount and carried images on the
// new cluster, and that the kind cluster was not touched.
func TestMigrateFromKind(t *testing.T) {
	requireRuntime(t, "docker")
	guardHost(t)
	const src, dst = "mig-kind", "mig-kina"
	kind := buildKind(t)
	waitForNodeRoom(t, 6)
	tmp := t.TempDir()

	data := filepath.Join(tmp, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "hello"), []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	kindPort, kinaPort := freePort(t), freePort(t)
	original := fmt.Sprintf(`kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
  image: %[1]s
  extraPortMappings:
  - containerPort: 30080
    hostPort: %[2]d
    listenAddress: 127.0.0.1
- role: worker
  image: %[1]s
  labels:
    mount: "yes"
  extraMounts:
  - hostPath: %[3]s
    containerPath: /data
    readOnly: true
- role: worker
  image: %[1]s
`, nodeImage, kindPort, data)
	cfgPath := filepath.Join(tmp, "kind.yaml")
	if err := os.WriteFile(cfgPath, []byte(original), 0o644); err != nil {
		t.Fatal(err)
	}

	kindKubeconfig := filepath.Join(tmp, "kind-kubeconfig")
	env := append(os.Environ(),
		"PATH="+migWrapperDir(t)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"KUBECONFIG="+kindKubeconfig)
	runKind := func(args ...string) (string, error) {
		cmd := exec.Command(kind, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	var kindVolumes []string
	kindNetworkExisted := exec.Command("docker", "network", "inspect", "kind").Run() == nil
	t.Cleanup(func() {
		if out, err := runKind("delete", "cluster", "--name", src, "--kubeconfig", kindKubeconfig); err != nil {
			t.Errorf("kind delete cluster: %v\n%s", err, out)
		}
		if left := kindContainers(t, src); left != "" {
			exec.Command("docker", append([]string{"rm", "-f", "-v"}, strings.Fields(left)...)...).Run()
		}
		if !kindNetworkExisted && kindContainers(t, "") == "" {
			exec.Command("docker", "network", "rm", "kind").Run()
		}
		checkVolumesGone(t, "docker", kindVolumes)
	})
	start := time.Now()
	if out, err := runKind("create", "cluster", "--name", src, "--config", cfgPath, "--wait", "3m", "--kubeconfig", kindKubeconfig); err != nil {
		t.Fatalf("kind create cluster: %v\n%s", err, out)
	}
	t.Logf("kind created %s in %s", src, time.Since(start).Round(time.Second))
	kindVolumes = clusterVolumes(t, "docker", src)
	// An image only the kind cluster holds, for --load-images to carry.
	const marker = "docker.io/kina-e2e/migrate-marker:v1"
	if out, err := exec.Command("docker", "exec", src+"-worker2", "sh", "-c",
		`ctr -n k8s.io images tag "$(crictl images -o json | grep -o '"registry.k8s.io/pause:[^"]*"' | head -1 | tr -d '"')" "$1"`, "sh", marker).CombinedOutput(); err != nil {
		t.Fatalf("tag marker image in kind node: %v\n%s", err, out)
	}

	kinaKubeconfig := filepath.Join(tmp, "kina-kubeconfig")
	c := &testCluster{t: t, name: dst, provider: "docker", kubeconfig: kinaKubeconfig,
		env: append(os.Environ(), "KUBECONFIG="+kinaKubeconfig, "KINA_PROVIDER=docker")}

	// 1. Found, with its topology, image, version and endpoint.
	out, err := c.kinaOut("get", "kind-clusters", "--output", "json")
	if err != nil {
		t.Fatalf("get kind-clusters: %v\n%s", err, out)
	}
	var found []migrate.Cluster
	if err := json.Unmarshal([]byte(out[strings.Index(out, "["):]), &found); err != nil {
		t.Fatalf("get kind-clusters --output json: %v\n%s", err, out)
	}
	var kc *migrate.Cluster
	for i := range found {
		if found[i].Name == src {
			kc = &found[i]
		}
		if found[i].Name == dst {
			t.Errorf("kina's own cluster listed as a kind cluster")
		}
	}
	if kc == nil {
		t.Fatalf("kind cluster %s not listed: %s", src, out)
	}
	if kc.Provider != "docker" || !kc.Running || kc.Roles["control-plane"] != 1 || kc.Roles["worker"] != 2 ||
		kc.Image != nodeImage || !strings.HasPrefix(kc.KubernetesVersion, "v1.") || !strings.HasPrefix(kc.APIEndpoint, "https://127.0.0.1:") {
		t.Errorf("listed as %+v", kc)
	}

	// 2. The rebuilt config differs from the original only where its
	// comment says so.
	rebuilt, err := c.kinaOut("migrate", src, "--dry-run", "--quiet")
	if err != nil {
		t.Fatalf("migrate --dry-run: %v\n%s", err, rebuilt)
	}
	t.Logf("rebuilt config:\n%s", rebuilt)
	got := migParse(t, []byte(rebuilt), "rebuilt")
	want := migParse(t, []byte(original), "original")
	want.Cluster.Name = src
	migrate.SortPortMappings(&want.Cluster)
	listed := migrate.MissingFields([]byte(rebuilt))
	for _, d := range migrate.Diff(&want.Cluster, &got.Cluster) {
		if !migrate.Covered(d, listed) {
			t.Errorf("rebuilt config differs from the original at %s, which its comment does not list (%v)", d, listed)
		}
	}

	// 3. Recreated beside it, under another name, on Docker. Other work
	// may have started nodes since: the three new ones need room too.
	waitForNodeRoom(t, 3)
	before := migKindState(t, src)
	t.Cleanup(func() {
		// Other work on this host creates volumes too: check this cluster's own.
		own := clusterVolumes(t, "docker", dst)
		if out, err := c.kinaOut("delete", "cluster", "--name", dst, "--kubeconfig", kinaKubeconfig); err != nil {
			t.Errorf("delete cluster %s: %v\n%s", dst, err, out)
		}
		checkNothingLeft(t, "docker", dst, kinaKubeconfig, own)
	})
	start = time.Now()
	out, err = c.kinaOut("migrate", src, "--name", dst, "--provider", "docker",
		"--host-port-offset", fmt.Sprint(kinaPort-kindPort), "--load-images", "--wait", "3m")
	if err != nil {
		t.Fatalf("kina migrate: %v\n%s", err, out)
	}
	t.Logf("kina migrate in %s:\n%s", time.Since(start).Round(time.Second), out)

	migExplainNotReady(c, 3)
	checkNodesReady(c, 3)
	if out := c.mustKubectl("", "get", "nodes", "-l", "mount=yes", "-o", "name"); strings.TrimSpace(out) != "node/"+dst+"-worker" {
		t.Errorf("nodes labelled mount=yes: %q", out)
	}
	checkNodePortFromHost(c, migToolImage(c), "migrated", kinaPort)
	checkMountedFile(c, migToolImage(c), "/data", "hello", "from the host", false)
	for _, n := range []string{dst + "-control-plane", dst + "-worker", dst + "-worker2"} {
		out, err := exec.Command("docker", "exec", n, "crictl", "images", "-o", "json").CombinedOutput()
		if err != nil || !strings.Contains(string(out), marker) {
			t.Errorf("node %s lacks the carried image %s: %v", n, marker, err)
		}
	}

	// 4. The kind cluster is untouched: same containers, never restarted,
	// its kubeconfig entry in place and its API answering.
	if after := migKindState(t, src); after != before {
		t.Errorf("kind's containers changed:\nbefore %s\nafter  %s", before, after)
	}
	kindCtl := exec.Command(kubectl, "--kubeconfig", kindKubeconfig, "--context", "kind-"+src, "get", "nodes", "-o", "name")
	if out, err := kindCtl.CombinedOutput(); err != nil || strings.Count(string(out), "node/") != 3 {
		t.Errorf("kind cluster after migrate: %v\n%s", err, out)
	}
}

// inotifyPerNode is about how many inotify instances a booted node holds
// (systemd, journald, containerd, kubelet...), measured on kina/node:v1.34.4.
const inotifyPerNode = 15

// waitForNodeRoom waits until n more nodes fit under the host's
// fs.inotify.max_user_instances: every node's processes run as root, so all
// nodes share one budget (128 by default, about 8 nodes), and a node past it
// never finishes booting. Other work on the host may hold nodes (kind's and
// kina's carry the same cluster label); the test waits for room rather than
// fail in the middle.
func waitForNodeRoom(t *testing.T, n int) {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/fs/inotify/max_user_instances")
	if err != nil {
		return
	}
	var max int
	fmt.Sscan(string(b), &max)
	fit := max / inotifyPerNode
	deadline := time.Now().Add(10 * time.Minute)
	for {
		others := len(strings.Fields(kindContainers(t, "")))
		if others+n <= fit {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d more nodes do not fit beside the %d running: fs.inotify.max_user_instances=%d holds about %d nodes", n, others, max, fit)
		}
		t.Logf("waiting for room for %d nodes: %d node containers already run, about %d fit", n, others, fit)
		time.Sleep(20 * time.Second)
	}
}

// migExplainNotReady fails with the cause when a node's kubelet could not
// start because the host's inotify budget ran out (other clusters started
// while this one was being created), rather than with "not Ready".
func migExplainNotReady(c *testCluster, want int) {
	c.t.Helper()
	out, _ := c.kubectl("", "get", "nodes", "-o", `jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}`)
	if strings.Count(out, "True") == want {
		return
	}
	for _, n := range strings.Fields(kindContainers(c.t, c.name)) {
		log, _ := exec.Command("docker", "exec", n, "journalctl", "-u", "kubelet", "--no-pager").CombinedOutput()
		if strings.Contains(string(log), "inotify_init: too many open files") {
			c.t.Fatalf("node %s: kubelet cannot start, the host's fs.inotify.max_user_instances is used up (%d node containers on the host now); rerun when fewer clusters run",
				n, len(strings.Fields(kindContainers(c.t, ""))))
		}
	}
}

// migWrapperDir is hack/kind-docker-wrapper, which kind needs first on PATH
// on hosts where --privileged is impossible.
func migWrapperDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../hack/kind-docker-wrapper")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "docker")); err != nil {
		t.Fatalf("the docker wrapper is missing: %v", err)
	}
	return dir
}

func migParse(t *testing.T, raw []byte, source string) *config.Config {
	t.Helper()
	c, err := config.Parse(raw, source)
	if err != nil {
		t.Fatalf("parse %s: %v", source, err)
	}
	if err := config.Validate(c); err != nil {
		t.Fatalf("validate %s: %v", source, err)
	}
	return c
}

// migKindState identifies the kind cluster's containers and their starts.
func migKindState(t *testing.T, name string) string {
	t.Helper()
	ids := strings.Fields(kindContainers(t, name))
	out, err := exec.Command("docker", append([]string{"inspect", "-f", "{{.Name}} {{.Id}} {{.State.Running}} {{.State.StartedAt}} {{.RestartCount}}"}, ids...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("inspect kind's containers: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// migToolImage is a busybox image the node image holds.
func migToolImage(c *testCluster) string {
	if img := toolImage(); img != "TODO" {
		return img
	}
	out, err := exec.Command("docker", "exec", c.name+"-control-plane", "crictl", "images", "-o", "json").Output()
	if err != nil {
		c.t.Fatalf("list node images: %v", err)
	}
	var list struct {
		Images []struct{ RepoTags []string } `json:"images"`
	}
	json.Unmarshal(out, &list)
	for _, i := range list.Images {
		for _, tag := range i.RepoTags {
			if strings.Contains(tag, "local-path-helper") || strings.Contains(tag, "busybox") {
				return tag
			}
		}
	}
	c.t.Fatalf("no busybox image in the node image")
	return ""
}
