package queries

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// indexWaitSeconds bounds how long Init waits for new indexes to come online.
const indexWaitSeconds = 300

// Init implements store.Store: constraints and indexes (idempotent, IF NOT
// EXISTS), then waits until every index is online.
func (s *Store) Init(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fail(ctx, "init", err)
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(context.WithoutCancel(ctx))
	// Schema commands run in auto-commit transactions, one statement each.
	for _, stmt := range schemaStatements() {
		res, err := sess.Run(ctx, stmt, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return fail(ctx, "init: "+firstLine(stmt), err)
		}
	}
	res, err := sess.Run(ctx, "CALL db.awaitIndexes($seconds)", map[string]any{"seconds": indexWaitSeconds})
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return fail(ctx, "init: waiting for indexes", err)
}

// firstLine is the first non-comment line of a statement, for errors.
func firstLine(stmt string) string {
	for _, l := range strings.Split(stmt, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "//") {
			return l
		}
	}
	return stmt
}

// Status implements store.Store; counts come from Neo4j's count store.
func (s *Store) Status(ctx context.Context) (store.Status, error) {
	st := store.Status{Backend: s.Backend(), Location: s.location,
		Entities: map[string]int{}, Relationships: map[string]int{}}
	recs, err := s.query(ctx, "status", qServerVersion, nil)
	if err != nil {
		return st, err
	}
	if len(recs) > 0 {
		st.ServerVersion = str(recs[0].Values[0])
	}
	recs, err = s.query(ctx, "status", qCountEntities, nil)
	if err != nil {
		return st, err
	}
	if len(recs) == 1 {
		for i, key := range recs[0].Keys {
			n, _ := recs[0].Values[i].(int64)
			if key == "runs" {
				st.Runs = int(n)
			} else if n > 0 {
				st.Entities[key] = int(n)
			}
		}
	}
	for _, k := range model.RelKinds {
		recs, err := s.query(ctx, "status", qCountRelationships[k], nil)
		if err != nil {
			return st, err
		}
		if n := count(recs); n > 0 {
			st.Relationships[string(k)] = int(n)
		}
	}
	return st, nil
}

// resetLabels are every label ubo creates nodes with; the kind labels and
// :Flagged sit on :Entity nodes. :Result (one node per result) is what
// versions before result chunks wrote; reset still removes it.
var resetLabels = []string{"ResultChunk", "Result", "Run", "UboState", "Alias", "Identifier", "Entity"}

// Reset implements store.Store: deletes every ubo node in batches of
// committed transactions (CALL ... IN TRANSACTIONS), so it works on stores
// far larger than one transaction could hold. The schema stays.
func (s *Store) Reset(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fail(ctx, "reset", err)
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(context.WithoutCancel(ctx))
	for _, label := range resetLabels {
		q := strings.ReplaceAll(qReset, "__LABEL__", label)
		res, err := sess.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return fail(ctx, fmt.Sprintf("reset :%s", label), err)
		}
	}
	return nil
}
