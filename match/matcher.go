package match

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"

	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/names"
)

// Score adjustments. A country that agrees only breaks near-ties; one that
// conflicts, or a legal form of another kind, pulls an equal name below
// the default match threshold so that a person reviews it.
const (
	countryAgreeBonus   = 0.02
	countryConflictCost = 0.15
	legalConflictCost   = 0.12
	// Two legal forms agree when this share of the rarer one's ELF codes
	// are codes of the other too ("Ltd" and "Limited", "Co., Ltd." and
	// "有限公司"), and conflict below it ("Ltd" and "GmbH").
	legalAgreeOverlap = 0.5
)

// Defaults for a Matcher's bounds.
const (
	DefaultCandidateLimit = 25 // entities drawn from the name index per customer
	DefaultReported       = 3  // candidates kept in a result
)

// Matcher matches customers to entities. It holds no state between calls
// and is safe for concurrent use when its Candidates source is.
type Matcher struct {
	src      Candidates
	th       Thresholds
	limit    int
	reported int
}

// New returns a Matcher drawing entities from src.
func New(src Candidates, th Thresholds) *Matcher {
	return &Matcher{src: src, th: th, limit: DefaultCandidateLimit, reported: DefaultReported}
}

// Thresholds are the matcher's thresholds.
func (m *Matcher) Thresholds() Thresholds { return m.th }

// Match decides which entity c is: an entity carrying one of c's
// identifiers is a match of score 1; otherwise the entities the name index
// offers for c's name are scored and the thresholds decide.
func (m *Matcher) Match(ctx context.Context, c Customer) (Result, error) {
	rs, err := m.MatchAll(ctx, []Customer{c})
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

// MatchAll is Match of each customer, in order. A source with
// BatchCandidates is asked once for all the customers' identifiers and
// once for all their names, instead of once per customer; the results are
// the same.
func (m *Matcher) MatchAll(ctx context.Context, cs []Customer) ([]Result, error) {
	type pending struct {
		q   query
		ids []customerID
		res Result
	}
	ps := make([]pending, len(cs))
	var wanted []string
	seen := map[string]bool{}
	for i, c := range cs {
		country, _ := norm.Country(c.Country)
		p := &ps[i]
		p.q = query{country: country, name: names.Analyze(c.Name)}
		var idReasons []Reason
		p.ids, idReasons = customerIdentifiers(c, country)
		p.res.Reasons = append(p.res.Reasons, idReasons...)
		for _, id := range p.ids {
			if !seen[id.value] {
				seen[id.value] = true
				wanted = append(wanted, id.value)
			}
		}
	}
	byIdentifier, err := m.entitiesByIdentifiers(ctx, wanted)
	if err != nil {
		return nil, err
	}

	var queries [][]string
	var byName []int // ps index of each query
	for i := range ps {
		p := &ps[i]
		if m.identify(&p.res, p.q, p.ids, byIdentifier) {
			continue
		}
		tokens := names.QueryTokens(cs[i].Name)
		if len(tokens) == 0 {
			p.res.Status = NoMatch
			continue
		}
		queries = append(queries, tokens)
		byName = append(byName, i)
	}
	found, err := m.nameCandidates(ctx, queries)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(cs))
	for k, i := range byName {
		m.decideByName(&ps[i].res, ps[i].q, found[k])
	}
	for i := range ps {
		out[i] = ps[i].res
	}
	return out, nil
}

