package queries

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// relProps is the property map stored on a relationship; absent values are
// left out so Browser users see only what a source said. _packed is the
// packed copy the streams read (packed.go), with the ends as given
// (UpsertRelationships re-packs those written through an alias).
func relProps(r *model.Relationship) map[string]any {
	p := map[string]any{
		"id":           r.ID,
		"kind":         string(r.Kind),
		"share_known":  r.Share.Known,
		packedProperty: packRel(r),
	}
	if r.Share.Known {
		p["share_min"] = r.Share.Min
		p["share_max"] = r.Share.Max
		p["share_min_exclusive"] = r.Share.MinExclusive
		p["share_max_exclusive"] = r.Share.MaxExclusive
	}
	for k, v := range map[string]string{"direct": r.Direct, "start_date": r.StartDate, "end_date": r.EndDate,
		"source": r.Source, "source_ref": r.SourceRef} {
		if v != "" {
			p[k] = v
		}
	}
	return p
}

// decodeRel rebuilds a relationship from its property map and end ids.
func decodeRel(props any, holder, held any) (model.Relationship, error) {
	m, ok := props.(map[string]any)
	if !ok {
		return model.Relationship{}, fmt.Errorf("relationship: unexpected value %T", props)
	}
	r := model.Relationship{
		ID: str(m["id"]), HolderID: str(holder), HeldID: str(held), Kind: model.RelKind(str(m["kind"])),
		Direct: str(m["direct"]), StartDate: str(m["start_date"]), EndDate: str(m["end_date"]),
		Source: str(m["source"]), SourceRef: str(m["source_ref"]),
	}
	r.Share.Known, _ = m["share_known"].(bool)
	if r.Share.Known {
		r.Share.Min, _ = m["share_min"].(float64)
		r.Share.Max, _ = m["share_max"].(float64)
		r.Share.MinExclusive, _ = m["share_min_exclusive"].(bool)
		r.Share.MaxExclusive, _ = m["share_max_exclusive"].(bool)
	}
	return r, nil
}

// decodeRelColumns reads a row of each_relationship_properties.cypher.
func decodeRelColumns(v []any) model.Relationship {
	r := model.Relationship{
		ID: str(v[0]), HolderID: str(v[1]), HeldID: str(v[2]), Kind: model.RelKind(str(v[3])),
		Direct: str(v[9]), StartDate: str(v[10]), EndDate: str(v[11]), Source: str(v[12]), SourceRef: str(v[13]),
	}
	r.Share.Known, _ = v[4].(bool)
	if r.Share.Known {
		r.Share.Min, _ = v[5].(float64)
		r.Share.Max, _ = v[6].(float64)
		r.Share.MinExclusive, _ = v[7].(bool)
		r.Share.MaxExclusive, _ = v[8].(bool)
	}
	return r
}

// UpsertRelationships implements store.Store: one transaction per batch, one
// UNWIND query per relationship kind present. A row whose end is missing
// fails the whole batch.
func (s *Store) UpsertRelationships(ctx context.Context, batch []model.Relationship) error {
	if len(batch) == 0 {
		return ctx.Err()
	}
	// One row per kind and id, the last one winning as if the batch were
	// written in order: upsert_relationships.cypher reads before it writes.
	byKind := map[model.RelKind][]map[string]any{}
	relsOf := map[model.RelKind][]*model.Relationship{} // parallel to byKind
	at := map[model.RelKind]map[string]int{}
	for i := range batch {
		r := &batch[i]
		if r.ID == "" {
			return fmt.Errorf("neo4j: upsert relationships: relationship %d of the batch has no id", i)
		}
		if !r.Kind.Valid() {
			return fmt.Errorf("neo4j: upsert relationships: relationship %q: unknown kind %q", r.ID, r.Kind)
		}
		row := map[string]any{"id": r.ID, "holder_id": r.HolderID, "held_id": r.HeldID, "props": relProps(r)}
		if at[r.Kind] == nil {
			at[r.Kind] = map[string]int{}
		}
		if j, ok := at[r.Kind][r.ID]; ok {
			byKind[r.Kind][j], relsOf[r.Kind][j] = row, r
			continue
		}
		at[r.Kind][r.ID] = len(byKind[r.Kind])
		byKind[r.Kind] = append(byKind[r.Kind], row)
		relsOf[r.Kind] = append(relsOf[r.Kind], r)
	}
	return s.write(ctx, "upsert relationships", func(tx neo4j.ManagedTransaction) error {
		for _, k := range model.RelKinds {
			rows := byKind[k]
			if len(rows) == 0 {
				continue
			}
			recs, err := runInTx(ctx, tx, qUpsertRelationships[k], map[string]any{"rows": rows})
			if err != nil {
				return err
			}
			if n := count(recs); n != int64(len(rows)) {
				return fmt.Errorf("%d of %d %s relationships have a holder or held entity that does not exist%s",
					int64(len(rows))-n, len(rows), k, missingEnds(ctx, tx, rows))
			}
			if err := repackAliased(ctx, tx, k, recs[0].Values[1], relsOf[k], at[k]); err != nil {
				return err
			}
		}
		return nil
	})
}

