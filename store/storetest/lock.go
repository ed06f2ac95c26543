package storetest

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/ubo-project/ubo/store"
)

// testLockRuns: the scoring lock is exclusive, names its holder to the
// process refused, and is free again once released.
func testLockRuns(t *testing.T, s store.Store) {
	ctx := context.Background()
	holder := store.NewLockHolder("ubo score --policy ofac-50")
	lctx, unlock, err := s.LockRuns(ctx, holder)
	if err != nil {
		t.Fatalf("lock: %v", err)
	}
	if lctx.Err() != nil {
		t.Errorf("locked context is done: %v", lctx.Err())
	}
	tests := []struct{ owner string }{{"ubo score --policy default"}, {"another"}}
	for _, tc := range tests {
		_, _, err := s.LockRuns(ctx, store.NewLockHolder(tc.owner))
		var le *store.LockedError
		if !errors.As(err, &le) || !errors.Is(err, store.ErrUnreachable) {
			t.Fatalf("second lock by %q: %v, want a *store.LockedError", tc.owner, err)
		}
		if le.Holder.Owner != holder.Owner || le.Holder.PID != os.Getpid() || le.Holder.Host != holder.Host {
			t.Errorf("second lock by %q names %+v, want %+v", tc.owner, le.Holder, holder)
		}
	}
	if err := unlock(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	_, unlock, err = s.LockRuns(ctx, store.NewLockHolder("after"))
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
}
