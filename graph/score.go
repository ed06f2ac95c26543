package graph

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// tolerance absorbs floating-point noise when a sum is compared with a
// threshold: 16.67 + 16.67 + 16.66 is 50 for every user.
const tolerance = 1e-9

// Bounds that keep every per-entity computation near-linear.
const (
	maxSweeps     = 2000 // Gauss–Seidel sweeps per strongly connected component
	maxWalk       = 4096 // controllers visited walking up from one holder
	maxClosure    = 4096 // entities visited collecting controllers of one entity
	convergeDelta = 1e-12
)

// Why an entity is a root.
const (
	whyNone uint8 = iota
	whyIncorporation
	whyHeadquarters
	whyStateBody
	whyNationality
	whyResidence
	whyListTag
)

// Entity kind codes used in rules.
const (
	kindPerson    = 1
	kindStateBody = 2
)

// Verdict codes: index into the policy's verdicts (Scoring.verdictNames, 0
// strongest: the root verdict).
const (
	vChinese uint8 = iota
	vControlled
	vOwned50
	vJoint
	vSignificant
	vMinority
	vClear
)

const (
	certain  = 0
	possible = 1
)

// Link flag bits (combined assertions).
const (
	linkLoStrict = 1 << iota // the lower bound is exclusive: value is lo + ε
	linkHiStrict             // the upper bound is exclusive: value is hi − ε
	linkUnknown              // no assertion gave a share
)

// Per-entity facts of one mode, packed into one byte per entity.
const (
	fRoot     uint8 = 1 << iota // in R (possible: or an unknown holder)
	fUStrict                    // U is approached strictly
	fVStrict                    // V is approached strictly
	fInC                        // in the aggregate set C
	fCtrlRoot                   // a root is in the upward control closure
	fJC                         // joint control reaches the root side
)

// modeState holds one way of computing (certain or possible).
type modeState struct {
	flags []uint8 // f* bits per entity
	u     []float64
	v     []float64

	// Direct controllers of each entity: ctlPool[ctlStart[t]:ctlStart[t]+ctlLen[t]]
	// while the fixed point runs, then ctlPool[ctlOff[t]:ctlOff[t+1]].
	ctlStart, ctlLen []uint32
	ctlOff           []uint32
	ctlPool          []uint32
	// Joint control pairs, as held<<32|partner sorted, and partner<<32|held sorted.
	joint, jointByPartner []uint64
}

// is reports whether entity t has flag f in this mode.
func (ms *modeState) is(t uint32, f uint8) bool { return ms.flags[t]&f != 0 }

// Scoring is the outcome of scoring a Graph under a Policy at a date.
type Scoring struct {
	g    *Graph
	p    *policy.Policy
	asOf time.Time

	// Combined links (all active assertions of one holder, held and kind),
	// CSR by held entity, ordered by holder then kind.
	lOff    []uint32
	lHolder []uint32
	lHeld   []uint32
	lKind   []uint8
	lShare  []uint32   // index into shares
	shares  []shareVal // the graph's share table, then intervals links computed
	lFlags  []uint8
	lEdge   []uint32 // the assertion cited as evidence
	// Links grouped by holder.
	lOutOff, lOut []uint32

	ctrlKind, inflKind [16]bool
	excluded           []bool
	rootWhy            []uint8 // why an entity is a root (why* constants); whyNone otherwise
	// concern is the policy's countries of concern, built once: the
	// evidence sentences name a root's country per path.
	concern map[string]bool

	// skip marks (bit per edge) the indirect ownership/voting assertions
	// that restate a chain already in the graph; nil when there are none.
	skip            []uint64
	skippedIndirect int

	m [2]modeState

	evBudget evidenceBudget
	rel      [numRelClasses][2]relSet // the evidence searches' link filters

	final, possibleFinal []uint8
	verdictNames         []model.Verdict // by verdict code, as the policy names them
	words                model.RootWords // the policy's words for its roots
	counts               map[model.Verdict]int
	indeterminate        int
}

// Score runs every computation of the scoring semantics over g (U, the
// aggregate rule C, control and joint control, V, evidence, verdicts). A
// zero asOf means the policy's AsOf date, or today when that is empty too;
// relationships that ended on or before it, or start after it, are ignored.
func Score(g *Graph, p *policy.Policy, asOf time.Time) (*Scoring, error) {
	if g == nil {
		return nil, errors.New("graph: score: nil graph")
	}
	if p == nil {
		return nil, errors.New("graph: score: nil policy")
	}
	if asOf.IsZero() {
		t, err := p.AsOfDate()
		if err != nil {
			return nil, fmt.Errorf("graph: score: policy %q: field \"as_of\": %w", p.Name, err)
		}
		asOf = t
		if asOf.IsZero() {
			asOf = time.Now().UTC()
		}
	}
	s := &Scoring{g: g, p: p, asOf: asOf, evBudget: defaultEvidenceBudget,
		verdictNames: p.Verdicts(), words: p.Words()}
	for _, k := range p.ControlKinds {
		if c := relCode(k); int(c) < len(s.ctrlKind) {
			s.ctrlKind[c] = true
		}
	}
	for _, k := range p.InfluenceKinds {
		if c := relCode(k); int(c) < len(s.inflKind) {
			s.inflKind[c] = true
		}
	}
	s.final = make([]uint8, g.NumEntities())
	s.possibleFinal = make([]uint8, g.NumEntities())
	s.roots()
	day := dayOf(asOf)
	s.skip = s.indirectShortcuts(day)
	s.combine(day)
	scratch := newScratch(g.NumEntities())
	order, compOff := s.components(scratch)
	for md := range s.m {
		s.integrated(md, order, compOff)
		s.aggregate(md, scratch)
		s.control(md, order, compOff, scratch)
		s.rootSide(md)
		s.verdicts(md)
	}
	s.finish()
	// Results need links by held entity only.
	s.lOutOff, s.lOut = nil, nil
	return s, nil
}

