package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/names"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// The name index of an entity has two parts, both computed from its name
// and aliases when it is written:
//
//   - entity_names (FTS5), for SearchNames: one row per search form
//     (names.SearchForms of each name), rowid = rid<<formBits | form number,
//     so a query matches the words of one name, not words spread over two.
//   - name_tokens, for NameCandidates: one key (token, len, rid) per index
//     token (names.IndexTokens), len being the entity's token count, so a
//     token's postings come shortest names first; name_token_df keeps each
//     token's document frequency and name_index_stats the entity and token
//     totals (BM25's collection statistics). The entity row keeps its
//     tokens (entities.tokens, space-separated) so that a rewrite removes
//     exactly the keys it added, whatever names.IndexTokens does later.

// formBits is how many low bits of an entity_names rowid number the forms
// of one entity: forms beyond 1<<formBits are not searchable (an entity has
// a handful).
const formBits = 10

// nameIndex is what the name index holds for one entity.
type nameIndex struct {
	forms  []string // search forms, the name's first
	tokens []string // sorted, unique
}

// nameIndexOf computes e's name index.
func nameIndexOf(e *model.Entity) nameIndex {
	all := make([]string, 0, 1+len(e.Aliases))
	if e.Name != "" {
		all = append(all, e.Name)
	}
	all = append(all, e.Aliases...)
	var ix nameIndex
	for _, n := range all {
		for _, f := range names.SearchForms(n) {
			if f != "" && !slices.Contains(ix.forms, f) && len(ix.forms) < 1<<formBits {
				ix.forms = append(ix.forms, f)
			}
		}
	}
	ix.tokens = names.IndexTokens(all)
	return ix
}

// sameNames reports whether a and b have the same names (so the same index).
func sameNames(a, b *model.Entity) bool {
	return a.Name == b.Name && slices.Equal(a.Aliases, b.Aliases)
}

// storedTokens reads an entities.tokens column: nil for NULL (an entity
// written before the name index, which migration fills).
func storedTokens(v any) []string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return nil
	}
	if s == "" {
		return []string{} // indexed, without tokens
	}
	return strings.Fields(s)
}

// nameIndexWriter writes name index rows within one write transaction and
// sums the document-frequency and statistics changes until flush.
type nameIndexWriter struct {
	tx       *sql.Tx
	forms    *bulkInsert
	postings *bulkInsert
	df       map[string]int
	docs     int
	tokens   int
	delForms *sql.Stmt
	delPost  *sql.Stmt
}

func newNameIndexWriter(ctx context.Context, tx *sql.Tx) (*nameIndexWriter, error) {
	w := &nameIndexWriter{tx: tx,
		forms:    newBulk(tx, `INSERT INTO entity_names (rowid, folded) VALUES `, ``, 2),
		postings: newBulk(tx, `INSERT OR IGNORE INTO name_tokens (token, len, rid) VALUES `, ``, 3),
		df:       map[string]int{},
	}
	var err error
	if w.delForms, err = tx.PrepareContext(ctx, `DELETE FROM entity_names WHERE rowid BETWEEN ? AND ?`); err != nil {
		return nil, err
	}
	if w.delPost, err = tx.PrepareContext(ctx, `DELETE FROM name_tokens WHERE token = ? AND len = ? AND rid = ?`); err != nil {
		return nil, err
	}
	return w, nil
}

// add indexes entity rid under ix.
func (w *nameIndexWriter) add(ctx context.Context, rid int64, ix nameIndex) error {
	for i, f := range ix.forms {
		if err := w.forms.add(ctx, rid<<formBits|int64(i), f); err != nil {
			return err
		}
	}
	for _, t := range ix.tokens {
		if err := w.postings.add(ctx, t, len(ix.tokens), rid); err != nil {
			return err
		}
		w.df[t]++
	}
	w.docs++
	w.tokens += len(ix.tokens)
	return nil
}

