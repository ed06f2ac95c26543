package crossstore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/ingest/bods"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// ingestBatched is ingestInput with the writer's default batch size: the
// small batches ingestInput exercises cost a minute on Neo4j here.
func ingestBatched(t *testing.T, st store.Store, in input) ingestRun {
	t.Helper()
	return ingestWithBatch(t, st, in, 0)
}

// verdictOf is what a round trip must keep of an entity's result.
type verdictOf struct {
	Verdict          model.Verdict
	Indeterminate    bool
	Share            model.Interval
	Controllers      []string
	JointControllers []string
}

// scoreWith scores st under the named policy and returns the run and every
// entity's verdict, and the flagged ones apart.
func scoreWith(t *testing.T, st store.Store, name string) (model.Run, map[string]verdictOf, map[string]verdictOf) {
	t.Helper()
	ctx := context.Background()
	pol, err := policy.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	out, err := scoring.Run(ctx, st, scoring.Options{Policy: pol, AsOf: asOf, Now: func() time.Time { return asOf }})
	if err != nil {
		t.Fatal(err)
	}
	all, flagged := map[string]verdictOf{}, map[string]verdictOf{}
	err = st.EachResult(ctx, out.Run.ID, func(r *model.Result) error {
		v := verdictOf{r.Verdict, r.Indeterminate, r.ChineseShare, r.Controllers, r.JointControllers}
		all[r.EntityID] = v
		if r.Flagged {
			flagged[r.EntityID] = v
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Run, all, flagged
}

// TestBODSRoundTrip exports every source's fixtures, scored under each
// preset, as BODS, ingests the export into an empty store and scores it
// again, on both stores: the same entities are flagged with the same
// verdicts, shares and controllers, under the same ids (no "bods:bods:…",
// no "bods:lei:…"), and every entity the export states keeps its verdict.
// Before the export stated what verdicts rest on (headquarters and other
// address countries, state ownership, list tags, consolidation, the other
// partner of a joint venture), the demo's 16 flagged entities came back as
// 10, under double-prefixed ids.
func TestBODSRoundTrip(t *testing.T) {
	if export.PublisherName != bods.UBOPublisher {
		t.Fatalf("export publishes as %q, ingest bods keeps the ids of %q", export.PublisherName, bods.UBOPublisher)
	}
	ctx := context.Background()
	for _, b := range []string{"embedded", "neo4j"} {
		t.Run(b, func(t *testing.T) {
			open := openEmbedded
			if b == "neo4j" {
				open = neo4jOpener(t)
			}
			// Export under every preset first: on Neo4j the second store
			// is the same database, emptied.
			src := open(t)
			for _, in := range allInputs {
				ingestBatched(t, src, in)
			}
			type exported struct {
				policy       string
				all, flagged map[string]verdictOf
				bods         string
			}
			var exports []exported
			for _, name := range policy.Presets() {
				run, all, flagged := scoreWith(t, src, name)
				var buf bytes.Buffer
				if _, err := export.Write(ctx, src, &buf, export.Options{Format: export.BODS, Run: run}); err != nil {
					t.Fatalf("%s: export: %v", name, err)
				}
				exports = append(exports, exported{name, all, flagged, buf.String()})
			}
			for _, x := range exports {
				t.Run(x.policy, func(t *testing.T) {
					t.Logf("%d flagged of %d", len(x.flagged), len(x.all))
					if len(x.flagged) == 0 && x.policy != "ofac-50" {
						t.Fatalf("nothing flagged under %s: the fixtures do not test the round trip", x.policy)
					}
					path := filepath.Join(t.TempDir(), "export.json")
					if err := os.WriteFile(path, []byte(x.bods), 0o644); err != nil {
						t.Fatal(err)
					}
					dst := open(t)
					run := ingestBatched(t, dst, input{bods.Source, []string{path}})
					if run.stats.Rejected != 0 {
						t.Errorf("%d statements of the export rejected", run.stats.Rejected)
					}
					if len(run.report.Merges) != 0 || len(run.report.Ambiguous) != 0 {
						t.Errorf("re-ingest resolved %d merges, %d ambiguous: the export states entities the store had apart",
							len(run.report.Merges), len(run.report.Ambiguous))
					}
					_, all, flagged := scoreWith(t, dst, x.policy)
					for id := range all {
						if strings.HasPrefix(id, "bods:bods:") || strings.HasPrefix(id, "bods:lei:") {
							t.Errorf("id %s came back prefixed", id)
						}
					}
					if !reflect.DeepEqual(flagged, x.flagged) {
						for id, v := range x.flagged {
							if got, ok := flagged[id]; !ok || !reflect.DeepEqual(got, v) {
								t.Errorf("%s: exported %+v, after the round trip %+v (present %v)", id, v, got, ok)
							}
						}
						for id, v := range flagged {
							if _, ok := x.flagged[id]; !ok {
								t.Errorf("%s: flagged %+v after the round trip only", id, v)
							}
						}
					}
					for id, v := range all {
						if want, ok := x.all[id]; !ok {
							t.Errorf("%s: not in the exported store", id)
						} else if !reflect.DeepEqual(v, want) {
							t.Errorf("%s (stated above a flagged entity): %+v, was %+v", id, v, want)
						}
					}
				})
			}
		})
	}
}
