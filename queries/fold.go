package queries

import (
	"strings"

	"github.com/ubo-project/ubo/store"
)

// luceneSpecial are the characters Lucene's query parser treats as syntax.
const luceneSpecial = `+-&|!(){}[]^"~*?:\/`

// escapeLucene backslash-escapes Lucene syntax characters in a term.
func escapeLucene(term string) string {
	var b strings.Builder
	for _, r := range term {
		if strings.ContainsRune(luceneSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nameQuery builds the full-text query for a user's text: every word is
// required (in any order) on search_forms, as a whole word or the start of
// one (a Han run or a joined pinyin reading is one long word); words of
// five letters or more also match with one typo, an exact word scoring
// higher. "" when the text has no words.
func nameQuery(text string) string {
	words := strings.Fields(store.FoldName(text))
	if len(words) == 0 {
		return ""
	}
	parts := make([]string, len(words))
	for i, w := range words {
		e := escapeLucene(w)
		if len([]rune(w)) >= 5 {
			parts[i] = "+search_forms:(" + e + "^2 OR " + e + "* OR " + e + "~1)"
		} else {
			parts[i] = "+search_forms:(" + e + "^2 OR " + e + "*)"
		}
	}
	return strings.Join(parts, " ")
}
