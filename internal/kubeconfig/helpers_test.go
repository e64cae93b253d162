package kubeconfig

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"
)

// adminConf is shaped like kubeadm's admin.conf; the credentials are fake.
const adminConf = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: Q0EtREFUQQ==
    server: https://demo-control-plane:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`

// otherTools is a kubeconfig as other tools leave it: fields client-go does
// not know, an exec user without defaults, extensions and a comment.
const otherTools = `# managed by hand
apiVersion: v1
kind: Config
preferences:
  colors: true
clusters:
- name: prod
  cluster:
    server: https://prod.example:443
    futureField: keep-me
- name: kina-demo
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: prod
  context: {cluster: prod, user: prod-user, namespace: web}
- name: kina-demo
  context: {cluster: kina-demo, user: kina-demo}
users:
- name: prod-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: aws
- name: kina-demo
  user: {token: old}
current-context: prod
extensions:
- name: x
  extension: {a: b}
`

func rewriteDemo(t *testing.T, server string) *api.Config {
	t.Helper()
	cfg, err := Rewrite([]byte(adminConf), "demo", server)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func writeFile(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// generic reads a kubeconfig as plain data, for semantic comparison.
func generic(t *testing.T, path string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func genericString(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// entries returns a named list as name -> entry.
func entries(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	list, _ := m[key].([]any)
	for _, e := range list {
		e := e.(map[string]any)
		out[e["name"].(string)] = e
	}
	return out
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
