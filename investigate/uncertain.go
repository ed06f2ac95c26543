package investigate

import (
	"fmt"
	"slices"
	"time"

	"github.com/ubo-project/ubo/graph"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/store"
)

// Uncertainty is one piece of missing information above an indeterminate
// entity, and the verdict the entity would get if it resolved against it.
type Uncertainty struct {
	HolderID string      `json:"holder_id"`
	HeldID   string      `json:"held_id"`
	Kind     string      `json:"kind"`
	Share    model.Share `json:"share"`
	// Assume is the counterfactual: "holder is Chinese" or "share at its maximum".
	Assume string `json:"assume"`
	// Verdict is the entity's verdict under that assumption alone; "" when
	// this piece alone does not change it.
	Verdict model.Verdict `json:"verdict,omitempty"`
	Why     string        `json:"why"`
}

// maxCounterfactuals bounds how many single changes are re-scored.
const maxCounterfactuals = 40

// Uncertainties finds, in the upward neighbourhood sg of target, the
// undisclosed holders and the share ranges (or missing shares) that could
// change target's certain verdict, and says to what: each is resolved
// against target alone — an unknown holder taken to be a root, a range or
// a missing share taken at its maximum — and the neighbourhood re-scored
// with the engine. Pieces that change nothing alone are listed only when no
// single piece changes the verdict and all of them together do (then they
// are listed with that verdict); otherwise nothing is: the list holds only
// what would change the verdict. Relationships that ended on or before
// asOf are not candidates: the engine ignores them, so resolving them
// changes nothing.
func Uncertainties(sg store.Subgraph, target string, pol *policy.Policy, asOf time.Time) ([]Uncertainty, error) {
	base, err := scoreSubgraph(sg, pol, asOf, nil, nil)
	if err != nil {
		return nil, err
	}
	before, ok := base.Result(target)
	if !ok {
		return nil, fmt.Errorf("explain: %s is not in its neighbourhood", target)
	}
	kinds := map[string]model.EntityKind{}
	for _, e := range sg.Entities {
		kinds[e.ID] = e.Kind
	}
	var cands []Uncertainty
	unknownDone := map[string]bool{}
	day := asOf.Format("2006-01-02")
	for _, r := range sg.Relationships {
		if len(cands) >= maxCounterfactuals {
			break
		}
		if r.EndDate != "" && r.EndDate <= day {
			continue // ended: the engine does not count it
		}
		if kinds[r.HolderID] == model.Unknown {
			if unknownDone[r.HolderID] {
				continue
			}
			unknownDone[r.HolderID] = true
			cands = append(cands, Uncertainty{HolderID: r.HolderID, HeldID: r.HeldID, Kind: string(r.Kind),
				Share: r.Share, Assume: "the undisclosed holder is Chinese (with the largest share the data leaves it)"})
			continue
		}
		if r.Kind != model.Ownership && r.Kind != model.Voting {
			continue
		}
		switch {
		case !r.Share.Known:
			cands = append(cands, Uncertainty{HolderID: r.HolderID, HeldID: r.HeldID, Kind: string(r.Kind),
				Share: r.Share, Assume: "the share, not given, is at its maximum"})
		case r.Share.Min < r.Share.Max:
			cands = append(cands, Uncertainty{HolderID: r.HolderID, HeldID: r.HeldID, Kind: string(r.Kind),
				Share: r.Share, Assume: "the share is at the top of its range (" + model.FormatPercent(r.Share.Max) + "%)"})
		}
	}
	// assume adds candidate c's counterfactual to asRoot and atMax.
	assume := func(c Uncertainty, asRoot map[string]bool, atMax map[[3]string]bool) {
		if kinds[c.HolderID] == model.Unknown {
			// Chinese, and holding as much as the data leaves it
			asRoot[c.HolderID] = true
			for _, r := range sg.Relationships {
				if r.HolderID == c.HolderID && (!r.Share.Known || r.Share.Min < r.Share.Max) {
					atMax[[3]string{r.HolderID, r.HeldID, string(r.Kind)}] = true
				}
			}
			return
		}
		atMax[[3]string{c.HolderID, c.HeldID, c.Kind}] = true
	}
	var changing, silent []Uncertainty
	for _, c := range cands {
		asRoot, atMax := map[string]bool{}, map[[3]string]bool{}
		assume(c, asRoot, atMax)
		sc, err := scoreSubgraph(sg, pol, asOf, asRoot, atMax)
		if err != nil {
			return nil, err
		}
		after, _ := sc.Result(target)
		if after.Verdict.Rank() < before.Verdict.Rank() {
			c.Verdict = after.Verdict
			c.Why = "if " + c.Assume + ", the verdict would be " + string(after.Verdict)
			changing = append(changing, c)
		} else {
			c.Why = "alone, " + c.Assume + " would not change the verdict"
			silent = append(silent, c)
		}
	}
	if len(changing) > 0 {
		slices.SortStableFunc(changing, func(a, b Uncertainty) int {
			return a.Verdict.Rank() - b.Verdict.Rank()
		})
		return changing, nil
	}
	if len(silent) == 0 {
		return nil, nil
	}
	asRoot, atMax := map[string]bool{}, map[[3]string]bool{}
	for _, c := range silent {
		assume(c, asRoot, atMax)
	}
	sc, err := scoreSubgraph(sg, pol, asOf, asRoot, atMax)
	if err != nil {
		return nil, err
	}
	after, _ := sc.Result(target)
	if after.Verdict.Rank() >= before.Verdict.Rank() {
		return nil, nil // not even all of them together would change it
	}
	for i := range silent {
		silent[i].Verdict = after.Verdict
		silent[i].Why = "only together with the others listed (" + silent[i].Assume + "), the verdict would be " + string(after.Verdict)
	}
	return silent, nil
}

// scoreSubgraph scores sg, with the holders in asRoot made roots (an
// incorporation in the policy's first country of concern) and the links in
// atMax set to the top of their range (a missing share to what the other
// holders leave).
func scoreSubgraph(sg store.Subgraph, pol *policy.Policy, asOf time.Time, asRoot map[string]bool, atMax map[[3]string]bool) (*graph.Scoring, error) {
	b := graph.NewBuilder()
	country := "CN"
	if len(pol.Countries) > 0 {
		country = pol.Countries[0]
	}
	for _, e := range sg.Entities {
		if asRoot[e.ID] {
			e.Kind, e.Jurisdiction = model.Company, country
		}
		b.AddEntity(e)
	}
	for _, r := range sg.Relationships {
		if atMax[[3]string{r.HolderID, r.HeldID, string(r.Kind)}] {
			hi := r.Share.Max
			if !r.Share.Known {
				hi = 100 - othersMin(sg.Relationships, r)
			}
			r.Share = model.Exact(hi)
		}
		b.AddRelationship(r)
	}
	g, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("explain: build neighbourhood graph: %w", err)
	}
	sc, err := graph.Score(g, pol, asOf)
	if err != nil {
		return nil, fmt.Errorf("explain: score neighbourhood: %w", err)
	}
	return sc, nil
}

// othersMin is the sum of the other holders' minimum shares of the same
// kind in the same entity.
func othersMin(rels []model.Relationship, r model.Relationship) float64 {
	sum := 0.0
	for _, o := range rels {
		if o.HeldID == r.HeldID && o.Kind == r.Kind && o.HolderID != r.HolderID && o.Share.Known {
			sum += o.Share.Min
		}
	}
	if sum > 100 {
		return 100
	}
	return sum
}
