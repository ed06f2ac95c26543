package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// testEntityProjections: EachEntityProjected gives, for every
// projection, every entity in id order with at least the projection's
// fields equal to the full entity's.
func testEntityProjections(t *testing.T, s store.Store) {
	full := fullEntity()
	person := model.Entity{ID: "gb-coh:psc-1", Name: "Li Wei", Kind: model.Person, Nationality: []string{"CN"},
		Residence: "HK", Source: "psc", SourceRef: "line 3"}
	stub := model.Entity{ID: "zz-unknown", Kind: model.Unknown}
	upsertEntities(t, s, full, person, stub)
	want := entities(t, s)
	for _, p := range []store.Projection{store.ProjectAll, store.ProjectScoring, store.ProjectSummary} {
		var got []model.Entity
		if err := s.EachEntityProjected(ctx(t), p, func(e *model.Entity) error {
			got = append(got, store.Project(canonEntity(*e), p))
			return nil
		}); err != nil {
			t.Fatalf("projection %d: %v", p, err)
		}
		var wantP []model.Entity
		for _, e := range want {
			wantP = append(wantP, store.Project(e, p))
		}
		equal(t, "projected entities", got, wantP)
	}
}

// testStoredOrderStreams: EachEntityStored and EachRelationshipStored give
// what the id-ordered streams give (the projection's fields of every
// entity, every relationship), in whatever order the store keeps them,
// and stop when fn fails.
func testStoredOrderStreams(t *testing.T, s store.Store) {
	var ids []string
	for i := 9; i >= 0; i-- { // written out of id order
		id := fmt.Sprintf("e%02d", i)
		ids = append(ids, id)
		upsertEntities(t, s, company(id, "Company "+id, "GB"))
	}
	for i := 0; i+1 < len(ids); i++ {
		upsertRels(t, s, own(ids[i], ids[i+1], 50))
	}
	upsertEntities(t, s, fullEntity())
	byID := func(a, b model.Entity) int { return strings.Compare(a.ID, b.ID) }
	for _, p := range []store.Projection{store.ProjectAll, store.ProjectScoring, store.ProjectSummary} {
		var want, got []model.Entity
		for _, e := range entities(t, s) {
			want = append(want, store.Project(e, p))
		}
		if err := s.EachEntityStored(ctx(t), p, func(e *model.Entity) error {
			got = append(got, store.Project(canonEntity(*e), p))
			return nil
		}); err != nil {
			t.Fatalf("EachEntityStored, projection %d: %v", p, err)
		}
		slices.SortFunc(got, byID)
		equal(t, fmt.Sprintf("stored-order entities, projection %d", p), got, want)
	}
	var rels []model.Relationship
	if err := s.EachRelationshipStored(ctx(t), func(r *model.Relationship) error {
		rels = append(rels, *r)
		return nil
	}); err != nil {
		t.Fatalf("EachRelationshipStored: %v", err)
	}
	slices.SortFunc(rels, func(a, b model.Relationship) int { return strings.Compare(a.ID, b.ID) })
	equal(t, "stored-order relationships", rels, relationships(t, s))

	stop := errors.New("stop")
	n := 0
	if err := s.EachEntityStored(ctx(t), store.ProjectScoring, func(*model.Entity) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachEntityStored stop: err %v after %d calls, want stop after 1", err, n)
	}
	n = 0
	if err := s.EachRelationshipStored(ctx(t), func(*model.Relationship) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachRelationshipStored stop: err %v after %d calls, want stop after 1", err, n)
	}
}
