package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// runReads is everything a run's results read back as, through every read
// path a store has.
type runReads struct {
	Each     []model.Result
	Lookups  map[string]model.Result // id → Result's result; absent: not found
	Reader   map[string]model.Result // the same through RunResults
	Verdicts []string
	Flagged  []string
	Encoded  []string
}

func readRun(t *testing.T, s store.Store, runID string, ids []string) runReads {
	t.Helper()
	var rr runReads
	if err := s.EachResult(ctx(t), runID, func(r *model.Result) error {
		rr.Each = append(rr.Each, *r)
		return nil
	}); err != nil {
		t.Fatalf("EachResult %s: %v", runID, err)
	}
	keep := func(m map[string]model.Result, id string, r model.Result, err error) {
		if errors.Is(err, store.ErrNotFound) {
			return
		} else if err != nil {
			t.Fatalf("result of %s in %s: %v", id, runID, err)
		}
		m[id] = r
	}
	rr.Lookups, rr.Reader = map[string]model.Result{}, map[string]model.Result{}
	reader := s.RunResults(runID)
	for _, id := range ids {
		r, err := s.Result(ctx(t), runID, id)
		keep(rr.Lookups, id, r, err)
		r, err = reader.Result(ctx(t), id)
		keep(rr.Reader, id, r, err)
	}
	if vs, ok := s.(store.VerdictStreamer); ok {
		if err := vs.EachVerdict(ctx(t), runID, func(id string, verdict model.Verdict, flagged bool) error {
			rr.Verdicts = append(rr.Verdicts, fmt.Sprint(id, verdict, flagged))
			return nil
		}); err != nil {
			t.Fatalf("EachVerdict %s: %v", runID, err)
		}
	}
	if fs, ok := s.(store.FlaggedStreamer); ok {
		if err := fs.EachFlagged(ctx(t), runID, func(id string) error {
			rr.Flagged = append(rr.Flagged, id)
			return nil
		}); err != nil {
			t.Fatalf("EachFlagged %s: %v", runID, err)
		}
	}
	if err := s.(store.DeltaResultStore).EachEncodedResult(ctx(t), runID, func(id string, verdict model.Verdict, flagged bool, data []byte) error {
		rr.Encoded = append(rr.Encoded, fmt.Sprintf("%s %s %v %x", id, verdict, flagged, data))
		return nil
	}); err != nil {
		t.Fatalf("EachEncodedResult %s: %v", runID, err)
	}
	return rr
}

