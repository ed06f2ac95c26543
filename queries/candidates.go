package queries

import (
	"context"
	"sort"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// candidateSlack is how many more hits than asked for NameCandidates reads,
// so that entities tied on score at the limit are cut by id rather than by
// Lucene's document order.
const candidateSlack = 8

// maxCandidateTokens bounds the query below Lucene's clause limit (1,024).
const maxCandidateTokens = 512

// NameCandidates implements store.Store with the entity_name_tokens
// full-text index: Lucene ranks the entities matching any token by BM25
// and returns its top hits only, so a token shared by very many entities
// never makes the query read them all. Ties are broken by id.
func (s *Store) NameCandidates(ctx context.Context, tokens []string, limit int) ([]model.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, "name candidates", err)
	}
	q := tokenQuery(tokens)
	if q == "" || limit <= 0 {
		return nil, nil
	}
	recs, err := s.query(ctx, "name candidates", qNameCandidates,
		map[string]any{"query": q, "limit": limit + candidateSlack})
	if err != nil {
		return nil, err
	}
	type hit struct {
		e     model.Entity
		score float64
	}
	hits := make([]hit, 0, len(recs))
	for _, r := range recs {
		e, err := decodeEntity(r.Values[0])
		if err != nil {
			return nil, err
		}
		score, _ := r.Values[1].(float64)
		hits = append(hits, hit{e: e, score: score})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].e.ID < hits[j].e.ID
	})
	return firstEntities(hits, limit, func(h hit) model.Entity { return h.e }), nil
}

// tokenQuery is the Lucene query matching any of tokens on name_tokens,
// each escaped as one term; "" when there are none.
func tokenQuery(tokens []string) string {
	tokens = model.SortedUnique(tokens)
	if len(tokens) > maxCandidateTokens {
		tokens = tokens[:maxCandidateTokens]
	}
	parts := make([]string, 0, len(tokens))
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" && !strings.ContainsAny(t, " \t\n") {
			parts = append(parts, "name_tokens:"+escapeLucene(t))
		}
	}
	return strings.Join(parts, " ")
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
