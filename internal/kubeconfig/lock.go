package kubeconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ErrLocked is returned when another process holds a kubeconfig's lock for
// longer than kina waits.
var ErrLocked = errors.New("kubeconfig is locked")

// How long to wait for a lock, and how often to try. Variables so tests can
// shorten them. kubectl fails at once on a held lock; kina waits a little
// because parallel creates often finish together.
var (
	lockWait  = 5 * time.Second
	lockRetry = 50 * time.Millisecond
)

// withLock runs fn holding <path>.lock, the lock file kubectl and kind use
// too, created exclusively, and always removes it afterwards.
func withLock(path string, fn func() error) error {
	lockPath := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating the kubeconfig directory: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(lockPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("locking kubeconfig: %w", err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: %s exists; if no kina, kind or kubectl is running, remove it: %w",
				ErrLocked, lockPath, err)
		}
		time.Sleep(lockRetry)
	}
	defer os.Remove(lockPath)
	return fn()
}
