// Command genlabelled writes the labelled screening set in
// testdata/screening: a graph of companies (generic CSV: entities and
// relationships), a customer list in the shape a provider's KYC export has,
// and labels.csv, the entity each customer really is ("" for a customer
// that is not in the graph) and the kind of variation it shows. The output
// is a pure function of the seed, so the files are reproducible:
//
//	go run ./screen/internal/genlabelled -out testdata/screening
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/ubo-project/ubo/ingest/norm"
)

func main() {
	out := flag.String("out", "testdata/screening", "directory to write into")
	seed := flag.Uint64("seed", 12, "random seed")
	flag.Parse()
	if err := run(*out, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genlabelled:", err)
		os.Exit(1)
	}
}

// company is an entity of the labelled graph.
type company struct {
	id, name, jurisdiction string
	aliases                []string
	lei, coh, uscc         string
	// han and pinyin are the Chinese spellings of a Chinese company's
	// name, when it has them (one of them is the name).
	han, pinyin string
	// core is the distinctive part of the name, for hard negatives.
	core string
}

// Word stocks. Western names are built from a distinctive stem and a trade;
// Chinese ones from a city, a two-character brand and a trade.
var (
	stems = []string{"Northbridge", "Albion", "Thames", "Kestrel", "Halcyon", "Meridian", "Oakridge", "Blackwater",
		"Silverline", "Ironbridge", "Redfern", "Ashdown", "Brightwater", "Cobalt", "Larkspur", "Windermere",
		"Greystone", "Harbourside", "Juniper", "Marlow", "Pinnacle", "Quayside", "Rosewood", "Stratton",
		"Talbot", "Upland", "Vantage", "Westmoor", "Yardley", "Zenith", "Alder", "Beacon", "Caledon",
		"Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Hollins", "Inverness", "Kingsway", "Lindqvist",
		"Morrow", "Nordhaven", "Orwell", "Penrose", "Ravenscar", "Sheldrake", "Trevelyan", "Valmont",
		"Whitcombe", "Ardent", "Bramwell", "Castellan", "Delacroix", "Everly", "Foxglove", "Gallant",
		"Hartwell", "Ingram", "Jessop", "Kilbride", "Lockwood", "Montague", "Newbold", "Ormond", "Prescott"}
	trades = []string{"Sensors", "Photonics", "Logistics", "Analytics", "Semiconductors", "Robotics", "Pharma",
		"Optics", "Software", "Networks", "Materials", "Energy", "Instruments", "Data Systems", "Cloud Services",
		"Marine", "Aerospace", "Biotech", "Trading", "Capital"}
	// western jurisdictions with their legal forms (long form, short form).
	forms = map[string][][2]string{
		"GB": {{"Limited", "Ltd"}, {"Public Limited Company", "PLC"}},
		"US": {{"Incorporated", "Inc."}, {"Corporation", "Corp."}, {"Limited Liability Company", "LLC"}},
		"DE": {{"Gesellschaft mit beschränkter Haftung", "GmbH"}, {"Aktiengesellschaft", "AG"}},
		"FR": {{"Société par actions simplifiée", "SAS"}, {"Société anonyme", "SA"}},
		"NL": {{"Besloten Vennootschap", "B.V."}, {"Naamloze Vennootschap", "N.V."}},
		"IE": {{"Designated Activity Company", "DAC"}, {"Limited", "Ltd"}},
		"SG": {{"Private Limited", "Pte. Ltd."}, {"Limited", "Ltd"}},
	}
	westernJurisdictions = []string{"GB", "GB", "GB", "US", "US", "DE", "FR", "NL", "IE", "SG"}

	cities = []struct{ han, pinyin, code string }{
		{"深圳", "Shenzhen", "44"}, {"上海", "Shanghai", "31"}, {"北京", "Beijing", "11"}, {"广州", "Guangzhou", "44"},
		{"杭州", "Hangzhou", "33"}, {"南京", "Nanjing", "32"}, {"天津", "Tianjin", "12"}, {"武汉", "Wuhan", "42"},
		{"成都", "Chengdu", "51"}, {"苏州", "Suzhou", "32"}, {"西安", "Xian", "61"}, {"青岛", "Qingdao", "37"},
	}
	brands = []struct{ han, pinyin string }{
		{"华信", "Huaxin"}, {"海鹰", "Haiying"}, {"东方", "Dongfang"}, {"明达", "Mingda"}, {"金桥", "Jinqiao"},
		{"宏图", "Hongtu"}, {"新源", "Xinyuan"}, {"天成", "Tiancheng"}, {"博远", "Boyuan"}, {"瑞丰", "Ruifeng"},
		{"中科", "Zhongke"}, {"嘉禾", "Jiahe"}, {"星河", "Xinghe"}, {"长江", "Changjiang"}, {"蓝海", "Lanhai"},
		{"恒通", "Hengtong"}, {"永盛", "Yongsheng"}, {"光华", "Guanghua"}, {"德信", "Dexin"}, {"安泰", "Antai"},
	}
	cnTrades = []struct{ han, en string }{
		{"科技", "Technology"}, {"电子", "Electronics"}, {"投资", "Investment"}, {"贸易", "Trading"},
		{"控股", "Holdings"}, {"通信", "Communications"}, {"半导体", "Semiconductor"}, {"物流", "Logistics"},
	}
)

