package queries

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/storetest"
)

// openTestStore returns an empty, initialised Neo4j store on the server
// neo4jtest picks (skipping, or failing on CI, when there is none).
func openTestStore(t testing.TB) *Store {
	t.Helper()
	driver, cfg := neo4jtest.Driver(t)
	neo4jtest.Reset(t, driver)
	qc := Config{URI: cfg.URI, Database: cfg.Database}
	if cfg.Password != "" {
		qc.Username, qc.Password = cfg.Username, cfg.Password
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := Open(ctx, qc)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	if err := s.Init(ctx); err != nil {
		t.Fatalf("Init: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTestStore(t) })
}

// TestContractSmallChunks runs the contract with result chunks of two
// results and publishing batches of two rows, so that every stream merges
// several chunks and every publish runs concurrent batches.
func TestContractSmallChunks(t *testing.T) {
	defer func(n int, b int64) { chunkRows, batchSize = n, b }(chunkRows, batchSize)
	chunkRows, batchSize = 2, 2
	storetest.Run(t, func(t *testing.T) store.Store { return openTestStore(t) })
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there.
	_, err := Open(ctx, Config{URI: "bolt://127.0.0.1:1", Username: "neo4j", Password: "s3cret-pw"})
	if !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("Open of a closed port: %v, want ErrUnreachable", err)
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret-pw") {
		t.Errorf("error reveals the password: %s", msg)
	}
}

// cypherStrings runs a read returning one string column.
func cypherStrings(t *testing.T, s *Store, q string, params map[string]any) []string {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), s.driver, q, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.database))
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out []string
	for _, r := range res.Records {
		out = append(out, fmt.Sprint(r.Values[0]))
	}
	return out
}

func company(id string) model.Entity {
	return model.Entity{ID: id, Name: "Company " + id, Kind: model.Company, Jurisdiction: "GB"}
}

// TestBrowserModel checks what Neo4j Browser users see: a label per kind
// that follows kind changes, and relationships typed by kind.
func TestBrowserModel(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	must(t, s.UpsertEntities(ctx, []model.Entity{{ID: "stub"}, company("a"),
		{ID: "p", Name: "Li Wei", Kind: model.Person}, {ID: "sasac", Name: "SASAC", Kind: model.StateBody}}))
	must(t, s.UpsertRelationships(ctx, []model.Relationship{
		{ID: "r1", HolderID: "p", HeldID: "a", Kind: model.Ownership, Share: model.Exact(60)},
		{ID: "r2", HolderID: "sasac", HeldID: "a", Kind: model.FundManagement},
		{ID: "r3", HolderID: "stub", HeldID: "a", Kind: model.UnknownInterest},
	}))
	labels := func(id string) string {
		return strings.Join(cypherStrings(t, s,
			"MATCH (n:Entity {id: $id}) UNWIND labels(n) AS l WITH l ORDER BY l RETURN l", map[string]any{"id": id}), ",")
	}
	for id, want := range map[string]string{"stub": "Entity,UnknownHolder", "a": "Company,Entity",
		"p": "Entity,Person", "sasac": "Entity,StateBody"} {
		if got := labels(id); got != want {
			t.Errorf("labels of %s = %s, want %s", id, got, want)
		}
	}
	must(t, s.UpsertEntities(ctx, []model.Entity{{ID: "stub", Kind: model.Arrangement}}))
	if got := labels("stub"); got != "Arrangement,Entity" {
		t.Errorf("labels after a kind change = %s", got)
	}
	got := cypherStrings(t, s, "MATCH (h)-[r]->(:Entity {id: 'a'}) WITH r ORDER BY r.id RETURN type(r) + ':' + r.kind", nil)
	want := []string{"OWNERSHIP:ownership", "FUND_MANAGEMENT:fund_management", "UNKNOWN_INTEREST:unknown_interest"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("relationship types = %v, want %v", got, want)
	}
}

