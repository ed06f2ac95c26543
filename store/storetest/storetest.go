// Package storetest is the contract test suite every store.Store must pass.
// A store package calls Run from its own tests with a function that returns
// an empty, initialised store:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { ... })
//	}
//
// Every subtest opens its own store, so open must give an empty one each
// time (a fresh file, or a reset server).
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Opener returns an empty, initialised store for one subtest; it registers
// its own cleanup (closing the store) with t.Cleanup.
type Opener func(t *testing.T) store.Store

// A contract test of one store.
type contractTest struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// The contract by role (store/roles.go): each role's tests run as
// subtests named after it, e.g. TestContract/GraphWriter/MergeEntities.
var (
	// The store itself: schema, status, reset, cancellation.
	adminTests = []contractTest{
		{"Backend", testBackend},
		{"InitIdempotent", testInitIdempotent},
		{"EmptyStore", testEmptyStore},
		{"StatusCounts", testStatusCounts},
		{"Reset", testReset},
		{"CancelledContext", testCancelledContext},
	}
	graphWriterTests = []contractTest{
		{"UpsertRoundTrip", testUpsertRoundTrip},
		{"UpsertMergeRules", testUpsertMergeRules},
		{"UpsertSameIDInOneBatch", testUpsertSameIDInOneBatch},
		{"UpsertEmptyKindIsUnknown", testUpsertEmptyKindIsUnknown},
		{"UpsertTwiceChangesNothing", testUpsertTwiceChangesNothing},
		{"UpsertEntitiesCounted", testUpsertEntitiesCounted},
		{"RelationshipsOfRecords", testRelationshipsOfRecords},
		{"RelationshipsKeyedByID", testRelationshipsKeyedByID},
		{"RelationshipMissingEndpoint", testRelationshipMissingEndpoint},
		{"AliasesUnion", testAliasesUnion},
		{"MergeEntities", testMergeEntities},
		{"MergeEntitiesIdempotent", testMergeEntitiesIdempotent},
		{"MergeEntitiesChain", testMergeEntitiesChain},
		{"MergeEntitiesUnknown", testMergeEntitiesUnknown},
		{"UpsertThroughAliasFillsOnly", testUpsertThroughAliasFillsOnly},
		{"UpsertThroughAliasKind", testUpsertThroughAliasKind},
		{"ReingestAfterMergeIsFixedPoint", testReingestAfterMergeIsFixedPoint},
		{"SnapshotRetire", testSnapshotRetire},
		{"ApplyDelta", testApplyDelta},
	}
	graphReaderTests = []contractTest{
		{"StreamOrderAndStop", testStreamOrderAndStop},
		{"EntityProjections", testEntityProjections},
		{"StoredOrderStreams", testStoredOrderStreams},
	}
	lookupTests = []contractTest{
		{"EntityNotFound", testEntityNotFound},
		{"EntitiesByIdentifier", testEntitiesByIdentifier},
		{"SearchNames", testSearchNames},
		{"SearchNamesByAlias", testSearchNamesByAlias},
		{"NameCandidates", testNameCandidates},
		{"NameCandidatesFollowWrites", testNameCandidatesFollowWrites},
		{"NameCandidatesCommonTokensRank", testNameCandidatesCommonTokensRank},
		{"NeighbourhoodDirections", testNeighbourhoodDirections},
		{"NeighbourhoodDepth", testNeighbourhoodDepth},
		{"NeighbourhoodPerNode", testNeighbourhoodPerNode},
		{"NeighbourhoodCycle", testNeighbourhoodCycle},
		{"NeighbourhoodNotFound", testNeighbourhoodNotFound},
		{"Holders", testHolders},
	}
	runStoreTests = []contractTest{
		{"RunLifecycle", testRunLifecycle},
		{"LockRuns", testLockRuns},
		{"WriteConcurrency", testWriteConcurrency},
		{"PruneRuns", testPruneRuns},
		{"RunsNewestFirst", testRunsNewestFirst},
		{"UnfinishedRun", testUnfinishedRun},
		{"FailedRun", testFailedRun},
		{"ResultRoundTrip", testResultRoundTrip},
		{"ResultNotFound", testResultNotFound},
		{"ResultsExact", testResultsExact},
		{"ResultSummaries", testResultSummaries},
		{"DeltaResults", testDeltaResults},
	}
)

// Run runs the whole contract suite against the stores open returns, a
// subtest per role.
func Run(t *testing.T, open Opener) {
	for _, role := range []struct {
		name  string
		tests []contractTest
	}{
		{"Store", adminTests},
		{"GraphWriter", graphWriterTests},
		{"GraphReader", graphReaderTests},
		{"Lookup", lookupTests},
		{"RunStore", runStoreTests},
	} {
		t.Run(role.name, func(t *testing.T) {
			for _, tc := range role.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.fn(t, open(t))
				})
			}
		})
	}
}

// ---- helpers ----

func ctx(t *testing.T) context.Context { return t.Context() }

func upsertEntities(t *testing.T, s store.Store, es ...model.Entity) {
	t.Helper()
	if err := s.UpsertEntities(ctx(t), es); err != nil {
		t.Fatalf("UpsertEntities: %v", err)
	}
}

func upsertRels(t *testing.T, s store.Store, rs ...model.Relationship) {
	t.Helper()
	if err := s.UpsertRelationships(ctx(t), rs); err != nil {
		t.Fatalf("UpsertRelationships: %v", err)
	}
}

// company returns a minimal company entity from source "test".
func company(id, name, jurisdiction string) model.Entity {
	return model.Entity{ID: id, Name: name, Kind: model.Company, Jurisdiction: jurisdiction,
		Source: "test", SourceRef: "rec-" + id}
}

// own returns an exact ownership edge holder → held.
func own(holder, held string, pct float64) model.Relationship {
	return model.Relationship{
		ID:       model.RelationshipID("test", holder+">"+held, holder, held, model.Ownership),
		HolderID: holder, HeldID: held, Kind: model.Ownership, Share: model.Exact(pct),
		Source: "test", SourceRef: holder + ">" + held,
	}
}

// canonEntity makes nil and empty lists compare equal.
func canonEntity(e model.Entity) model.Entity {
	e.Normalize()
	return e
}

func entities(t *testing.T, s store.Store) []model.Entity {
	t.Helper()
	var out []model.Entity
	if err := s.EachEntity(ctx(t), func(e *model.Entity) error {
		out = append(out, canonEntity(*e))
		return nil
	}); err != nil {
		t.Fatalf("EachEntity: %v", err)
	}
	return out
}

func relationships(t *testing.T, s store.Store) []model.Relationship {
	t.Helper()
	var out []model.Relationship
	if err := s.EachRelationship(ctx(t), func(r *model.Relationship) error {
		out = append(out, *r)
		return nil
	}); err != nil {
		t.Fatalf("EachRelationship: %v", err)
	}
	return out
}

func getEntity(t *testing.T, s store.Store, id string) model.Entity {
	t.Helper()
	e, err := s.Entity(ctx(t), id)
	if err != nil {
		t.Fatalf("Entity(%q): %v", id, err)
	}
	return canonEntity(e)
}

func status(t *testing.T, s store.Store) store.Status {
	t.Helper()
	st, err := s.Status(ctx(t))
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	return st
}

// counts drops zero entries so that a store reporting {"company": 0} and one
// leaving the kind out compare equal.
func counts(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func entityIDs(es []model.Entity) []string {
	return ids(es, func(e model.Entity) string { return e.ID })
}

func relIDs(rs []model.Relationship) []string {
	return ids(rs, func(r model.Relationship) string { return r.ID })
}

func relEnds(rs []model.Relationship) []string {
	out := ids(rs, func(r model.Relationship) string { return r.HolderID + ">" + r.HeldID })
	sort.Strings(out)
	return out
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

// ---- basics ----

func testBackend(t *testing.T, s store.Store) {
	if b := s.Backend(); b != "neo4j" && b != "embedded" {
		t.Errorf("Backend() = %q, want neo4j or embedded", b)
	}
	if got := status(t, s).Backend; got != s.Backend() {
		t.Errorf("Status().Backend = %q, Backend() = %q", got, s.Backend())
	}
}

func testInitIdempotent(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "Alpha Ltd", "GB"))
	for range 2 {
		if err := s.Init(ctx(t)); err != nil {
			t.Fatalf("Init on an initialised store: %v", err)
		}
	}
	equal(t, "entities after Init", entityIDs(entities(t, s)), []string{"a"})
}

func testEmptyStore(t *testing.T, s store.Store) {
	if es := entities(t, s); len(es) != 0 {
		t.Errorf("new store has %d entities", len(es))
	}
	if rs := relationships(t, s); len(rs) != 0 {
		t.Errorf("new store has %d relationships", len(rs))
	}
	st := status(t, s)
	if len(counts(st.Entities)) != 0 || len(counts(st.Relationships)) != 0 || st.Runs != 0 {
		t.Errorf("new store status = %+v, want zero counts", st)
	}
	if st.Location == "" || st.ServerVersion == "" {
		t.Errorf("status lacks location or server version: %+v", st)
	}
	runs, err := s.Runs(ctx(t))
	if err != nil || len(runs) != 0 {
		t.Errorf("Runs() = %v, %v; want none", runs, err)
	}
	if err := s.UpsertEntities(ctx(t), nil); err != nil {
		t.Errorf("UpsertEntities(nil): %v", err)
	}
	if err := s.UpsertRelationships(ctx(t), nil); err != nil {
		t.Errorf("UpsertRelationships(nil): %v", err)
	}
}

