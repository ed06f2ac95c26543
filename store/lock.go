package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ubo-project/ubo/model"
)

// LockHolder names who holds a store's lock (ingest, score, runs prune),
// so that a second process can say whom it waits for.
type LockHolder struct {
	Owner string    `json:"owner"` // what holds it, e.g. "ubo score --policy ofac-50"
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
	// Heartbeat is when the holder last said it is alive (Neo4j; zero on
	// the embedded store, whose file lock dies with its process).
	Heartbeat time.Time `json:"heartbeat,omitzero"`
}

// NewLockHolder describes this process as owner.
func NewLockHolder(owner string) LockHolder {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown host"
	}
	return LockHolder{Owner: owner, PID: os.Getpid(), Host: host, Since: time.Now().UTC()}
}

// LockedError is returned by Store.LockRuns when another process holds the
// lock. It matches ErrUnreachable (exit code 3): the store cannot be used for
// scoring now.
type LockedError struct {
	Holder LockHolder
}

func (e *LockedError) Error() string {
	h := e.Holder
	if h.PID == 0 && h.Owner == "" {
		return "the store is locked by another ubo process (holder unknown)"
	}
	s := fmt.Sprintf("the store is locked by %q (pid %d on %s) since %s", h.Owner, h.PID, h.Host,
		h.Since.UTC().Format(time.RFC3339))
	if !h.Heartbeat.IsZero() {
		s += fmt.Sprintf(", last heartbeat %s", h.Heartbeat.UTC().Format(time.RFC3339))
	}
	return s
}

func (e *LockedError) Unwrap() error { return ErrUnreachable }

// ErrLockLost cancels a locked run's context when its lock was taken over
// (Neo4j: its heartbeat stopped long enough for the lock to expire).
var ErrLockLost = errors.New("the scoring lock was lost (its heartbeat stopped and another process took it)")

// LockPoll is how often AcquireLock asks again while another process holds
// the lock. A variable so tests can shrink it.
var LockPoll = time.Second

// AcquireLock takes st's lock (RunStore.LockRuns) for holder, asking again
// every LockPoll while another process holds it, for up to wait (0: fail at
// once with the *LockedError naming the holder). Every command that writes
// the store takes it (ingest, score, runs prune), so their writes never
// interleave. Once it holds the lock it marks the runs a gone holder left
// running as interrupted (MarkInterruptedRuns).
func AcquireLock(ctx context.Context, st RunStore, holder LockHolder, wait time.Duration) (context.Context, func() error, error) {
	deadline := time.Now().Add(wait)
	for {
		lctx, unlock, err := st.LockRuns(ctx, holder)
		var le *LockedError
		if err == nil {
			if _, merr := MarkInterruptedRuns(lctx, st, time.Now()); merr != nil {
				_ = unlock()
				return nil, nil, merr
			}
			return lctx, unlock, nil
		}
		if !errors.As(err, &le) || !time.Now().Before(deadline) {
			if le != nil && wait > 0 {
				err = fmt.Errorf("waited %s: %w", wait, err)
			}
			return nil, nil, err
		}
		t := time.NewTimer(min(LockPoll, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-t.C:
		}
	}
}

// MarkInterruptedRuns marks every run recorded as running interrupted,
// finished at now, and returns them. Call it holding the lock: a run is
// only ever written under the lock, so one still running then belongs to
// a holder that is gone (killed, its machine lost) and will never finish.
// Its partial results are deleted with those of failed runs.
func MarkInterruptedRuns(ctx context.Context, st RunStore, now time.Time) ([]model.Run, error) {
	runs, err := st.Runs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var marked []model.Run
	for _, r := range runs {
		if r.Status != model.RunRunning {
			continue
		}
		r.Status, r.Finished = model.RunInterrupted, now.UTC()
		if err := st.FinishRun(ctx, r); err != nil {
			return marked, fmt.Errorf("mark run %s interrupted: %w", r.ID, err)
		}
		marked = append(marked, r)
	}
	return marked, nil
}
