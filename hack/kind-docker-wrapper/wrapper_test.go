// Package wrapper tests the kind docker wrapper (the POSIX sh script
// ./docker) against a fake "real docker" that prints its argv, one argument
// per line in brackets, so that every byte of every argument is compared.
package wrapper

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// restricted is exactly what --privileged becomes on run/create
// (../shared/research/node-feasibility.md §1).
var restricted = []string{
	"--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
	"--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
	"--device", "/dev/kmsg", "--device-cgroup-rule", "a *:* rwm",
}

const fakeDocker = `#!/bin/sh
for a in "$@"; do printf '[%s]\n' "$a"; done
if [ -n "${FAKE_READ_STDIN:-}" ]; then printf '<%s>\n' "$(cat)"; fi
exit ${FAKE_EXIT:-0}
`

type env struct {
	wrapper  string
	fakeDir  string
	fakePath string
}

func setup(t *testing.T) env {
	t.Helper()
	wrapper, err := filepath.Abs("docker")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "docker")
	if err := os.WriteFile(fake, []byte(fakeDocker), 0o755); err != nil {
		t.Fatal(err)
	}
	return env{wrapper: wrapper, fakeDir: dir, fakePath: fake}
}

// run calls the wrapper with args and returns the argv the fake docker got.
func (e env) run(t *testing.T, extraEnv []string, args ...string) []string {
	t.Helper()
	cmd := exec.Command(e.wrapper, args...)
	cmd.Env = append(os.Environ(), "KINA_REAL_DOCKER="+e.fakePath)
	cmd.Env = append(cmd.Env, extraEnv...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("wrapper %q: %v", args, err)
	}
	return parse(t, string(out))
}

func parse(t *testing.T, out string) []string {
	t.Helper()
	got := []string{}
	for out != "" {
		if !strings.HasPrefix(out, "[") {
			t.Fatalf("unexpected fake docker output %q", out)
		}
		end := strings.Index(out, "]\n")
		if end < 0 {
			t.Fatalf("unterminated argument in %q", out)
		}
		got = append(got, out[1:end])
		out = out[end+2:]
	}
	return got
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestRewrite(t *testing.T) {
	e := setup(t)
	// The argument list kind v0.33.0 passes for a control-plane node
	// (pkg/cluster/internal/providers/docker/provision.go).
	kindRunPrefix := []string{"run", "--name", "kc-control-plane",
		"--hostname", "kc-control-plane", "--label", "io.x-k8s.kind.role=control-plane"}
	kindRunSuffix := []string{
		"--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
		"--tmpfs", "/tmp", "--tmpfs", "/run", "--volume", "/var",
		"--volume", "/lib/modules:/lib/modules:ro", "-e", "KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER",
		"--detach", "--tty", "--label", "io.x-k8s.kind.cluster=kc", "--net", "kind",
		"--restart=on-failure:1", "--init=false", "--cgroupns=private",
		"--publish=127.0.0.1:41235:6443/TCP", "-e", "KUBECONFIG=/etc/kubernetes/admin.conf",
		"kina/node:v1.34.4"}
	odd := []string{"", " ", "a b", "*", "$HOME", "`id`", "'q'", `"dq"`, "new\nline", "-", "--privileged", "\\"}

	cases := []struct {
		name string
		in   []string
		want []string
	}{
		{"kind node run", cat(kindRunPrefix, []string{"--privileged"}, kindRunSuffix),
			cat(kindRunPrefix, restricted, kindRunSuffix)},
		{"create", []string{"create", "--privileged", "img"}, cat([]string{"create"}, restricted, []string{"img"})},
		{"container run", []string{"container", "run", "--privileged", "img"},
			cat([]string{"container", "run"}, restricted, []string{"img"})},
		{"container create", []string{"container", "create", "-d", "--privileged", "img", "--privileged"},
			cat([]string{"container", "create", "-d"}, restricted, []string{"img", "--privileged"})},
		{"global options first", []string{"-H", "unix:///var/run/docker.sock", "--context", "run", "-D", "run", "--privileged", "img"},
			cat([]string{"-H", "unix:///var/run/docker.sock", "--context", "run", "-D", "run"}, restricted, []string{"img"})},
		{"global option with =", []string{"--host=unix:///x", "run", "--privileged", "img"},
			cat([]string{"--host=unix:///x", "run"}, restricted, []string{"img"})},
		{"command after image untouched", cat([]string{"run", "--rm", "--privileged", "img", "sh", "-c", "echo --privileged"}, odd),
			cat([]string{"run", "--rm"}, restricted, []string{"img", "sh", "-c", "echo --privileged"}, odd)},
		{"odd values of options", []string{"run", "-e", "A=b c", "-e", "*", "--label", "x=$(id)", "--privileged", "-e", "", "img", ""},
			cat([]string{"run", "-e", "A=b c", "-e", "*", "--label", "x=$(id)"}, restricted, []string{"-e", "", "img", ""})},
		{"option value that looks like --privileged", []string{"run", "-e", "--privileged", "--name", "--privileged", "img"},
			[]string{"run", "-e", "--privileged", "--name", "--privileged", "img"}},
		{"short clusters", []string{"run", "-it", "-dv", "/a:/b", "-eX=1", "--privileged", "-p", "80:80", "img"},
			cat([]string{"run", "-it", "-dv", "/a:/b", "-eX=1"}, restricted, []string{"-p", "80:80", "img"})},
		{"short value attached then image", []string{"run", "-vfoo", "img", "--privileged"},
			[]string{"run", "-vfoo", "img", "--privileged"}},
		{"privileged=true", []string{"run", "--privileged=true", "img"}, cat([]string{"run"}, restricted, []string{"img"})},
		{"privileged=false", []string{"run", "--privileged=false", "img"}, []string{"run", "img"}},
		{"double dash", []string{"run", "--", "--privileged"}, []string{"run", "--", "--privileged"}},
		{"cgroupns kept", []string{"run", "--cgroupns=private", "--privileged", "img"},
			cat([]string{"run", "--cgroupns=private"}, restricted, []string{"img"})},
		{"exec drops privileged", []string{"exec", "--privileged", "-i", "-e", "A=b c", "node", "sh", "-c", "cat > '/x y'", "--privileged"},
			[]string{"exec", "-i", "-e", "A=b c", "node", "sh", "-c", "cat > '/x y'", "--privileged"}},
		{"container exec", []string{"container", "exec", "--privileged", "node", "true"}, []string{"container", "exec", "node", "true"}},
		{"exec -u value", []string{"exec", "-u", "--privileged", "node"}, []string{"exec", "-u", "--privileged", "node"}},
		{"rm unchanged", []string{"rm", "-f", "-v", "a", "b"}, []string{"rm", "-f", "-v", "a", "b"}},
		{"other commands unchanged", cat([]string{"inspect", "--format", "{{ .State }}", "--privileged"}, odd),
			cat([]string{"inspect", "--format", "{{ .State }}", "--privileged"}, odd)},
		{"network create unchanged", []string{"network", "create", "-d=bridge", "-o", "com.docker.network.bridge.enable_ip_masquerade=true", "kind"},
			[]string{"network", "create", "-d=bridge", "-o", "com.docker.network.bridge.enable_ip_masquerade=true", "kind"}},
		{"no arguments", []string{}, []string{}},
		{"only odd arguments", odd, odd},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := e.run(t, nil, c.in...)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("wrapper %q\n got %q\nwant %q", c.in, got, c.want)
			}
			for _, a := range got {
				if a == "--cgroupns=host" || strings.Contains(a, "systempaths=unconfined") || strings.Contains(a, "/sys/fs/cgroup") {
					t.Errorf("forbidden argument %q in %q", a, got)
				}
			}
		})
	}
}

