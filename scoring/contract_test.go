package scoring_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/scoring/scoringtest"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

func openEmbedded(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestContractEmbedded(t *testing.T) {
	scoringtest.Run(t, openEmbedded, scoringtest.Hooks{})
}

// resultsOnly replaces the store's cheaper streams (the verdict, flagged
// and summary streams of results, the projected and stored-order streams
// of the graph) with the full ones they must agree with: EachResult,
// EachEntity and EachRelationship. Runs, diffs and exports must not change.
type resultsOnly struct{ store.Store }

func (s resultsOnly) EachVerdict(ctx context.Context, runID string, fn func(entityID string, verdict model.Verdict, flagged bool) error) error {
	return s.EachResult(ctx, runID, func(r *model.Result) error { return fn(r.EntityID, r.Verdict, r.Flagged) })
}

func (s resultsOnly) EachFlagged(ctx context.Context, runID string, fn func(entityID string) error) error {
	return s.EachResult(ctx, runID, func(r *model.Result) error {
		if !r.Flagged {
			return nil
		}
		return fn(r.EntityID)
	})
}

func (s resultsOnly) EachResultSummary(ctx context.Context, runID string, fn func(*model.Result) error) error {
	return s.EachResult(ctx, runID, fn)
}

func (s resultsOnly) EachEntityProjected(ctx context.Context, _ store.Projection, fn func(*model.Entity) error) error {
	return s.EachEntity(ctx, fn)
}

func (s resultsOnly) EachEntityStored(ctx context.Context, _ store.Projection, fn func(*model.Entity) error) error {
	return s.EachEntity(ctx, fn)
}

func (s resultsOnly) EachRelationshipStored(ctx context.Context, fn func(*model.Relationship) error) error {
	return s.EachRelationship(ctx, fn)
}

func TestContractEmbeddedResultsOnly(t *testing.T) {
	scoringtest.Run(t, func(t *testing.T) store.Store { return resultsOnly{openEmbedded(t)} }, scoringtest.Hooks{})
}

// brokenStore loses the connection on the second result batch. Several
// writers call it concurrently.
type brokenStore struct {
	store.Store
	batches atomic.Int32
}

var errLost = errors.New("connection lost")

func (b *brokenStore) WriteResults(ctx context.Context, runID string, batch []model.Result) error {
	if b.batches.Add(1) == 2 {
		return errLost
	}
	return b.Store.WriteResults(ctx, runID, batch)
}

func TestWriteFailureKeepsPreviousRun(t *testing.T) {
	st := openEmbedded(t)
	scoringtest.Load(t, st)
	clock := scoringtest.Clock()
	first := scoringtest.Score(t, st, clock)
	_, err := scoring.Run(context.Background(), &brokenStore{Store: st}, scoring.Options{
		Policy: policy.Default(), AsOf: scoringtest.AsOf, Now: clock, BatchSize: 3, Writers: 2})
	if !errors.Is(err, errLost) {
		t.Fatalf("err = %v, want the write error", err)
	}
	runs, err := st.Runs(context.Background())
	if err != nil || len(runs) != 2 || runs[0].Status != model.RunFailed || runs[1].ID != first.Run.ID {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	latest, err := scoring.LatestComplete(context.Background(), st)
	if err != nil || latest == nil || latest.ID != first.Run.ID {
		t.Errorf("latest complete = %+v, %v", latest, err)
	}
	if r, err := st.Result(context.Background(), first.Run.ID, scoringtest.Target); err != nil || r.Verdict != model.VerdictOwned50 {
		t.Errorf("previous result unreadable: %+v, %v", r, err)
	}
}

func TestNoPolicy(t *testing.T) {
	if _, err := scoring.Run(context.Background(), openEmbedded(t), scoring.Options{}); err == nil {
		t.Error("scoring without a policy succeeded")
	}
}

// TestConcurrentWritersSameResults: several result writers store the same
// results as one.
func TestConcurrentWritersSameResults(t *testing.T) {
	st := openEmbedded(t)
	scoringtest.Load(t, st)
	clock := scoringtest.Clock()
	one := scoringtest.Score(t, st, clock)
	three, err := scoring.Run(context.Background(), st, scoring.Options{Policy: policy.Default(),
		AsOf: scoringtest.AsOf, Now: clock, BatchSize: 2, Writers: 3})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := scoring.Diff(context.Background(), st, one.Run.ID, three.Run.ID, func(scoring.Change) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("diff: %d changes, %v", n, err)
	}
	count := 0
	if err := st.EachResult(context.Background(), three.Run.ID, func(*model.Result) error { count++; return nil }); err != nil || count != 12 {
		t.Errorf("stored %d results, %v; want 12", count, err)
	}
}
