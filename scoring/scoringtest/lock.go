package scoringtest

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// pausingStore holds its first WriteResults call until release is closed,
// so a run can be kept in the middle of writing while another starts.
type pausingStore struct {
	store.Store
	once    sync.Once
	reached chan struct{}
	release chan struct{}
}

func (p *pausingStore) WriteResults(ctx context.Context, runID string, batch []model.Result) error {
	p.once.Do(func() {
		close(p.reached)
		select {
		case <-p.release:
		case <-ctx.Done():
		}
	})
	return p.Store.WriteResults(ctx, runID, batch)
}

type runOutcome struct {
	out scoring.Outcome
	err error
}

// testConcurrentRuns: while a run writes its results, a second run of
// another policy refuses at once naming the first, or waits for it; the
// flags the store publishes are those of the run it names current.
func testConcurrentRuns(t *testing.T, st store.Store, h Hooks) {
	ctx := context.Background()
	Load(t, st)
	ofac, err := policy.Load("ofac-50")
	if err != nil {
		t.Fatal(err)
	}
	paused := &pausingStore{Store: st, reached: make(chan struct{}), release: make(chan struct{})}
	defer func() {
		select {
		case <-paused.release:
		default:
			close(paused.release)
		}
	}()
	first := make(chan runOutcome, 1)
	go func() {
		out, err := scoring.Run(ctx, paused, scoring.Options{Policy: policy.Default(), AsOf: AsOf, BatchSize: 4})
		first <- runOutcome{out, err}
	}()
	select {
	case <-paused.reached:
	case r := <-first:
		t.Fatalf("first run ended before writing: %v", r.err)
	case <-time.After(2 * time.Minute):
		t.Fatal("first run never wrote results")
	}

	_, err = scoring.Run(ctx, st, scoring.Options{Policy: ofac, AsOf: AsOf})
	var le *store.LockedError
	if !errors.As(err, &le) || !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("second run while the first writes: %v, want a *store.LockedError", err)
	}
	if le.Holder.PID != os.Getpid() || le.Holder.Host == "" || !strings.Contains(le.Holder.Owner, "default") ||
		!strings.Contains(err.Error(), "default") {
		t.Errorf("lock error names %+v (%v), want this process scoring default", le.Holder, err)
	}

	second := make(chan runOutcome, 1)
	go func() {
		out, err := scoring.Run(ctx, st, scoring.Options{Policy: ofac, AsOf: AsOf, BatchSize: 4, LockWait: 2 * time.Minute})
		second <- runOutcome{out, err}
	}()
	time.Sleep(300 * time.Millisecond) // the second run is waiting now
	close(paused.release)
	a, b := <-first, <-second
	if a.err != nil || b.err != nil {
		t.Fatalf("runs: %v; %v", a.err, b.err)
	}
	if !a.out.Run.Finished.Before(b.out.Run.Started) && !a.out.Run.Finished.Equal(b.out.Run.Started) {
		t.Errorf("runs overlapped: first finished %s, second started %s", a.out.Run.Finished, b.out.Run.Started)
	}
	latest, err := scoring.LatestComplete(ctx, st)
	if err != nil || latest == nil || latest.ID != b.out.Run.ID {
		t.Fatalf("current run = %+v, %v; want the second, %s", latest, err, b.out.Run.ID)
	}
	var want []string
	for id, r := range results(t, st, latest.ID) {
		if r.Flagged {
			want = append(want, id)
		}
	}
	slices.Sort(want)
	if h.Flagged != nil {
		if got := h.Flagged(t); !slices.Equal(got, want) {
			t.Errorf("published flags = %v, want those of the current run %s (%s): %v", got, latest.ID, latest.Policy, want)
		}
	}
	// Both released the lock.
	if _, err := scoring.Run(ctx, st, scoring.Options{Policy: ofac, AsOf: AsOf}); err != nil {
		t.Errorf("a third run: %v", err)
	}
}
