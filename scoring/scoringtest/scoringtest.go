// Package scoringtest is the contract suite for the nightly job (score,
// runs, diff, export) that every store must pass, and the small ownership
// graph it scores. Call Run from a store's tests with a function returning an
// empty, initialised store:
//
//	func TestScoringContract(t *testing.T) {
//		scoringtest.Run(t, func(t *testing.T) store.Store { ... }, scoringtest.Hooks{})
//	}
package scoringtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/internal/progress"
	"github.com/ubo-project/ubo/internal/progress/progresstest"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// Opener returns an empty, initialised store and registers its cleanup.
type Opener func(t *testing.T) store.Store

// Hooks give the suite store-specific views.
type Hooks struct {
	// Flagged, when set, returns the sorted ids of the entities the store
	// marks as flagged outside its results (Neo4j: the :Flagged label).
	Flagged func(t *testing.T) []string
}

// AsOf is the date the fixture is scored at.
var AsOf = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Fixture ids. The worked example (SASAC –60%→ CN Holdco –50%→ JV ←50%– US
// Inc, JV –100%→ Target) plus a board-controlled
// company, a minority holding, a clear company and an unknown holder.
const (
	SASAC     = "cn-sasac"
	CNHoldco  = "cn-holdco"
	USInc     = "us-inc"
	JV        = "jv-ltd"
	Target    = "target-gmbh"
	Minority  = "minority-sa"
	CNPerson  = "person-wang"
	BoardCo   = "board-co"
	UKPerson  = "person-smith"
	ClearCo   = "clear-co"
	Mystery   = "mystery-co"
	UnknownID = "unknown-holder-mystery"
)

// Entities returns the fixture's entities.
func Entities() []model.Entity {
	e := func(id, name string, kind model.EntityKind, jur string) model.Entity {
		return model.Entity{ID: id, Name: name, Kind: kind, Jurisdiction: jur, Source: "test", SourceRef: id}
	}
	sasac := e(SASAC, "State-owned Assets Supervision and Administration Commission", model.StateBody, "CN")
	sasac.StateOwned = true
	holdco := e(CNHoldco, "CN Holdco Co., Ltd.", model.Company, "CN")
	holdco.Identifiers = []string{"CN-USCC:91110000100000000X"}
	jv := e(JV, "JV Ltd", model.Company, "GB")
	jv.Identifiers = []string{"GB-COH:01234567"}
	wang := e(CNPerson, "Wang Wei", model.Person, "")
	wang.Nationality = []string{"CN"}
	wang.Aliases = []string{"王伟"}
	holdco.Aliases = []string{"中国控股有限公司"}
	smith := e(UKPerson, "Jane Smith", model.Person, "")
	smith.Nationality = []string{"GB"}
	smith.Residence = "GB"
	return []model.Entity{
		sasac, holdco, e(USInc, "US Inc", model.Company, "US"), jv,
		e(Target, "Target GmbH", model.Company, "DE"), e(Minority, "Minority SA", model.Company, "FR"),
		wang, e(BoardCo, "Board Co Ltd", model.Company, "GB"), smith,
		e(ClearCo, "Clear Co Ltd", model.Company, "GB"), e(Mystery, "Mystery Co Ltd", model.Company, "GB"),
		{ID: UnknownID, Kind: model.Unknown, Source: "test", SourceRef: UnknownID},
	}
}

// Rel builds a fixture relationship with its deterministic id.
func Rel(holder, held string, kind model.RelKind, share model.Share) model.Relationship {
	return model.Relationship{ID: model.RelationshipID("test", holder+">"+held, holder, held, kind),
		HolderID: holder, HeldID: held, Kind: kind, Share: share, Direct: "direct",
		StartDate: "2020-01-01", Source: "test", SourceRef: holder + ">" + held}
}

// Relationships returns the fixture's relationships.
func Relationships() []model.Relationship {
	return []model.Relationship{
		Rel(SASAC, CNHoldco, model.Ownership, model.Exact(60)),
		Rel(CNHoldco, JV, model.Ownership, model.Exact(50)),
		Rel(USInc, JV, model.Ownership, model.Exact(50)),
		Rel(JV, Target, model.Ownership, model.Exact(100)),
		Rel(CNHoldco, Minority, model.Ownership, model.Exact(10)),
		Rel(CNPerson, BoardCo, model.Board, model.Share{}),
		Rel(UKPerson, ClearCo, model.Ownership, model.Exact(100)),
		Rel(UKPerson, Mystery, model.Ownership, model.Exact(40)),
		Rel(UnknownID, Mystery, model.Ownership, model.Share{}),
	}
}

// ChineseParentEdge is the edge whose ending clears JV and Target.
func ChineseParentEdge() model.Relationship {
	return Rel(CNHoldco, JV, model.Ownership, model.Exact(50))
}

// Load writes the fixture through the store interface.
func Load(t testing.TB, st store.Store) {
	t.Helper()
	ctx := context.Background()
	if err := st.UpsertEntities(ctx, Entities()); err != nil {
		t.Fatalf("upsert entities: %v", err)
	}
	if err := st.UpsertRelationships(ctx, Relationships()); err != nil {
		t.Fatalf("upsert relationships: %v", err)
	}
}

// EndChineseParentEdge ends the CN Holdco → JV ownership before AsOf.
func EndChineseParentEdge(t testing.TB, st store.Store) {
	t.Helper()
	r := ChineseParentEdge()
	r.EndDate = "2025-06-30"
	if err := st.UpsertRelationships(context.Background(), []model.Relationship{r}); err != nil {
		t.Fatalf("end edge: %v", err)
	}
}

// Clock returns a clock that advances one second per call, so run ids and
// start times are distinct and ordered.
func Clock() func() time.Time {
	now := time.Date(2026, 1, 2, 2, 0, 0, 0, time.UTC)
	return func() time.Time {
		now = now.Add(time.Second)
		return now
	}
}

// Score runs the nightly job with the default policy at AsOf.
func Score(t testing.TB, st store.Store, clock func() time.Time) scoring.Outcome {
	t.Helper()
	out, err := scoring.Run(context.Background(), st, scoring.Options{
		Policy: policy.Default(), AsOf: AsOf, Now: clock, BatchSize: 4})
	if err != nil {
		t.Fatalf("score: %v", err)
	}
	return out
}

// Export writes the latest complete run in format with filter f.
func Export(t testing.TB, st store.Store, format string, f export.Filter) []byte {
	t.Helper()
	run, err := scoring.LatestComplete(context.Background(), st)
	if err != nil || run == nil {
		t.Fatalf("latest complete run: %v, %v", run, err)
	}
	var buf bytes.Buffer
	if _, err := export.Write(context.Background(), st, &buf, export.Options{Format: format, Run: *run, Filter: f}); err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	return buf.Bytes()
}

// ScoredJSONL loads the fixture into st, scores it and returns the JSON
// Lines export of every entity with the run id replaced by "RUN".
func ScoredJSONL(t testing.TB, st store.Store) []byte {
	t.Helper()
	Load(t, st)
	out := Score(t, st, Clock())
	b := Export(t, st, export.JSONL, export.Filter{All: true})
	return bytes.ReplaceAll(b, []byte(out.Run.ID), []byte("RUN"))
}

// Run runs the whole suite.
func Run(t *testing.T, open Opener, hooks Hooks) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store, h Hooks)
	}{
		{"ScoreVerdictsAndRunRecord", testScoreVerdicts},
		{"ExportJSONLFields", testExportJSONL},
		{"ExportCSVMatchesJSONL", testExportCSV},
		{"ExportVerdictFilter", testExportVerdictFilter},
		{"ScoreTwiceIdentical", testScoreTwice},
		{"RerunStoresChanges", testRerunStoresChanges},
		{"EndedChineseEdgeClears", testEndedEdgeClears},
		{"InterruptedRun", testInterruptedRun},
		{"DryRunWritesNothing", testDryRun},
		{"ChangedSinceNeedsCompleteRun", testChangedSinceValidation},
		{"DiffUnknownRun", testDiffUnknownRun},
		{"ConcurrentRunsSerialised", testConcurrentRuns},
		{"EmptyStoreFails", testEmptyStoreFails},
		{"PreviousRunOfSamePolicy", testPreviousOfSamePolicy},
		{"ProgressReported", testProgress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t), hooks) })
	}
}

