package parallel

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestEachRunsAllAtOnceAndJoinsErrors(t *testing.T) {
	var running, peak atomic.Int32
	boom := errors.New("boom")
	err := Each([]int{1, 2, 3}, func(i int) error {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		running.Add(-1)
		if i == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	if peak.Load() != 3 {
		t.Errorf("at most %d ran at once, want 3", peak.Load())
	}
	if err := Do(func() error { return nil }, func() error { return nil }); err != nil {
		t.Errorf("Do = %v", err)
	}
}
