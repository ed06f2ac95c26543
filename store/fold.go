package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// FoldName is the search form of a name, stored as name_folded by every
// store: lower case, accents stripped (NFD, combining marks removed, then
// NFC so Hangul syllables stay composed), every run of punctuation, symbols
// and spaces one space. "Huawei Technologies Co., Ltd." and
// "HUAWEÏ  technologies co ltd" fold alike. Both stores fold with this one
// function so they find the same names.
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
