package embedded

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// FoldName is the search form of a name: lower case, accents stripped
// (NFD, combining marks removed), every run of punctuation, symbols and
// spaces turned into one space. "Huawei Technologies Co., Ltd." and
// "HUAWEÏ  technologies co ltd" fold alike.
func FoldName(name string) string {
	if name == "" {
		return ""
	}
	stripped, _, err := transform.String(
		transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), name)
	if err != nil {
		stripped = name // invalid UTF-8 is replaced below, never fatal
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