// ---- upserts ----

func fullEntity() model.Entity {
	return model.Entity{
		ID: "lei:5493001KJTIIGC8Y1R12", Name: "Zhōngguó Holdings (HK) Ltd.", Kind: model.Company,
		Jurisdiction: "HK", HQCountry: "CN", Nationality: []string{"CN", "HK"}, Residence: "CN",
		StateOwned: true, Lists: []string{"us.bis.entity_list", "us.ofac.sdn"},
		Identifiers: []string{"XI-LEI:5493001KJTIIGC8Y1R12", "REG:HK:1234567"},
		Source:      "gleif", SourceRef: "5493001KJTIIGC8Y1R12",
		Aliases:          []string{"中國控股（香港）有限公司", "Zhongguo Holdings HK Limited"},
		AddressCountries: []string{"CN", "HK"},
	}
}

func testUpsertRoundTrip(t *testing.T, s store.Store) {
	in := fullEntity()
	in.Lists = []string{"us.ofac.sdn", "us.bis.entity_list", "us.ofac.sdn"} // unsorted, duplicated
	// Unsorted, duplicated, and the name itself is no alias.
	in.Aliases = []string{"Zhongguo Holdings HK Limited", in.Name, "中國控股（香港）有限公司", "Zhongguo Holdings HK Limited"}
	in.AddressCountries = []string{"HK", "CN", "HK"}
	upsertEntities(t, s, in)

	want := fullEntity()
	want.Provenance = []string{"gleif:5493001KJTIIGC8Y1R12"}
	want = canonEntity(want)
	got, err := s.Entity(ctx(t), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sort.StringsAreSorted(got.Lists) || !sort.StringsAreSorted(got.Identifiers) {
		t.Errorf("lists not stored sorted: %v %v", got.Lists, got.Identifiers)
	}
	equal(t, "entity", canonEntity(got), want)
	equal(t, "streamed", entities(t, s), []model.Entity{want})

	rel := model.Relationship{
		ID: "r1", HolderID: in.ID, HeldID: in.ID, Kind: model.Voting,
		Share:  model.Range(25, 50, true, false),
		Direct: "indirect", StartDate: "2016-04-06", EndDate: "2024-01-31",
		Source: "psc", SourceRef: "line 7",
	}
	upsertRels(t, s, rel)
	equal(t, "relationships", relationships(t, s), []model.Relationship{rel})

	unknownShare := model.Relationship{ID: "r2", HolderID: in.ID, HeldID: in.ID, Kind: model.Ownership}
	upsertRels(t, s, unknownShare)
	equal(t, "relationships", relationships(t, s), []model.Relationship{rel, unknownShare})
}

func testUpsertMergeRules(t *testing.T, s store.Store) {
	first := model.Entity{
		ID: "x", Name: "First Name", Kind: model.Company, Jurisdiction: "GB",
		Nationality: []string{"GB"}, Lists: []string{"l1"}, Identifiers: []string{"GB-COH:00000001"},
		Source: "psc", SourceRef: "p1",
	}
	// A stub (only id) must not erase anything.
	stub := model.Entity{ID: "x"}
	second := model.Entity{
		ID: "x", Name: "Second Name", HQCountry: "CN", StateOwned: true,
		Nationality: []string{"CN"}, Lists: []string{"l2"}, Identifiers: []string{"XI-LEI:L"},
		Source: "gleif", SourceRef: "g1",
	}
	upsertEntities(t, s, first)
	upsertEntities(t, s, stub)
	equal(t, "after stub", getEntity(t, s, "x"), canonEntity(model.Entity{
		ID: "x", Name: "First Name", Kind: model.Company, Jurisdiction: "GB",
		Nationality: []string{"GB"}, Lists: []string{"l1"}, Identifiers: []string{"GB-COH:00000001"},
		Source: "psc", SourceRef: "p1", Provenance: []string{"psc:p1"},
	}))
	upsertEntities(t, s, second)
	want := canonEntity(model.Entity{
		ID: "x", Name: "Second Name", Kind: model.Company, Jurisdiction: "GB", HQCountry: "CN",
		StateOwned: true, Nationality: []string{"CN", "GB"}, Lists: []string{"l1", "l2"},
		Identifiers: []string{"GB-COH:00000001", "XI-LEI:L"},
		Source:      "gleif", SourceRef: "g1", Provenance: []string{"gleif:g1", "psc:p1"},
		Aliases: []string{"First Name"}, // a replaced name stays as a former name
	})
	equal(t, "after second", getEntity(t, s, "x"), want)
	// Writing false/empty never clears a value.
	upsertEntities(t, s, model.Entity{ID: "x", Kind: model.Company, Source: "gleif", SourceRef: "g1"})
	equal(t, "after empty rewrite", getEntity(t, s, "x"), want)
}

func testUpsertSameIDInOneBatch(t *testing.T, s store.Store) {
	upsertEntities(t, s,
		model.Entity{ID: "x", Name: "One", Kind: model.Company, Lists: []string{"b"}, Source: "s", SourceRef: "1"},
		model.Entity{ID: "x", Name: "Two", Lists: []string{"a"}, Source: "s", SourceRef: "2"},
	)
	equal(t, "merged in batch", getEntity(t, s, "x"), canonEntity(model.Entity{
		ID: "x", Name: "Two", Kind: model.Company, Lists: []string{"a", "b"}, Aliases: []string{"One"},
		Source: "s", SourceRef: "2", Provenance: []string{"s:1", "s:2"},
	}))
	equal(t, "one entity", entityIDs(entities(t, s)), []string{"x"})
}

func testUpsertEmptyKindIsUnknown(t *testing.T, s store.Store) {
	upsertEntities(t, s, model.Entity{ID: "stub"})
	if got := getEntity(t, s, "stub").Kind; got != model.Unknown {
		t.Errorf("kind of a kindless entity = %q, want unknown", got)
	}
	upsertEntities(t, s, model.Entity{ID: "stub", Kind: model.Person})
	if got := getEntity(t, s, "stub").Kind; got != model.Person {
		t.Errorf("kind after a later write = %q, want person", got)
	}
	upsertEntities(t, s, model.Entity{ID: "stub"})
	if got := getEntity(t, s, "stub").Kind; got != model.Person {
		t.Errorf("kindless rewrite changed kind to %q", got)
	}
}

// sampleGraph writes a small graph with every field in use and returns it.
func sampleGraph(t *testing.T, s store.Store) ([]model.Entity, []model.Relationship) {
	es := []model.Entity{
		fullEntity(),
		company("gb-coh:00000001", "Target Ltd", "GB"),
		{ID: "psc:1:abc", Name: "Li Wei", Kind: model.Person, Nationality: []string{"CN"}, Residence: "GB",
			Source: "psc", SourceRef: "abc"},
		{ID: "unknown:psc:1", Kind: model.Unknown, Source: "psc", SourceRef: "stmt"},
		{ID: "sasac", Name: "SASAC", Kind: model.StateBody, Jurisdiction: "CN", StateOwned: true},
	}
	rs := []model.Relationship{
		own(es[0].ID, es[1].ID, 60),
		{ID: "psc-band", HolderID: es[2].ID, HeldID: es[1].ID, Kind: model.Voting,
			Share: model.Range(25, 50, true, false), Direct: "direct", Source: "psc", SourceRef: "abc"},
		{ID: "unknown", HolderID: es[3].ID, HeldID: es[1].ID, Kind: model.Ownership, Source: "psc"},
		{ID: "board", HolderID: "sasac", HeldID: es[0].ID, Kind: model.Board, EndDate: "2020-01-01"},
	}
	upsertEntities(t, s, es...)
	upsertRels(t, s, rs...)
	return es, rs
}

func testUpsertTwiceChangesNothing(t *testing.T, s store.Store) {
	es, rs := sampleGraph(t, s)
	e1, r1, st1 := entities(t, s), relationships(t, s), status(t, s)
	upsertEntities(t, s, es...)
	upsertRels(t, s, rs...)
	// Reversed order, too.
	rev := append([]model.Entity(nil), es...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	upsertEntities(t, s, rev...)
	equal(t, "entities after rewrite", entities(t, s), e1)
	equal(t, "relationships after rewrite", relationships(t, s), r1)
	st2 := status(t, s)
	equal(t, "entity counts", counts(st2.Entities), counts(st1.Entities))
	equal(t, "relationship counts", counts(st2.Relationships), counts(st1.Relationships))
}

func testRelationshipsKeyedByID(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "A", "GB"), company("b", "B", "GB"))
	r := own("a", "b", 10)
	upsertRels(t, s, r)
	r.Share = model.Exact(20)
	r.StartDate = "2020-02-02"
	upsertRels(t, s, r)
	equal(t, "relationship replaced", relationships(t, s), []model.Relationship{r})
	// A second source asserting the same link is kept separately.
	r2 := r
	r2.ID, r2.Source = "other|a|b", "other"
	upsertRels(t, s, r2)
	if got := len(relationships(t, s)); got != 2 {
		t.Errorf("two assertions of one link: %d relationships, want 2", got)
	}
	if got := counts(status(t, s).Relationships); !reflect.DeepEqual(got, map[string]int{"ownership": 2}) {
		t.Errorf("relationship counts = %v", got)
	}
}

