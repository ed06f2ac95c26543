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
	qEntitiesWithTags    = mustQuery("entities_with_ledger_tags")
	qEntitiesUnasserted  = mustQuery("entities_unasserted")
	qDeleteStaleLedger   = mustQuery("delete_stale_ledger")
	qCommitLedger        = mustQuery("commit_ledger")
	qUnlinkIdentifiers   = mustQuery("unlink_identifiers")
)

// retireWriteBatchSize bounds the rows of one write query of a retirement
// (all in one transaction).
const retireWriteBatchSize = 5000

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
		lists := store.LedgerTags(a)
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

// retireEntitiesTx looks at the entities whose list tags source's previous
// snapshot gave (their whole ledger decides which tags are retired) and at
// those only source knows that gen did not assert (they become inactive);
// the rest, most of a large source, is not read.
func retireEntitiesTx(ctx context.Context, tx neo4j.ManagedTransaction, source string, gen int64, date string, st *store.RetireStats) error {
	type entity struct {
		e      model.Entity
		ledger *store.EntityLedger
	}
	var todo []entity
	seen := map[string]bool{}
	recs, err := runInTx(ctx, tx, qEntitiesWithTags, map[string]any{"source": source, "gen": gen})
	if err != nil {
		return fmt.Errorf("entities with list tags of %s: %w", source, err)
	}
	for _, rec := range recs {
		e, err := decodeEntity(rec.Values[0])
		if err != nil {
			return err
		}
		l := &store.EntityLedger{}
		entries, _ := rec.Values[1].([]any)
		for _, v := range entries {
			entry, _ := v.([]any)
			if len(entry) != 4 {
				return fmt.Errorf("entity %q: snapshot ledger entry %v", e.ID, v)
			}
			current, _ := entry[1].(bool)
			l.Add(source, str(entry[0]), current, strs(entry[2]), strs(entry[3]))
		}
		seen[e.ID] = true
		todo = append(todo, entity{e, l})
	}
	recs, err = runInTx(ctx, tx, qEntitiesUnasserted, map[string]any{"source": source, "gen": gen,
		"prefix": source + ":", "inactive": store.InactiveTagPrefix, "key": ledgerKey(source, false, "")})
	if err != nil {
		return fmt.Errorf("entities %s did not assert: %w", source, err)
	}
	for _, rec := range recs {
		e, err := decodeEntity(rec.Values[0])
		if err != nil {
			return err
		}
		if !seen[e.ID] {
			todo = append(todo, entity{e: e})
		}
	}
	var rows, unlinked []map[string]any
	for _, t := range todo {
		cur := t.e
		if !st.Retire(&cur, source, date, t.ledger) {
			continue
		}
		// The row carries the search forms and name tokens of cur's names.
		rows = append(rows, (&upsertState{stored: true, old: t.e, cur: cur}).row())
		for _, v := range t.e.Identifiers {
			if !slices.Contains(cur.Identifiers, v) {
				unlinked = append(unlinked, map[string]any{"id": cur.ID, "value": v})
			}
		}
	}
	for _, w := range []struct {
		query string
		rows  []map[string]any
	}{{qUpsertEntities, rows}, {qUnlinkIdentifiers, unlinked}} {
		for start := 0; start < len(w.rows); start += retireWriteBatchSize {
			if _, err := runInTx(ctx, tx, w.query, map[string]any{"rows": w.rows[start:min(start+retireWriteBatchSize, len(w.rows))]}); err != nil {
				return fmt.Errorf("retire entities: %w", err)
			}
		}
	}
	return nil
}

var _ store.DeltaApplier = (*Store)(nil)

var (
	qDeltaRecords   = mustQuery("delta_records")
	qOtherLedgers   = mustQuery("other_ledgers")
	qSetDeltaLedger = mustQuery("set_delta_ledger")
)

// ApplyDelta implements store.DeltaApplier in one managed write
// transaction: the records' ledger entries, their entities and the other
// sources' entries are read in three queries, the changes applied in Go
// (store.ApplyChanges) and the changed entities written with their packed
// copies.
func (s *Store) ApplyDelta(ctx context.Context, source string, changes []store.RecordChange) (store.RetireStats, error) {
	var st store.RetireStats
	if len(changes) == 0 {
		return st, ctx.Err()
	}
	var ids []string
	seen := map[string]bool{}
	for _, c := range changes {
		if !seen[c.ID] {
			seen[c.ID] = true
			ids = append(ids, c.ID)
		}
	}
	prefix := ledgerKey(source, false, "")
	err := s.write(ctx, "apply delta "+source, func(tx neo4j.ManagedTransaction) error {
		st = store.RetireStats{}
		recs, err := runInTx(ctx, tx, qDeltaRecords, map[string]any{"ids": ids, "prefix": prefix})
		if err != nil {
			return fmt.Errorf("delta records: %w", err)
		}
		canon := map[string]string{}
		own := map[string]store.DeltaRecord{}
		var eids []string
		for _, rec := range recs {
			id, eid := str(rec.Values[0]), str(rec.Values[1])
			found, _ := rec.Values[2].(bool)
			canon[id] = eid
			own[id] = store.DeltaRecord{Lists: strs(rec.Values[3]), Found: found}
			eids = append(eids, eid)
		}
		recs, err = runInTx(ctx, tx, qEntitiesByIDs, map[string]any{"ids": eids})
		if err != nil {
			return fmt.Errorf("delta entities: %w", err)
		}
		entities := map[string]*model.Entity{}
		for _, rec := range recs {
			e, err := decodeEntity(rec.Values[0])
			if err != nil {
				return err
			}
			entities[e.ID] = &e
		}
		recs, err = runInTx(ctx, tx, qOtherLedgers, map[string]any{"ids": eids, "source": source})
		if err != nil {
			return fmt.Errorf("other sources' snapshot ledgers: %w", err)
		}
		others := map[string]map[string][]string{}
		for _, rec := range recs {
			id, src := str(rec.Values[0]), str(rec.Values[1])
			if others[id] == nil {
				others[id] = map[string][]string{}
			}
			others[id][src] = model.SortedUnique(append(others[id][src], strs(rec.Values[2])...))
		}
		byEntity := map[string][]store.RecordChange{}
		var order []string
		for _, c := range changes {
			eid := canon[c.ID]
			if entities[eid] == nil {
				continue // a record never written: nothing to change
			}
			if byEntity[eid] == nil {
				order = append(order, eid)
			}
			byEntity[eid] = append(byEntity[eid], c)
		}
		var rows []map[string]any
		for _, eid := range order {
			old := *entities[eid]
			cur := old
			if store.ApplyChanges(&cur, source, byEntity[eid], own, others[eid], &st) {
				rows = append(rows, (&upsertState{stored: true, old: old, cur: cur}).row())
			}
		}
		for start := 0; start < len(rows); start += retireWriteBatchSize {
			if _, err := runInTx(ctx, tx, qUpsertEntities, map[string]any{"rows": rows[start:min(start+retireWriteBatchSize, len(rows))]}); err != nil {
				return fmt.Errorf("delta entities: %w", err)
			}
		}
		ledger := make([]map[string]any, 0, len(own))
		for _, id := range ids {
			r := own[id]
			ledger = append(ledger, map[string]any{"key": prefix + id, "id": id, "found": r.Found, "lists": strList(r.Lists)})
		}
		if _, err := runInTx(ctx, tx, qSetDeltaLedger, map[string]any{"rows": ledger, "source": source}); err != nil {
			return fmt.Errorf("delta ledger: %w", err)
		}
		return nil
	})
	return st, err
}