var (
	ownCode  = relCode(model.Ownership)
	voteCode = relCode(model.Voting)
)

// roots marks the Chinese roots R and the entities excluded by jurisdiction.
func (s *Scoring) roots() {
	g, p := s.g, s.p
	n := g.NumEntities()
	concern := p.ConcernCountries()
	s.concern = concern
	exclude := make(map[string]bool, len(p.ExcludeJurisdictions))
	for _, j := range p.ExcludeJurisdictions {
		exclude[j] = true
	}
	tags := make(map[string]bool, len(p.Roots.ListTags))
	for _, t := range p.Roots.ListTags {
		tags[t] = true
	}
	s.excluded = make([]bool, n)
	s.rootWhy = make([]uint8, n)
	for md := range s.m {
		s.m[md].flags = make([]uint8, n)
	}
	cert, poss := s.m[certain].flags, s.m[possible].flags
	asOf := s.asOf.UTC().Format(time.DateOnly)
	// listed reports whether a list tag counts at the as-of date: a tag of
	// the policy, or one a snapshot retired after that date.
	listed := func(t string) bool {
		if tags[t] {
			return true
		}
		date, was, ok := model.RetiredTag(t)
		return ok && date > asOf && tags[was]
	}
	// inactive: the only source that knew the entity stopped asserting it
	// on or before the as-of date; then it is no root (relationships end
	// the same way: on or before the as-of date ⇒ ignored).
	inactive := func(t string) bool {
		date, ok := model.InactiveSince(t)
		return ok && date <= asOf
	}
	for i := range n {
		a := g.attrs[i]
		if slices.ContainsFunc(g.sets[a.lists], inactive) {
			continue
		}
		jur, hq, res := g.countries[a.jur], g.countries[a.hq], g.countries[a.res]
		if jur != "" && exclude[jur] {
			// DOJ: an entity organised under US law is a US person and never
			// a covered person; it is neither a root nor flagged.
			s.excluded[i] = true
			continue
		}
		why := whyNone
		switch {
		case p.Roots.StateBody && a.kind == kindStateBody && (concern[jur] || concern[hq]):
			why = whyStateBody
		case p.Roots.Incorporation && concern[jur] && a.kind != kindPerson:
			why = whyIncorporation
		case p.Roots.Headquarters && concern[hq] && a.kind != kindPerson:
			why = whyHeadquarters
		case a.kind == kindPerson && p.Roots.Nationality && slices.ContainsFunc(g.sets[a.nat], func(c string) bool { return concern[c] }):
			why = whyNationality
		case a.kind == kindPerson && p.Roots.Residence && concern[res]:
			why = whyResidence
		case slices.ContainsFunc(g.sets[a.lists], listed):
			why = whyListTag
		}
		if why != whyNone {
			s.rootWhy[i] = why
			cert[i] |= fRoot
		}
		if cert[i] != 0 || a.kind == kindUnknown {
			poss[i] |= fRoot
		}
	}
}

// relevant reports whether links of kind k take part in scoring.
func (s *Scoring) relevant(k uint8) bool {
	return k == ownCode || k == voteCode || s.ctrlKind[k] || s.inflKind[k]
}

// Bounds of the search for a chain behind an indirect edge.
const (
	maxIndirectDepth = 12      // hops
	maxIndirectScan  = 1 << 16 // edges looked at per search
)

// indirectShortcuts marks the active ownership and voting edges a source
// states as indirect (h holds t through intermediaries) for which the
// graph also has a chain of ownership/voting edges not marked indirect
// from h to t: the sums of U, C and V already count that chain, and adding
// the shortcut would count the same stake twice (BODS publishers state
// both). An indirect edge with no such chain (a PSC holding "as trust"
// whose trust is not in the data) is the only record of the stake and
// counts. Indirect control-kind edges are boolean and always count.
func (s *Scoring) indirectShortcuts(day int32) []uint64 {
	g := s.g
	if g.indirect == 0 {
		return nil
	}
	var (
		skip         []uint64
		walk         = chainWalk{seen: make([]uint32, g.NumEntities())}
		lastH, lastT = uint32(math.MaxUint32), uint32(math.MaxUint32)
		lastFound    bool
		active       = func(ed *edge) bool { return ed.start <= day && ed.end > day }
		isShare      = func(k uint8) bool { return k == ownCode || k == voteCode }
	)
	for e := range g.edges {
		ed := &g.edges[e]
		if ed.flags&flagIndirect == 0 || !isShare(ed.kind) || !active(ed) {
			continue
		}
		// Edges are sorted by held then holder: assertions of one pair
		// (ownership and voting, several sources) are adjacent.
		if ed.holder != lastH || ed.held != lastT {
			lastH, lastT = ed.holder, ed.held
			lastFound = s.chainExists(ed.holder, ed.held, day, &walk)
		}
		if !lastFound {
			continue
		}
		if skip == nil {
			skip = make([]uint64, (len(g.edges)+63)/64)
		}
		skip[e/64] |= 1 << (e % 64)
		s.skippedIndirect++
	}
	return skip
}

