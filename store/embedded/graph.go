package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// UpsertRelationships implements store.Store in one transaction per batch:
// keyed by id (a rewrite replaces the stored assertion), ends resolved
// through aliases, a missing end fails the whole batch. Ends are checked
// with one query per chunk and rows go out in multi-row upserts.
func (s *Store) UpsertRelationships(ctx context.Context, batch []model.Relationship) error {
	if len(batch) == 0 {
		return ctx.Err()
	}
	return s.write(ctx, "upsert relationships", func(tx *sql.Tx) error {
		w, err := prepare(ctx, tx)
		if err != nil {
			return err
		}
		exists, err := tx.PrepareContext(ctx, `SELECT id FROM entities WHERE id IN (SELECT value FROM json_each(?))`)
		if err != nil {
			return err
		}
		rows := newBulk(tx, `INSERT INTO relationships (id, holder, held, kind, data) VALUES `, `
			ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, held = excluded.held,
				kind = excluded.kind, data = excluded.data
			WHERE relationships.data IS NOT excluded.data`, 5)
		known := map[string]bool{} // entity ids known to exist
		for start := 0; start < len(batch); start += upsertChunk {
			chunk := slices.Clone(batch[start:min(start+upsertChunk, len(batch))])
			var unknown []string
			for i := range chunk {
				r := &chunk[i]
				if r.ID == "" {
					return fmt.Errorf("relationship %s → %s has no id", r.HolderID, r.HeldID)
				}
				for _, end := range []*string{&r.HolderID, &r.HeldID} {
					if *end == "" {
						return fmt.Errorf("relationship %q: missing holder or held id", r.ID)
					}
					if *end, err = w.canonical(ctx, *end); err != nil {
						return err
					}
					if !known[*end] {
						unknown = append(unknown, *end)
					}
				}
			}
			if err := markExisting(ctx, exists, unknown, known); err != nil {
				return err
			}
			for i := range chunk {
				r := &chunk[i]
				for _, end := range [][2]string{{"holder", r.HolderID}, {"held", r.HeldID}} {
					if !known[end[1]] {
						return fmt.Errorf("relationship %q: %s %q: %w (write entities first)", r.ID, end[0], end[1], store.ErrNotFound)
					}
				}
				data := codec.EncodeRelationship(r)
				if err := rows.add(ctx, r.ID, r.HolderID, r.HeldID, string(r.Kind), data); err != nil {
					return err
				}
			}
			if err := rows.flush(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// markExisting sets known[id] for every id in ids that is a stored entity.
func markExisting(ctx context.Context, exists *sql.Stmt, ids []string, known map[string]bool) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := exists.QueryContext(ctx, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		known[id] = true
	}
	return rows.Err()
}

// EachRelationship implements store.Store.
func (s *Store) EachRelationship(ctx context.Context, fn func(*model.Relationship) error) error {
	return s.eachRelationship(ctx, `SELECT data FROM relationships ORDER BY id`, fn)
}

// EachRelationshipStored is EachRelationship in the order the table keeps
// the relationships instead of by id (see EachEntityStored).
func (s *Store) EachRelationshipStored(ctx context.Context, fn func(*model.Relationship) error) error {
	return s.eachRelationship(ctx, `SELECT data FROM relationships`, fn)
}

func (s *Store) eachRelationship(ctx context.Context, query string, fn func(*model.Relationship) error) error {
	var r model.Relationship // one for the stream, as in EachEntityProjected
	return s.stream(ctx, "stream relationships", query, nil, func(data []byte) error {
		if err := codec.DecodeRelationship(data, &r); err != nil {
			return fmt.Errorf("stored relationship: %w", err)
		}
		return fn(&r)
	})
}

// Neighbourhood implements store.Store: a breadth-first walk per direction
// with one indexed query per expanded entity.
func (s *Store) Neighbourhood(ctx context.Context, id string, dir store.Direction, depth, perNode int) (store.Subgraph, error) {
	var g store.Subgraph
	start, err := s.Entity(ctx, id)
	if err != nil {
		return g, err
	}
	nodes := map[string]bool{start.ID: true}
	rels := map[string]model.Relationship{}
	truncated := map[string]int{}
	for _, d := range []store.Direction{store.Up, store.Down} {
		if dir&d == 0 {
			continue
		}
		if err := s.walk(ctx, start.ID, d, depth, perNode, nodes, rels, truncated); err != nil {
			return g, s.wrap("neighbourhood of "+id, err)
		}
	}
	ids := make([]string, 0, len(nodes))
	for n := range nodes {
		ids = append(ids, n)
	}
	sort.Strings(ids)
	for _, n := range ids {
		if n == start.ID {
			g.Entities = append(g.Entities, start)
			continue
		}
		e, err := s.Entity(ctx, n)
		if err != nil {
			return g, err
		}
		g.Entities = append(g.Entities, e)
	}
	for _, r := range rels {
		g.Relationships = append(g.Relationships, r)
	}
	sort.Slice(g.Relationships, func(i, j int) bool { return g.Relationships[i].ID < g.Relationships[j].ID })
	if len(truncated) > 0 {
		g.Truncated = truncated
	}
	return g, nil
}

// walk adds to nodes, rels and truncated everything within depth hops of
// start in one direction. Every entity is expanded once, so cycles end.
func (s *Store) walk(ctx context.Context, start string, dir store.Direction, depth, perNode int,
	nodes map[string]bool, rels map[string]model.Relationship, truncated map[string]int) error {
	self := "held" // Up: the links whose held end is the entity
	if dir == store.Down {
		self = "holder"
	}
	limit := -1
	if perNode > 0 {
		limit = perNode
	}
	query := `SELECT data FROM relationships WHERE ` + self + ` = ? ORDER BY id LIMIT ?`
	countQuery := `SELECT count(*) FROM relationships WHERE ` + self + ` = ?`
	seen := map[string]bool{start: true}
	frontier := []string{start}
	for hop := 0; hop < depth && len(frontier) > 0; hop++ {
		var next []string
		for _, n := range frontier {
			kept := 0
			err := s.stream(ctx, "links", query, []any{n, limit}, func(data []byte) error {
				var r model.Relationship
				if err := codec.DecodeRelationship(data, &r); err != nil {
					return err
				}
				kept++
				rels[r.ID] = r
				o := r.HolderID
				if dir == store.Down {
					o = r.HeldID
				}
				nodes[o] = true
				if !seen[o] {
					seen[o] = true
					next = append(next, o)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if limit > 0 && kept == limit {
				var total int
				if err := s.db.QueryRowContext(ctx, countQuery, n).Scan(&total); err != nil {
					return err
				}
				if total > kept {
					truncated[n] += total - kept
				}
			}
		}
		frontier = next
	}
	return nil
}

// CanonicalIDs implements store.Store.
func (s *Store) CanonicalIDs(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		canon, err := s.resolve(ctx, s.db, id)
		if err != nil {
			return nil, s.wrap("canonical ids", err)
		}
		var one int
		switch err := s.db.QueryRowContext(ctx, `SELECT 1 FROM entities WHERE id = ?`, canon).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return nil, s.wrap("canonical ids", err)
		}
		out[id] = canon
	}
	return out, nil
}

// MergeEntities implements store.Store; the whole list is one transaction.
func (s *Store) MergeEntities(ctx context.Context, merges []store.Merge) error {
	if len(merges) == 0 {
		return ctx.Err()
	}
	return s.write(ctx, "merge entities", func(tx *sql.Tx) error {
		w, err := prepare(ctx, tx)
		if err != nil {
			return err
		}
		for _, m := range merges {
			if err := s.merge(ctx, tx, w, m); err != nil {
				return fmt.Errorf("merge %q into %q: %w", m.From, m.Into, err)
			}
			w.hasAliases = true
		}
		return w.names.flush(ctx)
	})
}

func (s *Store) merge(ctx context.Context, tx *sql.Tx, w *entityWriter, m store.Merge) error {
	from, err := w.canonical(ctx, m.From)
	if err != nil {
		return err
	}
	into, err := w.canonical(ctx, m.Into)
	if err != nil {
		return err
	}
	fromSt, found, err := w.load(ctx, from)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%q: %w", m.From, store.ErrNotFound)
	}
	intoSt, found, err := w.load(ctx, into)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%q: %w", m.Into, store.ErrNotFound)
	}
	if from == into {
		return nil
	}

	merged := store.MergeInto(intoSt.e, fromSt.e)
	if err := w.update(ctx, &intoSt, &merged); err != nil {
		return err
	}
	if err := w.names.remove(ctx, fromSt.rid, fromSt.tokens); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM entity_identifiers WHERE rid = ?`,
		`DELETE FROM entities WHERE rid = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, fromSt.rid); err != nil {
			return err
		}
	}
	if err := repoint(ctx, tx, from, into); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE aliases SET canonical = ? WHERE canonical = ?`, into, from); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO aliases (alias, canonical) VALUES (?, ?)`, from, into)
	return err
}

