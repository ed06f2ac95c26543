package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

var _ store.Snapshotter = (*Store)(nil)

const (
	assertedEntity       = 0
	assertedRelationship = 1
)

// MarkAsserted implements store.Snapshotter: one transaction per batch.
// The list tags of a record marked again in the same generation are
// unioned, those of an older generation replaced.
func (s *Store) MarkAsserted(ctx context.Context, source string, gen int64, batch []store.Assertion) error {
	if len(batch) == 0 {
		return ctx.Err()
	}
	return s.write(ctx, "mark snapshot records", func(tx *sql.Tx) error {
		sel, err := tx.PrepareContext(ctx, `SELECT pending_gen, pending_lists FROM source_assertions WHERE source = ? AND kind = ? AND id = ?`)
		if err != nil {
			return err
		}
		up, err := tx.PrepareContext(ctx, `INSERT INTO source_assertions (source, kind, id, pending_gen, pending_lists) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (source, kind, id) DO UPDATE SET pending_gen = excluded.pending_gen, pending_lists = excluded.pending_lists`)
		if err != nil {
			return err
		}
		for _, a := range batch {
			kind := assertedEntity
			if a.Relationship {
				kind = assertedRelationship
			}
			lists := model.SortedUnique(a.Lists)
			if len(lists) > 0 {
				var (
					oldGen int64
					old    string
				)
				switch err := sel.QueryRowContext(ctx, source, kind, a.ID).Scan(&oldGen, &old); {
				case errors.Is(err, sql.ErrNoRows):
				case err != nil:
					return err
				case oldGen == gen:
					prev, err := decodeTags(old)
					if err != nil {
						return fmt.Errorf("snapshot ledger %s %q: %w", source, a.ID, err)
					}
					lists = model.SortedUnique(append(prev, lists...))
				}
			}
			tags, err := encodeTags(lists)
			if err != nil {
				return err
			}
			if _, err := up.ExecContext(ctx, source, kind, a.ID, gen, tags); err != nil {
				return fmt.Errorf("snapshot ledger %s %q: %w", source, a.ID, err)
			}
		}
		return nil
	})
}

func encodeTags(tags []string) (string, error) {
	if len(tags) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(tags)
	return string(b), err
}

func decodeTags(s string) ([]string, error) {
	var out []string
	if s == "" || s == "[]" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("list tags %q: %w", s, err)
	}
	return out, nil
}

