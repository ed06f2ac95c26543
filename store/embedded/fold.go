package embedded

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
	if !isASCII(name) {
		name = norm.NFD.String(strings.ToValidUTF8(name, " "))
	}
	var b strings.Builder
	b.Grow(len(name))
	space := false
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent left by NFD: dropped
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
