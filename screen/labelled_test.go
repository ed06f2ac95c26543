package screen_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/internal/storetesting"
	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/store"
)

// The labelled set: a graph of a few hundred companies and a customer list
// whose right answers are known (labels.csv: the entity each customer is,
// or none). See testdata/screening/README.md.
const labelledDir = "../testdata/screening"

type label struct{ entity, kind string }

// loadLabelled ingests the labelled graph through the generic CSV
// ingestor, resolves and scores it.
func loadLabelled(tb testing.TB, st store.Store) {
	tb.Helper()
	storetesting.LoadCSV(tb, st, filepath.Join(labelledDir, "entities", "entities.csv"),
		filepath.Join(labelledDir, "entities", "relationships.csv"))
}

func readLabels(tb testing.TB) map[string]label {
	tb.Helper()
	f, err := os.Open(filepath.Join(labelledDir, "labels.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]label{}
	for _, r := range recs[1:] {
		out[r[0]] = label{entity: r[1], kind: r[2]}
	}
	return out
}

// quality counts a screening against the labels.
type quality struct {
	present, absent      int // customers that are / are not in the graph
	matchedRight         int // MATCHED the right entity
	reviewRight          int // REVIEW with the right entity among the candidates
	matchedWrong         int // MATCHED another entity, or an absent customer
	reviewAbsent         int // absent customers sent to review
	misses               []string
	unlabelled, rejected int
}

func (q quality) precision() float64 {
	if m := q.matchedRight + q.matchedWrong; m > 0 {
		return float64(q.matchedRight) / float64(m)
	}
	return 1
}
func (q quality) recallOutright() float64 { return float64(q.matchedRight) / float64(q.present) }
func (q quality) recallFound() float64 {
	return float64(q.matchedRight+q.reviewRight) / float64(q.present)
}

func (q quality) String() string {
	return fmt.Sprintf("%d present, %d absent: MATCHED right %d, wrong %d; REVIEW with the right candidate %d; absent sent to review %d; precision %.4f, recall %.4f outright, %.4f with review",
		q.present, q.absent, q.matchedRight, q.matchedWrong, q.reviewRight, q.reviewAbsent, q.precision(), q.recallOutright(), q.recallFound())
}

func screenLabelled(tb testing.TB, st store.Store) quality {
	tb.Helper()
	ctx := context.Background()
	labels := readLabels(tb)
	sc, err := screen.New(ctx, st, match.DefaultThresholds)
	if err != nil {
		tb.Fatal(err)
	}
	out := filepath.Join(tb.TempDir(), "rows.jsonl")
	sum, err := sc.ScreenFile(ctx, screen.FileOptions{In: filepath.Join(labelledDir, "customers.csv"), Out: out})
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	q := quality{rejected: sum.Rejected}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r screen.Row
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			tb.Fatal(err)
		}
		l, ok := labels[r.CustomerID]
		if !ok {
			q.unlabelled++
			continue
		}
		inReview := false
		for _, c := range r.Candidates {
			inReview = inReview || (c.EntityID == l.entity && l.entity != "")
		}
		miss := func() {
			q.misses = append(q.misses, fmt.Sprintf("%s [%s] want %q: %s %s %v", r.CustomerID, l.kind, l.entity, r.Status, r.EntityID, r.Reasons))
		}
		switch {
		case l.entity == "":
			q.absent++
			switch r.Status {
			case "MATCHED":
				q.matchedWrong++
				miss()
			case "REVIEW":
				q.reviewAbsent++
			}
		case r.Status == "MATCHED" && r.EntityID == l.entity:
			q.present++
			q.matchedRight++
		case r.Status == "MATCHED":
			q.present++
			q.matchedWrong++
			miss()
		case r.Status == "REVIEW" && inReview:
			q.present++
			q.reviewRight++
		default:
			q.present++
			miss()
		}
	}
	sort.Strings(q.misses)
	return q
}

// On both stores: no wrong MATCHED, at least 95% of the present customers
// found (MATCHED, or REVIEW with the right candidate) and 85% outright.
func TestLabelledSet(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { testLabelledSet(t, storetesting.Embedded(t)) })
	t.Run("neo4j", func(t *testing.T) { testLabelledSet(t, storetesting.Neo4j(t)(t)) })
}

