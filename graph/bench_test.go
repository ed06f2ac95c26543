package graph

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/ubo-project/ubo/internal/procstat"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// synthBuilder feeds a corporate-group-shaped random graph of n entities
// (~1.5 edges each, 1% Chinese roots, some cross-holdings and JVs) into a
// Builder without materialising it first.
func synthBuilder(n int, seed uint64) *Builder { return synthGroups(n, seed, 10) }

// synthGroups is synthBuilder with one group top in topEvery entities:
// fewer tops make deeper groups.
func synthGroups(n int, seed uint64, topEvery int) *Builder {
	r := rand.New(rand.NewPCG(seed, 7))
	b := NewBuilder()
	id := func(i int) string { return fmt.Sprintf("gen:%09d", i) }
	for i := range n {
		e := model.Entity{ID: id(i), Name: "Company " + id(i), Kind: model.Company, Jurisdiction: "GB"}
		if r.IntN(100) == 0 {
			e.Jurisdiction = "CN"
		}
		b.AddEntity(e)
		if i == 0 || r.IntN(topEvery) == 0 {
			continue // a group top
		}
		parent := i - 1 - r.IntN(min(i, 50))
		share := float64(51 + r.IntN(50))
		b.AddRelationship(model.Relationship{ID: id(i) + "/p", HolderID: id(parent), HeldID: id(i),
			Kind: model.Ownership, Share: model.Exact(share), Source: "gen", SourceRef: id(i) + "/p"})
		if r.IntN(3) == 0 {
			other := r.IntN(n)
			b.AddRelationship(model.Relationship{ID: id(i) + "/o", HolderID: id(other), HeldID: id(i),
				Kind: model.Ownership, Share: model.Range(25, 50, true, false), Source: "gen", SourceRef: id(i) + "/o"})
		}
		if r.IntN(5) == 0 {
			b.AddRelationship(model.Relationship{ID: id(i) + "/c", HolderID: id(parent), HeldID: id(i),
				Kind: model.Consolidation, Source: "gen", SourceRef: id(i) + "/c"})
		}
	}
	return b
}

func BenchmarkScore(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		g, err := synthBuilder(n, 1).Build()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			for b.Loop() {
				s, err := Score(g, policy.Default(), testDay)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Each(func(*model.Result) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(g.NumEdges()), "edges")
		})
	}
}

// addIndirect adds one ownership edge per 20 entities from a nearby
// earlier entity — sometimes an ancestor (a BODS-style restatement of a
// chain: skipped when marked indirect), mostly not (a PSC-style holding
// through an absent trust: counted after a full search).
func addIndirect(b *Builder, n int, seed uint64, direct string) {
	r := rand.New(rand.NewPCG(seed, 11))
	id := func(i int) string { return fmt.Sprintf("gen:%09d", i) }
	for i := 1; i < n; i++ {
		if r.IntN(20) != 0 {
			continue
		}
		holder := i - 1 - r.IntN(min(i, 100))
		b.AddRelationship(model.Relationship{ID: id(i) + "/i", HolderID: id(holder), HeldID: id(i),
			Kind: model.Ownership, Share: model.Exact(float64(1 + r.IntN(60))), Direct: direct,
			Source: "gen", SourceRef: id(i) + "/i"})
	}
}

// BenchmarkScoreIndirect scores BenchmarkScore's graph with 5% more
// edges, marked indirect (each checked for a chain it restates) or not
// (no check): the difference is the cost of the check and of the edges
// it leaves out.
func BenchmarkScoreIndirect(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		for _, direct := range []string{"indirect", ""} {
			bld := synthBuilder(n, 1)
			addIndirect(bld, n, 1, direct)
			g, err := bld.Build()
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("entities=%d/marked=%v", n, direct != ""), func(b *testing.B) {
				var skipped int
				for b.Loop() {
					s, err := Score(g, policy.Default(), testDay)
					if err != nil {
						b.Fatal(err)
					}
					skipped = s.IndirectSkipped()
				}
				b.ReportMetric(float64(g.NumEdges()), "edges")
				b.ReportMetric(float64(skipped), "skipped")
			})
		}
	}
}

// BenchmarkScoreN scores a synthetic graph of $UBO_GRAPH_BENCH_N entities
// (skipped when unset) and reports the heap in use after scoring.
func BenchmarkScoreN(b *testing.B) {
	n, err := strconv.Atoi(os.Getenv("UBO_GRAPH_BENCH_N"))
	if err != nil || n <= 0 {
		b.Skip("set UBO_GRAPH_BENCH_N")
	}
	g, err := synthBuilder(n, 1).Build()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	graphHeap := ms.HeapAlloc
	for b.Loop() {
		s, err := Score(g, policy.Default(), testDay)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(graphHeap)/float64(g.NumEdges()), "graph-bytes/edge")
		b.ReportMetric(float64(ms.HeapAlloc)/float64(1<<20), "heap-MiB")
		if err := s.Each(func(*model.Result) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvidenceN times Each alone (results with their evidence) over
// a scored synthetic graph of $UBO_GRAPH_BENCH_N entities (skipped when
// unset) with a group top in every $UBO_GRAPH_BENCH_TOPS entities
// (default 10; 2 makes shallow groups): the evidence search is most of it.
func BenchmarkEvidenceN(b *testing.B) {
	n, err := strconv.Atoi(os.Getenv("UBO_GRAPH_BENCH_N"))
	if err != nil || n <= 0 {
		b.Skip("set UBO_GRAPH_BENCH_N")
	}
	tops, err := strconv.Atoi(os.Getenv("UBO_GRAPH_BENCH_TOPS"))
	if err != nil || tops <= 0 {
		tops = 10
	}
	g, err := synthGroups(n, 1, tops).Build()
	if err != nil {
		b.Fatal(err)
	}
	s, err := Score(g, policy.Default(), testDay)
	if err != nil {
		b.Fatal(err)
	}
	var paths, flagged, loops int
	cpu0 := procstat.CPUTime()
	for b.Loop() {
		loops++
		paths, flagged = 0, 0
		if err := s.Each(func(r *model.Result) error {
			paths += len(r.Evidence)
			if len(r.Evidence) > 0 {
				flagged++
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time, not the wall clock, is the figure to compare on a shared
	// machine; max RSS includes building and scoring the graph.
	b.ReportMetric((procstat.CPUTime()-cpu0).Seconds()/float64(loops), "cpu-s/op")
	b.ReportMetric(float64(procstat.MaxRSS())/(1<<20), "maxrss-MiB")
	b.ReportMetric(float64(paths), "paths")
	b.ReportMetric(float64(flagged), "with-evidence")
	if os.Getenv("UBO_GRAPH_BENCH_DIGEST") != "" {
		// A digest of every result, outside the timing: an optimisation
		// must leave it unchanged.
		d := fnv.New64a()
		enc := json.NewEncoder(d)
		if err := s.Each(func(r *model.Result) error { return enc.Encode(r) }); err != nil {
			b.Fatal(err)
		}
		b.Logf("results digest %016x", d.Sum64())
	}
}