// TestFinishRunPublishes checks the verdict write-back: properties and the
// :Flagged label on entities, stale flags removed by the next run, in
// batches smaller than the run.
func TestFinishRunPublishes(t *testing.T) {
	defer func(n int64) { batchSize = n }(batchSize)
	batchSize = 2
	s := openTestStore(t)
	ctx := t.Context()
	var es []model.Entity
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		es = append(es, company(id))
	}
	must(t, s.UpsertEntities(ctx, es))
	run := func(id string, hour int, flagged ...string) {
		t.Helper()
		r := model.Run{ID: id, Started: time.Date(2026, 3, 1, hour, 0, 0, 0, time.UTC), Status: model.RunRunning}
		must(t, s.BeginRun(ctx, r))
		var results []model.Result
		for _, e := range es {
			res := model.Result{EntityID: e.ID, Verdict: model.VerdictClear}
			if slices.Contains(flagged, e.ID) {
				res = model.Result{EntityID: e.ID, Verdict: model.VerdictOwned50, Flagged: true,
					ChineseShare: model.Interval{Min: 50, Max: 60}}
			}
			results = append(results, res)
		}
		must(t, s.WriteResults(ctx, id, results))
		r.Status, r.Finished = model.RunComplete, r.Started.Add(time.Minute)
		must(t, s.FinishRun(ctx, r))
	}
	flaggedIDs := func() []string {
		return cypherStrings(t, s, "MATCH (e:Flagged) RETURN e.id ORDER BY e.id", nil)
	}
	run("run-1", 1, "a", "c", "e")
	if got := flaggedIDs(); !reflect.DeepEqual(got, []string{"a", "c", "e"}) {
		t.Errorf("flagged after run-1 = %v", got)
	}
	run("run-2", 2, "b", "c")
	if got := flaggedIDs(); !reflect.DeepEqual(got, []string{"b", "c"}) {
		t.Errorf("flagged after run-2 = %v (stale flags must go)", got)
	}
	got := cypherStrings(t, s, "MATCH (e:Entity) WITH e ORDER BY e.id "+
		"RETURN e.id + ' ' + e.verdict + ' ' + toString(e.chinese_share_min) + ' ' + coalesce(e.run_id, '-')", nil)
	want := []string{"a CLEAR 0.0 -", "b OWNED_50 50.0 -", "c OWNED_50 50.0 -", "d CLEAR 0.0 -", "e CLEAR 0.0 -"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entity verdicts = %v, want %v (the run id is kept on one node, not on entities)", got, want)
	}
	currentRun := func() []string {
		return cypherStrings(t, s, "MATCH (s:UboState) RETURN s.id + ' ' + s.run_id", nil)
	}
	if got := currentRun(); !reflect.DeepEqual(got, []string{"current run-2"}) {
		t.Errorf("state after run-2 = %v", got)
	}
	// A run that never finishes changes nothing on the entities.
	must(t, s.BeginRun(ctx, model.Run{ID: "run-3", Started: time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC), Status: model.RunRunning}))
	must(t, s.WriteResults(ctx, "run-3", []model.Result{{EntityID: "a", Verdict: model.VerdictChineseEntity, Flagged: true}}))
	if got := flaggedIDs(); !reflect.DeepEqual(got, []string{"b", "c"}) {
		t.Errorf("flagged after an unfinished run = %v", got)
	}
	if got := currentRun(); !reflect.DeepEqual(got, []string{"current run-2"}) {
		t.Errorf("state after an unfinished run = %v", got)
	}
	// A run that changes one verdict writes one entity: its four
	// properties and its label, nothing on the unchanged four.
	run4 := model.Run{ID: "run-4", Started: time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC), Status: model.RunRunning}
	must(t, s.BeginRun(ctx, run4))
	var results []model.Result
	for _, e := range es {
		res := model.Result{EntityID: e.ID, Verdict: model.VerdictClear}
		if e.ID == "b" || e.ID == "c" || e.ID == "d" {
			res = model.Result{EntityID: e.ID, Verdict: model.VerdictOwned50, Flagged: true,
				ChineseShare: model.Interval{Min: 50, Max: 60}}
		}
		results = append(results, res)
	}
	must(t, s.WriteResults(ctx, run4.ID, results))
	st, err := s.publish(ctx, run4.ID)
	if err != nil {
		t.Fatalf("publish run-4: %v", err)
	}
	if st.propertiesSet != 4 || st.labelsAdded != 1 || st.labelsRemoved != 0 {
		t.Errorf("publishing one changed verdict set %d properties, added %d labels, removed %d; want 4, 1, 0",
			st.propertiesSet, st.labelsAdded, st.labelsRemoved)
	}
	if !st.diff || st.rowsSent != 1 {
		t.Errorf("publishing one changed verdict: diff %v, %d rows sent; want the one row that differs from run-2", st.diff, st.rowsSent)
	}
	run4.Status = model.RunComplete
	must(t, s.FinishRun(ctx, run4))
	if got := flaggedIDs(); !reflect.DeepEqual(got, []string{"b", "c", "d"}) {
		t.Errorf("flagged after run-4 = %v", got)
	}
	if got := currentRun(); !reflect.DeepEqual(got, []string{"current run-4"}) {
		t.Errorf("state after run-4 = %v", got)
	}
}

