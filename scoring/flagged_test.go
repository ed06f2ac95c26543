package scoring_test

import (
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
)

// A run's flagged count comes from its policy: the flagged verdicts it
// recorded, else (runs recorded before) its preset when the hash still
// matches, else it is not known — never the default policy's verdicts.
func TestFlaggedCount(t *testing.T) {
	ofac, err := policy.Preset("ofac-50")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[model.Verdict]int{model.VerdictChineseEntity: 1, model.VerdictControlled: 2,
		model.VerdictOwned50: 4, model.VerdictJointControl: 8, model.VerdictSignificant: 16}
	for _, tc := range []struct {
		name   string
		run    model.Run
		want   int
		wantOK bool
	}{
		{"recorded verdicts", model.Run{Policy: "mine.yaml", FlaggedVerdicts: []model.Verdict{model.VerdictSignificant}}, 16, true},
		{"recorded: nothing flagged", model.Run{Policy: "default", FlaggedVerdicts: []model.Verdict{}}, 0, true},
		{"older run, preset", model.Run{Policy: "default", PolicyHash: policy.Default().Hash()}, 15, true},
		{"older run, other preset", model.Run{Policy: ofac.Name, PolicyHash: ofac.Hash()}, sum(counts, ofac.Flagged), true},
		{"older run, preset changed since", model.Run{Policy: "default", PolicyHash: "0123456789ab"}, 0, false},
		{"older run, policy file gone", model.Run{Policy: "/nonexistent/mine.yaml", PolicyHash: "0123456789ab"}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.run.Counts = counts
			got, ok := scoring.FlaggedCount(tc.run)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("FlaggedCount = %d, %v; want %d, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func sum(counts map[model.Verdict]int, verdicts []model.Verdict) int {
	n := 0
	for _, v := range verdicts {
		n += counts[v]
	}
	return n
}
