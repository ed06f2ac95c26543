// Command ping checks that a Neo4j server answers Bolt with a real query.
// scripts/neo4j-local uses it to decide when the local server is ready.
//
//	go run ./internal/neo4jtest/cmd/ping [-uri bolt://127.0.0.1:7687] [-write] [-timeout 5s]
//
// Credentials come from NEO4J_USERNAME / NEO4J_PASSWORD (no auth when the password is empty).
// Exit status 0 means the server ran RETURN 1 (and, with -write, created and deleted a node).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/ubo-project/ubo/internal/neo4jtest"
)

func main() {
	uri := flag.String("uri", envOr("NEO4J_URI", neo4jtest.DefaultLocalURI), "Bolt URI (bolt:// or neo4j://)")
	write := flag.Bool("write", false, "also create and delete a node in a write transaction")
	timeout := flag.Duration("timeout", 5*time.Second, "give up after this long")
	quiet := flag.Bool("q", false, "print nothing on success")
	flag.Parse()

	cfg := neo4jtest.ConfigFromEnv()
	cfg.URI = *uri
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	version, err := ping(ctx, cfg, *write)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ping %s: %v\n", cfg.URI, err)
		os.Exit(1)
	}
	if !*quiet {
		fmt.Printf("ok %s (%s)\n", cfg.URI, version)
	}
}

func ping(ctx context.Context, cfg neo4jtest.Config, write bool) (string, error) {
	driver, err := neo4j.NewDriverWithContext(cfg.URI, cfg.Auth())
	if err != nil {
		return "", fmt.Errorf("driver: %w", err)
	}
	defer driver.Close(context.Background())

	res, err := neo4j.ExecuteQuery(ctx, driver, "RETURN 1 AS one", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database),
		neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return "", fmt.Errorf("RETURN 1: %w", err)
	}
	if len(res.Records) != 1 {
		return "", fmt.Errorf("RETURN 1: got %d records", len(res.Records))
	}
	if one, _ := res.Records[0].Get("one"); one != int64(1) {
		return "", fmt.Errorf("RETURN 1: got %v", one)
	}
	if write {
		w, err := neo4j.ExecuteQuery(ctx, driver,
			"CREATE (n:UboPing {at: $at}) WITH n DELETE n RETURN 1 AS done",
			map[string]any{"at": time.Now().UnixNano()},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database),
			neo4j.ExecuteQueryWithWritersRouting())
		if err != nil {
			return "", fmt.Errorf("write: %w", err)
		}
		if c := w.Summary.Counters(); c.NodesCreated() != 1 || c.NodesDeleted() != 1 {
			return "", errors.New("write: expected one node created and deleted")
		}
	}
	info, err := driver.GetServerInfo(ctx)
	if err != nil {
		return "", fmt.Errorf("server info: %w", err)
	}
	return info.Agent(), nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