// identify decides res from the entities carrying the customer's
// identifiers, and says whether any did.
func (m *Matcher) identify(res *Result, q query, ids []customerID, byIdentifier map[string][]model.Entity) bool {
	byID := map[string]*Candidate{}
	var notFound []Reason
	for _, id := range ids {
		es := byIdentifier[id.value]
		if len(es) == 0 {
			notFound = append(notFound, Reason{Code: CodeIdentifierNotFound, Detail: id.value})
			continue
		}
		for _, e := range es {
			cand := byID[e.ID]
			if cand == nil {
				cand = m.score(q, e, 0)
				cand.Score = 1
				byID[e.ID] = cand
			}
			cand.Reasons = append([]Reason{{Code: CodeIdentifierEqual, Detail: id.value, Value: 1}}, cand.Reasons...)
		}
	}
	if len(byID) == 0 {
		// Said only when no identifier matched: one number written two
		// ways (GB-COH and REG:GB) is looked up under both.
		res.Reasons = append(res.Reasons, notFound...)
		return false
	}
	for _, cand := range byID {
		res.Candidates = append(res.Candidates, *cand)
	}
	sortCandidates(res.Candidates)
	if len(res.Candidates) == 1 {
		res.Status = Matched
	} else {
		res.Status = Review
		res.Reasons = append(res.Reasons, Reason{Code: CodeIdentifierAmbiguous, Value: float64(len(res.Candidates))})
	}
	res.Candidates = m.cut(res.Candidates)
	if res.Status == Matched {
		res.Best = &res.Candidates[0]
	}
	return true
}

// decideByName scores the entities the name index offered and lets the
// thresholds decide.
func (m *Matcher) decideByName(res *Result, q query, es []model.Entity) {
	// A name scoring less than this cannot reach the review threshold even
	// with the country bonus: its comparison may stop at its length.
	floor := m.th.Review - countryAgreeBonus - 0.001
	for _, e := range es {
		res.Candidates = append(res.Candidates, *m.score(q, e, floor))
	}
	sortCandidates(res.Candidates)
	res.Candidates = slices.DeleteFunc(res.Candidates, func(c Candidate) bool { return c.Score < m.th.Review })
	res.Candidates = m.cut(res.Candidates)
	switch {
	case len(res.Candidates) == 0:
		res.Status = NoMatch
	case res.Candidates[0].Score >= m.th.Match:
		best := res.Candidates[0]
		if len(res.Candidates) > 1 && best.Score-res.Candidates[1].Score <= m.th.TieMargin {
			res.Status = Review
			res.Reasons = append(res.Reasons, Reason{Code: CodeTie, Detail: res.Candidates[1].Entity.ID,
				Value: best.Score - res.Candidates[1].Score})
		} else {
			res.Status, res.Best = Matched, &res.Candidates[0]
		}
	default:
		res.Status = Review
	}
}

// entitiesByIdentifiers looks identifiers up, all at once when the source
// can.
func (m *Matcher) entitiesByIdentifiers(ctx context.Context, ids []string) (map[string][]model.Entity, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if b, ok := m.src.(BatchCandidates); ok {
		found, err := b.EntitiesByIdentifiers(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("match: %d identifier(s): %w", len(ids), err)
		}
		return found, nil
	}
	found := make(map[string][]model.Entity, len(ids))
	for _, id := range ids {
		es, err := m.src.EntitiesByIdentifier(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("match: identifier %s: %w", id, err)
		}
		found[id] = es
	}
	return found, nil
}

// nameCandidates draws each query's candidates, all at once when the
// source can.
func (m *Matcher) nameCandidates(ctx context.Context, queries [][]string) ([][]model.Entity, error) {
	if len(queries) == 0 {
		return nil, nil
	}
	if b, ok := m.src.(BatchCandidates); ok {
		found, err := b.NameCandidatesEach(ctx, queries, m.limit)
		if err != nil {
			return nil, fmt.Errorf("match: name candidates of %d customer(s): %w", len(queries), err)
		}
		if len(found) != len(queries) {
			return nil, fmt.Errorf("match: name candidates: %d answers to %d queries", len(found), len(queries))
		}
		return found, nil
	}
	found := make([][]model.Entity, len(queries))
	for i, q := range queries {
		es, err := m.src.NameCandidates(ctx, q, m.limit)
		if err != nil {
			return nil, fmt.Errorf("match: name candidates of %q: %w", strings.Join(q, " "), err)
		}
		found[i] = es
	}
	return found, nil
}

func (m *Matcher) cut(cs []Candidate) []Candidate {
	if len(cs) > m.reported {
		return cs[:m.reported]
	}
	return cs
}

func sortCandidates(cs []Candidate) {
	slices.SortStableFunc(cs, func(a, b Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Entity.ID, b.Entity.ID)
	})
}

// query is a customer prepared for scoring.
type query struct {
	name    names.Analysis
	country string // ISO alpha-2, "" when not given
}

