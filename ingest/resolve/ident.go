package resolve

import (
	"strings"

	"github.com/ubo-project/ubo/ingest/norm"
)

// RegistryIdentifier is the identifier of a company registered under number
// in the country iso2 (ISO 3166-1 alpha-2), built the same way whichever
// source gives it (GLEIF's registration-authority entity id, a PSC
// corporate owner's identification): a valid Chinese unified social credit
// code becomes CN-USCC:<code>, anything else norm.RegistryIdentifier's
// REG:<ISO2>:<NUMBER>. UK Companies House numbers are not special-cased
// here: only the caller knows whether a GB number is a Companies House one
// (see GBCompanyNumber). It returns "" when either part is empty.
func RegistryIdentifier(iso2, number string) string {
	iso2 = strings.ToUpper(strings.TrimSpace(iso2))
	n := norm.RegistryNumber(number)
	if len(iso2) != 2 || n == "" {
		return ""
	}
	if iso2 == "CN" && norm.ValidUSCC(n) {
		return norm.SchemeUSCC + ":" + n
	}
	return norm.RegistryIdentifier(iso2, n)
}

// GBCompanyNumber normalises a Companies House number to its 8 characters
// ("1234567" → "01234567", "sc 123456" → "SC123456") and returns "" when
// the result is not shaped like one (8 digits, or two letters and six
// digits; all zeros is a placeholder).
func GBCompanyNumber(number string) string {
	n := norm.RegistryNumber(number)
	if n == "" || len(n) > 8 {
		return ""
	}
	n = norm.CompanyNumberGB(n)
	if len(n) != 8 {
		return ""
	}
	if allDigits(n) {
		if strings.Trim(n, "0") == "" {
			return ""
		}
		return n
	}
	if isUpperLetter(n[0]) && isUpperLetter(n[1]) && allDigits(n[2:]) {
		return n
	}
	return ""
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpperLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
