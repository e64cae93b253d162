package nodeimage

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kina-dev/kina/internal/run"
)

// fakeRunner records commands and answers them from a small script.
type fakeRunner struct {
	mu       sync.Mutex
	cmds     []string
	copied   map[string]string // files streamed in with "tar -x"
	imported []string          // bytes read per import, as tags
	labels   string            // what "image inspect ... Labels" prints; "" means not found
	kubeadm  string            // "kubeadm version -o short"
	images   string            // "kubeadm config images list"
	failOn   string            // fail any command whose argv contains this
}

func (f *fakeRunner) Run(_ context.Context, c run.Cmd) error {
	line := strings.Join(c.Argv(), " ")
	f.mu.Lock()
	f.cmds = append(f.cmds, line)
	f.mu.Unlock()
	out := func(s string) error {
		if c.Stdout != nil {
			io.WriteString(c.Stdout, s)
		}
		return nil
	}
	if f.failOn != "" && strings.Contains(line, f.failOn) {
		if c.Stdin != nil {
			io.Copy(io.Discard, c.Stdin)
		}
		return &run.Error{Cmd: line, ExitCode: 1, Stderr: "boom"}
	}
	switch {
	case strings.Contains(line, "image inspect --format {{.Id}}"):
		return out("sha256:base\n")
	case strings.Contains(line, "image inspect --format") && strings.Contains(line, LabelHash):
		if f.labels == "" {
			return &run.Error{Cmd: line, ExitCode: 1, Stderr: "No such image"}
		}
		return out(f.labels + "\n")
	case strings.Contains(line, "tar -x -f - -C /"):
		tr := tar.NewReader(c.Stdin)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			b, _ := io.ReadAll(tr)
			f.mu.Lock()
			if f.copied == nil {
				f.copied = map[string]string{}
			}
			f.copied[h.Name] = string(b)
			f.mu.Unlock()
		}
	case strings.Contains(line, "kubeadm version -o short"):
		return out(f.kubeadm + "\n")
	case strings.Contains(line, "kubeadm config images list"):
		return out(f.images)
	case strings.Contains(line, "cat /etc/containerd/config.toml"):
		return out("version = 2\n[plugins]\n  [plugins.\"io.containerd.grpc.v1.cri\"]\n    sandbox_image = \"registry.k8s.io/pause:3.10.1\"\n")
	case strings.Contains(line, "ctr -n k8s.io images import"):
		tags, err := tagsFromReader(c.Stdin)
		if err != nil {
			return err
		}
		f.mu.Lock()
		f.imported = append(f.imported, tags...)
		f.mu.Unlock()
		return nil
	case strings.Contains(line, "ctr -n k8s.io images list -q"):
		f.mu.Lock()
		defer f.mu.Unlock()
		return out(strings.Join(f.imported, "\n") + "\n")
	case strings.Contains(line, "pgrep -x containerd"):
		return &run.Error{Cmd: line, ExitCode: 1}
	}
	return nil
}

func tagsFromReader(r io.Reader) ([]string, error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, err
		}
		if h.Name == "manifest.json" {
			var m []struct{ RepoTags []string }
			if err := json.NewDecoder(tr).Decode(&m); err != nil {
				return nil, err
			}
			io.Copy(io.Discard, r)
			return m[0].RepoTags, nil
		}
	}
}

func (f *fakeRunner) ran(substr string) bool {
	for _, c := range f.cmds {
		if strings.Contains(c, substr) {
			return true
		}
	}
	return false
}

var defaultImages = map[string]string{
	"kube-apiserver.tar":          "registry.k8s.io/kube-apiserver:v1.34.4",
	"kube-controller-manager.tar": "registry.k8s.io/kube-controller-manager:v1.34.4",
	"kube-scheduler.tar":          "registry.k8s.io/kube-scheduler:v1.34.4",
	"kube-proxy.tar":              "registry.k8s.io/kube-proxy:v1.34.4",
	"etcd.tar":                    "registry.k8s.io/etcd:3.6.5-0",
	"coredns.tar":                 "registry.k8s.io/coredns/coredns:v1.12.1",
	"pause.tar":                   "registry.k8s.io/pause:3.10.1",
	"local-path-provisioner.tar":  "docker.io/kindest/local-path-provisioner:v0.0.30-kina",
	"local-path-helper.tar":       "docker.io/kindest/local-path-helper:v0.0.30-kina",
}

