// Package nodeimage assembles kina's node image from a base image (see
// images/base) and the Kubernetes ingredients: kubeadm, kubelet and kubectl,
// the component images as docker-archives, and the default CNI and storage
// manifests. It works the way kind's node-image build does: start a build
// container from the base, copy the files in, import every image into
// containerd's k8s.io namespace (content only, pinned), and commit. Unlike
// kind's, it stores the images' layers uncompressed and keeps /var small
// (see uncompressScript and slimVarScript): both save every node CPU.
//
// Every host command goes through run.Runner, as an argv list. The runtime is
// a Docker-compatible CLI: "docker" or "podman".
package nodeimage

import (
	"archive/tar"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kina-dev/kina/internal/run"
)

// Defaults.
const (
	DefaultBaseImage = "kina/base:latest"
	// DefaultVersion is the Kubernetes version kina's ingredients build.
	DefaultVersion = "v1.34.4"
	// ImageRepository is the repository of the default node image tag.
	ImageRepository = "kina/node"
	// LabelHash carries the hash of every input of a node image.
	LabelHash = "dev.kina.node.hash"
	// LabelVersion carries the Kubernetes version.
	LabelVersion = "dev.kina.node.version"
	// Entrypoint of the node image (the base's entrypoint, then systemd).
	entrypointJSON = `["/usr/local/bin/entrypoint", "/lib/systemd/systemd"]`
	// recipe changes whenever Build changes what it puts in an image, so
	// that the input hash changes too.
	recipe = "kina-nodeimage-5"
	// minMinor is the oldest Kubernetes minor kina's node supports: kubelet
	// takes its cgroup driver from containerd 2's CRI from 1.31 on.
	minMinor = 31
)

// slimVarScript moves what is big or many-filed in /var (containerd's
// blobs, dpkg's database) under /kind/var and leaves symlinks behind. Fixed
// text: nothing from the user.
const slimVarScript = `set -e
for p in /var/lib/containerd/io.containerd.content.v1.content /var/lib/dpkg; do
	mkdir -p "$(dirname "/kind$p")"
	mv "$p" "/kind$p"
	ln -s "/kind$p" "$p"
done`

// uncompressScript rewrites every image in containerd's k8s.io namespace
// with uncompressed layers (same image IDs; new manifest digests) and points
// all names of an image, its image-ID name included, at the new manifest.
// Each node unpacks the images it runs on first use; from gzip that cost
// igzip and containerd ~2.4 s of CPU in a 4-node create on a saturated
// 2-core host (measured with process accounting); uncompressed, a 4-node
// create used ~5 CPU-s less and was Ready ~3 s sooner (3 pairs). The image
// grows by ~330 MB on disk; the blobs sit outside the copied /var (see
// slimVarScript). The import-* names `ctr import --digests` adds only name
// the old manifests, so they go; retagging drops labels, so every image is
// pinned again (as the import pinned it). Fixed text: nothing from the user.
const uncompressScript = `set -eu
c() { ctr -n k8s.io "$@" 2>/dev/null; }
digest() { c images ls | awk -v r="$1" '$1 == r { print $3 }'; }
for name in $(c images ls -q | grep '^import-' || true); do
	c images rm "$name" >/dev/null
done
for ref in $(c images ls -q | grep -v '^sha256:' || true); do
	old=$(digest "$ref")
	tmp="$ref-kina-uncompressed"
	c images convert --uncompress "$ref" "$tmp" >/dev/null
	new=$(digest "$tmp")
	if [ "$new" != "$old" ]; then
		for name in $(c images ls | awk -v d="$old" 'NR > 1 && $3 == d { print $1 }'); do
			c images tag --force "$tmp" "$name" >/dev/null
		done
	fi
	c images rm "$tmp" >/dev/null
done
for name in $(c images ls -q); do
	c images label "$name" io.cri-containerd.pinned=pinned >/dev/null
done`

// KubeBinaries are the binaries a node image needs, installed in /usr/bin.
var KubeBinaries = []string{"kubeadm", "kubelet", "kubectl"}