// remove drops entity rid's index: its forms and the postings of tokens,
// the tokens it was indexed under (nil: none, such as an entity of a file
// not yet migrated).
func (w *nameIndexWriter) remove(ctx context.Context, rid int64, tokens []string) error {
	// Pending inserts may concern rid: write them first.
	if err := w.flushRows(ctx); err != nil {
		return err
	}
	if _, err := w.delForms.ExecContext(ctx, rid<<formBits, rid<<formBits|(1<<formBits-1)); err != nil {
		return err
	}
	if tokens == nil {
		return nil
	}
	for _, t := range tokens {
		if _, err := w.delPost.ExecContext(ctx, t, len(tokens), rid); err != nil {
			return err
		}
		w.df[t]--
	}
	w.docs--
	w.tokens -= len(tokens)
	return nil
}

func (w *nameIndexWriter) flushRows(ctx context.Context) error {
	if err := w.forms.flush(ctx); err != nil {
		return err
	}
	return w.postings.flush(ctx)
}

// flush writes the pending rows and the document frequencies and totals
// summed since the last flush.
func (w *nameIndexWriter) flush(ctx context.Context) error {
	if err := w.flushRows(ctx); err != nil {
		return err
	}
	df := newBulk(w.tx, `INSERT INTO name_token_df (token, df) VALUES `,
		` ON CONFLICT (token) DO UPDATE SET df = df + excluded.df`, 2)
	var gone []string
	for t, d := range w.df {
		if d == 0 {
			continue
		}
		if d < 0 {
			gone = append(gone, t)
		}
		if err := df.add(ctx, t, d); err != nil {
			return err
		}
	}
	if err := df.flush(ctx); err != nil {
		return err
	}
	if len(gone) > 0 {
		list, err := json.Marshal(gone)
		if err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(ctx, `DELETE FROM name_token_df
			WHERE token IN (SELECT value FROM json_each(?)) AND df <= 0`, string(list)); err != nil {
			return err
		}
	}
	clear(w.df)
	if w.docs != 0 || w.tokens != 0 {
		if _, err := w.tx.ExecContext(ctx, `UPDATE name_index_stats SET docs = docs + ?, tokens = tokens + ?`,
			w.docs, w.tokens); err != nil {
			return err
		}
	}
	w.docs, w.tokens = 0, 0
	return nil
}

// tokensColumn is the entities.tokens value of an index.
func tokensColumn(ix nameIndex) string { return strings.Join(ix.tokens, " ") }

// reindexNames rebuilds the whole name index from the stored entities in
// tx: migration of a file written before it (schema version 1), whose
// entity_names rows were keyed by rid alone.
func (s *Store) reindexNames(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`DELETE FROM entity_names`, `DELETE FROM name_tokens`, `DELETE FROM name_token_df`,
		`UPDATE name_index_stats SET docs = 0, tokens = 0`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("reindex names: %w", err)
		}
	}
	w, err := newNameIndexWriter(ctx, tx)
	if err != nil {
		return fmt.Errorf("reindex names: %w", err)
	}
	setTokens, err := tx.PrepareContext(ctx, `UPDATE entities SET tokens = ? WHERE rid = ?`)
	if err != nil {
		return fmt.Errorf("reindex names: %w", err)
	}
	const page = 2000
	type row struct {
		rid  int64
		data []byte
	}
	after := int64(-1 << 62)
	for {
		// A page at a time: the cursor is closed before its rows are updated.
		rows, err := tx.QueryContext(ctx, `SELECT rid, data FROM entities WHERE rid > ? ORDER BY rid LIMIT ?`, after, page)
		if err != nil {
			return fmt.Errorf("reindex names: %w", err)
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.rid, &r.data); err != nil {
				rows.Close()
				return fmt.Errorf("reindex names: %w", err)
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("reindex names: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		for _, r := range batch {
			var e model.Entity
			if err := codec.DecodeEntity(r.data, &e); err != nil {
				return fmt.Errorf("reindex names: %w", err)
			}
			ix := nameIndexOf(&e)
			if err := w.add(ctx, r.rid, ix); err != nil {
				return fmt.Errorf("reindex names: entity %q: %w", e.ID, err)
			}
			if _, err := setTokens.ExecContext(ctx, tokensColumn(ix), r.rid); err != nil {
				return fmt.Errorf("reindex names: entity %q: %w", e.ID, err)
			}
		}
		after = batch[len(batch)-1].rid
		if err := w.flushRows(ctx); err != nil {
			return fmt.Errorf("reindex names: %w", err)
		}
	}
	if err := w.flush(ctx); err != nil {
		return fmt.Errorf("reindex names: %w", err)
	}
	return nil
}