type generator struct {
	r        *rand.Rand
	seq      int
	used     map[string]bool
	entities []company
	rels     [][]string
}

func run(dir string, seed uint64) error {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x5eed)), used: map[string]bool{}}
	g.western(150)
	g.twins(12)
	g.chinese(90)
	g.hongKong(25)
	g.relationships()
	customers, labels := g.customers()
	if err := os.MkdirAll(filepath.Join(dir, "entities"), 0o755); err != nil {
		return err
	}
	entRows := [][]string{{"id", "name", "kind", "jurisdiction", "aliases", "identifiers"}}
	for _, c := range g.entities {
		var ids []string
		for _, v := range []string{prefixed("XI-LEI:", c.lei), prefixed("GB-COH:", c.coh), prefixed("CN-USCC:", c.uscc)} {
			if v != "" {
				ids = append(ids, v)
			}
		}
		entRows = append(entRows, []string{c.id, c.name, "company", c.jurisdiction, strings.Join(c.aliases, ";"), strings.Join(ids, ";")})
	}
	relRows := append([][]string{{"holder_id", "held_id", "kind", "share", "start_date"}}, g.rels...)
	for name, rows := range map[string][][]string{
		"entities/entities.csv":      entRows,
		"entities/relationships.csv": relRows,
		"customers.csv":              customers,
		"labels.csv":                 labels,
	} {
		if err := writeCSV(filepath.Join(dir, name), rows); err != nil {
			return err
		}
	}
	return nil
}

