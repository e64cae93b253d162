package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestBuildRoundTrip(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "server")
	if err := os.WriteFile(bin, []byte("#!/bin/true\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(dir, "rootfs")
	for _, d := range []string{"usr/bin", "usr/lib"} {
		if err := os.MkdirAll(filepath.Join(tree, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(tree, "usr/lib/libx.so.1"), []byte("lib"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("usr/lib", filepath.Join(tree, "lib")); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "out", "img.tar")
	args := []string{
		"-tag", "registry.example/test/server:v1",
		"-out", out,
		"-add", bin + "=/usr/local/bin/server:0755:netbind",
		"-add", bin + "=/etc/passwd", // replaces the skeleton's file
		"-add-dir", tree + "=/",
		"-entrypoint", `["/usr/local/bin/server","--flag"]`,
		"-cmd", "a", "-cmd", "b c",
		"-env", "FOO=bar", "-env", "PATH=/bin",
		"-user", "65532:65532",
	}
	if err := run(args); err != nil {
		t.Fatal(err)
	}

	tag, _ := name.NewTag("registry.example/test/server:v1")
	img, err := tarball.ImageFromPath(out, &tag)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != "amd64" {
		t.Errorf("platform = %s/%s", cf.OS, cf.Architecture)
	}
	c := cf.Config
	checks := []struct {
		name      string
		got, want any
	}{
		{"entrypoint", c.Entrypoint, []string{"/usr/local/bin/server", "--flag"}},
		{"cmd", c.Cmd, []string{"a", "b c"}},
		{"env", c.Env, []string{"PATH=/bin", "FOO=bar"}},
		{"user", c.User, "65532:65532"},
		{"workdir", c.WorkingDir, "/"},
		{"created", cf.Created.Time.UTC(), DefaultCreated},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s = %#v, want %#v", ck.name, ck.got, ck.want)
		}
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers = %d, %v; want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got := map[string]*tar.Header{}
	content := map[string]string{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !h.ModTime.Equal(DefaultCreated) || h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s: mtime %v uid %d gid %d", h.Name, h.ModTime, h.Uid, h.Gid)
		}
		got[h.Name] = h
		b, _ := io.ReadAll(tr)
		content[h.Name] = string(b)
	}

	want := map[string]struct {
		typ  byte
		mode int64
	}{
		"etc/":                 {tar.TypeDir, 0o755},
		"etc/passwd":           {tar.TypeReg, 0o700},
		"etc/group":            {tar.TypeReg, 0o644},
		"etc/nsswitch.conf":    {tar.TypeReg, 0o644},
		"tmp/":                 {tar.TypeDir, 0o1777},
		"usr/":                 {tar.TypeDir, 0o755},
		"usr/local/":           {tar.TypeDir, 0o755},
		"usr/local/bin/":       {tar.TypeDir, 0o755},
		"usr/local/bin/server": {tar.TypeReg, 0o755},
		"usr/lib/libx.so.1":    {tar.TypeReg, 0o644},
		"lib":                  {tar.TypeSymlink, 0o777},
	}
	for p, w := range want {
		h, ok := got[p]
		if !ok {
			t.Errorf("missing %s", p)
			continue
		}
		if h.Typeflag != w.typ || h.Mode != w.mode {
			t.Errorf("%s: type %c mode %o, want %c %o", p, h.Typeflag, h.Mode, w.typ, w.mode)
		}
	}
	if h := got["lib"]; h != nil && h.Linkname != "usr/lib" {
		t.Errorf("lib -> %q", h.Linkname)
	}
	if content["usr/local/bin/server"] != "#!/bin/true\n" || content["etc/passwd"] != "#!/bin/true\n" {
		t.Errorf("file contents wrong: %q", content["usr/local/bin/server"])
	}
	if cap := got["usr/local/bin/server"].PAXRecords[capXattr]; cap != netBindCap {
		t.Errorf("capability xattr = %x", cap)
	}
	if len(netBindCap) != 20 {
		t.Errorf("netBindCap is %d bytes, want 20", len(netBindCap))
	}

	// Same inputs, same bytes.
	out2 := filepath.Join(dir, "img2.tar")
	args[3] = out2
	if err := run(args); err != nil {
		t.Fatal(err)
	}
	if sum(t, out) != sum(t, out2) {
		t.Error("two builds with the same inputs differ")
	}
}

func TestParseAdd(t *testing.T) {
	f, err := parseAdd("a=/b/c:0644:netbind")
	if err != nil || f.Src != "a" || f.Dest != "/b/c" || f.Mode != 0o644 || !f.NetBind {
		t.Errorf("parseAdd = %+v, %v", f, err)
	}
	if f, err := parseAdd("a=/b:4755"); err != nil || f.Mode != 0o755|os.ModeSetuid {
		t.Errorf("parseAdd setuid = %v, %v", f.Mode, err)
	}
	for _, bad := range []string{"a", "=/b", "a=/b:xyz", "a=/b:99"} {
		if _, err := parseAdd(bad); err == nil {
			t.Errorf("parseAdd(%q) succeeded", bad)
		}
	}
	if err := run([]string{"-tag", "noregistry", "-out", filepath.Join(t.TempDir(), "x.tar")}); err == nil {
		t.Error("a tag without registry and tag was accepted")
	}
}

func sum(t *testing.T, p string) [32]byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("manifest.json")) {
		t.Errorf("%s has no manifest.json", p)
	}
	return sha256.Sum256(b)
}
