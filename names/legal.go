package names

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// legalFormsText is derived from GLEIF's ISO 20275 Entity Legal Forms code
// list (CC0): every active form's abbreviations, local and transliterated,
// with the ELF codes each stands for. See internal/genlegalforms.
//
//go:embed legalforms.tsv
var legalFormsText string

// A legalForm is one spelling of a legal form. Codes are the ELF codes the
// spelling stands for; none means it only says "a company" ("Co.").
type legalForm struct {
	codes  []string
	prefix bool // may be written before the name ("AB Volvo")
}

var (
	legalOnce sync.Once
	// latinForms is keyed by the folded spelling with spaces removed
	// ("coltd", "sarl"), hanForms by the Han spelling ("有限公司").
	latinForms   map[string]legalForm
	hanForms     map[string]legalForm
	maxFormWords = 5
	maxHanForm   int
)

// extraForms are legal forms in common use that the ELF list lacks (it has
// no Japanese entries), each with a class of its own.
var extraForms = [][2]string{
	{"株式会社", "JP-KK"}, {"有限会社", "JP-YK"}, {"合同会社", "JP-GK"},
	{"kabushiki kaisha", "JP-KK"}, {"kk", "JP-KK"}, {"godo kaisha", "JP-GK"},
	{"有限責任公司", "254M,EPG7,S2E3,Y45C"},
}

func loadLegalForms() {
	latinForms, hanForms = map[string]legalForm{}, map[string]legalForm{}
	add := func(phrase string, f legalForm) {
		// Sorted and each once, so that a name with one legal form can
		// share them (see stripLegalForms).
		slices.Sort(f.codes)
		f.codes = slices.Compact(f.codes)
		folded := Fold(phrase)
		if folded == "" {
			return
		}
		if hasHan(folded) {
			k := strings.ReplaceAll(folded, " ", "")
			hanForms[k] = f
			maxHanForm = max(maxHanForm, utf8.RuneCountInString(k))
			// The pinyin of a Han legal form is a legal form too
			// ("youxian gongsi").
			latinForms[strings.Join(readHan(k), "")] = f
			return
		}
		latinForms[strings.ReplaceAll(folded, " ", "")] = f
	}
	for _, l := range strings.Split(legalFormsText, "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		cols := strings.Split(l, "\t")
		if len(cols) < 2 {
			continue
		}
		f := legalForm{prefix: len(cols) > 2 && cols[2] == "p"}
		if cols[1] != "" {
			f.codes = strings.Split(cols[1], ",")
		}
		add(cols[0], f)
	}
	for _, e := range extraForms {
		add(e[0], legalForm{codes: strings.Split(e[1], ",")})
	}
}

// stripLegalForms removes legal forms from the end of a folded word list
// (and, for forms written first, from its start), repeatedly ("co ltd" is
// "ltd" then "co"), never removing the last word of the name. It returns
// the remaining words, the removed spellings and the union of their codes.
func stripLegalForms(words []string) (core, removed, codes []string) {
	legalOnce.Do(loadLegalForms)
	core = append([]string(nil), words...)
	var keyBuf [128]byte // lookup keys: legal-form words run together
	var prefixes []string
	var taken [][]string // the codes of each form taken
	take := func(spelling string, f legalForm) {
		removed = append(removed, spelling)
		if len(f.codes) > 0 {
			taken = append(taken, f.codes)
		}
	}
	for changed := true; changed; {
		changed = false
		// Han legal forms end the last word: "深圳示例控股有限公司".
		if n := len(core); n > 0 && isHanWord(core[n-1]) {
			w := core[n-1]
			// starts[l-1] is where the word's last l runes begin.
			var startsBuf [32]int
			starts := startsBuf[:0]
			for end := len(w); end > 0 && len(starts) < maxHanForm; {
				_, size := utf8.DecodeLastRuneInString(w[:end])
				end -= size
				starts = append(starts, end)
			}
			for l := len(starts); l >= 2; l-- {
				from := starts[l-1]
				suffix := w[from:]
				if f, ok := hanForms[suffix]; ok {
					if from == 0 && n == 1 {
						break // the whole name
					}
					take(suffix, f)
					if from == 0 {
						core = core[:n-1]
					} else {
						core[n-1] = w[:from]
					}
					changed = true
					break
				}
			}
			if changed {
				continue
			}
		}
		// The last words run together: each suffix of it is a key
		// ("co", "ltd" → "coltd", "ltd"), looked up without allocating.
		last := max(min(maxFormWords, len(core)-1), 0)
		joined := keyBuf[:0]
		for _, w := range core[len(core)-last:] {
			joined = append(joined, w...)
		}
		from := len(joined)
		for l := 1; l <= last; l++ {
			from -= len(core[len(core)-l])
		}
		for l := last; l >= 1; l-- {
			if l < last {
				from += len(core[len(core)-l-1])
			}
			if f, ok := latinForms[string(joined[from:])]; ok {
				take(strings.Join(core[len(core)-l:], " "), f)
				core = core[:len(core)-l]
				changed = true
				break
			}
		}
	}
	first := min(maxFormWords, len(core)-1)
	joined := keyBuf[:0]
	ends := make([]int, 0, maxFormWords+1)
	for _, w := range core[:max(first, 0)] {
		joined = append(joined, w...)
		ends = append(ends, len(joined))
	}
	for l := first; l >= 1; l-- {
		if f, ok := latinForms[string(joined[:ends[l-1]])]; ok && f.prefix {
			take(strings.Join(core[:l], " "), f)
			prefixes = removed[len(removed)-1:]
			removed = removed[:len(removed)-1]
			core = core[l:]
			break
		}
	}
	// Suffixes were taken from the end: put them back in reading order.
	slices.Reverse(removed)
	removed = append(prefixes, removed...)
	switch len(taken) {
	case 0:
	case 1:
		// Most names have one legal form: its codes, shared (read-only).
		codes = taken[0]
	default:
		for _, c := range taken {
			codes = append(codes, c...)
		}
		slices.Sort(codes)
		codes = slices.Compact(codes)
	}
	return core, removed, codes
}
