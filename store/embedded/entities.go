package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// entityWriter holds the prepared statements of one write transaction.
type entityWriter struct {
	tx         *sql.Tx
	hasAliases bool
	selAlias   *sql.Stmt
	selEntity  *sql.Stmt
	updEntity  *sql.Stmt
	insIdent   *sql.Stmt
	delIdent   *sql.Stmt
	names      *nameIndexWriter
}

func prepare(ctx context.Context, tx *sql.Tx) (*entityWriter, error) {
	w := &entityWriter{tx: tx}
	var err error
	if w.names, err = newNameIndexWriter(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM aliases)`).Scan(&w.hasAliases); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.selAlias, `SELECT canonical FROM aliases WHERE alias = ?`},
		{&w.selEntity, `SELECT rid, data, tokens FROM entities WHERE id = ?`},
		{&w.updEntity, `UPDATE entities SET kind = ?, data = ?, tokens = ? WHERE rid = ?`},
		{&w.insIdent, `INSERT OR IGNORE INTO entity_identifiers (identifier, rid) VALUES (?, ?)`},
		{&w.delIdent, `DELETE FROM entity_identifiers WHERE identifier = ? AND rid = ?`},
	} {
		st, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", p.sql, err)
		}
		*p.stmt = st
	}
	return w, nil
}

// canonical resolves an alias to the id it was merged into.
func (w *entityWriter) canonical(ctx context.Context, id string) (string, error) {
	if !w.hasAliases {
		return id, nil
	}
	var c string
	switch err := w.selAlias.QueryRowContext(ctx, id).Scan(&c); {
	case errors.Is(err, sql.ErrNoRows):
		return id, nil
	case err != nil:
		return "", err
	}
	return c, nil
}

// storedEntity is an entity as stored: its row id, fields and the index
// tokens it was written with (nil: none yet).
type storedEntity struct {
	rid    int64
	e      model.Entity
	tokens []string
}

// load reads an entity by (canonical) id; found is false when it is absent.
func (w *entityWriter) load(ctx context.Context, id string) (st storedEntity, found bool, err error) {
	var data []byte
	var tokens any
	switch err := w.selEntity.QueryRowContext(ctx, id).Scan(&st.rid, &data, &tokens); {
	case errors.Is(err, sql.ErrNoRows):
		return st, false, nil
	case err != nil:
		return st, false, err
	}
	if err := codec.DecodeEntity(data, &st.e); err != nil {
		return st, false, fmt.Errorf("entity %q: stored data: %w", id, err)
	}
	st.tokens = storedTokens(tokens)
	return st, true, nil
}

// update rewrites the stored entity old as e, and its name index when its
// names changed (or it had none).
func (w *entityWriter) update(ctx context.Context, old *storedEntity, e *model.Entity) error {
	rid := old.rid
	tokens := old.tokens
	if tokens == nil || !sameNames(&old.e, e) {
		if err := w.names.remove(ctx, rid, old.tokens); err != nil {
			return err
		}
		ix := nameIndexOf(e)
		if err := w.names.add(ctx, rid, ix); err != nil {
			return err
		}
		tokens = ix.tokens
	}
	data := codec.EncodeEntity(e)
	if _, err := w.updEntity.ExecContext(ctx, string(e.Kind), data, strings.Join(tokens, " "), rid); err != nil {
		return err
	}
	var added []string
	for _, id := range e.Identifiers {
		if _, found := slices.BinarySearch(old.e.Identifiers, id); !found {
			added = append(added, id)
		}
	}
	// An upsert only adds identifiers; a snapshot's retirement removes some.
	for _, id := range old.e.Identifiers {
		if _, found := slices.BinarySearch(e.Identifiers, id); !found {
			if _, err := w.delIdent.ExecContext(ctx, id, rid); err != nil {
				return err
			}
		}
	}
	return w.addIdentifiers(ctx, rid, added)
}

func (w *entityWriter) addIdentifiers(ctx context.Context, rid int64, identifiers []string) error {
	for _, id := range identifiers {
		if _, err := w.insIdent.ExecContext(ctx, id, rid); err != nil {
			return err
		}
	}
	return nil
}

// newEntity is the stored form of an entity written for the first time.
func newEntity(in *model.Entity, id string) model.Entity {
	out := store.ApplyUpsert(model.Entity{}, in)
	out.ID = id
	if out.Kind == "" {
		out.Kind = model.Unknown
	}
	return out
}

// UpsertEntities implements store.Store in one transaction per batch. The
// batch is handled in chunks: one query fetches the chunk's stored
// entities, merging happens in Go (store.ApplyUpsert for a canonical id,
// store.ApplyAliasUpsert for an alias), and new rows go out in multi-row INSERTs.
func (s *Store) UpsertEntities(ctx context.Context, batch []model.Entity) error {
	_, err := s.UpsertEntitiesCounted(ctx, batch)
	return err
}

var _ store.CountingUpserter = (*Store)(nil)

// UpsertEntitiesCounted implements store.CountingUpserter: UpsertEntities
// saying what it did to each entity, once per chunk of upsertChunk records.
func (s *Store) UpsertEntitiesCounted(ctx context.Context, batch []model.Entity) ([]store.EntityTouch, error) {
	if len(batch) == 0 {
		return nil, ctx.Err()
	}
	var touched []store.EntityTouch
	err := s.write(ctx, "upsert entities", func(tx *sql.Tx) error {
		touched = touched[:0] // a retried transaction starts again
		u, err := newEntityUpserter(ctx, tx)
		if err != nil {
			return err
		}
		for start := 0; start < len(batch); start += upsertChunk {
			if touched, err = u.chunk(ctx, batch[start:min(start+upsertChunk, len(batch))], touched); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return touched, nil
}

// upsertChunk is how many entities share one prefetch query.
const upsertChunk = 512

type entityUpserter struct {
	w        *entityWriter
	maxRID   int64
	prefetch *sql.Stmt
	entities *bulkInsert
	idents   *bulkInsert
}

// pendingEntity is one entity's state while its chunk is merged.
type pendingEntity struct {
	rid int64
	old *storedEntity // stored state; nil for a new entity
	cur model.Entity
}

func newEntityUpserter(ctx context.Context, tx *sql.Tx) (*entityUpserter, error) {
	w, err := prepare(ctx, tx)
	if err != nil {
		return nil, err
	}
	u := &entityUpserter{w: w,
		entities: newBulk(tx, `INSERT INTO entities (rid, id, kind, data, tokens) VALUES `, ``, 5),
		idents:   newBulk(tx, `INSERT OR IGNORE INTO entity_identifiers (identifier, rid) VALUES `, ``, 2),
	}
	// Write transactions take the lock at BEGIN (_txlock=immediate), so no
	// other writer can take the next rowids between this read and the inserts.
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(rid), 0) FROM entities`).Scan(&u.maxRID); err != nil {
		return nil, err
	}
	if u.prefetch, err = tx.PrepareContext(ctx,
		`SELECT rid, id, data, tokens FROM entities WHERE id IN (SELECT value FROM json_each(?))`); err != nil {
		return nil, err
	}
	return u, nil
}

