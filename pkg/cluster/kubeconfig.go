package cluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kina-dev/kina/internal/create"
	"github.com/kina-dev/kina/internal/kubeconfig"
	"github.com/kina-dev/kina/pkg/provider"
)

// Kubeconfig returns the kubeconfig of cluster name. With internal it points
// at the API server's address inside the node network instead of the host.
func (m *Manager) Kubeconfig(ctx context.Context, name string, internal bool) ([]byte, error) {
	nodes, err := m.Nodes(ctx, name)
	if err != nil {
		return nil, err
	}
	bootstrap, apiNode := endpointNodes(nodes)
	if bootstrap == "" {
		return nil, fmt.Errorf("cluster %q not found (no control-plane node)", name)
	}
	var admin bytes.Buffer
	if err := m.p.Exec(ctx, bootstrap, provider.Cmd{Args: []string{"cat", "/etc/kubernetes/admin.conf"}, Stdout: &admin}); err != nil {
		return nil, fmt.Errorf("read admin kubeconfig of cluster %q: %w", name, err)
	}
	server := "https://" + apiNode + ":" + strconv.Itoa(create.APIServerPort)
	if !internal {
		host, port, err := m.p.HostPort(ctx, apiNode, create.APIServerPort)
		if err != nil {
			return nil, err
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		server = "https://" + host + ":" + strconv.Itoa(port)
	}
	kc, err := kubeconfig.Rewrite(admin.Bytes(), name, server)
	if err != nil {
		return nil, err
	}
	return clientcmd.Write(*kc)
}

// ExportKubeconfig merges cluster name's kubeconfig into path ("" follows
// kubectl's rules) and makes it the current context. It returns the file written.
func (m *Manager) ExportKubeconfig(ctx context.Context, name, path string, internal bool) (string, error) {
	data, err := m.Kubeconfig(ctx, name, internal)
	if err != nil {
		return "", err
	}
	kc, err := clientcmd.Load(data)
	if err != nil {
		return "", err
	}
	target := kubeconfig.MergeTarget(kubeconfig.Paths(path, os.Getenv))
	return target, kubeconfig.Merge(target, kc)
}

// endpointNodes finds the bootstrap control plane (the first by name, as
// create names it) and the node that serves the API on the host.
func endpointNodes(nodes []provider.Node) (bootstrap, apiNode string) {
	for _, n := range nodes {
		switch n.Role {
		case provider.RoleControlPlane:
			if bootstrap == "" || n.Name < bootstrap {
				bootstrap = n.Name
			}
		case provider.RoleLoadBalancer:
			apiNode = n.Name
		}
	}
	if apiNode == "" {
		apiNode = bootstrap
	}
	return bootstrap, apiNode
}
