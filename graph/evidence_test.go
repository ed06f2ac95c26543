package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// A chain deeper than any hop limit still gets its path, whole.
func TestEvidenceLongChain(t *testing.T) {
	for _, depth := range []int{14, 35} {
		ents := []model.Entity{company("root", "CN")}
		var rels []model.Relationship
		path := []string{"root"}
		for i := 1; i <= depth; i++ {
			id := fmt.Sprintf("c%02d", i)
			ents = append(ents, company(id, "GB"))
			rels = append(rels, own(path[len(path)-1], id, 100))
			path = append(path, id)
		}
		r := mustResult(t, mustScore(t, ents, rels, nil), path[depth])
		if r.Verdict != model.VerdictControlled || !slices.Equal(r.Controllers, []string{"root"}) {
			t.Fatalf("depth %d: %s controlled by %q", depth, r.Verdict, r.Controllers)
		}
		if len(r.Evidence) != 1 || !slices.Equal(r.Evidence[0].Path, path) || r.Evidence[0].Truncated {
			t.Fatalf("depth %d: evidence %+v, want the whole chain", depth, r.Evidence)
		}
		if !strings.HasPrefix(r.Explanation, "Controlled by root (CN) via c01 100% →") {
			t.Errorf("depth %d: explanation %q", depth, r.Explanation)
		}
	}
}

// N7 controls T only through two roots it controls, neither of which
// controls T alone: the evidence runs through them and says so.
func TestEvidenceControlThroughOtherRoots(t *testing.T) {
	ents := []model.Entity{company("N7", "CN"), company("R1", "CN"), company("R2", "HK"), company("T", "GB"),
		company("X", "CN")}
	rels := []model.Relationship{own("N7", "R1", 100), own("N7", "R2", 100), own("R1", "T", 30), own("R2", "T", 30),
		own("X", "T", 10)}
	r := mustResult(t, mustScore(t, ents, rels, nil), "T")
	if r.Verdict != model.VerdictControlled || !slices.Equal(r.Controllers, []string{"N7"}) {
		t.Fatalf("%s controlled by %q", r.Verdict, r.Controllers)
	}
	var paths []string
	for _, ev := range r.Evidence {
		paths = append(paths, strings.Join(ev.Path, ">"))
	}
	if want := []string{"N7>R1>T", "N7>R2>T"}; !slices.Equal(paths, want) {
		t.Fatalf("evidence paths %q, want %q", paths, want)
	}
	if want := "Controlled by N7 (CN) via R1 (CN) 100% → T 30%"; r.Evidence[0].Explanation != want {
		t.Errorf("sentence %q, want %q", r.Evidence[0].Explanation, want)
	}
}

// T is consolidated by two jointly controlled entities, equally near:
// its joint controllers are all four partners whatever the ids.
func TestJointControllersEquallyNear(t *testing.T) {
	for _, ids := range [][2]string{{"a", "b"}, {"b", "a"}} {
		named := func(id, name, jur string) model.Entity {
			e := company(id, jur)
			e.Name = name
			return e
		}
		ents := []model.Entity{named(ids[0], "Alpha JV", "GB"), named(ids[1], "Beta JV", "GB"),
			named("p", "Peking", "CN"), named("q", "Quebec", "CA"), named("x", "Xenia", "US"), named("y", "Yunnan", "CN"),
			company("t", "GB")}
		rels := []model.Relationship{rel(ids[0], "t", model.Consolidation), rel(ids[1], "t", model.Consolidation),
			own("q", ids[0], 50), own("p", ids[0], 50), own("y", ids[1], 50), own("x", ids[1], 50)}
		r := mustResult(t, mustScore(t, ents, rels, nil), "t")
		if r.Verdict != model.VerdictJointControl {
			t.Fatalf("ids %v: verdict %s", ids, r.Verdict)
		}
		if want := []string{"p", "q", "x", "y"}; !slices.Equal(r.JointControllers, want) {
			t.Errorf("ids %v: joint controllers %q, want %q (by name)", ids, r.JointControllers, want)
		}
		if !strings.Contains(r.Explanation, "Alpha JV is jointly controlled by Peking (CN) 50% and Quebec 50%; Beta JV is jointly controlled by Xenia 50% and Yunnan (CN) 50%") {
			t.Errorf("ids %v: explanation %q", ids, r.Explanation)
		}
	}
}

