package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ubo-project/ubo/model"
)

// indirect marks r as an indirect holding, as BODS and PSC parsers do.
func indirect(r model.Relationship) model.Relationship {
	r.Direct = "indirect"
	r.SourceRef += "/indirect"
	r.ID = model.RelationshipID("test", r.SourceRef, r.HolderID, r.HeldID, r.Kind)
	return r
}

func ended(r model.Relationship, day string) model.Relationship {
	r.EndDate = day
	return r
}

// chainOf is P →100% A1 → … → Ak →100% B: k intermediaries, k+1 hops.
func chainOf(k int) ([]model.Entity, []model.Relationship) {
	ents := []model.Entity{company("P", "CN"), company("B", "GB")}
	prev := "P"
	var rels []model.Relationship
	for i := 1; i <= k; i++ {
		id := fmt.Sprintf("A%02d", i)
		ents = append(ents, company(id, "GB"))
		rels = append(rels, own(prev, id, 100))
		prev = id
	}
	return ents, append(rels, own(prev, "B", 100))
}

// indirectCase is one entity's expected outcome in a graph with indirect edges.
type indirectCase struct {
	name     string
	ents     []model.Entity
	rels     []model.Relationship
	id       string
	verdict  model.Verdict
	minU     float64
	maxU     float64
	skipped  int        // Scoring.IndirectSkipped
	pathsVia [][]string // every evidence path, in order (nil: not checked)
}

