package queries

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/store"
)

// TestLockOfDeadHolderExpires: a lock whose heartbeat stopped (its process
// died) is taken over after lockTTL; one that beats is not.
func TestLockOfDeadHolderExpires(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		beatAgo  string // Cypher duration since the dead holder's last heartbeat
		wantFree bool
	}{
		{"fresh heartbeat", "PT1S", false},
		{"stale heartbeat", "PT3M", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			must(t, s.write(ctx, "dead holder", func(tx neo4j.ManagedTransaction) error {
				_, err := runInTx(ctx, tx, `MERGE (l:UboState {id: 'score-lock'})
					SET l.token = 'dead', l.owner = 'ubo score --policy default', l.pid = 4242,
					    l.host = 'gone-host', l.since = datetime() - duration('PT1H'),
					    l.heartbeat = datetime() - duration($ago)`, map[string]any{"ago": tc.beatAgo})
				return err
			}))
			_, unlock, err := s.LockRuns(ctx, store.NewLockHolder("test"))
			if tc.wantFree {
				if err != nil {
					t.Fatalf("lock of a dead holder: %v", err)
				}
				must(t, unlock())
				return
			}
			var le *store.LockedError
			if !errors.As(err, &le) {
				t.Fatalf("lock held with a fresh heartbeat: %v", err)
			}
			if le.Holder.PID != 4242 || le.Holder.Host != "gone-host" || le.Holder.Heartbeat.IsZero() {
				t.Errorf("holder = %+v", le.Holder)
			}
		})
	}
}

// TestLockLostCancelsRun: when another process takes the lock over (this
// one's heartbeat was late), the holder's context is cancelled with
// store.ErrLockLost at its next heartbeat.
func TestLockLostCancelsRun(t *testing.T) {
	defer func(d time.Duration) { lockHeartbeat = d }(lockHeartbeat)
	lockHeartbeat = 100 * time.Millisecond
	s := openTestStore(t)
	ctx := context.Background()
	lctx, unlock, err := s.LockRuns(ctx, store.NewLockHolder("test"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	must(t, s.write(ctx, "take over", func(tx neo4j.ManagedTransaction) error {
		_, err := runInTx(ctx, tx, `MATCH (l:UboState {id: 'score-lock'}) SET l.token = 'other'`, nil)
		return err
	}))
	select {
	case <-lctx.Done():
		if !errors.Is(context.Cause(lctx), store.ErrLockLost) {
			t.Errorf("cause = %v, want ErrLockLost", context.Cause(lctx))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run's context survived losing the lock")
	}
	// Unlocking a lost lock leaves the new holder's alone.
	must(t, unlock())
	_, _, err = s.LockRuns(ctx, store.NewLockHolder("third"))
	var le *store.LockedError
	if !errors.As(err, &le) {
		t.Errorf("lock after the taken-over one was unlocked: %v, want the new holder's", err)
	}
}
