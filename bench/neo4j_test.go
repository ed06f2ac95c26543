package bench

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/store"
)

// TestNeo4jBaseline runs the Cypher path enumeration against the Neo4j at
// $UBO_BENCH_NEO4J_URI, else at $NEO4J_URI (the test server; skipped when
// neither is set, failing instead when CI=true) for the sizes in
// $UBO_BENCH_NEO4J_SIZES (default 10000) and logs the table rows next to
// the engine's. It checks the query ran and cleaned up, never its speed.
//
//	UBO_BENCH_NEO4J_URI=bolt://127.0.0.1:7687 UBO_BENCH_NEO4J_SIZES=10000,100000 \
//	  go test -run Neo4jBaseline -v -timeout 30m ./bench/
func TestNeo4jBaseline(t *testing.T) {
	uri := os.Getenv("UBO_BENCH_NEO4J_URI")
	if uri == "" {
		uri = os.Getenv("NEO4J_URI")
	}
	if uri == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but neither UBO_BENCH_NEO4J_URI nor NEO4J_URI is set: the Cypher baseline must run in CI")
		}
		t.Skip("set UBO_BENCH_NEO4J_URI or NEO4J_URI to run the Cypher baseline")
	}
	sizes := []int{10_000}
	if v := os.Getenv("UBO_BENCH_NEO4J_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				t.Fatalf("UBO_BENCH_NEO4J_SIZES: %q is not a positive size", f)
			}
			sizes = append(sizes, n)
		}
	}
	timeout := 2 * time.Minute
	if v := os.Getenv("UBO_BENCH_NEO4J_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("UBO_BENCH_NEO4J_TIMEOUT: %v", err)
		}
		timeout = d
	}
	ctx := context.Background()
	p := policy.Default()
	cfg := Neo4jConfig{Store: queries.Config{URI: uri, Username: os.Getenv("NEO4J_USERNAME"),
		Password: os.Getenv("NEO4J_PASSWORD")}, Timeout: timeout, IDPrefix: "ubo-bench-test:"}
	lines := []string{Neo4jTableHeader}
	ecfg := Config{Seed: 1, ChineseShare: gen.DefaultChineseShare, Policy: p}
	measured := 0
	err := CompareNeo4j(ctx, ecfg, cfg, sizes, nil, func(row Row, res Neo4jResult) {
		n := sizes[measured]
		measured++
		if res.Entities != n || row.Entities != n || res.Edges != row.Edges || res.Roots == 0 {
			t.Errorf("%d entities: loaded %d entities, %d edges (engine %d entities, %d edges), %d roots",
				n, res.Entities, res.Edges, row.Entities, row.Edges, res.Roots)
		}
		if res.Finished && res.Paths == 0 {
			t.Errorf("%d entities: the path query finished with no path", n)
		}
		lines = append(lines, FormatNeo4jRow(row, res))
		t.Log(lines[len(lines)-1])
	})
	if err != nil {
		t.Fatal(err)
	}
	if measured != len(sizes) {
		t.Fatalf("measured %d of %d sizes", measured, len(sizes))
	}
	// The bench's data is gone again.
	st, err := queries.Open(ctx, cfg.Store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if _, err := st.Entity(ctx, cfg.IDPrefix+"S1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after the run, looking up %sS1 gave %v, want not found", cfg.IDPrefix, err)
	}
	t.Log("\n" + strings.Join(lines, "\n"))
}

// TestCompareNeo4jUnreachable: a server that is not there is a store
// error the CLI maps to exit code 3, not a row.
func TestCompareNeo4jUnreachable(t *testing.T) {
	cfg := Neo4jConfig{Store: queries.Config{URI: "bolt://127.0.0.1:1"}, Timeout: time.Second}
	called := false
	err := CompareNeo4j(context.Background(), Config{Seed: 1, ChineseShare: gen.DefaultChineseShare}, cfg,
		[]int{1000}, nil, func(Row, Neo4jResult) { called = true })
	if !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("err = %v, want store.ErrUnreachable", err)
	}
	if called {
		t.Error("a row was reported for an unreachable server")
	}
}

func TestFormatNeo4jRow(t *testing.T) {
	r := Row{Entities: 100, Edges: 110, Build: time.Second, Score: 10 * time.Millisecond}
	done := FormatNeo4jRow(r, Neo4jResult{Entities: 100, Edges: 110, Roots: 7, Load: 3 * time.Second,
		Elapsed: 2 * time.Second, Paths: 12345, Finished: true})
	for _, want := range []string{"| 100 | 110 | 1.01 s | 3.00 s |", "2.00 s (12,345 paths from 7 roots)", "| 200× |"} {
		if !strings.Contains(done, want) {
			t.Errorf("row %q lacks %q", done, want)
		}
	}
	stopped := FormatNeo4jRow(r, Neo4jResult{Entities: 100, Edges: 110, Elapsed: 30 * time.Second})
	for _, want := range []string{"did not finish in 30.0 s", "> 3000×"} {
		if !strings.Contains(stopped, want) {
			t.Errorf("row %q lacks %q", stopped, want)
		}
	}
}