// chainWalk is the working memory of chainExists: seen[x] is mark when
// the search down from the holder reached x, mark+1 when the search up
// from the held entity did.
type chainWalk struct {
	seen           []uint32
	mark           uint32
	down, up, next []uint32
}

// chainExists reports whether a path of active ownership/voting edges not
// marked indirect leads from h to t within maxIndirectDepth hops. It
// searches from both ends at once, each step widening the side with fewer
// edges to look at: a state investor may hold thousands of companies, a
// company has few holders, so neither a huge holder nor a widely held
// company makes the search expensive. The answer does not depend on the
// input order (frontiers and edges are in index order). When the search
// would pass its bounds before finding a path it answers false, so the
// indirect edge counts: for screening, a stake counted twice in a
// pathological graph is a smaller harm than a Chinese stake hidden by a
// cut-off search.
func (s *Scoring) chainExists(h, t uint32, day int32, w *chainWalk) bool {
	g := s.g
	w.mark += 2
	fwd, bwd := w.mark, w.mark+1
	w.seen[h], w.seen[t] = fwd, bwd
	w.down = append(w.down[:0], h)
	w.up = append(w.up[:0], t)
	usable := func(ed *edge) bool {
		return ed.flags&flagIndirect == 0 && (ed.kind == ownCode || ed.kind == voteCode) &&
			ed.start <= day && ed.end > day
	}
	scanned := 0
	for hops := 0; hops < maxIndirectDepth && len(w.down) > 0 && len(w.up) > 0; hops++ {
		downCost, upCost := 0, 0
		for _, x := range w.down {
			downCost += int(g.outOff[x+1] - g.outOff[x])
		}
		for _, x := range w.up {
			upCost += int(g.inOff[x+1] - g.inOff[x])
		}
		if scanned += min(downCost, upCost); scanned > maxIndirectScan {
			return false // bound hit: count the indirect edge
		}
		w.next = w.next[:0]
		if downCost <= upCost {
			for _, x := range w.down {
				for _, e := range g.outEdg[g.outOff[x]:g.outOff[x+1]] {
					ed := &g.edges[e]
					if !usable(ed) {
						continue
					}
					switch w.seen[ed.held] {
					case bwd:
						return true
					case fwd:
					default:
						w.seen[ed.held] = fwd
						w.next = append(w.next, ed.held)
					}
				}
			}
			w.down, w.next = w.next, w.down
		} else {
			for _, x := range w.up {
				for e := g.inOff[x]; e < g.inOff[x+1]; e++ {
					ed := &g.edges[e]
					if !usable(ed) {
						continue
					}
					switch w.seen[ed.holder] {
					case fwd:
						return true
					case bwd:
					default:
						w.seen[ed.holder] = bwd
						w.next = append(w.next, ed.holder)
					}
				}
			}
			w.up, w.next = w.next, w.up
		}
	}
	return false
}

// combine merges the active assertions of each (holder, held, kind) into
// one link: the intersection of their intervals, or their hull when they
// contradict each other; then gives unknown ownership/voting shares
// [0, 100 − the other holders' minimums].
func (s *Scoring) combine(day int32) {
	g := s.g
	n := g.NumEntities()
	s.lOff = make([]uint32, n+1)
	// At most one link per edge: sized once, the columns never grow (a
	// grown column leaves its old copy behind as garbage).
	m := g.NumEdges()
	s.lHolder, s.lHeld, s.lEdge = make([]uint32, 0, m), make([]uint32, 0, m), make([]uint32, 0, m)
	s.lKind, s.lFlags = make([]uint8, 0, m), make([]uint8, 0, m)
	s.lShare = make([]uint32, 0, m)
	s.shares = slices.Clip(slices.Clone(g.shares))
	for t := range n {
		from, to := g.inOff[t], g.inOff[t+1]
		for e := from; e < to; {
			h, k := g.edges[e].holder, g.edges[e].kind
			end := e
			for end < to && g.edges[end].holder == h && g.edges[end].kind == k {
				end++
			}
			if s.relevant(k) {
				s.addLink(uint32(t), e, end, day)
			}
			e = end
		}
		s.lOff[t+1] = uint32(len(s.lHolder))
		s.resolveUnknown(t)
	}
	// Links grouped by holder.
	s.lOutOff = make([]uint32, n+1)
	for _, h := range s.lHolder {
		s.lOutOff[h+1]++
	}
	for i := 1; i <= n; i++ {
		s.lOutOff[i] += s.lOutOff[i-1]
	}
	pos := slices.Clone(s.lOutOff[:n])
	s.lOut = make([]uint32, len(s.lHolder))
	for l, h := range s.lHolder {
		s.lOut[pos[h]] = uint32(l)
		pos[h]++
	}
}