func testRelationshipMissingEndpoint(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "A", "GB"), company("b", "B", "GB"))
	for _, bad := range []model.Relationship{own("a", "missing", 10), own("missing", "b", 10)} {
		err := s.UpsertRelationships(ctx(t), []model.Relationship{own("a", "b", 10), bad})
		if err == nil {
			t.Errorf("upsert of %s → %s with a missing end: no error", bad.HolderID, bad.HeldID)
		}
	}
	if rs := relationships(t, s); len(rs) != 0 {
		t.Errorf("a failed batch wrote %d relationships (want none: one transaction per batch)", len(rs))
	}
	if _, err := s.Entity(ctx(t), "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a failed relationship upsert created its missing end (Entity err = %v)", err)
	}
}

func testStreamOrderAndStop(t *testing.T, s store.Store) {
	// Written out of order, in several batches.
	var want []string
	for i := 99; i >= 0; i-- {
		id := fmt.Sprintf("e%03d", i)
		want = append([]string{id}, want...)
		upsertEntities(t, s, company(id, "Company "+id, "GB"))
	}
	var wantRels []string
	for i := 98; i >= 0; i-- {
		r := own(want[i], want[i+1], 50)
		wantRels = append(wantRels, r.ID)
		upsertRels(t, s, r)
	}
	sort.Strings(wantRels)
	equal(t, "entity order", entityIDs(entities(t, s)), want)
	equal(t, "relationship order", relIDs(relationships(t, s)), wantRels)

	stop := errors.New("stop")
	n := 0
	err := s.EachEntity(ctx(t), func(*model.Entity) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("EachEntity stop: err %v after %d calls, want stop after 10", err, n)
	}
	n = 0
	err = s.EachRelationship(ctx(t), func(*model.Relationship) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachRelationship stop: err %v after %d calls, want stop after 1", err, n)
	}
}

func testEntityNotFound(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "A", "GB"))
	if _, err := s.Entity(ctx(t), "b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Entity(missing) error = %v, want ErrNotFound", err)
	}
}

// ---- lookups ----

func testEntitiesByIdentifier(t *testing.T, s store.Store) {
	a := company("a", "A", "GB")
	a.Identifiers = []string{"GB-COH:00000001", "XI-LEI:AAAA"}
	b := company("b", "B", "GB")
	b.Identifiers = []string{"GB-COH:00000001"}
	c := company("c", "C", "GB")
	c.Identifiers = []string{"GB-COH:000000012"}
	upsertEntities(t, s, c, b, a)

	for _, tc := range []struct {
		identifier string
		want       []string
	}{
		{"GB-COH:00000001", []string{"a", "b"}},
		{"XI-LEI:AAAA", []string{"a"}},
		{"GB-COH:000000012", []string{"c"}},
		{"GB-COH:0000000", nil},
		{"gb-coh:00000001", nil},
		{"XI-LEI:AAA", nil},
		{"", nil},
	} {
		got, err := s.EntitiesByIdentifier(ctx(t), tc.identifier)
		if err != nil {
			t.Errorf("EntitiesByIdentifier(%q): %v", tc.identifier, err)
			continue
		}
		gotIDs := entityIDs(got)
		sort.Strings(gotIDs)
		if len(gotIDs) == 0 {
			gotIDs = nil
		}
		equal(t, "EntitiesByIdentifier("+tc.identifier+")", gotIDs, tc.want)
	}
	// An identifier added by a later upsert is found; the entity is whole.
	upsertEntities(t, s, model.Entity{ID: "c", Identifiers: []string{"CN-USCC:91440300MA5F"}})
	got, err := s.EntitiesByIdentifier(ctx(t), "CN-USCC:91440300MA5F")
	if err != nil || len(got) != 1 || got[0].Name != "C" {
		t.Errorf("identifier added later: %v, %v", got, err)
	}
}

func testSearchNames(t *testing.T, s store.Store) {
	upsertEntities(t, s,
		company("hw-co", "Huawei Technologies Co., Ltd.", "CN"),
		company("hw-exact", "Huawei Technologies", "CN"),
		company("hw-dev", "Huawei Device Co., Ltd.", "CN"),
		company("hw-inv", "Technologies Huawei Investment", "HK"),
		company("global", "Global Technologies Inc", "US"),
		company("zte", "ZTE Corporation", "CN"),
		company("socgen", "Société Générale S.A.", "FR"),
		model.Entity{ID: "noname", Kind: model.Unknown},
	)
	search := func(text string, limit int) []string {
		t.Helper()
		got, err := s.SearchNames(ctx(t), text, limit)
		if err != nil {
			t.Fatalf("SearchNames(%q): %v", text, err)
		}
		for _, e := range got {
			if e.Name == "" {
				t.Errorf("SearchNames(%q) returned an entity without its fields: %+v", text, e)
			}
		}
		return entityIDs(got)
	}
	index := func(xs []string, x string) int {
		for i, v := range xs {
			if v == x {
				return i
			}
		}
		return -1
	}

	got := search("huawei technologies", 10)
	if len(got) == 0 || got[0] != "hw-exact" {
		t.Errorf(`"huawei technologies": %v, want the exact name hw-exact first`, got)
	}
	for _, id := range []string{"hw-co", "hw-inv"} {
		if index(got, id) < 0 {
			t.Errorf(`"huawei technologies": %v lacks %s`, got, id)
		}
		if g := index(got, "global"); g >= 0 && g < index(got, id) {
			t.Errorf(`"huawei technologies": %v ranks a one-word match above %s`, got, id)
		}
	}
	if index(got, "zte") >= 0 || index(got, "socgen") >= 0 {
		t.Errorf(`"huawei technologies": %v contains unrelated entities`, got)
	}

	for _, q := range []string{"technologies huawei", "HUAWEÏ", "huawei technologies co ltd", "Huawei-Technologies", "  huawei   TECHNOLOGIES, co. "} {
		if got := search(q, 10); index(got, "hw-co") < 0 {
			t.Errorf("SearchNames(%q) = %v, lacks hw-co", q, got)
		}
	}
	if got := search("huawei technologies co ltd", 10); len(got) == 0 || got[0] != "hw-co" {
		t.Errorf(`"huawei technologies co ltd": %v, want hw-co first`, got)
	}
	if got := search("HUAWEÏ", 10); len(got) < 4 || index(got, "zte") >= 0 {
		t.Errorf(`"HUAWEÏ": %v, want the four Huawei entities only`, got)
	}
	if got := search("societe generale", 10); len(got) == 0 || got[0] != "socgen" {
		t.Errorf(`"societe generale": %v, want socgen`, got)
	}
	if got := search("SOCIÉTÉ", 10); index(got, "socgen") < 0 {
		t.Errorf(`"SOCIÉTÉ": %v, want socgen`, got)
	}
	if got := search("huawei", 2); len(got) != 2 {
		t.Errorf(`"huawei" limit 2: %v`, got)
	}
	// Query syntax of the underlying engines (FTS5, Lucene) is never
	// interpreted: operators and special characters are plain text.
	upsertEntities(t, s, company("jj", "Johnson AND Johnson (Holdings) OR Not", "US"))
	for _, q := range []string{"AND", "johnson OR", "NOT johnson", "AT&T", "C++", "\"quoted", "(", "*", "~2",
		"johnson^3", "field:value", "NEAR(a b)", "a/b", "-", "[1 TO 2]", "{x}", "!", "?", "&&", "||"} {
		if _, err := s.SearchNames(ctx(t), q, 5); err != nil {
			t.Errorf("SearchNames(%q): %v", q, err)
		}
	}
	if got := search("johnson and johnson or not", 10); index(got, "jj") < 0 {
		t.Errorf(`"johnson and johnson or not": %v, want jj (operators are words)`, got)
	}
	for _, q := range []string{"", "   ", ".,;", "nomatchxyz"} {
		if got := search(q, 10); len(got) != 0 {
			t.Errorf("SearchNames(%q) = %v, want nothing", q, got)
		}
	}
	// Renaming updates the index.
	upsertEntities(t, s, model.Entity{ID: "zte", Name: "Zhongxing Telecommunication Equipment"})
	if got := search("zhongxing", 10); index(got, "zte") < 0 {
		t.Errorf(`after rename, "zhongxing": %v`, got)
	}
	// The replaced name stays findable as a former name.
	if got := search("ZTE corporation", 10); index(got, "zte") < 0 {
		t.Errorf(`after rename, the old name no longer matches: %v`, got)
	}
}

