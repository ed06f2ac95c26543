package queries

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
)

const benchBatch = 5000 // the ingest writer's batch size

func benchEntities(offset, n int) []model.Entity {
	es := make([]model.Entity, n)
	for i := range es {
		id := fmt.Sprintf("bench:%09d", offset+i)
		es[i] = model.Entity{ID: id, Name: "Bench Holdings " + id, Kind: model.Company, Jurisdiction: "GB",
			Identifiers: []string{"GB-COH:" + id[6:]}, Source: "bench", SourceRef: id}
	}
	return es
}

// BenchmarkUpsertEntities writes new entities in batches of 5000 and
// reports entities per second.
func BenchmarkUpsertEntities(b *testing.B) {
	s := openTestStore(b)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := s.UpsertEntities(ctx, benchEntities(i*benchBatch, benchBatch)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*benchBatch)/time.Since(start).Seconds(), "entities/s")
}

// benchGraph writes n entities and 2n ownership edges (i → i+1, i → i+7).
func benchGraph(b *testing.B, s *Store, n int) {
	ctx := context.Background()
	for off := 0; off < n; off += benchBatch {
		if err := s.UpsertEntities(ctx, benchEntities(off, min(benchBatch, n-off))); err != nil {
			b.Fatal(err)
		}
	}
	var rels []model.Relationship
	flush := func() {
		if err := s.UpsertRelationships(ctx, rels); err != nil {
			b.Fatal(err)
		}
		rels = rels[:0]
	}
	start := time.Now()
	for i := range n {
		for _, step := range []int{1, 7} {
			h, t := fmt.Sprintf("bench:%09d", i), fmt.Sprintf("bench:%09d", (i+step)%n)
			rels = append(rels, model.Relationship{ID: model.RelationshipID("bench", h, h, t, model.Ownership) + fmt.Sprint(step),
				HolderID: h, HeldID: t, Kind: model.Ownership, Share: model.Exact(30), Source: "bench"})
			if len(rels) == benchBatch {
				flush()
			}
		}
	}
	if len(rels) > 0 {
		flush()
	}
	b.Logf("wrote %d edges at %.0f edges/s", 2*n, float64(2*n)/time.Since(start).Seconds())
}

// BenchmarkEachRelationship streams every edge of a 100k-edge graph and
// reports edges per second.
func BenchmarkEachRelationship(b *testing.B) {
	s := openTestStore(b)
	const n = 50000
	benchGraph(b, s, n)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	total := 0
	for i := 0; i < b.N; i++ {
		if err := s.EachRelationship(ctx, func(*model.Relationship) error { total++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	if total != b.N*2*n {
		b.Fatalf("streamed %d edges, want %d", total, b.N*2*n)
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "edges/s")
}

// BenchmarkEachEntity streams every entity of a 50k-entity graph.
func BenchmarkEachEntity(b *testing.B) {
	s := openTestStore(b)
	const n = 50000
	ctx := context.Background()
	for off := 0; off < n; off += benchBatch {
		if err := s.UpsertEntities(ctx, benchEntities(off, benchBatch)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	total := 0
	for i := 0; i < b.N; i++ {
		if err := s.EachEntity(ctx, func(*model.Entity) error { total++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "entities/s")
}

// BenchmarkFinishRun writes one run's results for 50k entities and publishes
// them onto the entities (verdict properties, :Flagged); reports entities/s
// for the whole write-back (WriteResults in batches + FinishRun).
func BenchmarkFinishRun(b *testing.B) {
	s := openTestStore(b)
	const n = 50000
	ctx := context.Background()
	for off := 0; off < n; off += benchBatch {
		if err := s.UpsertEntities(ctx, benchEntities(off, benchBatch)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		run := model.Run{ID: fmt.Sprintf("bench-%d", i), Started: time.Now(), Status: model.RunRunning}
		if err := s.BeginRun(ctx, run); err != nil {
			b.Fatal(err)
		}
		for off := 0; off < n; off += benchBatch {
			results := make([]model.Result, benchBatch)
			for j := range results {
				results[j] = model.Result{EntityID: fmt.Sprintf("bench:%09d", off+j), Verdict: model.VerdictClear}
				if (off+j+i)%10 == 0 {
					results[j].Verdict, results[j].Flagged = model.VerdictOwned50, true
				}
			}
			if err := s.WriteResults(ctx, run.ID, results); err != nil {
				b.Fatal(err)
			}
		}
		run.Status = model.RunComplete
		if err := s.FinishRun(ctx, run); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*n)/time.Since(start).Seconds(), "entities/s")
}
