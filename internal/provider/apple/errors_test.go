package apple

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple/applefake"
	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// TestErrorFixtures maps every recorded error text, in both eras, to its
// sentinel.
func TestErrorFixtures(t *testing.T) {
	want := map[string]error{
		"run-exists":            provider.ErrAlreadyExists,
		"hostname":              provider.ErrAlreadyExists,
		"delete-missing":        provider.ErrNotFound,
		"delete-missing-logged": provider.ErrNotFound,
		"exec-missing":          provider.ErrNotFound,
		"inspect-missing":       provider.ErrNotFound,
		"not-running":           ErrNotRunning,
		"memory":                ErrMemoryTooLow,
		"network-macos15":       provider.ErrUnsupported,
		"network-exists":        provider.ErrAlreadyExists,
		"network-missing":       provider.ErrNotFound,
		"xpc":                   provider.ErrUnavailable,
	}
	for _, era := range []string{"coded", "plain"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "errors", era, "*.txt"))
		if len(files) == 0 {
			t.Fatalf("no fixtures for %s", era)
		}
		for _, file := range files {
			name := strings.TrimSuffix(filepath.Base(file), ".txt")
			data, _ := os.ReadFile(file)
			stderr := strings.ReplaceAll(string(data), "%s", "kina-worker")
			err := cliError(&run.Error{Cmd: "container x", ExitCode: 1, Stderr: stderr, Err: errors.New("exit status 1")})
			var ce *CLIError
			if !errors.As(err, &ce) {
				t.Errorf("%s/%s: not recognised: %v", era, name, err)
				continue
			}
			if w, ok := want[name]; !ok || !errors.Is(err, w) {
				t.Errorf("%s/%s: %v does not wrap %v", era, name, err, w)
			}
			var re *run.Error
			if !errors.As(err, &re) {
				t.Errorf("%s/%s: lost the *run.Error", era, name)
			}
		}
	}
}

func TestXPCErrorHint(t *testing.T) {
	err := cliError(&run.Error{Stderr: "Error: interrupted: \"XPC connection error: Connection invalid\"\nEnsure container system service has been started with `container system start`.\n"})
	if !strings.Contains(err.Error(), "container system start --enable-kernel-install") {
		t.Errorf("no start hint: %v", err)
	}
}

func TestNonCLIFailureUntouched(t *testing.T) {
	orig := &run.Error{ExitCode: 2, Stderr: "grep: nothing\n"}
	if err := cliError(orig); err != error(orig) {
		t.Errorf("got %v", err)
	}
}

// TestErrorsThroughDouble checks the mapping on the real command path.
func TestErrorsThroughDouble(t *testing.T) {
	ctx := context.Background()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			p, _ := newFake(t, applefake.Config{Version: v})
			if _, _, err := p.NodeAddresses(ctx, "nope"); !errors.Is(err, provider.ErrNotFound) {
				t.Errorf("NodeAddresses(missing) = %v", err)
			}
			if err := p.DeleteNodes(ctx, "nope"); err != nil {
				t.Errorf("DeleteNodes(missing) = %v", err)
			}
			spec := controlPlane()
			spec.Network, spec.MemoryMB = "", 2048
			if err := p.CreateNode(ctx, spec); err != nil {
				t.Fatal(err)
			}
			if err := p.CreateNode(ctx, spec); !errors.Is(err, provider.ErrAlreadyExists) {
				t.Errorf("collision = %v", err)
			}
		})
	}
}
