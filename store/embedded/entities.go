package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	delName    *sql.Stmt
	insName    *sql.Stmt
}

func prepare(ctx context.Context, tx *sql.Tx) (*entityWriter, error) {
	w := &entityWriter{tx: tx}
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM aliases)`).Scan(&w.hasAliases); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.selAlias, `SELECT canonical FROM aliases WHERE alias = ?`},
		{&w.selEntity, `SELECT rid, data FROM entities WHERE id = ?`},
		{&w.updEntity, `UPDATE entities SET kind = ?, data = ? WHERE rid = ?`},
		{&w.insIdent, `INSERT OR IGNORE INTO entity_identifiers (identifier, rid) VALUES (?, ?)`},
		{&w.delName, `DELETE FROM entity_names WHERE rowid = ?`},
		{&w.insName, `INSERT INTO entity_names (rowid, folded) VALUES (?, ?)`},
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

// load reads an entity by (canonical) id; found is false when it is absent.
func (w *entityWriter) load(ctx context.Context, id string) (rid int64, e model.Entity, found bool, err error) {
	var data []byte
	switch err := w.selEntity.QueryRowContext(ctx, id).Scan(&rid, &data); {
	case errors.Is(err, sql.ErrNoRows):
		return 0, e, false, nil
	case err != nil:
		return 0, e, false, err
	}
	if err := codec.DecodeEntity(data, &e); err != nil {
		return 0, e, false, fmt.Errorf("entity %q: stored data: %w", id, err)
	}
	return rid, e, true, nil
}

// update rewrites an existing entity whose old state was old.
func (w *entityWriter) update(ctx context.Context, rid int64, old, e *model.Entity) error {
	data := codec.EncodeEntity(e)
	if _, err := w.updEntity.ExecContext(ctx, string(e.Kind), data, rid); err != nil {
		return err
	}
	var added []string
	for _, id := range e.Identifiers {
		if _, found := slices.BinarySearch(old.Identifiers, id); !found {
			added = append(added, id)
		}
	}
	if err := w.addIdentifiers(ctx, rid, added); err != nil {
		return err
	}
	if oldFolded, folded := store.FoldName(old.Name), store.FoldName(e.Name); oldFolded != folded {
		if oldFolded != "" {
			if _, err := w.delName.ExecContext(ctx, rid); err != nil {
				return err
			}
		}
		if folded != "" {
			if _, err := w.insName.ExecContext(ctx, rid, folded); err != nil {
				return err
			}
		}
	}
	return nil
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
	if len(batch) == 0 {
		return ctx.Err()
	}
	return s.write(ctx, "upsert entities", func(tx *sql.Tx) error {
		u, err := newEntityUpserter(ctx, tx)
		if err != nil {
			return err
		}
		for start := 0; start < len(batch); start += upsertChunk {
			if err := u.chunk(ctx, batch[start:min(start+upsertChunk, len(batch))]); err != nil {
				return err
			}
		}
		return nil
	})
}

// upsertChunk is how many entities share one prefetch query.
const upsertChunk = 512

type entityUpserter struct {
	w        *entityWriter
	maxRID   int64
	prefetch *sql.Stmt
	entities *bulkInsert
	idents   *bulkInsert
	names    *bulkInsert
}

// pendingEntity is one entity's state while its chunk is merged.
type pendingEntity struct {
	rid int64
	old *model.Entity // stored state; nil for a new entity
	cur model.Entity
}

func newEntityUpserter(ctx context.Context, tx *sql.Tx) (*entityUpserter, error) {
	w, err := prepare(ctx, tx)
	if err != nil {
		return nil, err
	}
	u := &entityUpserter{w: w,
		entities: newBulk(tx, `INSERT INTO entities (rid, id, kind, data) VALUES `, ``, 4),
		idents:   newBulk(tx, `INSERT OR IGNORE INTO entity_identifiers (identifier, rid) VALUES `, ``, 2),
		names:    newBulk(tx, `INSERT INTO entity_names (rowid, folded) VALUES `, ``, 2),
	}
	// Write transactions take the lock at BEGIN (_txlock=immediate), so no
	// other writer can take the next rowids between this read and the inserts.
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(rid), 0) FROM entities`).Scan(&u.maxRID); err != nil {
		return nil, err
	}
	if u.prefetch, err = tx.PrepareContext(ctx,
		`SELECT rid, id, data FROM entities WHERE id IN (SELECT value FROM json_each(?))`); err != nil {
		return nil, err
	}
	return u, nil
}

func (u *entityUpserter) chunk(ctx context.Context, chunk []model.Entity) error {
	canon := make([]string, len(chunk))
	for i := range chunk {
		if chunk[i].ID == "" {
			return fmt.Errorf("entity with name %q has no id", chunk[i].Name)
		}
		c, err := u.w.canonical(ctx, chunk[i].ID)
		if err != nil {
			return fmt.Errorf("entity %q: %w", chunk[i].ID, err)
		}
		canon[i] = c
	}
	pending, err := u.load(ctx, canon)
	if err != nil {
		return err
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
			p.cur = *p.old
			order = append(order, p)
		}
		if in.ID != canon[i] {
			p.cur = store.ApplyAliasUpsert(p.cur, in)
		} else {
			p.cur = store.ApplyUpsert(p.cur, in)
		}
	}
	for _, p := range order {
		if err := u.save(ctx, p); err != nil {
			return fmt.Errorf("entity %q: %w", p.cur.ID, err)
		}
	}
	for _, b := range []*bulkInsert{u.entities, u.idents, u.names} {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return nil
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
			rid  int64
			id   string
			data []byte
		)
		if err := rows.Scan(&rid, &id, &data); err != nil {
			return nil, err
		}
		old := new(model.Entity)
		if err := codec.DecodeEntity(data, old); err != nil {
			return nil, fmt.Errorf("entity %q: stored data: %w", id, err)
		}
		out[id] = &pendingEntity{rid: rid, old: old}
	}
	return out, rows.Err()
}

func (u *entityUpserter) save(ctx context.Context, p *pendingEntity) error {
	if p.old == nil {
		data := codec.EncodeEntity(&p.cur)
		if err := u.entities.add(ctx, p.rid, p.cur.ID, string(p.cur.Kind), data); err != nil {
			return err
		}
		for _, id := range p.cur.Identifiers {
			if err := u.idents.add(ctx, id, p.rid); err != nil {
				return err
			}
		}
		if folded := store.FoldName(p.cur.Name); folded != "" {
			return u.names.add(ctx, p.rid, folded)
		}
		return nil
	}
	if store.EntitiesEqual(p.old, &p.cur) {
		return nil // re-ingest: nothing to write
	}
	return u.w.update(ctx, p.rid, p.old, &p.cur)
}

// EachEntity implements store.Store: one cursor over the id index.
func (s *Store) EachEntity(ctx context.Context, fn func(*model.Entity) error) error {
	return s.EachEntityProjected(ctx, store.ProjectAll, fn)
}

var _ store.EntityProjector = (*Store)(nil)

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

// SearchNames implements store.Store. Every word of the folded query must
// start a word of the folded name (so word order does not matter and a
// partly typed last word still matches); the exact folded name ranks first,
// then FTS5's bm25 relevance.
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
		SELECT e.data FROM entity_names n JOIN entities e ON e.rid = n.rowid
		WHERE entity_names MATCH ?
		ORDER BY n.folded = ? DESC, bm25(entity_names), length(n.folded), e.id
		LIMIT ?`, strings.Join(terms, " "), folded, limit)
}
