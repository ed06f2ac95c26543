package queries

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// FoldName is the search form of a name stored as name_folded: lower case,
// accents stripped (NFD, combining marks removed), every run of punctuation,
// symbols and spaces one space. It matches store/embedded's folding so both
// stores find the same names.
func FoldName(name string) string {
	if name == "" {
		return ""
	}
	stripped := name
	if !isASCII(name) { // ASCII has no marks to strip; the chain allocates its buffers per call
		s, _, err := transform.String(
			transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), name)
		if err == nil {
			stripped = s
		}
	}
	var b strings.Builder
	b.Grow(len(stripped))
	space := false
	for _, r := range stripped {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(foldRune(r))
		default:
			space = true
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldRune lower-cases r and maps the letters NFD does not decompose.
func foldRune(r rune) rune {
	switch r {
	case 'ø', 'Ø':
		return 'o'
	case 'đ', 'Đ':
		return 'd'
	case 'ł', 'Ł':
		return 'l'
	case 'ı':
		return 'i'
	}
	return unicode.ToLower(r)
}

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
// required (in any order) on name_folded; words of five letters or more
// also match with one typo, an exact word scoring higher. "" when the text
// has no words.
func nameQuery(text string) string {
	words := strings.Fields(FoldName(text))
	if len(words) == 0 {
		return ""
	}
	parts := make([]string, len(words))
	for i, w := range words {
		e := escapeLucene(w)
		if len([]rune(w)) >= 5 {
			parts[i] = "+name_folded:(" + e + "^2 OR " + e + "~1)"
		} else {
			parts[i] = "+name_folded:" + e
		}
	}
	return strings.Join(parts, " ")
}
