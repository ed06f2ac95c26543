package graph

import (
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/model"
)

// Result.Aggregate is the sum aggregate() made, as data: the links it
// counted (active at the as-of date, no indirect restatement of a chain),
// for certain or only possibly, strongest first.
func TestAggregateData(t *testing.T) {
	person := model.Entity{ID: "M", Name: "M", Kind: model.Person}
	later := own("A", "B", 25)
	later.StartDate = "2025-07-01" // the day after testDay
	term := func(holder string, share model.Share, why string, certain bool) model.AggregateTerm {
		return model.AggregateTerm{HolderID: holder, Share: share, Why: why, Certain: certain}
	}
	undisclosed := term("U", model.Range(0, 75, false, true), model.AggregateUndisclosed, false)
	undisclosed.ShareNotGiven = true
	for _, tc := range []struct {
		name string
		ents []model.Entity
		rels []model.Relationship
		want *model.Aggregate
	}{
		{"a covered holder and a root", []model.Entity{company("X", "CN"), company("A", "GB"), company("B", "GB")},
			[]model.Relationship{own("X", "A", 60), own("A", "B", 40), own("X", "B", 10)},
			&model.Aggregate{Terms: []model.AggregateTerm{term("A", model.Exact(40), model.AggregateCovered, true),
				term("X", model.Exact(10), model.AggregateRoot, true)}, Certain: 50, Possible: 50, Threshold: 50, Inclusive: true}},
		{"a link starting after the as-of date", []model.Entity{company("X", "CN"), company("A", "GB"), company("B", "GB")},
			[]model.Relationship{own("X", "A", 60), own("X", "B", 30), later},
			&model.Aggregate{Terms: []model.AggregateTerm{term("X", model.Exact(30), model.AggregateRoot, true)},
				Certain: 30, Possible: 30, Threshold: 50, Inclusive: true}},
		{"an indirect shortcut of a chain", []model.Entity{company("X", "CN"), company("A", "GB"), company("B", "GB")},
			[]model.Relationship{own("X", "A", 60), own("A", "B", 40), indirect(own("X", "B", 24))},
			&model.Aggregate{Terms: []model.AggregateTerm{term("A", model.Exact(40), model.AggregateCovered, true)},
				Certain: 40, Possible: 40, Threshold: 50, Inclusive: true}},
		{"an undisclosed holder's share is what the others leave", []model.Entity{person, unknownHolder("U"), company("B", "GB")},
			[]model.Relationship{band("M", "B", model.Ownership, 25, 50, true, false), rel("U", "B", model.Ownership)},
			&model.Aggregate{Terms: []model.AggregateTerm{undisclosed}, Possible: 75, PossibleStrict: true, Threshold: 50, Inclusive: true}},
		{"no holder counts", []model.Entity{person, company("B", "GB")},
			[]model.Relationship{own("M", "B", 100)}, nil},
		{"a root is covered whatever its holders", []model.Entity{company("X", "CN"), company("B", "CN")},
			[]model.Relationship{own("X", "B", 100)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustResult(t, mustScore(t, tc.ents, tc.rels, nil), "B")
			if !reflect.DeepEqual(r.Aggregate, tc.want) {
				t.Errorf("aggregate\n got %+v\nwant %+v", r.Aggregate, tc.want)
			}
		})
	}
}
