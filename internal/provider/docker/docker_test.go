package docker

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

func boolp(b bool) *bool { return &b }

func newFake(d Dialect, restricted bool, answer func(run.Cmd) (string, error)) (*Provider, *run.Fake) {
	f := &run.Fake{Answer: func(c run.Cmd) (string, error) {
		if c.HasPrefix(d.Binary, "version") {
			return "28.2.2\n", nil
		}
		if answer != nil {
			return answer(c)
		}
		return "", nil
	}}
	return New(f, d, Options{Restricted: boolp(restricted)}), f
}

var spec = provider.NodeSpec{
	Name: "c-control-plane", Image: "kina/node:v1.34.4", Network: "kina",
	Labels: map[string]string{provider.LabelCluster: "c", provider.LabelRole: "control-plane"},
	Ports:  []provider.PortMapping{{ListenAddress: "127.0.0.1", ContainerPort: 6443}},
	Mounts: []provider.Mount{{HostPath: "/h", ContainerPath: "/c", ReadOnly: true, Propagation: "HostToContainer"}},
}

func lastCall(f *run.Fake) string {
	c := f.Calls()
	return c[len(c)-1]
}

func TestCreateNodeRestrictedDocker(t *testing.T) {
	p, f := newFake(Docker, true, nil)
	if err := p.CreateNode(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	got := lastCall(f)
	want := "docker run --detach --tty --name c-control-plane --hostname c-control-plane --network kina --restart=on-failure:1" +
		" --label io.x-k8s.kind.cluster=c --label io.x-k8s.kind.role=control-plane" +
		" --cap-add ALL --cap-drop SYS_RESOURCE --device /dev/kmsg --device-cgroup-rule 'a *:* rwm'" +
		" --security-opt seccomp=unconfined --security-opt apparmor=unconfined --cgroupns=private" +
		" --tmpfs /tmp --tmpfs /run --volume /var --volume /lib/modules:/lib/modules:ro --env container=docker" +
		" --volume /h:/c:ro,rslave --publish 127.0.0.1::6443/tcp kina/node:v1.34.4"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// A node must never share the host's cgroup namespace, unmask /proc/sys or
// bind the host's cgroup tree: each of those let a node change the host.
func TestNodeFlagsNeverTouchTheHost(t *testing.T) {
	for _, d := range []Dialect{Docker, Podman} {
		for _, restricted := range []bool{true, false} {
			p, f := newFake(d, restricted, nil)
			if err := p.CreateNode(context.Background(), spec); err != nil {
				t.Fatal(err)
			}
			got := lastCall(f)
			for _, bad := range []string{"cgroupns=host", "systempaths=unconfined", "/sys/fs/cgroup"} {
				if strings.Contains(got, bad) {
					t.Errorf("%s restricted=%v: node flags contain %q: %s", d.Name, restricted, bad, got)
				}
			}
			if restricted == strings.Contains(got, "--privileged") {
				t.Errorf("%s restricted=%v: --privileged presence wrong: %s", d.Name, restricted, got)
			}
		}
	}
}

func TestPodmanRestrictedUlimits(t *testing.T) {
	p, f := newFake(Podman, true, nil)
	if err := p.CreateNode(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	got := lastCall(f)
	for _, want := range []string{"--ulimit nofile=20000:20000", "--ulimit nproc=32768:32768", "--security-opt unmask=ALL", "--systemd=always"} {
		if !strings.Contains(got, want) {
			t.Errorf("podman node lacks %q: %s", want, got)
		}
	}
}

func TestCreateNodeNameClash(t *testing.T) {
	p, _ := newFake(Docker, true, func(c run.Cmd) (string, error) {
		return "", run.Failed(c, 125, `docker: Error response from daemon: Conflict. The container name "/c-control-plane" is already in use by container "abc".`)
	})
	err := p.CreateNode(context.Background(), spec)
	if !errors.Is(err, provider.ErrAlreadyExists) {
		t.Errorf("err = %v, want ErrAlreadyExists", err)
	}
}

func TestMountAndPortErrors(t *testing.T) {
	for _, m := range []provider.Mount{{HostPath: "", ContainerPath: "/c"}, {HostPath: "/a:b", ContainerPath: "/c"}, {HostPath: "/a", ContainerPath: "/c", Propagation: "Sideways"}} {
		if _, err := mountArg(m); err == nil {
			t.Errorf("mount %+v accepted", m)
		}
	}
	if _, err := publishArg(provider.PortMapping{ContainerPort: 80, Protocol: "ICMP"}); err == nil {
		t.Error("protocol ICMP accepted")
	}
	if got, _ := publishArg(provider.PortMapping{ListenAddress: "::1", HostPort: 8080, ContainerPort: 80, Protocol: "UDP"}); got != "[::1]:8080:80/udp" {
		t.Errorf("ipv6 publish = %q", got)
	}
}

const inspectJSON = `[{"Name":"/c-control-plane","Config":{"Image":"kina/node:v1.34.4","Labels":{"io.x-k8s.kind.cluster":"c","io.x-k8s.kind.role":"control-plane"}},
"State":{"Running":true},"NetworkSettings":{"Networks":{"kina":{"IPAddress":"172.18.0.2","GlobalIPv6Address":"fc00::2"}},
"Ports":{"6443/tcp":[{"HostIp":"127.0.0.1","HostPort":"41234"}]}}}]`

func TestListAndAddresses(t *testing.T) {
	p, f := newFake(Docker, true, func(c run.Cmd) (string, error) {
		switch {
		case c.HasPrefix("docker", "ps"):
			return "abc\n", nil
		case c.HasPrefix("docker", "inspect"):
			return inspectJSON, nil
		}
		return "", nil
	})
	ctx := context.Background()
	nodes, err := p.ListNodes(ctx, map[string]string{provider.LabelCluster: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 1 || nodes[0].Name != "c-control-plane" || nodes[0].Role != "control-plane" || !nodes[0].Running {
		t.Errorf("nodes = %+v", nodes)
	}
	if !strings.Contains(strings.Join(f.Calls(), "\n"), "docker ps --all --quiet --no-trunc --filter label=io.x-k8s.kind.cluster=c") {
		t.Errorf("calls = %q", f.Calls())
	}
	v4, v6, err := p.NodeAddresses(ctx, "c-control-plane")
	if err != nil || v4 != "172.18.0.2" || v6 != "fc00::2" {
		t.Errorf("addresses = %q %q %v", v4, v6, err)
	}
	host, port, err := p.HostPort(ctx, "c-control-plane", 6443)
	if err != nil || host != "127.0.0.1" || port != 41234 {
		t.Errorf("host port = %q %d %v", host, port, err)
	}
	if _, _, err := p.HostPort(ctx, "c-control-plane", 80); err == nil {
		t.Error("unpublished port found")
	}
}

func TestDeleteIgnoresMissing(t *testing.T) {
	p, f := newFake(Docker, true, func(c run.Cmd) (string, error) {
		return "", run.Failed(c, 1, "Error: No such container: a\nError: No such container: b\n")
	})
	if err := p.DeleteNodes(context.Background(), "a", "b"); err != nil {
		t.Errorf("delete of missing nodes: %v", err)
	}
	if got := lastCall(f); got != "docker rm --force --volumes a b" {
		t.Errorf("delete ran %q", got)
	}
	p, _ = newFake(Docker, true, func(c run.Cmd) (string, error) {
		return "", run.Failed(c, 1, "Error: No such container: a\nError response from daemon: driver failed\n")
	})
	if err := p.DeleteNodes(context.Background(), "a", "b"); err == nil {
		t.Error("a real delete failure was ignored")
	}
}

func TestExecPassesStdinAndEnv(t *testing.T) {
	p, f := newFake(Docker, true, nil)
	err := p.Exec(context.Background(), "n", provider.Cmd{Args: []string{"cp", "/dev/stdin", "/x; rm -rf /"}, Env: []string{"A=b c"}, Stdin: strings.NewReader("data")})
	if err != nil {
		t.Fatal(err)
	}
	if got := lastCall(f); got != "docker exec --interactive --env 'A=b c' n cp /dev/stdin '/x; rm -rf /'" {
		t.Errorf("exec ran %q", got)
	}
}

func TestBoundingSet(t *testing.T) {
	if boundingSetHas("CapBnd:\t000001fffeffffff\n", capSysResource) {
		t.Error("CAP_SYS_RESOURCE reported present in 000001fffeffffff")
	}
	if !boundingSetHas("CapBnd:\t000001ffffffffff\n", capSysResource) {
		t.Error("CAP_SYS_RESOURCE reported missing from a full set")
	}
}

func TestExecInMissingNodeIsNotFound(t *testing.T) {
	for _, tc := range []struct {
		d      Dialect
		stderr string
	}{
		{Docker, "Error response from daemon: No such container: gone\n"},
		{Podman, `Error: no container with name or ID "gone" found: no such container` + "\n"},
	} {
		p, _ := newFake(tc.d, true, func(c run.Cmd) (string, error) { return "", run.Failed(c, 1, tc.stderr) })
		if err := p.Exec(context.Background(), "gone", provider.Cmd{Args: []string{"true"}}); !errors.Is(err, provider.ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", tc.d.Name, err)
		}
	}
	// A command in the node that fails is not a missing node.
	p, _ := newFake(Docker, true, func(c run.Cmd) (string, error) { return "", run.Failed(c, 1, "cat: /x: No such file or directory\n") })
	if err := p.Exec(context.Background(), "n", provider.Cmd{Args: []string{"cat", "/x"}}); err == nil || errors.Is(err, provider.ErrNotFound) {
		t.Errorf("err = %v, want a plain command failure", err)
	}
}