func testLabelledSet(t *testing.T, st store.Store) {
	loadLabelled(t, st)
	q := screenLabelled(t, st)
	t.Log(q)
	for _, m := range q.misses {
		t.Log("  ", m)
	}
	if q.rejected > 0 || q.unlabelled > 0 {
		t.Errorf("%d customers rejected, %d without a label", q.rejected, q.unlabelled)
	}
	if q.present+q.absent < 300 {
		t.Errorf("only %d labelled customers, want at least 300", q.present+q.absent)
	}
	if q.matchedWrong > 0 {
		t.Errorf("%d wrong MATCHED", q.matchedWrong)
	}
	if q.recallFound() < 0.95 || q.recallOutright() < 0.85 {
		t.Errorf("recall %.4f with review (want ≥ 0.95), %.4f outright (want ≥ 0.85)", q.recallFound(), q.recallOutright())
	}
}

// BenchmarkLabelledSet screens the labelled set on the embedded store and
// reports its precision and recall beside the time.
func BenchmarkLabelledSet(b *testing.B) {
	st := storetesting.Embedded(b)
	loadLabelled(b, st)
	var q quality
	for b.Loop() {
		q = screenLabelled(b, st)
	}
	b.ReportMetric(q.precision(), "precision")
	b.ReportMetric(q.recallOutright(), "recall-matched")
	b.ReportMetric(q.recallFound(), "recall-with-review")
	b.ReportMetric(float64(q.matchedWrong), "wrong-matched")
	b.ReportMetric(float64(q.present+q.absent), "customers")
}

// BenchmarkScreenGenerated screens a customer list from `ubo gen` against
// its registry: UBO_SCREEN_BENCH_ENTITIES entities (default 100,000) and
// UBO_SCREEN_BENCH_CUSTOMERS customers (default 10,000), on the embedded
// store, and on Neo4j too when NEO4J_URI is set. It reports customers per
// second and the heap in use after screening, which must not grow with the
// number of customers (rows are streamed to the output file).
func BenchmarkScreenGenerated(b *testing.B) {
	entities := envInt(b, "UBO_SCREEN_BENCH_ENTITIES", 100_000)
	customers := envInt(b, "UBO_SCREEN_BENCH_CUSTOMERS", 10_000)
	dir := b.TempDir()
	cfg := gen.Config{Entities: entities, Seed: 1, ChineseShare: gen.DefaultChineseShare}
	if _, err := gen.WriteCSV(cfg, dir); err != nil {
		b.Fatal(err)
	}
	in := filepath.Join(dir, gen.CustomersFile)
	if _, err := gen.WriteCustomers(cfg, customers, in); err != nil {
		b.Fatal(err)
	}
	stores := map[string]func(testing.TB) store.Store{"embedded": storetesting.Embedded}
	if os.Getenv("NEO4J_URI") != "" {
		stores["neo4j"] = func(tb testing.TB) store.Store { return storetesting.Neo4j(tb)(tb) }
	}
	for _, name := range []string{"embedded", "neo4j"} {
		open := stores[name]
		if open == nil {
			continue
		}
		b.Run(fmt.Sprintf("%s/entities=%d/customers=%d", name, entities, customers), func(b *testing.B) {
			st := open(b)
			storetesting.LoadCSV(b, st, filepath.Join(dir, gen.EntitiesFile), filepath.Join(dir, gen.RelationshipsFile))
			sc, err := screen.New(context.Background(), st, match.DefaultThresholds)
			if err != nil {
				b.Fatal(err)
			}
			var sum screen.Summary
			b.ResetTimer()
			for b.Loop() {
				sum, err = sc.ScreenFile(context.Background(), screen.FileOptions{In: in, Out: filepath.Join(b.TempDir(), "rows.jsonl")})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(customers)*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(sum.Matched), "matched")
			b.ReportMetric(float64(sum.Review), "review")
		})
	}
}

func envInt(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
