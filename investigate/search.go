package investigate

import (
	"slices"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// RankNames orders name-search candidates the same way whichever store
// found them (SQLite FTS5 and Lucene score differently): a folded name
// equal to the folded text first, then names starting with it, then names
// with all the text's words in order, then fewer extra words, then the
// shorter name, then id. Every name of an entity counts (its name and its
// aliases, in any script): the best one ranks it. fold is the stores' name
// folding (lower case, accents and punctuation removed).
func RankNames(text string, es []model.Entity, fold func(string) string) []model.Entity {
	q := fold(text)
	qWords := strings.Fields(q)
	type ranked struct {
		e     model.Entity
		class int // 0 equal, 1 prefix, 2 words in order, 3 other
		extra int // words in the name beyond the text's
	}
	rs := make([]ranked, len(es))
	for i, e := range es {
		r := ranked{e: e, class: 4}
		for _, name := range append([]string{e.Name}, e.Aliases...) {
			n := fold(name)
			words := strings.Fields(n)
			c := ranked{e: e, class: 3, extra: max(len(words)-len(qWords), 0)}
			switch {
			case n == q:
				c.class = 0
			case strings.HasPrefix(n, q+" "):
				c.class = 1
			case inOrder(words, qWords):
				c.class = 2
			}
			if c.class < r.class || (c.class == r.class && c.extra < r.extra) {
				r = c
			}
		}
		rs[i] = r
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		switch {
		case a.class != b.class:
			return a.class - b.class
		case a.extra != b.extra:
			return a.extra - b.extra
		case len(a.e.Name) != len(b.e.Name):
			return len(a.e.Name) - len(b.e.Name)
		}
		return strings.Compare(a.e.ID, b.e.ID)
	})
	out := make([]model.Entity, len(rs))
	for i, r := range rs {
		out[i] = r.e
	}
	return out
}

// inOrder reports whether every word of want appears in words, in order
// (a word may be a prefix: "tech" matches "technologies").
func inOrder(words, want []string) bool {
	i := 0
	for _, w := range words {
		if i < len(want) && strings.HasPrefix(w, want[i]) {
			i++
		}
	}
	return i == len(want)
}
