// Package neo4jtest gives tests a live Neo4j driver, or skips them with a reason.
//
// Choice of server, in order:
//  1. NEO4J_URI is set: that server (NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE apply).
//     An unreachable NEO4J_URI fails the test: the user asked for that server.
//  2. Built with -tags docker and a Docker engine answers: one throwaway neo4j container per
//     test binary, started by testcontainers-go.
//  3. Otherwise the test is skipped, except when CI=true, where it fails: CI must never pass
//     by skipping the Neo4j tests.
//
// Tests that use this helper delete ALL data in the database they get: never point NEO4J_URI at
// a database you care about.
//
// Neo4j Community has a single user database, so every package whose tests use this helper
// shares it. Run such packages one at a time (`go test -p 1 ./...`, which `make test` does)
// and call Reset at the start of each test that needs an empty graph.
package neo4jtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// DefaultLocalURI is where scripts/neo4j-local serves Bolt.
const DefaultLocalURI = "bolt://127.0.0.1:7687"

// DefaultDatabase is the only user database Neo4j Community has.
const DefaultDatabase = "neo4j"

// connectTimeout bounds the first contact with the server.
const connectTimeout = 30 * time.Second

// Config says which server a driver talks to. Password is never printed by this package.
type Config struct {
	URI      string
	Username string
	Password string
	Database string
}

// ConfigFromEnv reads NEO4J_URI, NEO4J_USERNAME (default "neo4j"), NEO4J_PASSWORD and
// NEO4J_DATABASE (default "neo4j"). URI is empty when NEO4J_URI is unset.
func ConfigFromEnv() Config {
	return Config{
		URI:      strings.TrimSpace(os.Getenv("NEO4J_URI")),
		Username: envOr("NEO4J_USERNAME", "neo4j"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: envOr("NEO4J_DATABASE", DefaultDatabase),
	}
}

// Auth returns basic auth when a password is set, and no auth otherwise. The local server
// started by scripts/neo4j-local runs with authentication disabled and accepts either.
func (c Config) Auth() neo4j.AuthToken {
	if c.Password == "" {
		return neo4j.NoAuth()
	}
	user := c.Username
	if user == "" {
		user = "neo4j"
	}
	return neo4j.BasicAuth(user, c.Password, "")
}

// String describes the config without the password.
func (c Config) String() string {
	return fmt.Sprintf("%s (user %q, database %q)", c.URI, c.Username, c.Database)
}

// Driver returns a connected driver and its config, closed when the test ends. It skips the
// test (or fails it when CI=true) when no Neo4j server is available; see the package doc.
func Driver(t testing.TB) (neo4j.DriverWithContext, Config) {
	t.Helper()
	cfg := ConfigFromEnv()
	if cfg.URI == "" {
		var reason string
		cfg, reason = containerConfig(t)
		if cfg.URI == "" {
			unavailable(t, reason)
		}
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, cfg.Auth())
	if err != nil {
		t.Fatalf("neo4jtest: driver for %s: %v", cfg, err)
	}
	t.Cleanup(func() { _ = driver.Close(context.Background()) })

	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := driver.VerifyConnectivity(ctx); err != nil {
		t.Fatalf("neo4jtest: cannot reach Neo4j at %s: %v (start it with scripts/neo4j-local start)", cfg, err)
	}
	return driver, cfg
}

// unavailable skips the test, or fails it when CI=true.
func unavailable(t testing.TB, reason string) {
	t.Helper()
	msg := "neo4jtest: no Neo4j server: NEO4J_URI is unset and " + reason +
		"; run `make test` (starts a local Neo4j) or `scripts/neo4j-local start` and export NEO4J_URI=" + DefaultLocalURI
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: Neo4j tests must not skip)")
	}
	t.Skip(msg)
}

// Reset deletes every relationship and node in the test database, in batches so that it also
// works on large graphs. Constraints and indexes stay; see DropSchema.
func Reset(t testing.TB, driver neo4j.DriverWithContext) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := DeleteAll(ctx, driver, databaseFor(driver)); err != nil {
		t.Fatalf("neo4jtest: reset: %v", err)
	}
}

// deleteBatchSize bounds the rows one delete transaction touches, so memory stays flat.
const deleteBatchSize = 10000

// DeleteAll deletes all relationships, then all nodes, of database, 10 000 per transaction.
func DeleteAll(ctx context.Context, driver neo4j.DriverWithContext, database string) error {
	return deleteAll(ctx, driver, database, deleteBatchSize)
}

// deleteAll deletes in transactions of batch rows. CALL { } IN TRANSACTIONS needs an
// auto-commit transaction, hence session.Run rather than ExecuteWrite.
func deleteAll(ctx context.Context, driver neo4j.DriverWithContext, database string, batch int) error {
	session := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: database, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	for _, q := range []string{
		"MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF $batch ROWS",
		"MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS",
	} {
		res, err := session.Run(ctx, q, map[string]any{"batch": batch})
		if err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		if _, err := res.Consume(ctx); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// DropSchema drops every constraint and every index except the built-in token lookup
// indexes, so tests of schema creation start from nothing.
func DropSchema(t testing.TB, driver neo4j.DriverWithContext) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := neo4j.ExecuteQueryWithDatabase(databaseFor(driver))
	drop := func(show, yield, stmt string) {
		res, err := neo4j.ExecuteQuery(ctx, driver, show, nil, neo4j.EagerResultTransformer, db)
		if err != nil {
			t.Fatalf("neo4jtest: %s: %v", show, err)
		}
		for _, rec := range res.Records {
			name, _ := rec.Get(yield)
			// Names cannot be parameters in DDL; backquote them, doubling any backquote.
			quoted := "`" + strings.ReplaceAll(fmt.Sprint(name), "`", "``") + "`"
			if _, err := neo4j.ExecuteQuery(ctx, driver, fmt.Sprintf(stmt, quoted), nil, neo4j.EagerResultTransformer, db); err != nil {
				t.Fatalf("neo4jtest: %s: %v", fmt.Sprintf(stmt, quoted), err)
			}
		}
	}
	// Constraints first: dropping a constraint drops its backing index.
	drop("SHOW CONSTRAINTS YIELD name RETURN name", "name", "DROP CONSTRAINT %s IF EXISTS")
	drop("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name", "name", "DROP INDEX %s IF EXISTS")
}

// databaseFor returns the database the helper's drivers use. Drivers from Driver always talk
// to NEO4J_DATABASE (default "neo4j"); a container has only "neo4j".
func databaseFor(neo4j.DriverWithContext) string {
	return envOr("NEO4J_DATABASE", DefaultDatabase)
}

func envOr(key, def string) string {
	if v := strings.TrimSpace(os.Getenv(key)); v != "" {
		return v
	}
	return def
}