// chainGraph: r1 → a → b → c → d, r2 → b, b → s (sibling of c under b),
// x → s (s's other holder), so Up from c must not reach x.
func chainGraph(t *testing.T, s store.Store) {
	for _, id := range []string{"r1", "r2", "a", "b", "c", "d", "s", "x"} {
		upsertEntities(t, s, company(id, "Company "+id, "GB"))
	}
	upsertRels(t, s,
		own("r1", "a", 100), own("a", "b", 60), own("r2", "b", 40),
		own("b", "c", 100), own("c", "d", 100), own("b", "s", 50), own("x", "s", 50))
}

func neighbourhood(t *testing.T, s store.Store, id string, dir store.Direction, depth, perNode int) store.Subgraph {
	t.Helper()
	g, err := s.Neighbourhood(ctx(t), id, dir, depth, perNode)
	if err != nil {
		t.Fatalf("Neighbourhood(%q): %v", id, err)
	}
	if !sort.StringsAreSorted(entityIDs(g.Entities)) {
		t.Errorf("Neighbourhood entities not sorted by id: %v", entityIDs(g.Entities))
	}
	if !sort.StringsAreSorted(relIDs(g.Relationships)) {
		t.Errorf("Neighbourhood relationships not sorted by id: %v", relIDs(g.Relationships))
	}
	for _, e := range g.Entities {
		if e.Name == "" {
			t.Errorf("Neighbourhood entity %q lacks its fields", e.ID)
		}
	}
	return g
}

func testNeighbourhoodDirections(t *testing.T, s store.Store) {
	chainGraph(t, s)
	for _, tc := range []struct {
		name     string
		dir      store.Direction
		entities []string
		rels     []string
	}{
		{"up", store.Up, []string{"a", "b", "c", "r1", "r2"}, []string{"a>b", "b>c", "r1>a", "r2>b"}},
		{"down", store.Down, []string{"c", "d"}, []string{"c>d"}},
		{"both", store.Both, []string{"a", "b", "c", "d", "r1", "r2"}, []string{"a>b", "b>c", "c>d", "r1>a", "r2>b"}},
	} {
		g := neighbourhood(t, s, "c", tc.dir, 10, 0)
		equal(t, tc.name+" entities", entityIDs(g.Entities), tc.entities)
		equal(t, tc.name+" relationships", relEnds(g.Relationships), tc.rels)
		if len(counts(g.Truncated)) != 0 {
			t.Errorf("%s: nothing truncated, got %v", tc.name, g.Truncated)
		}
	}
	g := neighbourhood(t, s, "b", store.Down, 10, 0)
	equal(t, "down from b", entityIDs(g.Entities), []string{"b", "c", "d", "s"})
}

func testNeighbourhoodDepth(t *testing.T, s store.Store) {
	chainGraph(t, s)
	for _, tc := range []struct {
		depth int
		want  []string
	}{
		{0, []string{"d"}},
		{1, []string{"c", "d"}},
		{2, []string{"b", "c", "d"}},
		{3, []string{"a", "b", "c", "d", "r2"}},
		{4, []string{"a", "b", "c", "d", "r1", "r2"}},
	} {
		g := neighbourhood(t, s, "d", store.Up, tc.depth, 0)
		equal(t, fmt.Sprintf("up from d depth %d", tc.depth), entityIDs(g.Entities), tc.want)
		if len(g.Relationships) != len(tc.want)-1 {
			t.Errorf("depth %d: %d relationships, want %d", tc.depth, len(g.Relationships), len(tc.want)-1)
		}
	}
}

func testNeighbourhoodPerNode(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("hub", "Hub", "CN"))
	var subs []model.Entity
	var rels []model.Relationship
	for i := range 12 {
		id := fmt.Sprintf("sub%02d", i)
		subs = append(subs, company(id, "Sub "+id, "GB"))
		rels = append(rels, own("hub", id, 100))
	}
	upsertEntities(t, s, subs...)
	upsertRels(t, s, rels...)
	upsertEntities(t, s, company("parent", "Parent", "CN"))
	upsertRels(t, s, own("parent", "hub", 100))

	g := neighbourhood(t, s, "hub", store.Down, 3, 5)
	if len(g.Relationships) != 5 || len(g.Entities) != 6 {
		t.Errorf("perNode 5: %d entities, %d relationships; want 6 and 5", len(g.Entities), len(g.Relationships))
	}
	equal(t, "truncated", counts(g.Truncated), map[string]int{"hub": 7})
	// Kept links are the first by relationship id.
	sort.Slice(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
	equal(t, "kept links", relIDs(g.Relationships), relIDs(rels[:5]))

	g = neighbourhood(t, s, "sub03", store.Up, 2, 5)
	equal(t, "up from a sub", entityIDs(g.Entities), []string{"hub", "parent", "sub03"})
	if len(counts(g.Truncated)) != 0 {
		t.Errorf("up walk truncated %v; the hub's down links must not count", g.Truncated)
	}
	g = neighbourhood(t, s, "hub", store.Down, 3, 0)
	if len(g.Entities) != 13 || len(counts(g.Truncated)) != 0 {
		t.Errorf("perNode 0 (no limit): %d entities, truncated %v", len(g.Entities), g.Truncated)
	}
}

func testNeighbourhoodCycle(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "A", "GB"), company("b", "B", "GB"), company("c", "C", "GB"))
	upsertRels(t, s, own("a", "b", 30), own("b", "a", 25), own("b", "c", 50), own("c", "a", 10))
	for _, dir := range []store.Direction{store.Up, store.Down, store.Both} {
		g := neighbourhood(t, s, "a", dir, 50, 0)
		equal(t, fmt.Sprintf("cycle dir %d entities", dir), entityIDs(g.Entities), []string{"a", "b", "c"})
		equal(t, fmt.Sprintf("cycle dir %d relationships", dir), relEnds(g.Relationships),
			[]string{"a>b", "b>a", "b>c", "c>a"})
	}
}

func testNeighbourhoodNotFound(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "A", "GB"))
	if _, err := s.Neighbourhood(ctx(t), "missing", store.Both, 2, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Neighbourhood(missing) error = %v, want ErrNotFound", err)
	}
	g := neighbourhood(t, s, "a", store.Both, 3, 10)
	equal(t, "isolated entity", entityIDs(g.Entities), []string{"a"})
	if len(g.Relationships) != 0 {
		t.Errorf("isolated entity has relationships %v", relIDs(g.Relationships))
	}
}

// ---- status, reset ----

func testStatusCounts(t *testing.T, s store.Store) {
	sampleGraph(t, s)
	st := status(t, s)
	equal(t, "entities by kind", counts(st.Entities),
		map[string]int{"company": 2, "person": 1, "unknown": 1, "state_body": 1})
	equal(t, "relationships by kind", counts(st.Relationships),
		map[string]int{"ownership": 2, "voting": 1, "board": 1})
	if st.Runs != 0 {
		t.Errorf("runs = %d, want 0", st.Runs)
	}
	beginFinish(t, s, testRun("run-1", 1), nil)
	if got := status(t, s).Runs; got != 1 {
		t.Errorf("runs after one run = %d", got)
	}
}

func testReset(t *testing.T, s store.Store) {
	sampleGraph(t, s)
	upsertEntities(t, s, company("merged", "M", "GB"))
	if err := s.MergeEntities(ctx(t), []store.Merge{{From: "merged", Into: "gb-coh:00000001"}}); err != nil {
		t.Fatal(err)
	}
	beginFinish(t, s, testRun("run-1", 1), []model.Result{{EntityID: "sasac", Verdict: model.VerdictChineseEntity}})
	if err := s.Reset(ctx(t)); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if es, rs := entities(t, s), relationships(t, s); len(es)+len(rs) != 0 {
		t.Errorf("after Reset: %d entities, %d relationships", len(es), len(rs))
	}
	st := status(t, s)
	if len(counts(st.Entities)) != 0 || len(counts(st.Relationships)) != 0 || st.Runs != 0 {
		t.Errorf("after Reset status = %+v", st)
	}
	if runs, err := s.Runs(ctx(t)); err != nil || len(runs) != 0 {
		t.Errorf("after Reset runs = %v, %v", runs, err)
	}
	if got, err := s.SearchNames(ctx(t), "target", 10); err != nil || len(got) != 0 {
		t.Errorf("after Reset search = %v, %v", got, err)
	}
	if got, err := s.EntitiesByIdentifier(ctx(t), "XI-LEI:5493001KJTIIGC8Y1R12"); err != nil || len(got) != 0 {
		t.Errorf("after Reset identifier lookup = %v, %v", got, err)
	}
	if got, err := s.CanonicalIDs(ctx(t), []string{"merged"}); err != nil || len(got) != 0 {
		t.Errorf("after Reset aliases = %v, %v", got, err)
	}
	// The store is usable again, and the old alias is gone.
	upsertEntities(t, s, company("merged", "M again", "GB"))
	if got := getEntity(t, s, "merged"); got.ID != "merged" || got.Name != "M again" {
		t.Errorf("after Reset, entity %+v", got)
	}
	if err := s.Reset(ctx(t)); err != nil {
		t.Errorf("second Reset: %v", err)
	}
}

// ---- merges ----

