package run

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// Trace wraps a Runner and writes one line per command to W: when it
// started (since the Trace was made), how long it took, and the command.
// Only argv is written, never stdin or output, so secrets passed on stdin
// stay out of the trace. `KINA_TRACE=1 kina create cluster` uses it to show
// where a create spends its time.
type Trace struct {
	R     Runner
	W     io.Writer
	start time.Time
	mu    sync.Mutex
}

// NewTrace returns a Trace whose clock starts now.
func NewTrace(r Runner, w io.Writer) *Trace { return &Trace{R: r, W: w, start: time.Now()} }

// Run implements Runner.
func (t *Trace) Run(ctx context.Context, c Cmd) error {
	began := time.Now()
	err := t.R.Run(ctx, c)
	status := "ok"
	if err != nil {
		status = "failed"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.W, "[%7.3fs] %6.3fs %-6s %s\n", began.Sub(t.start).Seconds(), time.Since(began).Seconds(), status, c)
	return err
}
