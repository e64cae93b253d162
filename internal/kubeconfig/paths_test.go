package kubeconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestPaths(t *testing.T) {
	sep := string(os.PathListSeparator)
	cases := []struct {
		name     string
		explicit string
		env      map[string]string
		want     []string
	}{
		{"flag wins", "/x/config", map[string]string{"KUBECONFIG": "/a", "HOME": "/h"}, []string{"/x/config"}},
		{"KUBECONFIG list", "", map[string]string{"KUBECONFIG": "/a" + sep + sep + "/b" + sep + "/a", "HOME": "/h"}, []string{"/a", "/b"}},
		{"home", "", map[string]string{"HOME": "/h"}, []string{filepath.Join("/h", ".kube", "config")}},
		{"empty KUBECONFIG falls back to home", "", map[string]string{"KUBECONFIG": sep, "HOME": "/h"}, []string{filepath.Join("/h", ".kube", "config")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Paths(tc.explicit, envOf(tc.env))
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMergeTarget(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	if got := MergeTarget([]string{a, b, c}); got != c {
		t.Errorf("none exist: got %s, want the last, %s", got, c)
	}
	writeFile(t, b, "", 0o600)
	writeFile(t, c, "", 0o600)
	if got := MergeTarget([]string{a, b, c}); got != b {
		t.Errorf("got %s, want the first existing, %s", got, b)
	}
	if err := os.Mkdir(a, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := MergeTarget([]string{a, b}); got != b {
		t.Errorf("a directory is not a kubeconfig: got %s", got)
	}
	if got := MergeTarget(nil); got != "" {
		t.Errorf("no paths: %q", got)
	}
}