// TestPublishAfterInterruptedPublish: when a publish was interrupted the
// entities may carry another run's verdicts, so the next publish compares
// every entity instead of trusting the current run's values.
func TestPublishAfterInterruptedPublish(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	es := []model.Entity{company("a"), company("b"), company("c")}
	must(t, s.UpsertEntities(ctx, es))
	run := func(id string, hour int) {
		t.Helper()
		r := model.Run{ID: id, Started: time.Date(2026, 3, 1, hour, 0, 0, 0, time.UTC), Status: model.RunRunning}
		must(t, s.BeginRun(ctx, r))
		must(t, s.WriteResults(ctx, id, []model.Result{
			{EntityID: "a", Verdict: model.VerdictChineseEntity, Flagged: true},
			{EntityID: "b", Verdict: model.VerdictClear}, {EntityID: "c", Verdict: model.VerdictClear}}))
		r.Status, r.Finished = model.RunComplete, r.Started.Add(time.Minute)
		must(t, s.FinishRun(ctx, r))
	}
	run("run-1", 1)
	// run-2 began publishing, wrote b and died.
	must(t, s.BeginRun(ctx, model.Run{ID: "run-2", Started: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC), Status: model.RunRunning}))
	cypherStrings(t, s, "MATCH (st:UboState {id: 'current'}) SET st.publishing = 'run-2' "+
		"WITH st MATCH (b:Entity {id: 'b'}) SET b.verdict = 'CONTROLLED', b:Flagged RETURN b.id", nil)
	// run-3 has run-1's verdicts: only a full comparison restores b.
	run("run-3", 3)
	got := cypherStrings(t, s, "MATCH (e:Entity) WITH e ORDER BY e.id "+
		"RETURN e.id + ' ' + e.verdict + ' ' + toString(e:Flagged)", nil)
	want := []string{"a CHINESE_ENTITY true", "b CLEAR false", "c CLEAR false"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after an interrupted publish: %v, want %v", got, want)
	}
	if got := cypherStrings(t, s, "MATCH (st:UboState) RETURN st.run_id + ' ' + coalesce(st.publishing, '-')", nil); !reflect.DeepEqual(got, []string{"run-3 -"}) {
		t.Errorf("state = %v, want run-3 current and no publish pending", got)
	}
}

// TestResultOfIDsOrderedDifferently: Go sorts a chunk's ids by UTF-8
// bytes, Cypher compares by UTF-16 code units; both orders disagree on
// these two ids, and Result must still find each.
func TestResultOfIDsOrderedDifferently(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	run := model.Run{ID: "run", Started: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Status: model.RunRunning}
	must(t, s.BeginRun(ctx, run))
	ids := []string{"a\uFFFD", "a\U0001F600"}
	must(t, s.WriteResults(ctx, run.ID, []model.Result{
		{EntityID: ids[0], Verdict: model.VerdictClear}, {EntityID: ids[1], Verdict: model.VerdictControlled, Flagged: true}}))
	for _, id := range ids {
		if r, err := s.Result(ctx, run.ID, id); err != nil || r.EntityID != id {
			t.Errorf("Result(%q) = %+v, %v", id, r, err)
		}
	}
	if _, err := s.Result(ctx, run.ID, "b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Result of an unscored id: %v, want ErrNotFound", err)
	}
}

