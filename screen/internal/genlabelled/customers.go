package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A customer row as a provider's KYC export has it, with its label.
type customer struct {
	name, country, lei, regNumber, regCountry, uscc string
	entity, kind                                    string
}

// customers writes one customer per variation drawn for each company (a
// few companies twice), and the customers that are not in the graph, in a
// shuffled order: customers.csv rows and labels.csv rows.
func (g *generator) customers() (rows, labels [][]string) {
	var list []customer
	for i, c := range g.entities {
		list = append(list, g.present(c))
		if i%7 == 0 {
			list = append(list, g.present(c))
		}
	}
	list = append(list, g.absent(len(list)*2/5)...)
	g.r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	rows = [][]string{{"customer_id", "name", "country", "lei", "registration_number", "registration_country", "uscc"}}
	labels = [][]string{{"customer_id", "entity_id", "kind"}}
	for i, c := range list {
		id := fmt.Sprintf("C-%04d", i+1)
		rows = append(rows, []string{id, c.name, c.country, c.lei, c.regNumber, c.regCountry, c.uscc})
		labels = append(labels, []string{id, c.entity, c.kind})
	}
	return rows, labels
}

// present draws a customer that is company c, spelt as customers spell it.
func (g *generator) present(c company) customer {
	cu := customer{name: c.name, country: c.jurisdiction, entity: c.id}
	type variant struct {
		kind string
		ok   bool
		do   func()
	}
	variants := []variant{
		{"exact", true, func() {}},
		{"case_punctuation", true, func() { cu.name = recase(g.pick(3), stripPunct(c.name)) }},
		{"legal_form", c.han == "" || c.name != c.han, func() { cu.name = swapForm(c.name) }},
		{"typo", longestWordLen(c.name) >= 7, func() { cu.name = g.typo(c.name) }},
		{"no_country", true, func() { cu.country = "" }},
		{"country_name", true, func() { cu.country = countryName(c.jurisdiction) }},
		{"alias", len(c.aliases) > 0, func() { cu.name = c.aliases[g.pick(len(c.aliases))] }},
		{"han", c.han != "" && (c.name == c.han || contains(c.aliases, c.han) || isPinyinOnly(c)), func() { cu.name = c.han }},
		{"pinyin", c.pinyin != "" && c.jurisdiction == "CN" && c.name == c.han && len(c.aliases) == 0, func() {
			cu.name = readingName(c)
		}},
		{"identifier_only", c.lei != "" || c.uscc != "" || c.coh != "", func() {
			cu.name = tradingName(c)
			switch {
			case c.uscc != "" && g.pick(2) == 0:
				cu.uscc = c.uscc
			case c.lei != "":
				cu.lei = c.lei
			case c.coh != "":
				cu.regNumber, cu.regCountry = c.coh, "GB"
			default:
				cu.uscc = c.uscc
			}
		}},
		{"identifier_and_name", c.lei != "" || c.coh != "", func() {
			cu.name = swapForm(c.name)
			if c.coh != "" && g.pick(2) == 0 {
				cu.regNumber, cu.regCountry = strings.TrimLeft(c.coh, "0"), "United Kingdom"
			} else if c.lei != "" {
				cu.lei = strings.ToLower(c.lei)
			} else {
				cu.regNumber, cu.regCountry = c.coh, "GB"
			}
		}},
		{"bad_check_digit", c.lei != "", func() { cu.lei = breakCheckDigits(c.lei) }},
	}
	var usable []variant
	for _, v := range variants {
		if v.ok {
			usable = append(usable, v)
		}
	}
	v := usable[g.pick(len(usable))]
	if strings.HasPrefix(c.id, "twin-") && g.pick(2) == 0 {
		v = variant{"twin", true, func() {}}
	}
	v.do()
	cu.kind = v.kind
	return cu
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// isPinyinOnly: a Chinese company registered under its full pinyin
// transliteration, whose Han name a customer may give.
func isPinyinOnly(c company) bool {
	return c.jurisdiction == "CN" && strings.HasSuffix(c.name, " Youxian Gongsi")
}

// readingName is the customer's pinyin spelling of a Han-named company:
// the reading of city, brand and trade with an English legal form, as
// small Chinese companies often write themselves ("Shenzhen Huaxin Keji
// Co., Ltd.").
func readingName(c company) string {
	for _, city := range cities {
		if !strings.HasPrefix(c.han, city.han) {
			continue
		}
		for _, b := range brands {
			if !strings.HasPrefix(c.han[len(city.han):], b.han) {
				continue
			}
			rest := strings.TrimSuffix(c.han[len(city.han)+len(b.han):], "有限公司")
			return city.pinyin + " " + b.pinyin + " " + tradeReading[rest] + " Co., Ltd."
		}
	}
	return c.pinyin
}

// tradeReading is the pinyin of each Chinese trade word.
var tradeReading = map[string]string{"科技": "Keji", "电子": "Dianzi", "投资": "Touzi", "贸易": "Maoyi",
	"控股": "Konggu", "通信": "Tongxin", "半导体": "Bandaoti", "物流": "Wuliu"}

// tradingName is a name a customer trades under that the registry does
// not know: the distinctive word with a different trade.
func tradingName(c company) string {
	return strings.Fields(c.core)[0] + " Solutions"
}

func stripPunct(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == ',' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, s)
}

