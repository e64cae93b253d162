// Package parallel runs one function per item at once, for the many places
// where kina acts on every node of a cluster together.
package parallel

import (
	"errors"
	"sync"
)

// Each runs fn for every item at once, waits for all of them and joins
// their errors.
func Each[T any](items []T, fn func(T) error) error {
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(it)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Do runs the functions at once and joins their errors.
func Do(fns ...func() error) error {
	return Each(fns, func(f func() error) error { return f() })
}
