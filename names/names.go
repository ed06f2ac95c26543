// Package names turns entity and customer names into the forms that search
// and matching compare: folded text, legal forms reduced to one token
// class, Han script read as pinyin, and the tokens a store indexes to find
// candidates. Both stores and the matcher use these functions, so an
// entity indexed by one is found by the same query on the other.
package names

//go:generate go run ./internal/genlegalforms -src internal/genlegalforms/elf-code-list-2023-09-28.csv.gz -out legalforms.tsv
//go:generate go run ./internal/gensyllables -out syllables.txt

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold is the plain search form of a name: Unicode NFKC (full-width
// letters and digits become ASCII), lower case, accents stripped, every
// run of punctuation, symbols and spaces one space, and a space between Han
// script and other letters ("华为Technologies" → "华为 technologies").
// "Huawei Technologies Co., Ltd." and "ＨＵＡＷＥÏ  technologies co ltd" fold
// alike; Han script and Hangul syllables stay as they are.
func Fold(name string) string {
	if name == "" {
		return ""
	}
	if ascii, ok := foldASCII(name); ok {
		return ascii
	}
	return foldGeneral(name)
}

// foldGeneral is Fold of any name, rune by rune.
func foldGeneral(name string) string {
	stripped := name
	if needsNormalising(name) { // the chain allocates per call
		s, _, err := transform.String(
			transform.Chain(norm.NFKC, norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), name)
		if err == nil {
			stripped = s
		}
	}
	var b strings.Builder
	b.Grow(len(stripped))
	space, lastHan := false, false
	for _, r := range stripped {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			han := isHan(r)
			if b.Len() > 0 && (space || han != lastHan) {
				b.WriteByte(' ')
			}
			space, lastHan = false, han
			b.WriteRune(foldRune(r))
		default:
			space = true
		}
	}
	return b.String()
}

// foldASCII is Fold of an ASCII name, byte by byte (most names are);
// ok is false when name is not ASCII.
func foldASCII(name string) (folded string, ok bool) {
	buf := make([]byte, 0, len(name))
	space := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			if space && len(buf) > 0 {
				buf = append(buf, ' ')
			}
			space = false
			buf = append(buf, c)
		default:
			space = true
		}
	}
	return string(buf), true
}

// needsNormalising reports whether s has a rune that Fold's Unicode
// normalisation may change: ASCII and the CJK Unified Ideographs (and
// extension A) have no decomposition, compatibility mapping or mark.
func needsNormalising(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && !(r >= 0x4E00 && r <= 0x9FFF) && !(r >= 0x3400 && r <= 0x4DBF) {
			return true
		}
	}
	return false
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

// SearchForms are the folded forms under which a name is found by `ubo
// search`: the folded name first; for a name with Han script also its
// pinyin reading, one word per syllable ("深圳示例控股有限公司" → "shen zhen
// shi li kong gu you xian gong si"), and the reading with each Han run's
// syllables joined ("shenzhenshilikongguyouxiangongsi"), which is how
// people usually type pinyin. Empty names give none.
func SearchForms(name string) []string {
	f := Fold(name)
	if f == "" {
		return nil
	}
	if !hasHan(f) {
		return []string{f}
	}
	var spaced, joined []string
	for _, w := range strings.Fields(f) {
		if !isHanWord(w) {
			spaced = append(spaced, w)
			joined = append(joined, w)
			continue
		}
		syl := readHan(w)
		spaced = append(spaced, syl...)
		joined = append(joined, strings.Join(syl, ""))
	}
	return []string{f, strings.Join(spaced, " "), strings.Join(joined, " ")}
}

// IndexTokens are the tokens a store indexes for an entity with the given
// names (its name and aliases), sorted and unique. Each name gives its
// words with legal forms removed ("Ltd" would match every company); a Han
// run also gives its pinyin syllables joined in pairs ("深圳华信" →
// "shenzhen", "zhenhua", "huaxin"), which is how pinyin names are usually
// split into words; and a name read wholly as pinyin gives its joined
// reading ("shenzhenhuaxin"), shared by the Han and the pinyin spelling.
func IndexTokens(allNames []string) []string {
	var out []string
	for _, n := range allNames {
		a := Analyze(n)
		out = append(out, a.Words...)
		for _, w := range a.Words {
			if isHanWord(w) {
				out = append(out, pairs(readHan(w))...)
			}
		}
		if a.Reading != "" {
			out = append(out, a.Reading)
		}
	}
	out = nonEmpty(out)
	sort.Strings(out)
	return compact(out)
}

// QueryTokens are the tokens to look a customer name up by in the index,
// most selective first: the joined pinyin reading, the words with legal
// forms removed (longest first), then syllable pairs of Han runs and of
// words that read as pinyin written without spaces ("ShenzhenHuaxin" →
// "shenzhen", "zhenhua", "huaxin"), so that every spelling of a Chinese
// name reaches the tokens IndexTokens gave its Han or pinyin form.
func QueryTokens(name string) []string {
	a := Analyze(name)
	var out []string
	if a.Reading != "" {
		out = append(out, a.Reading)
	}
	words := append([]string(nil), a.Words...)
	sort.SliceStable(words, func(i, j int) bool {
		return utf8.RuneCountInString(words[i]) > utf8.RuneCountInString(words[j])
	})
	out = append(out, words...)
	for _, w := range a.Words {
		if isHanWord(w) {
			out = append(out, pairs(readHan(w))...)
		} else if syl := splitSyllables(w); len(syl) > 2 {
			out = append(out, pairs(syl)...)
		}
	}
	out = nonEmpty(out)
	seen := make(map[string]bool, len(out))
	uniq := out[:0]
	for _, t := range out {
		if !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	return uniq
}

// pairs joins each two neighbouring syllables.
func pairs(syl []string) []string {
	if len(syl) < 2 {
		return syl
	}
	out := make([]string, 0, len(syl)-1)
	for i := 0; i+1 < len(syl); i++ {
		out = append(out, syl[i]+syl[i+1])
	}
	return out
}

func nonEmpty(s []string) []string {
	out := s[:0]
	for _, t := range s {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

func compact(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	j := 0
	for i, v := range s {
		if i == 0 || v != s[j-1] {
			s[j] = v
			j++
		}
	}
	return s[:j]
}
