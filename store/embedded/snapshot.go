package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

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
// unioned (in Go when the record gives tags, by the upsert keeping the
// stored ones when it gives none), those of an older generation replaced.
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
			ON CONFLICT (source, kind, id) DO UPDATE SET pending_gen = excluded.pending_gen,
				pending_lists = CASE WHEN pending_gen = excluded.pending_gen AND excluded.pending_lists = '[]'
					THEN pending_lists ELSE excluded.pending_lists END`)
		if err != nil {
			return err
		}
		for _, a := range batch {
			kind := assertedEntity
			if a.Relationship {
				kind = assertedRelationship
			}
			lists := store.LedgerTags(a)
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
		if err := retireEntities(ctx, tx, source, gen, date, &st); err != nil {
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

// ledgerOf reads every ledger entry of the entity id (through the ids
// merged into it) as what a retirement by source at generation gen needs.
func ledgerOf(ctx context.Context, tx *sql.Tx, source string, gen int64, id string) (*store.EntityLedger, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.source, a.pending_gen, a.committed_lists, a.pending_lists FROM source_assertions a
		WHERE a.kind = 0 AND (a.id = ?1 OR a.id IN (SELECT alias FROM aliases WHERE canonical = ?1))`, id)
	if err != nil {
		return nil, fmt.Errorf("snapshot ledger of %q: %w", id, err)
	}
	defer rows.Close()
	l := &store.EntityLedger{Others: map[string][]string{}}
	for rows.Next() {
		var (
			src                string
			pgen               int64
			committed, pending string
		)
		if err := rows.Scan(&src, &pgen, &committed, &pending); err != nil {
			return nil, err
		}
		prev, err := decodeTags(committed)
		if err != nil {
			return nil, fmt.Errorf("snapshot ledger %s %q: %w", src, id, err)
		}
		cur, err := decodeTags(pending)
		if err != nil {
			return nil, fmt.Errorf("snapshot ledger %s %q: %w", src, id, err)
		}
		l.Add(source, src, pgen == gen, prev, cur)
	}
	return l, rows.Err()
}

// retireEntities looks at two kinds of entities: those gen did not assert
// (an anti-join with the ledger; those only source knew become inactive)
// and those whose list tags source's previous snapshot gave (their whole
// ledger decides which tags are retired). The rest, most of a large
// source, is not decoded.
func retireEntities(ctx context.Context, tx *sql.Tx, source string, gen int64, date string, st *store.RetireStats) error {
	type entity struct {
		rid    int64
		e      model.Entity
		ledger *store.EntityLedger
	}
	var todo []*entity
	seen := map[string]bool{}
	read := func(query string, args ...any) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
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
			if !seen[e.ID] {
				seen[e.ID] = true
				todo = append(todo, &entity{rid: rid, e: e})
			}
		}
		return errors.Join(rows.Err(), rows.Close())
	}
	// Entities with tags (list tags, names, identifiers) to compare first:
	// those with an entry of source whose previous snapshot gave a tag this
	// one does not (else nothing of theirs is retired). Their ledger is
	// read below.
	if err := read(`SELECT e.rid, e.data FROM entities e WHERE e.id IN (
		SELECT coalesce(al.canonical, a.id) FROM source_assertions a LEFT JOIN aliases al ON al.alias = a.id
		WHERE a.source = ?1 AND a.kind = 0 AND a.committed_lists != '[]'
		AND (a.pending_gen != ?2 OR EXISTS (SELECT 1 FROM json_each(a.committed_lists) c
			WHERE c.value NOT IN (SELECT p.value FROM json_each(a.pending_lists) p))))`, source, gen); err != nil {
		return fmt.Errorf("entities with list tags of %s: %w", source, err)
	}
	withTags := len(todo)
	for _, t := range todo {
		l, err := ledgerOf(ctx, tx, source, gen, t.e.ID)
		if err != nil {
			return err
		}
		t.ledger = l
	}
	if err := read(`SELECT e.rid, e.data FROM entities e
		WHERE NOT EXISTS (SELECT 1 FROM source_assertions a WHERE a.source = ?1 AND a.kind = 0 AND a.id = e.id AND a.pending_gen = ?2)
		AND NOT EXISTS (SELECT 1 FROM aliases al JOIN source_assertions a ON a.source = ?1 AND a.kind = 0 AND a.id = al.alias AND a.pending_gen = ?2
			WHERE al.canonical = e.id)`, source, gen); err != nil {
		return fmt.Errorf("entities %s did not assert: %w", source, err)
	}
	var w *entityWriter
	for i, t := range todo {
		if i >= withTags && !store.OnlyFrom(&t.e, source) {
			continue
		}
		before := *st
		if !st.Retire(&t.e, source, date, t.ledger) {
			continue
		}
		if st.Aliases == before.Aliases && st.Identifiers == before.Identifiers {
			// Lists are not names: the indexes stay as they are.
			if _, err := tx.ExecContext(ctx, `UPDATE entities SET data = ? WHERE rid = ?`, codec.EncodeEntity(&t.e), t.rid); err != nil {
				return fmt.Errorf("entity %q: %w", t.e.ID, err)
			}
			continue
		}
		// Retired names and identifiers leave the name and identifier
		// indexes too.
		if w == nil {
			var err error
			if w, err = prepare(ctx, tx); err != nil {
				return err
			}
		}
		old, found, err := w.load(ctx, t.e.ID)
		if err != nil || !found {
			return fmt.Errorf("entity %q: %w", t.e.ID, errors.Join(err, store.ErrNotFound))
		}
		if err := w.update(ctx, &old, &t.e); err != nil {
			return fmt.Errorf("entity %q: %w", t.e.ID, err)
		}
	}
	if w != nil {
		return w.names.flush(ctx)
	}
	return nil
}

