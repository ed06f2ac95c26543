package queries

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/internal/progress"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// Every entity and relationship ubo writes also carries a packed copy of
// its fields, the byte-array property _packed in store/codec's binary form
// (a relationship's with its canonical ends: merges, which move
// relationships, re-pack them). The whole-graph streams read that one
// property instead of thirteen, and a relationship's instead of its ends'
// ids too: Neo4j reads each property of each row on its own, about a
// microsecond of server CPU apiece, and that was most of the cost of
// loading a registry for scoring. The separate properties stay the ones
// Browser users query.
//
// An entity or relationship without _packed (created by hand, or by an
// older ubo) is streamed from its properties. One whose properties were
// edited by hand keeps a stale copy until `ubo db repack` (Repack)
// rebuilds the copies from the properties.
const packedProperty = "_packed"

// packEntity is the _packed value of e.
func packEntity(e *model.Entity) []byte { return codec.EncodeEntity(e) }

// packRel is the _packed value of r, whose ends must be canonical ids.
func packRel(r *model.Relationship) []byte { return codec.EncodeRelationship(r) }

// decodeEntityRow reads an entry of each_entity.cypher's stream (see
// pager.next) with at least the fields of p: a packed copy, or the
// property row (each_entity_properties.cypher's columns) of an entity
// without one.
func decodeEntityRow(v any, p store.Projection) (model.Entity, error) {
	switch v := v.(type) {
	case []any:
		if len(v) != entityColumns {
			return model.Entity{}, fmt.Errorf("entity row of %d columns", len(v))
		}
		return decodeEntityColumns(v), nil
	case []byte:
		var e model.Entity
		if err := codec.DecodeEntityFields(v, &e, p); err != nil {
			return model.Entity{}, fmt.Errorf("entity %s: %w", packedProperty, err)
		}
		return e, nil
	}
	return model.Entity{}, fmt.Errorf("entity: unexpected row %T", v)
}

// decodeRelRow reads an entry of each_relationship.cypher's stream: a
// packed copy, or the property row (each_relationship_properties.cypher's
// columns) of a relationship without one.
func decodeRelRow(v any) (model.Relationship, error) {
	switch v := v.(type) {
	case []any:
		if len(v) != 14 {
			return model.Relationship{}, fmt.Errorf("relationship row of %d columns", len(v))
		}
		return decodeRelColumns(v), nil
	case []byte:
		var r model.Relationship
		if err := codec.DecodeRelationship(v, &r); err != nil {
			return model.Relationship{}, fmt.Errorf("relationship %s: %w", packedProperty, err)
		}
		return r, nil
	}
	return model.Relationship{}, fmt.Errorf("relationship: unexpected row %T", v)
}

// fillUnpacked is the fill of a packed pager (see pager.fill): it reads the
// property rows of the page's entries without a copy with unpackedIn (a
// query for those in ($after, $last], in id order, as rows with the id
// first) and merges them into the packed rows by id (idOf reads a copy's).
func fillUnpacked(f *fetcher, unpackedIn string, idOf func([]byte) (string, error)) func(ctx context.Context, rows []any, after, last any) ([]any, error) {
	return func(ctx context.Context, rows []any, after, last any) ([]any, error) {
		missing, err := f.fetch(ctx, unpackedIn, map[string]any{"after": after, "last": last})
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, len(rows)+len(missing))
		i := 0
		for _, m := range missing {
			row, ok := m.([]any)
			if !ok || len(row) == 0 {
				return nil, fmt.Errorf("unexpected row %T", m)
			}
			id := str(row[0])
			for ; i < len(rows); i++ {
				b, _ := rows[i].([]byte)
				rid, err := idOf(b)
				if err != nil {
					return nil, err
				}
				if rid > id {
					break
				}
				out = append(out, rows[i])
			}
			out = append(out, row)
		}
		return append(out, rows[i:]...), nil
	}
}

func packedEntityID(b []byte) (string, error) {
	var e model.Entity
	err := codec.DecodeEntityFields(b, &e, store.ProjectSummary)
	return e.ID, err
}

func packedRelID(b []byte) (string, error) {
	var r model.Relationship
	err := codec.DecodeRelationship(b, &r)
	return r.ID, err
}

// EachEntity implements store.Store with a paged read ordered by id, of
// the packed copies (see each_entity.cypher).
func (s *Store) EachEntity(ctx context.Context, fn func(*model.Entity) error) error {
	return s.EachEntityProjected(ctx, store.ProjectAll, fn)
}