func TestIndirectEdges(t *testing.T) {
	cn := func(id string) model.Entity { return company(id, "CN") }
	gb := func(id string) model.Entity { return company(id, "GB") }
	cnPerson := model.Entity{ID: "P", Name: "P", Kind: model.Person, Nationality: []string{"CN"}}
	long12Ents, long12Rels := chainOf(11) // 12 hops: within the search
	long13Ents, long13Rels := chainOf(12) // 13 hops: past it
	cases := []indirectCase{
		{
			// A BODS publisher states the chain and the ultimate owner's
			// indirect interest: without the rule U(B) = 60 + 60.
			name: "BODS chain and indirect interest count once",
			ents: []model.Entity{cn("P"), gb("A"), gb("B")},
			rels: []model.Relationship{own("P", "A", 60), own("A", "B", 100), indirect(own("P", "B", 60))},
			id:   "B", verdict: model.VerdictControlled, minU: 60, maxU: 60, skipped: 1,
			pathsVia: [][]string{{"P", "A", "B"}},
		},
		{
			// Counted, P's indirect 21% (30% × 70% through A) would add to
			// Q's 30% and put B in the aggregate set: A is not covered.
			name: "indirect shortcut does not tip the aggregate rule",
			ents: []model.Entity{cn("P"), cn("Q"), gb("A"), gb("B")},
			rels: []model.Relationship{own("P", "A", 30), own("A", "B", 70), own("Q", "B", 30),
				indirect(own("P", "B", 21))},
			id: "B", verdict: model.VerdictSignificant, minU: 51, maxU: 51, skipped: 1,
			pathsVia: [][]string{{"Q", "B"}, {"P", "A", "B"}},
		},
		{
			// PSC "ownership-of-shares-25-to-50-percent-as-trust": the trust
			// is not in the data, so the indirect edge is the only record.
			name: "PSC trust-style indirect edge without a chain counts",
			ents: []model.Entity{cnPerson, gb("X")},
			rels: []model.Relationship{indirect(band("P", "X", model.Ownership, 25, 50, true, false))},
			id:   "X", verdict: model.VerdictSignificant, minU: 25, maxU: 50, skipped: 0,
			pathsVia: [][]string{{"P", "X"}},
		},
		{
			name: "a direct assertion of the same link supersedes the indirect one",
			ents: []model.Entity{cn("P"), gb("B")},
			rels: []model.Relationship{own("P", "B", 10), indirect(own("P", "B", 60))},
			id:   "B", verdict: model.VerdictMinority, minU: 10, maxU: 10, skipped: 1,
			pathsVia: [][]string{{"P", "B"}},
		},
		{
			name: "a voting chain is a chain",
			ents: []model.Entity{cn("P"), gb("A"), gb("B")},
			rels: []model.Relationship{link("P", "A", model.Voting, model.Exact(60)), own("A", "B", 100),
				indirect(own("P", "B", 60))},
			id: "B", verdict: model.VerdictControlled, minU: 0, maxU: 0, skipped: 1,
		},
		{
			name: "a chain that ended before the as-of date does not hide the indirect edge",
			ents: []model.Entity{cn("P"), gb("A"), gb("B")},
			rels: []model.Relationship{ended(own("P", "A", 60), "2020-01-01"), own("A", "B", 100),
				indirect(own("P", "B", 60))},
			id: "B", verdict: model.VerdictControlled, minU: 60, maxU: 60, skipped: 0,
			pathsVia: [][]string{{"P", "B"}},
		},
		{
			name: "a chain of indirect edges is no chain",
			ents: []model.Entity{cn("P"), gb("A"), gb("B")},
			rels: []model.Relationship{indirect(own("P", "A", 10)), own("A", "B", 100), indirect(own("P", "B", 10))},
			id:   "B", verdict: model.VerdictMinority, minU: 20, maxU: 20, skipped: 0,
		},
		{
			// Control is boolean: an indirect board right counts whatever the chain.
			name: "indirect control-kind edge always counts",
			ents: []model.Entity{cn("P"), gb("A"), gb("B")},
			rels: []model.Relationship{own("P", "A", 10), own("A", "B", 10), indirect(rel("P", "B", model.Board))},
			id:   "B", verdict: model.VerdictControlled, minU: 1, maxU: 1, skipped: 0,
			pathsVia: [][]string{{"P", "B"}},
		},
		{
			name: "unknown holders' remainder ignores a skipped indirect edge",
			ents: []model.Entity{gb("P"), gb("A"), gb("B"), unknownHolder("U")},
			rels: []model.Relationship{own("P", "A", 60), own("A", "B", 60), indirect(own("P", "B", 36)),
				rel("U", "B", model.Ownership)},
			// U's share is [0, 40], not [0, 4]: possibly 40% Chinese.
			id: "B", verdict: model.VerdictClear, minU: 0, maxU: 40, skipped: 1,
		},
		{
			name: "a 12-hop chain is found",
			ents: long12Ents, rels: append(slices.Clone(long12Rels), indirect(own("P", "B", 10))),
			id: "B", verdict: model.VerdictControlled, minU: 100, maxU: 100, skipped: 1,
		},
		{
			// Past the search bound the indirect edge counts, and the
			// evidence shows it.
			name: "past the search bound the indirect edge counts",
			ents: long13Ents, rels: append(slices.Clone(long13Rels), indirect(own("P", "B", 10))),
			id: "B", verdict: model.VerdictControlled, minU: 100, maxU: 100, skipped: 0,
		},
	}
	// A holder of 100,000 companies (a state investor) above the chain:
	// searched from both ends, the chain is found at once.
	hubEnts := []model.Entity{cn("P"), gb("Hub"), gb("B")}
	hubRels := []model.Relationship{own("P", "Hub", 60)}
	for i := range 100_000 {
		id := fmt.Sprintf("S%06d", i)
		hubEnts = append(hubEnts, gb(id))
		hubRels = append(hubRels, own("Hub", id, 100))
	}
	hubRels = append(hubRels, own("S054321", "B", 100), indirect(own("P", "B", 60)))
	cases = append(cases, indirectCase{name: "a holder of 100,000 companies does not exhaust the search", ents: hubEnts, rels: hubRels,
		id: "B", verdict: model.VerdictControlled, minU: 60, maxU: 60, skipped: 1,
		pathsVia: [][]string{{"P", "Hub", "S054321", "B"}}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustScore(t, tc.ents, tc.rels, nil)
			r := mustResult(t, s, tc.id)
			if r.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s (%s)", r.Verdict, tc.verdict, r.Explanation)
			}
			if !near(r.ChineseShare.Min, tc.minU) || !near(r.ChineseShare.Max, tc.maxU) {
				t.Errorf("U = [%.4f, %.4f], want [%.2f, %.2f]", r.ChineseShare.Min, r.ChineseShare.Max, tc.minU, tc.maxU)
			}
			if got := s.IndirectSkipped(); got != tc.skipped {
				t.Errorf("IndirectSkipped = %d, want %d", got, tc.skipped)
			}
			if tc.pathsVia != nil {
				var got [][]string
				for _, ev := range r.Evidence {
					got = append(got, ev.Path)
				}
				if !slices.EqualFunc(got, tc.pathsVia, slices.Equal) {
					t.Errorf("evidence paths %q, want %q", got, tc.pathsVia)
				}
			}
			// Evidence never cites an assertion that was not counted.
			for _, ev := range r.Evidence {
				for _, h := range ev.Hops {
					if h.Kind == model.Ownership || h.Kind == model.Voting {
						if skippedRef(tc.rels, h.SourceRef) && tc.skipped > 0 {
							t.Errorf("evidence cites skipped assertion %s", h.SourceRef)
						}
					}
				}
			}
		})
	}
}