const kubeadmImages = `registry.k8s.io/kube-apiserver:v1.34.4
registry.k8s.io/kube-controller-manager:v1.34.4
registry.k8s.io/kube-scheduler:v1.34.4
registry.k8s.io/kube-proxy:v1.34.4
registry.k8s.io/coredns/coredns:v1.12.1
registry.k8s.io/pause:3.10.1
registry.k8s.io/etcd:3.6.5-0
`

func writeArchive(t *testing.T, path, tag string) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	m, _ := json.Marshal([]map[string]any{{"Config": "c.json", "RepoTags": []string{tag}, "Layers": []string{}}})
	tw.WriteHeader(&tar.Header{Name: "manifest.json", Mode: 0o644, Size: int64(len(m))})
	tw.Write(m)
	tw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ingredients lays out a fake ingredients directory.
func ingredients(t *testing.T, images map[string]string) (binDir, imgDir, netDir string) {
	t.Helper()
	root := t.TempDir()
	binDir = filepath.Join(root, "bin")
	imgDir = filepath.Join(root, "images")
	netDir = filepath.Join(root, "kina-net")
	for _, d := range []string{binDir, imgDir, netDir} {
		os.MkdirAll(d, 0o755)
	}
	for _, b := range KubeBinaries {
		os.WriteFile(filepath.Join(binDir, b), []byte("#!/bin/true "+b), 0o755)
	}
	os.WriteFile(filepath.Join(root, "version"), []byte("v1.34.4\n"), 0o644)
	for file, tag := range images {
		writeArchive(t, filepath.Join(imgDir, file), tag)
	}
	writeArchive(t, filepath.Join(netDir, "kina-net.tar"), "docker.io/kina-dev/kina-net:abc")
	return binDir, imgDir, netDir
}

func options(r run.Runner, binDir string, dirs ...string) Options {
	return Options{
		Runtime: "docker", KubeBinDir: binDir, ImageArchiveDirs: dirs, Runner: r,
		now:    func() time.Time { return time.Unix(1700000000, 0) },
		suffix: func() string { return "abcd" },
	}
}

