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
	if err != nil {
		return fail(ctx, "init: waiting for indexes", err)
	}
	return s.migrateNameIndex(ctx)
}

// nameIndexVersion is the version of the entities' name index properties
// (search_forms, name_tokens); stores at an older version are migrated by
// Init.
const nameIndexVersion = 1

// migrateNameIndex gives every entity stored before the name index
// properties existed its search_forms and name_tokens, a page at a time in
// id order, then records the version so later opens skip the walk.
func (s *Store) migrateNameIndex(ctx context.Context) error {
	const what = "init: name index migration"
	recs, err := s.query(ctx, what, qSchemaState, nil)
	if err != nil {
		return err
	}
	if len(recs) == 1 {
		if v, _ := recs[0].Values[0].(int64); v >= nameIndexVersion {
			return nil
		}
	}
	after := ""
	for {
		recs, err := s.query(ctx, what, qNamesUnindexed, map[string]any{"after": after, "limit": migrationPage})
		if err != nil {
			return err
		}
		if len(recs) != 1 || recs[0].Values[0] == nil {
			break
		}
		after = str(recs[0].Values[0])
		missing, _ := recs[0].Values[1].([]any)
		if len(missing) == 0 {
			continue
		}
		rows := make([]map[string]any, 0, len(missing))
		for _, m := range missing {
			e, err := decodeEntity(m)
			if err != nil {
				return fail(ctx, what, err)
			}
			forms, tokens := nameIndexProperties(&e)
			rows = append(rows, map[string]any{"id": e.ID, "forms": nilIfNone(forms), "tokens": tokens})
		}
		if err := s.write(ctx, what, func(tx neo4j.ManagedTransaction) error {
			_, err := runInTx(ctx, tx, qSetNameIndex, map[string]any{"rows": rows})
			return err
		}); err != nil {
			return err
		}
	}
	return s.write(ctx, what, func(tx neo4j.ManagedTransaction) error {
		_, err := runInTx(ctx, tx, qSetSchemaState, map[string]any{"names": nameIndexVersion})
		return err
	})
}

// migrationPage is how many entities one migration query reads.
const migrationPage = 10_000

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
var resetLabels = []string{"SourceAssertion", "ResultChunk", "Result", "Run", "UboState", "UboSchema", "Alias", "Identifier", "Entity"}

// Reset implements store.Store: deletes every ubo node in batches of
// committed transactions (CALL ... IN TRANSACTIONS), so it works on stores
// far larger than one transaction could hold. The schema stays.
func (s *Store) Reset(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fail(ctx, "reset", err)
	}
	defer s.tokens.forget()
	defer s.chains.Clear()
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