// RetireUnasserted implements store.Snapshotter in one write transaction:
// a scan of the relationships and of the entities, whose records are
// decoded and rewritten in Go by the rules both stores share
// (store.RelationshipToRetire, store.RetireEntity).
func (s *Store) RetireUnasserted(ctx context.Context, source string, gen int64, date string) (store.RetireStats, error) {
	var st store.RetireStats
	err := s.write(ctx, "retire snapshot "+source, func(tx *sql.Tx) error {
		st = store.RetireStats{}
		if err := retireRelationships(ctx, tx, source, gen, date, &st); err != nil {
			return err
		}
		ledger, err := entityLedger(ctx, tx, source, gen)
		if err != nil {
			return err
		}
		if err := retireEntities(ctx, tx, source, date, ledger, &st); err != nil {
			return err
		}
		// The ledger keeps this snapshot's records only: they are what the
		// next snapshot is compared with.
		if _, err := tx.ExecContext(ctx, `DELETE FROM source_assertions WHERE source = ? AND pending_gen != ?`, source, gen); err != nil {
			return fmt.Errorf("snapshot ledger %s: %w", source, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE source_assertions SET committed_lists = pending_lists WHERE source = ?`, source); err != nil {
			return fmt.Errorf("snapshot ledger %s: %w", source, err)
		}
		return nil
	})
	return st, err
}

func retireRelationships(ctx context.Context, tx *sql.Tx, source string, gen int64, date string, st *store.RetireStats) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.rid, r.data FROM relationships r
		LEFT JOIN source_assertions a ON a.source = ?1 AND a.kind = 1 AND a.id = r.id
		WHERE a.pending_gen IS NOT ?2`, source, gen)
	if err != nil {
		return fmt.Errorf("relationships to retire: %w", err)
	}
	type retired struct {
		rid  int64
		data []byte
	}
	var ended []retired
	for rows.Next() {
		var (
			rid  int64
			data []byte
			r    model.Relationship
		)
		if err := rows.Scan(&rid, &data); err != nil {
			rows.Close()
			return err
		}
		if err := codec.DecodeRelationship(data, &r); err != nil {
			rows.Close()
			return fmt.Errorf("relationship row %d: stored data: %w", rid, err)
		}
		if store.RelationshipToRetire(&r, source, date) {
			ended = append(ended, retired{rid, codec.EncodeRelationship(&r)})
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, r := range ended {
		if _, err := tx.ExecContext(ctx, `UPDATE relationships SET data = ? WHERE rid = ?`, r.data, r.rid); err != nil {
			return err
		}
	}
	st.Relationships = len(ended)
	return nil
}

// entityLedger reads source's ledger of entities, by the entity each id
// resolves to.
func entityLedger(ctx context.Context, tx *sql.Tx, source string, gen int64) (map[string]*store.EntityLedger, error) {
	rows, err := tx.QueryContext(ctx, `SELECT coalesce(al.canonical, a.id), a.pending_gen, a.committed_lists, a.pending_lists
		FROM source_assertions a LEFT JOIN aliases al ON al.alias = a.id
		WHERE a.source = ? AND a.kind = 0`, source)
	if err != nil {
		return nil, fmt.Errorf("snapshot ledger %s: %w", source, err)
	}
	defer rows.Close()
	out := map[string]*store.EntityLedger{}
	for rows.Next() {
		var (
			id             string
			pgen           int64
			committed, cur string
		)
		if err := rows.Scan(&id, &pgen, &committed, &cur); err != nil {
			return nil, err
		}
		l := out[id]
		if l == nil {
			l = &store.EntityLedger{}
			out[id] = l
		}
		prev, err := decodeTags(committed)
		if err != nil {
			return nil, fmt.Errorf("snapshot ledger %s %q: %w", source, id, err)
		}
		l.Prev = model.SortedUnique(append(l.Prev, prev...))
		if pgen == gen {
			l.Asserted = true
			tags, err := decodeTags(cur)
			if err != nil {
				return nil, fmt.Errorf("snapshot ledger %s %q: %w", source, id, err)
			}
			l.Cur = model.SortedUnique(append(l.Cur, tags...))
		}
	}
	return out, rows.Err()
}

// otherLedgers fills l.Others for entity id: every other source's tags
// (the last snapshot's and a pending one's) for the ids resolving to it.
func otherLedgers(ctx context.Context, tx *sql.Tx, source, id string, l *store.EntityLedger) error {
	rows, err := tx.QueryContext(ctx, `SELECT a.source, a.committed_lists, a.pending_lists FROM source_assertions a
		WHERE a.kind = 0 AND a.source != ?1 AND (a.id = ?2 OR a.id IN (SELECT alias FROM aliases WHERE canonical = ?2))`, source, id)
	if err != nil {
		return fmt.Errorf("snapshot ledgers of %q: %w", id, err)
	}
	defer rows.Close()
	l.Others = map[string][]string{}
	for rows.Next() {
		var src, committed, pending string
		if err := rows.Scan(&src, &committed, &pending); err != nil {
			return err
		}
		a, err := decodeTags(committed)
		if err != nil {
			return err
		}
		b, err := decodeTags(pending)
		if err != nil {
			return err
		}
		l.Others[src] = model.SortedUnique(append(append(l.Others[src], a...), b...))
	}
	return rows.Err()
}

func retireEntities(ctx context.Context, tx *sql.Tx, source, date string, ledger map[string]*store.EntityLedger, st *store.RetireStats) error {
	rows, err := tx.QueryContext(ctx, `SELECT rid, data FROM entities`)
	if err != nil {
		return fmt.Errorf("entities to retire: %w", err)
	}
	type changed struct {
		rid int64
		e   model.Entity
	}
	var todo []changed
	for rows.Next() {
		var (
			rid  int64
			data []byte
			e    model.Entity
		)
		if err := rows.Scan(&rid, &data); err != nil {
			rows.Close()
			return err
		}
		if err := codec.DecodeEntity(data, &e); err != nil {
			rows.Close()
			return fmt.Errorf("entity row %d: stored data: %w", rid, err)
		}
		if l := ledger[e.ID]; l != nil || store.OnlyFrom(&e, source) {
			todo = append(todo, changed{rid, e})
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for i := range todo {
		c := &todo[i]
		l := ledger[c.e.ID]
		if l != nil && slices.ContainsFunc(l.Prev, func(t string) bool { return !slices.Contains(l.Cur, t) }) {
			if err := otherLedgers(ctx, tx, source, c.e.ID, l); err != nil {
				return err
			}
		}
		ch, inactive, reactivated, tags := store.RetireEntity(&c.e, source, date, l)
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
		// Lists are not names: the name index stays as it is.
		if _, err := tx.ExecContext(ctx, `UPDATE entities SET data = ? WHERE rid = ?`, codec.EncodeEntity(&c.e), c.rid); err != nil {
			return fmt.Errorf("entity %q: %w", c.e.ID, err)
		}
	}
	return nil
}