// chunk writes chunk and appends what it did to each entity to touched.
func (u *entityUpserter) chunk(ctx context.Context, chunk []model.Entity, touched []store.EntityTouch) ([]store.EntityTouch, error) {
	canon := make([]string, len(chunk))
	for i := range chunk {
		if chunk[i].ID == "" {
			return touched, fmt.Errorf("entity with name %q has no id", chunk[i].Name)
		}
		c, err := u.w.canonical(ctx, chunk[i].ID)
		if err != nil {
			return touched, fmt.Errorf("entity %q: %w", chunk[i].ID, err)
		}
		canon[i] = c
	}
	pending, err := u.load(ctx, canon)
	if err != nil {
		return touched, err
	}
	var order []*pendingEntity
	for i := range chunk {
		in := &chunk[i]
		p := pending[canon[i]]
		if p == nil { // new, first seen in this chunk
			u.maxRID++
			p = &pendingEntity{rid: u.maxRID, cur: newEntity(in, canon[i])}
			pending[canon[i]] = p
			order = append(order, p)
			continue
		}
		if p.cur.ID == "" { // stored, first seen in this chunk
			p.cur = p.old.e
			order = append(order, p)
		}
		if in.ID != canon[i] {
			p.cur = store.ApplyAliasUpsert(p.cur, in)
		} else {
			p.cur = store.ApplyUpsert(p.cur, in)
		}
	}
	for _, p := range order {
		effect, err := u.save(ctx, p)
		if err != nil {
			return touched, fmt.Errorf("entity %q: %w", p.cur.ID, err)
		}
		touched = append(touched, store.EntityTouch{ID: p.cur.ID, Effect: effect})
	}
	for _, b := range []*bulkInsert{u.entities, u.idents} {
		if err := b.flush(ctx); err != nil {
			return touched, err
		}
	}
	return touched, u.w.names.flush(ctx)
}