func mergeGraph(t *testing.T, s store.Store) {
	into := model.Entity{ID: "lei:L1", Name: "Into Holdings Ltd", Kind: model.Company, Jurisdiction: "GB",
		Identifiers: []string{"XI-LEI:L1"}, Lists: []string{"l-into"}, Source: "gleif", SourceRef: "L1"}
	from := model.Entity{ID: "gb-coh:00000009", Name: "INTO HOLDINGS LIMITED", Kind: model.Unknown,
		Jurisdiction: "XX", HQCountry: "CN", StateOwned: true,
		Identifiers: []string{"GB-COH:00000009"}, Lists: []string{"l-from"}, Source: "psc", SourceRef: "9"}
	upsertEntities(t, s, into, from, company("p", "Parent", "CN"), company("sub", "Sub", "GB"))
	upsertRels(t, s, own("p", from.ID, 70), own(from.ID, "sub", 100), own("p", into.ID, 10))
}

func testMergeEntities(t *testing.T, s store.Store) {
	mergeGraph(t, s)
	if err := s.MergeEntities(ctx(t), []store.Merge{{From: "gb-coh:00000009", Into: "lei:L1"}}); err != nil {
		t.Fatalf("MergeEntities: %v", err)
	}
	want := canonEntity(model.Entity{
		ID: "lei:L1", Name: "Into Holdings Ltd", Kind: model.Company, Jurisdiction: "GB", HQCountry: "CN",
		StateOwned: true, Identifiers: []string{"GB-COH:00000009", "XI-LEI:L1"},
		Lists: []string{"l-from", "l-into"}, Source: "gleif", SourceRef: "L1",
		Provenance: []string{"gleif:L1", "psc:9"},
		Aliases:    []string{"INTO HOLDINGS LIMITED"}, // the merged name stays findable
	})
	equal(t, "merged entity", getEntity(t, s, "lei:L1"), want)
	equal(t, "entity through alias", getEntity(t, s, "gb-coh:00000009"), want)
	equal(t, "entities", entityIDs(entities(t, s)), []string{"lei:L1", "p", "sub"})
	equal(t, "re-pointed relationships", relEnds(relationships(t, s)), []string{"lei:L1>sub", "p>lei:L1", "p>lei:L1"})
	for _, r := range relationships(t, s) {
		if r.HolderID == "gb-coh:00000009" || r.HeldID == "gb-coh:00000009" {
			t.Errorf("relationship %s still points at the alias", r.ID)
		}
	}
	if got := counts(status(t, s).Entities); !reflect.DeepEqual(got, map[string]int{"company": 3}) {
		t.Errorf("entity counts after merge = %v", got)
	}
	got, err := s.CanonicalIDs(ctx(t), []string{"gb-coh:00000009", "lei:L1", "p", "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "CanonicalIDs", got, map[string]string{"gb-coh:00000009": "lei:L1", "lei:L1": "lei:L1", "p": "p"})

	byID, err := s.EntitiesByIdentifier(ctx(t), "GB-COH:00000009")
	if err != nil || len(byID) != 1 || byID[0].ID != "lei:L1" {
		t.Errorf("identifier of the merged entity finds %v, %v", entityIDs(byID), err)
	}
	found, err := s.SearchNames(ctx(t), "into holdings", 10)
	if err != nil || len(found) != 1 || found[0].ID != "lei:L1" {
		t.Errorf("search after merge finds %v, %v; want lei:L1 once", entityIDs(found), err)
	}
	g := neighbourhood(t, s, "gb-coh:00000009", store.Both, 2, 0)
	equal(t, "neighbourhood through alias", entityIDs(g.Entities), []string{"lei:L1", "p", "sub"})

	// Upserts to the alias land on the canonical entity (filling only its
	// empty fields, see UpsertThroughAliasFillsOnly); relationships too.
	upsertEntities(t, s, model.Entity{ID: "gb-coh:00000009", Name: "Renamed Holdings", Lists: []string{"l-late"},
		Source: "psc", SourceRef: "10"})
	after := getEntity(t, s, "lei:L1")
	if after.Name != "Into Holdings Ltd" || !reflect.DeepEqual(after.Lists, []string{"l-from", "l-into", "l-late"}) ||
		!reflect.DeepEqual(after.Aliases, []string{"INTO HOLDINGS LIMITED", "Renamed Holdings"}) {
		t.Errorf("upsert to alias: canonical entity = %+v", after)
	}
	if _, err := s.Entity(ctx(t), "gb-coh:00000009"); err != nil {
		t.Errorf("alias lookup after upsert: %v", err)
	}
	equal(t, "entities after alias upsert", entityIDs(entities(t, s)), []string{"lei:L1", "p", "sub"})
	upsertRels(t, s, own("gb-coh:00000009", "sub", 100), own("p", "gb-coh:00000009", 70))
	rels := relationships(t, s)
	equal(t, "relationships after alias upsert", relEnds(rels), []string{"lei:L1>sub", "p>lei:L1", "p>lei:L1"})
}

func testMergeEntitiesIdempotent(t *testing.T, s store.Store) {
	mergeGraph(t, s)
	m := []store.Merge{{From: "gb-coh:00000009", Into: "lei:L1"}}
	if err := s.MergeEntities(ctx(t), m); err != nil {
		t.Fatal(err)
	}
	e1, r1, st1 := entities(t, s), relationships(t, s), status(t, s)
	for _, again := range [][]store.Merge{m, m, {{From: "lei:L1", Into: "gb-coh:00000009"}}, {{From: "lei:L1", Into: "lei:L1"}}} {
		if err := s.MergeEntities(ctx(t), again); err != nil {
			t.Errorf("repeated merge %v: %v", again, err)
		}
	}
	equal(t, "entities after repeated merge", entities(t, s), e1)
	equal(t, "relationships after repeated merge", relationships(t, s), r1)
	equal(t, "counts after repeated merge", counts(status(t, s).Entities), counts(st1.Entities))
	if err := s.MergeEntities(ctx(t), nil); err != nil {
		t.Errorf("MergeEntities(nil): %v", err)
	}
}

func testMergeEntitiesChain(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "A", "GB"), company("b", "B", "GB"), company("c", "C", "GB"),
		company("h", "Holder", "CN"))
	upsertRels(t, s, own("h", "a", 60))
	// a → b, then b → c in one batch: a must resolve to c.
	if err := s.MergeEntities(ctx(t), []store.Merge{{From: "a", Into: "b"}, {From: "b", Into: "c"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.CanonicalIDs(ctx(t), []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "chained aliases", got, map[string]string{"a": "c", "b": "c", "c": "c"})
	if e := getEntity(t, s, "a"); e.ID != "c" {
		t.Errorf("Entity(a) = %q, want c", e.ID)
	}
	equal(t, "re-pointed twice", relEnds(relationships(t, s)), []string{"h>c"})
	// Merging into an alias merges into its canonical entity.
	upsertEntities(t, s, company("d", "D", "GB"))
	if err := s.MergeEntities(ctx(t), []store.Merge{{From: "d", Into: "a"}}); err != nil {
		t.Fatal(err)
	}
	equal(t, "entities", entityIDs(entities(t, s)), []string{"c", "h"})
	got, _ = s.CanonicalIDs(ctx(t), []string{"d"})
	equal(t, "into an alias", got, map[string]string{"d": "c"})
}

func testMergeEntitiesUnknown(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "A", "GB"))
	for _, m := range []store.Merge{{From: "nobody", Into: "a"}, {From: "a", Into: "nobody"}} {
		if err := s.MergeEntities(ctx(t), []store.Merge{m}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MergeEntities(%v) error = %v, want ErrNotFound", m, err)
		}
	}
	equal(t, "entities", entityIDs(entities(t, s)), []string{"a"})
}

// ---- upserts through aliases ----

// merge folds from into into and fails the test on error.
func merge(t *testing.T, s store.Store, from, into string) {
	t.Helper()
	if err := s.MergeEntities(ctx(t), []store.Merge{{From: from, Into: into}}); err != nil {
		t.Fatalf("MergeEntities(%s into %s): %v", from, into, err)
	}
}

// A record written through an alias follows the MergeEntities rule: the
// canonical entity keeps its non-empty scalars, the record only fills the
// empty ones, lists union and provenance gains the record. A record written
// to the canonical id itself keeps the normal rule (non-empty overwrites).
func testUpsertThroughAliasFillsOnly(t *testing.T, s store.Store) {
	upsertEntities(t, s,
		model.Entity{ID: "lei:A", Name: "EXAMPLE HOLDINGS LIMITED", Kind: model.Company, Jurisdiction: "GB",
			Lists: []string{"l-a"}, Identifiers: []string{"GB-COH:00000042", "XI-LEI:A"},
			Source: "gleif", SourceRef: "A"},
		model.Entity{ID: "gb-coh:00000042", Name: "Example Holdings Limited", Kind: model.Company,
			Identifiers: []string{"GB-COH:00000042"}, Source: "psc", SourceRef: "42"},
	)
	merge(t, s, "gb-coh:00000042", "lei:A")
	merged := canonEntity(model.Entity{
		ID: "lei:A", Name: "EXAMPLE HOLDINGS LIMITED", Kind: model.Company, Jurisdiction: "GB",
		Lists: []string{"l-a"}, Identifiers: []string{"GB-COH:00000042", "XI-LEI:A"},
		Source: "gleif", SourceRef: "A", Provenance: []string{"gleif:A", "psc:42"},
		Aliases: []string{"Example Holdings Limited"},
	})
	equal(t, "after merge", getEntity(t, s, "lei:A"), merged)

	// Every scalar set: only the empty ones (hq_country, residence,
	// state_owned) take the record's values.
	upsertEntities(t, s, model.Entity{
		ID: "gb-coh:00000042", Name: "Renamed By PSC", Kind: model.Person, Jurisdiction: "FR",
		HQCountry: "CN", Residence: "HK", StateOwned: true, Nationality: []string{"CN"},
		Lists: []string{"l-late"}, Identifiers: []string{"CN-USCC:91440300MA5ABCDE1H"},
		Source: "psc", SourceRef: "43",
	})
	filled := canonEntity(model.Entity{
		ID: "lei:A", Name: "EXAMPLE HOLDINGS LIMITED", Kind: model.Company, Jurisdiction: "GB",
		HQCountry: "CN", Residence: "HK", StateOwned: true, Nationality: []string{"CN"},
		Lists:       []string{"l-a", "l-late"},
		Identifiers: []string{"CN-USCC:91440300MA5ABCDE1H", "GB-COH:00000042", "XI-LEI:A"},
		Source:      "gleif", SourceRef: "A", Provenance: []string{"gleif:A", "psc:42", "psc:43"},
		Aliases: []string{"Example Holdings Limited", "Renamed By PSC"},
	})
	equal(t, "after alias upsert", getEntity(t, s, "lei:A"), filled)
	equal(t, "read through the alias", getEntity(t, s, "gb-coh:00000042"), filled)
	equal(t, "entities", entityIDs(entities(t, s)), []string{"lei:A"})
	// The record's name did not rename the entity but stays findable.
	if found, err := s.SearchNames(ctx(t), "renamed by psc", 10); err != nil || len(found) != 1 || found[0].ID != "lei:A" {
		t.Errorf("search for the alias record's name finds %v, %v; want lei:A", entityIDs(found), err)
	}
	if found, err := s.EntitiesByIdentifier(ctx(t), "CN-USCC:91440300MA5ABCDE1H"); err != nil || len(found) != 1 || found[0].ID != "lei:A" {
		t.Errorf("identifier added through the alias finds %v, %v; want lei:A", entityIDs(found), err)
	}

	// Alias and canonical records in one batch: whichever order, only the
	// canonical one overwrites; the alias record's name becomes an alias.
	// Each rename keeps the replaced name as a former name: a batch
	// replaces filled.Name, and resetting the name afterwards replaces
	// "Direct Name".
	wantAliases := [][]string{
		{"Alias Name", "EXAMPLE HOLDINGS LIMITED", "Example Holdings Limited", "Renamed By PSC"},
		{"Alias Name", "Direct Name", "EXAMPLE HOLDINGS LIMITED", "Example Holdings Limited", "Renamed By PSC"},
	}
	for _, batch := range [][]model.Entity{
		{{ID: "lei:A", Name: "Direct Name", Source: "gleif", SourceRef: "A"},
			{ID: "gb-coh:00000042", Name: "Alias Name", Source: "psc", SourceRef: "42"}},
		{{ID: "gb-coh:00000042", Name: "Alias Name", Source: "psc", SourceRef: "42"},
			{ID: "lei:A", Name: "Direct Name", Source: "gleif", SourceRef: "A"}},
	} {
		upsertEntities(t, s, batch...)
		want := filled
		want.Name, want.Aliases = "Direct Name", wantAliases[0]
		equal(t, "after a batch with both ids", getEntity(t, s, "lei:A"), want)
		upsertEntities(t, s, model.Entity{ID: "lei:A", Name: filled.Name})
	}

	// The canonical id itself: the normal rule.
	upsertEntities(t, s, model.Entity{ID: "lei:A", Name: "Example Holdings Ltd", Jurisdiction: "IE",
		Source: "gleif", SourceRef: "A2"})
	direct := filled
	direct.Name, direct.Jurisdiction, direct.SourceRef = "Example Holdings Ltd", "IE", "A2"
	direct.Provenance = []string{"gleif:A", "gleif:A2", "psc:42", "psc:43"}
	direct.Aliases = wantAliases[1]
	equal(t, "after direct upsert", getEntity(t, s, "lei:A"), direct)
	if found, err := s.SearchNames(ctx(t), "example holdings ltd", 10); err != nil || len(found) != 1 || found[0].ID != "lei:A" {
		t.Errorf("search after a direct rename finds %v, %v; want lei:A", entityIDs(found), err)
	}
}

// The kind is a scalar like the others: through an alias it only replaces
// an unknown kind (as MergeEntities does).
func testUpsertThroughAliasKind(t *testing.T, s store.Store) {
	upsertEntities(t, s,
		model.Entity{ID: "canon", Kind: model.Unknown, Identifiers: []string{"X:1"}},
		model.Entity{ID: "alias", Identifiers: []string{"X:1"}},
	)
	merge(t, s, "alias", "canon")
	if got := getEntity(t, s, "canon").Kind; got != model.Unknown {
		t.Fatalf("kind after merging two unknowns = %q", got)
	}
	steps := []struct {
		kind model.EntityKind
		want model.EntityKind
	}{
		{"", model.Unknown},              // no kind: nothing to fill
		{model.Company, model.Company},   // unknown counts as empty
		{model.Person, model.Company},    // a known kind is kept
		{model.Unknown, model.Company},   // unknown never overwrites
		{model.StateBody, model.Company}, // still kept
		{"", model.Company},              // and a kindless record neither
	}
	for _, st := range steps {
		upsertEntities(t, s, model.Entity{ID: "alias", Kind: st.kind})
		if got := getEntity(t, s, "canon").Kind; got != st.want {
			t.Errorf("alias upsert of kind %q: canonical kind %q, want %q", st.kind, got, st.want)
		}
	}
	if got := counts(status(t, s).Entities); !reflect.DeepEqual(got, map[string]int{"company": 1}) {
		t.Errorf("entity counts = %v, want one company", got)
	}
	// The canonical id itself: a known kind overwrites.
	upsertEntities(t, s, model.Entity{ID: "canon", Kind: model.Person})
	if got := getEntity(t, s, "canon").Kind; got != model.Person {
		t.Errorf("direct upsert of kind person: kind %q", got)
	}
}

// dumpStore renders every entity, relationship, alias and count as stored,
// so two dumps of one store are equal exactly when nothing changed.
func dumpStore(t *testing.T, s store.Store, aliases ...string) string {
	t.Helper()
	var b strings.Builder
	line := func(prefix string, v any) error {
		j, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.WriteString(prefix + string(j) + "\n")
		return nil
	}
	if err := s.EachEntity(ctx(t), func(e *model.Entity) error { return line("E ", e) }); err != nil {
		t.Fatalf("EachEntity: %v", err)
	}
	if err := s.EachRelationship(ctx(t), func(r *model.Relationship) error { return line("R ", r) }); err != nil {
		t.Fatalf("EachRelationship: %v", err)
	}
	canon, err := s.CanonicalIDs(ctx(t), aliases)
	if err != nil {
		t.Fatalf("CanonicalIDs: %v", err)
	}
	st := status(t, s)
	for _, v := range []any{canon, counts(st.Entities), counts(st.Relationships)} {
		if err := line("S ", v); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// Ingest A (a GLEIF-like source), ingest B (a PSC-like source naming the
// same company by its registry number), merge B's record into A's, then
// write both sources again in either order: nothing changes, byte for byte.
func testReingestAfterMergeIsFixedPoint(t *testing.T, s store.Store) {
	sourceA := []model.Entity{
		{ID: "lei:213800MIDCO", Name: "EXAMPLE UK MIDCO LIMITED", Kind: model.Company, Jurisdiction: "GB",
			HQCountry: "GB", Identifiers: []string{"GB-COH:06543210", "XI-LEI:213800MIDCO"},
			Source: "gleif", SourceRef: "213800MIDCO"},
		{ID: "lei:984500CNPARENT", Name: "EXAMPLE CN PARENT", Kind: model.Company, Jurisdiction: "CN",
			Identifiers: []string{"XI-LEI:984500CNPARENT"}, Source: "gleif", SourceRef: "984500CNPARENT"},
	}
	relsA := []model.Relationship{{
		ID:       model.RelationshipID("gleif", "rr-1", "lei:984500CNPARENT", "lei:213800MIDCO", model.Consolidation),
		HolderID: "lei:984500CNPARENT", HeldID: "lei:213800MIDCO", Kind: model.Consolidation,
		Share: model.Exact(100), Direct: "direct", Source: "gleif", SourceRef: "rr-1",
	}}
	sourceB := []model.Entity{
		{ID: "gb-coh:08123456", Name: "Example Target Limited", Kind: model.Company, Jurisdiction: "GB",
			Identifiers: []string{"GB-COH:08123456"}, Source: "psc", SourceRef: "08123456"},
		// PSC's view of the midco: another spelling, another source, and a
		// list tag A lacks.
		{ID: "gb-coh:06543210", Name: "Example UK Midco Limited", Kind: model.Company, Jurisdiction: "GB",
			Lists: []string{"psc.corporate_owner"}, Identifiers: []string{"GB-COH:06543210"},
			Source: "psc", SourceRef: "08123456:CorpPsc001"},
	}
	relsB := []model.Relationship{{
		ID:       model.RelationshipID("psc", "08123456:CorpPsc001", "gb-coh:06543210", "gb-coh:08123456", model.Ownership),
		HolderID: "gb-coh:06543210", HeldID: "gb-coh:08123456", Kind: model.Ownership,
		Share: model.Range(75, 100, true, false), StartDate: "2019-07-01", Source: "psc", SourceRef: "08123456:CorpPsc001",
	}}
	ingestA := func() { upsertEntities(t, s, sourceA...); upsertRels(t, s, relsA...) }
	ingestB := func() { upsertEntities(t, s, sourceB...); upsertRels(t, s, relsB...) }

	ingestA()
	ingestB()
	merge(t, s, "gb-coh:06543210", "lei:213800MIDCO")
	aliases := []string{"gb-coh:06543210", "lei:213800MIDCO", "gb-coh:08123456", "lei:984500CNPARENT"}
	want := dumpStore(t, s, aliases...)
	midco := getEntity(t, s, "lei:213800MIDCO")
	if midco.Name != "EXAMPLE UK MIDCO LIMITED" || midco.Source != "gleif" || midco.SourceRef != "213800MIDCO" {
		t.Fatalf("merged midco = %+v, want A's name and source", midco)
	}

	for _, step := range []struct {
		name string
		do   func()
	}{
		{"re-ingest B", ingestB},
		{"re-ingest A", ingestA},
		{"re-ingest A", ingestA},
		{"re-ingest B", ingestB},
		{"A and B in one batch", func() {
			upsertEntities(t, s, append(append([]model.Entity(nil), sourceB...), sourceA...)...)
			upsertRels(t, s, append(append([]model.Relationship(nil), relsA...), relsB...)...)
		}},
		{"the merge again", func() { merge(t, s, "gb-coh:06543210", "lei:213800MIDCO") }},
	} {
		step.do()
		if got := dumpStore(t, s, aliases...); got != want {
			t.Fatalf("after %s the store changed:\n got %s\nwant %s", step.name, got, want)
		}
	}
}

// ---- runs and results ----

var baseTime = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)

func testRun(id string, n int) model.Run {
	return model.Run{
		ID: id, Started: baseTime.Add(time.Duration(n) * time.Hour), Status: model.RunRunning,
		Policy: "default", PolicyHash: "sha256:abc", AsOf: "2026-03-01",
	}
}

func finished(r model.Run, counts map[model.Verdict]int) model.Run {
	r.Status = model.RunComplete
	r.Finished = r.Started.Add(90 * time.Second)
	r.Entities, r.Edges = 10, 12
	r.Counts = counts
	r.Indeterminate, r.NewlyFlagged, r.NewlyCleared = 1, 2, 3
	r.PreviousRun = "prev"
	return r
}

func beginFinish(t *testing.T, s store.Store, run model.Run, results []model.Result) model.Run {
	t.Helper()
	if err := s.BeginRun(ctx(t), run); err != nil {
		t.Fatalf("BeginRun: %v", err)
	}
	if len(results) > 0 {
		if err := s.WriteResults(ctx(t), run.ID, results); err != nil {
			t.Fatalf("WriteResults: %v", err)
		}
	}
	done := finished(run, map[model.Verdict]int{model.VerdictClear: len(results)})
	if err := s.FinishRun(ctx(t), done); err != nil {
		t.Fatalf("FinishRun: %v", err)
	}
	return done
}

// canonTime rebuilds t so that equal instants compare equal with DeepEqual
// whatever location or monotonic reading a store returns.
func canonTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.Unix(0, t.UnixNano()).UTC()
}

func canonRun(r model.Run) model.Run {
	r.Started = canonTime(r.Started)
	r.Finished = canonTime(r.Finished)
	if len(r.Counts) == 0 {
		r.Counts = nil
	}
	return r
}

func runsOf(t *testing.T, s store.Store) []model.Run {
	t.Helper()
	runs, err := s.Runs(ctx(t))
	if err != nil {
		t.Fatalf("Runs: %v", err)
	}
	for i := range runs {
		runs[i] = canonRun(runs[i])
	}
	return runs
}

// canonResult makes nil and empty slices compare equal.
func canonResult(r model.Result) model.Result {
	if len(r.Controllers) == 0 {
		r.Controllers = nil
	}
	if len(r.JointControllers) == 0 {
		r.JointControllers = nil
	}
	if len(r.Evidence) == 0 {
		r.Evidence = nil
	}
	for i := range r.Evidence {
		if len(r.Evidence[i].Hops) == 0 {
			r.Evidence[i].Hops = nil
		}
		if len(r.Evidence[i].Path) == 0 {
			r.Evidence[i].Path = nil
		}
	}
	return r
}

func results(t *testing.T, s store.Store, runID string) []model.Result {
	t.Helper()
	var out []model.Result
	if err := s.EachResult(ctx(t), runID, func(r *model.Result) error {
		out = append(out, canonResult(*r))
		return nil
	}); err != nil {
		t.Fatalf("EachResult(%q): %v", runID, err)
	}
	return out
}

func resultIDs(rs []model.Result) []string {
	return ids(rs, func(r model.Result) string { return r.EntityID })
}

func testRunLifecycle(t *testing.T, s store.Store) {
	run := testRun("run-1", 1)
	if err := s.BeginRun(ctx(t), run); err != nil {
		t.Fatal(err)
	}
	equal(t, "running run", runsOf(t, s), []model.Run{canonRun(run)})
	batch1 := []model.Result{
		{EntityID: "c", Verdict: model.VerdictClear},
		{EntityID: "a", Verdict: model.VerdictChineseEntity, Flagged: true},
	}
	batch2 := []model.Result{{EntityID: "b", Verdict: model.VerdictMinority, ChineseShare: model.Interval{Min: 1, Max: 2}}}
	if err := s.WriteResults(ctx(t), run.ID, batch1); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx(t), run.ID, batch2); err != nil {
		t.Fatal(err)
	}
	done := finished(run, map[model.Verdict]int{model.VerdictChineseEntity: 1, model.VerdictMinority: 1, model.VerdictClear: 1})
	if err := s.FinishRun(ctx(t), done); err != nil {
		t.Fatal(err)
	}
	equal(t, "finished run", runsOf(t, s), []model.Run{canonRun(done)})
	got := results(t, s, run.ID)
	equal(t, "results ordered by entity id", resultIDs(got), []string{"a", "b", "c"})
	equal(t, "result b", got[1], canonResult(batch2[0]))

	r, err := s.Result(ctx(t), run.ID, "a")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "Result(a)", canonResult(r), canonResult(batch1[1]))

	// Rewriting a result in the same run replaces it (a retried batch).
	if err := s.WriteResults(ctx(t), run.ID, []model.Result{{EntityID: "c", Verdict: model.VerdictSignificant}}); err != nil {
		t.Fatalf("rewriting a result: %v", err)
	}
	if r, err := s.Result(ctx(t), run.ID, "c"); err != nil || r.Verdict != model.VerdictSignificant {
		t.Errorf("rewritten result = %+v, %v", r, err)
	}
	if n := len(results(t, s, run.ID)); n != 3 {
		t.Errorf("rewriting a result: %d results, want 3", n)
	}
}

