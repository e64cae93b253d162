package e2e

import (
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// hostState is what a node must never change on the host.
type hostState struct {
	sysctls      map[string]string
	cgroupMounts string
}

var watchedSysctls = []string{
	"vm/overcommit_memory", "kernel/panic", "kernel/panic_on_oops",
	"fs/protected_fifos", "fs/protected_hardlinks", "fs/protected_regular", "fs/protected_symlinks",
	"net/netfilter/nf_conntrack_max",
}

func readHostState(t *testing.T) hostState {
	t.Helper()
	s := hostState{sysctls: map[string]string{}}
	for _, k := range watchedSysctls {
		b, err := os.ReadFile("/proc/sys/" + k)
		if err == nil {
			s.sysctls[k] = strings.TrimSpace(string(b))
		}
	}
	mounts, err := os.ReadFile("/proc/mounts")
	if err != nil {
		t.Fatal(err)
	}
	var cg []string
	for _, line := range strings.Split(string(mounts), "\n") {
		if f := strings.Fields(line); len(f) > 3 && strings.HasPrefix(f[1], "/sys/fs/cgroup") {
			cg = append(cg, line)
		}
	}
	sort.Strings(cg)
	s.cgroupMounts = strings.Join(cg, "\n")
	return s
}

// guardHost records the host's state now and checks, when the test ends,
// that it is unchanged.
func guardHost(t *testing.T) {
	before := readHostState(t)
	t.Cleanup(func() {
		after := readHostState(t)
		for k, v := range before.sysctls {
			if after.sysctls[k] != v {
				t.Errorf("host sysctl %s changed from %s to %s", k, v, after.sysctls[k])
			}
		}
		if after.cgroupMounts != before.cgroupMounts {
			t.Errorf("host cgroup mounts changed:\nbefore:\n%s\nafter:\n%s", before.cgroupMounts, after.cgroupMounts)
		}
	})
}

// clusterVolumes returns the volumes mounted by the containers of cluster
// name (each node's anonymous /var). Other work on the same runtime may
// create volumes meanwhile, so cleanup is checked against these names.
func clusterVolumes(t *testing.T, runtime, name string) []string {
	t.Helper()
	out, err := exec.Command(runtime, "ps", "-a", "-q", "--filter", "label=io.x-k8s.kind.cluster="+name).Output()
	if err != nil {
		t.Fatalf("%s ps: %v", runtime, err)
	}
	var vols []string
	for _, id := range strings.Fields(string(out)) {
		v, err := exec.Command(runtime, "inspect", "-f", `{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}`, id).Output()
		if err != nil {
			t.Fatalf("%s inspect %s: %v", runtime, id, err)
		}
		vols = append(vols, strings.Fields(string(v))...)
	}
	if len(vols) == 0 {
		t.Errorf("cluster %s has no volumes: expected each node's /var", name)
	}
	return vols
}

// checkNothingLeft asserts that no container, volume, network or kubeconfig
// entry of the cluster remains after delete.
func checkNothingLeft(t *testing.T, runtime, name, kubeconfig string, volumes []string) {
	t.Helper()
	out, err := exec.Command(runtime, "ps", "-a", "--filter", "label=io.x-k8s.kind.cluster="+name, "--format", "{{.Names}}").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("containers left for cluster %s: %q (%v)", name, out, err)
	}
	checkVolumesGone(t, runtime, volumes)
	out, _ = exec.Command(runtime, "ps", "-a", "--filter", "label=dev.kina.owner=kina", "--format", "{{.Names}}").CombinedOutput()
	if strings.TrimSpace(string(out)) == "" {
		if err := exec.Command(runtime, "network", "inspect", "kina").Run(); err == nil {
			t.Errorf("network kina is left although no kina cluster remains")
		}
	}
	if b, err := os.ReadFile(kubeconfig); err == nil && strings.Contains(string(b), "kina-"+name) {
		t.Errorf("kubeconfig %s still mentions kina-%s:\n%s", kubeconfig, name, b)
	}
}

func listVolumes(t *testing.T, runtime string) []string {
	t.Helper()
	out, err := exec.Command(runtime, "volume", "ls", "-q").Output()
	if err != nil {
		t.Fatalf("%s volume ls: %v", runtime, err)
	}
	return strings.Fields(string(out))
}

// checkVolumesGone asserts that none of the named volumes exists any more.
func checkVolumesGone(t *testing.T, runtime string, volumes []string) {
	t.Helper()
	for _, v := range volumes {
		if exec.Command(runtime, "volume", "inspect", v).Run() == nil {
			t.Errorf("volume %s is left behind", v)
		}
	}
}
