package kubeconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd/api"
)

func TestRemove(t *testing.T) {
	dir := t.TempDir()
	a, b, missing := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "nope", "c")
	writeFile(t, a, otherTools, 0o600) // current-context is prod
	writeFile(t, b, "", 0o600)
	if err := Merge(b, rewriteDemo(t, "https://127.0.0.1:7")); err != nil { // current is kina-demo
		t.Fatal(err)
	}
	if err := Merge(b, mustRewrite(t, "keep")); err != nil {
		t.Fatal(err)
	}
	if err := Merge(b, rewriteDemo(t, "https://127.0.0.1:7")); err != nil {
		t.Fatal(err)
	}

	if err := Remove([]string{a, b, missing}, "demo"); err != nil {
		t.Fatal(err)
	}
	before, afterA := genericString(t, otherTools), generic(t, a)
	for _, key := range []string{"clusters", "users", "contexts"} {
		wantA := entries(before, key)
		delete(wantA, "kina-demo")
		if got := entries(afterA, key); !reflect.DeepEqual(got, wantA) {
			t.Errorf("a: %s = %v, want %v", key, got, wantA)
		}
		if got := entries(generic(t, b), key); len(got) != 1 || got["kina-keep"] == nil {
			t.Errorf("b: %s = %v, want only kina-keep", key, got)
		}
	}
	if afterA["current-context"] != "prod" {
		t.Errorf("a: current-context %v, want prod kept", afterA["current-context"])
	}
	if cur := generic(t, b)["current-context"]; cur != "" {
		t.Errorf("b: current-context %v, want cleared", cur)
	}
	if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Error("Remove created a directory for a missing file")
	}
	assertNoLeftovers(t, dir)
}

func TestRemoveLeavesUntouchedFilesAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path, otherTools, 0o644)
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if err := Remove([]string{path}, "absent"); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if !fi.ModTime().Equal(old) {
		t.Error("a file without the entry was rewritten")
	}
	if raw, _ := os.ReadFile(path); string(raw) != otherTools {
		t.Error("content changed")
	}
}

func TestRemoveReportsBrokenFilesAndCarriesOn(t *testing.T) {
	dir := t.TempDir()
	broken, good := filepath.Join(dir, "broken"), filepath.Join(dir, "good")
	writeFile(t, broken, "clusters: [: :\n", 0o600)
	if err := Merge(good, rewriteDemo(t, "https://127.0.0.1:8")); err != nil {
		t.Fatal(err)
	}
	if err := Remove([]string{broken, good}, "demo"); err == nil {
		t.Error("no error for a broken file")
	}
	if len(entries(generic(t, good), "contexts")) != 0 {
		t.Error("the good file was not cleaned")
	}
	assertNoLeftovers(t, dir)
}

func mustRewrite(t *testing.T, cluster string) *api.Config {
	t.Helper()
	cfg, err := Rewrite([]byte(adminConf), cluster, "https://127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