func results(t *testing.T, st store.Store, runID string) map[string]model.Result {
	t.Helper()
	m := map[string]model.Result{}
	var last string
	err := st.EachResult(context.Background(), runID, func(r *model.Result) error {
		if r.EntityID <= last {
			t.Errorf("results of run %s out of order: %q after %q", runID, r.EntityID, last)
		}
		last = r.EntityID
		m[r.EntityID] = *r
		return nil
	})
	if err != nil {
		t.Fatalf("results of run %s: %v", runID, err)
	}
	return m
}

var wantVerdicts = map[string]model.Verdict{
	SASAC: model.VerdictChineseEntity, CNHoldco: model.VerdictChineseEntity, USInc: model.VerdictClear,
	JV: model.VerdictOwned50, Target: model.VerdictOwned50, Minority: model.VerdictMinority,
	CNPerson: model.VerdictChineseEntity, BoardCo: model.VerdictControlled, UKPerson: model.VerdictClear,
	ClearCo: model.VerdictClear, Mystery: model.VerdictClear, UnknownID: model.VerdictClear,
}

func testScoreVerdicts(t *testing.T, st store.Store, _ Hooks) {
	Load(t, st)
	out := Score(t, st, Clock())
	run := out.Run
	if run.Status != model.RunComplete || run.Entities != 12 || run.Edges != 9 || run.PreviousRun != "" {
		t.Errorf("run record = %+v", run)
	}
	if run.Policy != "default" || run.PolicyHash != policy.Default().Hash() || run.AsOf != "2026-01-01" {
		t.Errorf("run policy/as-of = %s %s %s", run.Policy, run.PolicyHash, run.AsOf)
	}
	wantCounts := map[model.Verdict]int{}
	for _, v := range wantVerdicts {
		wantCounts[v]++
	}
	if !reflect.DeepEqual(run.Counts, wantCounts) {
		t.Errorf("counts = %v, want %v", run.Counts, wantCounts)
	}
	// First run: every flagged entity is newly flagged.
	wantNew := []string{BoardCo, CNHoldco, SASAC, JV, CNPerson, Target}
	slices.Sort(wantNew)
	if run.NewlyFlagged != len(wantNew) || !slices.Equal(out.NewlyFlaggedIDs, wantNew) || run.NewlyCleared != 0 {
		t.Errorf("newly flagged %d %v, cleared %d; want %v", run.NewlyFlagged, out.NewlyFlaggedIDs, run.NewlyCleared, wantNew)
	}
	got := results(t, st, run.ID)
	for id, want := range wantVerdicts {
		if got[id].Verdict != want {
			t.Errorf("%s: verdict %q, want %q", id, got[id].Verdict, want)
		}
	}
	if r := got[Mystery]; !r.Indeterminate || r.ChineseShare.Max != 60 {
		t.Errorf("mystery: indeterminate %v, chinese share %+v; want indeterminate, max 60", r.Indeterminate, r.ChineseShare)
	}
	runs, err := st.Runs(context.Background())
	if err != nil || len(runs) != 1 || runs[0].ID != run.ID || runs[0].Status != model.RunComplete {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if !reflect.DeepEqual(runs[0].Counts, run.Counts) || runs[0].NewlyFlagged != run.NewlyFlagged {
		t.Errorf("stored run %+v differs from returned %+v", runs[0], run)
	}
}

// jsonlKeys are the export schema's fields, exactly.
var jsonlKeys = []string{"aggregate_rule", "aliases", "chinese_share", "controllers", "evidence", "id", "indeterminate",
	"joint_controllers", "kind", "name", "policy", "run_id", "verdict"}

func decodeJSONL(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for i, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("jsonl line %d: %v: %s", i+1, err, line)
		}
		out = append(out, m)
	}
	return out
}

