package norm

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Identifier schemes (org-id.guide codes) the ingesters produce.
const (
	SchemeLEI  = "XI-LEI"
	SchemeCOH  = "GB-COH"
	SchemeUSCC = "CN-USCC"
	// SchemeREG is for registries without an org-id.guide scheme:
	// "REG:<ISO2>:<number>".
	SchemeREG = "REG"
)

// ValidLEI reports whether s is a well-formed ISO 17442 LEI: 20 upper-case
// alphanumerics whose ISO 7064 mod 97-10 checksum is 1.
func ValidLEI(s string) bool {
	if len(s) != 20 {
		return false
	}
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z' && i < 18:
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false // lower case, punctuation, or letters in the check digits
		}
	}
	return rem == 1
}

// usccAlphabet is the GB 32100-2015 character set in value order; the
// letters I, O, S, V and Z are never used.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1..17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the check character (position 18) for the first
// 17 characters of a Unified Social Credit Code; ok is false when body is
// not 17 characters of the USCC alphabet.
func USCCCheckChar(body string) (byte, bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, body[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31], true
}

// ValidUSCC reports whether s is an 18-character PRC Unified Social Credit
// Code (GB 32100-2015) with a correct check character. Positions 3-8 must
// be digits (the administrative division code).
func ValidUSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	c, ok := USCCCheckChar(s[:17])
	return ok && c == s[17]
}

// CompanyNumberGB normalises a Companies House company number to its 8
// characters: digits are zero-padded ("123" → "00000123"), and a letter
// prefix is kept with the digits padded after it ("SC123" → "SC000123").
// Spaces are removed and letters upper-cased; other shapes come back
// cleaned but otherwise unchanged.
func CompanyNumberGB(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
	if s == "" || len(s) >= 8 {
		return s
	}
	prefixLen := 0
	for prefixLen < len(s) && s[prefixLen] >= 'A' && s[prefixLen] <= 'Z' {
		prefixLen++
	}
	digits := s[prefixLen:]
	if prefixLen > 2 || digits == "" || !allDigits(digits) {
		return s
	}
	return s[:prefixLen] + strings.Repeat("0", 8-len(s)) + digits
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// RegistryNumber cleans a registration number for comparison across
// sources: upper case, spaces and punctuation removed.
func RegistryNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			return r
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToUpper(r)
		}
		return -1
	}, s)
}

// ErrIdentifier is wrapped by every Identifier error.
var ErrIdentifier = errors.New("invalid identifier")

// schemeAliases maps scheme spellings sources use to the canonical scheme.
var schemeAliases = map[string]string{
	"LEI": SchemeLEI, "XI-LEI": SchemeLEI,
	"GB-COH": SchemeCOH, "COH": SchemeCOH, "GB-CRN": SchemeCOH, "UK-COH": SchemeCOH,
	"CN-USCC": SchemeUSCC, "USCC": SchemeUSCC, "CN-SAIC": SchemeUSCC,
}

// Identifier normalises scheme and value to "SCHEME:value": schemes are
// upper-cased (aliases such as "LEI" → "XI-LEI"); LEIs and USCCs are
// upper-cased and checked; GB company numbers padded to 8; for "REG" the
// value is "<country>:<number>" and becomes "REG:<ISO2>:<NUMBER>"; other
// schemes keep the value trimmed.
func Identifier(scheme, value string) (string, error) {
	scheme = strings.ToUpper(strings.TrimSpace(scheme))
	value = strings.TrimSpace(value)
	if scheme == "" {
		return "", fmt.Errorf("%w: missing scheme in %q", ErrIdentifier, value)
	}
	if value == "" {
		return "", fmt.Errorf("%w: %s: missing value", ErrIdentifier, scheme)
	}
	if c, ok := schemeAliases[scheme]; ok {
		scheme = c
	}
	switch scheme {
	case SchemeLEI:
		v := strings.ToUpper(strings.ReplaceAll(value, " ", ""))
		if !ValidLEI(v) {
			return "", fmt.Errorf("%w: %s:%s: not an ISO 17442 LEI (20 characters, mod 97 check)", ErrIdentifier, scheme, value)
		}
		return scheme + ":" + v, nil
	case SchemeUSCC:
		v := strings.ToUpper(strings.ReplaceAll(value, " ", ""))
		if !ValidUSCC(v) {
			return "", fmt.Errorf("%w: %s:%s: not a GB 32100-2015 code (18 characters, check character)", ErrIdentifier, scheme, value)
		}
		return scheme + ":" + v, nil
	case SchemeCOH:
		v := CompanyNumberGB(value)
		if len(v) != 8 || !isAlnum(v) {
			return "", fmt.Errorf("%w: %s:%s: not a Companies House number", ErrIdentifier, scheme, value)
		}
		return scheme + ":" + v, nil
	case SchemeREG:
		country, number, found := strings.Cut(value, ":")
		if !found {
			return "", fmt.Errorf("%w: REG:%s: want REG:<country>:<number>", ErrIdentifier, value)
		}
		iso, ok := Country(country)
		if !ok {
			return "", fmt.Errorf("%w: REG:%s: unknown country %q", ErrIdentifier, value, country)
		}
		n := RegistryNumber(number)
		if n == "" {
			return "", fmt.Errorf("%w: REG:%s: missing number", ErrIdentifier, value)
		}
		return RegistryIdentifier(iso, n), nil
	}
	return scheme + ":" + value, nil
}

// RegistryIdentifier is "REG:<ISO2>:<number>" for a registry without an
// org-id.guide scheme; iso2 must already be normalised, number is cleaned
// with RegistryNumber.
func RegistryIdentifier(iso2, number string) string {
	return SchemeREG + ":" + iso2 + ":" + RegistryNumber(number)
}

// ParseIdentifier normalises one "SCHEME:value" string with Identifier.
func ParseIdentifier(s string) (string, error) {
	scheme, value, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found {
		return "", fmt.Errorf("%w: %q: want SCHEME:value", ErrIdentifier, s)
	}
	return Identifier(scheme, value)
}
