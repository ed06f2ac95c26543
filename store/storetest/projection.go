package storetest

import (
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// testEntityProjections: store.EachEntityProjected gives, for every
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
		if err := store.EachEntityProjected(ctx(t), s, p, func(e *model.Entity) error {
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
