package gen

import (
	"strconv"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// Jurisdictions of non-Chinese companies, weighted by repetition.
var worldCountries = []string{
	"GB", "GB", "GB", "US", "US", "US", "DE", "DE", "FR", "NL", "NL", "IE", "LU", "LU",
	"JP", "SG", "SG", "CH", "CA", "AU", "IN", "KY", "KY", "VG", "VG", "BM", "SE", "ES", "IT", "KR",
}

// Chinese jurisdictions, weighted.
var chineseCountries = []string{"CN", "CN", "CN", "CN", "CN", "CN", "HK", "HK", "HK", "MO"}

// Offshore wrappers Chinese groups list through (headquartered in China).
var offshore = []string{"KY", "VG", "BM"}

// Nationalities of persons, weighted; a few Chinese nationals hold stakes in
// non-Chinese groups, which gives minority and significant verdicts.
var worldNationalities = []string{
	"GB", "GB", "GB", "US", "US", "DE", "FR", "NL", "IE", "IN", "IT", "ES", "PL", "JP", "SG",
	"CA", "AU", "CH", "SE", "CN", "HK", "RU", "AE", "BR",
}

// group generates one corporate group: its top company and the top's
// holders, then subsidiaries in a depth-limited random tree with joint
// ventures, second parents, cross-holdings, control and ended edges.
func (g *generator) group() error {
	size := g.groupSize()
	chinese := g.chance(g.cfg.ChineseShare)
	g.members = g.members[:0]
	clear(g.allocated)

	top, err := g.topCompany(chinese)
	if err != nil {
		return err
	}
	g.members = append(g.members, top)
	if err := g.topHolders(top, chinese); err != nil {
		return err
	}
	for i := 1; i < size; i++ {
		if err := g.subsidiary(chinese); err != nil {
			return err
		}
	}
	if size >= 20 { // a listed group: institutional investors hold minority stakes
		if err := g.institutionalHolders(top.id, chinese); err != nil {
			return err
		}
	}
	// Remember a few members as partners for later groups.
	for i := 0; i < len(g.members) && i < 8; i++ {
		g.rememberCompany(g.members[g.rng.IntN(len(g.members))].id)
	}
	return nil
}

func (g *generator) company(country, hq string, chinese bool) (member, error) {
	id, err := g.newID('C')
	if err != nil {
		return member{}, err
	}
	name, aliases := g.companyName(country, hq, id)
	e := model.Entity{ID: id, Name: name, Aliases: aliases, Kind: model.Company,
		Jurisdiction: country, HQCountry: hq}
	e.Identifiers = g.identifiers(country, id)
	if chinese {
		switch {
		case g.chance(0.01):
			e.Lists = []string{"us.bis.entity_list"}
		case g.chance(0.003):
			e.Lists = []string{"us.ofac.sdn"}
		}
	} else if g.chance(0.0005) {
		e.Lists = []string{"us.ofac.sdn"}
	}
	return member{id: id, country: country}, g.emit(e)
}

func (g *generator) topCompany(chinese bool) (member, error) {
	if !chinese {
		c := pick(g, worldCountries)
		return g.company(c, c, false)
	}
	switch r := g.rng.Float64(); {
	case r < 0.45: // incorporated in CN / HK / MO
		c := pick(g, chineseCountries)
		return g.company(c, c, true)
	case r < 0.65: // red-chip style: offshore wrapper, headquartered in China
		return g.company(pick(g, offshore), "CN", true)
	default: // held by a Chinese state body or Chinese nationals (topHolders)
		c := pick(g, worldCountries)
		return g.company(c, c, true)
	}
}

// topHolders gives the group's top company its holders.
func (g *generator) topHolders(top member, chinese bool) error {
	start := g.date()
	r := g.rng.Float64()
	if chinese && r < 0.55 { // Chinese state ownership
		sb := pick(g, g.stateCN)
		share := model.Exact(g.exactShare(51, 100))
		if g.chance(0.3) {
			share = band75
		}
		return g.rel(sb, top.id, model.Ownership, share, start, "")
	}
	if chinese && r < 0.8 { // Chinese nationals, one majority holder
		p, err := g.person("CN", "CN")
		if err != nil {
			return err
		}
		return g.rel(p, top.id, model.Ownership, model.Exact(g.exactShare(50, 100)), start, "")
	}
	switch {
	case r < 0.45: // one to three persons
		return g.personHolders(top.id, start)
	case r < 0.65: // listed, or the chain simply ends: no recorded holder
		return nil
	case r < 0.75: // an undisclosed owner (PSC "exists but not identified")
		return g.unknownHolder(top.id, start)
	case r < 0.82: // a foreign state
		return g.rel(pick(g, g.stateOther), top.id, model.Ownership,
			model.Exact(g.exactShare(10, 100)), start, "")
	default: // a company of an earlier group: groups of groups
		holder, ok := g.recentCompany()
		if !ok {
			return g.personHolders(top.id, start)
		}
		share := pick(g, []model.Share{band25, band50, band75, model.Exact(g.exactShare(5, 100))})
		return g.rel(holder, top.id, model.Ownership, share, start, "")
	}
}

// personHolders gives held one to three person shareholders whose shares
// sum to at most 100, as PSC bands or exact figures.
func (g *generator) personHolders(held, start string) error {
	n := 1 + g.rng.IntN(3)
	left := 100.0
	var used [3]string
	for i := 0; i < n; i++ {
		nat := pick(g, worldNationalities)
		p, err := g.person(nat, residenceFor(g, nat))
		if err != nil {
			return err
		}
		if p == used[0] || p == used[1] { // a reused person already holds
			continue
		}
		used[i] = p
		var share model.Share
		switch {
		case n == 1 && g.chance(0.5):
			share = band75
		case g.chance(0.4) && left >= 50:
			share = band25
			left -= 50
		default:
			v := g.exactShare(1, left)
			left -= v
			share = model.Exact(v)
		}
		if err := g.rel(p, held, model.Ownership, share, start, ""); err != nil {
			return err
		}
		if left < 1 {
			break
		}
	}
	return nil
}

func residenceFor(g *generator, nat string) string {
	if g.chance(0.85) {
		return nat
	}
	return pick(g, worldNationalities)
}

func (g *generator) unknownHolder(held, start string) error {
	id, err := g.newID('U')
	if err != nil {
		return err
	}
	if err := g.emit(model.Entity{ID: id, Name: "Unidentified holder of " + held, Kind: model.Unknown}); err != nil {
		return err
	}
	return g.rel(id, held, model.Ownership, model.Share{}, start, "")
}

// person emits a person, or reuses a recent one (serial shareholders and
// directors).
func (g *generator) person(nationality, residence string) (string, error) {
	if g.recentPN > 0 && g.chance(0.1) {
		n := min(g.recentPN, ringSize)
		return g.recentPerson[(g.recentPN-1-g.rng.IntN(n))%ringSize], nil
	}
	id, err := g.newID('P')
	if err != nil {
		return "", err
	}
	e := model.Entity{ID: id, Name: g.personName(nationality), Kind: model.Person,
		Nationality: []string{nationality}, Residence: residence}
	if g.chance(0.02) { // dual nationals
		if second := pick(g, worldNationalities); second != nationality {
			e.Nationality = model.SortedUnique([]string{nationality, second})
		}
	}
	if err := g.emit(e); err != nil {
		return "", err
	}
	g.recentPerson[g.recentPN%ringSize] = id
	g.recentPN++
	return id, nil
}

// subsidiary adds one company under a random group member whose depth
// allows it, with the edges that make registries hard.
func (g *generator) subsidiary(chinese bool) error {
	var parent member
	for tries := 0; ; tries++ {
		parent = g.members[g.rng.IntN(len(g.members))]
		if parent.depth < g.cfg.MaxDepth-1 || tries > 8 {
			break
		}
	}
	if parent.depth >= g.cfg.MaxDepth-1 {
		parent = g.members[0]
	}
	country := pick(g, worldCountries)
	if (chinese && g.chance(0.6)) || (!chinese && g.chance(0.04)) {
		country = pick(g, chineseCountries)
	}
	child, err := g.company(country, country, chinese)
	if err != nil {
		return err
	}
	child.depth = parent.depth + 1
	g.members = append(g.members, child)
	start := g.date()

	// A previous owner whose stake ended when the current parent bought in.
	if g.chance(0.03) {
		if prev, ok := g.recentCompany(); ok {
			if err := g.rel(prev, child.id, model.Ownership, model.Exact(100), g.dateBetween(1990, 1994), start); err != nil {
				return err
			}
		}
	}

	// State-owned Chinese groups hold many subsidiaries through several
	// sister companies at once (interlocked SOE structures).
	interlocked := chinese && len(g.members) > 2 && g.chance(g.cfg.Interlock)
	switch r := g.rng.Float64(); {
	case interlocked || (r >= 0.93 && r < 0.97 && len(g.members) > 2): // two parents inside the group
		other := g.members[g.rng.IntN(len(g.members)-1)]
		if other.id == parent.id {
			other = g.members[0]
		}
		v := g.exactShare(51, 90)
		err = g.rel(parent.id, child.id, model.Ownership, model.Exact(v), start, "")
		if err == nil && other.id != parent.id {
			err = g.rel(other.id, child.id, model.Ownership, model.Exact(math100(v)), start, "")
		}
	case r < 0.68: // wholly owned
		err = g.rel(parent.id, child.id, model.Ownership, model.Exact(100), start, "")
	case r < 0.80: // majority with an outside minority holder
		err = g.majorityWithMinority(parent.id, child.id, start)
	case r < 0.88: // PSC bands only
		err = g.rel(parent.id, child.id, model.Ownership, pick(g, []model.Share{band50, band75, band75}), start, "")
		if err == nil && g.chance(0.3) {
			err = g.rel(parent.id, child.id, model.Voting, band75, start, "")
		}
	case r < 0.93: // joint venture with a company of another group
		err = g.jointVenture(parent.id, child.id, start)
	case chinese: // VIE: contractual control, no equity
		err = g.rel(parent.id, child.id, model.Control, model.Share{}, start, "")
	default: // consolidated without disclosed equity (GLEIF level 2)
		err = g.rel(parent.id, child.id, model.Consolidation, model.Share{}, start, "")
	}
	if err != nil {
		return err
	}
	return g.extras(parent, child, start)
}

// math100 returns 100 − v rounded to two decimals.
func math100(v float64) float64 { return float64(int64((100-v)*100+0.5)) / 100 }

func (g *generator) majorityWithMinority(parent, child, start string) error {
	v := g.exactShare(51, 99)
	if err := g.rel(parent, child, model.Ownership, model.Exact(v), start, ""); err != nil {
		return err
	}
	rest := math100(v)
	switch r := g.rng.Float64(); {
	case r < 0.4:
		p, err := g.person(pick(g, worldNationalities), "")
		if err != nil {
			return err
		}
		return g.rel(p, child, model.Ownership, model.Exact(rest), start, "")
	case r < 0.8:
		if co, ok := g.recentCompany(); ok && co != parent {
			return g.rel(co, child, model.Ownership, model.Exact(rest), start, "")
		}
		return nil
	default:
		return g.unknownHolder(child, start)
	}
}

// jointVenture makes child a JV of parent and one or two outside companies:
// 50/50, 51/49 either way, or three-way 40/30/30.
func (g *generator) jointVenture(parent, child, start string) error {
	partner, ok := g.recentCompany()
	if !ok || partner == parent {
		return g.rel(parent, child, model.Ownership, model.Exact(100), start, "")
	}
	shares := [][]float64{{50, 50}, {51, 49}, {49, 51}, {40, 30, 30}}[g.rng.IntN(4)]
	if err := g.rel(parent, child, model.Ownership, model.Exact(shares[0]), start, ""); err != nil {
		return err
	}
	if err := g.rel(partner, child, model.Ownership, model.Exact(shares[1]), start, ""); err != nil {
		return err
	}
	if len(shares) == 3 {
		third, ok := g.recentCompany()
		if ok && third != partner && third != parent {
			return g.rel(third, child, model.Ownership, model.Exact(shares[2]), start, "")
		}
	}
	return nil
}

// extras adds the less common edges around a new subsidiary.
func (g *generator) extras(parent, child member, start string) error {
	if g.chance(0.10) { // an accounting-consolidation assertion alongside
		if err := g.rel(parent.id, child.id, model.Consolidation, model.Share{}, start, ""); err != nil {
			return err
		}
	}
	if g.chance(0.02) {
		if err := g.rel(parent.id, child.id, model.Board, model.Share{}, start, ""); err != nil {
			return err
		}
	}
	if g.chance(0.03) && len(g.members) > 2 { // cross-holding back up the group
		for tries := 0; tries < 4; tries++ {
			anc := g.members[g.rng.IntN(len(g.members)-1)]
			if free := 100 - g.allocated[anc.id]; free >= 1 {
				share := model.Exact(g.exactShare(1, min(free, 20)))
				if err := g.rel(child.id, anc.id, model.Ownership, share, start, ""); err != nil {
					return err
				}
				break
			}
		}
	}
	if g.chance(0.02) {
		if err := g.unknownHolder(child.id, start); err != nil {
			return err
		}
	}
	if g.chance(0.08) { // a director: shown to investigators, never control
		p, err := g.person(pick(g, worldNationalities), "")
		if err != nil {
			return err
		}
		end := ""
		if g.chance(0.2) {
			end = g.dateBetween(2000, 2024)
			if end <= start {
				end = ""
			}
		}
		if err := g.rel(p, child.id, model.Officer, model.Share{}, start, end); err != nil {
			return err
		}
	}
	return nil
}

var (
	cnWords  = []string{"Zhongxin", "Huaxia", "Jinlong", "Hengtai", "Tianyu", "Xinhua", "Dongfang", "Changjiang", "Haiyang", "Hongxing", "Guotai", "Shenhua", "Yuanda", "Baoli", "Zhaoshang", "Ruifeng"}
	westWord = []string{"Alder", "Birch", "Cedar", "Dorset", "Elm", "Fenwick", "Granite", "Harbor", "Ivory", "Juniper", "Kestrel", "Linden", "Meridian", "Northgate", "Oakridge", "Pinnacle", "Quarry", "Redwood", "Summit", "Thistle"}
	sectors  = []string{"Holdings", "Technology", "Industrial", "Trading", "Investment", "Logistics", "Energy", "Capital", "Semiconductor", "Pharmaceutical", "Data Services", "Shipping"}
	cnSurn   = []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun"}
	cnGiven  = []string{"Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Hui", "Jun", "Ling", "Qiang", "Xiu", "Hao"}
	westSurn = []string{"Smith", "Jones", "Müller", "Martin", "Brown", "Taylor", "Schmidt", "Dubois", "Rossi", "García", "Kowalski", "O'Brien"}
	westGivn = []string{"James", "Anna", "Thomas", "Maria", "David", "Sophie", "Peter", "Laura", "Michael", "Emma", "Paul", "Clara"}
)

// suffixes by jurisdiction; others get "Ltd".
var legalSuffix = map[string]string{
	"CN": "Co., Ltd.", "HK": "Limited", "MO": "Limitada", "GB": "Ltd", "US": "Inc.", "DE": "GmbH",
	"FR": "SAS", "NL": "B.V.", "LU": "S.à r.l.", "IE": "Limited", "JP": "K.K.", "SG": "Pte. Ltd.",
	"CH": "AG", "KY": "Ltd", "VG": "Ltd", "BM": "Ltd", "IT": "S.r.l.", "ES": "S.L.",
}

// companyName names a company the way registries do: a coined word (three
// syllables derived from the id, so names rarely repeat), a common word and
// a trade for most jurisdictions ("Kestrel Varomid Logistics Ltd"); mainland
// Chinese companies a Han name, city + brand + trade + 有限公司, with its
// English name as an alias ("深圳华信科技有限公司" / "Shenzhen Huaxin
// Technology Co., Ltd."). About one company in eight also has a former name.
func (g *generator) companyName(country, hq, id string) (name string, aliases []string) {
	n, _ := strconv.Atoi(id[1:])
	if country == "CN" {
		city, trade := pick(g, cnCities), pick(g, cnTrades)
		b1, b2 := cnBrand[n%len(cnBrand)], cnBrand[(n/len(cnBrand)+g.rng.IntN(7))%len(cnBrand)]
		name = city.han + b1.han + b2.han + trade.han + "有限公司"
		aliases = []string{city.pinyin + " " + b1.pinyin + strings.ToLower(b2.pinyin) + " " + trade.en + " Co., Ltd."}
		return name, aliases
	}
	words := westWord
	if country == "HK" || country == "MO" || hq == "CN" {
		words = cnWords
	}
	suffix := legalSuffix[country]
	if suffix == "" {
		suffix = "Ltd"
	}
	coined := coin(n)
	name = pick(g, words) + " " + coined + " " + pick(g, sectors) + " " + suffix
	if g.chance(0.125) {
		aliases = []string{coined + " " + pick(g, sectors) + " " + suffix}
	}
	return name, aliases
}

// coin makes a word of three syllables from n: 32,768 distinct words, the
// syllables of neighbouring numbers scattered (an odd multiplier permutes
// the numbers below 2^15).
func coin(n int) string {
	m := (n*10923 + 6791) % 32768
	s := syllables[m%32] + syllables[(m/32)%32] + syllables[(m/1024)%32]
	return strings.ToUpper(s[:1]) + s[1:]
}

var syllables = []string{"va", "ro", "mid", "tel", "sa", "nor", "ka", "len", "bri", "cos", "dun", "e", "fa", "gor", "hal",
	"is", "jen", "kor", "lu", "mar", "nex", "o", "pel", "qua", "ris", "sol", "tan", "ul", "ven", "wy", "xan", "zel"}

var (
	cnCities = []struct{ han, pinyin string }{{"深圳", "Shenzhen"}, {"上海", "Shanghai"}, {"北京", "Beijing"},
		{"广州", "Guangzhou"}, {"杭州", "Hangzhou"}, {"南京", "Nanjing"}, {"天津", "Tianjin"}, {"武汉", "Wuhan"},
		{"成都", "Chengdu"}, {"苏州", "Suzhou"}, {"青岛", "Qingdao"}, {"厦门", "Xiamen"}}
	cnTrades = []struct{ han, en string }{{"科技", "Technology"}, {"电子", "Electronics"}, {"投资", "Investment"},
		{"贸易", "Trading"}, {"控股", "Holdings"}, {"通信", "Communications"}, {"半导体", "Semiconductor"},
		{"物流", "Logistics"}, {"能源", "Energy"}, {"医药", "Pharmaceutical"}}
	// cnBrand are characters common in company brands, with their pinyin.
	cnBrand = []struct{ han, pinyin string }{{"华", "Hua"}, {"信", "Xin"}, {"海", "Hai"}, {"鹰", "Ying"}, {"东", "Dong"},
		{"方", "Fang"}, {"明", "Ming"}, {"达", "Da"}, {"金", "Jin"}, {"桥", "Qiao"}, {"宏", "Hong"}, {"图", "Tu"},
		{"新", "Xin"}, {"源", "Yuan"}, {"天", "Tian"}, {"成", "Cheng"}, {"博", "Bo"}, {"远", "Yuan"}, {"瑞", "Rui"},
		{"丰", "Feng"}, {"中", "Zhong"}, {"科", "Ke"}, {"嘉", "Jia"}, {"禾", "He"}, {"星", "Xing"}, {"河", "He"},
		{"长", "Chang"}, {"江", "Jiang"}, {"蓝", "Lan"}, {"恒", "Heng"}, {"通", "Tong"}, {"永", "Yong"},
		{"盛", "Sheng"}, {"光", "Guang"}, {"德", "De"}, {"安", "An"}, {"泰", "Tai"}, {"祥", "Xiang"}, {"龙", "Long"},
		{"飞", "Fei"}}
)

func (g *generator) personName(nationality string) string {
	if nationality == "CN" || nationality == "HK" {
		return pick(g, cnSurn) + " " + pick(g, cnGiven)
	}
	return pick(g, westGivn) + " " + pick(g, westSurn)
}

// identifiers gives companies registry numbers in ubo's identifier schemes
// (XI-LEI, GB-COH, CN-USCC, REG:<country>),
// derived from the id so they are unique.
func (g *generator) identifiers(country, id string) []string {
	n := id[1:]
	var ids []string
	switch country {
	case "GB":
		ids = append(ids, "GB-COH:"+pad(n, 8))
	case "CN":
		ids = append(ids, "CN-USCC:"+uscc(n))
	}
	if g.chance(0.3) {
		ids = append(ids, "XI-LEI:"+lei(n))
	}
	return ids
}

// lei returns a well-formed ISO 17442 LEI for the number n: a fixed prefix,
// n zero-padded to 18 characters, and ISO 7064 mod 97-10 check digits.
func lei(n string) string {
	base := "5493" + pad(n, 14)
	rem := 0
	for i := 0; i < len(base); i++ {
		rem = (rem*10 + int(base[i]-'0')) % 97
	}
	rem = rem * 100 % 97 // the two check digits, as "00"
	check := 98 - rem
	return base + string([]byte{byte('0' + check/10), byte('0' + check%10)})
}

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// uscc returns a well-formed GB 32100-2015 Unified Social Credit Code for
// the number n: enterprise (91), Beijing (110000), n as the organisation
// code, and the weighted mod 31 check character.
func uscc(n string) string {
	body := "91110000" + pad(n, 9)
	weight, sum := 1, 0
	for i := 0; i < len(body); i++ {
		sum += strings.IndexByte(usccAlphabet, body[i]) * weight
		weight = weight * 3 % 31
	}
	return body + string(usccAlphabet[(31-sum%31)%31])
}

func pad(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return strings.Repeat("0", width-len(s)) + s
}

// institutionalHolders gives a listed group's top company minority holders:
// Chinese state investment companies in Chinese groups (as Central Huijin
// and China Securities Finance hold stakes in most large A-share
// companies) and global asset managers, within the equity left free.
func (g *generator) institutionalHolders(top string, chinese bool) error {
	start := g.date()
	try := func(holders []string, p, maxShare float64) error {
		for _, h := range holders {
			free := 100 - g.allocated[top]
			if free < 1 || !g.chance(p) {
				continue
			}
			if err := g.rel(h, top, model.Ownership, model.Exact(g.exactShare(0.5, min(maxShare, free))), start, ""); err != nil {
				return err
			}
		}
		return nil
	}
	if chinese {
		if err := try(g.investorsCN, 0.6, 5); err != nil {
			return err
		}
	}
	return try(g.investorsWorld, 0.3, 6)
}
