package queries

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// candidateSlack is how many more hits than asked for NameCandidates reads,
// so that entities tied on score at the limit are cut by id rather than by
// Lucene's document order.
const candidateSlack = 8

// maxCandidateTokens bounds the query below Lucene's clause limit (1,024).
const maxCandidateTokens = 512

// commonTokenEntities is the number of entities above which a token is
// common: a candidate must carry a rarer token of the query, and the
// common one only adds to its score (as the embedded store's
// candidatePostings). Lucene then reads the postings of the rare tokens
// only, instead of, for "Kestrel Jennexka Logistics", every entity with
// "logistics" in its name.
const commonTokenEntities = 300

// NameCandidates implements store.Store with the entity_name_tokens
// full-text index: Lucene ranks the entities carrying the query's rare
// tokens (all its tokens when none is rare) by BM25 over all its tokens
// and returns its top hits only. Ties are broken by id. When the rare
// tokens are in so few entities that all of them are returned, their
// order leaves the common tokens out (see tokenQuery).
func (s *Store) NameCandidates(ctx context.Context, tokens []string, limit int) ([]model.Entity, error) {
	found, err := s.NameCandidatesEach(ctx, [][]string{tokens}, limit)
	if err != nil {
		return nil, err
	}
	return found[0], nil
}

// NameCandidatesEach implements the matcher's batch source
// (match.BatchCandidates): NameCandidates of each query in two round trips
// (the frequencies of tokens not seen before, then the candidates), so a
// batch of customers costs the server its index lookups only.
func (s *Store) NameCandidatesEach(ctx context.Context, queries [][]string, limit int) ([][]model.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, "name candidates", err)
	}
	out := make([][]model.Entity, len(queries))
	if limit <= 0 {
		return out, nil
	}
	usable := make([][]string, len(queries))
	for i, q := range queries {
		usable[i] = usableTokens(q)
	}
	df, err := s.tokenFrequencies(ctx, usable)
	if err != nil {
		return nil, err
	}
	// Queries without a usable token are not sent (Lucene rejects an empty
	// query); sent[k] is the index in queries of the k-th sent.
	var lucene []string
	var sent []int
	for i, q := range usable {
		if lq := tokenQuery(q, df, limit); lq != "" {
			lucene = append(lucene, lq)
			sent = append(sent, i)
		}
	}
	if len(lucene) == 0 {
		return out, nil
	}
	recs, err := s.query(ctx, fmt.Sprintf("name candidates of %d queries", len(lucene)), qNameCandidatesEach,
		map[string]any{"queries": lucene, "hits": limit + candidateSlack, "limit": limit})
	if err != nil {
		return nil, err
	}
	hits := make([][]candidateHit, len(lucene))
	for _, r := range recs {
		k, _ := r.Values[0].(int64)
		if k < 0 || int(k) >= len(lucene) {
			return nil, fmt.Errorf("neo4j: name candidates: answer for query %d of %d", k, len(lucene))
		}
		h, err := decodeCandidateHit(r.Values[1], r.Values[2])
		if err != nil {
			return nil, err
		}
		hits[k] = append(hits[k], h)
	}
	for k, i := range sent {
		out[i] = rankCandidates(hits[k], limit)
	}
	return out, nil
}

// usableTokens is tokens sorted, each once, without empty or blank ones
// (one Lucene term each), at most maxCandidateTokens.
func usableTokens(tokens []string) []string {
	var out []string
	for _, t := range model.SortedUnique(tokens) {
		if t = strings.TrimSpace(t); t != "" && !strings.ContainsAny(t, " \t\n") {
			out = append(out, t)
		}
	}
	if len(out) > maxCandidateTokens {
		out = out[:maxCandidateTokens]
	}
	return out
}

// tokenQuery is the Lucene query for usable tokens on name_tokens, for an
// answer of up to hits entities (the limit NameCandidates returns). With rare and common tokens (df, capped
// at commonTokenEntities+1), the rare ones are required as a group and
// the common ones only add to the score; when the rare tokens are in no
// more than hits entities altogether, every one of them is in the answer
// and the common ones are left out (they would only reorder it, and cost
// Lucene half its work). Without a rare token that some entity carries
// (all common, or a typo), any token finds. A token unknown to df counts
// as rare (it was written after df was counted). "" when there are none.
func tokenQuery(tokens []string, df map[string]int, hits int) string {
	var rare, common []string
	inRare, found := 0, false
	for _, t := range tokens {
		term := "name_tokens:" + escapeLucene(t)
		n, counted := df[t]
		switch {
		case counted && n > commonTokenEntities:
			common = append(common, term)
		case !counted:
			rare = append(rare, term)
			found, inRare = true, hits+1 // not known to be few
		default:
			rare = append(rare, term)
			found, inRare = found || n > 0, inRare+n
		}
	}
	switch {
	case len(common) == 0 || !found:
		return strings.Join(append(rare, common...), " ")
	case inRare <= hits:
		return strings.Join(rare, " ")
	}
	return "+(" + strings.Join(rare, " ") + ") " + strings.Join(common, " ")
}

