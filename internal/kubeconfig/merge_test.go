package kubeconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

func TestMergeIntoMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "home", ".kube", "config")
	if err := Merge(path, rewriteDemo(t, "https://127.0.0.1:41235")); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("file mode %o, want 600", m)
	}
	if m := mode(t, filepath.Dir(path)); m != 0o755 {
		t.Errorf("dir mode %o, want 755", m)
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != "kina-demo" || cfg.Clusters["kina-demo"].Server != "https://127.0.0.1:41235" {
		t.Errorf("current %q, clusters %v", cfg.CurrentContext, cfg.Clusters)
	}
	assertNoLeftovers(t, filepath.Dir(path))
}

func TestMergeIntoEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path, "\n", 0o600)
	if err := Merge(path, rewriteDemo(t, "https://127.0.0.1:1")); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil || cfg.CurrentContext != "kina-demo" || len(cfg.Contexts) != 1 {
		t.Fatalf("%v %+v", err, cfg)
	}
}

// Other tools' entries must come back semantically identical, including
// fields client-go does not know and defaults client-go would add.
func TestMergeKeepsOtherEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path, otherTools, 0o644)
	if err := Merge(path, rewriteDemo(t, "https://127.0.0.1:41235")); err != nil {
		t.Fatal(err)
	}
	before, after := genericString(t, otherTools), generic(t, path)
	for _, key := range []string{"clusters", "users", "contexts"} {
		b, a := entries(before, key), entries(after, key)
		for name, entry := range b {
			if name == "kina-demo" {
				continue
			}
			if !reflect.DeepEqual(a[name], entry) {
				t.Errorf("%s %q changed:\n got %v\nwant %v", key, name, a[name], entry)
			}
		}
		if len(a) != len(b) {
			t.Errorf("%s: %d entries, want %d (replaced, not appended)", key, len(a), len(b))
		}
	}
	for _, key := range []string{"preferences", "extensions", "apiVersion", "kind"} {
		if !reflect.DeepEqual(after[key], before[key]) {
			t.Errorf("%s changed: %v -> %v", key, before[key], after[key])
		}
	}
	if after["current-context"] != "kina-demo" {
		t.Errorf("current-context %v", after["current-context"])
	}
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), "# managed by hand") {
		t.Error("comment lost")
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("a 0644 file was not tightened: %o", m)
	}

	// The replaced entry is kina's new one.
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Clusters["kina-demo"].Server; s != "https://127.0.0.1:41235" {
		t.Errorf("kina-demo server %q", s)
	}
	if u := cfg.AuthInfos["kina-demo"]; u.Token != "" || string(u.ClientKeyData) != "KEY" {
		t.Errorf("kina-demo user not replaced")
	}
}

func TestMergeTwiceIsStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	cfg := rewriteDemo(t, "https://127.0.0.1:2")
	for range 2 {
		if err := Merge(path, cfg); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := os.ReadFile(path)
	if err := Merge(path, cfg); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(path)
	if string(first) != string(second) {
		t.Errorf("merging the same entry again changed the file:\n%s\n---\n%s", first, second)
	}
}

func TestMergeThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "real"), filepath.Join(dir, "config")
	writeFile(t, target, otherTools, 0o600)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Merge(link, rewriteDemo(t, "https://127.0.0.1:3")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v", err)
	}
	if generic(t, target)["current-context"] != "kina-demo" {
		t.Error("the link's target was not updated")
	}
}

func TestMergeRefusesBrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	const broken = "clusters: [this is: not: a kubeconfig\n"
	writeFile(t, path, broken, 0o600)
	err := Merge(path, rewriteDemo(t, "https://127.0.0.1:4"))
	if err == nil {
		t.Fatal("no error")
	}
	if raw, _ := os.ReadFile(path); string(raw) != broken {
		t.Error("a file kina could not read was overwritten")
	}
	assertNoLeftovers(t, filepath.Dir(path))
}

func TestLockContention(t *testing.T) {
	shortLock(t, 200*time.Millisecond)
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path+".lock", "", 0o600)

	err := Merge(path, rewriteDemo(t, "https://127.0.0.1:5"))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("held lock: got %v, want ErrLocked", err)
	}
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Error("someone else's lock was removed")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("wrote without the lock")
	}

	// A lock released while waiting is taken.
	go func() {
		time.Sleep(50 * time.Millisecond)
		os.Remove(path + ".lock")
	}()
	if err := Merge(path, rewriteDemo(t, "https://127.0.0.1:5")); err != nil {
		t.Fatalf("after release: %v", err)
	}
	assertNoLeftovers(t, filepath.Dir(path))
}

// Concurrent merges of different clusters must all land.
func TestConcurrentMerges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg, err := Rewrite([]byte(adminConf), fmt.Sprintf("c%d", i), "https://127.0.0.1:6")
			if err == nil {
				err = Merge(path, cfg)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Contexts) != 8 || len(cfg.Clusters) != 8 || len(cfg.AuthInfos) != 8 {
		t.Errorf("lost updates: %d contexts, %d clusters, %d users", len(cfg.Contexts), len(cfg.Clusters), len(cfg.AuthInfos))
	}
	assertNoLeftovers(t, filepath.Dir(path))
}

func shortLock(t *testing.T, wait time.Duration) {
	oldWait, oldRetry := lockWait, lockRetry
	lockWait, lockRetry = wait, 10*time.Millisecond
	t.Cleanup(func() { lockWait, lockRetry = oldWait, oldRetry })
}

// assertNoLeftovers checks that no lock or temporary file stays behind.
func assertNoLeftovers(t *testing.T, dir string) {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		if strings.HasSuffix(de.Name(), ".lock") || strings.Contains(de.Name(), ".tmp-") {
			t.Errorf("left behind: %s", de.Name())
		}
	}
}