func (s *Scoring) addLink(t, from, to uint32, day int32) {
	g := s.g
	var (
		have, known      bool
		lo, hi           float64
		loS, hiS         bool
		hullLo, hullHi   = math.Inf(1), math.Inf(-1)
		hullLoS, hullHiS bool
		rep              = uint32(math.MaxUint32)
		firstActive      uint32
	)
	for e := from; e < to; e++ {
		ed := &g.edges[e]
		if ed.start > day || ed.end <= day {
			continue // not yet started or already ended at the as-of date
		}
		if s.skip != nil && s.skip[e/64]&(1<<(e%64)) != 0 {
			continue // an indirect restatement of a chain in the graph
		}
		if !have {
			firstActive = e
		}
		have = true
		f := ed.flags
		if f&flagKnown == 0 {
			continue
		}
		sv := g.shares[ed.share]
		elo, ehi := sv.lo, sv.hi
		eloS, ehiS := f&flagMinExcl != 0, f&flagMaxExcl != 0
		if !known {
			known, lo, hi, loS, hiS, rep = true, elo, ehi, eloS, ehiS, e
		} else {
			if elo > lo || (elo == lo && eloS) {
				lo, loS = elo, eloS
			}
			if ehi < hi || (ehi == hi && ehiS) {
				hi, hiS = ehi, ehiS
			}
		}
		if elo < hullLo || (elo == hullLo && !eloS) {
			hullLo, hullLoS = elo, eloS
		}
		if ehi > hullHi || (ehi == hullHi && !ehiS) {
			hullHi, hullHiS = ehi, ehiS
		}
	}
	if !have {
		return
	}
	var flags uint8
	if !known {
		lo, hi, rep = 0, 100, firstActive
		flags |= linkUnknown
	} else if lo > hi || (lo == hi && (loS || hiS)) {
		// The sources contradict each other: keep the whole range they span,
		// so "certain" and "possible" differ and the entity is indeterminate.
		lo, hi, loS, hiS = hullLo, hullHi, hullLoS, hullHiS
	}
	if loS {
		flags |= linkLoStrict
	}
	if hiS {
		flags |= linkHiStrict
	}
	s.lHolder = append(s.lHolder, g.edges[from].holder)
	s.lHeld = append(s.lHeld, t)
	s.lKind = append(s.lKind, g.edges[from].kind)
	s.lShare = append(s.lShare, s.shareIndex(g.edges[rep].share, lo, hi))
	s.lFlags = append(s.lFlags, flags)
	s.lEdge = append(s.lEdge, rep)
}

// resolveUnknown gives each unknown ownership or voting link into t the
// interval [0, 100 − the other holders' minimums of the same kind].
func (s *Scoring) resolveUnknown(t int) {
	from, to := s.lOff[t], s.lOff[t+1]
	for _, kind := range []uint8{ownCode, voteCode} {
		sum, strict, unknowns := 0.0, false, 0
		for l := from; l < to; l++ {
			if s.lKind[l] != kind {
				continue
			}
			if s.lFlags[l]&linkUnknown != 0 {
				unknowns++
				continue
			}
			sum += s.shares[s.lShare[l]].lo
			strict = strict || s.lFlags[l]&linkLoStrict != 0
		}
		if unknowns == 0 {
			continue
		}
		hi := 100 - sum
		if hi <= 0 {
			hi, strict = 0, false
		}
		for l := from; l < to; l++ {
			if s.lKind[l] == kind && s.lFlags[l]&linkUnknown != 0 {
				s.lShare[l] = s.shareIndex(s.lShare[l], s.shares[s.lShare[l]].lo, hi)
				if strict {
					s.lFlags[l] |= linkHiStrict
				}
			}
		}
	}
}

// val is link l's share in percent the md way, and whether that value is
// approached strictly (lo + ε for certain, hi − ε for possible).
func (s *Scoring) val(l uint32, md int) (float64, bool) {
	if md == certain {
		return s.shares[s.lShare[l]].lo, s.lFlags[l]&linkLoStrict != 0
	}
	return s.shares[s.lShare[l]].hi, s.lFlags[l]&linkHiStrict != 0
}

// shareIndex is the index of the interval [lo, hi]: the existing entry
// like when it holds exactly these values (the common case: one assertion,
// its interval unchanged), else a new entry.
func (s *Scoring) shareIndex(like uint32, lo, hi float64) uint32 {
	if sv := s.shares[like]; math.Float64bits(sv.lo) == math.Float64bits(lo) && math.Float64bits(sv.hi) == math.Float64bits(hi) {
		return like
	}
	s.shares = append(s.shares, shareVal{lo, hi})
	return uint32(len(s.shares) - 1)
}

