package queries

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/model"
)

// benchN is the graph size of the whole-pipeline benchmark: UBO_BENCH_N
// entities (default 100000) and twice as many edges.
func benchN(b *testing.B) int {
	n := 100000
	if v := os.Getenv("UBO_BENCH_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < benchBatch {
			b.Fatalf("UBO_BENCH_N=%q: want a number >= %d", v, benchBatch)
		}
	}
	return n
}

// phase times one step of the pipeline: wall rate, and rates per CPU
// second of this process and of the server (NEO4J_PID, when set).
func phase(b *testing.B, name string, rows int, fn func()) {
	server := os.Getenv("NEO4J_PID")
	c0, s0, t0 := neo4jtest.CPUSeconds("self"), neo4jtest.CPUSeconds(server), time.Now()
	fn()
	wall := time.Since(t0).Seconds()
	c1, s1 := neo4jtest.CPUSeconds("self"), neo4jtest.CPUSeconds(server)
	b.ReportMetric(float64(rows)/wall, name+"/s")
	line := fmt.Sprintf("%-22s %9d rows %8.1f s %9.0f rows/s  client %5.1f cpu-s", name, rows, wall, float64(rows)/wall, c1-c0)
	if server != "" && s1 > s0 {
		b.ReportMetric(float64(rows)/(s1-s0), name+"/server-cpu-s")
		line += fmt.Sprintf("  server %6.1f cpu-s (%9.0f rows/server-cpu-s)", s1-s0, float64(rows)/(s1-s0))
	}
	b.Log(line)
}

// BenchmarkPipeline runs what a full load and scoring do against an empty
// store, one phase after the other: UBO_BENCH_N new entities, 2N new edges,
// the same entities again (unchanged: nothing to write), both whole-graph
// streams, and the write-back of one run (WriteResults + FinishRun). Run it
// with -benchtime 1x; every phase is reported as rows/s (and rows per
// server CPU second when NEO4J_PID names the server process).
func BenchmarkPipeline(b *testing.B) {
	n := benchN(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		s := openTestStore(b)
		upsert := func() {
			for off := 0; off < n; off += benchBatch {
				if err := s.UpsertEntities(ctx, benchEntities(off, min(benchBatch, n-off))); err != nil {
					b.Fatal(err)
				}
			}
		}
		phase(b, "upsert-entities", n, upsert)
		phase(b, "upsert-edges", 2*n, func() { writeBenchEdges(b, s, n) })
		phase(b, "reupsert-entities", n, upsert)
		phase(b, "each-entity", n, func() {
			got := 0
			if err := s.EachEntity(ctx, func(*model.Entity) error { got++; return nil }); err != nil || got != n {
				b.Fatalf("EachEntity: %d entities, %v", got, err)
			}
		})
		phase(b, "each-relationship", 2*n, func() {
			got, last := 0, ""
			if err := s.EachRelationship(ctx, func(r *model.Relationship) error {
				if r.ID <= last {
					return fmt.Errorf("relationship %q after %q", r.ID, last)
				}
				got, last = got+1, r.ID
				return nil
			}); err != nil || got != 2*n {
				b.Fatalf("EachRelationship: %d edges, %v", got, err)
			}
		})
		phase(b, "write-back", n, func() { writeBenchRun(b, s, "", fmt.Sprintf("bench-%d", i), n, i) })
		// The nightly case: a second run over the same entities, a fifth of
		// whose flags change (every tenth entity flagged, shifted by one).
		phase(b, "rerun-write-back", n, func() { writeBenchRun(b, s, "rerun-", fmt.Sprintf("bench-%d-rerun", i), n, i+1) })
	}
}

// writeBenchEdges writes 2n ownership edges (i → i+1, i → i+7) in ingest
// batches.
func writeBenchEdges(b *testing.B, s *Store, n int) {
	ctx := context.Background()
	rels := benchRels(n)
	for off := 0; off < len(rels); off += benchBatch {
		if err := s.UpsertRelationships(ctx, rels[off:min(off+benchBatch, len(rels))]); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRels is 2n ownership edges between n bench entities.
func benchRels(n int) []model.Relationship {
	rels := make([]model.Relationship, 0, 2*n)
	for i := range n {
		for _, step := range []int{1, 7} {
			h, t := fmt.Sprintf("bench:%09d", i), fmt.Sprintf("bench:%09d", (i+step)%n)
			rels = append(rels, model.Relationship{ID: model.RelationshipID("bench", h, h, t, model.Ownership) + fmt.Sprint(step),
				HolderID: h, HeldID: t, Kind: model.Ownership, Share: model.Exact(30), Source: "bench"})
		}
	}
	return rels
}

// writeBenchRun writes one run's results for n entities (every tenth
// flagged, shifted by seed) and finishes it; prefix names its phases.
func writeBenchRun(b *testing.B, s *Store, prefix, runID string, n, seed int) {
	ctx := context.Background()
	run := model.Run{ID: runID, Started: time.Now(), Status: model.RunRunning}
	if err := s.BeginRun(ctx, run); err != nil {
		b.Fatal(err)
	}
	results := make([]model.Result, benchBatch)
	phase(b, prefix+"write-results", n, func() { writeBenchResults(b, s, runID, n, seed, results) })
	run.Status = model.RunComplete
	phase(b, prefix+"finish-run", n, func() {
		if err := s.FinishRun(ctx, run); err != nil {
			b.Fatal(err)
		}
	})
}

func writeBenchResults(b *testing.B, s *Store, runID string, n, seed int, results []model.Result) {
	ctx := context.Background()
	for off := 0; off < n; off += benchBatch {
		results = results[:min(benchBatch, n-off)]
		for j := range results {
			results[j] = model.Result{EntityID: fmt.Sprintf("bench:%09d", off+j), Verdict: model.VerdictClear}
			if (off+j+seed)%10 == 0 {
				results[j].Verdict, results[j].Flagged = model.VerdictOwned50, true
				results[j].ChineseShare = model.Interval{Min: 50, Max: 60}
			}
		}
		if err := s.WriteResults(ctx, runID, results); err != nil {
			b.Fatal(err)
		}
	}
}
