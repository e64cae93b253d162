package run

import (
	"context"
	"io"
	"strings"
	"sync"
)

// Fake is a Runner for tests: it records every command and answers from a
// function instead of starting processes.
type Fake struct {
	// Answer returns what the command prints on stdout and its error.
	Answer func(c Cmd) (stdout string, err error)

	mu    sync.Mutex
	calls []string
}

// Run implements Runner.
func (f *Fake) Run(ctx context.Context, c Cmd) error {
	f.mu.Lock()
	f.calls = append(f.calls, c.String())
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.Stdin != nil {
		_, _ = io.Copy(io.Discard, c.Stdin)
	}
	out, err := "", error(nil)
	if f.Answer != nil {
		out, err = f.Answer(c)
	}
	if c.Stdout != nil {
		_, _ = io.WriteString(c.Stdout, out)
	}
	return err
}

// Calls returns the shell-quoted command lines run so far.
func (f *Fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// Failed returns the error a command exiting with code and stderr gives.
func Failed(c Cmd, code int, stderr string) error {
	return &Error{Cmd: c.String(), ExitCode: code, Stderr: stderr}
}

// HasPrefix tells whether c's argv starts with the given words.
func (c Cmd) HasPrefix(words ...string) bool {
	argv := c.Argv()
	if len(argv) < len(words) {
		return false
	}
	return strings.Join(argv[:len(words)], "\x00") == strings.Join(words, "\x00")
}