func testRunsNewestFirst(t *testing.T, s store.Store) {
	// Begun out of order; listed by start time, newest first.
	r2 := beginFinish(t, s, testRun("run-b", 2), nil)
	r1 := beginFinish(t, s, testRun("run-c", 1), nil)
	r3 := testRun("run-a", 3)
	if err := s.BeginRun(ctx(t), r3); err != nil {
		t.Fatal(err)
	}
	equal(t, "runs", runsOf(t, s), []model.Run{canonRun(r3), canonRun(r2), canonRun(r1)})
	if got := status(t, s).Runs; got != 3 {
		t.Errorf("status runs = %d, want 3", got)
	}
}

func testUnfinishedRun(t *testing.T, s store.Store) {
	old := []model.Result{
		{EntityID: "a", Verdict: model.VerdictChineseEntity, Flagged: true},
		{EntityID: "b", Verdict: model.VerdictOwned50, Flagged: true},
	}
	done := beginFinish(t, s, testRun("run-1", 1), old)

	crashed := testRun("run-2", 2)
	if err := s.BeginRun(ctx(t), crashed); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx(t), crashed.ID, []model.Result{{EntityID: "a", Verdict: model.VerdictClear}}); err != nil {
		t.Fatal(err)
	}
	// Never finished: the store is reopened by nobody; the listing must say
	// the crashed run is not complete and the old results must be intact.
	runs := runsOf(t, s)
	if len(runs) != 2 || runs[0].ID != "run-2" || runs[0].Status == model.RunComplete {
		t.Fatalf("runs = %+v, want run-2 listed first and not complete", runs)
	}
	equal(t, "complete run", runs[1], canonRun(done))
	equal(t, "old results", results(t, s, "run-1"), old)
	if r, err := s.Result(ctx(t), "run-1", "a"); err != nil || r.Verdict != model.VerdictChineseEntity {
		t.Errorf("old result a = %+v, %v", r, err)
	}
}

