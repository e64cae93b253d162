// Package run executes host commands. It is the only package that imports
// os/exec, so every command kina runs can be recorded and faked in tests.
package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"al.essio.dev/pkg/shellescape"
)

// Cmd is one host command: an argv list, never shell text.
type Cmd struct {
	Name   string
	Args   []string
	Env    []string // extra KEY=VALUE entries on top of the inherited environment
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Argv returns the full argument vector.
func (c Cmd) Argv() []string { return append([]string{c.Name}, c.Args...) }

// String renders the command so that it can be pasted into a shell.
func (c Cmd) String() string {
	parts := c.Argv()
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = shellescape.Quote(p)
	}
	return strings.Join(q, " ")
}

// Runner runs commands. Implementations must be safe for concurrent use.
type Runner interface {
	Run(ctx context.Context, cmd Cmd) error
}

// Error is a failed command with what it printed on stderr.
type Error struct {
	Cmd      string // shell-quoted argv
	ExitCode int    // -1 when the process did not start or was killed
	Stderr   string // the tail of stderr
	Err      error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("command %q failed", e.Cmd)
	if e.ExitCode >= 0 {
		msg += fmt.Sprintf(" with exit code %d", e.ExitCode)
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	} else if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// maxStderr bounds how much of a command's stderr an Error keeps.
const maxStderr = 8 << 10

// Exec runs commands as real processes.
type Exec struct{}

// Run implements Runner.
func (Exec) Run(ctx context.Context, c Cmd) error {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	if len(c.Env) > 0 {
		cmd.Env = append(cmd.Environ(), c.Env...)
	}
	cmd.Stdin = c.Stdin
	cmd.Stdout = c.Stdout
	tail := &tailBuffer{max: maxStderr}
	if c.Stderr != nil {
		cmd.Stderr = io.MultiWriter(c.Stderr, tail)
	} else {
		cmd.Stderr = tail
	}
	err := cmd.Run()
	if err == nil {
		return nil
	}
	code := -1
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return &Error{Cmd: c.String(), ExitCode: code, Stderr: tail.String(), Err: err}
}

// Output runs c and returns its stdout.
func Output(ctx context.Context, r Runner, c Cmd) ([]byte, error) {
	var out bytes.Buffer
	c.Stdout = &out
	err := r.Run(ctx, c)
	return out.Bytes(), err
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

// LookPath finds an executable on PATH.
func LookPath(name string) (string, error) { return exec.LookPath(name) }
