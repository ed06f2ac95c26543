package model

import "testing"

// Aggregate.Text decides "covered" as the engine does: a strict certain sum
// is a little more than its value.
func TestAggregateText(t *testing.T) {
	name := func(id string) string { return id }
	root := AggregateTerm{HolderID: "R", Share: Range(25, 50, true, false), Why: AggregateRoot, Certain: true}
	undisclosed := AggregateTerm{HolderID: "U", Share: Range(0, 50, false, true), ShareNotGiven: true, Why: AggregateUndisclosed}
	for _, tc := range []struct {
		name string
		a    *Aggregate
		want string
	}{
		{"none", nil, NoAggregateTerms},
		{"no terms", &Aggregate{Threshold: 50, Inclusive: true}, NoAggregateTerms},
		{"reached", &Aggregate{Terms: []AggregateTerm{{HolderID: "A", Share: Exact(50), Why: AggregateCovered, Certain: true}},
			Certain: 50, Possible: 50, Threshold: 50, Inclusive: true}, "A (covered) 50% = 50% certain ≥ 50%: covered"},
		{"not reached, exclusive", &Aggregate{Terms: []AggregateTerm{{HolderID: "A", Share: Exact(50), Why: AggregateCovered, Certain: true}},
			Certain: 50, Possible: 50, Threshold: 50}, "A (covered) 50% = 50% certain, not > 50%"},
		{"strict sum reaches an exclusive threshold", &Aggregate{Terms: []AggregateTerm{root, root},
			Certain: 50, CertainStrict: true, Possible: 100, Threshold: 50},
			"R (root) (25%, 50%] + R (root) (25%, 50%] = 50% certain, up to 100% > 50%: covered"},
		{"share not given", &Aggregate{Terms: []AggregateTerm{root, undisclosed}, Certain: 25, CertainStrict: true,
			Possible: 100, PossibleStrict: true, Threshold: 50, Inclusive: true},
			"R (root) (25%, 50%] + U (undisclosed holder) share not given, [0%, 50%) = 25% certain, up to 100%, not ≥ 50%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Text(name); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
