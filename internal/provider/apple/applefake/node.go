package applefake

import (
	"archive/tar"
	"fmt"
	"io"
	"strings"
)

// nodeFiles are what a kina node image holds, as far as the create pipeline
// reads them.
var nodeFiles = map[string]string{
	"/kind/version":                        "v1.34.4\n",
	"/etc/containerd/config.toml":          "version = 2\n  SystemdCgroup = false\n",
	"/kind/manifests/default-cni.yaml":     "# would you kindly template this file\n# {{ .PodSubnet }}\n",
	"/kind/manifests/default-storage.yaml": "# storage\n",
	"/etc/kubernetes/admin.conf":           adminConf,
	// Not a certificate: kina then waits for init instead of the API.
	"/etc/kubernetes/pki/ca.crt": "fake CA\n",
}

const adminConf = `apiVersion: v1
kind: Config
clusters:
- cluster: {certificate-authority-data: Q0E=, server: "https://fake-control-plane:6443"}
  name: kubernetes
users:
- name: kubernetes-admin
  user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}
contexts:
- context: {cluster: kubernetes, user: kubernetes-admin}
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
`

// nodeCommand plays a booted kina node for the commands the create pipeline
// runs in it; it reports false for commands it does not know.
func nodeCommand(argv []string, stdin io.Reader, interactive bool, stdout io.Writer) (code int, handled bool) {
	defer func() {
		if handled && interactive {
			_, _ = io.Copy(io.Discard, stdin)
		}
	}()
	switch argv[0] {
	case "systemctl":
		fmt.Fprintln(stdout, "running")
		return 0, true
	case "cat":
		if interactive {
			return 0, false
		}
		for _, path := range argv[1:] {
			body, ok := nodeFiles[path]
			if !ok {
				return 1, true
			}
			io.WriteString(stdout, body)
		}
		return 0, true
	case "sh":
		// kina's boot wait prints systemd's state.
		if len(argv) > 2 && strings.Contains(argv[2], "is-system-running") {
			fmt.Fprintln(stdout, "running")
		}
		return 0, true
	case "tar":
		if len(argv) > 4 && strings.Join(argv[1:4], " ") == "--create --directory=/ --file=-" {
			return packFiles(argv[5:], stdout), true
		}
		return 0, true
	case "kubeadm", "kubectl", "sysctl", "cp", "ctr", "crictl":
		if strings.Join(argv, " ") == "crictl images --output json" {
			io.WriteString(stdout, `{"images":[]}`)
		}
		return 0, true
	}
	return 0, false
}

// packFiles writes the node files at paths (relative to /) to w as a tar.
func packFiles(paths []string, w io.Writer) int {
	tw := tar.NewWriter(w)
	for _, p := range paths {
		body, ok := nodeFiles["/"+p]
		if !ok {
			return 2
		}
		if tw.WriteHeader(&tar.Header{Name: p, Mode: 0o644, Size: int64(len(body))}) != nil {
			return 2
		}
		_, _ = io.WriteString(tw, body)
	}
	if tw.Close() != nil {
		return 2
	}
	return 0
}
