package scoring_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/internal/progress"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

// BenchmarkStages measures the nightly job per stage on a generated graph:
// load from the store, score, write back, export (JSON Lines, every
// entity). Run it once per store:
//
//	UBO_BENCH_ENTITIES=1000000 go test -run '^$' -bench Stages -benchtime 1x -timeout 2h ./scoring/
//	NEO4J_URI=bolt://127.0.0.1:7687 UBO_BENCH_ENTITIES=1000000 go test -p 1 -run '^$' -bench Stages/neo4j -benchtime 1x -timeout 2h ./scoring/
//
// UBO_BENCH_ENTITIES defaults to 100 000. UBO_BENCH_DB keeps the embedded
// store at that path between runs (ingest is skipped when it already holds
// the graph). Neo4j: the test database is reset and re-ingested unless it
// already holds exactly that many entities. Ingest is not timed.
func BenchmarkStages(b *testing.B) {
	n := 100000
	if v := os.Getenv("UBO_BENCH_ENTITIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("UBO_BENCH_ENTITIES=%q: want a positive number", v)
		}
	}
	b.Run("embedded", func(b *testing.B) {
		path := os.Getenv("UBO_BENCH_DB")
		if path == "" {
			path = filepath.Join(b.TempDir(), "bench.db")
		}
		st, err := embedded.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close(context.Background())
		benchStages(b, st, n)
	})
	b.Run("neo4j", func(b *testing.B) {
		driver, cfg := neo4jtest.Driver(b)
		qc := queries.Config{URI: cfg.URI, Database: cfg.Database}
		if cfg.Password != "" {
			qc.Username, qc.Password = cfg.Username, cfg.Password
		}
		st, err := queries.Open(context.Background(), qc)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close(context.Background())
		if !holds(b, st, n) {
			neo4jtest.Reset(b, driver)
		}
		benchStages(b, st, n)
	})
}

// holds reports whether st already holds the generated graph of n entities.
func holds(b *testing.B, st store.Store, n int) bool {
	status, err := st.Status(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	total := 0
	for _, c := range status.Entities {
		total += c
	}
	return total == n
}

// ingestGenerated writes gen's graph through the store interface in
// batches; entities are flushed before any relationship batch, and gen
// emits an entity before the relationships naming it.
func ingestGenerated(b *testing.B, st store.Store, n int) {
	ctx := context.Background()
	const batch = 10000
	var ents []model.Entity
	var rels []model.Relationship
	flushEnts := func() error {
		if len(ents) == 0 {
			return nil
		}
		err := st.UpsertEntities(ctx, ents)
		ents = ents[:0]
		return err
	}
	flushRels := func() error {
		if err := flushEnts(); err != nil {
			return err
		}
		err := st.UpsertRelationships(ctx, rels)
		rels = rels[:0]
		return err
	}
	t0 := time.Now()
	stats, err := gen.Stream(gen.Config{Entities: n, Seed: 1},
		func(e model.Entity) error {
			ents = append(ents, e)
			if len(ents) == batch {
				return flushEnts()
			}
			return nil
		},
		func(r model.Relationship) error {
			rels = append(rels, r)
			if len(rels) == batch {
				return flushRels()
			}
			return nil
		})
	if err == nil {
		err = flushRels()
	}
	if err != nil {
		b.Fatalf("ingest generated graph: %v", err)
	}
	b.Logf("%s: ingested %d entities, %d relationships in %s (untimed setup)", st.Backend(),
		stats.Entities, stats.Relationships, time.Since(t0).Round(time.Second))
}

func benchStages(b *testing.B, st store.Store, n int) {
	ctx := context.Background()
	if err := st.Init(ctx); err != nil {
		b.Fatal(err)
	}
	if !holds(b, st, n) {
		ingestGenerated(b, st, n)
	}
	// CPU seconds of this process and of the Neo4j server (NEO4J_PID) at
	// the end of each stage: wall times on a shared machine vary, CPU much
	// less.
	server := os.Getenv("NEO4J_PID")
	type cpuMark struct{ client, server float64 }
	mark := func() cpuMark { return cpuMark{neo4jtest.CPUSeconds("self"), neo4jtest.CPUSeconds(server)} }
	for b.Loop() {
		marks := map[string]cpuMark{"start": mark()}
		out, err := scoring.Run(ctx, st, scoring.Options{Policy: policy.Default(),
			AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			Progress: progress.Func(func(e progress.Event) {
				if e.End {
					marks[e.Stage] = mark()
				}
			})})
		if err != nil {
			b.Fatal(err)
		}
		marks["finish"] = mark()
		t0 := time.Now()
		w := bufio.NewWriterSize(io.Discard, 1<<16)
		rows, err := export.Write(ctx, st, w, export.Options{Format: export.JSONL, Run: out.Run,
			Filter: export.Filter{All: true}})
		if err != nil {
			b.Fatal(err)
		}
		exportTime := time.Since(t0)
		marks["export"] = mark()
		cpu := func(from, to string) string {
			a, z := marks[from], marks[to]
			out := fmt.Sprintf("client %.1f cpu-s", z.client-a.client)
			if server != "" {
				out += fmt.Sprintf(", server %.1f cpu-s", z.server-a.server)
			}
			return out
		}
		b.Logf("CPU: load entities %s; load relationships %s; score %s; write back %s; export %s",
			cpu("start", scoring.StageLoadEntities), cpu(scoring.StageLoadEntities, scoring.StageLoadRelationships),
			cpu(scoring.StageLoadRelationships, scoring.StageScore), cpu(scoring.StageScore, "finish"),
			cpu("finish", "export"))

		tm, run := out.Timings, out.Run
		rate := func(k int, d time.Duration) float64 { return float64(k) / d.Seconds() }
		// The two streams run concurrently: edges per second of the whole load.
		b.ReportMetric(rate(run.Edges, tm.Load), "load-edges/s")
		b.ReportMetric(rate(run.Entities+run.Edges, tm.Load), "load-rows/s")
		b.ReportMetric(rate(run.Entities, tm.Score), "score-entities/s")
		b.ReportMetric(rate(run.Entities, tm.Write), "write-entities/s")
		b.ReportMetric(rate(run.Entities, tm.WriteStore), "store-write-entities/s")
		b.ReportMetric(rate(rows, exportTime), "export-rows/s")
		b.ReportMetric(0, "ns/op")
		b.Logf("\n| %s | %d entities, %d edges |\n"+
			"| load | %s (concurrent streams: entities done at %s, edges at %s) | %.0f edges/s; %.0f rows/s |\n"+
			"| score | %s | %.0f entities/s |\n"+
			"| write back | %s (summed store calls %s, of which FinishRun %s) | %.0f entities/s (per summed store time %.0f/s) |\n"+
			"| export jsonl --all | %s | %.0f rows/s |\n"+
			"verdicts: %v",
			st.Backend(), run.Entities, run.Edges,
			fmtDur(tm.Load), fmtDur(tm.LoadEntities), fmtDur(tm.LoadRelationships), rate(run.Edges, tm.Load), rate(run.Entities+run.Edges, tm.Load),
			fmtDur(tm.Score), rate(run.Entities, tm.Score),
			fmtDur(tm.Write), fmtDur(tm.WriteStore), fmtDur(tm.Finish), rate(run.Entities, tm.Write), rate(run.Entities, tm.WriteStore),
			fmtDur(exportTime), rate(rows, exportTime), run.Counts)
	}
}

func fmtDur(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
