package queries

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/store"
)

// TestLockOfDeadHolderExpires: a lock whose heartbeat stopped (its process
// died) is taken over after lockTTL; one that beats is not, unless its
// holder ran on this host and its process is gone: that one is taken at
// once.
func TestLockOfDeadHolderExpires(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	// A pid that existed and is gone: a child that ran and was reaped.
	child := exec.Command("true")
	if err := child.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := child.Process.Pid
	tests := []struct {
		name     string
		host     string
		pid      int
		beatAgo  string // Cypher duration since the holder's last heartbeat
		wantFree bool
	}{
		{"fresh heartbeat, another host", "gone-host", 4242, "PT1S", false},
		{"stale heartbeat, another host", "gone-host", 4242, "PT3M", true},
		{"fresh heartbeat, this host, live pid", host, os.Getppid(), "PT1S", false},
		{"fresh heartbeat, this host, dead pid", host, deadPID, "PT1S", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			must(t, s.write(ctx, "dead holder", func(tx neo4j.ManagedTransaction) error {
				_, err := runInTx(ctx, tx, `MERGE (l:UboState {id: 'score-lock'})
					SET l.token = 'dead', l.owner = 'ubo score --policy default', l.pid = $pid,
					    l.host = $host, l.since = datetime() - duration('PT1H'),
					    l.heartbeat = datetime() - duration($ago)`,
					map[string]any{"ago": tc.beatAgo, "host": tc.host, "pid": int64(tc.pid)})
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
			if le.Holder.PID != tc.pid || le.Holder.Host != tc.host || le.Holder.Heartbeat.IsZero() {
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