func ids(rows []map[string]any) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r["id"].(string))
	}
	return out
}

func testExportJSONL(t *testing.T, st store.Store, _ Hooks) {
	Load(t, st)
	out := Score(t, st, Clock())
	rows := decodeJSONL(t, Export(t, st, export.JSONL, export.Filter{}))
	want := []string{BoardCo, CNHoldco, SASAC, JV, CNPerson, Target}
	slices.Sort(want)
	if got := ids(rows); !slices.Equal(got, want) {
		t.Fatalf("flagged export ids = %v, want %v", got, want)
	}
	for _, r := range rows {
		var keys []string
		for k := range r {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, jsonlKeys) {
			t.Errorf("%s: keys %v, want %v", r["id"], keys, jsonlKeys)
		}
		if r["id"] == CNHoldco {
			if a, _ := r["aliases"].([]any); len(a) != 1 || a[0] != "中国控股有限公司" {
				t.Errorf("%s: aliases %v", r["id"], r["aliases"])
			}
		}
		if r["run_id"] != out.Run.ID || r["policy"] != "default" {
			t.Errorf("%s: run_id %v policy %v", r["id"], r["run_id"], r["policy"])
		}
	}
	var target map[string]any
	for _, r := range rows {
		if r["id"] == Target {
			target = r
		}
	}
	// Percent values 0–100: Target's integrated Chinese share is 50%.
	share := target["chinese_share"].(map[string]any)
	if share["min"] != 50.0 || share["max"] != 50.0 {
		t.Errorf("target chinese_share = %v, want min 50 max 50 (percent)", share)
	}
	agg := target["aggregate_rule"].(map[string]any)
	if agg["certain"] != true || agg["possible"] != true {
		t.Errorf("target aggregate_rule = %v", agg)
	}
	if target["name"] != "Target GmbH" || target["kind"] != "company" || target["verdict"] != string(model.VerdictOwned50) {
		t.Errorf("target = %v", target)
	}
	ev := target["evidence"].([]any)
	if len(ev) == 0 {
		t.Fatal("target has no evidence")
	}
	first := ev[0].(map[string]any)
	path := first["path"].([]any)
	if len(path) == 0 || path[len(path)-1] != Target || !slices.Contains(path, any(JV)) {
		t.Errorf("target evidence path %v does not run through %s to %s", path, JV, Target)
	}
	if s, _ := first["share"].(float64); s <= 1 || s > 100 {
		t.Errorf("evidence share %v is not a percent", first["share"])
	}
	if first["explanation"] == "" {
		t.Error("evidence without explanation")
	}
	for _, r := range rows {
		if r["id"] == BoardCo {
			if c := r["controllers"].([]any); !slices.Equal(c, []any{CNPerson}) {
				t.Errorf("board-co controllers = %v, want [%s]", c, CNPerson)
			}
		}
		if r["id"] == JV {
			if jc := r["joint_controllers"].([]any); !slices.Equal(jc, []any{CNHoldco, USInc}) {
				t.Errorf("jv joint_controllers = %v", jc)
			}
		}
	}
	all := decodeJSONL(t, Export(t, st, export.JSONL, export.Filter{All: true}))
	if len(all) != len(wantVerdicts) {
		t.Errorf("--all exported %d, want %d", len(all), len(wantVerdicts))
	}
}

