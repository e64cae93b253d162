package kubeadm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kubeadmBinary finds a kubeadm v1.34.4 to check rendered files with:
// $KINA_KUBEADM, or the one kina's ingredient build leaves in the cache.
func kubeadmBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("KINA_KUBEADM"); p != "" {
		return p
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Skipf("no kubeadm: %v", err)
		}
		cache = filepath.Join(home, ".cache")
	}
	p := filepath.Join(cache, "kina", "ingredients", "kubernetes-v1.34.4", "bin", "kubeadm")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("kubeadm v1.34.4 not found at %s (build the Kubernetes ingredients, or set KINA_KUBEADM): skipping validation", p)
	}
	return p
}

// TestKubeadmValidatesGoldenFiles runs `kubeadm config validate` on every
// golden file. kubeadm 1.34 reads both v1beta3 and v1beta4, so the v1beta4
// files are checked too, with their 1.36 version lowered to 1.34.4 to keep
// kubeadm's version-skew check out of the way.
func TestKubeadmValidatesGoldenFiles(t *testing.T) {
	kubeadm := kubeadmBinary(t)
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc := lowerVersion(string(b))
			path := filepath.Join(t.TempDir(), "kubeadm.conf")
			if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(kubeadm, "config", "validate", "--config", path).CombinedOutput()
			if err != nil {
				t.Fatalf("kubeadm config validate: %v\n%s", err, out)
			}
		})
	}
}

func lowerVersion(doc string) string {
	var out []string
	for _, line := range strings.SplitAfter(doc, "\n") {
		if strings.HasPrefix(line, "kubernetesVersion: v1.36.") {
			line = "kubernetesVersion: v1.34.4\n"
		}
		out = append(out, line)
	}
	return strings.Join(out, "")
}
