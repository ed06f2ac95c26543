package browser

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/demo"
	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/scoring"
)

func TestHeaders(t *testing.T) {
	qs, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 4 {
		t.Fatalf("%d queries, want at least 4", len(qs))
	}
	for _, q := range qs {
		if !strings.HasPrefix(q.Cypher, "// "+q.Name+" — ") || q.Title == "" {
			t.Errorf("%s: header must start with %q and a title", q.Name, "// "+q.Name+" — ")
		}
		if !strings.Contains(q.Cypher, "// Example (Neo4j Browser):\n//   :param ") {
			t.Errorf("%s: header has no :param example", q.Name)
		}
		if strings.Contains(q.Cypher, "*]") || strings.Contains(q.Cypher, "*..") {
			t.Errorf("%s: unbounded variable-length pattern", q.Name)
		}
		if _, ok := exampleParams[q.Name]; !ok {
			t.Errorf("%s: no example parameters in this test", q.Name)
		}
	}
}

// exampleParams are each query's :param example (checked against the header).
var exampleParams = map[string]map[string]any{
	"ownership_chain":            {"id": "lei:213800NBS9GB4K2P6X33"},
	"subsidiaries":               {"id": "lei:3003005QNV6HK7RT2M97"},
	"flagged_by_verdict":         {"verdict": "CONTROLLED"},
	"evidence_paths":             {"id": "bods:brecon-wafer"},
	"chinese_roots_most_flagged": {"limit": int64(10)},
}

// TestQueriesOnDemo loads the demo into the real Neo4j, scores it, and runs
// every query with its example parameters.
func TestQueriesOnDemo(t *testing.T) {
	driver, cfg := neo4jtest.Driver(t)
	started := time.Now()
	neo4jtest.Reset(t, driver)
	t.Logf("reset: %v", time.Since(started).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	qc := queries.Config{URI: cfg.URI, Database: cfg.Database}
	if cfg.Password != "" {
		qc.Username, qc.Password = cfg.Username, cfg.Password
	}
	st, err := queries.Open(ctx, qc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if _, err := demo.Load(ctx, st, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := scoring.Run(ctx, st, scoring.Options{Policy: policy.Default()}); err != nil {
		t.Fatal(err)
	}
	t.Logf("reset, load and score: %v", time.Since(started).Round(time.Millisecond))
	qs, err := All()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]map[string]any{}
	for _, q := range qs {
		params := exampleParams[q.Name]
		for k, v := range params {
			example := fmt.Sprintf(":param %s => %s", k, cypherLiteral(v))
			if !strings.Contains(q.Cypher, example) {
				t.Errorf("%s: header lacks %q", q.Name, example)
			}
		}
		started := time.Now()
		res, err := neo4j.ExecuteQuery(ctx, driver, q.Cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(cfg.Database), neo4j.ExecuteQueryWithReadersRouting())
		t.Logf("%s: %v", q.Name, time.Since(started).Round(time.Millisecond))
		if err != nil {
			t.Errorf("%s: %v", q.Name, err)
			continue
		}
		if len(res.Records) == 0 {
			t.Errorf("%s: no rows", q.Name)
		}
		for _, r := range res.Records {
			rows[q.Name] = append(rows[q.Name], r.AsMap())
		}
	}

	col := func(name, key string) []string {
		var out []string
		for _, r := range rows[name] {
			out = append(out, fmt.Sprint(r[key]))
		}
		return out
	}
	// The chain above Northbridge crosses from PSC to GLEIF and reaches the Shenzhen group.
	if !slices.Contains(col("ownership_chain", "holder_id"), "lei:3003005QNV6HK7RT2M97") {
		t.Errorf("ownership_chain: holders %v lack the Chinese group", col("ownership_chain", "holder_id"))
	}
	// The group's subsidiaries include the UK company reached through the PSC.
	if !slices.Contains(col("subsidiaries", "held_id"), "lei:213800NBS9GB4K2P6X33") {
		t.Errorf("subsidiaries: %v lack Northbridge Sensors", col("subsidiaries", "held_id"))
	}
	controlled := col("flagged_by_verdict", "id")
	for _, want := range []string{"lei:213800NBS9GB4K2P6X33", "lei:213800SDC5GB3Y7N2L31", "ftm:demo-meridian"} {
		if !slices.Contains(controlled, want) {
			t.Errorf("flagged_by_verdict CONTROLLED: %v lacks %s", controlled, want)
		}
	}
	for _, v := range col("flagged_by_verdict", "verdict") {
		if v != "CONTROLLED" {
			t.Errorf("flagged_by_verdict CONTROLLED returned a %s", v)
		}
	}
	// Brecon: 20% direct and 51% × 30% through Avalon, strongest first.
	ev := rows["evidence_paths"]
	if len(ev) != 2 || fmt.Sprint(ev[0]["share"]) != "20" || fmt.Sprint(ev[1]["share"]) != "15.3" {
		t.Errorf("evidence_paths Brecon: %v, want shares 20 then 15.3", col("evidence_paths", "share"))
	}
	if len(ev) > 0 && !strings.Contains(fmt.Sprint(ev[0]["engine_explanation"]), "≥ 50%") {
		t.Errorf("evidence_paths: engine_explanation %q is not the engine's OWNED_50 sentence", ev[0]["engine_explanation"])
	}
	top := rows["chinese_roots_most_flagged"]
	if len(top) == 0 || top[0]["id"] != "lei:3003005QNV6HK7RT2M97" || fmt.Sprint(top[0]["flagged_descendants"]) != "3" {
		t.Errorf("chinese_roots_most_flagged: %v, want the Huaxin group first with 3 flagged descendants", top)
	}
}

func cypherLiteral(v any) string {
	if s, ok := v.(string); ok {
		return "'" + s + "'"
	}
	return fmt.Sprint(v)
}