func testExportCSV(t *testing.T, st store.Store, _ Hooks) {
	Load(t, st)
	Score(t, st, Clock())
	b := Export(t, st, export.CSV, export.Filter{})
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if lines[0] != strings.Join(export.CSVHeader, ",") {
		t.Errorf("csv header %q", lines[0])
	}
	if len(lines) != 7 {
		t.Fatalf("csv has %d lines, want header + 6:\n%s", len(lines), b)
	}
	var target string
	for _, l := range lines {
		if strings.HasPrefix(l, Target+",") {
			target = l
		}
	}
	for _, want := range []string{"Target GmbH", "OWNED_50", ",50,50,true,true,", JV} {
		if !strings.Contains(target, want) {
			t.Errorf("csv row %q lacks %q", target, want)
		}
	}
}

func testExportVerdictFilter(t *testing.T, st store.Store, _ Hooks) {
	Load(t, st)
	Score(t, st, Clock())
	rows := decodeJSONL(t, Export(t, st, export.JSONL, export.Filter{Verdicts: []model.Verdict{model.VerdictMinority, model.VerdictControlled}}))
	if got := ids(rows); !slices.Equal(got, []string{BoardCo, Minority}) {
		t.Errorf("verdict filter ids = %v", got)
	}
}

func testScoreTwice(t *testing.T, st store.Store, _ Hooks) {
	Load(t, st)
	clock := Clock()
	a := Score(t, st, clock)
	b := Score(t, st, clock)
	if b.Run.PreviousRun != a.Run.ID || b.Run.NewlyFlagged != 0 || b.Run.NewlyCleared != 0 {
		t.Errorf("second run = %+v", b.Run)
	}
	if !reflect.DeepEqual(a.Run.Counts, b.Run.Counts) {
		t.Errorf("counts differ: %v vs %v", a.Run.Counts, b.Run.Counts)
	}
	ra, rb := results(t, st, a.Run.ID), results(t, st, b.Run.ID)
	if !reflect.DeepEqual(ra, rb) {
		t.Errorf("results differ between two runs on the same data")
	}
	var n int
	if err := scoring.Diff(context.Background(), st, a.Run.ID, b.Run.ID, func(scoring.Change) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("diff of identical runs: %d changes, %v", n, err)
	}
	ea := bytes.ReplaceAll(Export(t, st, export.JSONL, export.Filter{All: true}), []byte(b.Run.ID), []byte("RUN"))
	if c := Score(t, st, clock); c.Run.NewlyFlagged != 0 {
		t.Errorf("third run newly flagged %d", c.Run.NewlyFlagged)
	} else {
		ec := bytes.ReplaceAll(Export(t, st, export.JSONL, export.Filter{All: true}), []byte(c.Run.ID), []byte("RUN"))
		if !bytes.Equal(ea, ec) {
			t.Errorf("exports of two runs differ:\n%s\n%s", ea, ec)
		}
	}
}