// EachEntityProjected implements store.EntityProjector: the server reads
// the same packed copies whatever the projection, and only the projection's
// fields are decoded from them.
func (s *Store) EachEntityProjected(ctx context.Context, p store.Projection, fn func(*model.Entity) error) error {
	const what = "each entity"
	return s.readTx(ctx, what, func(tx neo4j.ExplicitTransaction) error {
		f := newFetcher(ctx, tx)
		defer f.close()
		pages := newPager(f, qEachEntity, nil)
		pages.packed, pages.fill = true, fillUnpacked(f, qEntitiesUnpackedIn, packedEntityID)
		for {
			v, err := pages.next(ctx)
			if err != nil {
				return fail(ctx, what, err)
			}
			if v == nil {
				return nil
			}
			e, err := decodeEntityRow(v, p)
			if err != nil {
				return fail(ctx, what, err)
			}
			if err := fn(&e); err != nil {
				return err
			}
		}
	})
}

// EachEntityStored implements store.StoredOrderStreamer: id order is the
// order the server pages entities in anyway.
func (s *Store) EachEntityStored(ctx context.Context, p store.Projection, fn func(*model.Entity) error) error {
	return s.EachEntityProjected(ctx, p, fn)
}

// repackEntities rewrites the packed copies of the entities with these
// canonical ids, and of their relationships that have none, from their
// properties, inside tx (after merges, which Cypher performs on the
// properties).
func repackEntities(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) error {
	recs, err := runInTx(ctx, tx, qEntitiesByIDs, map[string]any{"ids": ids})
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(recs))
	for _, rec := range recs {
		e, err := decodeEntity(rec.Values[0])
		if err != nil {
			return err
		}
		rows = append(rows, []any{e.ID, packEntity(&e)})
	}
	if _, err = runInTx(ctx, tx, qSetEntityPacked, map[string]any{"rows": rows}); err != nil {
		return err
	}
	// The relationships the merges moved lost their copies.
	if recs, err = runInTx(ctx, tx, qUnpackedRelsOf, map[string]any{"ids": ids}); err != nil {
		return err
	}
	byKind := map[model.RelKind][][]any{}
	for _, rec := range recs {
		row, _ := rec.Values[0].([]any)
		if len(row) != 14 {
			return fmt.Errorf("unpacked relationship row of %d columns", len(row))
		}
		r := decodeRelColumns(row)
		byKind[r.Kind] = append(byKind[r.Kind], []any{r.ID, packRel(&r)})
	}
	for _, k := range model.RelKinds {
		if len(byKind[k]) == 0 {
			continue
		}
		if _, err := runInTx(ctx, tx, qSetRelPacked[k], map[string]any{"rows": byKind[k]}); err != nil {
			return err
		}
	}
	return nil
}

// repackBatch is how many packed copies one Repack transaction writes.
const repackBatch = 5000

var _ store.Repacker = (*Store)(nil)

// Repack implements store.Repacker: it streams every entity and
// relationship from its properties and writes the packed copies that are
// missing or differ, a batch per transaction. reporter, when not nil,
// receives the stage "repack" from 0, after each batch (entities and
// relationships read, copies rewritten) and a final event.
func (s *Store) Repack(ctx context.Context, reporter progress.Reporter) (store.RepackStats, error) {
	var stats store.RepackStats
	var rows [][]any
	read := 0
	report := progress.Or(reporter)
	reportRead := func(end bool) {
		report.Report(progress.Event{Stage: "repack", Unit: "records", Done: read, End: end,
			Counts: []progress.Count{{Name: "rewritten", N: stats.EntitiesWritten + stats.RelationshipsWritten}}})
	}
	flush := func(q string, written *int) error {
		if len(rows) == 0 {
			return nil
		}
		err := s.write(ctx, "repack", func(tx neo4j.ManagedTransaction) error {
			recs, err := runInTx(ctx, tx, q, map[string]any{"rows": rows})
			if err != nil {
				return err
			}
			*written += int(count(recs))
			return nil
		})
		rows = rows[:0]
		reportRead(false)
		return err
	}
	reportRead(false)
	err := s.stream(ctx, "repack entities", qEachEntityProperties, nil, func(row []any) error {
		e := decodeEntityColumns(row)
		rows = append(rows, []any{e.ID, packEntity(&e)})
		read++
		stats.Entities++
		if len(rows) == repackBatch {
			return flush(qSetEntityPacked, &stats.EntitiesWritten)
		}
		return nil
	})
	if err == nil {
		err = flush(qSetEntityPacked, &stats.EntitiesWritten)
	}
	if err != nil {
		return stats, fmt.Errorf("neo4j: repack entities: %w", err)
	}
	for _, k := range model.RelKinds {
		err := s.stream(ctx, "repack relationships", qEachRelProperties[k], nil, func(row []any) error {
			r := decodeRelColumns(row)
			rows = append(rows, []any{r.ID, packRel(&r)})
			read++
			stats.Relationships++
			if len(rows) == repackBatch {
				return flush(qSetRelPacked[k], &stats.RelationshipsWritten)
			}
			return nil
		})
		if err == nil {
			err = flush(qSetRelPacked[k], &stats.RelationshipsWritten)
		}
		if err != nil {
			return stats, fmt.Errorf("neo4j: repack %s relationships: %w", k, err)
		}
	}
	reportRead(true)
	return stats, nil
}
