package norm

import (
	"errors"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

func TestCountry(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" = not a country
	}{
		// ISO codes
		{"CN", "CN"}, {"cn", "CN"}, {" CHN ", "CN"}, {"156", "CN"}, {"HK", "HK"}, {"HKG", "HK"},
		{"344", "HK"}, {"MO", "MO"}, {"MAC", "MO"}, {"GB", "GB"}, {"GBR", "GB"}, {"826", "GB"},
		{"UK", "GB"}, {"US", "US"}, {"usa", "US"}, {"840", "US"}, {"DEU", "DE"}, {"276", "DE"},
		{"XK", "XK"}, {"TW", "TW"}, {"KY", "KY"}, {"VGB", "VG"},
		// ISO 3166-2 subdivisions
		{"CN-44", "CN"}, {"CN-GD", "CN"}, {"US-DE", "US"}, {"GB-ENG", "GB"}, {"GB-SCT", "GB"},
		{"HK-HCW", "HK"}, {"DE-BY", "DE"},
		// English names and free text
		{"China", "CN"}, {"CHINA", "CN"}, {"People's Republic of China", "CN"}, {"Peoples Republic of China", "CN"},
		{"PRC", "CN"}, {"P.R.C.", "CN"}, {"China (mainland)", "CN"}, {"Mainland China", "CN"},
		{"China, People's Republic of", "CN"},
		{"Hong Kong", "HK"}, {"Hong Kong SAR", "HK"}, {"Hong Kong, China", "HK"}, {"Hong Kong SAR China", "HK"},
		{"HONG KONG S.A.R.", "HK"}, {"Macao", "MO"}, {"Macau", "MO"}, {"Macau SAR", "MO"}, {"Macao SAR China", "MO"},
		{"Taiwan, Province of China", "TW"}, {"Taiwan", "TW"},
		{"United Kingdom", "GB"}, {"Great Britain", "GB"}, {"England", "GB"}, {"Wales", "GB"}, {"Scotland", "GB"},
		{"Northern Ireland", "GB"}, {"England and Wales", "GB"}, {"England & Wales", "GB"},
		{"United States of America", "US"}, {"United States", "US"}, {"U.S.A.", "US"},
		{"Cayman Islands", "KY"}, {"BVI", "VG"}, {"British Virgin Islands", "VG"}, {"Virgin Islands, British", "VG"},
		{"Korea, Republic of", "KR"}, {"South Korea", "KR"}, {"Korea, Democratic People's Republic of", "KP"},
		{"Russian Federation", "RU"}, {"Germany", "DE"}, {"The Netherlands", "NL"}, {"Netherlands", "NL"},
		{"Côte d’Ivoire", "CI"}, {"Cote d'Ivoire", "CI"}, {"Curaçao", "CW"}, {"St. Kitts & Nevis", "KN"},
		{"Bosnia & Herzegovina", "BA"}, {"Türkiye", "TR"}, {"Turkey", "TR"}, {"Viet Nam", "VN"},
		{"Myanmar (Burma)", "MM"}, {"Congo - Kinshasa", "CD"}, {"Congo", "CG"}, {"Isle of Man", "IM"},
		{"Jersey", "JE"}, {"Singapore", "SG"}, {"Luxembourg", "LU"}, {"Iran, Islamic Republic of", "IR"},
		{"Ascension Island", "SH"},
		// demonyms
		{"Chinese", "CN"}, {"chinese", "CN"}, {"Hong Konger", "HK"}, {"Macanese", "MO"}, {"British", "GB"},
		{"English", "GB"}, {"Scottish", "GB"}, {"Welsh", "GB"}, {"American", "US"}, {"Caymanian", "KY"},
		{"Singaporean", "SG"}, {"Taiwanese", "TW"}, {"Russian", "RU"}, {"German", "DE"}, {"French", "FR"},
		{"Irish", "IE"}, {"Indian", "IN"}, {"Japanese", "JP"}, {"Korean", "KR"}, {"South Korean", "KR"},
		{"Dutch", "NL"}, {"Swiss", "CH"}, {"Italian", "IT"}, {"Spanish", "ES"}, {"Canadian", "CA"},
		{"Australian", "AU"}, {"Malaysian", "MY"}, {"Vietnamese", "VN"}, {"Filipino", "PH"}, {"Emirati", "AE"},
		{"Saudi", "SA"}, {"Brazilian", "BR"}, {"Mexican", "MX"}, {"Polish", "PL"}, {"Turkish", "TR"},
		{"Israeli", "IL"}, {"Pakistani", "PK"}, {"Thai", "TH"}, {"Indonesian", "ID"}, {"Nigerian", "NG"},
		{"South African", "ZA"}, {"New Zealander", "NZ"}, {"Luxembourger", "LU"}, {"Belgian", "BE"},
		{"Austrian", "AT"}, {"Swedish", "SE"}, {"Norwegian", "NO"}, {"Danish", "DK"}, {"Finnish", "FI"},
		{"Greek", "GR"}, {"Portuguese", "PT"}, {"Cypriot", "CY"}, {"Maltese", "MT"}, {"Kazakh", "KZ"},
		{"Mongolian", "MN"}, {"Bermudian", "BM"}, {"Bahamian", "BS"}, {"Panamanian", "PA"}, {"Ukrainian", "UA"},
		// not countries
		{"", ""}, {"   ", ""}, {"XX", ""}, {"ZZ", ""}, {"EU", ""}, {"001", ""}, {"UN", ""}, {"QO", ""},
		{"Atlantis", ""}, {"Martian", ""}, {"CN-", ""}, {"XX-44", ""}, {"Europe", ""}, {"---", ""},
		{"AN", ""}, {"YU", ""},
	}
	for _, tt := range tests {
		got, ok := Country(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Country(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	if len(tests) < 50 {
		t.Fatalf("table has %d rows", len(tests))
	}
}

// Every ISO country's English CLDR name and its alpha-3 code map back to it.
func TestCountryAllRegions(t *testing.T) {
	countryOnce.Do(buildCountryTable)
	if n := len(isoCountries); n != 250 { // 249 ISO 3166-1 + XK
		t.Errorf("%d countries, want 250", n)
	}
	for code := range isoCountries {
		r := language.MustParseRegion(code)
		name := display.English.Regions().Name(r)
		if got, ok := Country(name); !ok || got != code {
			t.Errorf("Country(%q) = %q, %v; want %s", name, got, ok, code)
		}
		if got, ok := Country(r.ISO3()); !ok || got != code {
			t.Errorf("Country(%q) = %q, %v; want %s", r.ISO3(), got, ok, code)
		}
	}
}

// An alias listed under two countries would resolve by map order: forbid it.
func TestCountryAliasesUnambiguous(t *testing.T) {
	owner := map[string]string{}
	for code, list := range countryAliases {
		if !isoCountries[code] {
			t.Errorf("alias table key %s is not a country", code)
		}
		for _, a := range list {
			k := countryKey(a)
			if prev, dup := owner[k]; dup && prev != code {
				t.Errorf("alias %q listed for %s and %s", a, prev, code)
			}
			owner[k] = code
			if got, _ := Country(a); got != code {
				t.Errorf("Country(%q) = %q, want %s", a, got, code)
			}
		}
	}
}

func TestValidLEI(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"5299000EXAMPLEUS0194", true},
		{"984500EXAMPLEHK00182", true},
		{"213800EXAMPLEGB00118", true},
		{"5299000EXAMPLEUS0195", false}, // check digits off by one
		{"5299000EXAMPLEUS019", false},  // 19 characters
		{"5299000examplEUS0194", false}, // lower case
		{"5299000EXAMPLE-S0194", false},
		{"5299000EXAMPLEUS01A4", false}, // letter in the check digits
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidLEI(tt.in); got != tt.want {
			t.Errorf("ValidLEI(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidUSCC(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"9144030071526726XG", true}, // the public example
		{"91110000MA01EXAMPP", true},
		{"91310000MA1K3XY7QT", true},
		{"11100000000013127D", true},
		{"91110000MA01EXAMPQ", false}, // wrong check character
		{"9144030071526726X", false},  // 17 characters
		{"9144030071526726xg", false}, // lower case
		{"91440300715267260O", false}, // O is not in the alphabet
		{"91AB030071526726XG", false}, // division code not digits
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidUSCC(tt.in); got != tt.want {
			t.Errorf("ValidUSCC(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if c, ok := USCCCheckChar("91310000MA1K3XY7Q"); !ok || c != 'T' {
		t.Errorf("USCCCheckChar = %c, %v", c, ok)
	}
}

func TestCompanyNumberGB(t *testing.T) {
	tests := []struct{ in, want string }{
		{"123", "00000123"},
		{"01234567", "01234567"},
		{"1234567", "01234567"},
		{"SC123", "SC000123"},
		{"sc123", "SC000123"},
		{"NI 12345", "NI012345"},
		{"OC300001", "OC300001"},
		{"SC000123", "SC000123"},
		{" 765 ", "00000765"},
		{"", ""},
		{"ABC12", "ABC12"}, // not a company number shape: cleaned only
		{"R0000123", "R0000123"},
	}
	for _, tt := range tests {
		if got := CompanyNumberGB(tt.in); got != tt.want {
			t.Errorf("CompanyNumberGB(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIdentifier(t *testing.T) {
	tests := []struct {
		scheme, value, want string
	}{
		{"XI-LEI", "5299000EXAMPLEUS0194", "XI-LEI:5299000EXAMPLEUS0194"},
		{"lei", "5299000exampleus0194", "XI-LEI:5299000EXAMPLEUS0194"},
		{"GB-COH", "SC123", "GB-COH:SC000123"},
		{"gb-coh", "1234567", "GB-COH:01234567"},
		{"CN-USCC", "9144030071526726xg", "CN-USCC:9144030071526726XG"},
		{"USCC", "9144030071526726XG", "CN-USCC:9144030071526726XG"},
		{"REG", "Germany:HRB 12345", "REG:DE:HRB12345"},
		{"reg", "KY:mc-123.456", "REG:KY:MC123456"},
		{"US-EIN", " 12-3456789 ", "US-EIN:12-3456789"},
		{"XI-LEI", "5299000EXAMPLEUS0195", ""},
		{"CN-USCC", "91110000MA01EXAMPQ", ""},
		{"GB-COH", "12345678901", ""},
		{"REG", "HRB 12345", ""},
		{"REG", "Atlantis:1", ""},
		{"", "123", ""},
		{"XI-LEI", "", ""},
	}
	for _, tt := range tests {
		got, err := Identifier(tt.scheme, tt.value)
		if tt.want == "" {
			if err == nil || !errors.Is(err, ErrIdentifier) {
				t.Errorf("Identifier(%q, %q) = %q, %v; want an ErrIdentifier", tt.scheme, tt.value, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Identifier(%q, %q) = %q, %v; want %q", tt.scheme, tt.value, got, err, tt.want)
		}
	}
	if got, err := ParseIdentifier("GB-COH:SC123"); err != nil || got != "GB-COH:SC000123" {
		t.Errorf("ParseIdentifier = %q, %v", got, err)
	}
	if _, err := ParseIdentifier("12345"); !errors.Is(err, ErrIdentifier) {
		t.Errorf("ParseIdentifier without scheme: %v", err)
	}
	if got := RegistryIdentifier("CN", "9144 0300-7152"); got != "REG:CN:914403007152" {
		t.Errorf("RegistryIdentifier = %q", got)
	}
}