// meets compares an amount with a threshold honouring exclusive bounds:
// in certain mode a strict amount is v + ε, in possible mode v − ε.
func meets(th policy.Threshold, v float64, strict bool, md int) bool {
	switch {
	case v > th.Value+tolerance:
		return true
	case v < th.Value-tolerance:
		return false
	case th.Inclusive:
		return !(strict && md == possible)
	default:
		return strict && md == certain
	}
}

// positive is "> 0" with the same exclusivity rules.
func positive(v float64, strict bool, md int) bool {
	return meets(policy.Threshold{Value: 0}, v, strict, md)
}

// components returns the strongly connected components of the graph of
// ownership, voting and control links in topological order (holders
// before held), using an iterative Tarjan: order lists entities component
// by component, compOff delimits the components.
func (s *Scoring) components(sc *scratch) (order []uint32, compOff []uint32) {
	n := s.g.NumEntities()
	// Tarjan's numbers live in the control scratch columns, cleared again
	// below: no two more columns of n to leave behind as garbage.
	const unvisited = math.MaxUint32
	index, low := sc.seen, sc.accStamp
	defer func() {
		clear(sc.seen)
		clear(sc.accStamp)
	}()
	onStack := make([]bool, n)
	for i := range index {
		index[i] = unvisited
	}
	type frame struct{ v, pos uint32 }
	var (
		stack []uint32
		calls []frame
		next  uint32
	)
	order = make([]uint32, 0, n)
	compOff = []uint32{0}
	edgeOK := func(l uint32) bool {
		k := s.lKind[l]
		return k == ownCode || k == voteCode || s.ctrlKind[k]
	}
	for root := range n {
		if index[root] != unvisited {
			continue
		}
		index[root], low[root] = next, next
		next++
		stack = append(stack, uint32(root))
		onStack[root] = true
		calls = append(calls, frame{uint32(root), s.lOutOff[root]})
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			v := f.v
			if f.pos < s.lOutOff[v+1] {
				l := s.lOut[f.pos]
				f.pos++
				if !edgeOK(l) {
					continue
				}
				w := s.heldOf(l)
				if index[w] == unvisited {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{w, s.lOutOff[w]})
				} else if onStack[w] && index[w] < low[v] {
					low[v] = index[w]
				}
				continue
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				if p := calls[len(calls)-1].v; low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					order = append(order, w)
					if w == v {
						break
					}
				}
				compOff = append(compOff, uint32(len(order)))
			}
		}
	}
	// Tarjan emits held before holder: reverse the order in place (the
	// components' order and their offsets with it), and sort members so
	// that iteration inside a component is deterministic.
	slices.Reverse(order)
	slices.Reverse(compOff)
	for i := range compOff {
		compOff[i] = uint32(n) - compOff[i]
	}
	for c := 0; c+1 < len(compOff); c++ {
		if members := order[compOff[c]:compOff[c+1]]; len(members) > 1 {
			slices.Sort(members)
		}
	}
	return order, compOff
}

// heldOf is the held entity of link l.
func (s *Scoring) heldOf(l uint32) uint32 { return s.lHeld[l] }

// integrated computes U, the least fixed point of
// U(t) = Σ s(o,t)·(o ∈ R ? 100% : U(o)), per component in topological
// order, then which values are approached strictly.
func (s *Scoring) integrated(md int, order, compOff []uint32) {
	ms := &s.m[md]
	n := s.g.NumEntities()
	ms.u = make([]float64, n)
	compute := func(t uint32) float64 {
		if ms.is(t, fRoot) {
			return 100
		}
		sum := 0.0
		for l := s.lOff[t]; l < s.lOff[t+1]; l++ {
			if s.lKind[l] != ownCode {
				continue
			}
			o := s.lHolder[l]
			base := ms.u[o]
			if ms.is(o, fRoot) {
				base = 100
			}
			if base == 0 {
				continue
			}
			v, _ := s.val(l, md)
			sum += v * base / 100
		}
		return min(sum, 100)
	}
	for c := 0; c+1 < len(compOff); c++ {
		members := order[compOff[c]:compOff[c+1]]
		if len(members) == 1 {
			ms.u[members[0]] = compute(members[0])
			continue
		}
		for sweep := 0; sweep < maxSweeps; sweep++ {
			delta := 0.0
			for _, t := range members {
				nu := compute(t)
				delta = max(delta, nu-ms.u[t])
				ms.u[t] = nu
			}
			if delta <= convergeDelta {
				break
			}
		}
	}
	// Strictness: a term is strict when its share is strict and the holder's
	// base is positive, or the holder's U is strict and the share positive.
	var work []uint32
	mark := func(t uint32) {
		if !ms.is(t, fUStrict) && !ms.is(t, fRoot) && ms.u[t] < 100 {
			ms.flags[t] |= fUStrict
			work = append(work, t)
		}
	}
	for t := range uint32(n) {
		for l := s.lOff[t]; l < s.lOff[t+1]; l++ {
			if s.lKind[l] != ownCode {
				continue
			}
			o := s.lHolder[l]
			if _, st := s.val(l, md); st && (ms.is(o, fRoot) || ms.u[o] > 0) {
				mark(t)
				break
			}
		}
	}
	for len(work) > 0 {
		o := work[len(work)-1]
		work = work[:len(work)-1]
		for p := s.lOutOff[o]; p < s.lOutOff[o+1]; p++ {
			l := s.lOut[p]
			if s.lKind[l] != ownCode {
				continue
			}
			if v, st := s.val(l, md); v > 0 || st {
				mark(s.heldOf(l))
			}
		}
	}
}

