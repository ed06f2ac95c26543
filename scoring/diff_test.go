package scoring_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// writeRun stores results for the given ids (verdict from verdictOf) as a
// complete run.
func writeRun(t *testing.T, st store.Store, id string, ids []string, verdictOf func(i int) model.Verdict) map[string]model.Verdict {
	t.Helper()
	ctx := context.Background()
	run := model.Run{ID: id, Started: time.Unix(int64(len(id)), 0).UTC(), Policy: "default"}
	if err := st.BeginRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]model.Verdict{}
	var batch []model.Result
	for i, e := range ids {
		v := verdictOf(i)
		verdicts[e] = v
		batch = append(batch, model.Result{EntityID: e, Verdict: v, Flagged: v.Rank() <= 3,
			Controllers: []string{}, JointControllers: []string{}, Evidence: []model.Evidence{}})
	}
	if err := st.WriteResults(ctx, run.ID, batch); err != nil {
		t.Fatal(err)
	}
	run.Status = model.RunComplete
	if err := st.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	return verdicts
}

// TestDiffLongRuns merges runs far longer than the streams' chunks, with
// entities only in one run or the other, and gives the same changes with
// and without the store's verdict fast path.
func TestDiffLongRuns(t *testing.T) {
	st := openEmbedded(t)
	var a, b []string
	for i := range 3000 {
		id := fmt.Sprintf("e%05d", i)
		if i%7 != 0 {
			a = append(a, id)
		}
		if i%11 != 0 {
			b = append(b, id)
		}
	}
	va := writeRun(t, st, "run-a", a, func(i int) model.Verdict { return model.Verdicts[i%len(model.Verdicts)] })
	vb := writeRun(t, st, "run-bb", b, func(i int) model.Verdict { return model.Verdicts[(i/5)%len(model.Verdicts)] })

	var want []scoring.Change
	for i := range 3000 {
		id := fmt.Sprintf("e%05d", i)
		if va[id] != vb[id] {
			want = append(want, scoring.Change{EntityID: id, OldVerdict: va[id], NewVerdict: vb[id],
				OldFlagged: va[id] != "" && va[id].Rank() <= 3,
				NewFlagged: vb[id] != "" && vb[id].Rank() <= 3})
		}
	}
	for name, s := range map[string]store.Store{"verdict columns": st, "whole results": resultsOnly{st}} {
		var got []scoring.Change
		if err := scoring.Diff(context.Background(), s, "run-a", "run-bb", func(c scoring.Change) error {
			got = append(got, c)
			return nil
		}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d changes, want %d (first got %v)", name, len(got), len(want), got[:min(3, len(got))])
		}
		// Stopping early returns fn's error and leaves no goroutine blocked.
		stop := fmt.Errorf("stop")
		if err := scoring.Diff(context.Background(), s, "run-a", "run-bb", func(scoring.Change) error { return stop }); err != stop {
			t.Errorf("%s: stopped diff: %v", name, err)
		}
	}
}