// TestResultReadsOneRecord: Result reads one element of a chunk's records,
// and reads chunks written before records existed (every result in one
// byte array, data) whole; both give every field back, and so do streams.
func TestResultReadsOneRecord(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	run := model.Run{ID: "run", Started: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Status: model.RunRunning}
	must(t, s.BeginRun(ctx, run))
	samples := storetest.SampleResults()
	var batch []model.Result
	want := map[string]model.Result{}
	for i, name := range slices.Sorted(maps.Keys(samples)) {
		r := samples[name]
		r.EntityID = fmt.Sprintf("e%02d", i)
		batch = append(batch, r)
		want[r.EntityID] = r
	}
	must(t, s.WriteResults(ctx, run.ID, batch))
	check := func(when string) {
		for id, w := range want {
			got, err := s.Result(ctx, run.ID, id)
			if err != nil {
				t.Fatalf("%s: Result(%s): %v", when, id, err)
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("%s: Result(%s) = %+v, want %+v", when, id, got, w)
			}
		}
	}
	check("records")
	// Rewrite the chunks in the earlier form: data, per result its length
	// as a uvarint and its bytes.
	res, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (c:ResultChunk) RETURN c.seq, c.records", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.database))
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range res.Records {
		var data []byte
		for _, v := range rec.Values[1].([]any) {
			enc, err := recordEncoding.DecodeString(v.(string))
			if err != nil {
				t.Fatal(err)
			}
			data = append(binary.AppendUvarint(data, uint64(len(enc))), enc...)
		}
		if _, err := neo4j.ExecuteQuery(ctx, s.driver,
			"MATCH (c:ResultChunk {seq: $seq}) SET c.data = $data REMOVE c.records",
			map[string]any{"seq": rec.Values[0], "data": data},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.database)); err != nil {
			t.Fatal(err)
		}
	}
	check("data")
	n := 0
	must(t, s.EachResult(ctx, run.ID, func(r *model.Result) error {
		if !reflect.DeepEqual(*r, want[r.EntityID]) {
			t.Errorf("EachResult over data: %+v, want %+v", *r, want[r.EntityID])
		}
		n++
		return nil
	}))
	if n != len(want) {
		t.Errorf("EachResult over data: %d results, want %d", n, len(want))
	}
}

