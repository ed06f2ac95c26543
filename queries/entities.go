package queries

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// upsertState is one entity an upsert batch touches: as stored (if it was)
// and as it will be after the batch.
type upsertState struct {
	stored  bool // the entity existed before the batch
	inOrder bool // already listed in the write order
	old     model.Entity
	cur     model.Entity
}

// UpsertEntities implements store.Store. The entities of the batch that are
// new (no entity or alias has their id) are created in one query from the
// state Go folds from their records; the query returns the stored state of
// the others, which are merged in Go (non-empty scalars overwrite, lists
// union, provenance gains Source:SourceRef; see store.ApplyUpsert) and
// written back only when changed, so re-ingesting the same data writes
// nothing. One transaction per batch.
func (s *Store) UpsertEntities(ctx context.Context, batch []model.Entity) error {
	if len(batch) == 0 {
		return ctx.Err()
	}
	ids := make([]string, 0, len(batch))
	fresh := make(map[string]*model.Entity, len(batch)) // each id's state if it is new
	for i := range batch {
		e := &batch[i]
		if e.ID == "" {
			return fmt.Errorf("neo4j: upsert entities: entity %d of the batch has no id", i)
		}
		if e.Kind != "" && !e.Kind.Valid() {
			return fmt.Errorf("neo4j: upsert entities: entity %q: unknown kind %q", e.ID, e.Kind)
		}
		cur := fresh[e.ID]
		if cur == nil {
			cur = &model.Entity{ID: e.ID, Kind: model.Unknown}
			fresh[e.ID] = cur
			ids = append(ids, e.ID)
		}
		*cur = store.ApplyUpsert(*cur, e)
	}
	rows := make([][]any, len(ids))
	for i, id := range ids {
		rows[i] = newEntityRow(fresh[id])
	}
	return s.write(ctx, "upsert entities", func(tx neo4j.ManagedTransaction) error {
		recs, err := runInTx(ctx, tx, qEntitiesForUpsert, map[string]any{"rows": rows})
		if err != nil || len(recs) == 0 {
			return err
		}
		return mergeStored(ctx, tx, batch, recs)
	})
}

