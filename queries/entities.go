package queries

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// entityRow is the parameter map one entity becomes in upsert_entities.
func entityRow(e *model.Entity) map[string]any {
	prov := append([]string(nil), e.Provenance...)
	if e.Source != "" || e.SourceRef != "" {
		prov = append(prov, e.Source+":"+e.SourceRef)
	}
	return map[string]any{
		"id":           e.ID,
		"name":         e.Name,
		"name_folded":  FoldName(e.Name),
		"kind":         string(e.Kind),
		"jurisdiction": e.Jurisdiction,
		"hq_country":   e.HQCountry,
		"residence":    e.Residence,
		"source":       e.Source,
		"source_ref":   e.SourceRef,
		"state_owned":  e.StateOwned,
		"nationality":  strList(e.Nationality),
		"lists":        strList(e.Lists),
		"identifiers":  strList(e.Identifiers),
		"provenance":   strList(prov),
	}
}

// strList is the sorted distinct non-empty values as a non-nil slice (Cypher
// list concatenation with null would give null).
func strList(in []string) []string {
	if out := model.SortedUnique(in); out != nil {
		return out
	}
	return []string{}
}

// UpsertEntities implements store.Store: one transaction per batch.
func (s *Store) UpsertEntities(ctx context.Context, batch []model.Entity) error {
	if len(batch) == 0 {
		return ctx.Err()
	}
	rows := make([]map[string]any, len(batch))
	for i := range batch {
		if batch[i].ID == "" {
			return fmt.Errorf("neo4j: upsert entities: entity %d of the batch has no id", i)
		}
		if batch[i].Kind != "" && !batch[i].Kind.Valid() {
			return fmt.Errorf("neo4j: upsert entities: entity %q: unknown kind %q", batch[i].ID, batch[i].Kind)
		}
		rows[i] = entityRow(&batch[i])
	}
	return s.write(ctx, "upsert entities", func(tx neo4j.ManagedTransaction) error {
		_, err := runInTx(ctx, tx, qUpsertEntities, map[string]any{"rows": rows})
		return err
	})
}

// MergeEntities implements store.Store: all merges of the call in order, in
// one transaction.
func (s *Store) MergeEntities(ctx context.Context, merges []store.Merge) error {
	if len(merges) == 0 {
		return ctx.Err()
	}
	return s.write(ctx, "merge entities", func(tx neo4j.ManagedTransaction) error {
		for _, m := range merges {
			recs, err := runInTx(ctx, tx, qMergeResolve, map[string]any{"from": m.From, "into": m.Into})
			if err != nil {
				return err
			}
			if len(recs) != 1 {
				return fmt.Errorf("merge %q into %q: resolving ids gave %d rows", m.From, m.Into, len(recs))
			}
			from, _ := recs[0].Values[0].(string)
			into, _ := recs[0].Values[1].(string)
			switch {
			case from == "":
				return fmt.Errorf("merge %q into %q: %q: %w", m.From, m.Into, m.From, store.ErrNotFound)
			case into == "":
				return fmt.Errorf("merge %q into %q: %q: %w", m.From, m.Into, m.Into, store.ErrNotFound)
			case from == into:
				continue // already one entity
			}
			if _, err := runInTx(ctx, tx, qMergeEntity, map[string]any{"from": from, "into": into}); err != nil {
				return fmt.Errorf("merge %q into %q: %w", from, into, err)
			}
		}
		return nil
	})
}

// CanonicalIDs implements store.Store.
func (s *Store) CanonicalIDs(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, ctx.Err()
	}
	recs, err := s.query(ctx, "canonical ids", qCanonicalIDs, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		c, _ := r.Values[1].(string)
		out[id] = c
	}
	return out, nil
}

// EachEntity implements store.Store with a streamed read ordered by id.
func (s *Store) EachEntity(ctx context.Context, fn func(*model.Entity) error) error {
	return s.stream(ctx, "each entity", qEachEntity, nil, func(r *neo4j.Record) error {
		e, err := decodeEntity(r.Values[0])
		if err != nil {
			return fmt.Errorf("neo4j: each entity: %w", err)
		}
		return fn(&e)
	})
}

// Entity implements store.Store.
func (s *Store) Entity(ctx context.Context, id string) (model.Entity, error) {
	recs, err := s.query(ctx, "entity", qEntityByID, map[string]any{"id": id})
	if err != nil {
		return model.Entity{}, err
	}
	if len(recs) == 0 {
		return model.Entity{}, fmt.Errorf("entity %q: %w", id, store.ErrNotFound)
	}
	return decodeEntity(recs[0].Values[0])
}

// EntitiesByIdentifier implements store.Store through the (:Identifier)
// nodes, which a unique constraint indexes for exact lookup.
func (s *Store) EntitiesByIdentifier(ctx context.Context, identifier string) ([]model.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if identifier == "" {
		return nil, nil
	}
	recs, err := s.query(ctx, "entities by identifier", qEntitiesByIdentifier, map[string]any{"identifier": identifier})
	if err != nil {
		return nil, err
	}
	return decodeEntities(recs, 0)
}

func decodeEntities(recs []*neo4j.Record, col int) ([]model.Entity, error) {
	out := make([]model.Entity, 0, len(recs))
	for _, r := range recs {
		e, err := decodeEntity(r.Values[col])
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// decodeEntity turns an entity map projection into a model.Entity.
func decodeEntity(v any) (model.Entity, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return model.Entity{}, fmt.Errorf("entity: unexpected value %T", v)
	}
	e := model.Entity{
		ID:           str(m["id"]),
		Name:         str(m["name"]),
		Kind:         model.EntityKind(str(m["kind"])),
		Jurisdiction: str(m["jurisdiction"]),
		HQCountry:    str(m["hq_country"]),
		Nationality:  strs(m["nationality"]),
		Residence:    str(m["residence"]),
		Lists:        strs(m["lists"]),
		Identifiers:  strs(m["identifiers"]),
		Source:       str(m["source"]),
		SourceRef:    str(m["source_ref"]),
		Provenance:   strs(m["provenance"]),
	}
	e.StateOwned, _ = m["state_owned"].(bool)
	if e.Kind == "" {
		e.Kind = model.Unknown
	}
	return e, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs converts a Neo4j list to strings; an empty list is nil.
func strs(v any) []string {
	l, _ := v.([]any)
	if len(l) == 0 {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
