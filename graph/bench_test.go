package graph

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// synthBuilder feeds a corporate-group-shaped random graph of n entities
// (~1.5 edges each, 1% Chinese roots, some cross-holdings and JVs) into a
// Builder without materialising it first.
func synthBuilder(n int, seed uint64) *Builder {
	r := rand.New(rand.NewPCG(seed, 7))
	b := NewBuilder()
	id := func(i int) string { return fmt.Sprintf("gen:%09d", i) }
	for i := range n {
		e := model.Entity{ID: id(i), Name: "Company " + id(i), Kind: model.Company, Jurisdiction: "GB"}
		if r.IntN(100) == 0 {
			e.Jurisdiction = "CN"
		}
		b.AddEntity(e)
		if i == 0 || r.IntN(10) == 0 {
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