// BM25's parameters, Lucene's defaults (the Neo4j store's full-text index
// ranks with them too).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Bounds of NameCandidates' work. A token in more than candidatePostings
// entities is only looked up among the candidates rarer tokens found, or,
// when it is the rarest given, read for its candidatePostings entities
// with the fewest tokens (the best BM25 scores for that token alone).
const candidatePostings = 300

// tokenStat is a query token with its document frequency.
type tokenStat struct {
	token string
	df    int64
}

// candidate is an entity NameCandidates is ranking.
type candidate struct {
	rid   int64
	len   int64
	score float64
	id    string
}

// NameCandidates implements store.Store over name_tokens: the tokens are
// taken rarest first, each read in full (its postings) until the best
// limit entities found so far score more than any entity could with only
// the tokens left (the MaxScore bound), and the tokens left are then scored
// from those entities' rows, read once for the answer anyway (not at all
// when they are no more than limit: all are returned); a token in
// more than candidatePostings entities is never read in full (see
// candidatePostings).
func (s *Store) NameCandidates(ctx context.Context, tokens []string, limit int) ([]model.Entity, error) {
	const what = "name candidates"
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tokens = model.SortedUnique(tokens)
	if len(tokens) == 0 || limit <= 0 {
		return nil, nil
	}
	list, err := json.Marshal(tokens)
	if err != nil {
		return nil, err
	}
	var docs, total int64
	var stats []tokenStat
	err = s.eachPrepared(ctx, what, `
		SELECT NULL, docs, tokens FROM name_index_stats
		UNION ALL
		SELECT token, df, 0 FROM name_token_df WHERE token IN (SELECT value FROM json_each(?))`,
		[]any{string(list)}, func(row []driver.Value) error {
			n, _ := row[1].(int64)
			if row[0] == nil {
				docs, total = n, row[2].(int64)
				return nil
			}
			t, err := textColumn(row[0])
			if err != nil {
				return err
			}
			if n > 0 {
				stats = append(stats, tokenStat{token: t, df: n})
			}
			return nil
		})
	if err != nil || len(stats) == 0 {
		return nil, err
	}
	slices.SortFunc(stats, func(a, b tokenStat) int {
		if a.df != b.df {
			return int(a.df - b.df)
		}
		return strings.Compare(a.token, b.token)
	})
	sc := newBM25(docs, total)
	// bound[i] is the most any entity can score from tokens i and later.
	bound := make([]float64, len(stats)+1)
	for i := len(stats) - 1; i >= 0; i-- {
		bound[i] = bound[i+1] + sc.weight(stats[i].df, 1)
	}
	found := map[int64]*candidate{}
	read := 0
	for i, st := range stats {
		if i > 0 && (st.df > candidatePostings || (len(found) >= limit && kthScore(found, limit) > bound[i])) {
			break
		}
		err := s.eachPrepared(ctx, what, `SELECT len, rid FROM name_tokens WHERE token = ? ORDER BY len, rid LIMIT ?`,
			[]any{st.token, candidatePostings}, func(row []driver.Value) error {
				n, _ := row[0].(int64)
				rid, _ := row[1].(int64)
				c := found[rid]
				if c == nil {
					c = &candidate{rid: rid, len: n}
					found[rid] = c
				}
				c.score += sc.weight(st.df, n)
				return nil
			})
		if err != nil {
			return nil, err
		}
		read = i + 1
	}
	rest := stats[read:]
	if len(found) <= limit {
		// With no more candidates than the limit, every one of them is the
		// answer, and the tokens left would only reorder it: they are not
		// scored (most of a screening's lookups otherwise).
		rest = nil
	} else {
		// A candidate that cannot reach the limit-th score found so far
		// even with every remaining token (if any) is out already (scores
		// only grow): reading only the others keeps the rows read near
		// limit.
		kth := kthScore(found, limit)
		for rid, c := range found {
			if c.score+bound[read] < kth {
				delete(found, rid)
			}
		}
	}
	return s.bestCandidates(ctx, found, rest, sc, limit)
}

