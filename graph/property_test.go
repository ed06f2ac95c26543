package graph

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// randomGraph makes a small messy registry: roots, unknown holders,
// cross-holdings, bands with exclusive bounds, unknown shares, control
// links, some of them marked indirect.
func randomGraph(r *rand.Rand, n, m int) ([]model.Entity, []model.Relationship) {
	jurs := []string{"CN", "HK", "GB", "US", "DE", "KY", "GB", "US", "DE", "GB"}
	ents := make([]model.Entity, n)
	for i := range ents {
		e := model.Entity{ID: fmt.Sprintf("e%03d", i), Name: fmt.Sprintf("Entity %d", i),
			Kind: model.Company, Jurisdiction: jurs[r.IntN(len(jurs))]}
		switch x := r.IntN(20); {
		case x == 0:
			e.Kind, e.Jurisdiction = model.Unknown, ""
		case x == 1:
			e.Kind, e.Jurisdiction, e.Nationality = model.Person, "", []string{jurs[r.IntN(len(jurs))]}
		case x == 2:
			e.Kind, e.Jurisdiction = model.StateBody, "CN"
		}
		ents[i] = e
	}
	kinds := []model.RelKind{model.Ownership, model.Ownership, model.Ownership, model.Ownership,
		model.Voting, model.Board, model.Consolidation, model.Influence, model.Officer}
	rels := make([]model.Relationship, 0, m)
	for range m {
		h, t := r.IntN(n), r.IntN(n)
		if h == t {
			continue
		}
		k := kinds[r.IntN(len(kinds))]
		var s model.Share
		switch x := r.IntN(10); {
		case x < 5:
			s = model.Exact(float64(r.IntN(101)))
		case x < 8:
			lo := float64(r.IntN(4) * 25)
			s = model.Range(lo, lo+25, true, false)
		case x < 9:
			lo := float64(r.IntN(90))
			s = model.Range(lo, lo+float64(r.IntN(10)+1), r.IntN(2) == 0, r.IntN(2) == 0)
		}
		rel := link(ents[h].ID, ents[t].ID, k, s)
		if r.IntN(8) == 0 {
			rel.Direct = "indirect" // counted or not depending on the chains around it
		}
		rel.SourceRef = fmt.Sprintf("r%d", len(rels))
		rel.ID = model.RelationshipID("test", rel.SourceRef, rel.HolderID, rel.HeldID, k)
		rels = append(rels, rel)
	}
	return ents, rels
}