// aggregate computes C, the least set containing R in which t is a member
// when the ownership shares held directly by members sum to the aggregate
// threshold — a worklist, so mutual holdings never cover each other.
func (s *Scoring) aggregate(md int, sc *scratch) {
	ms := &s.m[md]
	n := s.g.NumEntities()
	// The control scratch columns: control() resets an entry before using it.
	sum, strict := sc.acc, sc.accS
	clear(sum)
	clear(strict)
	var work []uint32
	for t := range uint32(n) {
		if ms.is(t, fRoot) {
			ms.flags[t] |= fInC
			work = append(work, t)
		}
	}
	for len(work) > 0 {
		o := work[len(work)-1]
		work = work[:len(work)-1]
		for p := s.lOutOff[o]; p < s.lOutOff[o+1]; p++ {
			l := s.lOut[p]
			if s.lKind[l] != ownCode {
				continue
			}
			t := s.heldOf(l)
			if ms.is(t, fInC) {
				continue
			}
			v, st := s.val(l, md)
			sum[t] += v
			strict[t] = strict[t] || st
			if meets(s.p.Thresholds.Aggregate, sum[t], strict[t], md) {
				ms.flags[t] |= fInC
				work = append(work, t)
			}
		}
	}
}

// voteEntry is one holder's votes in an entity.
type voteEntry struct {
	holder uint32
	link   uint32
	v      float64
	strict bool
}

// votes lists the holders' votes in t: the voting share where a voting
// link exists, else the ownership share.
func (s *Scoring) votes(t uint32, md int, buf []voteEntry) []voteEntry {
	buf = buf[:0]
	for l := s.lOff[t]; l < s.lOff[t+1]; l++ {
		k := s.lKind[l]
		if k != ownCode && k != voteCode {
			continue
		}
		h := s.lHolder[l]
		v, st := s.val(l, md)
		if n := len(buf); n > 0 && buf[n-1].holder == h {
			if k == voteCode { // links are sorted by kind: voting follows ownership
				buf[n-1] = voteEntry{h, l, v, st}
			}
			continue
		}
		buf = append(buf, voteEntry{h, l, v, st})
	}
	return buf
}

// scratch is per-run working memory for the control fixed point.
type scratch struct {
	acc      []float64
	accS     []bool
	accStamp []uint32
	seen     []uint32
	// Columns control() uses for each mode in turn.
	ctlStart, ctlLen []uint32
	ctlPool          []uint32
	cgOff, cgOut     []uint32
	stamp            uint32
	seenMark         uint32
	touched          []uint32
	queue            []uint32
	entries          []voteEntry
	cands            []uint32
}

func newScratch(n int) *scratch {
	return &scratch{acc: make([]float64, n), accS: make([]bool, n),
		accStamp: make([]uint32, n), seen: make([]uint32, n),
		ctlStart: make([]uint32, n), ctlLen: make([]uint32, n), cgOff: make([]uint32, n+1)}
}

func (ms *modeState) controllers(t uint32) []uint32 {
	if ms.ctlStart == nil {
		return ms.ctlPool[ms.ctlOff[t]:ms.ctlOff[t+1]]
	}
	return ms.ctlPool[ms.ctlStart[t] : ms.ctlStart[t]+ms.ctlLen[t]]
}

// compactControllers turns the fixed point's controller runs (a new run
// each time an entity's list grew) into CSR and drops the old runs.
func (ms *modeState) compactControllers(n int) {
	total := 0
	for _, l := range ms.ctlLen {
		total += int(l)
	}
	pool := make([]uint32, 0, total)
	ms.ctlOff = make([]uint32, n+1)
	for t := range uint32(n) {
		pool = append(pool, ms.controllers(t)...)
		ms.ctlOff[t+1] = uint32(len(pool))
	}
	ms.ctlPool, ms.ctlStart, ms.ctlLen = pool, nil, nil
}