// A budget too small for the fallback search still reports the strongest
// partial path, marked truncated.
func TestEvidenceBudgetCutIsMarked(t *testing.T) {
	ents := []model.Entity{company("root", "CN")}
	var rels []model.Relationship
	prev := "root"
	for i := 1; i <= 20; i++ {
		id := fmt.Sprintf("c%02d", i)
		ents = append(ents, company(id, "GB"))
		rels = append(rels, own(prev, id, 100))
		prev = id
	}
	s := mustScore(t, ents, rels, nil)
	s.evBudget = evidenceBudget{pops: 3, pushes: 100, settled: 5, fallbackPushes: 100}
	r := mustResult(t, s, "c20")
	if len(r.Evidence) != 1 || !r.Evidence[0].Truncated {
		t.Fatalf("evidence %+v, want one truncated path", r.Evidence)
	}
	ev := r.Evidence[0]
	if ev.Path[len(ev.Path)-1] != "c20" || ev.Path[0] == "root" || len(ev.Hops) != len(ev.Path)-1 {
		t.Errorf("partial path %q", ev.Path)
	}
	if !strings.Contains(ev.Explanation, "stopped there") {
		t.Errorf("sentence %q does not say the search stopped", ev.Explanation)
	}
}

// deepGraph is groups of chains 20–35 levels deep under roots, with back
// links making dense cycles, 50/50 joint ventures, and every control kind.
// At most one link per holder, held and kind, so hops can be checked
// against the input.
func deepGraph(r *rand.Rand) ([]model.Entity, []model.Relationship) {
	var ents []model.Entity
	var rels []model.Relationship
	seen := map[string]bool{}
	add := func(h, t string, k model.RelKind, s model.Share) {
		if h == t || seen[h+">"+t+":"+string(k)] {
			return
		}
		seen[h+">"+t+":"+string(k)] = true
		l := link(h, t, k, s)
		l.SourceRef = fmt.Sprintf("r%d", len(rels))
		rels = append(rels, l)
	}
	kinds := []model.RelKind{model.Ownership, model.Ownership, model.Voting, model.Board, model.Control, model.Consolidation}
	for g := range 1 + r.IntN(3) {
		jur := []string{"CN", "HK", "GB"}[r.IntN(3)]
		top := fmt.Sprintf("g%d-0", g)
		ents = append(ents, company(top, jur))
		chain := []string{top}
		for i := 1; i < 20+r.IntN(16); i++ {
			id := fmt.Sprintf("g%d-%d", g, i)
			ents = append(ents, company(id, []string{"GB", "US", "DE", "CN"}[r.IntN(4)]))
			k := kinds[r.IntN(len(kinds))]
			s := model.Share{}
			if k == model.Ownership || k == model.Voting {
				s = model.Exact(float64(40 + r.IntN(61)))
			}
			add(chain[len(chain)-1], id, k, s)
			if r.IntN(4) == 0 { // a joint venture partner
				add(chain[r.IntN(len(chain))], id, model.Ownership, model.Exact(50))
			}
			chain = append(chain, id)
		}
		for range len(chain) / 2 { // back links: cycles
			a, b := r.IntN(len(chain)), r.IntN(len(chain))
			add(chain[max(a, b)], chain[min(a, b)], model.Ownership, model.Exact(float64(1+r.IntN(30))))
		}
	}
	for range len(ents) / 4 { // links between groups
		a, b := ents[r.IntN(len(ents))].ID, ents[r.IntN(len(ents))].ID
		add(a, b, kinds[r.IntN(len(kinds))], model.Exact(float64(1+r.IntN(60))))
	}
	for i := range ents {
		ents[i].Name = "Name of " + ents[i].ID
	}
	return ents, rels
}