func testFailedRun(t *testing.T, s store.Store) {
	old := []model.Result{{EntityID: "a", Verdict: model.VerdictChineseEntity, Flagged: true}}
	beginFinish(t, s, testRun("run-1", 1), old)
	bad := testRun("run-2", 2)
	if err := s.BeginRun(ctx(t), bad); err != nil {
		t.Fatal(err)
	}
	bad.Status = model.RunFailed
	bad.Finished = bad.Started.Add(time.Minute)
	if err := s.FinishRun(ctx(t), bad); err != nil {
		t.Fatal(err)
	}
	runs := runsOf(t, s)
	if len(runs) != 2 || runs[0].ID != "run-2" || runs[0].Status != model.RunFailed {
		t.Fatalf("runs = %+v, want run-2 failed first", runs)
	}
	equal(t, "old results after a failed run", results(t, s, "run-1"), old)
}

func testResultRoundTrip(t *testing.T, s store.Store) {
	full := FullResult()
	minimal := model.Result{EntityID: "zz", Verdict: model.VerdictClear}
	beginFinish(t, s, testRun("run-1", 1), []model.Result{minimal, full})
	equal(t, "EachResult", results(t, s, "run-1"), []model.Result{canonResult(full), canonResult(minimal)})
	got, err := s.Result(ctx(t), "run-1", full.EntityID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "Result", canonResult(got), canonResult(full))
}