// repoint moves every relationship end at from to into, keeping ids.
func repoint(ctx context.Context, tx *sql.Tx, from, into string) error {
	rows, err := tx.QueryContext(ctx,
		`SELECT rid, data FROM relationships WHERE holder = ? UNION SELECT rid, data FROM relationships WHERE held = ?`,
		from, from)
	if err != nil {
		return err
	}
	type row struct {
		rid  int64
		data []byte
	}
	var moved []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.rid, &r.data); err != nil {
			rows.Close()
			return err
		}
		moved = append(moved, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range moved {
		var r model.Relationship
		if err := codec.DecodeRelationship(m.data, &r); err != nil {
			return fmt.Errorf("stored relationship: %w", err)
		}
		if r.HolderID == from {
			r.HolderID = into
		}
		if r.HeldID == from {
			r.HeldID = into
		}
		data := codec.EncodeRelationship(&r)
		if _, err := tx.ExecContext(ctx, `UPDATE relationships SET holder = ?, held = ?, data = ? WHERE rid = ?`,
			r.HolderID, r.HeldID, data, m.rid); err != nil {
			return err
		}
	}
	return nil
}

var _ store.RecordRelationships = (*Store)(nil)

// RelationshipsOfRecords implements store.RecordRelationships: a range of
// the id index per record.
func (s *Store) RelationshipsOfRecords(ctx context.Context, source string, refs []string) ([]model.Relationship, error) {
	var out []model.Relationship
	asked := make(map[string]bool, len(refs))
	for _, ref := range refs {
		if asked[ref] {
			continue
		}
		asked[ref] = true
		from, to := store.RecordIDPrefix(source, ref)
		err := s.stream(ctx, "relationships of a record", `SELECT data FROM relationships WHERE id >= ? AND id < ? ORDER BY id`,
			[]any{from, to}, func(data []byte) error {
				var r model.Relationship
				if err := codec.DecodeRelationship(data, &r); err != nil {
					return fmt.Errorf("stored relationship: %w", err)
				}
				if r.Source == source && r.SourceRef == ref {
					out = append(out, r)
				}
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// holdersChunk ids go into one query of Holders (a JSON array parameter).
const holdersChunk = 500

// Holders implements store.HolderReader: the relationships held by ids and
// their holders, a few indexed queries per holdersChunk ids instead of a
// Neighbourhood per id.
func (s *Store) Holders(ctx context.Context, ids []string) (store.Subgraph, error) {
	var g store.Subgraph
	holders := map[string]bool{}
	for chunk := range slices.Chunk(ids, holdersChunk) {
		list, err := json.Marshal(chunk)
		if err != nil {
			return g, err
		}
		err = s.stream(ctx, "holders", `SELECT data FROM relationships WHERE held IN (SELECT value FROM json_each(?))`,
			[]any{string(list)}, func(data []byte) error {
				var r model.Relationship
				if err := codec.DecodeRelationship(data, &r); err != nil {
					return fmt.Errorf("stored relationship: %w", err)
				}
				g.Relationships = append(g.Relationships, r)
				holders[r.HolderID] = true
				return nil
			})
		if err != nil {
			return store.Subgraph{}, err
		}
	}
	hids := slices.Sorted(maps.Keys(holders))
	for chunk := range slices.Chunk(hids, holdersChunk) {
		list, err := json.Marshal(chunk)
		if err != nil {
			return g, err
		}
		err = s.stream(ctx, "holders", `SELECT data FROM entities WHERE id IN (SELECT value FROM json_each(?))`,
			[]any{string(list)}, func(data []byte) error {
				var e model.Entity
				if err := codec.DecodeEntity(data, &e); err != nil {
					return fmt.Errorf("stored entity: %w", err)
				}
				g.Entities = append(g.Entities, e)
				return nil
			})
		if err != nil {
			return store.Subgraph{}, err
		}
	}
	slices.SortFunc(g.Entities, func(a, b model.Entity) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(g.Relationships, func(a, b model.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return g, nil
}
