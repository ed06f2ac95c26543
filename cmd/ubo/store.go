package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/ubo-project/ubo/store"
)

// isNeo4jURI reports whether a --db value selects Neo4j rather than a file.
func isNeo4jURI(db string) bool {
	for _, p := range []string{"neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://"} {
		if strings.HasPrefix(db, p) {
			return true
		}
	}
	return false
}

// openStore opens the store selected by --db. The caller closes it.
func (g *globalOptions) openStore(ctx context.Context) (store.Store, error) {
	return nil, fmt.Errorf("open %s: %w: store not wired yet", g.DB, store.ErrUnreachable)
}