// TestSchema checks the indexes Init creates are online, including the
// full-text index and one id index per relationship type.
func TestSchema(t *testing.T) {
	s := openTestStore(t)
	got := cypherStrings(t, s, "SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' RETURN name", nil)
	want := []string{"entity_id", "alias_id", "alias_into", "identifier_value", "run_id", "result_chunk_key",
		"entity_search", "entity_name_tokens", "run_started", "state_id"}
	for _, k := range model.RelKinds {
		want = append(want, "rel_"+relType(k)+"_id")
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("index %s missing or not online; online: %v", w, got)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestStreamsPage checks the whole-graph streams across page boundaries:
// every entity, relationship (merged across kinds) and result once, in id
// order, with pages of two rows.
func TestStreamsPage(t *testing.T) {
	defer func(n int64) { streamPage = n }(streamPage)
	streamPage = 2
	s := openTestStore(t)
	ctx := t.Context()
	ids := []string{"e1", "e2", "e3", "e4", "e5"}
	var es []model.Entity
	for _, id := range ids {
		es = append(es, company(id))
	}
	must(t, s.UpsertEntities(ctx, es))
	kinds := []model.RelKind{model.Ownership, model.Voting, model.Officer}
	var relIDs []string
	var rels []model.Relationship
	for i := range 9 {
		id := fmt.Sprintf("r%d", i)
		relIDs = append(relIDs, id)
		rels = append(rels, model.Relationship{ID: id, HolderID: ids[i%5], HeldID: ids[(i+1)%5], Kind: kinds[i%3]})
	}
	must(t, s.UpsertRelationships(ctx, rels))
	var gotEnts, gotRels, gotResults []string
	must(t, s.EachEntity(ctx, func(e *model.Entity) error { gotEnts = append(gotEnts, e.ID); return nil }))
	must(t, s.EachRelationship(ctx, func(r *model.Relationship) error {
		gotRels = append(gotRels, r.ID+":"+string(r.Kind)+":"+r.HolderID+">"+r.HeldID)
		return nil
	}))
	var wantRels []string
	for i, r := range rels {
		wantRels = append(wantRels, relIDs[i]+":"+string(r.Kind)+":"+r.HolderID+">"+r.HeldID)
	}
	run := model.Run{ID: "run", Started: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Status: model.RunRunning}
	must(t, s.BeginRun(ctx, run))
	var results []model.Result
	for _, id := range slices.Backward(ids) {
		results = append(results, model.Result{EntityID: id, Verdict: model.VerdictClear})
	}
	must(t, s.WriteResults(ctx, run.ID, results))
	must(t, s.EachResult(ctx, run.ID, func(r *model.Result) error { gotResults = append(gotResults, r.EntityID); return nil }))
	if !reflect.DeepEqual(gotEnts, ids) {
		t.Errorf("EachEntity = %v, want %v", gotEnts, ids)
	}
	if !reflect.DeepEqual(gotRels, wantRels) {
		t.Errorf("EachRelationship = %v, want %v", gotRels, wantRels)
	}
	if !reflect.DeepEqual(gotResults, ids) {
		t.Errorf("EachResult = %v, want %v", gotResults, ids)
	}
}

// TestWriteResultsLargeBatch checks a batch written as several chunks:
// every result stored once, an entity given twice keeping its last result,
// and a missing run still ErrNotFound.
func TestWriteResultsLargeBatch(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	n := 2*chunkRows + 1
	var results []model.Result
	for i := range n {
		results = append(results, model.Result{EntityID: fmt.Sprintf("e%05d", i), Verdict: model.VerdictClear})
	}
	// e00000 again near the end, so the repeat lands in the other half.
	results = append(results, model.Result{EntityID: "e00000", Verdict: model.VerdictOwned50, Flagged: true})
	if err := s.WriteResults(ctx, "no-such-run", results); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("WriteResults to a missing run: %v, want ErrNotFound", err)
	}
	run := model.Run{ID: "run", Started: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Status: model.RunRunning}
	must(t, s.BeginRun(ctx, run))
	must(t, s.WriteResults(ctx, run.ID, results))
	got := 0
	must(t, s.EachResult(ctx, run.ID, func(r *model.Result) error {
		if want := fmt.Sprintf("e%05d", got); r.EntityID != want {
			return fmt.Errorf("result %d is %q, want %q", got, r.EntityID, want)
		}
		got++
		return nil
	}))
	if got != n {
		t.Errorf("%d results stored, want %d", got, n)
	}
	r, err := s.Result(ctx, run.ID, "e00000")
	if err != nil || r.Verdict != model.VerdictOwned50 || !r.Flagged {
		t.Errorf("repeated entity: %+v, %v; want the last result (OWNED_50, flagged)", r, err)
	}
	// A later batch rewriting a stored result next to a new one.
	must(t, s.WriteResults(ctx, run.ID, []model.Result{
		{EntityID: "e00001", Verdict: model.VerdictSignificant}, {EntityID: "e99999", Verdict: model.VerdictClear}}))
	if r, err := s.Result(ctx, run.ID, "e00001"); err != nil || r.Verdict != model.VerdictSignificant {
		t.Errorf("rewritten result: %+v, %v; want SIGNIFICANT", r, err)
	}
	if _, err := s.Result(ctx, run.ID, "e99999"); err != nil {
		t.Errorf("new result next to a rewritten one: %v", err)
	}
}

// TestNameIndexMigration: entities stored before the name index properties
// existed (name and name_folded only, no schema state) get them when a
// newer ubo opens the store, and are then found by search and screening.
func TestNameIndexMigration(t *testing.T) {
	s := openTestStore(t)
	cypherStrings(t, s, `MATCH (st:UboSchema {id: 'names'}) DELETE st`, nil)
	cypherStrings(t, s, `UNWIND range(1, 25001) AS n
		CREATE (e:Entity:Company {id: 'old:' + toString(n), kind: 'company',
			name: 'Old Trading ' + toString(n), name_folded: 'old trading ' + toString(n)})`, nil)
	cypherStrings(t, s, `CREATE (:Entity:Company {id: 'old:cn', kind: 'company',
		name: '深圳华信控股有限公司', name_folded: '深圳华信控股有限公司'})`, nil)
	ctx := context.Background()
	if err := s.Init(ctx); err != nil {
		t.Fatalf("Init: %v", err)
	}
	if got := cypherStrings(t, s, `MATCH (e:Entity) WHERE e.name_tokens IS NULL OR e.name_folded IS NOT NULL RETURN e.id`, nil); len(got) != 0 {
		t.Fatalf("%d entities not migrated, e.g. %v", len(got), got[:min(3, len(got))])
	}
	got, err := s.NameCandidates(ctx, []string{"shenzhen", "huaxin"}, 5)
	if err != nil || len(got) == 0 || got[0].ID != "old:cn" {
		t.Errorf("NameCandidates after migration = %v, %v; want old:cn first", got, err)
	}
	found, err := s.SearchNames(ctx, "Old Trading 25001", 3)
	if err != nil || len(found) == 0 || found[0].ID != "old:25001" {
		t.Errorf("SearchNames after migration = %v, %v; want old:25001 first", found, err)
	}
	if v := cypherStrings(t, s, `MATCH (st:UboSchema {id: 'names'}) RETURN st.names`, nil); !slices.Equal(v, []string{"1"}) {
		t.Errorf("schema state = %v, want [1]", v)
	}
}