// skippedRef reports whether ref belongs to an indirect ownership or voting assertion.
func skippedRef(rels []model.Relationship, ref string) bool {
	for _, r := range rels {
		if r.SourceRef == ref && r.Direct == "indirect" && (r.Kind == model.Ownership || r.Kind == model.Voting) {
			return true
		}
	}
	return false
}

// TestPropertyIndirectShortcutsChangeNothing adds indirect ownership and
// voting edges between entities already joined by a chain of direct
// holdings: every result, evidence included, stays exactly the same.
func TestPropertyIndirectShortcutsChangeNothing(t *testing.T) {
	added := 0
	for seed := range uint64(100) {
		r := rand.New(rand.NewPCG(seed, 5))
		ents, rels := randomGraph(r, 5+r.IntN(30), r.IntN(90))
		want := jsonResults(t, mustScore(t, ents, rels, nil))
		reach := chainReach(rels)
		withShortcuts := slices.Clone(rels)
		for range 5 {
			h, tg := ents[r.IntN(len(ents))].ID, ents[r.IntN(len(ents))].ID
			if h == tg || !reach[h][tg] {
				continue
			}
			kind := model.Ownership
			if r.IntN(3) == 0 {
				kind = model.Voting
			}
			withShortcuts = append(withShortcuts, indirect(link(h, tg, kind, model.Exact(float64(1+r.IntN(100))))))
			added++
		}
		s := mustScore(t, ents, withShortcuts, nil)
		if got := jsonResults(t, s); got != want {
			t.Fatalf("seed %d: indirect shortcuts over existing chains changed the results", seed)
		}
	}
	if added == 0 {
		t.Fatal("no shortcut was added: the property was not exercised")
	}
}

// chainReach is, for each holder, the entities reachable within 12 hops
// over ownership and voting assertions not marked indirect.
func chainReach(rels []model.Relationship) map[string]map[string]bool {
	out := map[string][]string{}
	for _, r := range rels {
		if (r.Kind == model.Ownership || r.Kind == model.Voting) && r.Direct != "indirect" {
			out[r.HolderID] = append(out[r.HolderID], r.HeldID)
		}
	}
	reach := map[string]map[string]bool{}
	for h := range out {
		seen := map[string]bool{}
		level := []string{h}
		for hop := 0; hop < maxIndirectDepth && len(level) > 0; hop++ {
			var next []string
			for _, x := range level {
				for _, y := range out[x] {
					if !seen[y] {
						seen[y] = true
						next = append(next, y)
					}
				}
			}
			level = next
		}
		reach[h] = seen
	}
	return reach
}
