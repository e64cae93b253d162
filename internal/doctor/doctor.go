// Package doctor checks that a host and its container runtime can run kina
// clusters, and says what to fix. Check is the entry point; Render prints.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// Status is how bad a finding is.
type Status int

const (
	OK Status = iota
	Warn
	Fail
)

func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warn:
		return "warn"
	}
	return "FAIL"
}

// Finding is the result of one check.
type Finding struct {
	Check  string // short name, e.g. "runtime"
	Status Status
	Detail string // what was found
	Fix    string // what to do; empty when Status is OK
}

// Env is what the checks look at.
type Env struct {
	Provider provider.Provider
	// Runner runs host commands (sw_vers, sysctl, vm_stat).
	Runner run.Runner
	// GOOS defaults to runtime.GOOS.
	GOOS string
	// ReadFile and Readlink default to the os package's (tests replace them).
	ReadFile func(string) ([]byte, error)
	Readlink func(string) (string, error)
	// Home is the user's home directory (default os.UserHomeDir).
	Home string
}

// Check runs every check that applies to env and returns the findings in a
// stable order. It never fails: problems are findings.
func Check(ctx context.Context, env Env) []Finding {
	env.defaults()
	var fs []Finding
	info, err := env.Provider.Info(ctx)
	fs = append(fs, runtimeFinding(info, err))
	if ap, ok := env.Provider.(appleProber); ok {
		fs = append(fs, appleFindings(ctx, env, ap)...)
	}
	fs = append(fs, hostFindings(ctx, env)...)
	return fs
}

// Failed reports whether any finding is a failure.
func Failed(fs []Finding) bool {
	for _, f := range fs {
		if f.Status == Fail {
			return true
		}
	}
	return false
}

// Render writes one line per finding, and the fix indented below it.
func Render(w io.Writer, fs []Finding) error {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "[%-4s] %-10s %s\n", f.Status, f.Check, f.Detail)
		if f.Fix != "" {
			fmt.Fprintf(&b, "       %-10s fix: %s\n", "", f.Fix)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (env *Env) defaults() {
	if env.GOOS == "" {
		env.GOOS = runtime.GOOS
	}
	if env.Runner == nil {
		env.Runner = run.Exec{}
	}
	if env.ReadFile == nil {
		env.ReadFile = os.ReadFile
	}
	if env.Readlink == nil {
		env.Readlink = os.Readlink
	}
	if env.Home == "" {
		env.Home, _ = os.UserHomeDir()
	}
}

func runtimeFinding(info provider.Info, err error) Finding {
	if err != nil {
		f := Finding{Check: "runtime", Status: Fail, Detail: err.Error()}
		switch {
		case errors.Is(err, provider.ErrUnsupported):
			f.Fix = "install a supported runtime version (see docs/apple.md for Apple's CLI)"
		case errors.Is(err, provider.ErrUnavailable):
			f.Fix = "install the runtime or start its service as the message says"
		}
		return f
	}
	return Finding{Check: "runtime", Status: OK, Detail: fmt.Sprintf("%s %s", info.Name, info.Version)}
}
