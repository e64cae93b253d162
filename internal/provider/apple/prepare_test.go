package apple

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple/applefake"
	"github.com/kina-dev/kina/pkg/provider"
)

func TestPrepareNode(t *testing.T) {
	ctx := context.Background()
	p, f := newFake(t, applefake.Config{Version: "1.2.1"})
	spec := controlPlane()
	spec.Network = ""
	if err := p.CreateNode(ctx, spec); err != nil {
		t.Fatal(err)
	}
	f.Reset()
	if err := PrepareNode(ctx, p, spec.Name); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range f.Calls() {
		got = append(got, strings.Join(c, " "))
	}
	rule := "-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1220"
	want := []string{
		"exec kina-control-plane sysctl -w net.ipv4.ip_forward=1",
		"exec kina-control-plane sysctl -w net.bridge.bridge-nf-call-iptables=1",
		"exec kina-control-plane sysctl -w net.bridge.bridge-nf-call-ip6tables=1",
		"exec kina-control-plane iptables -t mangle -C OUTPUT " + rule,
		"exec kina-control-plane iptables -t mangle -A OUTPUT " + rule,
		"exec kina-control-plane iptables -t mangle -C FORWARD " + rule,
		"exec kina-control-plane iptables -t mangle -A FORWARD " + rule,
		"exec kina-control-plane ip6tables -t mangle -C OUTPUT " + rule,
		"exec kina-control-plane ip6tables -t mangle -A OUTPUT " + rule,
		"exec kina-control-plane ip6tables -t mangle -C FORWARD " + rule,
		"exec kina-control-plane ip6tables -t mangle -A FORWARD " + rule,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range got {
		if strings.Contains(c, "iptables-nft") || strings.Contains(c, "iptables-legacy") {
			t.Errorf("hard-coded iptables backend: %s", c)
		}
	}
}

// failExec fails the commands whose argv starts with a listed word.
type failExec map[string]bool

func (f failExec) Exec(_ context.Context, _ string, c provider.Cmd) error {
	if f[c.Args[0]] || f[strings.Join(c.Args[:min(len(c.Args), 3)], " ")] {
		return context.Canceled
	}
	return nil
}

func TestPrepareNodeOptionalSteps(t *testing.T) {
	// The 6.12 kernel: no br_netfilter, no ip6tables.
	e := failExec{"ip6tables": true, "sysctl -w net.bridge.bridge-nf-call-iptables=1": true}
	if err := PrepareNode(context.Background(), e, "n"); err != nil {
		t.Errorf("optional failures stopped preparation: %v", err)
	}
	if err := PrepareNode(context.Background(), failExec{"sysctl -w net.ipv4.ip_forward=1": true}, "n"); err == nil {
		t.Error("ip_forward failure ignored")
	}
}

func TestKernelCheck(t *testing.T) {
	for rel, old := range map[string]bool{"6.12.28": true, "6.12.28-153\n": true, "6.1.68": true,
		"6.18.5": false, "6.18.15-186": false, "7.0.1": false, "garbage": false} {
		r := CheckKernel(rel)
		if r.Old != old {
			t.Errorf("CheckKernel(%q).Old = %v", rel, r.Old)
		}
		if old && (!strings.Contains(r.Warning, "container system kernel set --recommended --force") || len(r.Fix) == 0) {
			t.Errorf("CheckKernel(%q) gives no fix: %+v", rel, r)
		}
	}
	ctx := context.Background()
	p, _ := newFake(t, applefake.Config{Version: "0.5"})
	spec := controlPlane()
	spec.Network = ""
	if err := p.CreateNode(ctx, spec); err != nil {
		t.Fatal(err)
	}
	r, err := NodeKernel(ctx, p, spec.Name)
	if err != nil || r.Release != "6.12.28" || !r.Old {
		t.Errorf("NodeKernel on 0.5 = %+v, %v", r, err)
	}
}

func TestSaveImages(t *testing.T) {
	ctx := context.Background()
	for _, v := range []string{"0.5", "1.2.1"} {
		p, f := newFake(t, applefake.Config{Version: v})
		var buf bytes.Buffer
		if err := p.SaveImages(ctx, &buf, "docker.io/library/nginx:1.27"); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if buf.String() != "FAKE-OCI-ARCHIVE docker.io/library/nginx:1.27\n" {
			t.Errorf("%s: archive %q", v, buf.String())
		}
		last := f.Calls()[len(f.Calls())-1]
		if !reflect.DeepEqual(last[:4], []string{"image", "save", "--platform", "linux/arm64"}) {
			t.Errorf("%s: %q", v, last)
		}
		if uses := contains(last, "--output"); uses != (v == "0.5") {
			t.Errorf("%s: --output used = %v", v, uses)
		}
	}
}

func TestFullReference(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                      "docker.io/library/nginx:latest",
		"nginx:1.27":                 "docker.io/library/nginx:1.27",
		"me/app:v1":                  "docker.io/me/app:v1",
		"ghcr.io/me/app":             "ghcr.io/me/app:latest",
		"localhost:5000/app:dev":     "localhost:5000/app:dev",
		"registry.k8s.io/pause:3.10": "registry.k8s.io/pause:3.10",
		"nginx@sha256:abc":           "docker.io/library/nginx@sha256:abc",
	} {
		if got := FullReference(in); got != want {
			t.Errorf("FullReference(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExecArgsAndLogs(t *testing.T) {
	args := ExecArgs("n", provider.Cmd{Args: []string{"ctr", "images", "import", "-"}, Env: []string{"A=1"}, Stdin: strings.NewReader("")})
	want := []string{"exec", "--interactive", "--env", "A=1", "n", "ctr", "images", "import", "-"}
	if !reflect.DeepEqual(args, want) {
		t.Errorf("ExecArgs = %q", args)
	}
	ctx := context.Background()
	p, _ := newFake(t, applefake.Config{Version: "1.0"})
	spec := controlPlane()
	spec.Network = ""
	if err := p.CreateNode(ctx, spec); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	if err := p.Logs(ctx, spec.Name, &logs); err != nil || !strings.Contains(logs.String(), "multi-user") {
		t.Errorf("Logs = %q, %v", logs.String(), err)
	}
	host, port, err := p.HostPort(ctx, spec.Name, 6443)
	if err != nil || host != "127.0.0.1" || port != 53187 {
		t.Errorf("HostPort = %s:%d, %v", host, port, err)
	}
}
