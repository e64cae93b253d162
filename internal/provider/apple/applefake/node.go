package applefake

import (
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
	case "kubeadm", "kubectl", "sysctl", "cp", "tar", "ctr", "crictl":
		if strings.Join(argv, " ") == "crictl images --output json" {
			io.WriteString(stdout, `{"images":[]}`)
		}
		return 0, true
	}
	return 0, false
}