// Options configure Build.
type Options struct {
	// Runtime is the container CLI: "docker" (default) or "podman".
	Runtime string
	// Image is the tag to build; default kina/node:<version>.
	Image string
	// BaseImage is the local base image; default kina/base:latest.
	BaseImage string
	// Arch is the target architecture; only the host's is supported.
	Arch string
	// KubeBinDir holds kubeadm, kubelet and kubectl.
	KubeBinDir string
	// ImageArchiveDirs hold docker-archive tarballs (*.tar), one image each.
	ImageArchiveDirs []string
	// Version is the Kubernetes version; default: the "version" file next to
	// KubeBinDir, else what kubeadm reports.
	Version string
	// ExtraFiles are more files to put in the image: absolute path in the
	// image → file on the host (kina-lb, the HA load balancer, comes this way).
	ExtraFiles map[string]string
	// Force rebuilds even when an image with the same input hash exists.
	Force bool
	// Runner runs every command; default run.Exec{}.
	Runner run.Runner
	// Logf reports progress; may be nil.
	Logf func(format string, args ...any)
	// now and suffix are test seams.
	now    func() time.Time
	suffix func() string
}

// Result describes a built (or already up-to-date) image.
type Result struct {
	Image    string
	Version  string
	Hash     string
	UpToDate bool // nothing was built: the image already had this hash
	Images   []string
}

// Archive is one docker-archive and the tags it carries.
type Archive struct {
	Path string
	Tags []string
}

