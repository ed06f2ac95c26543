package export_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/scoring/scoringtest"
	"github.com/ubo-project/ubo/store"
)

// storeOnly hides a store's optional fast paths (entity projections, result
// summaries): exports through them and through the Store methods alike
// must be byte for byte the same.
type storeOnly struct{ store.Store }

func TestFastPathsExportTheSame(t *testing.T) {
	st := scoredFixture(t)
	first := latest(t, st)
	// A second run that differs: a relationship ended before the as-of
	// date changes verdicts, so --changed-since has rows.
	ended := scoringtest.ChineseParentEdge()
	ended.EndDate = "2000-01-01"
	if err := st.UpsertRelationships(context.Background(), []model.Relationship{ended}); err != nil {
		t.Fatal(err)
	}
	run := scoringtest.Score(t, st, scoringtest.Clock()).Run
	for _, format := range []string{export.JSONL, export.CSV, export.BODS} {
		for name, f := range map[string]export.Filter{"flagged": {}, "all": {All: true},
			"verdicts": {Verdicts: []model.Verdict{model.VerdictClear, model.VerdictOwned50}},
			"changed":  {ChangedSince: first.ID}, "changed, all": {ChangedSince: first.ID, All: true}} {
			opts := export.Options{Format: format, Run: run, Filter: f}
			var fast, plain bytes.Buffer
			nf, err := export.Write(context.Background(), st, &fast, opts)
			if err != nil {
				t.Fatal(err)
			}
			np, err := export.Write(context.Background(), storeOnly{st}, &plain, opts)
			if err != nil {
				t.Fatal(err)
			}
			if nf != np || !bytes.Equal(fast.Bytes(), plain.Bytes()) {
				t.Errorf("%s, %s: %d records through the fast paths, %d without, or the bytes differ:\n%s\n---\n%s",
					format, name, nf, np, fast.Bytes(), plain.Bytes())
			}
			if name == "changed" && nf == 0 {
				t.Errorf("%s: nothing changed since the first run: the test compares little", format)
			}
		}
	}
}