// diffReads names the first read path where got and want differ.
func diffReads(got, want runReads) string {
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			return fmt.Sprintf("%s:\n got %+v\nwant %+v", gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
	return ""
}

func storedResults(t *testing.T, s store.Store, runID string) int {
	t.Helper()
	n, err := s.(store.DeltaResultStore).StoredResults(ctx(t), runID)
	if err != nil {
		t.Fatalf("StoredResults %s: %v", runID, err)
	}
	return n
}

func runByID(t *testing.T, s store.Store, id string) model.Run {
	t.Helper()
	runs, err := s.Runs(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no run %s", id)
	return model.Run{}
}

// testDeltaResults: a run stored as changes against a base (a rerun with no
// change stores nothing; one with changes, removals and new entities stores
// those) reads back through every read path exactly like the same results
// stored in full, also once retention pruned its bases; the bases' results
// go once no kept run needs them.
func testDeltaResults(t *testing.T, s store.Store) {
	ds, ok := s.(store.DeltaResultStore)
	if !ok {
		t.Fatalf("%s store does not keep results as changes (store.DeltaResultStore)", s.Backend())
	}
	var base []model.Result
	for name, r := range SampleResults() {
		r.EntityID = "e-" + name
		base = append(base, r)
	}
	slices.SortFunc(base, func(a, b model.Result) int { return cmpString(a.EntityID, b.EntityID) })
	ids := []string{"e-new", "e-unknown"}
	for _, r := range base {
		ids = append(ids, r.EntityID)
	}

	full := testRun("delta-full", 0)
	beginFinish(t, s, full, base)
	want := readRun(t, s, full.ID, ids)

	// A rerun with no change: the run record and nothing else.
	same := testRun("delta-same", 1)
	same.Base = full.ID
	beginFinish(t, s, same, nil)
	if n := storedResults(t, s, same.ID); n != 0 {
		t.Errorf("a rerun without changes stored %d results, want 0", n)
	}
	if d := diffReads(readRun(t, s, same.ID, ids), want); d != "" {
		t.Errorf("the unchanged rerun reads back otherwise than its base: %s", d)
	}

	// k changes: two results changed, one entity gone, one new.
	changed := slices.Clone(base)
	changed[0].Verdict, changed[0].Flagged = model.VerdictControlled, true
	changed[1].Explanation = "Changed since the base run."
	gone := changed[2].EntityID
	fresh := FullResult()
	fresh.EntityID = "e-new"
	wantResults := append(slices.Delete(slices.Clone(changed), 2, 3), fresh)
	slices.SortFunc(wantResults, func(a, b model.Result) int { return cmpString(a.EntityID, b.EntityID) })

	// The same results stored in full, started before the delta run.
	ref := testRun("delta-ref", 2)
	beginFinish(t, s, ref, wantResults)
	wantChanged := readRun(t, s, ref.ID, ids)

	delta := testRun("delta-changes", 3)
	delta.Base = same.ID
	if err := s.BeginRun(ctx(t), delta); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx(t), delta.ID, []model.Result{changed[0], changed[1], fresh}); err != nil {
		t.Fatal(err)
	}
	if err := ds.RemoveResults(ctx(t), delta.ID, []string{gone}); err != nil {
		t.Fatal(err)
	}
	delta = finished(delta, map[model.Verdict]int{})
	if err := s.FinishRun(ctx(t), delta); err != nil {
		t.Fatal(err)
	}
	if n := storedResults(t, s, delta.ID); n != 4 {
		t.Errorf("a rerun with 4 changes stored %d entries", n)
	}
	got := readRun(t, s, delta.ID, ids)
	if d := diffReads(got, wantChanged); d != "" {
		t.Errorf("the rerun with changes reads back otherwise than the same results stored in full: %s", d)
	}
	if r, ok := got.Lookups[gone]; ok {
		t.Errorf("the removed entity has a result: %+v", r)
	}

	// Pruning the bases of the newest run keeps their results for it.
	pruned, err := s.PruneRuns(ctx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{ref.ID, same.ID, full.ID}; !slices.Equal(pruned, want) {
		t.Errorf("pruned %v, want %v", pruned, want)
	}
	if d := diffReads(readRun(t, s, delta.ID, ids), wantChanged); d != "" {
		t.Errorf("after pruning its bases the run reads back otherwise: %s", d)
	}
	for id, kept := range map[string]bool{full.ID: true, same.ID: true, ref.ID: false} {
		r := runByID(t, s, id)
		if r.Status != model.RunPruned || r.ResultsKept != kept {
			t.Errorf("run %s: status %s, results kept %v; want pruned, %v", id, r.Status, r.ResultsKept, kept)
		}
		// The unchanged rerun stored nothing to keep.
		if n := storedResults(t, s, id); (n > 0) != (kept && id != same.ID) {
			t.Errorf("run %s keeps %d results (kept as a base: %v)", id, n, kept)
		}
	}

	// Once a full run makes the delta run prunable, its bases' results go.
	next := testRun("delta-next", 4)
	beginFinish(t, s, next, wantResults)
	if _, err := s.PruneRuns(ctx(t), 1); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{full.ID, same.ID, delta.ID} {
		if r := runByID(t, s, id); r.Status != model.RunPruned || r.ResultsKept {
			t.Errorf("run %s: status %s, results kept %v; want pruned, false", id, r.Status, r.ResultsKept)
		}
		if n := storedResults(t, s, id); n != 0 {
			t.Errorf("run %s still stores %d results", id, n)
		}
	}
	if d := diffReads(readRun(t, s, next.ID, ids), wantChanged); d != "" {
		t.Errorf("the full run reads back otherwise: %s", d)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
