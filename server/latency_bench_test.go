package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/internal/storetesting"
	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/server"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

// BenchmarkServeLatency measures what a KYC system waits for: GET
// /api/v1/entities/{id} (the explain view of a random company) and
// POST /api/v1/match of a batch of 1,000 customers, reported as p50 and
// p99. The store is a `ubo gen` registry of UBO_SERVE_BENCH_ENTITIES
// entities (default 100,000), ingested and scored here, on the embedded
// store and, with NEO4J_URI set, on Neo4j; or, with UBO_SERVE_BENCH_DB,
// an embedded store already scored (e.g. `ubo gen --entities 1000000
// --customers 100000`, `ubo ingest csv`, `ubo score`), screening the
// customers of UBO_SERVE_BENCH_CUSTOMERS.
func BenchmarkServeLatency(b *testing.B) {
	if db := os.Getenv("UBO_SERVE_BENCH_DB"); db != "" {
		st, err := embedded.Open(db)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close(context.Background()) })
		customers := readCustomers(b, os.Getenv("UBO_SERVE_BENCH_CUSTOMERS"))
		b.Run("embedded/"+filepath.Base(db), func(b *testing.B) { benchLatency(b, st, customers) })
		return
	}
	n := 100_000
	if v := os.Getenv("UBO_SERVE_BENCH_ENTITIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("UBO_SERVE_BENCH_ENTITIES=%q: want a positive integer", v)
		}
	}
	dir := b.TempDir()
	cfg := gen.Config{Entities: n, Seed: 1, ChineseShare: gen.DefaultChineseShare}
	if _, err := gen.WriteCSV(cfg, dir); err != nil {
		b.Fatal(err)
	}
	in := filepath.Join(dir, gen.CustomersFile)
	if _, err := gen.WriteCustomers(cfg, 1000, in); err != nil {
		b.Fatal(err)
	}
	customers := readCustomers(b, in)
	opens := []struct {
		name string
		open func(testing.TB) store.Store
	}{{"embedded", storetesting.Embedded}}
	if os.Getenv("NEO4J_URI") != "" {
		opens = append(opens, struct {
			name string
			open func(testing.TB) store.Store
		}{"neo4j", func(tb testing.TB) store.Store { return storetesting.Neo4j(tb)(tb) }})
	}
	for _, o := range opens {
		b.Run(fmt.Sprintf("%s/entities=%d", o.name, n), func(b *testing.B) {
			st := o.open(b)
			storetesting.LoadCSV(b, st, filepath.Join(dir, gen.EntitiesFile), filepath.Join(dir, gen.RelationshipsFile))
			benchLatency(b, st, customers)
		})
	}
}

func benchLatency(b *testing.B, st store.Store, customers []match.Customer) {
	ctx := context.Background()
	var companies []string
	if err := st.EachEntity(ctx, func(e *model.Entity) error {
		if len(companies) < 20_000 && e.Kind == model.Company {
			companies = append(companies, e.ID)
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Options{Store: st, Screener: screen.NewLatest(st, match.DefaultThresholds)}))
	defer ts.Close()
	body, err := json.Marshal(server.MatchRequest{Customers: customers[:min(1000, len(customers))]})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var entity, batch []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for range 200 {
			id := companies[rng.IntN(len(companies))]
			t0 := time.Now()
			get(b, ts.URL+"/api/v1/entities/"+url.PathEscape(id))
			entity = append(entity, time.Since(t0))
		}
		t0 := time.Now()
		resp, err := http.Post(ts.URL+"/api/v1/match", "application/json", strings.NewReader(string(body)))
		if err != nil {
			b.Fatal(err)
		}
		drain(b, resp)
		batch = append(batch, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(ms(quantile(entity, 0.50)), "entity-p50-ms")
	b.ReportMetric(ms(quantile(entity, 0.99)), "entity-p99-ms")
	b.ReportMetric(ms(quantile(batch, 0.50)), "match1000-p50-ms")
	b.ReportMetric(ms(quantile(batch, 0.99)), "match1000-p99-ms")
}

func get(b *testing.B, u string) {
	resp, err := http.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	drain(b, resp)
}

// drain reads a response; anything but 200 (409 for an unscored entity
// aside) fails the benchmark.
func drain(b *testing.B, resp *http.Response) {
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusConflict {
		b.Fatalf("%s: %d %s", resp.Request.URL, resp.StatusCode, data)
	}
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// readCustomers reads the first 1,000 customers of a customer CSV with
// screen's reader (the columns its header names).
func readCustomers(b *testing.B, path string) []match.Customer {
	if path == "" {
		b.Fatal("UBO_SERVE_BENCH_CUSTOMERS: the customer list to screen is required with UBO_SERVE_BENCH_DB")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rd, err := screen.NewReader(f, path, screen.CSV)
	if err != nil {
		b.Fatal(err)
	}
	var out []match.Customer
	for len(out) < 1000 {
		c, _, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}
