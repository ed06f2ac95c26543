package queries

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/internal/progress"
	"github.com/ubo-project/ubo/internal/progress/progresstest"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/names"
	"github.com/ubo-project/ubo/store"
)

// packedFixture writes entities with every field, relationships of several
// kinds and shares, an alias upsert and a merge (which moves relationships
// and changes the surviving entity's properties in Cypher).
func packedFixture(t *testing.T, s *Store) {
	t.Helper()
	ctx := t.Context()
	must(t, s.UpsertEntities(ctx, []model.Entity{
		{ID: "gb-coh:1", Name: "Alpha Holdings Ltd", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
			Identifiers: []string{"GB-COH:1"}, Source: "psc", SourceRef: "1", Provenance: []string{"psc:1"}},
		{ID: "lei:X1", Name: "Alpha Holdings Limited", Kind: model.Company, Jurisdiction: "GB",
			Identifiers: []string{"XI-LEI:X1", "GB-COH:1"}, Lists: []string{"us.bis.entity_list"}, Source: "gleif"},
		{ID: "p:li", Name: "Li Wei", Kind: model.Person, Nationality: []string{"CN", "HK"}, Residence: "CN"},
		{ID: "sasac", Name: "SASAC", Kind: model.StateBody, Jurisdiction: "CN", StateOwned: true},
		{ID: "stub"},
	}))
	must(t, s.UpsertRelationships(ctx, []model.Relationship{
		{ID: "r1", HolderID: "p:li", HeldID: "gb-coh:1", Kind: model.Ownership,
			Share: model.Share{Known: true, Min: 25, Max: 50, MinExclusive: true}, Direct: "direct", StartDate: "2020-01-02"},
		{ID: "r2", HolderID: "sasac", HeldID: "lei:X1", Kind: model.Voting, Share: model.Exact(75.5), Source: "gleif", SourceRef: "rr2"},
		{ID: "r3", HolderID: "stub", HeldID: "lei:X1", Kind: model.Board},
		{ID: "r4", HolderID: "p:li", HeldID: "sasac", Kind: model.Officer, EndDate: "2024-12-31"},
	}))
	must(t, s.MergeEntities(ctx, []store.Merge{{From: "lei:X1", Into: "gb-coh:1"}}))
	checkPackedMatchesProperties(t, s)
	// An upsert through the merged-away id fills the survivor's empty fields.
	must(t, s.UpsertEntities(ctx, []model.Entity{{ID: "lei:X1", Residence: "GB", Lists: []string{"other.list"}}}))
	// A relationship written through the merged-away id has the survivor as its end.
	must(t, s.UpsertRelationships(ctx, []model.Relationship{{ID: "r5", HolderID: "p:li", HeldID: "lei:X1",
		Kind: model.Ownership, Share: model.Exact(10)}}))
}

// checkPackedMatchesProperties compares the entity and relationship
// streams (packed copies) with the same streams read from the properties.
func checkPackedMatchesProperties(t *testing.T, s *Store) {
	t.Helper()
	ctx := t.Context()
	es, rs := streamAll(t, s)
	var pes []model.Entity
	must(t, s.stream(ctx, "test", qEachEntityProperties, nil, func(row []any) error {
		pes = append(pes, decodeEntityColumns(row))
		return nil
	}))
	var prs []model.Relationship
	for _, k := range model.RelKinds {
		must(t, s.stream(ctx, "test", qEachRelProperties[k], nil, func(row []any) error {
			prs = append(prs, decodeRelColumns(row))
			return nil
		}))
	}
	slices.SortFunc(prs, func(a, b model.Relationship) int { return strings.Compare(a.ID, b.ID) })
	if !reflect.DeepEqual(es, pes) {
		t.Errorf("entities from packed copies:\n%+v\nfrom properties:\n%+v", es, pes)
	}
	if !reflect.DeepEqual(rs, prs) {
		t.Errorf("relationships from packed copies:\n%+v\nfrom properties:\n%+v", rs, prs)
	}
}

func streamAll(t *testing.T, s *Store) ([]model.Entity, []model.Relationship) {
	t.Helper()
	var es []model.Entity
	var rs []model.Relationship
	must(t, s.EachEntity(t.Context(), func(e *model.Entity) error { es = append(es, *e); return nil }))
	must(t, s.EachRelationship(t.Context(), func(r *model.Relationship) error { rs = append(rs, *r); return nil }))
	return es, rs
}

func cypherWrite(t *testing.T, s *Store, q string, params map[string]any) {
	t.Helper()
	if _, err := neo4j.ExecuteQuery(context.Background(), s.driver, q, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.database)); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// candidatesOfEach is the name candidates (read from the packed copies, or
