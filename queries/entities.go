package queries

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/names"
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
	_, err := s.UpsertEntitiesCounted(ctx, batch)
	return err
}

var _ store.CountingUpserter = (*Store)(nil)

// UpsertEntitiesCounted implements store.CountingUpserter: UpsertEntities
// saying what it did to each entity (created: its id was no entity nor
// alias; else changed or not by the merge).
func (s *Store) UpsertEntitiesCounted(ctx context.Context, batch []model.Entity) ([]store.EntityTouch, error) {
	if len(batch) == 0 {
		return nil, ctx.Err()
	}
	ids := make([]string, 0, len(batch))
	fresh := make(map[string]*model.Entity, len(batch)) // each id's state if it is new
	for i := range batch {
		e := &batch[i]
		if e.ID == "" {
			return nil, fmt.Errorf("neo4j: upsert entities: entity %d of the batch has no id", i)
		}
		if e.Kind != "" && !e.Kind.Valid() {
			return nil, fmt.Errorf("neo4j: upsert entities: entity %q: unknown kind %q", e.ID, e.Kind)
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
	var touched []store.EntityTouch
	err := s.write(ctx, "upsert entities", func(tx neo4j.ManagedTransaction) error {
		recs, err := runInTx(ctx, tx, qEntitiesForUpsert, map[string]any{"rows": rows})
		if err != nil {
			return err
		}
		stored, err := mergeStored(ctx, tx, batch, recs)
		touched = entityTouches(ids, recs, stored)
		return err
	})
	if err != nil {
		return nil, err
	}
	return touched, nil
}

// entityTouches lists what an upsert did, in first-touch order (ids): an
// id entities_for_upsert.cypher did not return was created; the others
// resolved to the stored entities of mergeStored (by canonical id), each
// listed once.
func entityTouches(ids []string, recs []*neo4j.Record, stored map[string]store.UpsertEffect) []store.EntityTouch {
	canonical := make(map[string]string, len(recs))
	for _, r := range recs {
		canonical[str(r.Values[0])] = str(r.Values[1])
	}
	out := make([]store.EntityTouch, 0, len(ids))
	listed := make(map[string]bool, len(recs))
	for _, id := range ids {
		eid, ok := canonical[id]
		if !ok {
			out = append(out, store.EntityTouch{ID: id, Effect: store.Created})
			continue
		}
		if !listed[eid] {
			listed[eid] = true
			out = append(out, store.EntityTouch{ID: eid, Effect: stored[eid]})
		}
	}
	return out
}

// mergeStored is the second step of UpsertEntities for the records whose id
// was already stored (recs are entities_for_upsert.cypher's rows: id,
// canonical id, stored entity): it
// merges those records of batch, in batch order, into the stored entities
// and writes the new or changed ones. It returns what it did to each, by
// canonical id.
func mergeStored(ctx context.Context, tx neo4j.ManagedTransaction, batch []model.Entity, recs []*neo4j.Record) (map[string]store.UpsertEffect, error) {
	if len(recs) == 0 {
		return nil, nil
	}
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
			return nil, err
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
	effects := make(map[string]store.UpsertEffect, len(order))
	for _, eid := range order {
		st := states[eid]
		switch {
		case !st.stored: // an alias of an entity that is gone
			effects[eid] = store.Created
		case store.EntitiesEqual(&st.old, &st.cur):
			effects[eid] = store.Unchanged
			continue
		default:
			effects[eid] = store.Changed
		}
		rows = append(rows, st.row())
	}
	if len(rows) == 0 {
		return effects, nil
	}
	_, err := runInTx(ctx, tx, qUpsertEntities, map[string]any{"rows": rows})
	return effects, err
}

// newEntityRow is the entities_for_upsert.cypher row of e if it is new:
// [id, non-null properties, kind label, identifiers].
func newEntityRow(e *model.Entity) []any {
	props := make(map[string]any, 18)
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
	setList("aliases", e.Aliases)
	setList("address_countries", e.AddressCountries)
	forms, tokens := nameIndexProperties(e)
	setList("search_forms", forms)
	props["name_tokens"] = tokens
	return []any{e.ID, props, []string{kindLabel(e.Kind)}, strList(e.Identifiers)}
}

// row is the upsert_entities parameter for a new or changed entity.
func (st *upsertState) row() map[string]any {
	e := &st.cur
	props := map[string]any{
		"id": e.ID, "name": nilIfEmpty(e.Name), "name_folded": nil, // dropped: stores before search_forms had it
		"kind": string(e.Kind), "jurisdiction": nilIfEmpty(e.Jurisdiction), "hq_country": nilIfEmpty(e.HQCountry),
		"residence": nilIfEmpty(e.Residence), "source": nilIfEmpty(e.Source), "source_ref": nilIfEmpty(e.SourceRef),
		"state_owned": e.StateOwned, "nationality": nilIfNone(e.Nationality), "lists": nilIfNone(e.Lists),
		"identifiers": nilIfNone(e.Identifiers), "provenance": nilIfNone(e.Provenance),
		"aliases": nilIfNone(e.Aliases), "address_countries": nilIfNone(e.AddressCountries),
		packedProperty: packEntity(e),
	}
	forms, tokens := nameIndexProperties(e)
	props["search_forms"], props["name_tokens"] = nilIfNone(forms), tokens
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
			params, err := mergeParams(ctx, tx, from, into)
			if err != nil {
				return fmt.Errorf("merge %q into %q: %w", from, into, err)
			}
			if _, err := runInTx(ctx, tx, qMergeEntity, params); err != nil {
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

// mergeParams reads entities from and into and returns merge_entity.cypher's
// parameters: into's properties after the merge rule, applied in Go like
// every other merge (store.MergeInto), and its kind labels.
func mergeParams(ctx context.Context, tx neo4j.ManagedTransaction, from, into string) (map[string]any, error) {
	recs, err := runInTx(ctx, tx, qEntitiesByIDs, map[string]any{"ids": []string{from, into}})
	if err != nil {
		return nil, err
	}
	var f, i *model.Entity
	for _, r := range recs {
		e, err := decodeEntity(r.Values[0])
		if err != nil {
			return nil, err
		}
		switch e.ID {
		case from:
			f = &e
		case into:
			i = &e
		}
	}
	if f == nil || i == nil {
		return nil, fmt.Errorf("reading both entities gave %d rows: %w", len(recs), store.ErrNotFound)
	}
	st := upsertState{stored: true, old: *i, cur: store.MergeInto(*i, *f)}
	row := st.row()
	return map[string]any{"from": from, "into": into, "props": row["props"],
		"label": row["label"], "unlabel": row["unlabel"]}, nil
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
		ID:               str(m["id"]),
		Name:             str(m["name"]),
		Kind:             model.EntityKind(str(m["kind"])),
		Jurisdiction:     str(m["jurisdiction"]),
		HQCountry:        str(m["hq_country"]),
		Nationality:      strs(m["nationality"]),
		Residence:        str(m["residence"]),
		Lists:            strs(m["lists"]),
		Identifiers:      strs(m["identifiers"]),
		Source:           str(m["source"]),
		SourceRef:        str(m["source_ref"]),
		Provenance:       strs(m["provenance"]),
		Aliases:          strs(m["aliases"]),
		AddressCountries: strs(m["address_countries"]),
	}
	e.StateOwned, _ = m["state_owned"].(bool)
	if e.Kind == "" {
		e.Kind = model.Unknown
	}
	return e, nil
}

// entityColumns is the number of columns of each_entity_properties.cypher.
const entityColumns = 15

// decodeEntityColumns reads a row of each_entity_properties.cypher.
func decodeEntityColumns(v []any) model.Entity {
	e := model.Entity{
		ID: str(v[0]), Name: str(v[1]), Kind: model.EntityKind(str(v[2])), Jurisdiction: str(v[3]),
		HQCountry: str(v[4]), Nationality: strs(v[5]), Residence: str(v[6]), Lists: strs(v[8]),
		Identifiers: strs(v[9]), Source: str(v[10]), SourceRef: str(v[11]), Provenance: strs(v[12]),
		Aliases: strs(v[13]), AddressCountries: strs(v[14]),
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

// nameIndexProperties are the name index properties of e: search_forms,
// every search form of its name and aliases (the entity_search full-text
// index, for `ubo search`), and name_tokens, its index tokens separated by
// spaces (the entity_name_tokens index, for screening candidates; "" for
// an entity without names, so that the migration in Init can tell written
// entities from those stored before the property existed).
func nameIndexProperties(e *model.Entity) (forms []string, tokens string) {
	all := entityNames(e)
	seen := map[string]bool{}
	for _, n := range all {
		for _, f := range names.SearchForms(n) {
			if !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	return forms, strings.Join(names.IndexTokens(all), " ")
}

// entityNames is e's name and aliases.
func entityNames(e *model.Entity) []string {
	all := make([]string, 0, 1+len(e.Aliases))
	if e.Name != "" {
		all = append(all, e.Name)
	}
	return append(all, e.Aliases...)
}
