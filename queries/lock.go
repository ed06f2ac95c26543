package queries

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/store"
)

// The scoring lock expires lockTTL after its last heartbeat, sent every
// lockHeartbeat: a holder that died (kill -9, lost machine) blocks others
// for at most lockTTL. Variables so tests can shrink them.
var (
	lockTTL       = 2 * time.Minute
	lockHeartbeat = 20 * time.Second
)

// LockRuns implements store.Store with a lock node (see lock_runs.cypher)
// holding a random token, the holder's description and a heartbeat that a
// goroutine renews until unlock. The lock of a holder that ran on this
// host and whose process is gone is taken over at once
// (store.HolderGone); any other expires lockTTL after its last heartbeat.
// If a renewal finds another token, the returned context is cancelled with
// store.ErrLockLost, so the run stops before it publishes over the new
// holder's. unlock may be called more than once.
func (s *Store) LockRuns(ctx context.Context, holder store.LockHolder) (context.Context, func() error, error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	params := map[string]any{"token": token, "ttl": int64(lockTTL.Seconds()),
		"owner": holder.Owner, "pid": int64(holder.PID), "host": holder.Host}
	var (
		free bool
		h    store.LockHolder
	)
	// A holder on this host whose process is gone (kill -9, a crash) is
	// taken over at once instead of after lockTTL. Twice at most: another
	// process may take the lock between the two queries.
	for attempt := 0; attempt < 2 && !free; attempt++ {
		var old string
		err := s.write(ctx, "lock runs", func(tx neo4j.ManagedTransaction) error {
			recs, err := runInTx(ctx, tx, qLockRuns, params)
			if err != nil {
				return err
			}
			if len(recs) != 1 {
				return fmt.Errorf("lock query returned %d rows", len(recs))
			}
			v := recs[0].Values
			free, _ = v[0].(bool)
			h = store.LockHolder{Owner: str(v[1]), Host: str(v[3])}
			pid, _ := v[2].(int64)
			h.PID = int(pid)
			h.Since, _ = v[4].(time.Time)
			h.Heartbeat, _ = v[5].(time.Time)
			old = str(v[6])
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		if free || !store.HolderGone(h) {
			break
		}
		err = s.write(ctx, "take over the lock of a gone process", func(tx neo4j.ManagedTransaction) error {
			recs, err := runInTx(ctx, tx, qTakeOverLock, map[string]any{"old": old, "token": token,
				"owner": holder.Owner, "pid": int64(holder.PID), "host": holder.Host})
			free = len(recs) == 1
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if !free {
		return nil, nil, fmt.Errorf("neo4j: %w", &store.LockedError{Holder: h})
	}
	ctx, cancel := context.WithCancelCause(ctx)
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(lockHeartbeat)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			held := false
			err := s.write(ctx, "lock heartbeat", func(tx neo4j.ManagedTransaction) error {
				recs, err := runInTx(ctx, tx, qHeartbeatLock, map[string]any{"token": token})
				held = len(recs) > 0
				return err
			})
			switch {
			case err != nil:
				// A missed beat is retried at the next tick; the lock
				// lasts lockTTL, several beats.
				continue
			case !held:
				cancel(store.ErrLockLost)
				return
			}
		}
	}()
	var once sync.Once
	var uerr error
	return ctx, func() error {
		once.Do(func() {
			close(stop)
			<-stopped
			defer cancel(nil)
			// Released even when the run's context was cancelled (Ctrl-C).
			uctx := context.WithoutCancel(ctx)
			uerr = s.write(uctx, "unlock runs", func(tx neo4j.ManagedTransaction) error {
				_, err := runInTx(uctx, tx, qUnlockRuns, map[string]any{"token": token})
				return err
			})
		})
		return uerr
	}, nil
}