var semverRE = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)([-+].*)?$`)

// kubeImages are the images whose tag must be the Kubernetes version.
var kubeImages = []string{
	"registry.k8s.io/kube-apiserver",
	"registry.k8s.io/kube-controller-manager",
	"registry.k8s.io/kube-scheduler",
	"registry.k8s.io/kube-proxy",
}

// Build assembles the node image.
func Build(ctx context.Context, o Options) (*Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	b := &builder{o: o, r: o.Runner}
	return b.build(ctx)
}

func (o *Options) defaults() error {
	if o.Runtime == "" {
		o.Runtime = "docker"
	}
	switch filepath.Base(o.Runtime) {
	case "docker", "podman":
	default:
		return fmt.Errorf("unsupported runtime %q: node images are built with docker or podman", o.Runtime)
	}
	if o.BaseImage == "" {
		o.BaseImage = DefaultBaseImage
	}
	if o.Arch == "" {
		o.Arch = goruntime.GOARCH
	}
	if o.Arch != goruntime.GOARCH {
		return fmt.Errorf("cannot build a %s node image on a %s host: cross-architecture builds are not supported", o.Arch, goruntime.GOARCH)
	}
	if o.Runner == nil {
		o.Runner = run.Exec{}
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.suffix == nil {
		o.suffix = func() string {
			var b [4]byte
			_, _ = rand.Read(b[:])
			return hex.EncodeToString(b[:])
		}
	}
	if o.KubeBinDir == "" {
		return errors.New("no Kubernetes binary directory given (--kube-bin-dir)")
	}
	if len(o.ImageArchiveDirs) == 0 {
		return errors.New("no image archive directory given (--image-archives)")
	}
	return nil
}

type builder struct {
	o         Options
	r         run.Runner
	version   string
	archives  []Archive
	container string
}

func (b *builder) build(ctx context.Context) (*Result, error) {
	o := b.o
	// 1. Static checks: nothing runs until the inputs look right.
	for _, name := range KubeBinaries {
		p := filepath.Join(o.KubeBinDir, name)
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("missing Kubernetes binary %s: %w", name, err)
		}
		if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
			return nil, fmt.Errorf("Kubernetes binary %s is not an executable file", p)
		}
	}
	version, err := b.findVersion()
	if err != nil {
		return nil, err
	}
	archives, err := FindArchives(o.ImageArchiveDirs)
	if err != nil {
		return nil, err
	}
	b.archives = archives
	if version != "" {
		if err := checkVersion(version, archives); err != nil {
			return nil, err
		}
	}
	addons, err := findAddonImages(archives)
	if err != nil {
		return nil, err
	}
	cni, storage, err := renderManifests(addons)
	if err != nil {
		return nil, err
	}

	baseID, err := b.output(ctx, o.Runtime, "image", "inspect", "--format", "{{.Id}}", o.BaseImage)
	if err != nil {
		return nil, fmt.Errorf("base image %s not found (build it with images/base/build.sh): %w", o.BaseImage, err)
	}

	// 2. Up to date? The hash covers every input.
	hash, err := inputHash(strings.TrimSpace(baseID), version, o.KubeBinDir, archives, cni, storage, o.ExtraFiles)
	if err != nil {
		return nil, err
	}
	image := o.Image
	if image == "" {
		if version == "" {
			return nil, errors.New("cannot name the image: the Kubernetes version is unknown (give --image, or a version file next to the binaries)")
		}
		image = ImageRepository + ":" + version
	}
	res := &Result{Image: image, Version: version, Hash: hash}
	for _, a := range archives {
		res.Images = append(res.Images, a.Tags...)
	}
	if !o.Force {
		have, err := b.output(ctx, o.Runtime, "image", "inspect", "--format", `{{ index .Config.Labels "`+LabelHash+`" }}`, image)
		if err == nil && strings.TrimSpace(have) == hash {
			o.Logf("%s is up to date (inputs %s)", image, hash[:12])
			res.UpToDate = true
			return res, nil
		}
	}

	// 3. The build container. Restricted-host flags: no --privileged.
	b.container = fmt.Sprintf("kina-build-%d-%s", o.now().Unix(), o.suffix())
	o.Logf("starting build container %s from %s", b.container, o.BaseImage)
	// Remove it with its anonymous volumes whatever happens, even when ctx
	// is done; a failed "run" can leave a created container behind.
	defer func() {
		_ = b.r.Run(context.WithoutCancel(ctx), run.Cmd{Name: o.Runtime, Args: []string{"rm", "-f", "-v", b.container}})
	}()
	runArgs := []string{"run", "-d", "--name", b.container,
		"--entrypoint", "sleep",
		"--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
		"--security-opt", "seccomp=unconfined",
		"--tmpfs", "/run", "--tmpfs", "/tmp"}
	if filepath.Base(o.Runtime) == "podman" {
		// podman's default rlimits exceed what a runtime without
		// CAP_SYS_RESOURCE may set on restricted hosts.
		runArgs = append(runArgs, "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768")
	}
	runArgs = append(runArgs, o.BaseImage, "infinity")
	if err := b.do(ctx, o.Runtime, runArgs...); err != nil {
		return nil, fmt.Errorf("start build container: %w", err)
	}

	// 4. Files: binaries, version and manifests, as one tar stream.
	files := []tarFile{}
	for _, name := range KubeBinaries {
		files = append(files, tarFile{name: "usr/bin/" + name, src: filepath.Join(o.KubeBinDir, name), mode: 0o755})
	}
	files = append(files,
		tarFile{name: strings.TrimPrefix(CNIManifestPath, "/"), data: []byte(cni), mode: 0o644},
		tarFile{name: strings.TrimPrefix(StorageManifestPath, "/"), data: []byte(storage), mode: 0o644},
	)
	if version != "" {
		files = append(files, tarFile{name: strings.TrimPrefix(VersionPath, "/"), data: []byte(version + "\n"), mode: 0o644})
	}
	for _, dest := range slices.Sorted(maps.Keys(o.ExtraFiles)) {
		files = append(files, tarFile{name: strings.TrimPrefix(dest, "/"), src: o.ExtraFiles[dest], mode: 0o755})
	}
	o.Logf("copying kubeadm, kubelet, kubectl and the manifests")
	if err := b.copyIn(ctx, files); err != nil {
		return nil, err
	}

	// 5. What the binaries say.
	kv, err := b.output(ctx, o.Runtime, "exec", b.container, "kubeadm", "version", "-o", "short")
	if err != nil {
		return nil, fmt.Errorf("run kubeadm in the build container: %w", err)
	}
	kv = strings.TrimSpace(kv)
	if version == "" {
		version = kv
		if err := checkVersion(version, archives); err != nil {
			return nil, err
		}
		if err := b.copyIn(ctx, []tarFile{{name: strings.TrimPrefix(VersionPath, "/"), data: []byte(version + "\n"), mode: 0o644}}); err != nil {
			return nil, err
		}
		res.Version = version
	} else if kv != version {
		return nil, fmt.Errorf("kubeadm in %s is %s, but the version is %s", o.KubeBinDir, kv, version)
	}
	required, err := b.requiredImages(ctx, version)
	if err != nil {
		return nil, err
	}
	required = append(required, addons.KinaNet, addons.LocalPathProvisioner, addons.LocalPathHelper)
	have := map[string]bool{}
	for _, a := range archives {
		for _, t := range a.Tags {
			have[t] = true
		}
	}
	var missing []string
	for _, r := range required {
		if !have[NormalizeTag(r)] {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("Kubernetes %s needs images that no archive in %s provides: %s", version, strings.Join(o.ImageArchiveDirs, ", "), strings.Join(missing, ", "))
	}

	// 6. Import every archive into containerd, content only, pinned; then
	// rewrite the layers uncompressed.
	o.Logf("starting containerd")
	if err := b.do(ctx, o.Runtime, "exec", "-d", b.container, "containerd"); err != nil {
		return nil, fmt.Errorf("start containerd: %w", err)
	}
	if err := b.waitFor(ctx, 60*time.Second, "exec", b.container, "ctr", "version"); err != nil {
		return nil, fmt.Errorf("containerd did not come up in the build container: %w", err)
	}
	for _, a := range archives {
		o.Logf("importing %s", strings.Join(a.Tags, ", "))
		if err := b.importArchive(ctx, a.Path); err != nil {
			return nil, err
		}
	}
	o.Logf("storing the images' layers uncompressed")
	if err := b.do(ctx, o.Runtime, "exec", b.container, "sh", "-c", uncompressScript); err != nil {
		return nil, fmt.Errorf("store the images' layers uncompressed: %w", err)
	}
	list, err := b.output(ctx, o.Runtime, "exec", b.container, "ctr", "-n", "k8s.io", "images", "list", "-q")
	if err != nil {
		return nil, fmt.Errorf("list imported images: %w", err)
	}
	got := map[string]bool{}
	for _, l := range strings.Fields(list) {
		got[l] = true
	}
	for _, a := range archives {
		for _, t := range a.Tags {
			if !got[t] {
				return nil, fmt.Errorf("image %s from %s is missing after import", t, a.Path)
			}
		}
	}
	if err := b.do(ctx, o.Runtime, "exec", b.container, "pkill", "-x", "containerd"); err != nil {
		return nil, fmt.Errorf("stop containerd: %w", err)
	}
	if err := b.waitGone(ctx, 30*time.Second); err != nil {
		return nil, err
	}

	// 7. Keep /var small. Nodes mount a fresh volume on /var (containerd's
	// snapshots cannot live on overlayfs) and the runtime fills it by copying
	// the image's /var: Docker 20.10 spent ~1 ms of CPU per file and ~1 s per
	// node on it, mostly dpkg's ~700 files. Blobs and dpkg's database stay in
	// the image layer behind symlinks; both still work, writes included.
	if err := b.do(ctx, o.Runtime, "exec", b.container, "sh", "-c", slimVarScript); err != nil {
		return nil, fmt.Errorf("move containerd's blobs and dpkg's database out of /var: %w", err)
	}

	// 8. Commit.
	o.Logf("committing %s", image)
	if err := b.do(ctx, o.Runtime, "commit",
		"--change", "ENTRYPOINT "+entrypointJSON,
		"--change", "CMD []",
		"--change", "LABEL "+LabelHash+"="+hash+" "+LabelVersion+"="+version,
		b.container, image); err != nil {
		return nil, fmt.Errorf("commit %s: %w", image, err)
	}
	return res, nil
}

// findVersion reads Options.Version or the "version" file next to the
// binary directory ("" if neither exists) and checks that it is supported.
func (b *builder) findVersion() (string, error) {
	v := b.o.Version
	if v == "" {
		raw, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Clean(b.o.KubeBinDir)), "version"))
		if err == nil {
			v = strings.TrimSpace(string(raw))
		}
	}
	if v == "" {
		return "", nil
	}
	return v, SupportedVersion(v)
}

// SupportedVersion reports whether kina can build a node for Kubernetes v.
func SupportedVersion(v string) error {
	m := semverRE.FindStringSubmatch(v)
	if m == nil {
		return fmt.Errorf("%q is not a Kubernetes version (want vMAJOR.MINOR.PATCH)", v)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	if major != 1 || minor < minMinor {
		return fmt.Errorf("Kubernetes %s is not supported: kina's node needs v1.%d or newer (kubelet must take its cgroup driver from containerd 2)", v, minMinor)
	}
	return nil
}

// checkVersion makes sure every Kubernetes component archive carries the
// version's tag.
func checkVersion(version string, archives []Archive) error {
	if err := SupportedVersion(version); err != nil {
		return err
	}
	for _, a := range archives {
		for _, t := range a.Tags {
			repo, tag := splitTag(t)
			if slices.Contains(kubeImages, repo) && tag != version {
				return fmt.Errorf("archive %s is tagged %s, but the Kubernetes version is %s", a.Path, t, version)
			}
		}
	}
	return nil
}

// requiredImages asks kubeadm which images the version needs, swapping its
// pause image for the node's containerd sandbox image.
func (b *builder) requiredImages(ctx context.Context, version string) ([]string, error) {
	out, err := b.output(ctx, b.o.Runtime, "exec", b.container, "kubeadm", "config", "images", "list", "--kubernetes-version", version)
	if err != nil {
		return nil, fmt.Errorf("kubeadm config images list: %w", err)
	}
	conf, err := b.output(ctx, b.o.Runtime, "exec", b.container, "cat", "/etc/containerd/config.toml")
	if err != nil {
		return nil, fmt.Errorf("read the base image's containerd config: %w", err)
	}
	sandbox := SandboxImage(conf)
	var imgs []string
	for _, l := range strings.Fields(out) {
		if repo, _ := splitTag(NormalizeTag(l)); repo == "registry.k8s.io/pause" && sandbox != "" {
			continue
		}
		imgs = append(imgs, l)
	}
	if sandbox != "" {
		imgs = append(imgs, sandbox)
	}
	return imgs, nil
}

var sandboxRE = regexp.MustCompile(`(?m)^\s*(?:sandbox_image|sandbox)\s*=\s*["']([^"']+)["']`)

// SandboxImage returns the pause image a containerd config names.
func SandboxImage(config string) string {
	m := sandboxRE.FindStringSubmatch(config)
	if m == nil {
		return ""
	}
	return m[1]
}

func (b *builder) importArchive(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	err = b.r.Run(ctx, run.Cmd{Name: b.o.Runtime, Args: []string{"exec", "-i", b.container,
		"ctr", "-n", "k8s.io", "images", "import",
		"--label", "io.cri-containerd.pinned=pinned",
		"--all-platforms", "--no-unpack", "--digests", "-"}, Stdin: f})
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	return nil
}

type tarFile struct {
	name string // relative to /
	src  string // file to copy, or
	data []byte // contents
	mode int64
}

// copyIn streams files into the build container as a tar archive.
func (b *builder) copyIn(ctx context.Context, files []tarFile) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeTar(pw, files, b.o.now())) }()
	err := b.r.Run(ctx, run.Cmd{Name: b.o.Runtime, Args: []string{"exec", "-i", b.container, "tar", "-x", "-f", "-", "-C", "/"}, Stdin: pr})
	pr.CloseWithError(errors.New("copy finished"))
	if err != nil {
		return fmt.Errorf("copy files into the build container: %w", err)
	}
	return nil
}

func writeTar(w io.Writer, files []tarFile, mtime time.Time) error {
	tw := tar.NewWriter(w)
	dirs := map[string]bool{}
	for _, f := range files {
		for d := filepath.Dir(f.name); d != "." && d != "/"; d = filepath.Dir(d) {
			if dirs[d] {
				break
			}
			dirs[d] = true
		}
	}
	var dl []string
	for d := range dirs {
		dl = append(dl, d)
	}
	sort.Strings(dl)
	for _, d := range dl {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: mtime}); err != nil {
			return err
		}
	}
	for _, f := range files {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: f.mode, ModTime: mtime}
		if f.src != "" {
			src, err := os.Open(f.src)
			if err != nil {
				return err
			}
			st, err := src.Stat()
			if err != nil {
				src.Close()
				return err
			}
			h.Size = st.Size()
			if err := tw.WriteHeader(h); err != nil {
				src.Close()
				return err
			}
			_, err = io.Copy(tw, src)
			src.Close()
			if err != nil {
				return err
			}
			continue
		}
		h.Size = int64(len(f.data))
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return tw.Close()
}

func (b *builder) do(ctx context.Context, name string, args ...string) error {
	return b.r.Run(ctx, run.Cmd{Name: name, Args: args})
}

func (b *builder) output(ctx context.Context, name string, args ...string) (string, error) {
	out, err := run.Output(ctx, b.r, run.Cmd{Name: name, Args: args})
	return string(out), err
}

// waitFor retries a runtime command until it succeeds.
func (b *builder) waitFor(ctx context.Context, limit time.Duration, args ...string) error {
	deadline := b.o.now().Add(limit)
	for {
		err := b.do(ctx, b.o.Runtime, args...)
		if err == nil {
			return nil
		}
		if b.o.now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// waitGone waits until containerd has exited in the build container.
func (b *builder) waitGone(ctx context.Context, limit time.Duration) error {
	deadline := b.o.now().Add(limit)
	for {
		err := b.do(ctx, b.o.Runtime, "exec", b.container, "pgrep", "-x", "containerd")
		var re *run.Error
		if errors.As(err, &re) && re.ExitCode == 1 {
			return nil // pgrep found nothing
		}
		if b.o.now().After(deadline) {
			return errors.New("containerd did not stop in the build container")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// FindArchives lists the *.tar docker-archives in dirs with their tags.
func FindArchives(dirs []string) ([]Archive, error) {
	var out []Archive
	seen := map[string]string{}
	for _, dir := range dirs {
		matches, err := filepath.Glob(filepath.Join(dir, "*.tar"))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			if _, err := os.Stat(dir); err != nil {
				return nil, fmt.Errorf("image archive directory: %w", err)
			}
			return nil, fmt.Errorf("no image archives (*.tar) in %s", dir)
		}
		sort.Strings(matches)
		for _, m := range matches {
			tags, err := ArchiveTags(m)
			if err != nil {
				return nil, err
			}
			for _, t := range tags {
				if prev, dup := seen[t]; dup {
					return nil, fmt.Errorf("image %s is in both %s and %s", t, prev, m)
				}
				seen[t] = m
			}
			out = append(out, Archive{Path: m, Tags: tags})
		}
	}
	return out, nil
}

// ArchiveTags reads the tags of a docker-archive from its manifest.json.
func ArchiveTags(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s is not a docker-archive (no manifest.json)", path)
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if filepath.Clean(h.Name) != "manifest.json" {
			continue
		}
		var m []struct{ RepoTags []string }
		if err := json.NewDecoder(tr).Decode(&m); err != nil {
			return nil, fmt.Errorf("%s: manifest.json: %w", path, err)
		}
		var tags []string
		for _, e := range m {
			for _, t := range e.RepoTags {
				tags = append(tags, NormalizeTag(t))
			}
		}
		if len(tags) == 0 {
			return nil, fmt.Errorf("%s has no image tag (RepoTags is empty)", path)
		}
		return tags, nil
	}
}

// NormalizeTag spells a reference the way containerd stores it:
// "busybox:1" is docker.io/library/busybox:1, "foo/bar" gets ":latest".
func NormalizeTag(ref string) string {
	name, tag := ref, ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		name, tag = ref[:i], ref[i+1:]
	}
	if tag == "" && !strings.Contains(name, "@") {
		tag = "latest"
	}
	first, _, hasSlash := strings.Cut(name, "/")
	if !hasSlash || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		if !hasSlash {
			name = "library/" + name
		}
		name = "docker.io/" + name
	}
	if tag == "" {
		return name
	}
	return name + ":" + tag
}

func splitTag(ref string) (repo, tag string) {
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i], ref[i+1:]
	}
	return ref, ""
}

// findAddonImages picks the images the default manifests run.
func findAddonImages(archives []Archive) (addonImages, error) {
	var a addonImages
	for _, ar := range archives {
		for _, t := range ar.Tags {
			repo, _ := splitTag(t)
			switch {
			case strings.HasSuffix(repo, "/kina-net"):
				a.KinaNet = t
			case strings.HasSuffix(repo, "/local-path-provisioner"):
				a.LocalPathProvisioner = t
			case strings.HasSuffix(repo, "/local-path-helper"):
				a.LocalPathHelper = t
			}
		}
	}
	var missing []string
	if a.KinaNet == "" {
		missing = append(missing, "kina-net (the default CNI; hack/build-node-image.sh builds it)")
	}
	if a.LocalPathProvisioner == "" {
		missing = append(missing, "local-path-provisioner")
	}
	if a.LocalPathHelper == "" {
		missing = append(missing, "local-path-helper")
	}
	if len(missing) > 0 {
		return a, fmt.Errorf("no image archive provides %s", strings.Join(missing, ", "))
	}
	return a, nil
}

// inputHash is a sha256 over everything that ends up in the image.
func inputHash(baseID, version, binDir string, archives []Archive, cni, storage string, extra map[string]string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", recipe, baseID, version)
	add := func(label, path string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		fh := sha256.New()
		if _, err := io.Copy(fh, f); err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %x\n", label, fh.Sum(nil))
		return nil
	}
	for _, name := range KubeBinaries {
		if err := add(name, filepath.Join(binDir, name)); err != nil {
			return "", err
		}
	}
	for _, a := range archives {
		if err := add(strings.Join(a.Tags, ","), a.Path); err != nil {
			return "", err
		}
	}
	for _, dest := range slices.Sorted(maps.Keys(extra)) {
		if err := add(dest, extra[dest]); err != nil {
			return "", err
		}
	}
	fmt.Fprintf(h, "%s\n%s\n", cni, storage)
	return hex.EncodeToString(h.Sum(nil)), nil
}
