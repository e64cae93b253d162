// Package progress reports the steps of long operations (cluster create,
// delete) as they start and finish, with their durations. It is not a logger.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Sink receives step events. Implementations must be safe for concurrent use:
// steps of one stage run in parallel.
type Sink interface {
	Start(step string)
	Done(step string, elapsed time.Duration, err error)
}

// Nop discards every event; it is the library default.
type Nop struct{}

func (Nop) Start(string)                      {}
func (Nop) Done(string, time.Duration, error) {}

// Lines prints one line per finished step, kind-style: "✓ Step (1.2s)".
type Lines struct {
	mu sync.Mutex
	W  io.Writer
}

// Start prints nothing: parallel steps would interleave, so only ends are shown.
func (l *Lines) Start(string) {}

// Done prints the step's outcome and duration.
func (l *Lines) Done(step string, elapsed time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	mark := "✓"
	if err != nil {
		mark = "✗"
	}
	fmt.Fprintf(l.W, " %s %s (%s)\n", mark, step, elapsed.Round(10*time.Millisecond))
}

// Timing is one finished step.
type Timing struct {
	Step    string
	Elapsed time.Duration
	Err     error
}

// Recorder keeps every finished step in order, for benchmarks and tests, and
// forwards events to Next when it is set.
type Recorder struct {
	mu      sync.Mutex
	Next    Sink
	timings []Timing
}

func (r *Recorder) Start(step string) {
	if r.Next != nil {
		r.Next.Start(step)
	}
}

func (r *Recorder) Done(step string, elapsed time.Duration, err error) {
	r.mu.Lock()
	r.timings = append(r.timings, Timing{step, elapsed, err})
	r.mu.Unlock()
	if r.Next != nil {
		r.Next.Done(step, elapsed, err)
	}
}

// Timings returns a copy of the finished steps in the order they finished.
func (r *Recorder) Timings() []Timing {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Timing(nil), r.timings...)
}

// Step runs fn as a named step on sink.
func Step(sink Sink, name string, fn func() error) error {
	sink.Start(name)
	start := time.Now()
	err := fn()
	sink.Done(name, time.Since(start), err)
	return err
}
