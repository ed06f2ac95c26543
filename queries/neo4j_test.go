package queries

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/storetest"
)

// openTestStore returns an empty, initialised Neo4j store on the server
// neo4jtest picks (skipping, or failing on CI, when there is none).
func openTestStore(t testing.TB) *Store {
	t.Helper()
	driver, cfg := neo4jtest.Driver(t)
	neo4jtest.Reset(t, driver)
	qc := Config{URI: cfg.URI, Database: cfg.Database}
	if cfg.Password != "" {
		qc.Username, qc.Password = cfg.Username, cfg.Password
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := Open(ctx, qc)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	if err := s.Init(ctx); err != nil {
		t.Fatalf("Init: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTestStore(t) })
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there.
	_, err := Open(ctx, Config{URI: "bolt://127.0.0.1:1", Username: "neo4j", Password: "s3cret-pw"})
	if !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("Open of a closed port: %v, want ErrUnreachable", err)
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret-pw") {
		t.Errorf("error reveals the password: %s", msg)
	}
}
