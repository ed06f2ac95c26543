package queries

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
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

// decodeEntityRow reads a row of each_entity.cypher, [id, packed], with at
// least the fields of p, or (for an entity without a copy, after
// fillFromProperties) one of each_entity_properties.cypher.
func decodeEntityRow(row []any, p store.Projection) (model.Entity, error) {
	if len(row) == 13 {
		return decodeEntityColumns(row), nil
	}
	if len(row) != 2 {
		return model.Entity{}, fmt.Errorf("entity row of %d columns", len(row))
	}
	b, ok := row[1].([]byte)
	if !ok {
		return model.Entity{}, fmt.Errorf("entity %q: %s is %T, want bytes", str(row[0]), packedProperty, row[1])
	}
	fields := codec.AllEntityFields
	switch p {
	case store.ProjectScoring:
		fields = codec.ScoringEntityFields
	case store.ProjectSummary:
		fields = codec.SummaryEntityFields
	}
	var e model.Entity
	if err := codec.DecodeEntityFields(b, &e, fields); err != nil {
		return model.Entity{}, fmt.Errorf("entity %q: %s: %w", str(row[0]), packedProperty, err)
	}
	if e.ID != str(row[0]) {
		return model.Entity{}, fmt.Errorf("entity %q: %s holds entity %q", str(row[0]), packedProperty, e.ID)
	}
	return e, nil
}

// decodeRelRow reads a row of each_relationship.cypher, [id, packed], or
// (for a relationship without a copy, after fillFromProperties) one of
// each_relationship_properties.cypher.
func decodeRelRow(row []any) (model.Relationship, error) {
	if len(row) == 14 {
		return decodeRelColumns(row), nil
	}
	if len(row) != 2 {
		return model.Relationship{}, fmt.Errorf("relationship row of %d columns", len(row))
	}
	b, ok := row[1].([]byte)
	if !ok {
		return model.Relationship{}, fmt.Errorf("relationship %q: %s is %T, want bytes", str(row[0]), packedProperty, row[1])
	}
	var r model.Relationship
	if err := codec.DecodeRelationship(b, &r); err != nil {
		return model.Relationship{}, fmt.Errorf("relationship %q: %s: %w", str(row[0]), packedProperty, err)
	}
	if r.ID != str(row[0]) {
		return model.Relationship{}, fmt.Errorf("relationship %q: %s holds relationship %q", str(row[0]), packedProperty, r.ID)
	}
	return r, nil
}

// fillFromProperties is a pager fill (see pager.fill) for the packed
// streams: the rows [id, null] of a page, whose entity or relationship has
// no packed copy, are replaced by their properties read with byIDs (a
// query taking $ids and returning rows with the id first). A row byIDs
// does not return (deleted since the page was read) is left out.
func fillFromProperties(byIDs string) func(f *fetcher) func(ctx context.Context, rows []any) ([]any, error) {
	return func(f *fetcher) func(ctx context.Context, rows []any) ([]any, error) {
		return func(ctx context.Context, rows []any) ([]any, error) {
			var ids []string
			for _, r := range rows {
				if row, ok := r.([]any); ok && len(row) == 2 && row[1] == nil {
					ids = append(ids, str(row[0]))
				}
			}
			if len(ids) == 0 {
				return rows, nil
			}
			found, err := f.fetch(ctx, byIDs, map[string]any{"ids": ids})
			if err != nil {
				return nil, err
			}
			byID := make(map[string]any, len(found))
			for _, r := range found {
				if row, ok := r.([]any); ok && len(row) > 0 {
					byID[str(row[0])] = row
				}
			}
			out := rows[:0]
			for _, r := range rows {
				if row, ok := r.([]any); ok && len(row) == 2 && row[1] == nil {
					if r = byID[str(row[0])]; r == nil {
						continue
					}
				}
				out = append(out, r)
			}
			return out, nil
		}
	}
}

// EachEntity implements store.Store with a paged read ordered by id, of
// the packed copies (see each_entity.cypher).
func (s *Store) EachEntity(ctx context.Context, fn func(*model.Entity) error) error {
	return s.EachEntityProjected(ctx, store.ProjectAll, fn)
}

var _ store.EntityProjector = (*Store)(nil)

// EachEntityProjected implements store.EntityProjector: the server reads
// the same packed copies whatever the projection, and only the projection's
// fields are decoded from them.
func (s *Store) EachEntityProjected(ctx context.Context, p store.Projection, fn func(*model.Entity) error) error {
	return s.stream(ctx, "each entity", qEachEntity, nil, fillFromProperties(qEntitiesPropsByIDs), func(row []any) error {
		e, err := decodeEntityRow(row, p)
		if err != nil {
			return err
		}
		return fn(&e)
	})
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
// missing or differ, a batch per transaction. progress, when not nil, is
// called after each batch with the rows read so far.
func (s *Store) Repack(ctx context.Context, progress func(read int)) (store.RepackStats, error) {
	var stats store.RepackStats
	var rows [][]any
	read := 0
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
		if progress != nil {
			progress(read)
		}
		return err
	}
	err := s.stream(ctx, "repack entities", qEachEntityProperties, nil, nil, func(row []any) error {
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
		err := s.stream(ctx, "repack relationships", qEachRelProperties[k], nil, nil, func(row []any) error {
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
	return stats, nil
}
