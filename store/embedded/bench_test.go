package embedded

import (
	"context"
	"fmt"
	"testing"

	"github.com/ubo-project/ubo/model"
)

const benchBatch = 5000

// benchEntities returns batch realistic entities numbered from first.
func benchEntities(first, n int) []model.Entity {
	out := make([]model.Entity, n)
	for i := range out {
		k := first + i
		out[i] = model.Entity{
			ID: fmt.Sprintf("gb-coh:%08d", k), Name: fmt.Sprintf("Example Holdings %d Limited", k),
			Kind: model.Company, Jurisdiction: "GB",
			Identifiers: []string{fmt.Sprintf("GB-COH:%08d", k), fmt.Sprintf("XI-LEI:5493%016d", k)},
			Source:      "psc", SourceRef: fmt.Sprintf("line %d", k),
		}
	}
	return out
}

func benchRels(first, n int) []model.Relationship {
	out := make([]model.Relationship, n)
	for i := range out {
		k := first + i
		holder, held := fmt.Sprintf("gb-coh:%08d", k), fmt.Sprintf("gb-coh:%08d", k+1)
		out[i] = model.Relationship{
			ID:       model.RelationshipID("psc", fmt.Sprint(k), holder, held, model.Ownership),
			HolderID: holder, HeldID: held, Kind: model.Ownership, Share: model.Range(25, 50, true, false),
			Source: "psc", SourceRef: fmt.Sprint(k),
		}
	}
	return out
}

func fill(b *testing.B, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	for i := 0; i < n; i += benchBatch {
		if err := s.UpsertEntities(ctx, benchEntities(i, min(benchBatch, n-i))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpsertEntities writes new entities in batches of benchBatch.
func BenchmarkUpsertEntities(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchEntities(n, benchBatch)
		b.StartTimer()
		if err := s.UpsertEntities(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n += benchBatch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entities/s")
}

// BenchmarkReupsertEntities rewrites entities already stored (re-ingest).
func BenchmarkReupsertEntities(b *testing.B) {
	s := openTemp(b)
	fill(b, s, 50_000)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchEntities(n%50_000, benchBatch)
		b.StartTimer()
		if err := s.UpsertEntities(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n += benchBatch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entities/s")
}

// BenchmarkUpsertRelationships writes new edges between stored entities.
func BenchmarkUpsertRelationships(b *testing.B) {
	s := openTemp(b)
	const entities = 100_000
	fill(b, s, entities+1)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchRels(n%entities, benchBatch)
		for i := range batch {
			batch[i].ID += fmt.Sprint("#", n) // new ids every round
		}
		b.StartTimer()
		if err := s.UpsertRelationships(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n += benchBatch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "relationships/s")
}

// BenchmarkEachEntity streams a 100k-entity store.
func BenchmarkEachEntity(b *testing.B) {
	s := openTemp(b)
	fill(b, s, 100_000)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		if err := s.EachEntity(ctx, func(*model.Entity) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entities/s")
}

// BenchmarkEachRelationship streams 100k edges.
func BenchmarkEachRelationship(b *testing.B) {
	s := openTemp(b)
	const edges = 100_000
	fill(b, s, edges+1)
	ctx := context.Background()
	for i := 0; i < edges; i += benchBatch {
		if err := s.UpsertRelationships(ctx, benchRels(i, benchBatch)); err != nil {
			b.Fatal(err)
		}
	}
	n := 0
	for b.Loop() {
		if err := s.EachRelationship(ctx, func(*model.Relationship) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "relationships/s")
}

// benchResults is a batch shaped like a scored registry: about 3 in 4
// entities CLEAR with no evidence, the others with a few evidence paths of
// several hops and sentences naming the entities on them.
func benchResults(first, n int) []model.Result {
	out := make([]model.Result, n)
	for i := range out {
		k := first + i
		id := fmt.Sprintf("gb-coh:%08d", k)
		if k%4 != 0 {
			out[i] = model.Result{EntityID: id, Verdict: model.VerdictClear,
				Controllers: []string{}, JointControllers: []string{}, Evidence: []model.Evidence{},
				Explanation: "No ownership or control link reaches a Chinese root."}
			continue
		}
		r := model.Result{EntityID: id, Verdict: model.VerdictOwned50, Flagged: true,
			ChineseShare: model.Interval{Min: 50, Max: 60}, ChineseVotes: model.Interval{Min: 50, Max: 60},
			AggregateCertain: true, AggregatePossible: true,
			Controllers: []string{}, JointControllers: []string{}}
		for p := range 1 + k%3 {
			path := []string{fmt.Sprintf("cn:parent-%d", p)}
			var hops []model.Hop
			sentence := fmt.Sprintf("Owned by Parent %d Holdings (CN) via", p)
			for h := range 4 {
				next := fmt.Sprintf("gb-coh:%08d", k+h+1)
				if h == 3 {
					next = id
				}
				hops = append(hops, model.Hop{HolderID: path[len(path)-1], HeldID: next, Kind: model.Ownership,
					Share: model.Range(50, 75, true, false), Source: "psc", SourceRef: fmt.Sprint("R", k+h)})
				path = append(path, next)
				sentence += fmt.Sprintf(" Example Holdings %d Limited (50%%, 75%%] →", k+h)
			}
			r.Evidence = append(r.Evidence, model.Evidence{Path: path, Share: 6.25, Hops: hops, Explanation: sentence})
		}
		r.Explanation = "Owned 50% or more by Chinese parents: " + r.Evidence[0].Explanation + "."
		out[i] = r
	}
	return out
}

// BenchmarkWriteResults writes scoring results back in batches.
func BenchmarkWriteResults(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	if err := s.BeginRun(ctx, model.Run{ID: "bench"}); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchResults(n, benchBatch)
		b.StartTimer()
		if err := s.WriteResults(ctx, "bench", batch); err != nil {
			b.Fatal(err)
		}
		n += benchBatch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "results/s")
}

// fillResults stores a 100k-result run.
func fillResults(b *testing.B, s *Store) {
	b.Helper()
	ctx := context.Background()
	if err := s.BeginRun(ctx, model.Run{ID: "bench"}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100_000; i += benchBatch {
		if err := s.WriteResults(ctx, "bench", benchResults(i, benchBatch)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEachResult streams a 100k-result run.
func BenchmarkEachResult(b *testing.B) {
	s := openTemp(b)
	fillResults(b, s)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		if err := s.EachResult(ctx, "bench", func(*model.Result) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "results/s")
}

// BenchmarkEachVerdict streams the verdict columns of a 100k-result run.
func BenchmarkEachVerdict(b *testing.B) {
	s := openTemp(b)
	fillResults(b, s)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		if err := s.EachVerdict(ctx, "bench", func(string, model.Verdict, bool) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "results/s")
}
