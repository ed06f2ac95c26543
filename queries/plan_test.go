package queries

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/model"
)

// operators lists the operator names of a plan tree.
func operators(p neo4j.Plan) []string {
	out := []string{p.Operator()}
	for _, c := range p.Children() {
		out = append(out, operators(c)...)
	}
	return out
}

// TestStreamsNeedNoSort checks that the whole-graph streams read in index
// order instead of sorting the graph on the server.
func TestStreamsNeedNoSort(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	for name, q := range map[string]string{
		"each_entity":       qEachEntity,
		"each_relationship": qEachRelationship[model.Ownership],
		"flagged_entities":  qFlaggedEntities,
		"publish_results":   qPublishResults,
		"result_of":         qResultOf,
	} {
		res, err := neo4j.ExecuteQuery(ctx, s.driver, "EXPLAIN "+q, map[string]any{"run_id": "r", "after": "", "limit": 10,
			"rows": []any{}, "entity_id": "x"},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.database))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ops := operators(res.Summary.Plan())
		t.Logf("%s: %v", name, ops)
		for _, op := range ops {
			if strings.Contains(op, "Sort") {
				t.Errorf("%s sorts on the server: %v", name, ops)
			}
		}
	}
}

// TestUpsertRelationshipsSeek checks that the relationship upsert finds an
// existing relationship by an id index seek, never a scan of the whole
// index per row (what MERGE's plan fell to with stale statistics).
func TestUpsertRelationshipsSeek(t *testing.T) {
	s := openTestStore(t)
	// PROFILE of an empty batch: the driver's EXPLAIN tree of this query
	// lacks the main branch, the profiled one is whole.
	res, err := neo4j.ExecuteQuery(context.Background(), s.driver, "PROFILE "+qUpsertRelationships[model.Ownership],
		map[string]any{"rows": []any{}}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.database))
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		ops = append(ops, p.Operator())
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(res.Summary.Profile())
	if !slices.ContainsFunc(ops, func(op string) bool { return strings.HasPrefix(op, "DirectedRelationshipIndexSeek") }) {
		t.Errorf("no relationship index seek: %v", ops)
	}
	for _, op := range ops {
		if strings.Contains(op, "Scan") {
			t.Errorf("upsert_relationships scans: %v", ops)
		}
	}
}
