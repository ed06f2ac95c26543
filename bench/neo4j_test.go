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
// $UBO_BENCH_NEO4J_URI (skipped when unset) for the sizes in
// $UBO_BENCH_NEO4J_SIZES (default 10000) and logs the table rows next to
// the engine's. It checks the query ran and cleaned up, never its speed.
//
//	UBO_BENCH_NEO4J_URI=bolt://127.0.0.1:7687 UBO_BENCH_NEO4J_SIZES=10000,100000 \
//	  go test -run Neo4jBaseline -v -timeout 30m ./bench/
func TestNeo4jBaseline(t *testing.T) {
	uri := os.Getenv("UBO_BENCH_NEO4J_URI")
	if uri == "" {
		t.Skip("set UBO_BENCH_NEO4J_URI to run the Cypher baseline")
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
	for _, n := range sizes {
		rows, err := Run(ctx, Config{Sizes: []int{n}, Seed: 1, ChineseShare: gen.DefaultChineseShare, Policy: p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		gcfg := gen.Config{Entities: n, Seed: 1, ChineseShare: gen.DefaultChineseShare}
		res, err := RunNeo4j(ctx, cfg, gcfg, p)
		if err != nil {
			t.Fatal(err)
		}
		if res.Entities != n || res.Edges != rows[0].Edges || res.Roots == 0 {
			t.Errorf("%d entities: loaded %d entities, %d edges (engine %d), %d roots", n, res.Entities, res.Edges, rows[0].Edges, res.Roots)
		}
		if res.Finished && res.Paths == 0 {
			t.Errorf("%d entities: the path query finished with no path", n)
		}
		lines = append(lines, FormatNeo4jRow(rows[0], res))
		t.Log(lines[len(lines)-1])
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

func TestNeo4jQueriesEmbedded(t *testing.T) {
	for name, q := range map[string]string{"baseline_owns": baselineOwnsCypher, "baseline_cleanup": baselineCleanupCypher,
		"baseline_count": baselineCountCypher} {
		if !strings.Contains(q, "MATCH") {
			t.Errorf("%s.cypher is not embedded: %q", name, q)
		}
	}
	for _, param := range []string{"$roots", "$as_of", "[:OWNERSHIP*]"} {
		if !strings.Contains(baselineOwnsCypher, param) {
			t.Errorf("baseline_owns.cypher lacks %s", param)
		}
	}
	if !strings.Contains(baselineCleanupCypher, "STARTS WITH $prefix") {
		t.Error("baseline_cleanup.cypher does not limit itself to the bench's prefix")
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
