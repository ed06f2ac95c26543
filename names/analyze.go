package names

import "strings"

// Analysis is a name taken apart for matching.
type Analysis struct {
	Folded string   // Fold(name)
	Words  []string // folded words with legal forms removed; Han runs are one word
	// LegalForms are the legal-form spellings removed ("co", "ltd",
	// "有限公司"); LegalCodes the ISO 20275 ELF codes they stand for,
	// sorted, each once, empty when none was removed or only neutral ones
	// ("co", "company"); read-only, as names share them.
	LegalForms []string
	LegalCodes []string
	// Reading is the name read as pinyin with no spaces when every word is
	// Han script or a Latin word that spells pinyin syllables
	// ("深圳华信" and "Shenzhen Huaxin" both read "shenzhenhuaxin"); empty
	// otherwise.
	Reading string
}

// Analyze folds a name, removes its legal forms and reads it as pinyin.
func Analyze(name string) Analysis { return analyze(name, true) }

// AnalyzeUnread is Analyze without the pinyin reading (Reading stays
// empty), for comparing with a name that has none: a reading is only
// compared with another, and finding one costs a third of the analysis.
func AnalyzeUnread(name string) Analysis { return analyze(name, false) }

func analyze(name string, read bool) Analysis {
	a := Analysis{Folded: Fold(name)}
	if a.Folded == "" {
		return a
	}
	a.Words, a.LegalForms, a.LegalCodes = stripLegalForms(strings.Fields(a.Folded))
	a.Words = dropFillers(a.Words)
	if !read {
		return a
	}
	var reading strings.Builder
	for _, w := range a.Words {
		if isHanWord(w) {
			reading.WriteString(strings.Join(readHan(w), ""))
			continue
		}
		if !isPinyin(w) {
			reading.Reset()
			return a
		}
		reading.WriteString(w)
	}
	a.Reading = reading.String()
	return a
}

// Core is the name without its legal forms, words separated by spaces.
func (a Analysis) Core() string { return strings.Join(a.Words, " ") }

// fillers are words that name no company: a leading article, and the
// conjunction that "&" spells ("Johnson & Johnson", "Johnson and
// Johnson"; Fold already drops "&").
var fillers = map[string]bool{"and": true, "und": true, "et": true}

// dropFillers removes a leading "the" and every conjunction, keeping at
// least one word.
func dropFillers(words []string) []string {
	out := words[:0:0]
	for i, w := range words {
		if (i == 0 && w == "the") || fillers[w] {
			continue
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		return words
	}
	return out
}
