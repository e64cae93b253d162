package apple

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// Errors specific to this runtime. Each CLIError also wraps the
// provider-wide sentinel that fits, when one does.
var (
	// ErrNotRunning: the node exists but is stopped.
	ErrNotRunning = errors.New("container is not running")
	// ErrMemoryTooLow: the runtime refuses containers under 200 MiB.
	ErrMemoryTooLow = errors.New("memory below the runtime's 200 MiB minimum")
	// ErrBrokenVersion: CLI 1.2.0, which cannot boot a node.
	ErrBrokenVersion = errors.New("container CLI 1.2.0 cannot run Kubernetes nodes")
)

// CLIError is a failed `container` command whose `Error:` line was
// recognised.
type CLIError struct {
	Message string // the CLI's own words, without "Error: "
	Hint    string // what the user can do about it, if known
	kind    error  // sentinel(s) for errors.Is
	err     error  // the underlying *run.Error
}

func (e *CLIError) Error() string {
	if e.Hint != "" {
		return e.Message + " (" + e.Hint + ")"
	}
	return e.Message
}

func (e *CLIError) Unwrap() []error {
	var errs []error
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.err != nil {
		errs = append(errs, e.err)
	}
	return errs
}

const startHint = "start it with `container system start --enable-kernel-install`"

// classify matches the documented messages. Older releases (before 0.10)
// print `Error: <code>: "<message>"`; newer ones drop the code, so matching
// is on the message text, which both eras share.
var classify = []struct {
	substr string
	kind   error
	hint   string
}{
	{"XPC connection error", provider.ErrUnavailable, startHint},
	{"XPC timeout", provider.ErrUnavailable, "the container apiserver does not answer; try `container system stop` then `container system start`"},
	{"Ensure container system service has been started", provider.ErrUnavailable, startHint},
	{"default kernel not configured", provider.ErrUnavailable, "run `container system kernel set --recommended`"},
	{"minimum memory amount allowed", ErrMemoryTooLow, "give the node at least 200 MiB"},
	{"non-default network configuration requires macOS 26", provider.ErrUnsupported,
		"container networks need macOS 26; on macOS 15 only single-node clusters work"},
	{"hostname(s) already exist", provider.ErrAlreadyExists, "another container already uses this name as its hostname"},
	{"already exists", provider.ErrAlreadyExists, ""},
	{"is not running", ErrNotRunning, ""},
	{"not found", provider.ErrNotFound, ""},
	{"no network for id", provider.ErrNotFound, ""},
	// Before 0.10 the error code is printed too; some messages only carry
	// their meaning there ("notFound: \"failed to delete …\"").
	{"notFound:", provider.ErrNotFound, ""},
	{"exists:", provider.ErrAlreadyExists, ""},
}

// cliError turns a failed command into a *CLIError when its stderr holds an
// `Error:` line, and otherwise returns err unchanged. The last `Error:` line
// wins: log lines and per-item failures can come before it.
func cliError(err error) error {
	var re *run.Error
	if !errors.As(err, &re) {
		return err
	}
	msg := errorLine(re.Stderr)
	if msg == "" {
		return err
	}
	e := &CLIError{Message: msg, err: err}
	// Match on all of stderr: aggregated failures put the useful cause
	// (for example "not found") on earlier lines.
	for _, c := range classify {
		if strings.Contains(re.Stderr, c.substr) {
			e.kind, e.Hint = c.kind, c.hint
			break
		}
	}
	return e
}

func errorLine(stderr string) string {
	lines := strings.Split(stderr, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), "Error:"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// wrap adds context to a CLI failure.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, cliError(err))...)
}
