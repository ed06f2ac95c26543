package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
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

// openStore opens the store selected by --db: Neo4j for a neo4j:// or
// bolt:// URI (credentials from NEO4J_USERNAME / NEO4J_PASSWORD, database
// from NEO4J_DATABASE), else the embedded store file, which it creates when
// missing: for the commands that load data (ingest, db init, demo). The
// caller closes it.
func (g *globalOptions) openStore(ctx context.Context) (store.Store, error) {
	return g.open(ctx, embedded.Open)
}

// openExistingStore is openStore for every other command: a missing
// embedded store file is an error (store.ErrNoStore, exit 3), never a new
// empty store at a mistyped path.
func (g *globalOptions) openExistingStore(ctx context.Context) (store.Store, error) {
	return g.open(ctx, embedded.OpenExisting)
}

func (g *globalOptions) open(ctx context.Context, openEmbedded func(string) (*embedded.Store, error)) (store.Store, error) {
	if isNeo4jURI(g.DB) {
		st, err := queries.Open(ctx, queries.Config{
			URI:      g.DB,
			Username: os.Getenv("NEO4J_USERNAME"),
			Password: os.Getenv("NEO4J_PASSWORD"),
			Database: os.Getenv("NEO4J_DATABASE"),
		})
		if err != nil {
			return nil, err
		}
		g.logger().Debug("opened store", "backend", "neo4j", "uri", store.RedactURI(g.DB))
		return st, nil
	}
	st, err := openEmbedded(g.DB)
	if err != nil {
		return nil, err
	}
	g.logger().Debug("opened store", "backend", "embedded", "path", g.DB)
	return st, nil
}

// withStore opens the existing store --db selects (see
// openExistingStore), runs fn with it and closes it, also after ctx was
// cancelled (an interrupted command still syncs and closes its file): a
// failure to close (an embedded file not synced) is the command's error
// when fn succeeded, never dropped. Every command that uses a store opens
// it here or in withNewStore.
func (g *globalOptions) withStore(ctx context.Context, fn func(st store.Store) error) error {
	return g.withOpened(ctx, g.openExistingStore, fn)
}

// withNewStore is withStore for the commands that may create the store
// (ingest, db init, demo).
func (g *globalOptions) withNewStore(ctx context.Context, fn func(st store.Store) error) error {
	return g.withOpened(ctx, g.openStore, fn)
}

func (g *globalOptions) withOpened(ctx context.Context, open func(context.Context) (store.Store, error),
	fn func(st store.Store) error) (err error) {
	st, err := open(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()
	return fn(st)
}
