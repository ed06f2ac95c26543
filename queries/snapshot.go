package queries

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

var _ store.Snapshotter = (*Store)(nil)

var (
	qMarkAsserted        = mustQuery("mark_asserted")
	qRetireRelationships = mustQuery("retire_relationships")
	qSetRelationshipEnd  = mustQuery("set_relationship_end")
	qEntityLedger        = mustQuery("entity_ledger")
	qOtherLedgers        = mustQuery("other_ledgers")
	qEntitiesToRetire    = mustQuery("entities_to_retire")
	qDeleteStaleLedger   = mustQuery("delete_stale_ledger")
	qCommitLedger        = mustQuery("commit_ledger")
	retireWriteBatchSize = 5000
)

// ledgerKey is a :SourceAssertion's key: source names hold no "|".
func ledgerKey(source string, relationship bool, id string) string {
	if relationship {
		return source + "|r|" + id
	}
	return source + "|e|" + id
}

// MarkAsserted implements store.Snapshotter: one query per batch.
func (s *Store) MarkAsserted(ctx context.Context, source string, gen int64, batch []store.Assertion) error {
	if len(batch) == 0 {
		return ctx.Err()
	}
	rows := make([]map[string]any, 0, len(batch))
	at := make(map[string]int, len(batch))
	for _, a := range batch {
		key := ledgerKey(source, a.Relationship, a.ID)
		lists := model.SortedUnique(a.Lists)
		if i, ok := at[key]; ok { // one row per key: MERGE sees no earlier row of its own batch's query
			prev := rows[i]["lists"].([]string)
			rows[i]["lists"] = model.SortedUnique(append(slices.Clone(prev), lists...))
			continue
		}
		kind := 0
		if a.Relationship {
			kind = 1
		}
		at[key] = len(rows)
		rows = append(rows, map[string]any{"key": key, "kind": kind, "id": a.ID, "lists": strList(lists)})
	}
	return s.write(ctx, "mark snapshot records", func(tx neo4j.ManagedTransaction) error {
		_, err := runInTx(ctx, tx, qMarkAsserted, map[string]any{"rows": rows, "source": source, "gen": gen})
		return err
	})
}

// RetireUnasserted implements store.Snapshotter in one managed write
// transaction: the queries find what to retire, Go applies the rules both
// stores share (store.RelationshipToRetire, store.RetireEntity) and
// writes the changed records with their packed copies.
func (s *Store) RetireUnasserted(ctx context.Context, source string, gen int64, date string) (store.RetireStats, error) {
	var st store.RetireStats
	err := s.write(ctx, "retire snapshot "+source, func(tx neo4j.ManagedTransaction) error {
		st = store.RetireStats{} // a retried transaction starts over
		if err := retireRelationshipsTx(ctx, tx, source, gen, date, &st); err != nil {
			return err
		}
		if err := retireEntitiesTx(ctx, tx, source, gen, date, &st); err != nil {
			return err
		}
		for _, q := range []string{qDeleteStaleLedger, qCommitLedger} {
			if _, err := runInTx(ctx, tx, q, map[string]any{"source": source, "gen": gen}); err != nil {
				return fmt.Errorf("snapshot ledger %s: %w", source, err)
			}
		}
		return nil
	})
	return st, err
}

func retireRelationshipsTx(ctx context.Context, tx neo4j.ManagedTransaction, source string, gen int64, date string, st *store.RetireStats) error {
	recs, err := runInTx(ctx, tx, qRetireRelationships, map[string]any{
		"source": source, "gen": gen, "date": date, "prefix": ledgerKey(source, true, "")})
	if err != nil {
		return fmt.Errorf("relationships to retire: %w", err)
	}
	var rows []map[string]any
	for _, rec := range recs {
		r, err := decodeRel(rec.Values[3], rec.Values[1], rec.Values[2])
		if err != nil {
			return err
		}
		if !store.RelationshipToRetire(&r, source, date) {
			continue
		}
		rows = append(rows, map[string]any{"rid": rec.Values[0], "end_date": r.EndDate, "packed": packRel(&r)})
	}
	for start := 0; start < len(rows); start += retireWriteBatchSize {
		if _, err := runInTx(ctx, tx, qSetRelationshipEnd, map[string]any{"rows": rows[start:min(start+retireWriteBatchSize, len(rows))]}); err != nil {
			return fmt.Errorf("end retired relationships: %w", err)
		}
	}
	st.Relationships = len(rows)
	return nil
}

func retireEntitiesTx(ctx context.Context, tx neo4j.ManagedTransaction, source string, gen int64, date string, st *store.RetireStats) error {
	recs, err := runInTx(ctx, tx, qEntityLedger, map[string]any{"source": source, "gen": gen})
	if err != nil {
		return fmt.Errorf("snapshot ledger %s: %w", source, err)
	}
	ledger := map[string]*store.EntityLedger{}
	ids := []string{}
	for _, rec := range recs {
		id := str(rec.Values[0])
		l := ledger[id]
		if l == nil {
			l = &store.EntityLedger{}
			ledger[id] = l
			ids = append(ids, id)
		}
		l.Prev = model.SortedUnique(append(l.Prev, strs(rec.Values[2])...))
		if asserted, _ := rec.Values[1].(bool); asserted {
			l.Asserted = true
			l.Cur = model.SortedUnique(append(l.Cur, strs(rec.Values[3])...))
		}
	}
	recs, err = runInTx(ctx, tx, qEntitiesToRetire, map[string]any{"ids": ids, "prefix": source + ":"})
	if err != nil {
		return fmt.Errorf("entities to retire: %w", err)
	}
	entities := make([]model.Entity, 0, len(recs))
	var others []string // entities whose list tags may be retired
	for _, rec := range recs {
		e, err := decodeEntity(rec.Values[0])
		if err != nil {
			return err
		}
		if l := ledger[e.ID]; l != nil && slices.ContainsFunc(l.Prev, func(t string) bool { return !slices.Contains(l.Cur, t) }) {
			others = append(others, e.ID)
			l.Others = map[string][]string{}
		}
		entities = append(entities, e)
	}
	if len(others) > 0 {
		recs, err := runInTx(ctx, tx, qOtherLedgers, map[string]any{"ids": others, "source": source})
		if err != nil {
			return fmt.Errorf("other sources' snapshot ledgers: %w", err)
		}
		for _, rec := range recs {
			l, src := ledger[str(rec.Values[0])], str(rec.Values[1])
			l.Others[src] = model.SortedUnique(append(l.Others[src], strs(rec.Values[2])...))
		}
	}
	var rows []map[string]any
	for i := range entities {
		old := entities[i]
		cur := old
		ch, inactive, reactivated, tags := store.RetireEntity(&cur, source, date, ledger[old.ID])
		if !ch {
			continue
		}
		if inactive {
			st.Entities++
		}
		if reactivated {
			st.Reactivated++
		}
		st.ListTags += tags
		rows = append(rows, (&upsertState{stored: true, old: old, cur: cur}).row())
	}
	for start := 0; start < len(rows); start += retireWriteBatchSize {
		if _, err := runInTx(ctx, tx, qUpsertEntities, map[string]any{"rows": rows[start:min(start+retireWriteBatchSize, len(rows))]}); err != nil {
			return fmt.Errorf("retire entities: %w", err)
		}
	}
	return nil
}