// TestPropertyDeepEvidence: every non-clear verdict has 1–5 evidence paths,
// each a real path of the graph ending at the entity with the hops' shares
// and sources as stored, starting at a root unless truncated; control paths
// start at a controller and pass only through controlled entities (a root
// among them controlled by one of the entity's controllers).
func TestPropertyDeepEvidence(t *testing.T) {
	for seed := range uint64(60) {
		r := rand.New(rand.NewPCG(seed, 5))
		ents, rels := deepGraph(r)
		byHop := map[string]model.Relationship{}
		for _, l := range rels {
			byHop[l.HolderID+">"+l.HeldID+":"+string(l.Kind)] = l
		}
		results := allResults(t, mustScore(t, ents, rels, nil))
		for id, res := range results {
			if res.Verdict == model.VerdictClear {
				continue
			}
			if n := len(res.Evidence); n < 1 || n > maxPaths {
				t.Fatalf("seed %d %s: %s with %d evidence paths", seed, id, res.Verdict, n)
			}
			if res.Verdict == model.VerdictChineseEntity {
				if len(res.Evidence) != 1 || !slices.Equal(res.Evidence[0].Path, []string{id}) {
					t.Fatalf("seed %d %s: root evidence %+v", seed, id, res.Evidence)
				}
				continue
			}
			for _, ev := range res.Evidence {
				checkPath(t, fmt.Sprintf("seed %d %s", seed, id), ev, id, byHop)
				if ev.Truncated {
					continue
				}
				if results[ev.Path[0]].Verdict != model.VerdictChineseEntity {
					t.Fatalf("seed %d %s: path %q starts at a %s", seed, id, ev.Path, results[ev.Path[0]].Verdict)
				}
				if res.Verdict != model.VerdictControlled {
					continue
				}
				if !slices.Contains(res.Controllers, ev.Path[0]) {
					t.Fatalf("seed %d %s: control path %q starts at no controller of %q", seed, id, ev.Path, res.Controllers)
				}
				for _, x := range ev.Path[1 : len(ev.Path)-1] {
					cs := results[x].Controllers
					if len(cs) == 0 || results[x].Verdict == model.VerdictChineseEntity &&
						!slices.ContainsFunc(cs, func(c string) bool { return slices.Contains(res.Controllers, c) }) {
						t.Fatalf("seed %d %s: control path %q passes %s, which none of %q controls", seed, id, ev.Path, x, res.Controllers)
					}
				}
			}
		}
	}
}

func checkPath(t *testing.T, where string, ev model.Evidence, id string, byHop map[string]model.Relationship) {
	t.Helper()
	if len(ev.Path) < 2 || ev.Path[len(ev.Path)-1] != id || len(ev.Hops) != len(ev.Path)-1 {
		t.Fatalf("%s: malformed path %q with %d hops", where, ev.Path, len(ev.Hops))
	}
	seen := map[string]bool{}
	for i, h := range ev.Hops {
		if h.HolderID != ev.Path[i] || h.HeldID != ev.Path[i+1] || seen[h.HolderID] {
			t.Fatalf("%s: hop %d %+v does not follow the simple path %q", where, i, h, ev.Path)
		}
		seen[h.HolderID] = true
		l, ok := byHop[h.HolderID+">"+h.HeldID+":"+string(h.Kind)]
		if !ok || l.Share != h.Share || l.SourceRef != h.SourceRef {
			t.Fatalf("%s: hop %+v is not the stored link %+v", where, h, l)
		}
	}
}