func testResultNotFound(t *testing.T, s store.Store) {
	beginFinish(t, s, testRun("run-1", 1), []model.Result{{EntityID: "a", Verdict: model.VerdictClear}})
	for _, tc := range [][2]string{{"run-1", "b"}, {"run-9", "a"}} {
		if _, err := s.Result(ctx(t), tc[0], tc[1]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Result(%q, %q) error = %v, want ErrNotFound", tc[0], tc[1], err)
		}
	}
	stop := errors.New("stop")
	if err := s.EachResult(ctx(t), "run-1", func(*model.Result) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachResult stop: %v", err)
	}
	if got := results(t, s, "run-9"); len(got) != 0 {
		t.Errorf("EachResult of an unknown run = %v", got)
	}
	if err := s.WriteResults(ctx(t), "run-9", []model.Result{{EntityID: "a"}}); err == nil {
		t.Errorf("WriteResults to a run never begun: no error")
	}
	if err := s.FinishRun(ctx(t), finished(testRun("run-9", 9), nil)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FinishRun of a run never begun: error %v, want ErrNotFound", err)
	}
}

// ---- cancellation ----

func testCancelledContext(t *testing.T, s store.Store) {
	upsertEntities(t, s, company("a", "A", "GB"))
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	checks := map[string]error{
		"UpsertEntities":       s.UpsertEntities(c, []model.Entity{company("b", "B", "GB")}),
		"UpsertRelationships":  s.UpsertRelationships(c, []model.Relationship{own("a", "a", 1)}),
		"EachEntity":           s.EachEntity(c, func(*model.Entity) error { return nil }),
		"EachRelationship":     s.EachRelationship(c, func(*model.Relationship) error { return nil }),
		"MergeEntities":        s.MergeEntities(c, []store.Merge{{From: "a", Into: "a"}}),
		"BeginRun":             s.BeginRun(c, testRun("r", 1)),
		"WriteResults":         s.WriteResults(c, "r", []model.Result{{EntityID: "a"}}),
		"FinishRun":            s.FinishRun(c, finished(testRun("r", 1), nil)),
		"Result":               second(s.Result(c, "r", "a")),
		"EachResult":           s.EachResult(c, "r", func(*model.Result) error { return nil }),
		"Reset":                s.Reset(c),
		"Entity":               second(s.Entity(c, "a")),
		"EntitiesByIdentifier": second(s.EntitiesByIdentifier(c, "X:1")),
		"SearchNames":          second(s.SearchNames(c, "a", 1)),
		"NameCandidates":       second(s.NameCandidates(c, []string{"a"}, 1)),
		"Neighbourhood":        second(s.Neighbourhood(c, "a", store.Both, 1, 1)),
		"Status":               second(s.Status(c)),
		"Runs":                 second(s.Runs(c)),
		"CanonicalIDs":         second(s.CanonicalIDs(c, []string{"a"})),
	}
	for name, err := range checks {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: error %v, want context.Canceled", name, err)
		}
	}
	// Nothing happened.
	equal(t, "entities", entityIDs(entities(t, s)), []string{"a"})
}

func second[T any](_ T, err error) error { return err }

// testUpsertEntitiesCounted: the counted upsert says, once per stored
// entity and in first-touch order, whether the batch created, changed or
// left it; an id written through an alias names the canonical entity.
func testUpsertEntitiesCounted(t *testing.T, s store.Store) {
	cu, ok := s.(store.CountingUpserter)
	if !ok {
		t.Fatalf("the %s store does not say what its upserts did (store.CountingUpserter)", s.Backend())
	}
	upsert := func(es ...model.Entity) []store.EntityTouch {
		t.Helper()
		got, err := cu.UpsertEntitiesCounted(ctx(t), es)
		if err != nil {
			t.Fatalf("UpsertEntitiesCounted: %v", err)
		}
		return got
	}
	stub := func(id string) model.Entity { return model.Entity{ID: id, Source: "test", SourceRef: "rec-" + id} }
	steps := []struct {
		batch []model.Entity
		want  []store.EntityTouch
	}{
		{[]model.Entity{stub("a"), stub("b"), stub("a"), company("c", "C", "GB")},
			[]store.EntityTouch{{ID: "a", Effect: store.Created}, {ID: "b", Effect: store.Created}, {ID: "c", Effect: store.Created}}},
		{[]model.Entity{stub("b"), company("a", "A", "CN"), stub("a"), company("c", "C", "GB"), stub("d")},
			[]store.EntityTouch{{ID: "b", Effect: store.Unchanged}, {ID: "a", Effect: store.Changed},
				{ID: "c", Effect: store.Unchanged}, {ID: "d", Effect: store.Created}}},
	}
	for i, st := range steps {
		equal(t, fmt.Sprintf("step %d", i), upsert(st.batch...), st.want)
	}
	merge(t, s, "b", "c")
	equal(t, "through an alias", upsert(stub("b"), company("c", "C", "GB")), []store.EntityTouch{{ID: "c", Effect: store.Unchanged}})
	equal(t, "through an alias, changed", upsert(model.Entity{ID: "b", HQCountry: "HK"}), []store.EntityTouch{{ID: "c", Effect: store.Changed}})
	if got, err := cu.UpsertEntitiesCounted(ctx(t), nil); err != nil || len(got) != 0 {
		t.Errorf("an empty batch: %v, %v", got, err)
	}
}

// testRelationshipsOfRecords: the relationships a source's records
// asserted are found by the records' refs, of every kind, with their ends
// as stored (through a merge), and no other source's nor another ref's
// whose id begins the same.
func testRelationshipsOfRecords(t *testing.T, s store.Store) {
	rf, ok := s.(store.RecordRelationships)
	if !ok {
		t.Fatalf("the %s store cannot find a record's relationships (store.RecordRelationships)", s.Backend())
	}
	upsertEntities(t, s, company("a", "A", "GB"), company("b", "B", "GB"), company("c", "C", "GB"), company("a2", "A2", "GB"))
	rel := func(source, ref, holder, held string, kind model.RelKind) model.Relationship {
		r := model.Relationship{ID: model.RelationshipID(source, ref, holder, held, kind), HolderID: holder, HeldID: held,
			Kind: kind, Source: source, SourceRef: ref, StartDate: "2020-01-01"}
		if kind == model.Ownership {
			r.Share = model.Exact(60)
		}
		return r
	}
	mine := rel("ftm", "own-1", "a2", "b", model.Ownership)
	officer := rel("ftm", "own-1", "c", "b", model.Officer)
	upsertRels(t, s, mine, officer, rel("ftm", "own-12", "b", "c", model.Ownership), rel("psc", "own-1", "a", "c", model.Ownership),
		rel("ftm", "own-1|x", "a", "c", model.Ownership)) // its id begins ftm|own-1| too
	merge(t, s, "a2", "a")
	got, err := rf.RelationshipsOfRecords(ctx(t), "ftm", []string{"own-1", "missing", "own-1"})
	if err != nil {
		t.Fatal(err)
	}
	mine.HolderID = "a" // as stored: the merged end
	want := []model.Relationship{mine, officer}
	sort.Slice(want, func(i, j int) bool { return want[i].ID < want[j].ID })
	equal(t, "relationships of own-1", got, want)
	if got, err := rf.RelationshipsOfRecords(ctx(t), "ftm", nil); err != nil || len(got) != 0 {
		t.Errorf("no refs: %v, %v", got, err)
	}
}
