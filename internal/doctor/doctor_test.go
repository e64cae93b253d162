package doctor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple"
	"github.com/kina-dev/kina/internal/provider/apple/applefake"
	"github.com/kina-dev/kina/internal/run"
)

func TestMain(m *testing.M) {
	applefake.Main()
	os.Exit(m.Run())
}

// mac answers the host commands a Mac would.
type mac struct{ version string }

func (m mac) Run(_ context.Context, c run.Cmd) error {
	var out string
	switch c.Name {
	case "sw_vers":
		out = m.version + "\n"
	case "sysctl":
		out = "12\n38654705664\n"
	case "vm_stat":
		out = "Mach Virtual Memory Statistics: (page size of 16384 bytes)\nPages free:                              262144.\nPages active:                            500000.\nPages inactive:                          131072.\nPages speculative:                        65536.\n"
	default:
		return &run.Error{Cmd: c.String(), ExitCode: 127, Err: errors.New("not found")}
	}
	if c.Stdout != nil {
		_, _ = io.WriteString(c.Stdout, out)
	}
	return nil
}

func check(t *testing.T, cfg applefake.Config, macVersion, kernel string) map[string]Finding {
	t.Helper()
	f := applefake.Install(t, cfg)
	p := apple.New(run.Exec{}, apple.WithBinary(f.Bin))
	fs := Check(context.Background(), Env{
		Provider: p, Runner: mac{macVersion}, GOOS: "darwin",
		Readlink: func(path string) (string, error) {
			if !strings.HasSuffix(path, "/com.apple.container/kernels/default.kernel-arm64") {
				return "", errors.New("unexpected path " + path)
			}
			if kernel == "" {
				return "", os.ErrNotExist
			}
			return "vmlinux-" + kernel, nil
		},
	})
	var buf bytes.Buffer
	if err := Render(&buf, fs); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + buf.String())
	byName := map[string]Finding{}
	for _, f := range fs {
		byName[f.Check] = f
	}
	return byName
}

func TestHealthyMac(t *testing.T) {
	fs := check(t, applefake.Config{Version: "1.2.1"}, "26.3.1", "6.18.15-186")
	for _, name := range []string{"runtime", "version", "features", "network", "kernel", "macos", "cpus", "memory"} {
		f, ok := fs[name]
		if !ok || f.Status != OK {
			t.Errorf("%s: %+v", name, f)
		}
	}
	if !strings.Contains(fs["memory"].Detail, "36864 MiB total, 7168 MiB free") {
		t.Errorf("memory: %+v", fs["memory"])
	}
}

func TestOldSetupOnMacOS15(t *testing.T) {
	fs := check(t, applefake.Config{Version: "0.5", MacOS: "15.6"}, "15.6", "6.12.28-153")
	for name, want := range map[string]Status{"version": Warn, "network": Warn, "kernel": Warn, "macos": Warn, "runtime": OK} {
		if fs[name].Status != want {
			t.Errorf("%s: %+v, want %v", name, fs[name], want)
		}
	}
	if !strings.Contains(fs["kernel"].Fix, "container system kernel set --recommended --force") {
		t.Errorf("kernel fix: %q", fs["kernel"].Fix)
	}
}

func TestBrokenAndStopped(t *testing.T) {
	fs := check(t, applefake.Config{Version: "1.2.0"}, "26.0", "6.18.15-186")
	if fs["runtime"].Status != Fail || !strings.Contains(fs["runtime"].Detail, "1.2.1") {
		t.Errorf("1.2.0: %+v", fs["runtime"])
	}
	fs = check(t, applefake.Config{Version: "1.0", SystemStopped: true}, "26.0", "")
	if f := fs["runtime"]; f.Status != Fail || !strings.Contains(f.Detail, "container system start --enable-kernel-install") {
		t.Errorf("stopped: %+v", f)
	}
	if Failed([]Finding{{Status: Warn}}) || !Failed([]Finding{{Status: OK}, {Status: Fail}}) {
		t.Error("Failed")
	}
}

func TestLinuxHost(t *testing.T) {
	env := Env{GOOS: "linux", ReadFile: func(string) ([]byte, error) {
		return []byte("MemTotal:       16384000 kB\nMemFree:  1 kB\nMemAvailable:    2048000 kB\n"), nil
	}}
	env.defaults()
	fs := hostFindings(context.Background(), env)
	if len(fs) != 2 || fs[1].Check != "memory" || fs[1].Status != Warn || !strings.Contains(fs[1].Detail, "16000 MiB total, 2000 MiB free") {
		t.Errorf("%+v", fs)
	}
}
