package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// storeRun writes results as a complete run.
func storeRun(t *testing.T, st store.Store, id string, started int64, results []model.Result) model.Run {
	t.Helper()
	ctx := context.Background()
	run := model.Run{ID: id, Started: time.Unix(started, 0).UTC(), Policy: "default"}
	if err := st.BeginRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if err := st.WriteResults(ctx, id, results); err != nil {
		t.Fatal(err)
	}
	run.Status = model.RunComplete
	if err := st.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	return run
}

// TestMergeJoinLongStreams exports runs far longer than the cursors'
// chunks, with results whose entity is gone and entities without results,
// and checks every line against a join done by hand.
func TestMergeJoinLongStreams(t *testing.T) {
	st := openEmbedded(t)
	ctx := context.Background()
	const n = 2000
	var entities []model.Entity
	names := map[string]string{}
	for i := range n {
		if i%9 == 4 { // scored, then gone
			continue
		}
		id := fmt.Sprintf("e%05d", i)
		names[id] = fmt.Sprintf("Entity %d Ltd", i)
		entities = append(entities, model.Entity{ID: id, Name: names[id], Kind: model.Company})
	}
	entities = append(entities, model.Entity{ID: "zzz-unscored", Name: "never scored", Kind: model.Company})
	if err := st.UpsertEntities(ctx, entities); err != nil {
		t.Fatal(err)
	}
	results := func(shift int) []model.Result {
		var out []model.Result
		for i := range n {
			v := model.Verdicts[(i/3+shift*(i%2))%len(model.Verdicts)] // odd ids change
			r := model.Result{EntityID: fmt.Sprintf("e%05d", i), Verdict: v, Flagged: v.Rank() <= 3,
				ChineseShare: model.Interval{Min: float64(i % 101), Max: 100},
				Controllers:  []string{}, JointControllers: []string{}, Evidence: []model.Evidence{}}
			if v != model.VerdictClear {
				r.Evidence = []model.Evidence{{Path: []string{"root", r.EntityID}, Share: 50, Explanation: "via " + r.EntityID}}
			}
			out = append(out, r)
		}
		return out
	}
	oldResults, nowResults := results(0), results(1)
	before := storeRun(t, st, "run-1", 1, oldResults)
	now := storeRun(t, st, "run-2", 2, nowResults)

	for _, f := range []export.Filter{{All: true}, {}, {ChangedSince: before.ID}, {Verdicts: []model.Verdict{model.VerdictMinority}}} {
		var want []string
		for i, r := range nowResults {
			old := oldResults[i]
			switch {
			case f.ChangedSince != "":
				if old.Verdict == r.Verdict || (!r.Flagged && !old.Flagged) {
					continue
				}
			case f.All:
			case len(f.Verdicts) > 0:
				if !slices.Contains(f.Verdicts, r.Verdict) {
					continue
				}
			default:
				if !r.Flagged {
					continue
				}
			}
			want = append(want, r.EntityID+"|"+names[r.EntityID]+"|"+string(r.Verdict))
		}
		var buf bytes.Buffer
		count, err := export.Write(ctx, st, &buf, export.Options{Format: export.JSONL, Run: now, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		dec := json.NewDecoder(&buf)
		for dec.More() {
			var rec export.Record
			if err := dec.Decode(&rec); err != nil {
				t.Fatal(err)
			}
			got = append(got, rec.ID+"|"+rec.Name+"|"+string(rec.Verdict))
		}
		if count != len(got) || !slices.Equal(got, want) {
			t.Errorf("filter %+v: %d rows (count %d), want %d; first got %v, want %v", f, len(got), count, len(want),
				got[:min(3, len(got))], want[:min(3, len(want))])
		}
	}
}
