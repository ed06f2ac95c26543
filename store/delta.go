package store

import (
	"context"
	"fmt"

	"github.com/ubo-project/ubo/model"
)

// MaxDeltaChain is how many runs in a row store their results as changes
// against the run before them (model.Run.Base) before one stores them in
// full again: it bounds how many runs a read of one run merges, and how
// many pruned runs keep their results for the changes of later runs.
const MaxDeltaChain = 6

// DeltaResultStore is a store that can keep a run's results as changes
// against an earlier run of the same policy: BeginRun of a run with Base
// set, WriteResults of the results that changed, RemoveResults of the
// entities the base had a result for and the run has not. Every read of
// the run (EachResult, Result, RunResults and the optional streams) then
// gives exactly what a run stored in full would, and PruneRuns keeps the
// results of a pruned run while a kept run's changes are stored against
// them (model.Run.ResultsKept).
type DeltaResultStore interface {
	// EachEncodedResult streams a run's results in entity id order as
	// stored: verdict, flag and the codec.EncodeResult bytes, which are
	// only valid during fn. Comparing them with a new result's tells a
	// run which results changed.
	EachEncodedResult(ctx context.Context, runID string, fn func(entityID string, verdict model.Verdict, flagged bool, data []byte) error) error
	// RemoveResults records that a run stored against a base has no
	// result for the entities.
	RemoveResults(ctx context.Context, runID string, entityIDs []string) error
	// StoredResults counts the entries stored under the run itself
	// (results and removals), not those of its bases.
	StoredResults(ctx context.Context, runID string) (int, error)
}

// RemovedVerdict is the verdict under which a store may record a removal
// (DeltaResultStore.RemoveResults) next to a run's results: no policy's
// verdict, nor any text a user writes, holds a NUL.
const RemovedVerdict = "\x00removed"

// ResultChain returns the runs whose stored results make up run id's:
// id first, then its base, its base's base and so on, given every run
// (Runs). An unknown id is its own chain; a base that is not listed is an
// error (the store lost results a run needs).
func ResultChain(runs []model.Run, id string) ([]string, error) {
	byID := make(map[string]*model.Run, len(runs))
	for i := range runs {
		byID[runs[i].ID] = &runs[i]
	}
	chain := []string{id}
	for r := byID[id]; r != nil && r.Base != ""; r = byID[r.Base] {
		if _, ok := byID[r.Base]; !ok || len(chain) > len(runs) {
			return nil, fmt.Errorf("run %s: the results of its base run %s are missing", r.ID, r.Base)
		}
		chain = append(chain, r.Base)
	}
	return chain, nil
}

// DeltaDepth is how many bases run id's results are stored against (0:
// stored in full).
func DeltaDepth(runs []model.Run, id string) int {
	chain, err := ResultChain(runs, id)
	if err != nil {
		return MaxDeltaChain // store the next run in full
	}
	return len(chain) - 1
}

// ResultsNeeded returns the runs whose stored results are still read, given
// every run and the ids a prune is about to prune: each complete run not
// pruned, and the bases its results are stored against.
func ResultsNeeded(runs []model.Run, pruning []string) map[string]bool {
	pruned := make(map[string]bool, len(pruning))
	for _, id := range pruning {
		pruned[id] = true
	}
	needed := map[string]bool{}
	for _, r := range runs {
		if r.Status != model.RunComplete || pruned[r.ID] {
			continue
		}
		chain, err := ResultChain(runs, r.ID)
		if err != nil {
			// Keep whatever part of the chain is there.
			chain = []string{r.ID}
		}
		for _, id := range chain {
			needed[id] = true
		}
	}
	return needed
}

// PruneDecision is what a prune does to one run's record and results.
type PruneDecision struct {
	Run model.Run // the record to store (status pruned, ResultsKept)
	// DeleteResults is set when the run's results go.
	DeleteResults bool
}

// PrunePlan returns what PruneRuns does with keep: the runs RunsToPrune
// names, marked pruned, their results deleted unless a kept run's are
// stored against them (then ResultsKept), and the runs pruned earlier whose
// kept results no run needs any longer (their results deleted,
// ResultsKept cleared). pruned is what RunsToPrune named.
func PrunePlan(runs []model.Run, keep int) (plan []PruneDecision, pruned []string) {
	pruned = RunsToPrune(runs, keep)
	needed := ResultsNeeded(runs, pruned)
	byID := make(map[string]model.Run, len(runs))
	for _, r := range runs {
		byID[r.ID] = r
	}
	for _, id := range pruned {
		r := byID[id]
		r.Status = model.RunPruned
		r.ResultsKept = needed[id]
		plan = append(plan, PruneDecision{Run: r, DeleteResults: !r.ResultsKept})
	}
	for _, r := range runs {
		if r.Status == model.RunPruned && r.ResultsKept && !needed[r.ID] {
			r.ResultsKept = false
			plan = append(plan, PruneDecision{Run: r, DeleteResults: true})
		}
	}
	return plan, pruned
}