// fullStore hides a store's store.DeltaResultStore: its runs store every
// result.
type fullStore struct{ store.Store }

// testRerunStoresChanges: on a store that keeps results as changes, a rerun
// without change stores no result and one after a change stores only the
// results that changed, reading back exactly as the same run stored in
// full; every store.MaxDeltaChain runs one stores everything again.
func testRerunStoresChanges(t *testing.T, st store.Store, _ Hooks) {
	ds, ok := st.(store.DeltaResultStore)
	Load(t, st)
	clock := Clock()
	a := Score(t, st, clock)
	b := Score(t, st, clock)
	if !ok {
		if b.Run.Base != "" || b.Run.Stored != len(wantVerdicts) {
			t.Errorf("a store without changes stored run %+v", b.Run)
		}
		return
	}
	stored := func(id string) int {
		n, err := ds.StoredResults(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if a.Run.Base != "" || a.Run.Stored != len(wantVerdicts) || stored(a.Run.ID) != len(wantVerdicts) {
		t.Errorf("first run: base %q, stored %d (%d in the store); want everything", a.Run.Base, a.Run.Stored, stored(a.Run.ID))
	}
	if b.Run.Base != a.Run.ID || b.Run.Stored != 0 || stored(b.Run.ID) != 0 {
		t.Errorf("unchanged rerun: base %q, stored %d (%d in the store); want %s, 0", b.Run.Base, b.Run.Stored, stored(b.Run.ID), a.Run.ID)
	}
	if !reflect.DeepEqual(results(t, st, a.Run.ID), results(t, st, b.Run.ID)) {
		t.Errorf("the unchanged rerun reads back otherwise than the first run")
	}
	EndChineseParentEdge(t, st)
	c := Score(t, st, clock)
	if c.Run.Base != b.Run.ID || c.Run.Stored == 0 || c.Run.Stored >= len(wantVerdicts) || stored(c.Run.ID) != c.Run.Stored {
		t.Errorf("rerun after a change: base %q, stored %d (%d in the store); want %s, the changed ones", c.Run.Base, c.Run.Stored, stored(c.Run.ID), b.Run.ID)
	}
	if c.Run.NewlyCleared != 2 || !slices.Equal(c.NewlyClearedIDs, []string{JV, Target}) {
		t.Errorf("rerun after a change: newly cleared %v", c.NewlyClearedIDs)
	}
	full := Score(t, fullStore{st}, clock)
	if full.Run.Base != "" || full.Run.Stored != len(wantVerdicts) {
		t.Errorf("full run: base %q, stored %d", full.Run.Base, full.Run.Stored)
	}
	if !reflect.DeepEqual(results(t, st, c.Run.ID), results(t, st, full.Run.ID)) {
		t.Errorf("the rerun's changes read back otherwise than the same run stored in full")
	}
	for i := 1; i <= store.MaxDeltaChain+1; i++ {
		r := Score(t, st, clock).Run
		if i <= store.MaxDeltaChain && (r.Base == "" || r.Stored != 0) || i > store.MaxDeltaChain && (r.Base != "" || r.Stored != len(wantVerdicts)) {
			t.Errorf("run %d after a full one: base %q, stored %d", i, r.Base, r.Stored)
		}
	}
}

func testEndedEdgeClears(t *testing.T, st store.Store, h Hooks) {
	Load(t, st)
	clock := Clock()
	a := Score(t, st, clock)
	wantFlagged := []string{BoardCo, CNHoldco, SASAC, JV, CNPerson, Target}
	slices.Sort(wantFlagged)
	if h.Flagged != nil {
		if got := h.Flagged(t); !slices.Equal(got, wantFlagged) {
			t.Errorf("flagged in store after run 1 = %v, want %v", got, wantFlagged)
		}
	}
	EndChineseParentEdge(t, st)
	b := Score(t, st, clock)
	if b.Run.NewlyCleared != 2 || !slices.Equal(b.NewlyClearedIDs, []string{JV, Target}) || b.Run.NewlyFlagged != 0 {
		t.Errorf("run 2: newly cleared %d %v, newly flagged %d; want 2 [%s %s] 0",
			b.Run.NewlyCleared, b.NewlyClearedIDs, b.Run.NewlyFlagged, JV, Target)
	}
	if h.Flagged != nil {
		want := slices.DeleteFunc(slices.Clone(wantFlagged), func(id string) bool { return id == JV || id == Target })
		if got := h.Flagged(t); !slices.Equal(got, want) {
			t.Errorf("flagged in store after run 2 = %v, want %v", got, want)
		}
	}
	var changes []scoring.Change
	if err := scoring.Diff(context.Background(), st, a.Run.ID, b.Run.ID, func(c scoring.Change) error {
		changes = append(changes, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []scoring.Change{
		{EntityID: JV, OldVerdict: model.VerdictOwned50, NewVerdict: model.VerdictClear, OldFlagged: true},
		{EntityID: Target, OldVerdict: model.VerdictOwned50, NewVerdict: model.VerdictClear, OldFlagged: true},
	}
	if !reflect.DeepEqual(changes, want) {
		t.Errorf("diff = %+v, want %+v", changes, want)
	}
	// --changed-since: the delta includes the newly cleared entities.
	rows := decodeJSONL(t, Export(t, st, export.JSONL, export.Filter{ChangedSince: a.Run.ID}))
	if got := ids(rows); !slices.Equal(got, []string{JV, Target}) {
		t.Errorf("changed-since export ids = %v, want [%s %s]", got, JV, Target)
	}
	for _, r := range rows {
		if r["verdict"] != string(model.VerdictClear) || r["run_id"] != b.Run.ID {
			t.Errorf("changed-since row %v", r)
		}
	}
	// Only still-flagged changes with an explicit verdict filter: none.
	rows = decodeJSONL(t, Export(t, st, export.JSONL, export.Filter{ChangedSince: a.Run.ID, Verdicts: []model.Verdict{model.VerdictOwned50}}))
	if len(rows) != 0 {
		t.Errorf("changed-since OWNED_50 = %v, want none", ids(rows))
	}
	// Restoring the edge flags them again: newly flagged, and back in the diff.
	r := ChineseParentEdge()
	r.EndDate = "2099-12-31"
	if err := st.UpsertRelationships(context.Background(), []model.Relationship{r}); err != nil {
		t.Fatal(err)
	}
	c := Score(t, st, clock)
	if c.Run.NewlyFlagged != 2 || !slices.Equal(c.NewlyFlaggedIDs, []string{JV, Target}) || c.Run.PreviousRun != b.Run.ID {
		t.Errorf("run 3: newly flagged %d %v, previous %s", c.Run.NewlyFlagged, c.NewlyFlaggedIDs, c.Run.PreviousRun)
	}
	if h.Flagged != nil {
		if got := h.Flagged(t); !slices.Equal(got, wantFlagged) {
			t.Errorf("flagged in store after run 3 = %v, want %v", got, wantFlagged)
		}
	}
}

func testInterruptedRun(t *testing.T, st store.Store, h Hooks) {
	ctx := context.Background()
	Load(t, st)
	clock := Clock()
	a := Score(t, st, clock)
	before := Export(t, st, export.JSONL, export.Filter{All: true})
	var flaggedBefore []string
	if h.Flagged != nil {
		flaggedBefore = h.Flagged(t)
	}
	// Killed mid-WriteResults: begun, half the results written, never finished.
	killed := model.Run{ID: "20260102T030000Z-killed", Started: clock(), Status: model.RunRunning,
		Policy: "default", AsOf: "2026-01-01"}
	if err := st.BeginRun(ctx, killed); err != nil {
		t.Fatal(err)
	}
	partial := []model.Result{
		{EntityID: CNHoldco, Verdict: model.VerdictClear},
		{EntityID: JV, Verdict: model.VerdictClear},
	}
	if err := st.WriteResults(ctx, killed.ID, partial); err != nil {
		t.Fatal(err)
	}
	latest, err := scoring.LatestComplete(ctx, st)
	if err != nil || latest == nil || latest.ID != a.Run.ID {
		t.Fatalf("latest complete = %+v, %v; want run %s", latest, err, a.Run.ID)
	}
	runs, err := st.Runs(ctx)
	if err != nil || len(runs) != 2 || runs[0].ID != killed.ID || runs[0].Status != model.RunRunning {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if after := Export(t, st, export.JSONL, export.Filter{All: true}); !bytes.Equal(before, after) {
		t.Errorf("export changed after an interrupted run:\n%s\n%s", before, after)
	}
	if h.Flagged != nil {
		if got := h.Flagged(t); !slices.Equal(got, flaggedBefore) {
			t.Errorf("flagged after interrupted run = %v, want %v", got, flaggedBefore)
		}
	}
	// Diff and changed-since refuse the unfinished run's partial results.
	if _, err := export.Write(ctx, st, &bytes.Buffer{}, export.Options{Format: export.JSONL, Run: *latest,
		Filter: export.Filter{ChangedSince: killed.ID}}); !errors.Is(err, export.ErrNoSuchRun) {
		t.Errorf("changed-since a running run: %v, want ErrNoSuchRun", err)
	}
	// The next run compares with the last complete run, not the killed one.
	b := Score(t, st, clock)
	if b.Run.PreviousRun != a.Run.ID || b.Run.NewlyFlagged != 0 || b.Run.NewlyCleared != 0 {
		t.Errorf("run after interruption = %+v", b.Run)
	}
	// That run took the lock, so the killed run's holder is gone: it is
	// marked interrupted, with the time, and stays listed.
	runs, err = st.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.ID == killed.ID && (r.Status != model.RunInterrupted || r.Finished.IsZero()) {
			t.Errorf("the killed run after the next run: %s finished %s, want %s with a time", r.Status, r.Finished, model.RunInterrupted)
		}
	}
	if latest, err := scoring.LatestComplete(ctx, st); err != nil || latest == nil || latest.ID != b.Run.ID {
		t.Errorf("latest complete = %+v, %v; want %s", latest, err, b.Run.ID)
	}
}

func testDryRun(t *testing.T, st store.Store, h Hooks) {
	Load(t, st)
	out, err := scoring.Run(context.Background(), st, scoring.Options{Policy: policy.Default(), AsOf: AsOf,
		Now: Clock(), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if out.Run.Counts[model.VerdictOwned50] != 2 || out.Run.NewlyFlagged != 6 {
		t.Errorf("dry run counted %+v", out.Run)
	}
	runs, err := st.Runs(context.Background())
	if err != nil || len(runs) != 0 {
		t.Errorf("dry run recorded runs %+v, %v", runs, err)
	}
	if h.Flagged != nil {
		if got := h.Flagged(t); len(got) != 0 {
			t.Errorf("dry run flagged %v", got)
		}
	}
	// After a run, a dry run still counts against it and stores nothing.
	clock := Clock()
	first := Score(t, st, clock)
	EndChineseParentEdge(t, st)
	out, err = scoring.Run(context.Background(), st, scoring.Options{Policy: policy.Default(), AsOf: AsOf,
		Now: clock, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if out.Run.PreviousRun != first.Run.ID || out.Run.NewlyCleared != 2 || out.Run.Base != "" || out.Run.Stored != 0 {
		t.Errorf("dry run after a run: %+v", out.Run)
	}
}

func testChangedSinceValidation(t *testing.T, st store.Store, _ Hooks) {
	Load(t, st)
	a := Score(t, st, Clock())
	_, err := export.Write(context.Background(), st, &bytes.Buffer{}, export.Options{Format: export.JSONL,
		Run: a.Run, Filter: export.Filter{ChangedSince: "no-such-run"}})
	if !errors.Is(err, export.ErrNoSuchRun) || !strings.Contains(err.Error(), "no-such-run") {
		t.Errorf("changed-since unknown run: %v", err)
	}
	// Changed since itself: nothing changed.
	rows := decodeJSONL(t, Export(t, st, export.JSONL, export.Filter{ChangedSince: a.Run.ID, All: true}))
	if len(rows) != 0 {
		t.Errorf("changed since the same run: %v", ids(rows))
	}
}

func testDiffUnknownRun(t *testing.T, st store.Store, _ Hooks) {
	Load(t, st)
	a := Score(t, st, Clock())
	// A run id without results reads as an empty run: every entity "appeared".
	var n int
	err := scoring.Diff(context.Background(), st, "no-such-run", a.Run.ID, func(c scoring.Change) error {
		if c.OldVerdict != "" || c.NewVerdict == "" {
			t.Errorf("change %+v", c)
		}
		n++
		return nil
	})
	if err != nil || n != len(wantVerdicts) {
		t.Errorf("diff from an empty run: %d changes, %v", n, err)
	}
}

// testEmptyStoreFails: scoring a store without entities fails, records no
// run and publishes nothing, dry run or not.
func testEmptyStoreFails(t *testing.T, st store.Store, _ Hooks) {
	for _, dry := range []bool{false, true} {
		_, err := scoring.Run(context.Background(), st, scoring.Options{Policy: policy.Default(), AsOf: AsOf, DryRun: dry})
		if !errors.Is(err, scoring.ErrEmptyStore) {
			t.Errorf("dry run %v: %v, want ErrEmptyStore", dry, err)
		}
	}
	runs, err := st.Runs(context.Background())
	if err != nil || len(runs) != 0 {
		t.Errorf("runs after scoring an empty store: %+v, %v", runs, err)
	}
}

// testPreviousOfSamePolicy: a run counts newly flagged and cleared against
// the previous complete run of its policy (name and hash), never against a
// run of another policy or of an edited one.
func testPreviousOfSamePolicy(t *testing.T, st store.Store, _ Hooks) {
	ctx := context.Background()
	Load(t, st)
	ofac, err := policy.Load("ofac-50")
	if err != nil {
		t.Fatal(err)
	}
	edited := policy.Default()
	edited.Thresholds.Significant.Value = 20 // same name, another hash
	if edited.Hash() == policy.Default().Hash() {
		t.Fatal("the edited policy has the default's hash")
	}
	clock := Clock()
	score := func(p *policy.Policy) scoring.Outcome {
		t.Helper()
		out, err := scoring.Run(ctx, st, scoring.Options{Policy: p, AsOf: AsOf, Now: clock, BatchSize: 4})
		if err != nil {
			t.Fatalf("score %s: %v", p.Name, err)
		}
		return out
	}
	first := score(policy.Default())
	tests := []struct {
		name     string
		policy   *policy.Policy
		wantPrev string // "" : none
	}{
		{"other policy has no previous run", ofac, ""},
		{"edited policy has no previous run", edited, ""},
		{"default again compares with the default run", policy.Default(), first.Run.ID},
	}
	for _, tc := range tests {
		out := score(tc.policy)
		r := out.Run
		if r.PreviousRun != tc.wantPrev {
			t.Errorf("%s: previous run %q, want %q", tc.name, r.PreviousRun, tc.wantPrev)
		}
		flagged := 0
		for _, res := range results(t, st, r.ID) {
			if res.Flagged {
				flagged++
			}
		}
		wantNew := flagged
		if tc.wantPrev != "" {
			wantNew = 0
		}
		if r.NewlyFlagged != wantNew || r.NewlyCleared != 0 {
			t.Errorf("%s: newly flagged %d, cleared %d; want %d, 0", tc.name, r.NewlyFlagged, r.NewlyCleared, wantNew)
		}
	}
}

// testProgress: scoring and export report their stages to a Reporter, in
// order, with the final counts (and the totals where they are known).
func testProgress(t *testing.T, st store.Store, _ Hooks) {
	Load(t, st)
	rec := &progresstest.Recorder{}
	out, err := scoring.Run(context.Background(), st, scoring.Options{
		Policy: policy.Default(), AsOf: AsOf, Now: Clock(), BatchSize: 4, Progress: rec})
	if err != nil {
		t.Fatalf("score: %v", err)
	}
	entities := out.Run.Entities
	want := []progress.Event{
		{Stage: scoring.StageLoadEntities, Unit: "entities", Done: len(Entities()), End: true},
		{Stage: scoring.StageLoadRelationships, Unit: "relationships", Done: len(Relationships()), End: true},
		{Stage: scoring.StageScore, Unit: "entities", Done: entities, Total: entities, End: true},
		{Stage: scoring.StageWrite, Unit: "results", Done: entities, Total: entities, End: true},
	}
	var finals []progress.Event
	for _, e := range rec.Events() {
		if e.End {
			finals = append(finals, e)
		}
	}
	if !reflect.DeepEqual(finals, want) {
		t.Errorf("final events\n got %+v\nwant %+v", finals, want)
	}
	// Writing starts from 0 and reports each full batch of four results.
	var batches []int
	for _, e := range rec.Stage(scoring.StageWrite) {
		if !e.End {
			batches = append(batches, e.Done)
		}
	}
	if len(batches) != entities/4+1 || len(batches) < 2 || batches[0] != 0 || batches[1] != 4 {
		t.Errorf("write-stage reports %v, want 0, then one per full batch of 4 of %d", batches, entities)
	}

	exp := &progresstest.Recorder{}
	var buf bytes.Buffer
	n, err := export.Write(context.Background(), st, &buf, export.Options{Format: export.JSONL, Run: out.Run, Progress: exp})
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	final, ok := exp.Final("export")
	if exported, _ := progresstest.Count(final, "exported"); !ok || final.Done != entities || final.Total != entities ||
		exported != n || n == 0 {
		t.Errorf("export's final event %+v (present %v), want %d results read, %d exported", final, ok, entities, n)
	}
}
