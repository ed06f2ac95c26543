package icij

import (
	"strings"
	"time"

	"github.com/ubo-project/ubo/ingest/norm"
)

// icijCodes are the jurisdiction codes ICIJ uses that are not ISO 3166
// codes (the `jurisdiction` column of entities: "BVI", "PMA", "SAM"...).
// "XXX" and "XX" mean unknown.
var icijCodes = map[string]string{
	"BVI": "VG", "PMA": "PA", "BAH": "BS", "SEY": "SC", "NIUE": "NU", "SAM": "WS", "ANG": "AI",
	"CAYMN": "KY", "CAY": "KY", "MALTA": "MT", "UK": "GB", "NEV": "KN", "LABUA": "MY", "MAURI": "MU",
	"COOK": "CK", "WYO": "US", "USDE": "US", "DEL": "US", "NEVDA": "US", "LIBER": "LR", "DUBAI": "AE",
	"RAK": "AE", "MARSH": "MH", "VANU": "VU", "STLU": "LC", "GIB": "GI", "BRB": "BB", "JSY": "JE",
	"GGY": "GG", "IOM": "IM", "HK": "HK", "SGP": "SG", "CYP": "CY", "BLZ": "BZ", "NZL": "NZ",
	"URU": "UY", "CRI": "CR", "BERMU": "BM", "BM": "BM", "LUX": "LU", "NL": "NL", "KNA": "KN",
	"USA": "US", "CHN": "CN", "HKG": "HK", "MAC": "MO", "TWN": "TW",
}

// Country normalises an ICIJ country or jurisdiction code ("HKG", "BVI",
// "XXX") or name to ISO 3166-1 alpha-2.
func Country(s string) (string, bool) {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "", "XXX", "XX", "UNKNOWN", "N/A":
		return "", false
	}
	if c, ok := icijCodes[strings.ToUpper(s)]; ok {
		return c, true
	}
	return norm.Country(s)
}

// countryList normalises ICIJ's ';'-separated country_codes, falling back
// to the countries names.
func countryList(codes, names string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(list string) {
		for _, c := range strings.Split(list, ";") {
			if iso, ok := Country(c); ok && !seen[iso] {
				seen[iso] = true
				out = append(out, iso)
			}
		}
	}
	add(codes)
	if len(out) == 0 {
		add(names)
	}
	return out
}

var dateLayouts = []string{
	"02-Jan-2006", "2-Jan-2006", "Jan 2, 2006", "January 2, 2006", "2006-01-02",
	"02/01/2006", "2/1/2006", "02.01.2006", "02-01-2006", "2006/01/02",
}

// Date reads ICIJ dates ("23-MAR-2006", "Mar 23, 2006", "2006-03-23",
// "23/03/2006", "23.03.2006", day before month) into YYYY-MM-DD; "" when the
// text is not a full date.
func Date(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if len(s) > 10 && s[4] == '-' && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	// Go month names are case-sensitive: "MAR" → "Mar".
	t := strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
	for _, f := range []string{s, t, titleMonth(s)} {
		for _, layout := range dateLayouts {
			if d, err := time.Parse(layout, f); err == nil && d.Year() > 1000 {
				return d.Format("2006-01-02")
			}
		}
	}
	return ""
}

// titleMonth turns "23-MAR-2006" into "23-Mar-2006".
func titleMonth(s string) string {
	b := []byte(strings.ToLower(s))
	for i := 0; i < len(b); i++ {
		if b[i] >= 'a' && b[i] <= 'z' && (i == 0 || b[i-1] < 'a' || b[i-1] > 'z') {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}
