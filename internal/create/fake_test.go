package create

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/kina-dev/kina/pkg/provider"
)

// fakeProvider keeps nodes in memory and answers in-node commands from a
// small table, so the pipeline can be tested without a runtime.
type fakeProvider struct {
	mu       sync.Mutex
	nodes    map[string]provider.NodeSpec
	files    map[string]string // node:path -> content
	calls    []string          // "node: argv" of every exec, in order
	failOn   string            // an argv prefix that fails
	cancelOn string            // an argv prefix that cancels the context
	cancel   context.CancelFunc
	networks map[string]bool
	// caPEM answers `cat ca.crt`; apiAddr, when set, is the API server's
	// host address (default 127.0.0.1:40000, where nothing listens).
	caPEM   string
	apiAddr *net.TCPAddr
	// onExec, when set, runs before the answer to every exec.
	onExec func(node, argv string)
}

func newFake() *fakeProvider {
	return &fakeProvider{nodes: map[string]provider.NodeSpec{}, files: map[string]string{}, networks: map[string]bool{}}
}

func (f *fakeProvider) Info(context.Context) (provider.Info, error) {
	return provider.Info{Name: "fake", Restricted: true, StableAddresses: true, PublishesPorts: true}, nil
}

func (f *fakeProvider) EnsureNetwork(_ context.Context, s provider.NetworkSpec) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.networks[s.Name] = true
	return nil
}

func (f *fakeProvider) DeleteNetwork(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.networks, name)
	return nil
}

func (f *fakeProvider) CreateNode(ctx context.Context, s provider.NodeSpec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.nodes[s.Name]; ok {
		return fmt.Errorf("node %q: %w", s.Name, provider.ErrAlreadyExists)
	}
	f.nodes[s.Name] = s
	return nil
}

func (f *fakeProvider) ListNodes(_ context.Context, labels map[string]string) ([]provider.Node, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []provider.Node
next:
	for name, s := range f.nodes {
		for k, v := range labels {
			if s.Labels[k] != v {
				continue next
			}
		}
		out = append(out, provider.Node{Name: name, Cluster: s.Labels[provider.LabelCluster], Role: s.Labels[provider.LabelRole], Running: true, Labels: s.Labels})
	}
	return out, nil
}

func (f *fakeProvider) DeleteNodes(_ context.Context, names ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range names {
		delete(f.nodes, n)
	}
	return nil
}

func (f *fakeProvider) Exec(ctx context.Context, node string, c provider.Cmd) error {
	argv := strings.Join(c.Args, " ")
	f.mu.Lock()
	f.calls = append(f.calls, node+": "+argv)
	_, exists := f.nodes[node]
	f.mu.Unlock()
	if !exists {
		return fmt.Errorf("exec in %q: %w", node, provider.ErrNotFound)
	}
	if f.cancelOn != "" && strings.HasPrefix(argv, f.cancelOn) {
		f.cancel()
		return context.Canceled
	}
	if f.onExec != nil {
		f.onExec(node, argv)
	}
	if f.failOn != "" && strings.HasPrefix(argv, f.failOn) {
		return errors.New("injected failure")
	}
	out, err := f.answer(node, c)
	if err != nil {
		return err
	}
	if c.Stdout != nil {
		_, _ = io.WriteString(c.Stdout, out)
	}
	return nil
}

func (f *fakeProvider) answer(node string, c provider.Cmd) (string, error) {
	switch strings.Join(c.Args, " ") {
	case "sh -c " + bootWaitScript:
		return "running\n", nil
	case "systemctl restart containerd":
		return "", nil
	case "cat /kind/version /etc/containerd/config.toml":
		return "v1.34.4\nversion = 2\n  SystemdCgroup = false\n", nil
	case "cat /kind/manifests/default-cni.yaml":
		return "# would you kindly template this file\npodSubnet: {{ .PodSubnet }}\n", nil
	case "cat /kind/manifests/default-storage.yaml":
		return "kind: StorageClass\n", nil
	case "cat /etc/kubernetes/admin.conf":
		return "admin-conf", nil
	case "cat /etc/kubernetes/pki/ca.crt":
		return f.caPEM, nil
	}
	if (c.Args[0] == "kubectl" || c.Args[0] == "sh" && strings.Contains(strings.Join(c.Args, " "), "apply -f -")) && c.Stdin != nil {
		b, err := io.ReadAll(c.Stdin)
		f.mu.Lock()
		f.files[node+":applied"] += string(b)
		f.mu.Unlock()
		return "", err
	}
	if len(c.Args) > 4 && strings.Join(c.Args[:4], " ") == "tar --create --directory=/ --file=-" {
		// readFiles: answer each path as `cat` would, packed in a tar.
		var b strings.Builder
		tw := tar.NewWriter(&b)
		for _, name := range c.Args[5:] {
			data, err := f.answer(node, provider.Cmd{Args: []string{"cat", "/" + name}})
			if err != nil {
				return "", err
			}
			if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))}); err != nil {
				return "", err
			}
			_, _ = tw.Write([]byte(data))
		}
		return b.String(), tw.Close()
	}
	if argv := strings.Join(c.Args, " "); argv == "tar --extract --no-same-owner --directory=/ --file=-" ||
		strings.HasPrefix(argv, "sh -c tar --extract --no-same-owner --directory=/ --file=- &&") {
		tr := tar.NewReader(c.Stdin)
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				return "", nil
			}
			if err != nil {
				return "", err
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return "", err
			}
			f.mu.Lock()
			f.files[node+":/"+hdr.Name] = string(b)
			f.mu.Unlock()
		}
	}
	if len(c.Args) > 3 && strings.Join(c.Args[:3], " ") == "kubeadm kubeconfig user" {
		return fakeKubeletKubeconfig, nil
	}
	switch c.Args[0] {
	case "kubeadm", "kubectl", "sh":
		return "", nil
	case "tar":
		if c.Stdin != nil {
			b, err := io.ReadAll(c.Stdin)
			f.mu.Lock()
			f.files[node+":pki"] = string(b)
			f.mu.Unlock()
			return "", err
		}
		return "pki-tar", nil
	}
	return "", fmt.Errorf("fake: unexpected command %q", c.Args)
}

// fakeKubeletKubeconfig is what `kubeadm kubeconfig user` prints, with
// placeholders for the CA, certificate and key.
const fakeKubeletKubeconfig = `apiVersion: v1
kind: Config
clusters:
- cluster: {certificate-authority-data: Q0EK, server: "https://t-control-plane:6443"}
  name: t
contexts:
- context: {cluster: t, user: "system:node:x"}
  name: "system:node:x@t"
current-context: "system:node:x@t"
users:
- name: "system:node:x"
  user: {client-certificate-data: Q0VSVAo=, client-key-data: S0VZCg==}
`

func (f *fakeProvider) NodeAddresses(_ context.Context, node string) (string, string, error) {
	return "172.18.0." + fmt.Sprint(len(node)), "", nil
}

func (f *fakeProvider) HostPort(context.Context, string, int) (string, int, error) {
	if f.apiAddr != nil {
		return f.apiAddr.IP.String(), f.apiAddr.Port, nil
	}
	return "127.0.0.1", 40000, nil
}

func (f *fakeProvider) Logs(context.Context, string, io.Writer) error { return nil }

func (f *fakeProvider) SaveImages(context.Context, io.Writer, ...string) error {
	return provider.ErrUnsupported
}

var _ provider.Provider = (*fakeProvider)(nil)
