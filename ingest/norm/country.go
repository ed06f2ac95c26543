// Package norm normalises the dirty values sources give: countries (codes,
// names, free text, demonyms) to ISO 3166-1 alpha-2, and identifiers (LEI,
// USCC, UK company numbers) to "SCHEME:value".
package norm

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// Country returns the ISO 3166-1 alpha-2 code for s: an alpha-2, alpha-3
// or numeric code, an ISO 3166-2 subdivision ("CN-44" → "CN"), an English
// country name, common free text ("People's Republic of China", "Hong Kong
// SAR", "England") or a demonym ("Chinese", "British"). Matching ignores
// case, accents and punctuation. ok is false when s names no country.
func Country(s string) (iso2 string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	countryOnce.Do(buildCountryTable)
	key := countryKey(s)
	if key == "" {
		return "", false
	}
	if c, ok := countryByKey[key]; ok {
		return c, true
	}
	// ISO 3166-2 subdivision: two letters, a dash, 1-3 alphanumerics.
	if len(s) >= 4 && len(s) <= 6 && s[2] == '-' {
		if c, ok := countryCode(s[:2]); ok && isAlnum(s[3:]) {
			return c, true
		}
	}
	if len(s) <= 3 && isAlnum(s) {
		return countryCode(s)
	}
	// "The Netherlands", "Republic of Korea" and similar wrappers.
	for _, prefix := range []string{"the "} {
		if rest, found := strings.CutPrefix(key, prefix); found {
			if c, ok := countryByKey[rest]; ok {
				return c, true
			}
		}
	}
	return "", false
}

// countryCode maps an alpha-2, alpha-3 or numeric code to alpha-2.
func countryCode(s string) (string, bool) {
	r, err := language.ParseRegion(s)
	if err != nil {
		return "", false
	}
	c := r.Canonicalize().String()
	if m, ok := regionRemap[c]; ok {
		c = m
	}
	if !isoCountries[c] {
		return "", false
	}
	return c, true
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

// countryKey folds case, accents and punctuation: "Côte d’Ivoire" →
// "cote divoire", "Korea, Republic of" → "korea republic of", "&" → "and".
func countryKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// accent marks vanish
		case r == '\'' || r == '’' || r == '‘' || r == '`' || r == '.':
			// "People's" → "peoples", "U.S." → "us"
		case r == '&':
			if b.Len() > 0 && !space {
				b.WriteByte(' ')
			}
			b.WriteString("and ")
			space = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if b.Len() > 0 && !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

var (
	countryOnce  sync.Once
	countryByKey map[string]string // folded name/alias/demonym → alpha-2
	isoCountries map[string]bool   // current ISO 3166-1 alpha-2 codes (plus XK)
)

// regionRemap folds CLDR's exceptionally reserved codes (not ISO 3166-1
// countries) into the country they belong to.
var regionRemap = map[string]string{
	"AC": "SH", "TA": "SH", "DG": "IO", "CP": "FR", "IC": "ES", "EA": "ES",
}

func buildCountryTable() {
	isoCountries = map[string]bool{}
	countryByKey = map[string]string{}
	names := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code || r.Canonicalize() != r || r.ISO3() == "ZZZ" {
				continue
			}
			name := names.Name(r)
			if name == "" {
				continue
			}
			if target, remapped := regionRemap[code]; remapped {
				// "Ascension Island" → SH, but AC is no ISO country.
				countryByKey[countryKey(name)] = target
				continue
			}
			isoCountries[code] = true
			countryByKey[countryKey(name)] = code
			// CLDR writes "Myanmar (Burma)", "Congo - Kinshasa": also
			// index the part before the bracket or dash.
			if i := strings.IndexAny(name, "(-"); i > 0 {
				if k := countryKey(name[:i]); k != "" {
					if _, taken := countryByKey[k]; !taken {
						countryByKey[k] = code
					}
				}
			}
		}
	}
	// Aliases win over CLDR names: they are the curated table.
	for code, list := range countryAliases {
		for _, v := range list {
			countryByKey[countryKey(v)] = code
		}
	}
}