// mergeStored is the second step of UpsertEntities for the records whose id
// was already stored (recs are entities_for_upsert.cypher's rows: id,
// canonical id, stored entity): it
// merges those records of batch, in batch order, into the stored entities
// and writes the new or changed ones.
func mergeStored(ctx context.Context, tx neo4j.ManagedTransaction, batch []model.Entity, recs []*neo4j.Record) error {
	canonical := make(map[string]string, len(recs))
	states := make(map[string]*upsertState, len(recs))
	var order []string // canonical ids in first-touch order
	for _, r := range recs {
		id, eid := str(r.Values[0]), str(r.Values[1])
		canonical[id] = eid
		if r.Values[2] == nil || states[eid] != nil {
			continue
		}
		e, err := decodeEntity(r.Values[2])
		if err != nil {
			return err
		}
		states[eid] = &upsertState{stored: true, old: e, cur: e}
	}
	for i := range batch {
		in := &batch[i]
		eid := canonical[in.ID]
		if eid == "" {
			continue // created by entities_for_upsert.cypher
		}
		st := states[eid]
		if st == nil {
			st = &upsertState{cur: model.Entity{ID: eid, Kind: model.Unknown}}
			states[eid] = st
		}
		if !st.inOrder {
			st.inOrder = true
			order = append(order, eid)
		}
		if in.ID != eid {
			st.cur = store.ApplyAliasUpsert(st.cur, in)
		} else {
			st.cur = store.ApplyUpsert(st.cur, in)
		}
	}
	rows := make([]map[string]any, 0, len(order))
	for _, eid := range order {
		st := states[eid]
		if st.stored && store.EntitiesEqual(&st.old, &st.cur) {
			continue
		}
		rows = append(rows, st.row())
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := runInTx(ctx, tx, qUpsertEntities, map[string]any{"rows": rows})
	return err
}

// newEntityRow is the entities_for_upsert.cypher row of e if it is new:
// [id, non-null properties, kind label, identifiers].
func newEntityRow(e *model.Entity) []any {
	props := make(map[string]any, 14)
	props["id"] = e.ID
	props["kind"] = string(e.Kind)
	props["state_owned"] = e.StateOwned
	props[packedProperty] = packEntity(e)
	set := func(k, v string) {
		if v != "" {
			props[k] = v
		}
	}
	set("name", e.Name)
	set("name_folded", store.FoldName(e.Name))
	set("jurisdiction", e.Jurisdiction)
	set("hq_country", e.HQCountry)
	set("residence", e.Residence)
	set("source", e.Source)
	set("source_ref", e.SourceRef)
	setList := func(k string, v []string) {
		if len(v) > 0 {
			props[k] = v
		}
	}
	setList("nationality", e.Nationality)
	setList("lists", e.Lists)
	setList("identifiers", e.Identifiers)
	setList("provenance", e.Provenance)
	return []any{e.ID, props, []string{kindLabel(e.Kind)}, strList(e.Identifiers)}
}

// row is the upsert_entities parameter for a new or changed entity.
func (st *upsertState) row() map[string]any {
	e := &st.cur
	props := map[string]any{
		"id": e.ID, "name": nilIfEmpty(e.Name), "name_folded": nilIfEmpty(store.FoldName(e.Name)),
		"kind": string(e.Kind), "jurisdiction": nilIfEmpty(e.Jurisdiction), "hq_country": nilIfEmpty(e.HQCountry),
		"residence": nilIfEmpty(e.Residence), "source": nilIfEmpty(e.Source), "source_ref": nilIfEmpty(e.SourceRef),
		"state_owned": e.StateOwned, "nationality": nilIfNone(e.Nationality), "lists": nilIfNone(e.Lists),
		"identifiers": nilIfNone(e.Identifiers), "provenance": nilIfNone(e.Provenance),
		packedProperty: packEntity(e),
	}
	var newIdentifiers []string
	for _, v := range e.Identifiers {
		if !st.stored || !slices.Contains(st.old.Identifiers, v) {
			newIdentifiers = append(newIdentifiers, v)
		}
	}
	label, unlabel := []string{}, []string{}
	if !st.stored || st.old.Kind != e.Kind {
		label = []string{kindLabel(e.Kind)}
		if st.stored {
			for _, k := range model.EntityKinds {
				if k != e.Kind {
					unlabel = append(unlabel, kindLabel(k))
				}
			}
		}
	}
	return map[string]any{
		"id": e.ID, "props": props, "label": label, "unlabel": unlabel,
		"new_identifiers": strList(newIdentifiers),
	}
}

// kindLabel is the Neo4j label of an entity kind (see doc.go).
func kindLabel(k model.EntityKind) string {
	switch k {
	case model.Company:
		return "Company"
	case model.Person:
		return "Person"
	case model.StateBody:
		return "StateBody"
	case model.Arrangement:
		return "Arrangement"
	}
	return "UnknownHolder"
}

// nilIfEmpty and nilIfNone store absent values as no property at all.
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nilIfNone(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return l
}

// strList is the values as a non-nil slice (FOREACH over null fails).
func strList(in []string) []string {
	if in == nil {
		return []string{}
	}
	return in
}

// MergeEntities implements store.Store: all merges of the call in order, in
// one transaction.
func (s *Store) MergeEntities(ctx context.Context, merges []store.Merge) error {
	if len(merges) == 0 {
		return ctx.Err()
	}
	return s.write(ctx, "merge entities", func(tx neo4j.ManagedTransaction) error {
		var merged []string // entities whose properties a merge changed, to re-pack
		seen := map[string]bool{}
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
			if !seen[into] {
				seen[into] = true
				merged = append(merged, into)
			}
		}
		if len(merged) == 0 {
			return nil
		}
		// A later merge may have folded an earlier target away: only
		// entities still present are re-packed (entities_by_ids skips
		// the others).
		return repackEntities(ctx, tx, merged)
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

// decodeEntityColumns reads a row of each_entity_properties.cypher.
func decodeEntityColumns(v []any) model.Entity {
	e := model.Entity{
		ID: str(v[0]), Name: str(v[1]), Kind: model.EntityKind(str(v[2])), Jurisdiction: str(v[3]),
		HQCountry: str(v[4]), Nationality: strs(v[5]), Residence: str(v[6]), Lists: strs(v[8]),
		Identifiers: strs(v[9]), Source: str(v[10]), SourceRef: str(v[11]), Provenance: strs(v[12]),
	}
	e.StateOwned, _ = v[7].(bool)
	if e.Kind == "" {
		e.Kind = model.Unknown
	}
	return e
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