var _ store.DeltaApplier = (*Store)(nil)

// ApplyDelta implements store.DeltaApplier in one write transaction: the
// changes are grouped by the entity their record resolves to and applied
// in order (store.ApplyChanges).
func (s *Store) ApplyDelta(ctx context.Context, source string, changes []store.RecordChange) (store.RetireStats, error) {
	var st store.RetireStats
	if len(changes) == 0 {
		return st, ctx.Err()
	}
	err := s.write(ctx, "apply delta "+source, func(tx *sql.Tx) error {
		st = store.RetireStats{}
		byEntity := map[string][]store.RecordChange{}
		var order []string
		own := map[string]store.DeltaRecord{}
		for _, c := range changes {
			canon, err := s.resolve(ctx, tx, c.ID)
			if err != nil {
				return fmt.Errorf("record %q: %w", c.ID, err)
			}
			if byEntity[canon] == nil {
				order = append(order, canon)
			}
			byEntity[canon] = append(byEntity[canon], c)
			if _, ok := own[c.ID]; ok {
				continue
			}
			var lists string
			switch err := tx.QueryRowContext(ctx, `SELECT committed_lists FROM source_assertions WHERE source = ? AND kind = 0 AND id = ?`,
				source, c.ID).Scan(&lists); {
			case errors.Is(err, sql.ErrNoRows):
				own[c.ID] = store.DeltaRecord{}
			case err != nil:
				return fmt.Errorf("snapshot ledger %s %q: %w", source, c.ID, err)
			default:
				tags, err := decodeTags(lists)
				if err != nil {
					return fmt.Errorf("snapshot ledger %s %q: %w", source, c.ID, err)
				}
				own[c.ID] = store.DeltaRecord{Lists: tags, Found: true}
			}
		}
		for _, id := range order {
			var (
				rid  int64
				data []byte
				e    model.Entity
			)
			switch err := tx.QueryRowContext(ctx, `SELECT rid, data FROM entities WHERE id = ?`, id).Scan(&rid, &data); {
			case errors.Is(err, sql.ErrNoRows):
				continue // a record never written: nothing to change
			case err != nil:
				return fmt.Errorf("entity %q: %w", id, err)
			}
			if err := codec.DecodeEntity(data, &e); err != nil {
				return fmt.Errorf("entity %q: stored data: %w", id, err)
			}
			l, err := ledgerOf(ctx, tx, source, 0, id)
			if err != nil {
				return err
			}
			if !store.ApplyChanges(&e, source, byEntity[id], own, l.Others, &st) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE entities SET data = ? WHERE rid = ?`, codec.EncodeEntity(&e), rid); err != nil {
				return fmt.Errorf("entity %q: %w", id, err)
			}
		}
		for id, r := range own {
			var err error
			if !r.Found {
				_, err = tx.ExecContext(ctx, `DELETE FROM source_assertions WHERE source = ? AND kind = 0 AND id = ?`, source, id)
			} else {
				var tags string
				if tags, err = encodeTags(r.Lists); err == nil {
					_, err = tx.ExecContext(ctx, `INSERT INTO source_assertions (source, kind, id, committed_lists, pending_gen, pending_lists)
						VALUES (?1, 0, ?2, ?3, 0, ?3)
						ON CONFLICT (source, kind, id) DO UPDATE SET committed_lists = excluded.committed_lists, pending_lists = excluded.pending_lists`,
						source, id, tags)
				}
			}
			if err != nil {
				return fmt.Errorf("snapshot ledger %s %q: %w", source, id, err)
			}
		}
		return nil
	})
	return st, err
}