// load fetches the stored entities among ids as pending entries whose cur
// is still empty.
func (u *entityUpserter) load(ctx context.Context, ids []string) (map[string]*pendingEntity, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := u.prefetch.QueryContext(ctx, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]*pendingEntity, len(ids))
	for rows.Next() {
		var (
			id     string
			data   []byte
			tokens any
		)
		old := new(storedEntity)
		if err := rows.Scan(&old.rid, &id, &data, &tokens); err != nil {
			return nil, err
		}
		if err := codec.DecodeEntity(data, &old.e); err != nil {
			return nil, fmt.Errorf("entity %q: stored data: %w", id, err)
		}
		old.tokens = storedTokens(tokens)
		out[id] = &pendingEntity{rid: old.rid, old: old}
	}
	return out, rows.Err()
}

// save writes p and says what it did to the entity.
func (u *entityUpserter) save(ctx context.Context, p *pendingEntity) (store.UpsertEffect, error) {
	if p.old == nil {
		data := codec.EncodeEntity(&p.cur)
		ix := nameIndexOf(&p.cur)
		if err := u.entities.add(ctx, p.rid, p.cur.ID, string(p.cur.Kind), data, tokensColumn(ix)); err != nil {
			return 0, err
		}
		for _, id := range p.cur.Identifiers {
			if err := u.idents.add(ctx, id, p.rid); err != nil {
				return 0, err
			}
		}
		return store.Created, u.w.names.add(ctx, p.rid, ix)
	}
	if store.EntitiesEqual(&p.old.e, &p.cur) {
		if p.old.tokens != nil {
			return store.Unchanged, nil // re-ingest: nothing to write
		}
		// The same entity; only its name index is missing (a store from
		// before the index), which the rewrite adds.
		return store.Unchanged, u.w.update(ctx, p.old, &p.cur)
	}
	return store.Changed, u.w.update(ctx, p.old, &p.cur)
}

// EachEntity implements store.Store: one cursor over the id index.
func (s *Store) EachEntity(ctx context.Context, fn func(*model.Entity) error) error {
	return s.EachEntityProjected(ctx, store.ProjectAll, fn)
}

// EachEntityProjected implements store.EntityProjector: the same cursor as
// EachEntity, decoding only the projection's fields (each string decoded
// costs an allocation, and a projection's strings share one).
func (s *Store) EachEntityProjected(ctx context.Context, p store.Projection, fn func(*model.Entity) error) error {
	return s.eachEntity(ctx, `SELECT data FROM entities ORDER BY id`, p, fn)
}

// EachEntityStored is EachEntityProjected in the order the table keeps the
// entities instead of by id: a straight read of the table, where id order
// walks the id index and looks each row up in the table (half the SQLite
// time of the stream). For callers that take entities in any order, such
// as scoring's graph builder.
func (s *Store) EachEntityStored(ctx context.Context, p store.Projection, fn func(*model.Entity) error) error {
	return s.eachEntity(ctx, `SELECT data FROM entities`, p, fn)
}

func (s *Store) eachEntity(ctx context.Context, query string, p store.Projection, fn func(*model.Entity) error) error {
	// One entity for the whole stream: fn copies what it keeps (as with
	// the row's bytes), and an entity per row was an allocation per row.
	var e model.Entity
	return s.stream(ctx, "stream entities", query, nil, func(data []byte) error {
		if err := codec.DecodeEntityFields(data, &e, p); err != nil {
			return fmt.Errorf("stored entity: %w", err)
		}
		return fn(&e)
	})
}