// control computes the least fixed point of "c controls t" (a control-kind
// link, or > 50% of t's votes held by c together with every entity c
// transitively controls) component by component in topological order, then
// joint control, the control-graph children, the entities whose upward
// control closure holds a root, and the joint-control closure.
func (s *Scoring) control(md int, order, compOff []uint32, sc *scratch) {
	ms := &s.m[md]
	n := s.g.NumEntities()
	clear(sc.ctlStart)
	clear(sc.ctlLen)
	ms.ctlStart, ms.ctlLen, ms.ctlPool = sc.ctlStart, sc.ctlLen, sc.ctlPool[:0]
	ms.joint = nil
	if s.p.ControlTest {
		for c := 0; c+1 < len(compOff); c++ {
			members := order[compOff[c]:compOff[c+1]]
			for changed := true; changed; {
				changed = false
				for _, t := range members {
					cands := s.directControllers(t, md, sc)
					if len(cands) != int(ms.ctlLen[t]) { // monotone: only grows
						ms.ctlStart[t] = uint32(len(ms.ctlPool))
						ms.ctlLen[t] = uint32(len(cands))
						ms.ctlPool = append(ms.ctlPool, cands...)
						changed = len(members) > 1
					}
				}
			}
			for _, t := range members {
				s.jointControl(t, md, sc)
			}
		}
	}
	sc.ctlPool = ms.ctlPool // keep the grown buffer for the other mode
	ms.compactControllers(n)
	slices.Sort(ms.joint)
	ms.jointByPartner = make([]uint64, len(ms.joint))
	for i, p := range ms.joint {
		ms.jointByPartner[i] = p<<32 | p>>32
	}
	slices.Sort(ms.jointByPartner)

	// Control-graph children.
	cgOff := sc.cgOff
	clear(cgOff)
	for t := range uint32(n) {
		for _, c := range ms.controllers(t) {
			cgOff[c+1]++
		}
	}
	for i := 1; i <= n; i++ {
		cgOff[i] += cgOff[i-1]
	}
	pos := sc.ctlStart // free again after compactControllers
	copy(pos, cgOff[:n])
	if cap(sc.cgOut) < int(cgOff[n]) {
		sc.cgOut = make([]uint32, cgOff[n])
	}
	cgOut := sc.cgOut[:cgOff[n]]
	for t := range uint32(n) {
		for _, c := range ms.controllers(t) {
			cgOut[pos[c]] = t
			pos[c]++
		}
	}

	// Entities with a root in their upward control closure.
	var work []uint32
	push := func(x uint32) {
		if !ms.is(x, fCtrlRoot) {
			ms.flags[x] |= fCtrlRoot
			work = append(work, x)
		}
	}
	for r := range uint32(n) {
		if ms.is(r, fRoot) {
			for _, c := range cgOut[cgOff[r]:cgOff[r+1]] {
				push(c)
			}
		}
	}
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		for _, c := range cgOut[cgOff[x]:cgOff[x+1]] {
			push(c)
		}
	}

	// Joint control reaching the root side: t (or an entity above it in the
	// control graph) is jointly controlled and a joint controller is a root,
	// controlled by roots, or itself in this set.
	pushJC := func(x uint32) {
		if !ms.is(x, fJC) {
			ms.flags[x] |= fJC
			work = append(work, x)
		}
	}
	for _, p := range ms.joint {
		t, j := uint32(p>>32), uint32(p)
		if ms.is(j, fRoot) || ms.is(j, fCtrlRoot) {
			pushJC(t)
		}
	}
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		for _, c := range cgOut[cgOff[x]:cgOff[x+1]] {
			pushJC(c)
		}
		i, _ := slices.BinarySearch(ms.jointByPartner, uint64(x)<<32)
		for ; i < len(ms.jointByPartner) && uint32(ms.jointByPartner[i]>>32) == x; i++ {
			pushJC(uint32(ms.jointByPartner[i]))
		}
	}
}

// directControllers returns the sorted entities that directly control t
// given the controllers known so far: control-kind links, single holders
// over the control threshold, and entities whose controlled group
// together holds more than the threshold.
func (s *Scoring) directControllers(t uint32, md int, sc *scratch) []uint32 {
	ms := &s.m[md]
	th := s.p.Thresholds.Control
	sc.cands = sc.cands[:0]
	for l := s.lOff[t]; l < s.lOff[t+1]; l++ {
		if s.ctrlKind[s.lKind[l]] {
			sc.cands = append(sc.cands, s.lHolder[l])
		}
	}
	sc.entries = s.votes(t, md, sc.entries)
	total, totalS, holders := 0.0, false, 0
	for _, e := range sc.entries {
		if meets(th, e.v, e.strict, md) {
			sc.cands = append(sc.cands, e.holder)
		}
		if positive(e.v, e.strict, md) {
			total += e.v
			totalS = totalS || e.strict
			holders++
		}
	}
	if holders >= 2 && meets(th, total, totalS, md) {
		// Aggregated control: walk up the control graph from each holder,
		// crediting its votes to every (transitive) controller once.
		sc.stamp++
		sc.touched = sc.touched[:0]
		for _, e := range sc.entries {
			if !positive(e.v, e.strict, md) {
				continue
			}
			sc.seenMark++
			sc.queue = append(sc.queue[:0], e.holder)
			sc.seen[e.holder] = sc.seenMark
			for qi := 0; qi < len(sc.queue) && qi < maxWalk; qi++ {
				a := sc.queue[qi]
				if sc.accStamp[a] != sc.stamp {
					sc.accStamp[a] = sc.stamp
					sc.acc[a], sc.accS[a] = 0, false
					sc.touched = append(sc.touched, a)
				}
				sc.acc[a] += e.v
				sc.accS[a] = sc.accS[a] || e.strict
				for _, c := range ms.controllers(a) {
					if sc.seen[c] != sc.seenMark {
						sc.seen[c] = sc.seenMark
						sc.queue = append(sc.queue, c)
					}
				}
			}
		}
		for _, a := range sc.touched {
			if meets(th, sc.acc[a], sc.accS[a], md) {
				sc.cands = append(sc.cands, a)
			}
		}
	}
	sc.cands = slices.DeleteFunc(sc.cands, func(c uint32) bool { return c == t })
	slices.Sort(sc.cands)
	sc.cands = slices.Compact(sc.cands)
	return sc.cands
}

