package scoring_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/scoring/scoringtest"
	"github.com/ubo-project/ubo/store"
)

// openNeo4j returns an empty, initialised Neo4j store and the driver the
// test uses to look at the graph directly.
func openNeo4j(t *testing.T) (store.Store, neo4j.DriverWithContext, neo4jtest.Config) {
	t.Helper()
	driver, cfg := neo4jtest.Driver(t)
	neo4jtest.Reset(t, driver)
	qc := queries.Config{URI: cfg.URI, Database: cfg.Database}
	if cfg.Password != "" {
		qc.Username, qc.Password = cfg.Username, cfg.Password
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st, err := queries.Open(ctx, qc)
	if err != nil {
		t.Fatalf("open neo4j: %v", err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if err := st.Init(ctx); err != nil {
		t.Fatalf("init neo4j: %v", err)
	}
	return st, driver, cfg
}

// flaggedNodes reads the :Flagged label through the driver, as a Neo4j
// Browser user would.
func flaggedNodes(t *testing.T, driver neo4j.DriverWithContext, db string) []string {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), driver,
		"MATCH (e:Flagged) RETURN e.id AS id ORDER BY id", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(db))
	if err != nil {
		t.Fatalf("query :Flagged: %v", err)
	}
	var ids []string
	for _, r := range res.Records {
		id, _ := r.Get("id")
		ids = append(ids, id.(string))
	}
	return ids
}

func TestContractNeo4j(t *testing.T) {
	var driver neo4j.DriverWithContext
	var db string
	scoringtest.Run(t, func(t *testing.T) store.Store {
		st, d, cfg := openNeo4j(t)
		driver, db = d, cfg.Database
		return st
	}, scoringtest.Hooks{Flagged: func(t *testing.T) []string { return flaggedNodes(t, driver, db) }})
}

// TestNeo4jVerdictProperties checks what Browser users query: verdict
// properties on the entity nodes of the latest complete run.
func TestNeo4jVerdictProperties(t *testing.T) {
	st, driver, cfg := openNeo4j(t)
	scoringtest.Load(t, st)
	out := scoringtest.Score(t, st, scoringtest.Clock())
	res, err := neo4j.ExecuteQuery(context.Background(), driver,
		`MATCH (e:Entity {id: $id}) OPTIONAL MATCH (s:UboState {id: 'current'})
		 RETURN e.verdict AS v, s.run_id AS run, e.chinese_share_min AS lo,
		        e.indeterminate AS ind, e:Flagged AS flagged`,
		map[string]any{"id": scoringtest.Target}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("query target: %v, %d records", err, len(res.Records))
	}
	got := res.Records[0].AsMap()
	want := map[string]any{"v": "OWNED_50", "run": out.Run.ID, "lo": 50.0, "ind": false, "flagged": true}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("target %s = %v, want %v", k, got[k], w)
		}
	}
}

// TestExportsIdenticalAcrossStores: the same data scored on both stores
// exports the same JSON Lines bytes, run id aside.
func TestExportsIdenticalAcrossStores(t *testing.T) {
	neo, _, _ := openNeo4j(t)
	fromNeo4j := scoringtest.ScoredJSONL(t, neo)
	fromEmbedded := scoringtest.ScoredJSONL(t, openEmbedded(t))
	if len(fromEmbedded) == 0 || !bytes.Equal(fromNeo4j, fromEmbedded) {
		a, b := bytes.Split(fromNeo4j, []byte("\n")), bytes.Split(fromEmbedded, []byte("\n"))
		for i := range min(len(a), len(b)) {
			if !bytes.Equal(a[i], b[i]) {
				t.Errorf("line %d differs:\nneo4j:    %s\nembedded: %s", i+1, a[i], b[i])
			}
		}
		if len(a) != len(b) {
			t.Errorf("neo4j %d lines, embedded %d", len(a), len(b))
		}
	}
}

// TestNeo4jPublishRepairsTamperedFlags: a graph whose published verdicts
// and :Flagged labels no longer match the current run (set wrong here, as a
// hand edit or an overlapping run of an older ubo leaves them) is repaired
// by the next run, although its results equal the current run's.
func TestNeo4jPublishRepairsTamperedFlags(t *testing.T) {
	tests := []struct {
		name, cypher string
	}{
		{"flag removed", `MATCH (e:Entity {id: $target}) REMOVE e:Flagged`},
		{"flag added", `MATCH (e:Entity {id: $clear}) SET e:Flagged`},
		{"verdict changed", `MATCH (e:Entity {id: $clear}) SET e.verdict = 'OWNED_50'`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, driver, cfg := openNeo4j(t)
			scoringtest.Load(t, st)
			clock := scoringtest.Clock()
			first := scoringtest.Score(t, st, clock)
			want := flaggedNodes(t, driver, cfg.Database)
			if _, err := neo4j.ExecuteQuery(context.Background(), driver, tc.cypher,
				map[string]any{"target": scoringtest.Target, "clear": scoringtest.ClearCo},
				neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
				t.Fatal(err)
			}
			second := scoringtest.Score(t, st, clock)
			if second.Run.PreviousRun != first.Run.ID || second.Run.NewlyFlagged != 0 {
				t.Errorf("second run = %+v", second.Run)
			}
			if got := flaggedNodes(t, driver, cfg.Database); !slices.Equal(got, want) {
				t.Errorf(":Flagged after the repairing run = %v, want %v", got, want)
			}
			res, err := neo4j.ExecuteQuery(context.Background(), driver,
				`MATCH (e:Entity {id: $clear}) RETURN e.verdict AS v`, map[string]any{"clear": scoringtest.ClearCo},
				neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
			if err != nil || len(res.Records) != 1 {
				t.Fatalf("verdict of %s: %v", scoringtest.ClearCo, err)
			}
			if v, _ := res.Records[0].Get("v"); v != "CLEAR" {
				t.Errorf("verdict of %s = %v, want CLEAR", scoringtest.ClearCo, v)
			}
		})
	}
}
