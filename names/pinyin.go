package names

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// syllablesText lists every toneless pinyin syllable (ü written v).
//
//go:embed syllables.txt
var syllablesText string

var (
	syllablesOnce sync.Once
	syllables     map[string]bool
	maxSyllable   int
	pinyinArgs    = pinyin.NewArgs() // Normal style: toneless, ü as v
)

func loadSyllables() {
	syllables = map[string]bool{}
	for _, l := range strings.Split(syllablesText, "\n") {
		// Vowel-less interjections ("m", "ng", "hm") would split any
		// consonant cluster.
		if l == "" || strings.HasPrefix(l, "#") || !strings.ContainsAny(l, "aeiouv") {
			continue
		}
		syllables[l] = true
		maxSyllable = max(maxSyllable, len(l))
	}
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func hasHan(s string) bool {
	for _, r := range s {
		if isHan(r) {
			return true
		}
	}
	return false
}

// isHanWord reports whether a folded word is Han script (Fold separates
// Han runs from other letters, so checking the first rune is enough).
func isHanWord(w string) bool {
	for _, r := range w {
		return isHan(r)
	}
	return false
}

// readHan is the toneless pinyin of a Han word, one syllable per character
// (characters without a reading give none). Heteronyms read as their most
// common reading.
func readHan(w string) []string {
	out := make([]string, 0, utf8.RuneCountInString(w))
	for _, r := range w {
		if py := readRune(r); py != "" {
			out = append(out, py)
		}
	}
	return out
}

// runeReadings caches each Han character's reading (go-pinyin reads one
// character at a time, through a regular expression): at most one entry
// per character of its dictionary.
var (
	runeReadingsMu sync.RWMutex
	runeReadings   = map[rune]string{}
)

// readRune is the toneless pinyin of one character, "" when it has none.
func readRune(r rune) string {
	runeReadingsMu.RLock()
	py, ok := runeReadings[r]
	runeReadingsMu.RUnlock()
	if ok {
		return py
	}
	if s := pinyin.SinglePinyin(r, pinyinArgs); len(s) > 0 {
		py = s[0]
	}
	runeReadingsMu.Lock()
	runeReadings[r] = py
	runeReadingsMu.Unlock()
	return py
}

// splitSyllables splits a Latin word written as pinyin without spaces into
// its syllables ("shenzhenhuaxin" → shen zhen hua xin), preferring the
// fewest syllables; nil when the word is not pinyin.
func splitSyllables(w string) []string { return syllablesOf(w, true) }

// isPinyin reports whether a Latin word is pinyin written without spaces,
// without splitting it (no allocation).
func isPinyin(w string) bool { return syllablesOf(w, false) != nil }

// syllablesOf is splitSyllables, returning an empty non-nil slice for a
// pinyin word when split is false.
func syllablesOf(w string, split bool) []string {
	syllablesOnce.Do(loadSyllables)
	n := len(w)
	if n == 0 || n > 64 {
		return nil
	}
	for i := 0; i < n; i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return nil
		}
	}
	// best[i] is the fewest syllables spelling w[i:], -1 when none does.
	var best, next [65]int
	for i := n - 1; i >= 0; i-- {
		best[i] = -1
		for l := min(maxSyllable, n-i); l >= 1; l-- {
			if syllables[w[i:i+l]] && best[i+l] >= 0 && (best[i] < 0 || best[i+l]+1 < best[i]) {
				best[i], next[i] = best[i+l]+1, i+l
			}
		}
	}
	if best[0] < 0 {
		return nil
	}
	if !split {
		return []string{}
	}
	out := make([]string, 0, best[0])
	for i := 0; i < n; i = next[i] {
		out = append(out, w[i:next[i]])
	}
	return out
}