// jointControl records t's joint controllers: t has no controller, and
// the direct holders with at least the joint-partner share of votes number
// two or more and together hold more than the control threshold.
func (s *Scoring) jointControl(t uint32, md int, sc *scratch) {
	ms := &s.m[md]
	if ms.ctlLen[t] > 0 {
		return
	}
	sc.entries = s.votes(t, md, sc.entries)
	total, totalS, partners := 0.0, false, 0
	for _, e := range sc.entries {
		if meets(s.p.Thresholds.JointPartner, e.v, e.strict, md) {
			total += e.v
			totalS = totalS || e.strict
			partners++
		}
	}
	if partners < 2 || !meets(s.p.Thresholds.Control, total, totalS, md) {
		return
	}
	for _, e := range sc.entries {
		if meets(s.p.Thresholds.JointPartner, e.v, e.strict, md) {
			ms.joint = append(ms.joint, uint64(t)<<32|uint64(e.holder))
		}
	}
}

// inK reports whether h is on the root side K = R ∪ CONTROLLED.
func (ms *modeState) inK(h uint32) bool { return ms.is(h, fRoot) || ms.is(h, fCtrlRoot) }

// rootSide computes V(t), the votes in t held by members of K.
func (s *Scoring) rootSide(md int) {
	ms := &s.m[md]
	n := s.g.NumEntities()
	ms.v = make([]float64, n)
	var buf []voteEntry
	for t := range uint32(n) {
		buf = s.votes(t, md, buf)
		sum, st := 0.0, false
		for _, e := range buf {
			if ms.inK(e.holder) {
				sum += e.v
				st = st || e.strict
			}
		}
		if sum >= 100 {
			sum, st = 100, false
		}
		ms.v[t] = sum
		if st {
			ms.flags[t] |= fVStrict
		}
	}
}

// influencedByK reports whether a member of K has an influence-kind link into t.
func (s *Scoring) influencedByK(t uint32, md int) bool {
	if !s.p.ControlTest {
		return false
	}
	ms := &s.m[md]
	for l := s.lOff[t]; l < s.lOff[t+1]; l++ {
		if s.inflKind[s.lKind[l]] && ms.inK(s.lHolder[l]) {
			return true
		}
	}
	return false
}

// verdicts gives each entity the strongest verdict that holds, in the
// order CHINESE_ENTITY, CONTROLLED, OWNED_50, JOINT_CONTROL, SIGNIFICANT,
// MINORITY, CLEAR.
func (s *Scoring) verdicts(md int) {
	ms := &s.m[md]
	n := s.g.NumEntities()
	out := s.final
	if md == possible {
		out = s.possibleFinal
	}
	sig := s.p.Thresholds.Significant
	for t := range uint32(n) {
		var v uint8
		switch {
		case ms.is(t, fRoot):
			v = vChinese
		case ms.is(t, fCtrlRoot):
			v = vControlled
		case ms.is(t, fInC):
			v = vOwned50
		case ms.is(t, fJC):
			v = vJoint
		case meets(sig, ms.u[t], ms.is(t, fUStrict), md) || meets(sig, ms.v[t], ms.is(t, fVStrict), md) ||
			s.influencedByK(t, md):
			v = vSignificant
		case positive(ms.u[t], ms.is(t, fUStrict), md) || positive(ms.v[t], ms.is(t, fVStrict), md):
			v = vMinority
		default:
			v = vClear
		}
		out[t] = v
	}
}

// finish settles the reported verdicts: excluded entities are CLEAR, and
// the possible verdict is never weaker than the certain one (whatever is
// certain is possible; joint control alone is not monotone).
func (s *Scoring) finish() {
	n := s.g.NumEntities()
	s.counts = make(map[model.Verdict]int, len(s.verdictNames))
	for _, v := range s.verdictNames {
		s.counts[v] = 0
	}
	for t := range n {
		c, p := s.final[t], s.possibleFinal[t]
		if s.excluded[t] {
			c, p = vClear, vClear
		}
		p = min(p, c)
		s.final[t], s.possibleFinal[t] = c, p
		s.counts[s.verdictNames[c]]++
		if p < c {
			s.indeterminate++
		}
	}
}

// Counts returns the number of entities per (certain) verdict; every
// verdict is present, zero or not.
func (s *Scoring) Counts() map[model.Verdict]int {
	out := make(map[model.Verdict]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// Indeterminate is the number of entities whose possible verdict is
// stronger than the certain one.
func (s *Scoring) Indeterminate() int { return s.indeterminate }

// IndirectSkipped is the number of active ownership/voting assertions
// marked indirect that the sums left out because the graph holds a chain
// of direct holdings between the same two entities (see the package doc).
func (s *Scoring) IndirectSkipped() int { return s.skippedIndirect }

// AsOf is the date the relationships were evaluated at.
func (s *Scoring) AsOf() time.Time { return s.asOf }

// Graph is the graph that was scored.
func (s *Scoring) Graph() *Graph { return s.g }