// stream runs query and calls fn with each row's single BLOB column, valid
// until fn returns (fn decodes, that is copies, what it keeps).
func (s *Store) stream(ctx context.Context, what, query string, args []any, fn func([]byte) error) error {
	return s.eachRow(ctx, what, query, args, func(row []driver.Value) error {
		data, err := blobColumn(row[0])
		if err != nil {
			return s.wrap(what, err)
		}
		return fn(data)
	})
}

// resolve returns the canonical id of id (itself when it is no alias).
func (s *Store) resolve(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id string) (string, error) {
	var c string
	switch err := q.QueryRowContext(ctx, `SELECT canonical FROM aliases WHERE alias = ?`, id).Scan(&c); {
	case errors.Is(err, sql.ErrNoRows):
		return id, nil
	case err != nil:
		return "", err
	}
	return c, nil
}

// Entity implements store.Store.
func (s *Store) Entity(ctx context.Context, id string) (model.Entity, error) {
	if err := ctx.Err(); err != nil {
		return model.Entity{}, err
	}
	canon, err := s.resolve(ctx, s.db, id)
	if err != nil {
		return model.Entity{}, s.wrap("entity "+id, err)
	}
	var data []byte
	switch err := s.db.QueryRowContext(ctx, `SELECT data FROM entities WHERE id = ?`, canon).Scan(&data); {
	case errors.Is(err, sql.ErrNoRows):
		return model.Entity{}, fmt.Errorf("entity %q: %w", id, store.ErrNotFound)
	case err != nil:
		return model.Entity{}, s.wrap("entity "+id, err)
	}
	var e model.Entity
	if err := codec.DecodeEntity(data, &e); err != nil {
		return e, s.wrap("entity "+id, err)
	}
	return e, nil
}

// entitiesQuery collects the entities a query returns (one data column).
func (s *Store) entitiesQuery(ctx context.Context, what, query string, args ...any) ([]model.Entity, error) {
	var out []model.Entity
	err := s.stream(ctx, what, query, args, func(data []byte) error {
		var e model.Entity
		if err := codec.DecodeEntity(data, &e); err != nil {
			return s.wrap(what, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// EntitiesByIdentifier implements store.Store (exact, case-sensitive match).
func (s *Store) EntitiesByIdentifier(ctx context.Context, identifier string) ([]model.Entity, error) {
	return s.entitiesQuery(ctx, "entities by identifier", `
		SELECT e.data FROM entity_identifiers i JOIN entities e ON e.rid = i.rid
		WHERE i.identifier = ? ORDER BY e.id`, identifier)
}

// SearchNames implements store.Store over every search form of every name
// (entity_names holds one row per form). Every word of the folded query
// must start a word of one form (so word order does not matter and a
// partly typed last word still matches); an entity with a form equal to
// the folded query ranks first, then by FTS5's bm25 relevance of its best
// form, the shorter form, the id.
func (s *Store) SearchNames(ctx context.Context, text string, limit int) ([]model.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	folded := store.FoldName(text)
	if folded == "" || limit <= 0 {
		return nil, nil
	}
	words := strings.Fields(folded)
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*` // FoldName leaves only letters and digits
	}
	return s.entitiesQuery(ctx, "search names", `
		WITH m AS MATERIALIZED ( -- bm25() cannot be aggregated directly
			SELECT rowid >> `+strconv.Itoa(formBits)+` AS rid, folded, bm25(entity_names) AS score
			FROM entity_names WHERE entity_names MATCH ?2
		), h AS (
			SELECT rid, max(folded = ?1) AS exact, min(score) AS score, min(length(folded)) AS len
			FROM m GROUP BY rid
		)
		SELECT e.data FROM h JOIN entities e ON e.rid = h.rid
		ORDER BY h.exact DESC, h.score, h.len, e.id
		LIMIT ?3`, folded, strings.Join(terms, " "), limit)
}
