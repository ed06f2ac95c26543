package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/store"
)

func TestDBRepackEmbedded(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ubo.db")
	if code, _, stderr := runUbo(t, "--db", db, "db", "init"); code != 0 {
		t.Fatalf("db init: exit %d, %s", code, stderr)
	}
	code, out, stderr := runUbo(t, "--db", db, "db", "repack", "--json")
	if code != 0 {
		t.Fatalf("db repack on the embedded store: exit %d, %s", code, stderr)
	}
	var stats store.RepackStats
	if err := json.Unmarshal([]byte(out), &stats); err != nil || stats != (store.RepackStats{}) {
		t.Errorf("db repack --json = %q (%v), want zero counts", out, err)
	}
	if !strings.Contains(stderr, "nothing to do") {
		t.Errorf("stderr %q does not say there is nothing to do", stderr)
	}
}

// TestDBRepackNeo4j: after an ingest every copy is current; after the
// copies are removed by hand, repack rewrites every one and says so.
func TestDBRepackNeo4j(t *testing.T) {
	driver, cfg := emptyNeo4j(t)
	if code, _, stderr := runUbo(t, "--db", cfg.URI, "ingest", "csv", "--entities", filepath.Join(csvDir, "entities.csv"),
		"--relationships", filepath.Join(csvDir, "relationships.csv")); code != 0 {
		t.Fatalf("ingest: exit %d, %s", code, stderr)
	}
	repack := func() store.RepackStats {
		t.Helper()
		code, out, stderr := runUbo(t, "--db", cfg.URI, "db", "repack", "--json")
		if code != 0 {
			t.Fatalf("db repack: exit %d, %s", code, stderr)
		}
		var stats store.RepackStats
		if err := json.Unmarshal([]byte(out), &stats); err != nil {
			t.Fatalf("db repack --json = %q: %v", out, err)
		}
		return stats
	}
	first := repack()
	if first.Entities == 0 || first.Relationships == 0 || first.EntitiesWritten != 0 || first.RelationshipsWritten != 0 {
		t.Errorf("repack after an ingest = %+v, want every copy current", first)
	}
	for _, q := range []string{"MATCH (e:Entity) REMOVE e._packed", "MATCH ()-[r]->() REMOVE r._packed"} {
		if _, err := neo4j.ExecuteQuery(context.Background(), driver, q, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
			t.Fatal(err)
		}
	}
	second := repack()
	if second.EntitiesWritten != first.Entities || second.RelationshipsWritten != first.Relationships {
		t.Errorf("repack without copies = %+v, want all %d entities and %d relationships rewritten",
			second, first.Entities, first.Relationships)
	}
}
