package apple

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple/applefake"
	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]string{
		"container CLI version 0.1.0 (build: release, commit: 0fd8692, sdk: MacOS 15)": "0.1.0",
		"container CLI version 1.2.1 (build: release, commit: n/a)":                    "1.2.1",
		"container CLI version 0.10.0-27-g9fd15f0 (build: debug, commit: 9fd15f0)":     "0.10.0",
		"container CLI 0.12.3 (build: release, commit: f989901)":                       "0.12.3",
		"container CLI version  (build: release, commit: )":                            "unknown",
		"container CLI version 1.4.1 (build: release, commit: 9a8917c)\n":              "1.4.1",
	} {
		if got := ParseVersion(in).String(); got != want {
			t.Errorf("ParseVersion(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFeaturesPerVersion(t *testing.T) {
	want := map[string]Features{
		"0.5":   {Publish: true, ProgressFlag: "--disable-progress-updates", Networks: true},
		"0.10":  {Publish: true, ProgressFlag: "--progress", Networks: true, SaveToStdout: true},
		"0.12":  {CapAdd: true, Publish: true, ProgressFlag: "--progress", Networks: true, SaveToStdout: true},
		"1.0":   {CapAdd: true, Publish: true, ProgressFlag: "--progress", Networks: true, SaveToStdout: true},
		"1.2.1": {CapAdd: true, SystemPaths: true, Publish: true, ProgressFlag: "--progress", Networks: true, SaveToStdout: true},
	}
	for _, v := range versions {
		p, _ := newFake(t, applefake.Config{Version: v})
		pr, err := p.Probe(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if !reflect.DeepEqual(pr.Features, want[v]) {
			t.Errorf("%s: features %+v, want %+v", v, pr.Features, want[v])
		}
		if pr.AppRoot != "/Users/kina/Library/Application Support/com.apple.container/" {
			t.Errorf("%s: app root %q", v, pr.AppRoot)
		}
	}
	p, _ := newFake(t, applefake.Config{Version: "1.2.1", MacOS: "15.6"})
	if pr, err := p.Probe(context.Background()); err != nil || pr.Features.Networks {
		t.Errorf("macOS 15: %+v %v", pr.Features, err)
	}
}

func TestRefuses120(t *testing.T) {
	p, f := newFake(t, applefake.Config{Version: "1.2.0"})
	_, err := p.Info(context.Background())
	if !errors.Is(err, ErrBrokenVersion) || !errors.Is(err, provider.ErrUnsupported) || !strings.Contains(err.Error(), "1.2.1") {
		t.Fatalf("Info on 1.2.0 = %v", err)
	}
	if got := f.Calls(); !reflect.DeepEqual(got, [][]string{{"--version"}}) {
		t.Errorf("calls %q; want only --version", got)
	}
}

func TestSystemNotRunning(t *testing.T) {
	ctx := context.Background()
	p, _ := newFake(t, applefake.Config{Version: "1.2.1", SystemStopped: true})
	_, err := p.Info(ctx)
	if !errors.Is(err, provider.ErrUnavailable) || !strings.Contains(err.Error(), "container system start --enable-kernel-install") {
		t.Fatalf("Info = %v", err)
	}

	p, f := newFake(t, applefake.Config{Version: "1.2.1", SystemStopped: true}, WithStartSystem(true))
	if _, err := p.Info(ctx); err != nil {
		t.Fatalf("Info with start: %v", err)
	}
	want := append(append([][]string{}, probeCalls...),
		[]string{"system", "start", "--enable-kernel-install"}, []string{"system", "status"})
	if got := f.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %q\nwant %q", got, want)
	}
}

func TestFindBinary(t *testing.T) {
	dir := t.TempDir()
	mk := func(p string) string {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	onPath := mk(filepath.Join(dir, "bin", "container"))
	known := mk(filepath.Join(dir, "usr", "local", "bin", "container"))
	if got, err := findBinary("", filepath.Join(dir, "empty")+":"+filepath.Join(dir, "bin"), []string{known}); err != nil || got != onPath {
		t.Errorf("PATH first: %q %v", got, err)
	}
	if got, err := findBinary("", filepath.Join(dir, "empty"), []string{filepath.Join(dir, "nope"), known}); err != nil || got != known {
		t.Errorf("known path: %q %v", got, err)
	}
	if _, err := findBinary("", "", []string{filepath.Join(dir, "nope")}); err == nil {
		t.Error("no CLI: no error")
	}
	p := New(run.Exec{}, WithPATH(""), WithInstallPaths())
	if _, err := p.Info(context.Background()); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("Info without CLI = %v", err)
	}
}

func TestInfo(t *testing.T) {
	p, _ := newFake(t, applefake.Config{Version: "1.2.1"})
	info, err := p.Info(context.Background())
	want := provider.Info{Name: "apple", Version: "1.2.1", PublishesPorts: true}
	if err != nil || info != want {
		t.Errorf("Info = %+v, %v", info, err)
	}
}

func TestAddressesRotateAndVanishWhenStopped(t *testing.T) {
	ctx := context.Background()
	for _, v := range versions {
		p, f := newFake(t, applefake.Config{Version: v})
		spec := controlPlane()
		spec.Network = ""
		if err := p.CreateNode(ctx, spec); err != nil {
			t.Fatal(err)
		}
		first, _, err := p.NodeAddresses(ctx, spec.Name)
		if err != nil || first == "" {
			t.Fatalf("%s: %q %v", v, first, err)
		}
		ctl := func(args ...string) {
			if err := (run.Exec{}).Run(ctx, run.Cmd{Name: f.Bin, Args: args}); err != nil {
				t.Fatal(err)
			}
		}
		ctl("stop", spec.Name)
		if _, _, err := p.NodeAddresses(ctx, spec.Name); !errors.Is(err, ErrNotRunning) {
			t.Errorf("%s: stopped node: %v", v, err)
		}
		nodes, _ := p.ListNodes(ctx, map[string]string{provider.LabelCluster: "kina"})
		if len(nodes) != 1 || nodes[0].Running {
			t.Errorf("%s: list after stop = %+v", v, nodes)
		}
		ctl("start", spec.Name)
		second, _, err := p.NodeAddresses(ctx, spec.Name)
		if err != nil || second == first {
			t.Errorf("%s: after restart %q (before %q), %v", v, second, first, err)
		}
	}
}
