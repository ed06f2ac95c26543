package embedded

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// The storage-order streams give what the id-ordered ones give, in
// another order; entities written in an order other than by id make the
// two orders differ.
func TestStoredOrderStreams(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var ents []model.Entity
	var rels []model.Relationship
	for i := range 300 {
		k := (i * 7919) % 300 // not in id order
		ents = append(ents, model.Entity{ID: "e" + strings.Repeat("x", k%3) + string(rune('a'+k%26)) + strconv.Itoa(k),
			Name: "Entity " + strconv.Itoa(k), Kind: model.Company, Jurisdiction: "CN", Nationality: []string{"CN"},
			Lists: []string{"l" + strconv.Itoa(k%4)}, Identifiers: []string{"X:" + strconv.Itoa(k)}, Source: "s", SourceRef: strconv.Itoa(k)})
	}
	if err := s.UpsertEntities(ctx, ents); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(ents); i++ {
		holder, held := ents[i-1].ID, ents[i].ID
		rels = append(rels, model.Relationship{ID: model.RelationshipID("s", strconv.Itoa(i), holder, held, model.Ownership),
			HolderID: holder, HeldID: held, Kind: model.Ownership, Share: model.Exact(float64(i % 100)), Source: "s"})
	}
	if err := s.UpsertRelationships(ctx, rels); err != nil {
		t.Fatal(err)
	}
	for _, p := range []store.Projection{store.ProjectAll, store.ProjectScoring, store.ProjectSummary} {
		var byID, stored []model.Entity
		if err := s.EachEntityProjected(ctx, p, func(e *model.Entity) error { byID = append(byID, *e); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := s.EachEntityStored(ctx, p, func(e *model.Entity) error { stored = append(stored, *e); return nil }); err != nil {
			t.Fatal(err)
		}
		if slices.EqualFunc(byID, stored, func(a, b model.Entity) bool { return a.ID == b.ID }) {
			t.Errorf("projection %d: the stored order is the id order: the test compares nothing", p)
		}
		slices.SortFunc(stored, func(a, b model.Entity) int { return strings.Compare(a.ID, b.ID) })
		if len(byID) != len(ents) || !reflect.DeepEqual(byID, stored) {
			t.Errorf("projection %d: %d entities by id, %d in stored order, or they differ", p, len(byID), len(stored))
		}
	}
	var byID, stored []model.Relationship
	if err := s.EachRelationship(ctx, func(r *model.Relationship) error { byID = append(byID, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.EachRelationshipStored(ctx, func(r *model.Relationship) error { stored = append(stored, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(stored, func(a, b model.Relationship) int { return strings.Compare(a.ID, b.ID) })
	if len(byID) != len(rels) || !reflect.DeepEqual(byID, stored) {
		t.Errorf("%d relationships by id, %d in stored order, or they differ", len(byID), len(stored))
	}
}

// EachFlagged gives the flagged ids of EachVerdict, in the same order.
func TestEachFlagged(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var ents []model.Entity
	var results []model.Result
	for i := range 50 {
		id := "e" + strconv.Itoa((i*31)%50)
		ents = append(ents, model.Entity{ID: id, Kind: model.Company})
		results = append(results, model.Result{EntityID: id, Verdict: model.VerdictClear, Flagged: i%3 == 0,
			Controllers: []string{}, JointControllers: []string{}, Evidence: []model.Evidence{}})
	}
	if err := s.UpsertEntities(ctx, ents); err != nil {
		t.Fatal(err)
	}
	run := model.Run{ID: "r1", Status: model.RunRunning}
	if err := s.BeginRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx, run.ID, results); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	if err := s.EachVerdict(ctx, run.ID, func(id string, _ model.Verdict, flagged bool) error {
		if flagged {
			want = append(want, id)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.EachFlagged(ctx, run.ID, func(id string) error { got = append(got, id); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(want) != 17 || !slices.Equal(got, want) {
		t.Errorf("flagged %v, want %v", got, want)
	}
	if err := s.EachFlagged(ctx, "no such run", func(id string) error { t.Errorf("unknown run streamed %q", id); return nil }); err != nil {
		t.Error(err)
	}
}
