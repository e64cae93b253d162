package main

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// DefaultCreated is the fixed timestamp used for the image and its files
// (the release time of Kubernetes v1.34.4 on the module proxy).
var DefaultCreated = time.Date(2026, 2, 10, 12, 53, 36, 0, time.UTC)

// DefaultPath is the PATH every image gets unless -env overrides it.
// kubeadm's static pods run e.g. `kube-apiserver` by name, so it matters.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// capXattr is the PAX record that carries file capabilities.
const capXattr = "SCHILY.xattr.security.capability"

// netBindCap is a struct vfs_cap_data (revision 2) with
// cap_net_bind_service (bit 10) permitted and the effective flag set:
// byte-for-byte what `setcap cap_net_bind_service=+ep` stores.
var netBindCap = string([]byte{
	0x01, 0x00, 0x00, 0x02, // VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE
	0x00, 0x04, 0x00, 0x00, // permitted[0]: 1<<10
	0x00, 0x00, 0x00, 0x00, // inheritable[0]
	0x00, 0x00, 0x00, 0x00, // permitted[1]
	0x00, 0x00, 0x00, 0x00, // inheritable[1]
})

// Spec describes one image.
type Spec struct {
	Tag, Out   string
	Files      []FileSpec
	Dirs       []DirSpec
	Entrypoint []string
	Cmd        []string
	Env        []string
	User       string
	WorkingDir string
	Created    time.Time
	Skeleton   bool
}

// FileSpec copies one host file into the image.
type FileSpec struct {
	Src, Dest string
	Mode      fs.FileMode // permission bits; 0 means "take them from Src"
	NetBind   bool
}

// DirSpec copies a host directory tree into the image.
type DirSpec struct {
	Src, Dest string
}

// parseAdd parses SRC=DEST[:MODE][:netbind].
func parseAdd(s string) (FileSpec, error) {
	src, rest, ok := strings.Cut(s, "=")
	if !ok || src == "" || rest == "" {
		return FileSpec{}, fmt.Errorf("-add %q: want SRC=DEST[:MODE][:netbind]", s)
	}
	parts := strings.Split(rest, ":")
	f := FileSpec{Src: src, Dest: parts[0]}
	for _, p := range parts[1:] {
		switch {
		case p == "netbind":
			f.NetBind = true
		case p != "" && strings.Trim(p, "01234567") == "":
			m, err := strconv.ParseUint(p, 8, 32)
			if err != nil || m > 07777 {
				return FileSpec{}, fmt.Errorf("-add %q: bad mode %q", s, p)
			}
			f.Mode = fromUnixMode(uint32(m))
		default:
			return FileSpec{}, fmt.Errorf("-add %q: unknown option %q (want an octal mode or netbind)", s, p)
		}
	}
	return f, nil
}

// fromUnixMode converts octal permission bits (as in chmod) to fs.FileMode.
func fromUnixMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m) & fs.ModePerm
	if m&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// argList turns repeated flag values into an argv; a single value starting
// with '[' is decoded as a JSON array.
func argList(vals []string) ([]string, error) {
	if len(vals) == 1 && strings.HasPrefix(strings.TrimSpace(vals[0]), "[") {
		var out []string
		if err := json.Unmarshal([]byte(vals[0]), &out); err != nil {
			return nil, fmt.Errorf("JSON array: %w", err)
		}
		return out, nil
	}
	return vals, nil
}

// entry is one file system object in the layer.
type entry struct {
	typ     byte        // tar.TypeDir, tar.TypeReg or tar.TypeSymlink
	mode    fs.FileMode // permission and special bits
	src     string      // host file to read (regular files), or
	data    []byte      // inline content (skeleton files)
	size    int64
	link    string // symlink target
	netBind bool
}

// layout is the layer's file system, keyed by clean path without leading "/".
type layout map[string]*entry

