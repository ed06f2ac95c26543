// Package storetesting opens fresh stores for tests that must run the same
// checks on the embedded store and on Neo4j.
package storetesting

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

// Opener returns an empty, initialised store, closed when the test ends.
type Opener func(t testing.TB) store.Store

// Embedded opens a new embedded store in the test's (or benchmark's)
// temporary directory.
func Embedded(t testing.TB) store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(ctx) })
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// Neo4j returns an Opener that empties the Neo4j database neo4jtest picks
// before each use. Without a server neo4jtest skips the test, or fails it
// when CI=true.
func Neo4j(t testing.TB) Opener {
	t.Helper()
	driver, cfg := neo4jtest.Driver(t)
	return func(t testing.TB) store.Store {
		t.Helper()
		neo4jtest.Reset(t, driver)
		ctx := context.Background()
		qc := queries.Config{URI: cfg.URI, Database: cfg.Database}
		if cfg.Password != "" {
			qc.Username, qc.Password = cfg.Username, cfg.Password
		}
		st, err := queries.Open(ctx, qc)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close(ctx) })
		if err := st.Init(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
}