// the properties of entities without one) of each entity's name.
func candidatesOfEach(t *testing.T, s *Store, es []model.Entity) map[string][]model.Entity {
	t.Helper()
	out := map[string][]model.Entity{}
	for _, e := range es {
		got, err := s.NameCandidates(t.Context(), names.QueryTokens(e.Name), 10)
		must(t, err)
		if len(got) == 0 && e.Name != "" {
			t.Errorf("no name candidates for %q", e.Name)
		}
		out[e.ID] = got
	}
	return out
}

// TestPackedCopies checks that every write path leaves a packed copy equal
// to the properties: the streams give the same entities and relationships
// from the copies as from the properties (with the copies removed), and
// Repack rebuilds them.
func TestPackedCopies(t *testing.T) {
	s := openTestStore(t)
	packedFixture(t, s)
	missing := cypherStrings(t, s, `CALL () { MATCH (e:Entity) WHERE e._packed IS NULL RETURN e.id AS id
		UNION ALL MATCH ()-[r]->() WHERE r.id IS NOT NULL AND r._packed IS NULL RETURN r.id AS id } RETURN id`, nil)
	if len(missing) > 0 {
		t.Fatalf("written without a packed copy: %v", missing)
	}
	checkPackedMatchesProperties(t, s)
	packedEnts, packedRels := streamAll(t, s)
	if len(packedEnts) != 4 || len(packedRels) != 5 {
		t.Fatalf("streamed %d entities, %d relationships; want 4, 5", len(packedEnts), len(packedRels))
	}
	for _, r := range packedRels {
		if r.ID == "r5" && r.HeldID != "gb-coh:1" {
			t.Errorf("r5 written through an alias streams held id %q, want gb-coh:1", r.HeldID)
		}
	}
	packedCands := candidatesOfEach(t, s, packedEnts)
	cypherWrite(t, s, "MATCH (e:Entity) REMOVE e._packed", nil)
	cypherWrite(t, s, "MATCH ()-[r]->() REMOVE r._packed", nil)
	propEnts, propRels := streamAll(t, s)
	if propCands := candidatesOfEach(t, s, packedEnts); !reflect.DeepEqual(packedCands, propCands) {
		t.Errorf("name candidates from packed copies:\n%+v\nfrom properties:\n%+v", packedCands, propCands)
	}
	if !reflect.DeepEqual(packedEnts, propEnts) {
		t.Errorf("entities from packed copies:\n%+v\nfrom properties:\n%+v", packedEnts, propEnts)
	}
	if !reflect.DeepEqual(packedRels, propRels) {
		t.Errorf("relationships from packed copies:\n%+v\nfrom properties:\n%+v", packedRels, propRels)
	}

	rec := &progresstest.Recorder{}
	stats, err := s.Repack(t.Context(), rec)
	must(t, err)
	if want := (store.RepackStats{Entities: 4, EntitiesWritten: 4, Relationships: 5, RelationshipsWritten: 5}); stats != want {
		t.Errorf("Repack without copies = %+v, want %+v", stats, want)
	}
	// Repack reports each batch and a final event with its counts.
	if final, ok := rec.Final("repack"); !ok || final.Done != 9 || !reflect.DeepEqual(final.Counts, []progress.Count{{Name: "rewritten", N: 9}}) {
		t.Errorf("Repack's final progress event %+v (present %v), want 9 read, 9 rewritten", final, ok)
	}
	if events := rec.Events(); len(events) < 3 || events[0].Done != 0 || events[1].Done != 4 || events[1].End {
		t.Errorf("Repack's progress events %+v, want 0, then the batch of 4 entities", events)
	}
	again, _ := streamAll(t, s)
	if !reflect.DeepEqual(again, packedEnts) {
		t.Errorf("entities after Repack:\n%+v\nwant\n%+v", again, packedEnts)
	}
	stats, err = s.Repack(t.Context(), nil)
	must(t, err)
	if want := (store.RepackStats{Entities: 4, Relationships: 5}); stats != want {
		t.Errorf("second Repack = %+v, want %+v (nothing to rewrite)", stats, want)
	}
}