// score compares the customer with every name of e and keeps the best,
// then adjusts for legal form and country. Name similarities not above
// floor may be reported as 0 (the caller drops such candidates).
func (m *Matcher) score(q query, e model.Entity, floor float64) *Candidate {
	cand := &Candidate{Entity: e}
	var best nameScore
	var bestName names.Analysis
	analyze := names.Analyze
	if q.name.Reading == "" {
		analyze = names.AnalyzeUnread // the candidate's reading would not be compared
	}
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		a := analyze(n)
		// A name is kept only if it beats the best so far, so it need not
		// be compared beyond that.
		if s := m.compareNames(q.name, a, max(floor, best.value)); s.value > best.value || cand.MatchedName == "" {
			best, bestName, cand.MatchedName = s, a, n
		}
	}
	cand.Score = best.value
	cand.Reasons = append(cand.Reasons, Reason{Code: CodeNameSimilarity, Detail: best.how, Value: round(best.value)})
	switch legalFormAgreement(q.name.LegalCodes, bestName.LegalCodes) {
	case 1:
		cand.Reasons = append(cand.Reasons, Reason{Code: CodeLegalFormAgree,
			Detail: strings.Join(q.name.LegalForms, " ") + " = " + strings.Join(bestName.LegalForms, " ")})
	case -1:
		cand.Score -= legalConflictCost
		cand.Reasons = append(cand.Reasons, Reason{Code: CodeLegalFormConflict,
			Detail: strings.Join(q.name.LegalForms, " ") + " ≠ " + strings.Join(bestName.LegalForms, " "), Value: -legalConflictCost})
	}
	if q.country != "" {
		if countries := entityCountries(e); len(countries) > 0 {
			if slices.Contains(countries, q.country) {
				cand.Score += countryAgreeBonus
				cand.Reasons = append(cand.Reasons, Reason{Code: CodeCountryAgree, Detail: q.country + " = " + q.country, Value: countryAgreeBonus})
			} else {
				cand.Score -= countryConflictCost
				cand.Reasons = append(cand.Reasons, Reason{Code: CodeCountryConflict,
					Detail: q.country + " ≠ " + strings.Join(countries, "/"), Value: -countryConflictCost})
			}
		}
	}
	cand.Score = round(min(1, max(0, cand.Score)))
	return cand
}

type nameScore struct {
	value float64
	how   string // NameExact, NameAfterLegalForm, NameWordOrder, NamePinyin
}

// How two names were found alike, for the reason text.
const (
	NameExact          = "exact"
	NameAfterLegalForm = "after legal form"
	NameWordOrder      = "in another word order"
	NamePinyin         = "as pinyin"
)

// compareNames is the best of: the folded names equal; the names without
// legal forms, as written and with their words sorted; and, when both read
// as pinyin, their readings. Each comparison is Levenshtein similarity
// (1 − edits / longer length). A comparison that cannot exceed atLeast
// is not made: a best not above atLeast may be reported as 0.
func (m *Matcher) compareNames(a, b names.Analysis, atLeast float64) nameScore {
	if a.Folded == "" || b.Folded == "" {
		return nameScore{}
	}
	if a.Folded == b.Folded {
		return nameScore{1, NameExact}
	}
	best := nameScore{similarity(a.Folded, b.Folded, atLeast), NameExact}
	consider := func(x, y, how string) {
		if v := similarity(x, y, max(atLeast, best.value)); v > best.value {
			best = nameScore{v, how}
		}
	}
	if ca, cb := a.Core(), b.Core(); ca != "" && cb != "" {
		consider(ca, cb, NameAfterLegalForm)
		if len(a.Words) > 1 || len(b.Words) > 1 {
			consider(sortedWords(a.Words), sortedWords(b.Words), NameWordOrder)
		}
	}
	if a.Reading != "" && b.Reading != "" {
		consider(a.Reading, b.Reading, NamePinyin)
	}
	return best
}