func allResults(t testing.TB, s *Scoring) map[string]model.Result {
	out := map[string]model.Result{}
	if err := s.Each(func(r *model.Result) error { out[r.EntityID] = *r; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPropertyBounds(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		ents, rels := randomGraph(r, 5+r.IntN(40), r.IntN(120))
		s := mustScore(t, ents, rels, nil)
		for id, res := range allResults(t, s) {
			u, v := res.ChineseShare, res.ChineseVotes
			if u.Min < 0 || u.Max > 100 || u.Min > u.Max+1e-9 || v.Min < 0 || v.Max > 100 || v.Min > v.Max+1e-9 {
				t.Fatalf("seed %d %s: U %v V %v out of bounds", seed, id, u, v)
			}
			if res.Verdict.Rank() < res.PossibleVerdict.Rank() && res.PossibleVerdict != "" {
				t.Fatalf("seed %d %s: certain %s stronger than possible %s", seed, id, res.Verdict, res.PossibleVerdict)
			}
			if res.Indeterminate != (res.PossibleVerdict != "") {
				t.Fatalf("seed %d %s: indeterminate %v with possible verdict %q", seed, id, res.Indeterminate, res.PossibleVerdict)
			}
			if res.AggregateCertain && !res.AggregatePossible {
				t.Fatalf("seed %d %s: certainly but not possibly covered", seed, id)
			}
			if (res.Verdict == model.VerdictOwned50) != (res.AggregateCertain && res.Verdict.Rank() >= 2) {
				t.Fatalf("seed %d %s: verdict %s with aggregate %v", seed, id, res.Verdict, res.AggregateCertain)
			}
			if res.Verdict != model.VerdictClear && len(res.Evidence) == 0 {
				t.Fatalf("seed %d %s: %s without evidence", seed, id, res.Verdict)
			}
			for _, ev := range res.Evidence {
				if len(ev.Hops) != len(ev.Path)-1 && len(ev.Path) > 1 {
					t.Fatalf("seed %d %s: malformed evidence %+v", seed, id, ev)
				}
			}
		}
	}
}

// TestPropertyMonotone raises one ownership share at a time: the certain
// integrated share never falls and the certain aggregate set never shrinks.
func TestPropertyMonotone(t *testing.T) {
	for seed := range uint64(100) {
		r := rand.New(rand.NewPCG(seed, 2))
		ents, rels := randomGraph(r, 5+r.IntN(30), r.IntN(90))
		base := allResults(t, mustScore(t, ents, rels, nil))
		for try := 0; try < 5 && len(rels) > 0; try++ {
			i := r.IntN(len(rels))
			if rels[i].Kind != model.Ownership || !rels[i].Share.Known {
				continue
			}
			raised := slices.Clone(rels)
			s := raised[i].Share
			d := float64(r.IntN(30) + 1)
			s.Min, s.Max = min(s.Min+d, 100), min(s.Max+d, 100)
			if s.Min == s.Max {
				s.MinExclusive, s.MaxExclusive = false, false
			}
			raised[i].Share = s
			after := allResults(t, mustScore(t, ents, raised, nil))
			for id, b := range base {
				a := after[id]
				if a.ChineseShare.Min < b.ChineseShare.Min-1e-9 {
					t.Fatalf("seed %d: raising %s lowered U(%s) %v → %v", seed, rels[i].ID, id, b.ChineseShare.Min, a.ChineseShare.Min)
				}
				if b.AggregateCertain && !a.AggregateCertain {
					t.Fatalf("seed %d: raising %s removed %s from C", seed, rels[i].ID, id)
				}
			}
		}
	}
}

func TestPropertyInputOrder(t *testing.T) {
	for seed := range uint64(100) {
		r := rand.New(rand.NewPCG(seed, 3))
		ents, rels := randomGraph(r, 5+r.IntN(40), r.IntN(120))
		// Duplicate some assertions and entities: merging must not depend on order.
		for i := 0; i < len(rels)/10; i++ {
			d := rels[r.IntN(len(rels))]
			d.SourceRef += "-again"
			rels = append(rels, d)
		}
		if len(ents) > 0 {
			e := ents[0]
			e.Lists = []string{"x"}
			ents = append(ents, e)
		}
		want := jsonResults(t, mustScore(t, ents, rels, nil))
		for range 3 {
			r.Shuffle(len(ents), func(i, j int) { ents[i], ents[j] = ents[j], ents[i] })
			r.Shuffle(len(rels), func(i, j int) { rels[i], rels[j] = rels[j], rels[i] })
			if got := jsonResults(t, mustScore(t, ents, rels, nil)); got != want {
				t.Fatalf("seed %d: results depend on input order", seed)
			}
		}
		checkRenaming(t, fmt.Sprintf("seed %d", seed), r, ents, rels)
	}
}

// TestPropertyRenamingDeep renames the ids of deep, cyclic graphs.
func TestPropertyRenamingDeep(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 6))
		ents, rels := deepGraph(r)
		checkRenaming(t, fmt.Sprintf("seed %d", seed), r, ents, rels)
	}
}

