package storetest

import (
	"fmt"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// testHolders checks HolderReader against Neighbourhood: for any set of
// ids, the union of each id's Up neighbourhood of depth 1 without the ids
// themselves (unless they hold one another), in one call.
func testHolders(t *testing.T, s store.Store) {
	hr, ok := s.(store.HolderReader)
	if !ok {
		t.Skip("store has no HolderReader")
	}
	chainGraph(t, s)
	// An officer and an ended holding count as links too; more ids than one
	// query takes.
	upsertEntities(t, s, model.Entity{ID: "p", Name: "Person P", Kind: model.Person, Nationality: []string{"CN"}})
	ended := own("x", "d", 10)
	ended.EndDate = "2020-01-01"
	upsertRels(t, s, model.Relationship{ID: "p>c:officer", HolderID: "p", HeldID: "c", Kind: model.Officer}, ended)
	for _, tc := range []struct {
		ids      []string
		entities []string
		rels     []string
	}{
		{[]string{"c"}, []string{"b", "p"}, []string{"b>c", "p>c"}},
		{[]string{"b", "d", "missing"}, []string{"a", "c", "r2", "x"}, []string{"a>b", "c>d", "r2>b", "x>d"}},
		{[]string{"r1", "r2"}, nil, nil},
		{nil, nil, nil},
		{manyIDs("s", 1200), []string{"b", "x"}, []string{"b>s", "x>s"}},
	} {
		name := fmt.Sprint(len(tc.ids), " ids")
		if len(tc.ids) < 5 {
			name = fmt.Sprint(tc.ids)
		}
		g, err := hr.Holders(ctx(t), tc.ids)
		if err != nil {
			t.Fatalf("Holders(%s): %v", name, err)
		}
		equal(t, name+" entities", entityIDs(g.Entities), nonEmpty(tc.entities))
		equal(t, name+" relationships", relEnds(g.Relationships), nonEmpty(tc.rels))
		if len(tc.ids) == 1 {
			n := neighbourhood(t, s, tc.ids[0], store.Up, 1, 0)
			equal(t, name+" relationships as Neighbourhood", g.Relationships, n.Relationships)
			var above []model.Entity
			for _, e := range n.Entities {
				if e.ID != tc.ids[0] {
					above = append(above, e)
				}
			}
			equal(t, name+" holders as Neighbourhood", g.Entities, above)
		}
		for _, e := range g.Entities {
			if e.Name == "" {
				t.Errorf("%s: holder %q lacks its fields", name, e.ID)
			}
		}
	}
}

// manyIDs is id followed by n ids that are not in the store.
func manyIDs(id string, n int) []string {
	ids := []string{id}
	for i := range n {
		ids = append(ids, fmt.Sprintf("none%04d", i))
	}
	return ids
}

func nonEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