// kthScore is the limit-th best score among found (len(found) >= limit).
func kthScore(found map[int64]*candidate, limit int) float64 {
	scores := make([]float64, 0, len(found))
	for _, c := range found {
		scores = append(scores, c.score)
	}
	slices.Sort(scores)
	return scores[len(scores)-limit]
}

// bestCandidates reads the rows of found once: their tokens column adds
// the tokens of rest each candidate has (far cheaper than looking each up
// in name_tokens), and the limit best are decoded, ties by id.
func (s *Store) bestCandidates(ctx context.Context, found map[int64]*candidate, rest []tokenStat, sc bm25, limit int) ([]model.Entity, error) {
	const what = "name candidates"
	rids := make([]int64, 0, len(found))
	for rid := range found {
		rids = append(rids, rid)
	}
	list, err := json.Marshal(rids)
	if err != nil {
		return nil, err
	}
	restDF := make(map[string]int64, len(rest))
	for _, st := range rest {
		restDF[st.token] = st.df
	}
	data := make(map[int64][]byte, len(found))
	err = s.eachPrepared(ctx, what, `SELECT rid, tokens, data FROM entities WHERE rid IN (SELECT value FROM json_each(?))`,
		[]any{string(list)}, func(row []driver.Value) error {
			rid, _ := row[0].(int64)
			c := found[rid]
			if c == nil {
				return nil
			}
			if len(restDF) > 0 {
				tokens, err := textColumn(row[1])
				if err != nil {
					return err
				}
				for t := range strings.SplitSeq(tokens, " ") {
					if df, ok := restDF[t]; ok {
						c.score += sc.weight(df, c.len)
					}
				}
			}
			b, err := blobColumn(row[2])
			data[rid] = b
			return err
		})
	if err != nil {
		return nil, err
	}
	all := make([]*candidate, 0, len(data))
	for rid := range data {
		all = append(all, found[rid])
	}
	slices.SortFunc(all, func(a, b *candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return int(a.rid - b.rid)
	})
	if len(all) > limit {
		cut := all[limit-1].score
		end := limit
		for end < len(all) && all[end].score == cut {
			end++
		}
		if end > limit { // a tie at the cut: order the tied ones by id
			start := limit - 1
			for start > 0 && all[start-1].score == cut {
				start--
			}
			tied := all[start:end]
			for _, c := range tied {
				var e model.Entity
				if err := codec.DecodeEntityFields(data[c.rid], &e, store.ProjectSummary); err != nil {
					return nil, s.wrap(what, err)
				}
				c.id = e.ID
			}
			slices.SortFunc(tied, func(a, b *candidate) int { return strings.Compare(a.id, b.id) })
		}
		all = all[:limit]
	}
	out := make([]model.Entity, len(all))
	for i, c := range all {
		if err := codec.DecodeEntity(data[c.rid], &out[i]); err != nil {
			return nil, s.wrap(what, err)
		}
	}
	// Equal scores sort by id (all is by rid within a score).
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		if all[i].score != all[j].score {
			if all[i].score > all[j].score {
				return -1
			}
			return 1
		}
		return strings.Compare(out[i].ID, out[j].ID)
	})
	sorted := make([]model.Entity, len(out))
	for i, k := range order {
		sorted[i] = out[k]
	}
	return sorted, nil
}

// bm25 weighs a token of document frequency df in an entity of n tokens.
type bm25 struct {
	docs   float64
	avgLen float64
}

func newBM25(docs, tokens int64) bm25 {
	b := bm25{docs: float64(max(docs, 1)), avgLen: 1}
	if docs > 0 && tokens > 0 {
		b.avgLen = float64(tokens) / float64(docs)
	}
	return b
}

func (b bm25) weight(df, n int64) float64 {
	idf := logIDF(b.docs, float64(df))
	return idf * (bm25K1 + 1) / (1 + bm25K1*(1-bm25B+bm25B*float64(n)/b.avgLen))
}

// logIDF is BM25's inverse document frequency (Lucene's, never negative).
func logIDF(docs, df float64) float64 {
	return math.Log(1 + (docs-df+0.5)/(df+0.5))
}
