package queries

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/names"
	"github.com/ubo-project/ubo/store"
)

// SearchNames implements store.Store with the entity_search full-text index
// over the search forms of every name. Candidates are re-ranked: an entity
// with a search form equal to the folded text first, then by Lucene score,
// then by shorter name and id for a stable order.
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
	words := strings.Fields(folded)
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
		if !wordsInOneForm(&e, words) {
			continue // the words matched across two names
		}
		score, _ := r.Values[1].(float64)
		hits = append(hits, hit{e: e, exact: hasSearchForm(&e, folded), score: score})
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
	return firstEntities(hits, limit, func(h hit) model.Entity { return h.e }), nil
}

// hasSearchForm reports whether one of e's names has the search form f.
func hasSearchForm(e *model.Entity, f string) bool {
	for _, n := range entityNames(e) {
		if slices.Contains(names.SearchForms(n), f) {
			return true
		}
	}
	return false
}

// wordsInOneForm reports whether one search form of one of e's names holds
// every word, as nameQuery matches them (a word or the start of one, a
// long word with one typo). The index holds all of an entity's forms in one field, so without this check
// words taken from two different names would match.
func wordsInOneForm(e *model.Entity, words []string) bool {
	for _, n := range entityNames(e) {
		for _, f := range names.SearchForms(n) {
			if formHasWords(strings.Fields(f), words) {
				return true
			}
		}
	}
	return false
}

// formHasWords reports whether every word is in form: as a word or the
// start of one, or, for a word of five letters or more, with one typo as
// Lucene's "~1" allows (one edit, or two neighbours swapped, which swapped
// checks since Levenshtein counts it as two).
func formHasWords(form, words []string) bool {
	for _, w := range words {
		found := false
		for _, v := range form {
			if strings.HasPrefix(v, w) || (len([]rune(w)) >= 5 && (levenshtein.ComputeDistance(v, w) <= 1 || swapped(v, w))) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// swapped reports whether a and b differ only by two neighbouring letters
// exchanged.
func swapped(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) != len(y) {
		return false
	}
	i := 0
	for i < len(x) && x[i] == y[i] {
		i++
	}
	return i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && string(x[i+2:]) == string(y[i+2:])
}
