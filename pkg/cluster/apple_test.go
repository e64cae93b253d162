package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple"
	"github.com/kina-dev/kina/internal/provider/apple/applefake"
	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/cluster"
)

func TestMain(m *testing.M) {
	applefake.Main()
	os.Exit(m.Run())
}

// createOnDouble runs a whole create against the `container` double.
func createOnDouble(t *testing.T, version, config string) (*applefake.Fake, cluster.Created, error) {
	t.Helper()
	fake := applefake.Install(t, applefake.Config{Version: version})
	p := apple.New(run.Exec{}, apple.WithBinary(fake.Bin), apple.WithHostResources(apple.HostResources{CPUs: 8, MemoryMB: 16384}))
	opts := cluster.CreateOptions{Name: "mac", Image: "kindest/node:v1.34.0", Kubeconfig: filepath.Join(t.TempDir(), "kubeconfig")}
	if config != "" {
		opts.ConfigFile = filepath.Join(t.TempDir(), "kind.yaml")
		if err := os.WriteFile(opts.ConfigFile, []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := cluster.New(p).Create(context.Background(), opts)
	return fake, res, err
}

func joined(calls [][]string) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = strings.Join(c, " ")
	}
	return out
}

// TestCreateOnAppleDouble pins the command lines a single-node create issues
// on Apple's CLI 1.2.1, in order: the node's run line carries what the
// research says a working node needs, and node preparation runs before kubeadm.
func TestCreateOnAppleDouble(t *testing.T) {
	fake, res, err := createOnDouble(t, "1.2.1", "")
	if err != nil {
		t.Fatal(err)
	}
	calls := joined(fake.Calls())
	var runLine string
	for _, c := range calls {
		if strings.HasPrefix(c, "run -d") {
			runLine = c
		}
	}
	for _, want := range []string{"--name mac-control-plane", "--cap-add ALL", "--masked-path NONE --read-only-path NONE",
		"--label io.x-k8s.kind.cluster=mac", "--label io.x-k8s.kind.role=control-plane", "--network kina",
		"--publish 127.0.0.1:", "kindest/node:v1.34.0"} {
		if !strings.Contains(runLine, want) {
			t.Errorf("run line lacks %q:\n%s", want, runLine)
		}
	}
	for _, bad := range []string{"--init", "--privileged", "--volume /var"} {
		if strings.Contains(runLine, bad) {
			t.Errorf("run line has %q:\n%s", bad, runLine)
		}
	}
	// Booting and preparing the node, and writing its configuration, run
	// side by side; each is ordered within itself, and kubeadm init waits
	// for both.
	for _, order := range [][]string{{
		"system status",
		"network create --label dev.kina.owner=kina kina",
		"run -d --name mac-control-plane",
		"exec mac-control-plane sh -c n=0",
		"exec mac-control-plane sysctl -w net.ipv4.ip_forward=1",
		"exec mac-control-plane iptables -t mangle -A OUTPUT -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1220",
		"exec mac-control-plane uname -r",
		"exec mac-control-plane kubeadm init --config=/kind/kubeadm.conf --skip-token-print",
		"exec mac-control-plane kubectl --kubeconfig=/etc/kubernetes/admin.conf label nodes --all node.kubernetes.io/exclude-from-external-load-balancers-",
		"exec mac-control-plane cat /etc/kubernetes/admin.conf",
	}, {
		"run -d --name mac-control-plane",
		"exec mac-control-plane cat /kind/version /etc/containerd/config.toml",
		"exec --interactive mac-control-plane sh -c tar --extract --no-same-owner --directory=/ --file=- &&\nkubeadm init phase certs all",
		"exec mac-control-plane tar --create --directory=/ --file=- -- etc/kubernetes/pki/ca.crt",
		"exec mac-control-plane kubeadm init --config=/kind/kubeadm.conf --skip-token-print",
	}} {
		i := 0
		for _, c := range calls {
			if i < len(order) && strings.HasPrefix(c, order[i]) {
				i++
			}
		}
		if i < len(order) {
			t.Errorf("command %q not found in order; calls:\n%s", order[i], strings.Join(calls, "\n"))
		}
	}
	if !strings.HasPrefix(res.Server, "https://127.0.0.1:") {
		t.Errorf("server = %q", res.Server)
	}
	kc, err := os.ReadFile(res.Kubeconfig)
	if err != nil || !strings.Contains(string(kc), "kina-mac") {
		t.Errorf("kubeconfig not merged: %v\n%s", err, kc)
	}
}

// On macOS 15 there are no networks: one node works, more are refused
// before anything is made.
func TestAppleMacOS15RefusesMultiNode(t *testing.T) {
	fake := applefake.Install(t, applefake.Config{Version: "1.2.1", MacOS: "15.6"})
	p := apple.New(run.Exec{}, apple.WithBinary(fake.Bin), apple.WithHostResources(apple.HostResources{CPUs: 8, MemoryMB: 16384}))
	cfg := filepath.Join(t.TempDir(), "kind.yaml")
	os.WriteFile(cfg, []byte("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n"), 0o644)
	_, err := cluster.New(p).Create(context.Background(), cluster.CreateOptions{Name: "two", ConfigFile: cfg, Image: "kindest/node:v1.34.0", Kubeconfig: filepath.Join(t.TempDir(), "kc")})
	if err == nil || !strings.Contains(err.Error(), "2 nodes") {
		t.Fatalf("err = %v, want a refusal naming the node count", err)
	}
	for _, c := range joined(fake.Calls()) {
		if strings.HasPrefix(c, "run -d") {
			t.Errorf("a node was created despite the refusal: %s", c)
		}
	}
}