// cleanDest turns an absolute image path into a layout key.
func cleanDest(dest string) (string, error) {
	if !path.IsAbs(dest) {
		return "", fmt.Errorf("destination %q is not absolute", dest)
	}
	p := strings.TrimPrefix(path.Clean(dest), "/")
	if p == "" {
		return "", fmt.Errorf("destination %q is the root", dest)
	}
	return p, nil
}

// put adds e at p, creating missing parents. Replacing an existing entry is
// allowed, except that a directory cannot become a non-directory while it
// has children, and a parent cannot be a symlink or file.
func (l layout) put(p string, e *entry) error {
	for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
		if old, ok := l[dir]; ok {
			if old.typ != tar.TypeDir {
				return fmt.Errorf("%s: parent /%s is not a directory", "/"+p, dir)
			}
			continue
		}
		l[dir] = &entry{typ: tar.TypeDir, mode: 0o755}
	}
	if old, ok := l[p]; ok && old.typ == tar.TypeDir && e.typ != tar.TypeDir {
		for k := range l {
			if strings.HasPrefix(k, p+"/") {
				return fmt.Errorf("/%s: cannot replace a non-empty directory", p)
			}
		}
	}
	if old, ok := l[p]; ok && old.typ == tar.TypeDir && e.typ == tar.TypeDir {
		old.mode = e.mode // keep it a directory, take the newer mode
		return nil
	}
	l[p] = e
	return nil
}

func (l layout) addSkeleton() {
	files := map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/sbin/nologin\n" +
			"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" +
			"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
		"etc/group":         "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n",
		"etc/nsswitch.conf": "hosts: files dns\n",
	}
	for p, s := range files {
		_ = l.put(p, &entry{typ: tar.TypeReg, mode: 0o644, data: []byte(s), size: int64(len(s))})
	}
	_ = l.put("tmp", &entry{typ: tar.TypeDir, mode: fromUnixMode(0o1777)})
}

func (l layout) addFile(f FileSpec) error {
	p, err := cleanDest(f.Dest)
	if err != nil {
		return fmt.Errorf("-add %s: %w", f.Src, err)
	}
	fi, err := os.Stat(f.Src)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("-add %s: not a regular file", f.Src)
	}
	mode := f.Mode
	if mode == 0 {
		mode = fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	}
	return l.put(p, &entry{typ: tar.TypeReg, mode: mode, src: f.Src, size: fi.Size(), netBind: f.NetBind})
}

func (l layout) addDir(d DirSpec) error {
	base, err := cleanDest(d.Dest)
	if err != nil && d.Dest != "/" {
		return fmt.Errorf("-add-dir %s: %w", d.Src, err)
	}
	return filepath.WalkDir(d.Src, func(hostPath string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(d.Src, hostPath)
		if err != nil {
			return err
		}
		p := path.Join(base, filepath.ToSlash(rel))
		if p == "." || p == "" {
			return nil // the image root itself
		}
		fi, err := os.Lstat(hostPath)
		if err != nil {
			return err
		}
		mode := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		switch {
		case fi.IsDir():
			return l.put(p, &entry{typ: tar.TypeDir, mode: mode})
		case fi.Mode().IsRegular():
			return l.put(p, &entry{typ: tar.TypeReg, mode: mode, src: hostPath, size: fi.Size()})
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(hostPath)
			if err != nil {
				return err
			}
			return l.put(p, &entry{typ: tar.TypeSymlink, mode: 0o777, link: target})
		default:
			return fmt.Errorf("-add-dir: %s: unsupported file type %v", hostPath, fi.Mode().Type())
		}
	})
}

