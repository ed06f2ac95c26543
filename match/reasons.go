package match

import (
	"fmt"
	"strings"
)

// Reason codes. The codes are stable (they reach exports and the HTTP
// API); String renders them for people.
const (
	CodeIdentifierEqual     = "identifier_equal"
	CodeIdentifierInvalid   = "identifier_invalid"
	CodeIdentifierNotFound  = "identifier_not_found"
	CodeIdentifierAmbiguous = "identifier_ambiguous"
	CodeNameSimilarity      = "name_similarity"
	CodeLegalFormAgree      = "legal_form_agree"
	CodeLegalFormConflict   = "legal_form_conflict"
	CodeCountryAgree        = "country_agree"
	CodeCountryConflict     = "country_conflict"
	CodeTie                 = "tie"
)

// String renders a reason in words: "LEI equal", "name 0.96 after legal
// form", "country CN = CN". This is the one place reasons become text.
func (r Reason) String() string {
	switch r.Code {
	case CodeIdentifierEqual:
		return schemeName(r.Detail) + " equal"
	case CodeIdentifierInvalid:
		return "identifier " + r.Detail + " is not valid (format or check digits); not used"
	case CodeIdentifierNotFound:
		return schemeName(r.Detail) + " " + value(r.Detail) + " not in the graph"
	case CodeIdentifierAmbiguous:
		return fmt.Sprintf("identifiers name %d different entities", int(r.Value))
	case CodeNameSimilarity:
		return fmt.Sprintf("name %.2f %s", r.Value, r.Detail)
	case CodeLegalFormAgree:
		return "legal form " + r.Detail
	case CodeLegalFormConflict:
		return fmt.Sprintf("legal form %s (%.2f)", r.Detail, r.Value)
	case CodeCountryAgree:
		return "country " + r.Detail
	case CodeCountryConflict:
		return fmt.Sprintf("country %s (%.2f)", r.Detail, r.Value)
	case CodeTie:
		return fmt.Sprintf("tie with %s (%.2f apart)", r.Detail, r.Value)
	}
	if r.Detail != "" {
		return r.Code + " " + r.Detail
	}
	return r.Code
}

// Strings renders reasons in order.
func Strings(rs []Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

// schemeName is the name people use for an identifier's scheme.
func schemeName(identifier string) string {
	scheme, _, _ := strings.Cut(identifier, ":")
	switch scheme {
	case "XI-LEI":
		return "LEI"
	case "CN-USCC":
		return "USCC"
	case "GB-COH":
		return "company number (GB)"
	case "REG":
		parts := strings.SplitN(identifier, ":", 3)
		if len(parts) == 3 {
			return "registration number (" + parts[1] + ")"
		}
		return "registration number"
	}
	return scheme
}

func value(identifier string) string {
	i := strings.LastIndexByte(identifier, ':')
	return identifier[i+1:]
}