// The settle-once search's set agrees with a map across searches (each
// starting empty), growth and the shrink after a large search.
func TestSettledSet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var x settledSet
	for search, size := range []int{0, 1, 10, 600, 5000, 40000, 3, 700, 1} {
		x.begin()
		in := map[uint32]bool{}
		for len(in) < size {
			n := uint32(r.IntN(4 * (size + 1)))
			if x.has(n) != in[n] {
				t.Fatalf("search %d: has(%d) = %v before add, want %v", search, n, x.has(n), in[n])
			}
			if !in[n] {
				x.add(n)
				in[n] = true
			}
		}
		for n := range uint32(4 * (size + 1)) {
			if x.has(n) != in[n] {
				t.Fatalf("search %d (size %d): has(%d) = %v, want %v", search, size, n, x.has(n), in[n])
			}
		}
	}
}

// A path's evidence costs a fixed number of allocations, not a few per
// hop: minority interests through chains dozens of levels deep are most
// of a large graph's evidence.
func TestEvidenceAllocationsPerPath(t *testing.T) {
	// the evidence slice, path, hops, ids, references and sentence; with
	// the race detector, pooled scratch dropped by sync.Pool now and then
	limit := 8.0
	if raceEnabled {
		limit = 10
	}
	perDepth := map[int]float64{}
	for _, depth := range []int{5, 35} {
		ents := []model.Entity{company("root", "CN")}
		var rels []model.Relationship
		prev := "root"
		for i := 1; i <= depth; i++ {
			id := fmt.Sprintf("c%02d", i)
			ents = append(ents, company(id, "GB"))
			rels = append(rels, own(prev, id, 100))
			prev = id
		}
		ents = append(ents, company("t", "GB"))
		rels = append(rels, own(prev, "t", 10))
		s := mustScore(t, ents, rels, nil)
		x, ok := s.g.Lookup("t")
		if !ok || s.final[x] != vMinority {
			t.Fatalf("depth %d: t is %v, want a minority interest", depth, s.final[x])
		}
		var ev []model.Evidence
		allocs := testing.AllocsPerRun(20, func() { ev = s.evidence(uint32(x), vMinority, certain) })
		if len(ev) != 1 || len(ev[0].Hops) != depth+1 {
			t.Fatalf("depth %d: evidence %+v", depth, ev)
		}
		perDepth[depth] = allocs
		if allocs > limit {
			t.Errorf("depth %d: %v allocations for one path, want at most %v", depth, allocs, limit)
		}
	}
	if !raceEnabled && perDepth[35] > perDepth[5] {
		t.Errorf("a path of 36 entities costs %v allocations, one of 6 %v: want no more for the longer", perDepth[35], perDepth[5])
	}
}

// A root by a list tag is named by its tag, current or retired after the
// as-of date, in its own sentence and on the paths through it.
func TestListTagRootWords(t *testing.T) {
	p := policy.Default()
	p.Roots.ListTags = []string{"sanction"}
	for _, tc := range []struct {
		tag, sentence string
	}{
		{"sanction", "L is a Chinese root: listed as sanction."},
		{"ubo.retired:2030-01-02:sanction", "L is a Chinese root: listed as sanction until 2030-01-02."},
	} {
		l := company("L", "US")
		l.Lists = []string{tc.tag}
		s := mustScore(t, []model.Entity{l, company("T", "GB")}, []model.Relationship{own("L", "T", 60)}, p)
		if r := mustResult(t, s, "L"); r.Explanation != tc.sentence {
			t.Errorf("tag %q: root sentence %q, want %q", tc.tag, r.Explanation, tc.sentence)
		}
		r := mustResult(t, s, "T")
		if len(r.Evidence) == 0 || !strings.HasPrefix(r.Evidence[0].Explanation, "Controlled by L (sanction) directly: 60%") {
			t.Errorf("tag %q: T's evidence %+v", tc.tag, r.Evidence)
		}
	}
}