// TestRepackAfterHandEdit: an edit of the properties made outside ubo is
// invisible to the streams until Repack, which rewrites exactly the edited
// copies.
func TestRepackAfterHandEdit(t *testing.T) {
	s := openTestStore(t)
	packedFixture(t, s)
	cypherWrite(t, s, "MATCH (e:Entity {id: 'p:li'}) SET e.jurisdiction = 'CN'", nil)
	cypherWrite(t, s, "MATCH ()-[r:VOTING {id: 'r2'}]->() SET r.share_min = 80.0, r.share_max = 80.0", nil)
	before, beforeRels := streamAll(t, s)
	stats, err := s.Repack(t.Context(), nil)
	must(t, err)
	if stats.EntitiesWritten != 1 || stats.RelationshipsWritten != 1 {
		t.Errorf("Repack after editing one entity and one relationship = %+v", stats)
	}
	after, afterRels := streamAll(t, s)
	find := func(es []model.Entity, id string) model.Entity {
		for _, e := range es {
			if e.ID == id {
				return e
			}
		}
		t.Fatalf("entity %s not streamed", id)
		return model.Entity{}
	}
	if got := find(before, "p:li").Jurisdiction; got != "" {
		t.Errorf("stale copy before Repack: jurisdiction %q (the stream read the properties?)", got)
	}
	if got := find(after, "p:li").Jurisdiction; got != "CN" {
		t.Errorf("after Repack: jurisdiction %q, want CN", got)
	}
	share := func(rs []model.Relationship, id string) float64 {
		for _, r := range rs {
			if r.ID == id {
				return r.Share.Min
			}
		}
		return -1
	}
	if b, a := share(beforeRels, "r2"), share(afterRels, "r2"); b != 75.5 || a != 80 {
		t.Errorf("r2 share min before/after Repack = %v/%v, want 75.5/80", b, a)
	}
}

// TestPackedComparesByValue: upsert_relationships and set_*_packed compare
// the stored copy with the one sent; Cypher must compare byte arrays by
// value, or re-ingesting unchanged data would rewrite every relationship.
func TestPackedComparesByValue(t *testing.T) {
	s := openTestStore(t)
	packedFixture(t, s)
	r := model.Relationship{ID: "r2", HolderID: "sasac", HeldID: "gb-coh:1", Kind: model.Voting, Share: model.Exact(75.5),
		Source: "gleif", SourceRef: "rr2"}
	got := cypherStrings(t, s, "MATCH ()-[r:VOTING {id: 'r2'}]->() RETURN r._packed = $p AND properties(r) = $props",
		map[string]any{"p": packRel(&r), "props": relProps(&r)})
	if len(got) != 1 || got[0] != "true" {
		t.Errorf("stored copy = copy sent: %v, want [true]", got)
	}
}

// TestReingestThroughAliasWritesNothing: re-upserting an unchanged
// relationship whose end is an alias sets no property (the copy sent names
// the alias, the stored one the canonical end), and a changed one is
// re-packed with the canonical end.
func TestReingestThroughAliasWritesNothing(t *testing.T) {
	s := openTestStore(t)
	packedFixture(t, s)
	r := model.Relationship{ID: "r5", HolderID: "p:li", HeldID: "lei:X1", Kind: model.Ownership, Share: model.Exact(10)}
	res, err := neo4j.ExecuteQuery(t.Context(), s.driver, qUpsertRelationships[model.Ownership],
		map[string]any{"rows": []map[string]any{{"id": r.ID, "holder_id": r.HolderID, "held_id": r.HeldID, "props": relProps(&r)}}},
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.database))
	must(t, err)
	if n := res.Summary.Counters().PropertiesSet(); n != 0 {
		t.Errorf("re-ingest through an alias set %d properties, want 0", n)
	}
	r.Share = model.Exact(20)
	must(t, s.UpsertRelationships(t.Context(), []model.Relationship{r}))
	checkPackedMatchesProperties(t, s)
}

// TestStreamsMixPackedAndUnpacked: with pages of three rows, entities and
// relationships without a copy (in the middle of a page, a whole page) are
// read from their properties and merged in id order.
func TestStreamsMixPackedAndUnpacked(t *testing.T) {
	defer func(n int64) { streamPage = n }(streamPage)
	streamPage = 3
	s := openTestStore(t)
	packedFixture(t, s)
	must(t, s.UpsertRelationships(t.Context(), []model.Relationship{
		{ID: "r0", HolderID: "sasac", HeldID: "stub", Kind: model.Ownership, Share: model.Exact(1)},
		{ID: "r9", HolderID: "stub", HeldID: "p:li", Kind: model.Ownership, Share: model.Exact(2)},
	}))
	want, wantRels := streamAll(t, s)
	// Entities in id order: gb-coh:1, p:li, sasac | stub; ownership: r0,
	// r1, r5 | r9.
	cypherWrite(t, s, "MATCH (e:Entity) WHERE e.id IN ['p:li', 'stub'] REMOVE e._packed", nil)
	cypherWrite(t, s, "MATCH ()-[r]->() WHERE r.id IN ['r1', 'r5', 'r2'] REMOVE r._packed", nil)
	got, gotRels := streamAll(t, s)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entities with some copies removed:\n%+v\nwant\n%+v", got, want)
	}
	if !reflect.DeepEqual(gotRels, wantRels) {
		t.Errorf("relationships with some copies removed:\n%+v\nwant\n%+v", gotRels, wantRels)
	}
	checkPackedMatchesProperties(t, s)
}
