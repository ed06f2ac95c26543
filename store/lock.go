package store

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// LockHolder names who holds a store's scoring lock, so that a second
// `ubo score` can say whom it waits for.
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
		return "the store is locked by another ubo score (holder unknown)"
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