// repackAliased rewrites the packed copies of the relationships an upsert
// wrote through an alias end (aliased: upsert_relationships' [id, holder,
// held] rows with the canonical ends), since Go packed them with the ends
// as given.
func repackAliased(ctx context.Context, tx neo4j.ManagedTransaction, k model.RelKind, aliased any,
	rels []*model.Relationship, at map[string]int) error {
	list, _ := aliased.([]any)
	if len(list) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(list))
	for _, v := range list {
		a, ok := v.([]any)
		if !ok || len(a) != 3 {
			return fmt.Errorf("upsert relationships: unexpected aliased row %v", v)
		}
		j, ok := at[str(a[0])]
		if !ok {
			return fmt.Errorf("upsert relationships: aliased row for unknown id %q", str(a[0]))
		}
		r := *rels[j]
		r.HolderID, r.HeldID = str(a[1]), str(a[2])
		rows = append(rows, []any{r.ID, packRel(&r)})
	}
	_, err := runInTx(ctx, tx, qSetRelPacked[k], map[string]any{"rows": rows})
	return err
}

// missingEnds names up to a few missing end ids for the error message.
func missingEnds(ctx context.Context, tx neo4j.ManagedTransaction, rows []map[string]any) string {
	var ids []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, k := range []string{"holder_id", "held_id"} {
			if id := r[k].(string); !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	recs, err := runInTx(ctx, tx, qCanonicalIDs, map[string]any{"ids": ids})
	if err != nil {
		return ""
	}
	found := map[string]bool{}
	for _, r := range recs {
		found[str(r.Values[0])] = true
	}
	var missing []string
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 5 {
		missing = append(missing[:5], "...")
	}
	return fmt.Sprintf(": %q", missing)
}

// count reads the single integer a write query returns.
func count(recs []*neo4j.Record) int64 {
	if len(recs) == 0 || len(recs[0].Values) == 0 {
		return 0
	}
	n, _ := recs[0].Values[0].(int64)
	return n
}

// EachRelationshipStored implements store.StoredOrderStreamer: id order
// is the order EachRelationship reads the pages in anyway.
func (s *Store) EachRelationshipStored(ctx context.Context, fn func(*model.Relationship) error) error {
	return s.EachRelationship(ctx, fn)
}

// EachRelationship implements store.Store. Each kind is read in id order
// from its own type's id index (no server-side sort of the whole graph), a
// page at a time, and the kinds are merged here; all pages of all kinds are
// read in one read transaction.
func (s *Store) EachRelationship(ctx context.Context, fn func(*model.Relationship) error) error {
	const what = "each relationship"
	return s.readTx(ctx, what, func(tx neo4j.ExplicitTransaction) error {
		f := newFetcher(ctx, tx)
		defer f.close()
		type kindStream struct {
			pages *pager
			head  model.Relationship
			ok    bool
		}
		advance := func(st *kindStream) error {
			row, err := st.pages.next(ctx)
			if err != nil {
				return fail(ctx, what, err)
			}
			st.ok = row != nil
			if st.ok {
				if st.head, err = decodeRelRow(row); err != nil {
					return fail(ctx, what, err)
				}
			}
			return nil
		}
		streams := make([]*kindStream, 0, len(model.RelKinds))
		for _, k := range model.RelKinds {
			st := &kindStream{pages: newPager(f, qEachRelationship[k], nil)}
			st.pages.packed, st.pages.fill = true, fillUnpacked(f, qRelsUnpackedIn[k], packedRelID)
			if err := advance(st); err != nil {
				return err
			}
			if st.ok {
				streams = append(streams, st)
			}
		}
		for len(streams) > 0 {
			next := 0
			for i, st := range streams[1:] {
				if st.head.ID < streams[next].head.ID {
					next = i + 1
				}
			}
			st := streams[next]
			r := st.head // fn may keep the pointer
			if err := fn(&r); err != nil {
				return err
			}
			if err := advance(st); err != nil {
				return err
			}
			if !st.ok {
				streams = append(streams[:next], streams[next+1:]...)
			}
		}
		return nil
	})
}

// Neighbourhood implements store.Store with a breadth-first walk, one query
// per level and direction, each frontier entity keeping its first perNode
// links by relationship id. No variable-length pattern is ever used.
func (s *Store) Neighbourhood(ctx context.Context, id string, dir store.Direction, depth, perNode int) (store.Subgraph, error) {
	start, err := s.Entity(ctx, id)
	if err != nil {
		return store.Subgraph{}, err
	}
	ents := map[string]model.Entity{start.ID: start}
	rels := map[string]model.Relationship{}
	truncated := map[string]int{}
	limit := int64(perNode)
	if perNode <= 0 {
		limit = math.MaxInt32
	}
	for _, d := range []store.Direction{store.Up, store.Down} {
		if dir&d == 0 {
			continue
		}
		q := qNeighboursUp
		if d == store.Down {
			q = qNeighboursDown
		}
		visited := map[string]bool{start.ID: true}
		frontier := []string{start.ID}
		for level := 0; level < depth && len(frontier) > 0; level++ {
			recs, err := s.query(ctx, "neighbourhood", q, map[string]any{"ids": frontier, "limit": limit})
			if err != nil {
				return store.Subgraph{}, err
			}
			var next []string
			for _, rec := range recs {
				nid := str(rec.Values[0])
				links, _ := rec.Values[1].([]any)
				total, _ := rec.Values[2].(int64)
				if left := int(total) - len(links); left > 0 {
					truncated[nid] += left
				}
				for _, l := range links {
					m, _ := l.(map[string]any)
					r, err := decodeRel(m["r"], m["holder_id"], m["held_id"])
					if err != nil {
						return store.Subgraph{}, fmt.Errorf("neo4j: neighbourhood: %w", err)
					}
					rels[r.ID] = r
					other, err := decodeEntity(m["other"])
					if err != nil {
						return store.Subgraph{}, fmt.Errorf("neo4j: neighbourhood: %w", err)
					}
					ents[other.ID] = other
					if !visited[other.ID] {
						visited[other.ID] = true
						next = append(next, other.ID)
					}
				}
			}
			sort.Strings(next)
			frontier = next
		}
	}
	g := store.Subgraph{Truncated: truncated}
	for _, e := range ents {
		g.Entities = append(g.Entities, e)
	}
	for _, r := range rels {
		g.Relationships = append(g.Relationships, r)
	}
	sort.Slice(g.Entities, func(i, j int) bool { return g.Entities[i].ID < g.Entities[j].ID })
	sort.Slice(g.Relationships, func(i, j int) bool { return g.Relationships[i].ID < g.Relationships[j].ID })
	return g, nil
}

var _ store.RecordRelationships = (*Store)(nil)

// RelationshipsOfRecords implements store.RecordRelationships: one
// index-seek query per relationship kind.
func (s *Store) RelationshipsOfRecords(ctx context.Context, source string, refs []string) ([]model.Relationship, error) {
	if len(refs) == 0 {
		return nil, ctx.Err()
	}
	prefixes := make([]string, 0, len(refs))
	wanted := make(map[string]bool, len(refs))
	for _, ref := range refs {
		if !wanted[ref] {
			wanted[ref] = true
			prefix, _ := store.RecordIDPrefix(source, ref)
			prefixes = append(prefixes, prefix)
		}
	}
	var out []model.Relationship
	for _, k := range model.RelKinds {
		recs, err := s.query(ctx, "relationships of records", qRelsOfRecords[k], map[string]any{"prefixes": prefixes})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			r, err := decodeRel(rec.Values[0], rec.Values[1], rec.Values[2])
			if err != nil {
				return nil, err
			}
			if r.Source == source && wanted[r.SourceRef] {
				out = append(out, r)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Holders implements store.HolderReader: one level of the Up walk for all
// of ids at once, every link kept.
func (s *Store) Holders(ctx context.Context, ids []string) (store.Subgraph, error) {
	var g store.Subgraph
	holders := map[string]model.Entity{}
	for chunk := range slices.Chunk(ids, holdersChunk) {
		recs, err := s.query(ctx, "holders", qNeighboursUp, map[string]any{"ids": chunk, "limit": int64(math.MaxInt32)})
		if err != nil {
			return store.Subgraph{}, err
		}
		for _, rec := range recs {
			links, _ := rec.Values[1].([]any)
			for _, l := range links {
				m, _ := l.(map[string]any)
				r, err := decodeRel(m["r"], m["holder_id"], m["held_id"])
				if err != nil {
					return store.Subgraph{}, fmt.Errorf("neo4j: holders: %w", err)
				}
				g.Relationships = append(g.Relationships, r)
				other, err := decodeEntity(m["other"])
				if err != nil {
					return store.Subgraph{}, fmt.Errorf("neo4j: holders: %w", err)
				}
				holders[other.ID] = other
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(holders)) {
		g.Entities = append(g.Entities, holders[id])
	}
	slices.SortFunc(g.Relationships, func(a, b model.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return g, nil
}

// holdersChunk ids go into one Holders query.
const holdersChunk = 1000