// similarity is the Levenshtein similarity of a and b, 1 − edits / longer
// length in characters; 0 without computing it when the lengths alone
// keep it from exceeding atLeast (it is at most 1 − length difference /
// longer length), which spares most comparisons of a candidate list.
func similarity(a, b string, atLeast float64) float64 {
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	longer := max(la, lb)
	if longer == 0 {
		return 1
	}
	if 1-float64(abs(la-lb))/float64(longer) <= atLeast {
		return 0
	}
	if atLeast > 0 && 1-float64(bagDistance(a, b))/float64(longer) <= atLeast {
		return 0
	}
	return 1 - float64(levenshtein.ComputeDistance(a, b))/float64(longer)
}

// bagDistance is a lower bound of the Levenshtein distance of two ASCII
// strings, found in linear time: an edit changes at most one character of
// each multiset, so the distance is at least the larger count of
// characters one string has and the other lacks. It is 0 (no bound) when
// either string is not ASCII.
func bagDistance(a, b string) int {
	var count [128]int
	for i := 0; i < len(a); i++ {
		if a[i] >= 128 {
			return 0
		}
		count[a[i]]++
	}
	for i := 0; i < len(b); i++ {
		if b[i] >= 128 {
			return 0
		}
		count[b[i]]--
	}
	more, less := 0, 0
	for _, c := range count {
		if c > 0 {
			more += c
		} else {
			less -= c
		}
	}
	return max(more, less)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func sortedWords(w []string) string {
	s := slices.Clone(w)
	slices.Sort(s)
	return strings.Join(s, " ")
}

// legalFormAgreement is 1 when both names carry legal forms of the same
// kind, -1 when of different kinds, 0 when either has none.
func legalFormAgreement(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	// Both are sorted: one merge walk counts the codes they share.
	shared := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			shared++
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	if float64(shared) >= legalAgreeOverlap*float64(min(len(a), len(b))) {
		return 1
	}
	return -1
}

// entityCountries are the countries an entity is known by: jurisdiction,
// headquarters, addresses, and for persons nationality and residence.
func entityCountries(e model.Entity) []string {
	var out []string
	add := func(c string) {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	add(e.Jurisdiction)
	add(e.HQCountry)
	for _, c := range e.AddressCountries {
		add(c)
	}
	add(e.Residence)
	for _, c := range e.Nationality {
		add(c)
	}
	return out
}

func round(v float64) float64 { return float64(int(v*1e4+0.5)) / 1e4 }

type customerID struct{ value string }

// customerIdentifiers normalises the customer's identifiers to the
// "SCHEME:value" form the ingestors store. An identifier that fails its
// check (an LEI's mod 97, a USCC's check character) is not looked up; the
// reason says so and matching falls back to the name.
func customerIdentifiers(c Customer, country string) ([]customerID, []Reason) {
	var ids []customerID
	var reasons []Reason
	add := func(v string) {
		if v != "" && !slices.ContainsFunc(ids, func(x customerID) bool { return x.value == v }) {
			ids = append(ids, customerID{v})
		}
	}
	try := func(scheme, value string) {
		v, err := norm.Identifier(scheme, value)
		if err != nil {
			reasons = append(reasons, Reason{Code: CodeIdentifierInvalid, Detail: scheme + ":" + strings.TrimSpace(value)})
			return
		}
		add(v)
	}
	if strings.TrimSpace(c.LEI) != "" {
		try(norm.SchemeLEI, c.LEI)
	}
	if strings.TrimSpace(c.USCC) != "" {
		try(norm.SchemeUSCC, c.USCC)
	}
	if n := strings.TrimSpace(c.RegistrationNumber); n != "" {
		rc := country
		if c.RegistrationCountry != "" {
			rc, _ = norm.Country(c.RegistrationCountry)
		}
		if rc == "GB" {
			if coh := resolve.GBCompanyNumber(n); coh != "" {
				add(norm.SchemeCOH + ":" + coh)
			}
		}
		if rc != "" {
			add(resolve.RegistryIdentifier(rc, n))
		} else {
			reasons = append(reasons, Reason{Code: CodeIdentifierInvalid, Detail: "registration_number " + n + " without a country"})
		}
	}
	for _, s := range c.Identifiers {
		v, err := norm.ParseIdentifier(s)
		if err != nil {
			reasons = append(reasons, Reason{Code: CodeIdentifierInvalid, Detail: strings.TrimSpace(s)})
			continue
		}
		add(v)
	}
	return ids, reasons
}