func TestBuild(t *testing.T) {
	binDir, imgDir, netDir := ingredients(t, defaultImages)
	f := &fakeRunner{kubeadm: "v1.34.4", images: kubeadmImages}
	res, err := Build(context.Background(), options(f, binDir, imgDir, netDir))
	if err != nil {
		t.Fatalf("Build: %v\ncommands:\n%s", err, strings.Join(f.cmds, "\n"))
	}
	if res.Image != "kina/node:v1.34.4" || res.UpToDate || len(res.Hash) != 64 {
		t.Fatalf("unexpected result %+v", res)
	}
	name := "kina-build-1700000000-abcd"
	run := "docker run -d --name " + name + " --entrypoint sleep --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --tmpfs /run --tmpfs /tmp kina/base:latest infinity"
	if !f.ran(run) {
		t.Errorf("build container not started as expected; commands:\n%s", strings.Join(f.cmds, "\n"))
	}
	for _, c := range f.cmds {
		if strings.Contains(c, "--privileged") {
			t.Errorf("--privileged used: %s", c)
		}
	}
	for _, want := range []string{
		"docker exec -d " + name + " containerd",
		"ctr -n k8s.io images import --label io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests -",
		"docker exec " + name + " pkill -x containerd",
		"docker exec " + name + " sh -c " + slimVarScript,
		"docker exec " + name + " sh -c " + uncompressScript,
		`docker commit --change ENTRYPOINT ["/usr/local/bin/entrypoint", "/lib/systemd/systemd"] --change CMD [] --change LABEL ` + LabelHash + "=" + res.Hash + " " + LabelVersion + "=v1.34.4 " + name + " kina/node:v1.34.4",
	} {
		if !f.ran(want) {
			t.Errorf("missing command %q; commands:\n%s", want, strings.Join(f.cmds, "\n"))
		}
	}
	// The blobs move while containerd is stopped, before the commit.
	at := func(substr string) int {
		return slices.IndexFunc(f.cmds, func(c string) bool { return strings.Contains(c, substr) })
	}
	// Layers are rewritten after the last import, before the image list is
	// checked and containerd stops.
	lastImport := -1
	for i, c := range f.cmds {
		if strings.Contains(c, "images import") {
			lastImport = i
		}
	}
	if lastImport < 0 {
		t.Error("no image imported")
	}
	if unc, list := at(uncompressScript), at("images list -q"); !(lastImport < unc && unc < list) {
		t.Errorf("layers rewritten at step %d, want after the last import (%d) and before the image list (%d)", unc, lastImport, list)
	}
	if stop, move, commit := at("pkill -x containerd"), at(slimVarScript), at("docker commit"); !(stop < move && move < commit) {
		t.Errorf("content store moved at step %d, want between containerd stopping (%d) and the commit (%d)", move, stop, commit)
	}
	if last := f.cmds[len(f.cmds)-1]; last != "docker rm -f -v "+name {
		t.Errorf("last command %q, want the build container removed with -v", last)
	}
	if len(f.imported) != len(defaultImages)+1 {
		t.Errorf("imported %d images, want %d", len(f.imported), len(defaultImages)+1)
	}
	if got := f.copied["kind/version"]; got != "v1.34.4\n" {
		t.Errorf("/kind/version = %q", got)
	}
	if f.copied["usr/bin/kubeadm"] != "#!/bin/true kubeadm" {
		t.Errorf("kubeadm not copied: %q", f.copied["usr/bin/kubeadm"])
	}
	cni := f.copied["kind/manifests/default-cni.yaml"]
	for _, want := range []string{"would you kindly template this file", "{{ .PodSubnet }}", "image: docker.io/kina-dev/kina-net:abc", "imagePullPolicy: IfNotPresent"} {
		if !strings.Contains(cni, want) {
			t.Errorf("default-cni.yaml lacks %q", want)
		}
	}
	st := f.copied["kind/manifests/default-storage.yaml"]
	for _, want := range []string{"image: docker.io/kindest/local-path-provisioner:v0.0.30-kina", "docker.io/kindest/local-path-helper:v0.0.30-kina", "name: standard", "volumeBindingMode: WaitForFirstConsumer", "reclaimPolicy: Delete", "provisioner: rancher.io/local-path"} {
		if !strings.Contains(st, want) {
			t.Errorf("default-storage.yaml lacks %q", want)
		}
	}
	if strings.Contains(cni+st, "@") {
		t.Errorf("unfilled placeholder in manifests")
	}

	// Same inputs, image labelled with the hash: nothing runs but inspect.
	f2 := &fakeRunner{labels: res.Hash}
	res2, err := Build(context.Background(), options(f2, binDir, imgDir, netDir))
	if err != nil || !res2.UpToDate || res2.Hash != res.Hash {
		t.Fatalf("second build: %+v, %v", res2, err)
	}
	if f2.ran(" run ") || f2.ran("commit") {
		t.Errorf("up-to-date build ran commands:\n%s", strings.Join(f2.cmds, "\n"))
	}
}

