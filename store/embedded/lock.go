package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/ubo-project/ubo/store"
)

// LockPath is the file next to the store that holds its scoring lock.
func LockPath(path string) string { return path + ".lock" }

// LockRuns implements store.Store: an exclusive advisory lock (flock) on
// LockPath, which the kernel releases when the process dies, so a crashed
// run never leaves the store locked. The holder is written into the file
// for the message of a process that finds it locked. The lock file is left
// in place (removing it would race with a process about to lock it).
// unlock may be called more than once.
func (s *Store) LockRuns(ctx context.Context, holder store.LockHolder) (context.Context, func() error, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	path := LockPath(s.path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("embedded store %s: lock %s: %w: %w", s.path, path, store.ErrUnreachable, err)
	}
	locked, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("embedded store %s: lock %s: %w: %w", s.path, path, store.ErrUnreachable, err)
	}
	if !locked {
		var h store.LockHolder
		data, rerr := os.ReadFile(path)
		f.Close()
		if rerr == nil {
			// An unreadable holder (being written right now) is reported
			// as unknown rather than failing the message.
			_ = json.Unmarshal(data, &h)
		}
		return nil, nil, fmt.Errorf("embedded store %s: %w", s.path, &store.LockedError{Holder: h})
	}
	data, err := json.Marshal(holder)
	if err == nil {
		err = f.Truncate(0)
	}
	if err == nil {
		_, err = f.WriteAt(append(data, '\n'), 0)
	}
	if err != nil {
		_ = unlock(f)
		f.Close()
		return nil, nil, fmt.Errorf("embedded store %s: write lock holder to %s: %w", s.path, path, err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	var once sync.Once
	var uerr error
	return ctx, func() error {
		once.Do(func() { uerr = s.unlockRuns(f, cancel) })
		return uerr
	}, nil
}

// unlockRuns releases the lock on f and closes it.
func (s *Store) unlockRuns(f *os.File, cancel context.CancelCauseFunc) error {
	defer cancel(nil)
	// The holder is cleared so a stale description never names a process
	// that is gone; the kernel lock goes with the descriptor.
	_ = f.Truncate(0)
	err := unlock(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("embedded store %s: unlock %s: %w", s.path, f.Name(), err)
	}
	return nil
}