// TestPathLookup puts the wrapper first on PATH (as kind sees it) and checks
// it finds the next docker on PATH rather than itself.
func TestPathLookup(t *testing.T) {
	e := setup(t)
	wrapperDir := filepath.Dir(e.wrapper)
	// A symlink to the wrapper in another directory must be skipped too.
	linkDir := t.TempDir()
	if err := os.Symlink(e.wrapper, filepath.Join(linkDir, "docker")); err != nil {
		t.Fatal(err)
	}
	path := wrapperDir + ":" + linkDir + "::" + e.fakeDir + ":/usr/bin:/bin"
	t.Setenv("PATH", path) // exec.Command looks the name up in our own PATH
	cmd := exec.Command("docker", "run", "--privileged", "img")
	cmd.Env = []string{"PATH=" + path}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := parse(t, string(out))
	if want := cat([]string{"run"}, restricted, []string{"img"}); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if cmd.Path != filepath.Join(wrapperDir, "docker") {
		t.Errorf("PATH lookup found %s, not the wrapper", cmd.Path)
	}
}

func TestNoRealDocker(t *testing.T) {
	e := setup(t)
	cmd := exec.Command(e.wrapper, "ps")
	cmd.Env = []string{"PATH=" + filepath.Dir(e.wrapper) + ":/nonexistent"}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 127 {
		t.Fatalf("want exit 127, got %v: %s", err, out)
	}
	if !strings.Contains(string(out), "no docker found") {
		t.Errorf("unclear error: %s", out)
	}
}

// TestStdioAndExitCode: stdin, stdout and the exit status pass through (the
// wrapper execs docker), as kind's `docker exec -i node cp /dev/stdin ...` needs.
func TestStdioAndExitCode(t *testing.T) {
	e := setup(t)
	cmd := exec.Command(e.wrapper, "exec", "--privileged", "-i", "node", "cp", "/dev/stdin", "/kind/kubeadm.conf")
	cmd.Env = append(os.Environ(), "KINA_REAL_DOCKER="+e.fakePath, "FAKE_READ_STDIN=1", "FAKE_EXIT=3")
	cmd.Stdin = strings.NewReader("line 1\nline 2")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("want exit 3, got %v", err)
	}
	want := "[exec]\n[-i]\n[node]\n[cp]\n[/dev/stdin]\n[/kind/kubeadm.conf]\n<line 1\nline 2>\n"
	if string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestLog(t *testing.T) {
	e := setup(t)
	log := filepath.Join(t.TempDir(), "log")
	e.run(t, []string{"KINA_DOCKER_WRAPPER_LOG=" + log}, "ps", "-a")
	e.run(t, []string{"KINA_DOCKER_WRAPPER_LOG=" + log}, "run", "--privileged", "img")
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.fakePath + " run " + strings.Join(restricted, " ") + " img\n"; string(b) != want {
		t.Errorf("log %q, want %q", b, want)
	}
}