func recase(how int, s string) string {
	switch how {
	case 0:
		return strings.ToUpper(s)
	case 1:
		return strings.ToLower(s)
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

// swapForm writes the legal form the other way (Limited ↔ Ltd, Co., Ltd.
// ↔ Company Limited, GmbH ↔ its long form), or leaves it off.
func swapForm(name string) string {
	upper := name == strings.ToUpper(name)
	low := strings.ToLower(name)
	for _, fs := range forms {
		for _, f := range fs {
			long, short := strings.ToLower(f[0]), strings.ToLower(f[1])
			switch {
			case strings.HasSuffix(low, " "+long):
				return keepCase(name[:len(name)-len(long)]+f[1], upper)
			case strings.HasSuffix(low, " "+short):
				return keepCase(name[:len(name)-len(short)]+f[0], upper)
			}
		}
	}
	if strings.HasSuffix(name, " Co., Ltd.") {
		return strings.TrimSuffix(name, " Co., Ltd.") + " Company Limited"
	}
	if strings.HasSuffix(name, " Limited") {
		return strings.TrimSuffix(name, " Limited") + " Ltd"
	}
	if strings.HasSuffix(name, "有限公司") {
		return strings.TrimSuffix(name, "有限公司") + "有限责任公司"
	}
	return name
}

func keepCase(s string, upper bool) string {
	if upper {
		return strings.ToUpper(s)
	}
	return s
}

func longestWordLen(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, utf8.RuneCountInString(w))
	}
	return n
}

// typo makes one slip in the longest word: a letter dropped, doubled or
// two neighbours swapped.
func (g *generator) typo(s string) string {
	words := strings.Fields(s)
	best := 0
	for i, w := range words {
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(words[best]) {
			best = i
		}
	}
	w := []rune(words[best])
	i := 1 + g.pick(len(w)-3)
	switch g.pick(3) {
	case 0:
		w = append(w[:i:i], w[i+1:]...)
	case 1:
		w = append(w[:i+1:i+1], w[i:]...)
	default:
		w[i], w[i+1] = w[i+1], w[i]
	}
	words[best] = string(w)
	return strings.Join(words, " ")
}

// breakCheckDigits changes an LEI's check digits so they no longer verify.
func breakCheckDigits(lei string) string {
	cd := lei[18:]
	if cd == "99" {
		return lei[:18] + "98"
	}
	return lei[:18] + fmt.Sprintf("%02d", (int(cd[0]-'0')*10+int(cd[1]-'0')+1)%100)
}

func countryName(code string) string {
	return map[string]string{"GB": "United Kingdom", "US": "United States", "DE": "Germany", "FR": "France",
		"NL": "Netherlands", "IE": "Ireland", "SG": "Singapore", "CN": "China", "HK": "Hong Kong"}[code]
}

// absent draws n customers that are not in the graph, most of them close
// to a company that is: the same distinctive word in another trade, the
// same brand in another city or trade, a name of the graph in a country
// where no company has it.
func (g *generator) absent(n int) []customer {
	var out []customer
	for tries := 0; len(out) < n && tries < 100*n; tries++ {
		c := g.entities[g.pick(len(g.entities))]
		var cu customer
		switch g.pick(5) {
		case 0, 1: // western: same stem, another trade
			if c.han != "" {
				continue
			}
			stem := strings.Fields(c.core)[0]
			core := stem + " " + trades[g.pick(len(trades))]
			if g.coreTaken(core) {
				continue
			}
			cu = customer{name: core + " " + forms[c.jurisdiction][0][1], country: c.jurisdiction, kind: "hard_negative"}
		case 2: // Chinese: same brand, another city or trade
			if c.jurisdiction != "CN" {
				continue
			}
			city := cities[g.pick(len(cities))]
			brand := brands[g.pick(len(brands))]
			trade := cnTrades[g.pick(len(cnTrades))]
			if !strings.Contains(c.han, brand.han) {
				continue
			}
			key := city.han + brand.han + trade.han
			if g.used["core:"+key] {
				continue
			}
			if g.pick(2) == 0 {
				cu = customer{name: key + "有限公司", country: "CN", kind: "hard_negative_han"}
			} else {
				cu = customer{name: city.pinyin + " " + brand.pinyin + " " + trade.en + " Co., Ltd.", country: "CN", kind: "hard_negative_pinyin"}
			}
		case 3: // the name of a company of the graph, in another country
			if c.jurisdiction == "CN" || c.jurisdiction == "HK" || strings.HasPrefix(c.id, "twin-") {
				continue
			}
			other := map[string]string{"GB": "AU", "US": "CA", "DE": "AT", "FR": "BE", "NL": "BE", "IE": "NZ", "SG": "MY"}[c.jurisdiction]
			cu = customer{name: c.name, country: other, kind: "same_name_other_country"}
		default: // nothing like it in the graph
			core := fmt.Sprintf("%s %s", unusedStems[g.pick(len(unusedStems))], trades[g.pick(len(trades))])
			if g.used["absent:"+core] {
				continue
			}
			g.used["absent:"+core] = true
			cu = customer{name: core + " Ltd", country: "GB", kind: "unrelated"}
		}
		if g.used["customer:"+cu.name+"|"+cu.country] {
			continue
		}
		g.used["customer:"+cu.name+"|"+cu.country] = true
		out = append(out, cu)
	}
	return out
}

// coreTaken reports whether a company of the graph has this core name.
func (g *generator) coreTaken(core string) bool { return g.used["core:"+core] }

// unusedStems appear in no company of the graph.
var unusedStems = []string{"Abernethy", "Bellweather", "Cranford", "Drummond", "Eastleigh", "Fenwick", "Gorsebrook",
	"Holloway", "Ilfracombe", "Jarrow", "Kendal", "Ludlow", "Melrose", "Nettlebed", "Otterburn", "Pickering",
	"Quorn", "Rothbury", "Selsey", "Tintagel", "Ullswater", "Ventnor", "Wetherby", "Yeovil"}