func TestBuildErrors(t *testing.T) {
	withTag := func(file, tag string) map[string]string {
		m := map[string]string{}
		for k, v := range defaultImages {
			m[k] = v
		}
		m[file] = tag
		return m
	}
	tests := []struct {
		name    string
		images  map[string]string
		prep    func(binDir string, o *Options, f *fakeRunner)
		wantErr string
		started bool // whether a build container was started (and must be removed)
	}{
		{
			name:    "missing binary",
			images:  defaultImages,
			prep:    func(binDir string, _ *Options, _ *fakeRunner) { os.Remove(filepath.Join(binDir, "kubelet")) },
			wantErr: "missing Kubernetes binary kubelet",
		},
		{
			name:    "archive tag does not match the version",
			images:  withTag("kube-apiserver.tar", "registry.k8s.io/kube-apiserver:v1.34.3"),
			wantErr: "is tagged registry.k8s.io/kube-apiserver:v1.34.3, but the Kubernetes version is v1.34.4",
		},
		{
			name:    "unsupported version",
			images:  defaultImages,
			prep:    func(_ string, o *Options, _ *fakeRunner) { o.Version = "v1.29.2" },
			wantErr: "Kubernetes v1.29.2 is not supported",
		},
		{
			name:    "not a version",
			images:  defaultImages,
			prep:    func(_ string, o *Options, _ *fakeRunner) { o.Version = "latest" },
			wantErr: `"latest" is not a Kubernetes version`,
		},
		{
			name: "kubeadm needs an image nobody provides",
			images: func() map[string]string {
				m := withTag("etcd.tar", "registry.k8s.io/etcd:3.5.0-0")
				return m
			}(),
			wantErr: "needs images that no archive",
			started: true,
		},
		{
			name:    "binaries are another version",
			images:  defaultImages,
			prep:    func(_ string, _ *Options, f *fakeRunner) { f.kubeadm = "v1.34.5" },
			wantErr: "is v1.34.5, but the version is v1.34.4",
			started: true,
		},
		{
			name:    "no kina-net archive",
			images:  defaultImages,
			prep:    func(_ string, o *Options, _ *fakeRunner) { o.ImageArchiveDirs = o.ImageArchiveDirs[:1] },
			wantErr: "no image archive provides kina-net",
		},
		{
			name:    "import fails",
			images:  defaultImages,
			prep:    func(_ string, _ *Options, f *fakeRunner) { f.failOn = "images import" },
			wantErr: "import ",
			started: true,
		},
		{
			name:    "build container fails to start",
			images:  defaultImages,
			prep:    func(_ string, _ *Options, f *fakeRunner) { f.failOn = " run -d " },
			wantErr: "start build container",
			started: true,
		},
		{
			name:    "podman only or docker",
			images:  defaultImages,
			prep:    func(_ string, o *Options, _ *fakeRunner) { o.Runtime = "nerdctl" },
			wantErr: `unsupported runtime "nerdctl"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			binDir, imgDir, netDir := ingredients(t, tt.images)
			f := &fakeRunner{kubeadm: "v1.34.4", images: kubeadmImages}
			o := options(f, binDir, imgDir, netDir)
			if tt.prep != nil {
				tt.prep(binDir, &o, f)
			}
			_, err := Build(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if got := f.ran(" run -d "); got != tt.started {
				t.Fatalf("build container started = %v, want %v", got, tt.started)
			}
			if tt.started && !f.ran("rm -f -v kina-build-") {
				t.Errorf("build container not removed with -v:\n%s", strings.Join(f.cmds, "\n"))
			}
			if f.ran("commit") {
				t.Errorf("committed despite the error")
			}
		})
	}
}

func TestNormalizeTag(t *testing.T) {
	for in, want := range map[string]string{
		"busybox":                            "docker.io/library/busybox:latest",
		"busybox:1.36":                       "docker.io/library/busybox:1.36",
		"kindest/node:v1":                    "docker.io/kindest/node:v1",
		"registry.k8s.io/pause:3.10.1":       "registry.k8s.io/pause:3.10.1",
		"localhost:5000/x/y:z":               "localhost:5000/x/y:z",
		"registry.k8s.io/coredns/coredns:v1": "registry.k8s.io/coredns/coredns:v1",
	} {
		if got := NormalizeTag(in); got != want {
			t.Errorf("NormalizeTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSandboxImage(t *testing.T) {
	for conf, want := range map[string]string{
		"    sandbox_image = \"registry.k8s.io/pause:3.10.1\"\n": "registry.k8s.io/pause:3.10.1",
		"      sandbox = 'registry.k8s.io/pause:3.10'\n":         "registry.k8s.io/pause:3.10",
		"version = 2\n": "",
	} {
		if got := SandboxImage(conf); got != want {
			t.Errorf("SandboxImage(%q) = %q, want %q", conf, got, want)
		}
	}
}

func TestShippedManifestsRender(t *testing.T) {
	cni, st, err := renderManifests(addonImages{KinaNet: "a/kina-net:1", LocalPathProvisioner: "a/local-path-provisioner:1", LocalPathHelper: "a/local-path-helper:1"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(st, "a/local-path-helper:1") != 2 {
		t.Errorf("helper image should appear in the flag and the helper pod")
	}
	if _, _, err := renderManifests(addonImages{}); err == nil {
		t.Errorf("empty images accepted")
	}
	if !strings.Contains(cni, "image: a/kina-net:1") {
		t.Errorf("kina-net image not filled in")
	}
}

func TestBuildWithPodman(t *testing.T) {
	binDir, imgDir, netDir := ingredients(t, defaultImages)
	f := &fakeRunner{kubeadm: "v1.34.4", images: kubeadmImages}
	o := options(f, binDir, imgDir, netDir)
	o.Runtime = "podman"
	if _, err := Build(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !f.ran("podman run -d --name kina-build-1700000000-abcd --entrypoint sleep --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --tmpfs /run --tmpfs /tmp --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 kina/base:latest infinity") {
		t.Errorf("podman build container flags:\n%s", strings.Join(f.cmds, "\n"))
	}
	if !f.ran("podman commit") || !f.ran("podman rm -f -v kina-build-") {
		t.Errorf("podman commit/rm missing:\n%s", strings.Join(f.cmds, "\n"))
	}
}