// tokenFrequencies returns the number of entities carrying each token of
// queries (up to commonTokenEntities+1), counting those not counted since
// the store's last write in one query.
func (s *Store) tokenFrequencies(ctx context.Context, queries [][]string) (map[string]int, error) {
	df := map[string]int{}
	var rows []map[string]any
	s.tokens.mu.Lock()
	for _, q := range queries {
		for _, t := range q {
			if _, seen := df[t]; seen {
				continue
			}
			if n, ok := s.tokens.df[t]; ok {
				df[t] = n
				continue
			}
			df[t] = -1 // asked below
			rows = append(rows, map[string]any{"token": t, "query": "name_tokens:" + escapeLucene(t)})
		}
	}
	gen := s.tokens.gen
	s.tokens.mu.Unlock()
	if len(rows) == 0 {
		return df, nil
	}
	recs, err := s.query(ctx, fmt.Sprintf("frequencies of %d name tokens", len(rows)), qTokenFrequencies,
		map[string]any{"rows": rows, "limit": commonTokenEntities + 1})
	if err != nil {
		return nil, err
	}
	counted := make(map[string]int, len(recs))
	for _, r := range recs {
		t, _ := r.Values[0].(string)
		n, _ := r.Values[1].(int64)
		counted[t] = int(n)
	}
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	keep := s.tokens.gen == gen // no write since: the counts are current
	if keep && len(s.tokens.df)+len(counted) > maxCountedTokens {
		s.tokens.df = nil
	}
	for _, row := range rows {
		t := row["token"].(string)
		n := counted[t]
		df[t] = n
		if keep {
			if s.tokens.df == nil {
				s.tokens.df = map[string]int{}
			}
			s.tokens.df[t] = n
		}
	}
	return df, nil
}

// maxCountedTokens bounds the tokens a store keeps counts of (a few tens of
// MB); past it the counts start again.
const maxCountedTokens = 1 << 20

// tokenFrequencies are the counts of name tokens a store has made since its
// last write; a count only decides which tokens a candidate query requires,
// so one made stale by another process's writes costs time, not answers.
type tokenFrequencies struct {
	mu  sync.Mutex
	df  map[string]int
	gen int // writes so far
}

// forget drops the counts: the store wrote (names may have changed).
func (f *tokenFrequencies) forget() {
	f.mu.Lock()
	f.df = nil
	f.gen++
	f.mu.Unlock()
}

// EntitiesByIdentifiers implements the matcher's batch source: EntitiesByIdentifier
// of each identifier in one round trip.
func (s *Store) EntitiesByIdentifiers(ctx context.Context, identifiers []string) (map[string][]model.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string][]model.Entity, len(identifiers))
	if len(identifiers) == 0 {
		return out, nil
	}
	recs, err := s.query(ctx, fmt.Sprintf("entities by %d identifiers", len(identifiers)), qEntitiesByIdentifiers,
		map[string]any{"identifiers": identifiers})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		e, err := decodeEntity(r.Values[1])
		if err != nil {
			return nil, err
		}
		out[id] = append(out[id], e)
	}
	return out, nil
}

// candidateHit is one entity the full-text index offered, with its score.
type candidateHit struct {
	e     model.Entity
	score float64
}

func decodeCandidateHit(entity, score any) (candidateHit, error) {
	e, err := decodeEntityRow(entity, store.ProjectAll)
	if err != nil {
		return candidateHit{}, err
	}
	f, _ := score.(float64)
	return candidateHit{e: e, score: f}, nil
}

// rankCandidates is the first limit entities of hits, best score first,
// ties by id (Lucene's own order among equal scores is its document
// order, which differs between stores of the same data).
func rankCandidates(hits []candidateHit, limit int) []model.Entity {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].e.ID < hits[j].e.ID
	})
	return firstEntities(hits, limit, func(h candidateHit) model.Entity { return h.e })
}

// firstEntities is the entities of the first limit ranked hits.
func firstEntities[H any](hits []H, limit int, entity func(H) model.Entity) []model.Entity {
	hits = hits[:min(limit, len(hits))]
	out := make([]model.Entity, len(hits))
	for i, h := range hits {
		out[i] = entity(h)
	}
	return out
}
