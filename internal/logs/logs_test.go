package logs

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func tarOf(t *testing.T, files map[string]string) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	return &b
}

func TestUntarWritesFiles(t *testing.T) {
	dir := t.TempDir()
	if err := untar(tarOf(t, map[string]string{"pods/ns_p_uid/c/0.log": "hello"}), dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "pods/ns_p_uid/c/0.log"))
	if err != nil || string(b) != "hello" {
		t.Errorf("got %q, %v", b, err)
	}
}

func TestUntarStaysInsideDir(t *testing.T) {
	dir := t.TempDir()
	if err := untar(tarOf(t, map[string]string{"../../escape": "x"}), dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "escape")); err != nil {
		t.Errorf("entry was not confined to dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(dir)), "escape")); err == nil {
		t.Error("entry escaped dir")
	}
}
