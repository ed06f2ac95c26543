package neo4jtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/ubo-project/ubo/internal/neo4jtest"
)

func TestConfigAuth(t *testing.T) {
	tests := []struct {
		name   string
		cfg    neo4jtest.Config
		scheme string
		user   string
	}{
		{"no password means no auth", neo4jtest.Config{Username: "neo4j"}, "none", ""},
		{"password means basic auth", neo4jtest.Config{Username: "alice", Password: "s3cret"}, "basic", "alice"},
		{"empty user defaults to neo4j", neo4jtest.Config{Password: "s3cret"}, "basic", "neo4j"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.cfg.Auth().Tokens
			if tok["scheme"] != tt.scheme {
				t.Errorf("scheme = %v, want %v", tok["scheme"], tt.scheme)
			}
			if tt.user != "" && tok["principal"] != tt.user {
				t.Errorf("principal = %v, want %v", tok["principal"], tt.user)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("NEO4J_URI", " bolt://example.invalid:7687 ")
	t.Setenv("NEO4J_USERNAME", "")
	t.Setenv("NEO4J_PASSWORD", "pw")
	t.Setenv("NEO4J_DATABASE", "")
	got := neo4jtest.ConfigFromEnv()
	want := neo4jtest.Config{URI: "bolt://example.invalid:7687", Username: "neo4j", Password: "pw", Database: "neo4j"}
	if got != want {
		t.Fatalf("ConfigFromEnv() = %+v, want %+v", got, want)
	}
	if s := got.String(); strings.Contains(s, "pw") {
		t.Errorf("String() leaks the password: %q", s)
	}
}

func count(t *testing.T, driver neo4j.DriverWithContext, db, query string) int64 {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), driver, query, nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db))
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	n, _ := res.Records[0].Get("n")
	return n.(int64)
}

// TestDriverConnects exercises the helper end to end: connect, write, read back, reset.
func TestDriverConnects(t *testing.T) {
	driver, cfg := neo4jtest.Driver(t)
	neo4jtest.Reset(t, driver)
	ctx := context.Background()

	res, err := neo4j.ExecuteQuery(ctx, driver,
		"CREATE (a:NeoTestNode {id: $a})-[:NEO_TEST_REL]->(b:NeoTestNode {id: $b}) RETURN a.id AS a",
		map[string]any{"a": "x", "b": "y"},
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if c := res.Summary.Counters(); c.NodesCreated() != 2 || c.RelationshipsCreated() != 1 {
		t.Fatalf("created %d nodes, %d relationships; want 2, 1", c.NodesCreated(), c.RelationshipsCreated())
	}
	if n := count(t, driver, cfg.Database, "MATCH (n:NeoTestNode) RETURN count(n) AS n"); n != 2 {
		t.Fatalf("nodes after create = %d, want 2", n)
	}

	neo4jtest.Reset(t, driver)
	if n := count(t, driver, cfg.Database, "MATCH (n) RETURN count(n) AS n"); n != 0 {
		t.Errorf("nodes after Reset = %d, want 0", n)
	}
	if n := count(t, driver, cfg.Database, "MATCH ()-[r]->() RETURN count(r) AS n"); n != 0 {
		t.Errorf("relationships after Reset = %d, want 0", n)
	}
}

// TestDeleteAllBatches checks that deleting in transactions smaller than the graph (several
// per query) still empties it.
func TestDeleteAllBatches(t *testing.T) {
	driver, cfg := neo4jtest.Driver(t)
	neo4jtest.Reset(t, driver)
	ctx := context.Background()
	_, err := neo4j.ExecuteQuery(ctx, driver,
		"UNWIND range(1, 250) AS i CREATE (:NeoTestNode {i: i})-[:NEO_TEST_REL]->(:NeoTestNode {i: -i})",
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	// 250 relationships and 500 nodes in batches of 100: several transactions each.
	if err := neo4jtest.DeleteAllBatched(ctx, driver, cfg.Database, 100); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if n := count(t, driver, cfg.Database, "MATCH (n) RETURN count(n) AS n"); n != 0 {
		t.Errorf("nodes after delete = %d, want 0", n)
	}
	if n := count(t, driver, cfg.Database, "MATCH ()-[r]->() RETURN count(r) AS n"); n != 0 {
		t.Errorf("relationships after delete = %d, want 0", n)
	}
}

// TestDropSchema checks that constraints and indexes go, and token lookup indexes stay.
func TestDropSchema(t *testing.T) {
	driver, cfg := neo4jtest.Driver(t)
	ctx := context.Background()
	db := neo4j.ExecuteQueryWithDatabase(cfg.Database)
	for _, q := range []string{
		"CREATE CONSTRAINT neotest_id IF NOT EXISTS FOR (n:NeoTestNode) REQUIRE n.id IS UNIQUE",
		"CREATE INDEX neotest_name IF NOT EXISTS FOR (n:NeoTestNode) ON (n.name)",
	} {
		if _, err := neo4j.ExecuteQuery(ctx, driver, q, nil, neo4j.EagerResultTransformer, db); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	neo4jtest.DropSchema(t, driver)
	if n := count(t, driver, cfg.Database, "SHOW CONSTRAINTS YIELD name RETURN count(name) AS n"); n != 0 {
		t.Errorf("constraints after DropSchema = %d, want 0", n)
	}
	if n := count(t, driver, cfg.Database, "SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*) AS n"); n != 0 {
		t.Errorf("indexes after DropSchema = %d, want 0", n)
	}
	if n := count(t, driver, cfg.Database, "SHOW INDEXES YIELD type WHERE type = 'LOOKUP' RETURN count(*) AS n"); n == 0 {
		t.Errorf("token lookup indexes were dropped")
	}
}