func prefixed(p, v string) string {
	if v == "" {
		return ""
	}
	return p + v
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (g *generator) pick(n int) int { return g.r.IntN(n) }

func (g *generator) nextID(prefix string) string {
	g.seq++
	return fmt.Sprintf("%s-%04d", prefix, g.seq)
}

// lei is a fresh LEI with valid ISO 17442 check digits (mod 97).
func (g *generator) lei() string {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for {
		var b strings.Builder
		b.WriteString("5493")
		b.WriteString("00")
		for range 12 {
			b.WriteByte(alnum[g.pick(len(alnum))])
		}
		body := b.String()
		for cd := 2; cd <= 98; cd++ {
			s := fmt.Sprintf("%s%02d", body, cd)
			if norm.ValidLEI(s) && !g.used[s] {
				g.used[s] = true
				return s
			}
		}
	}
}

// uscc is a fresh unified social credit code (GB 32100-2015) of a company
// registered in the province with the given two-digit code, with its check
// character.
func (g *generator) uscc(province string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for {
		body := "9" + "1" + province + fmt.Sprintf("%04d", g.pick(10000))
		for range 9 {
			body += string(chars[g.pick(len(chars))])
		}
		c, ok := norm.USCCCheckChar(body)
		if !ok {
			continue
		}
		s := body + string(c)
		if norm.ValidUSCC(s) && !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

func (g *generator) coh() string {
	for {
		s := fmt.Sprintf("%08d", 1_000_000+g.pick(14_000_000))
		if !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

func (g *generator) add(c company) {
	if g.used["name:"+c.name+"|"+c.jurisdiction] {
		return
	}
	g.used["name:"+c.name+"|"+c.jurisdiction] = true
	g.entities = append(g.entities, c)
}

// western adds n companies of western jurisdictions, some with a former
// or trading name as an alias.
func (g *generator) western(n int) {
	for len(g.entities) < n {
		j := westernJurisdictions[g.pick(len(westernJurisdictions))]
		core := stems[g.pick(len(stems))] + " " + trades[g.pick(len(trades))]
		if g.used["core:"+core] {
			continue
		}
		g.used["core:"+core] = true
		f := forms[j][g.pick(len(forms[j]))]
		name := core + " " + f[g.pick(2)]
		if g.pick(4) == 0 {
			name = strings.ToUpper(name) // registries often shout
		}
		c := company{id: g.nextID("w"), name: name, jurisdiction: j, core: core}
		if g.pick(2) == 0 {
			c.lei = g.lei()
		}
		if j == "GB" {
			c.coh = g.coh()
		}
		if g.pick(6) == 0 {
			c.aliases = []string{core + " Group"}
		}
		g.add(c)
	}
}

// twins adds n pairs of companies with the same name in two countries.
func (g *generator) twins(n int) {
	pairs := [][2]string{{"GB", "US"}, {"DE", "NL"}, {"SG", "GB"}, {"US", "IE"}}
	for added := 0; added < n; {
		core := stems[g.pick(len(stems))] + " " + trades[g.pick(len(trades))]
		if g.used["core:"+core] {
			continue
		}
		g.used["core:"+core] = true
		p := pairs[g.pick(len(pairs))]
		for _, j := range p {
			c := company{id: g.nextID("twin"), name: core + " Holdings", jurisdiction: j, core: core}
			if j == "GB" {
				c.coh = g.coh()
			}
			g.add(c)
		}
		added++
	}
}

// chinese adds n mainland companies: a Han name with or without its pinyin
// name as an alias, or (as in many GLEIF records) the pinyin name only.
func (g *generator) chinese(n int) {
	for added := 0; added < n; {
		city := cities[g.pick(len(cities))]
		brand := brands[g.pick(len(brands))]
		trade := cnTrades[g.pick(len(cnTrades))]
		key := city.han + brand.han + trade.han
		if g.used["core:"+key] {
			continue
		}
		g.used["core:"+key] = true
		han := key + "有限公司"
		pinyin := city.pinyin + " " + brand.pinyin + " " + trade.en + " Co., Ltd."
		c := company{id: g.nextID("cn"), jurisdiction: "CN", han: han, pinyin: pinyin, core: brand.pinyin,
			uscc: g.uscc(city.code)}
		switch g.pick(3) {
		case 0:
			c.name = han
		case 1:
			c.name, c.aliases = han, []string{pinyin}
		default:
			// GLEIF records often carry only a transliteration, in
			// English or (for small companies) wholly in pinyin.
			c.name = pinyin
			if g.pick(2) == 0 {
				c.name = city.pinyin + " " + brand.pinyin + " " + tradeReading[trade.han] + " Youxian Gongsi"
			}
		}
		if g.pick(2) == 0 {
			c.lei = g.lei()
		}
		g.add(c)
		added++
	}
}

// hongKong adds n Hong Kong companies: an English name with its
// traditional Chinese name as an alias.
func (g *generator) hongKong(n int) {
	hk := []struct{ han, en string }{
		{"九龍灣貿易", "Kowloon Bay Trading"}, {"維多利亞港航運", "Victoria Harbour Shipping"}, {"太平山投資", "Peak Investment"},
		{"銅鑼灣科技", "Causeway Bay Technology"}, {"青衣物流", "Tsing Yi Logistics"}, {"沙田電子", "Sha Tin Electronics"},
		{"荃灣實業", "Tsuen Wan Industrial"}, {"將軍澳數據", "Tseung Kwan O Data"}, {"大嶼山能源", "Lantau Energy"},
		{"赤柱資本", "Stanley Capital"}, {"屯門製造", "Tuen Mun Manufacturing"}, {"元朗控股", "Yuen Long Holdings"},
		{"西貢海洋", "Sai Kung Marine"}, {"觀塘通訊", "Kwun Tong Communications"}, {"葵涌集裝箱", "Kwai Chung Container"},
	}
	for added := 0; added < n && added < len(hk)*2; added++ {
		h := hk[added%len(hk)]
		suffix := ""
		if added >= len(hk) {
			suffix = " (Asia)"
		}
		c := company{id: g.nextID("hk"), name: h.en + suffix + " Limited", jurisdiction: "HK",
			aliases: []string{h.han + "有限公司"}, han: h.han + "有限公司", core: h.en}
		if suffix != "" {
			c.aliases = []string{h.han + "（亞洲）有限公司"}
			c.han = c.aliases[0]
		}
		if g.pick(2) == 0 {
			c.lei = g.lei()
		}
		g.add(c)
	}
}

// relationships gives a third of the western companies a Chinese parent,
// directly or through a Hong Kong holding company, so the screened
// customers carry real verdicts.
func (g *generator) relationships() {
	var cn, hk, west []company
	for _, c := range g.entities {
		switch c.jurisdiction {
		case "CN":
			cn = append(cn, c)
		case "HK":
			hk = append(hk, c)
		default:
			west = append(west, c)
		}
	}
	for i, c := range west {
		switch i % 6 {
		case 0:
			g.rels = append(g.rels, []string{cn[g.pick(len(cn))].id, c.id, "ownership", "100", "2019-01-01"})
		case 1:
			g.rels = append(g.rels, []string{hk[g.pick(len(hk))].id, c.id, "ownership", "60", "2020-06-30"})
		}
	}
	for i, c := range hk {
		if i%2 == 0 {
			g.rels = append(g.rels, []string{cn[g.pick(len(cn))].id, c.id, "ownership", "51", "2018-03-01"})
		}
	}
}