// writeTar streams the layer: entries sorted by path (so parents come
// first), owner root, fixed times.
func (l layout) writeTar(w io.Writer, mtime time.Time) error {
	paths := make([]string, 0, len(l))
	for p := range l {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	tw := tar.NewWriter(w)
	for _, p := range paths {
		e := l[p]
		hdr := &tar.Header{
			Typeflag: e.typ,
			Name:     p,
			Mode:     int64(e.mode.Perm()),
			ModTime:  mtime,
			Format:   tar.FormatPAX,
		}
		if e.mode&fs.ModeSetuid != 0 {
			hdr.Mode |= 0o4000
		}
		if e.mode&fs.ModeSetgid != 0 {
			hdr.Mode |= 0o2000
		}
		if e.mode&fs.ModeSticky != 0 {
			hdr.Mode |= 0o1000
		}
		switch e.typ {
		case tar.TypeDir:
			hdr.Name += "/"
		case tar.TypeSymlink:
			hdr.Linkname = e.link
		case tar.TypeReg:
			hdr.Size = e.size
			if e.netBind {
				hdr.PAXRecords = map[string]string{capXattr: netBindCap}
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("/%s: %w", p, err)
		}
		if e.typ != tar.TypeReg {
			continue
		}
		if e.src == "" {
			if _, err := tw.Write(e.data); err != nil {
				return err
			}
			continue
		}
		if err := copyFile(tw, e.src, e.size); err != nil {
			return fmt.Errorf("/%s: %w", p, err)
		}
	}
	return tw.Close()
}

func copyFile(w io.Writer, src string, size int64) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w, io.LimitReader(f, size))
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("%s changed size while building (%d != %d bytes)", src, n, size)
	}
	return nil
}

// Build writes the image described by s to s.Out and validates the result.
func Build(s Spec) error {
	tag, err := name.NewTag(s.Tag, name.StrictValidation)
	if err != nil {
		return fmt.Errorf("-tag %q: %w (want registry/repository:tag)", s.Tag, err)
	}
	if s.Created.IsZero() {
		s.Created = DefaultCreated
	}
	l := layout{}
	if s.Skeleton {
		l.addSkeleton()
	}
	for _, d := range s.Dirs {
		if err := l.addDir(d); err != nil {
			return err
		}
	}
	for _, f := range s.Files {
		if err := l.addFile(f); err != nil {
			return err
		}
	}
	if len(l) == 0 {
		return fmt.Errorf("image %s would be empty", s.Tag)
	}

	mtime := s.Created.UTC()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(l.writeTar(pw, mtime)) }()
		return pr, nil
	}, tarball.WithCompressedCaching)
	if err != nil {
		return err
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: mtime},
			CreatedBy: "kina hack/tools/mkimage",
			Comment:   s.Tag,
		},
	})
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.OS = "linux"
	cf.Architecture = "amd64"
	cf.Created = v1.Time{Time: mtime}
	cf.Config.Env = mergeEnv([]string{"PATH=" + DefaultPath}, s.Env)
	cf.Config.Entrypoint = s.Entrypoint
	cf.Config.Cmd = s.Cmd
	cf.Config.User = s.User
	cf.Config.WorkingDir = s.WorkingDir
	if cf.Config.WorkingDir == "" {
		cf.Config.WorkingDir = "/"
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return err
	}

	if err := os.MkdirAll(filepath.Dir(s.Out), 0o755); err != nil {
		return err
	}
	tmp := s.Out + ".tmp"
	if err := tarball.WriteToFile(tmp, tag, img); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", s.Out, err)
	}
	// Validate what was written, not the in-memory image: validate.Image
	// on a fresh mutate.Append result reports a spurious annotations diff.
	back, err := tarball.ImageFromPath(tmp, &tag)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("reading back %s: %w", s.Out, err)
	}
	if err := validate.Image(back); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("validating %s: %w", s.Out, err)
	}
	return os.Rename(tmp, s.Out)
}

// mergeEnv applies overrides (KEY=VALUE) to base, replacing equal keys.
func mergeEnv(base, overrides []string) []string {
	out := append([]string(nil), base...)
	for _, o := range overrides {
		k, _, _ := strings.Cut(o, "=")
		replaced := false
		for i, b := range out {
			if bk, _, _ := strings.Cut(b, "="); bk == k {
				out[i], replaced = o, true
			}
		}
		if !replaced {
			out = append(out, o)
		}
	}
	return out
}
