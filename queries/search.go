package queries

import (
	"context"
	"sort"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// SearchNames implements store.Store with the entity_names full-text index.
// Candidates are re-ranked: a name equal to the text (after folding) first,
// then by Lucene score, then by shorter name and id for a stable order.
func (s *Store) SearchNames(ctx context.Context, text string, limit int) ([]model.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, "search names", err)
	}
	q := nameQuery(text)
	if q == "" || limit <= 0 {
		return nil, nil
	}
	candidates := max(4*limit, 50)
	recs, err := s.query(ctx, "search names", qSearchNames, map[string]any{"query": q, "limit": candidates})
	if err != nil {
		return nil, err
	}
	folded := store.FoldName(text)
	type hit struct {
		e     model.Entity
		exact bool
		score float64
	}
	hits := make([]hit, 0, len(recs))
	for _, r := range recs {
		e, err := decodeEntity(r.Values[0])
		if err != nil {
			return nil, err
		}
		score, _ := r.Values[2].(float64)
		hits = append(hits, hit{e: e, exact: str(r.Values[1]) == folded, score: score})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.exact != b.exact {
			return a.exact
		}
		if a.score != b.score {
			return a.score > b.score
		}
		if len(a.e.Name) != len(b.e.Name) {
			return len(a.e.Name) < len(b.e.Name)
		}
		return a.e.ID < b.e.ID
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]model.Entity, len(hits))
	for i, h := range hits {
		out[i] = h.e
	}
	return out, nil
}
