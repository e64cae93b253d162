package create

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/internal/config"
	"github.com/kina-dev/kina/internal/progress"
)

func threeNodes() *config.Config {
	c := config.Default()
	c.Cluster.Nodes = []v1alpha4.Node{
		{Role: v1alpha4.WorkerRole}, {Role: v1alpha4.ControlPlaneRole}, {Role: v1alpha4.WorkerRole},
	}
	c.SetName("t")
	return c
}

func TestMain(m *testing.M) {
	bootTimeout = 200 * time.Millisecond // the fake boots at once or never
	os.Exit(m.Run())
}

func runFake(t *testing.T, f *fakeProvider, cfg *config.Config, retain bool) (Result, *progress.Recorder, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.cancel = cancel
	rec := &progress.Recorder{}
	res, err := Run(ctx, f, Options{
		Network: "kina", Config: cfg, Retain: retain, Wait: time.Second, Progress: rec,
		Kubeconfig: func(context.Context, []byte, string) error { return nil },
		Cleanup: func(ctx context.Context) error {
			return f.DeleteNodes(ctx, NodeNames(cfg)...)
		},
	})
	return res, rec, err
}

func TestCreateRunsStepsInOrder(t *testing.T) {
	f := newFake()
	res, rec, err := runFake(t, f, threeNodes(), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Server != "https://127.0.0.1:40000" || !res.Ready {
		t.Errorf("result = %+v", res)
	}
	var steps []string
	for _, s := range rec.Timings() {
		steps = append(steps, s.Step)
	}
	want := []string{"Preparing nodes", "Starting control-plane, CNI and StorageClass, joining 2 nodes",
		"Exporting kubeconfig", "Waiting ≤ 1s for nodes to be Ready"}
	if strings.Join(steps, "|") != strings.Join(want, "|") {
		t.Errorf("steps = %q, want %q", steps, want)
	}
	if len(f.nodes) != 3 {
		t.Errorf("got %d nodes, want 3", len(f.nodes))
	}
	// The control plane is the bootstrap node although a worker comes first in the config.
	if !contains(f.calls, "t-control-plane: kubeadm init --config=/kind/kubeadm.conf --skip-token-print") {
		t.Errorf("no kubeadm init on t-control-plane: %q", f.calls)
	}
	// Workers get their kubelet set up by kina, started once the API answers.
	for _, w := range []string{"t-worker", "t-worker2"} {
		if contains(f.calls, w+": kubeadm join --config=/kind/kubeadm.conf") {
			t.Errorf("%s joined with kubeadm: %q", w, f.calls)
		}
		if !strings.Contains(f.files[w+":/kind/kubeadm.conf"], "JoinConfiguration") {
			t.Errorf("%s kubeadm config is not a join config:\n%s", w, f.files[w+":/kind/kubeadm.conf"])
		}
		if !contains(f.calls, "t-control-plane: kubeadm kubeconfig user --config=/kind/kubeadm.conf --client-name=system:node:"+w+" --org=system:nodes") {
			t.Errorf("no kubelet certificate issued for %s: %q", w, f.calls)
		}
		if !contains(f.calls, w+": sh -c "+extractThen+holdKubeletScript) || !contains(f.calls, w+": sh -c "+startKubeletScript) {
			t.Errorf("%s kubelet not set up and started: %q", w, f.calls)
		}
		start := f.files[w+":/kind/kubelet-start.conf"]
		if !strings.Contains(start, "kind: InitConfiguration") || !strings.Contains(start, "name: "+w) {
			t.Errorf("%s kubelet-start config:\n%s", w, start)
		}
		conf := f.files[w+":/etc/kubernetes/kubelet.conf"]
		if !strings.Contains(conf, "client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem") ||
			!strings.Contains(conf, "server: https://t-control-plane:6443") {
			t.Errorf("%s kubelet.conf:\n%s", w, conf)
		}
	}
	// kubeadm applies the CoreDNS probe patch when it creates the Deployment.
	if f.files["t-control-plane:/kind/patches/corednsdeployment+json.json"] != dnsReadinessPatch ||
		!strings.Contains(f.files["t-control-plane:/kind/kubeadm.conf"], "directory: /kind/patches") {
		t.Errorf("CoreDNS patch not set up for kubeadm init: %q", f.files)
	}
	// With workers, the control-plane taint stays.
	for _, c := range f.calls {
		if strings.Contains(c, "taint") {
			t.Errorf("unexpected %q", c)
		}
	}
	if !strings.Contains(f.files["t-control-plane:applied"], "podSubnet: 10.244.0.0/16") {
		t.Errorf("CNI manifest was not templated: %q", f.files["t-control-plane:applied"])
	}
}

func TestSingleNodeIsSchedulable(t *testing.T) {
	f := newFake()
	cfg := config.Default()
	cfg.SetName("one")
	if _, _, err := runFake(t, f, cfg, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.files["one-control-plane:/kind/kubeadm.conf"], "taints: []") {
		t.Errorf("the only node keeps the control-plane taint:\n%s", f.files["one-control-plane:/kind/kubeadm.conf"])
	}
	if !contains(f.calls, "one-control-plane: kubectl --kubeconfig=/etc/kubernetes/admin.conf label nodes --all node.kubernetes.io/exclude-from-external-load-balancers-") {
		t.Errorf("load-balancer exclusion not removed: %q", f.calls)
	}
}

// fakeAPIServer answers /readyz, and cluster-info signed only from the
// signAfter-th request on; it records when it first served the signature.
func fakeAPIServer(t *testing.T, f *fakeProvider, signAfter int32) (signedAt func() int) {
	var asked atomic.Int32
	var callsAtSigning atomic.Int64
	callsAtSigning.Store(-1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/readyz":
		case "/api/v1/namespaces/kube-public/configmaps/cluster-info":
			if asked.Add(1) < signAfter {
				_, _ = io.WriteString(w, `{"data":{"kubeconfig":"x"}}`)
				return
			}
			f.mu.Lock()
			callsAtSigning.CompareAndSwap(-1, int64(len(f.calls)))
			f.mu.Unlock()
			_, _ = io.WriteString(w, `{"data":{"kubeconfig":"x","jws-kubeconfig-abcdef":"sig"}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	f.caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	f.apiAddr = srv.Listener.Addr().(*net.TCPAddr)
	return func() int { return int(callsAtSigning.Load()) }
}

// holdInitUntil makes the fake's kubeadm init wait (up to 5 s) until cond,
// checked with the fake locked, holds; the result says whether it did while
// init ran.
func holdInitUntil(f *fakeProvider, cond func() bool) *atomic.Bool {
	var held atomic.Bool
	f.onExec = func(node, argv string) {
		if !strings.HasPrefix(argv, "kubeadm init --config") {
			return
		}
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			f.mu.Lock()
			ok := cond()
			f.mu.Unlock()
			if ok {
				held.Store(true)
				return
			}
		}
	}
	return &held
}

// The CNI is applied as soon as the API server answers, while kubeadm init
// still runs: the fake's init returns only once the CNI manifest arrived.
func TestAddonsInstallWhileInitRuns(t *testing.T) {
	f := newFake()
	fakeAPIServer(t, f, 0)
	sawCNIDuringInit := holdInitUntil(f, func() bool { return strings.Contains(f.files["t-control-plane:applied"], "podSubnet") })
	if _, _, err := runFake(t, f, threeNodes(), false); err != nil {
		t.Fatal(err)
	}
	if !sawCNIDuringInit.Load() {
		t.Errorf("the CNI was not applied while kubeadm init ran: %q", f.calls)
	}
}

// Joins start only once cluster-info is signed: kubeadm's discovery would
// otherwise wait 5 s before asking again.
func TestJoinsWaitForSignedClusterInfo(t *testing.T) {
	f := newFake()
	signedAt := fakeAPIServer(t, f, 3)
	if _, _, err := runFake(t, f, haNodes(), false); err != nil {
		t.Fatal(err)
	}
	at := signedAt()
	if at < 0 {
		t.Fatal("cluster-info was never read as signed")
	}
	for i, call := range f.calls {
		if strings.Contains(call, "kubeadm join") && i < at {
			t.Errorf("%q ran before cluster-info was signed (call %d < %d)", call, i, at)
		}
	}
	if !contains(f.calls, "ha-control-plane2: kubeadm join --config=/kind/kubeadm.conf") {
		t.Errorf("no join: %q", f.calls)
	}
}

// extractThen starts the script of writeFilesAndRun.
const extractThen = "tar --extract --no-same-owner --directory=/ --file=- &&\n"

// Every step that runs a command can fail; each failure must leave nothing behind.
func TestFailureAtEveryStepCleansUp(t *testing.T) {
	for _, step := range []string{"sh -c n=0", "cat /kind/version", "tar --extract --no-same-owner --directory=/", "sh -c " + extractThen + "kubeadm init phase certs", "tar --create", "kubeadm init --config", "sh -c k=/etc/kubernetes/super-admin.conf", "kubeadm kubeconfig user", "sh -c " + extractThen + "systemctl mask", "sh -c systemctl unmask", "cat /etc/kubernetes/admin.conf", "kubectl --kubeconfig=/etc/kubernetes/admin.conf wait"} {
		for _, mode := range []string{"fail", "cancel"} {
			t.Run(mode+" "+step, func(t *testing.T) {
				f := newFake()
				if mode == "fail" {
					f.failOn = step
				} else {
					f.cancelOn = step
				}
				_, _, err := runFake(t, f, threeNodes(), false)
				if step == "kubeadm kubeconfig user" && mode == "fail" {
					// The workers fall back to kubeadm join.
					if err != nil {
						t.Fatalf("a refused kubelet certificate should fall back to kubeadm join: %v", err)
					}
					for _, w := range []string{"t-worker", "t-worker2"} {
						if !contains(f.calls, w+": kubeadm join --config=/kind/kubeadm.conf") || contains(f.calls, w+": sh -c "+startKubeletScript) {
							t.Errorf("%s did not fall back to kubeadm join alone: %q", w, f.calls)
						}
					}
					return
				}
				if step == "kubectl --kubeconfig=/etc/kubernetes/admin.conf wait" && mode == "fail" {
					// Running out of wait time is reported, not fatal.
					if err != nil {
						t.Fatalf("wait failure should not fail create: %v", err)
					}
					return
				}
				if err == nil {
					t.Fatal("create succeeded despite the failure")
				}
				if mode == "cancel" && !errors.Is(err, context.Canceled) {
					t.Errorf("error %v does not say the create was cancelled", err)
				}
				if len(f.nodes) != 0 {
					t.Errorf("nodes left after failure: %v", f.nodes)
				}
			})
		}
	}
}

func TestRetainKeepsNodes(t *testing.T) {
	f := newFake()
	f.failOn = "kubeadm init"
	if _, _, err := runFake(t, f, threeNodes(), true); err == nil {
		t.Fatal("want an error")
	}
	if len(f.nodes) != 3 {
		t.Errorf("retain kept %d nodes, want 3", len(f.nodes))
	}
}

func TestExistingClusterIsRefusedBeforeAnythingIsMade(t *testing.T) {
	f := newFake()
	if _, _, err := runFake(t, f, threeNodes(), false); err != nil {
		t.Fatal(err)
	}
	calls := len(f.calls)
	_, _, err := runFake(t, f, threeNodes(), false)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("err = %v, want already exists", err)
	}
	if len(f.calls) != calls || len(f.nodes) != 3 {
		t.Errorf("second create touched the existing cluster")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func haNodes() *config.Config {
	cfg := config.Default()
	cfg.Cluster.Nodes = []v1alpha4.Node{
		{Role: v1alpha4.ControlPlaneRole, Image: "img"}, {Role: v1alpha4.ControlPlaneRole, Image: "img"},
		{Role: v1alpha4.ControlPlaneRole, Image: "img"}, {Role: v1alpha4.WorkerRole, Image: "img"},
	}
	cfg.SetName("ha")
	return cfg
}

func TestHAControlPlanesJoinBehindTheLoadBalancer(t *testing.T) {
	f := newFake()
	if _, _, err := runFake(t, f, haNodes(), false); err != nil {
		t.Fatal(err)
	}
	lb, ok := f.nodes["ha-external-load-balancer"]
	if !ok {
		t.Fatalf("no load balancer among %v", f.nodes)
	}
	if lb.Entrypoint != "/usr/local/bin/kina-lb" || !lb.LoadBalancer || lb.Image != "img" ||
		strings.Join(lb.Command, " ") != "-listen :6443 -backend ha-control-plane:6443 -backend ha-control-plane2:6443 -backend ha-control-plane3:6443" {
		t.Errorf("load balancer spec = %+v", lb)
	}
	if len(lb.Ports) != 1 || lb.Ports[0].ContainerPort != 6443 || len(f.nodes["ha-control-plane"].Ports) != 0 {
		t.Errorf("the API must be published by the load balancer only: lb %v, cp %v", lb.Ports, f.nodes["ha-control-plane"].Ports)
	}
	for _, cp := range []string{"ha-control-plane2", "ha-control-plane3"} {
		if f.files[cp+":pki"] != "pki-tar" {
			t.Errorf("%s did not receive the cluster certificates", cp)
		}
		if !strings.Contains(f.files[cp+":/kind/kubeadm.conf"], "controlPlane:") {
			t.Errorf("%s joins without a controlPlane section", cp)
		}
	}
	if !strings.Contains(f.files["ha-worker:/kind/kubelet-start.conf"], "controlPlaneEndpoint: ha-external-load-balancer:6443") {
		t.Errorf("worker does not reach the API through the load balancer:\n%s", f.files["ha-worker:/kind/kubelet-start.conf"])
	}
}

// Nodes join as soon as cluster-info is signed, while init still runs: the
// fake's init returns only once a join has started.
func TestJoinsOverlapInit(t *testing.T) {
	f := newFake()
	fakeAPIServer(t, f, 0)
	joinedDuringInit := holdInitUntil(f, func() bool {
		return slices.ContainsFunc(f.calls, func(c string) bool { return strings.Contains(c, "kubeadm join") })
	})
	if _, _, err := runFake(t, f, haNodes(), false); err != nil {
		t.Fatal(err)
	}
	if !joinedDuringInit.Load() {
		t.Errorf("no node joined while kubeadm init ran: %q", f.calls)
	}
}

// A worker that registers with taints needs `kubeadm join` (it passes them to
// the kubelet); the others still start ahead of the control plane.
func TestTaintedWorkerJoinsWithKubeadm(t *testing.T) {
	f := newFake()
	cfg := threeNodes()
	cfg.Cluster.Nodes[0].KubeadmConfigPatches = []string{
		"kind: JoinConfiguration\nnodeRegistration:\n  taints:\n  - {key: dedicated, value: infra, effect: NoSchedule}\n"}
	if _, _, err := runFake(t, f, cfg, false); err != nil {
		t.Fatal(err)
	}
	joined := map[string]bool{}
	for _, c := range f.calls {
		if node, argv, _ := strings.Cut(c, ": "); argv == "kubeadm join --config=/kind/kubeadm.conf" {
			joined[node] = true
		}
	}
	if len(joined) != 1 {
		t.Errorf("joined with kubeadm: %v, want exactly the tainted worker", joined)
	}
	for w := range joined {
		if !strings.Contains(f.files[w+":/kind/kubeadm.conf"], "dedicated") {
			t.Errorf("%s joined with kubeadm but is not the tainted worker", w)
		}
	}
}

// containerdConfigPatches reach every node's config before kubeadm starts,
// and containerd restarts to read them.
func TestContainerdPatchesAreWrittenBeforeInit(t *testing.T) {
	f := newFake()
	cfg := threeNodes()
	cfg.Cluster.ContainerdConfigPatches = []string{"[plugins.\"io.containerd.grpc.v1.cri\"]\n  enable_unprivileged_ports = true\n"}
	if _, _, err := runFake(t, f, cfg, false); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"t-control-plane", "t-worker", "t-worker2"} {
		if got := f.files[n+":/etc/containerd/config.toml"]; !strings.Contains(got, "enable_unprivileged_ports = true") {
			t.Errorf("%s containerd config not patched:\n%s", n, got)
		}
		restart := slices.Index(f.calls, n+": systemctl restart containerd")
		initAt := slices.Index(f.calls, "t-control-plane: kubeadm init --config=/kind/kubeadm.conf --skip-token-print")
		if restart < 0 || restart > initAt {
			t.Errorf("%s: containerd restarted at call %d, init at %d", n, restart, initAt)
		}
	}
}