// checkRenaming scores the graph with its ids renamed at random (names and
// everything else kept) and its rows shuffled: the results, read back
// under the old ids, are the same — verdicts, shares, evidence paths and
// sentences, joint controllers in their order. Controllers are compared
// as a set: they are listed in id order.
func checkRenaming(t *testing.T, where string, r *rand.Rand, ents []model.Entity, rels []model.Relationship) {
	t.Helper()
	want := allResults(t, mustScore(t, ents, rels, nil))
	back := map[string]string{}
	to := map[string]string{}
	for _, e := range ents {
		if _, ok := to[e.ID]; !ok {
			to[e.ID] = fmt.Sprintf("id-%08x", r.Uint32())
			back[to[e.ID]] = e.ID
		}
	}
	renamedEnts := make([]model.Entity, len(ents))
	for i, e := range ents {
		e.ID = to[e.ID]
		renamedEnts[i] = e
	}
	renamedRels := make([]model.Relationship, len(rels))
	for i, l := range rels {
		l.HolderID, l.HeldID = to[l.HolderID], to[l.HeldID]
		l.ID = model.RelationshipID(l.Source, l.SourceRef, l.HolderID, l.HeldID, l.Kind)
		renamedRels[i] = l
	}
	r.Shuffle(len(renamedEnts), func(i, j int) { renamedEnts[i], renamedEnts[j] = renamedEnts[j], renamedEnts[i] })
	r.Shuffle(len(renamedRels), func(i, j int) { renamedRels[i], renamedRels[j] = renamedRels[j], renamedRels[i] })
	got := allResults(t, mustScore(t, renamedEnts, renamedRels, nil))
	ids := func(xs []string) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = back[x]
		}
		return out
	}
	for newID, res := range got {
		res.EntityID = back[newID]
		res.Controllers = ids(res.Controllers)
		slices.Sort(res.Controllers)
		res.JointControllers = ids(res.JointControllers)
		for i := range res.Evidence {
			ev := &res.Evidence[i]
			ev.Path = ids(ev.Path)
			for j := range ev.Hops {
				ev.Hops[j].HolderID, ev.Hops[j].HeldID = back[ev.Hops[j].HolderID], back[ev.Hops[j].HeldID]
			}
		}
		w := want[res.EntityID]
		slices.Sort(w.Controllers)
		a, _ := json.Marshal(res)
		b, _ := json.Marshal(w)
		if string(a) != string(b) {
			t.Fatalf("%s: %s differs under other ids:\n got %s\nwant %s", where, res.EntityID, a, b)
		}
	}
}

func jsonResults(t testing.TB, s *Scoring) string {
	var out []byte
	if err := s.Each(func(r *model.Result) error {
		b, err := json.Marshal(r)
		out = append(append(out, b...), '\n')
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestPropertyOwnershipOnly checks that the ownership-only policy never
// produces control verdicts.
func TestPropertyOwnershipOnly(t *testing.T) {
	p := policy.Default()
	p.ControlTest = false
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 4))
		ents, rels := randomGraph(r, 5+r.IntN(40), r.IntN(120))
		for id, res := range allResults(t, mustScore(t, ents, rels, p)) {
			if res.Verdict == model.VerdictControlled || res.Verdict == model.VerdictJointControl ||
				res.PossibleVerdict == model.VerdictControlled || res.PossibleVerdict == model.VerdictJointControl {
				t.Fatalf("seed %d %s: %s/%s under an ownership-only policy", seed, id, res.Verdict, res.PossibleVerdict)
			}
		}
	}
}

// TestParallelEachMatchesSequential scores a graph big enough for the
// parallel path of Each and compares it with per-entity Result calls.
func TestParallelEachMatchesSequential(t *testing.T) {
	g, err := synthBuilder(5000, 3).Build()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Score(g, policy.Default(), testDay)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	if err := s.Each(func(r *model.Result) error {
		want := s.result(uint32(i))
		a, _ := json.Marshal(r)
		b, _ := json.Marshal(want)
		if string(a) != string(b) || r.EntityID != g.ID(i) {
			t.Fatalf("entity %d: parallel result differs", i)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != g.NumEntities() {
		t.Fatalf("Each visited %d of %d entities", i, g.NumEntities())
	}
}
