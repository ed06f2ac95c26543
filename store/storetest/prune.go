package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// testPruneRuns: completing a run keeps the results of the newest
// DefaultKeepRuns complete runs and of the newest run of each policy;
// PruneRuns with a smaller keep prunes further. Pruned runs stay listed,
// with status pruned; running runs keep their results, failed runs lose
// theirs.
func testPruneRuns(t *testing.T, s store.Store) {
	res := []model.Result{{EntityID: "a", Verdict: model.VerdictClear}}
	ofac := testRun("run-ofac", 0)
	ofac.Policy, ofac.PolicyHash = "ofac-50", "sha256:ofac"
	beginFinish(t, s, ofac, res)
	// A run killed while writing, long ago, and a failed one.
	running := testRun("run-killed", 1)
	if err := s.BeginRun(ctx(t), running); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx(t), running.ID, res); err != nil {
		t.Fatal(err)
	}
	failed := testRun("run-failed", 2)
	if err := s.BeginRun(ctx(t), failed); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx(t), failed.ID, res); err != nil {
		t.Fatal(err)
	}
	failed.Status = model.RunFailed
	if err := s.FinishRun(ctx(t), failed); err != nil {
		t.Fatal(err)
	}
	n := store.DefaultKeepRuns + 3
	var ids []string // oldest first
	for i := range n {
		r := beginFinish(t, s, testRun(fmt.Sprintf("run-%02d", i), 10+i), res)
		ids = append(ids, r.ID)
	}

	check := func(stage string, keep int) {
		t.Helper()
		withResults := map[string]bool{"run-ofac": true, "run-killed": true}
		for _, id := range ids[n-keep:] {
			withResults[id] = true
		}
		runs := runsOf(t, s)
		if len(runs) != n+3 {
			t.Errorf("%s: %d run records, want all %d", stage, len(runs), n+3)
		}
		for _, r := range runs {
			_, err := s.Result(ctx(t), r.ID, "a")
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			if has := err == nil; has != withResults[r.ID] {
				t.Errorf("%s: run %s (%s) has results %v, want %v", stage, r.ID, r.Status, has, withResults[r.ID])
			}
			wantPruned := slices.Contains(ids, r.ID) && !withResults[r.ID]
			if (r.Status == model.RunPruned) != wantPruned {
				t.Errorf("%s: run %s status %s, want pruned %v", stage, r.ID, r.Status, wantPruned)
			}
		}
	}
	check("after the runs", store.DefaultKeepRuns)

	pruned, err := s.PruneRuns(ctx(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	var want []string // newest first
	for i := n - 3; i >= n-store.DefaultKeepRuns; i-- {
		want = append(want, ids[i])
	}
	if !slices.Equal(pruned, want) {
		t.Errorf("PruneRuns(2) = %v, want %v", pruned, want)
	}
	check("after PruneRuns(2)", 2)
	// Nothing left to prune; keep 0 still keeps the latest.
	if pruned, err := s.PruneRuns(ctx(t), 2); err != nil || len(pruned) != 0 {
		t.Errorf("second PruneRuns(2) = %v, %v", pruned, err)
	}
	if _, err := s.PruneRuns(ctx(t), 0); err != nil {
		t.Fatal(err)
	}
	check("after PruneRuns(0)", 1)
}
