package graph

import (
	"bytes"
	"cmp"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ubo-project/ubo/model"
)

// Evidence: up to maxPaths paths, found strongest first and never
// enumerated; an entity is expanded at most maxPopsPerNode times.
const (
	maxPaths       = 5
	maxPopsPerNode = maxPaths
)

// Each calls fn with the result of every entity in id order. Results are
// computed in parallel windows (evidence only for non-clear or
// indeterminate entities) and handed to fn one at a time, in order, from
// the calling goroutine, so memory stays flat. It stops at the first error
// fn returns.
func (s *Scoring) Each(fn func(r *model.Result) error) error {
	n := s.g.NumEntities()
	workers := min(runtime.GOMAXPROCS(0), 8)
	const chunk = 512
	if workers < 2 || n < 2*chunk {
		for t := range uint32(n) {
			r := s.result(t)
			if err := fn(&r); err != nil {
				return err
			}
		}
		return nil
	}
	window := make([]model.Result, workers*chunk)
	for start := 0; start < n; start += len(window) {
		size := min(len(window), n-start)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Go(func() {
				for i := w * chunk; i < min((w+1)*chunk, size); i++ {
					window[i] = s.result(uint32(start + i))
				}
			})
		}
		wg.Wait()
		for i := range size {
			if err := fn(&window[i]); err != nil {
				return err
			}
			window[i] = model.Result{}
		}
	}
	return nil
}

// Result returns the result for entity id.
func (s *Scoring) Result(id string) (model.Result, bool) {
	i, ok := s.g.Lookup(id)
	if !ok {
		return model.Result{}, false
	}
	return s.result(uint32(i)), true
}

func (s *Scoring) result(t uint32) model.Result {
	g := s.g
	c, p := s.final[t], s.possibleFinal[t]
	mc, mp := &s.m[certain], &s.m[possible]
	r := model.Result{
		EntityID:          g.id(t),
		Verdict:           s.verdictNames[c],
		Indeterminate:     p < c,
		ChineseShare:      model.Interval{Min: round(mc.u[t]), Max: round(mp.u[t])},
		ChineseVotes:      model.Interval{Min: round(mc.v[t]), Max: round(mp.v[t])},
		AggregateCertain:  mc.is(t, fInC) && !s.excluded[t],
		AggregatePossible: mp.is(t, fInC) && !s.excluded[t],
		Controllers:       []string{},
		JointControllers:  []string{},
		Evidence:          []model.Evidence{},
		Flagged:           s.p.IsFlagged(s.verdictNames[c]),
	}
	if root := s.p.Root(); root != model.VerdictChineseEntity {
		r.RootVerdict = root
	}
	if p < c {
		r.PossibleVerdict = s.verdictNames[p]
	}
	if s.excluded[t] {
		r.Explanation = fmt.Sprintf("Not covered: incorporated in %s, which policy %q excludes.",
			g.countries[g.attrs[t].jur], s.p.Name)
		return r
	}
	if mc.is(t, fCtrlRoot) {
		for _, x := range s.closure(t, certain) {
			if mc.is(x, fRoot) {
				r.Controllers = append(r.Controllers, g.id(x))
			}
		}
	}
	if c != vChinese { // a root is covered whatever its holders
		r.Aggregate = s.aggregateData(t)
	} else {
		r.Root = s.rootReasonData(t)
	}
	jointAt, partners := s.nearestJoint(t, certain)
	for _, j := range partners {
		r.JointControllers = append(r.JointControllers, g.id(j))
	}
	switch {
	case c != vClear:
		r.Evidence = s.evidence(t, c, certain)
		r.Explanation = s.explain(t, c, certain, r.Evidence, jointAt)
		if p < c {
			r.Explanation += fmt.Sprintf(" Possibly %s if unknown holders are %s or shares are at their maximum.",
				s.verdictNames[p], s.words.Side)
		}
	case p < c:
		r.Evidence = s.evidence(t, p, possible)
		pj, _ := s.nearestJoint(t, possible)
		r.Explanation = "Clear on the known facts. Possibly " + string(s.verdictNames[p]) + ": " +
			s.explain(t, p, possible, r.Evidence, pj)
	default:
		r.Explanation = model.ClearSentence(r.RootVerdict)
	}
	return r
}

// round keeps reported percentages free of floating-point dust.
func round(v float64) float64 {
	const scale = 1e9
	return float64(int64(v*scale+0.5)) / scale
}

// closure returns the sorted entities in t's upward control closure
// (excluding t), visiting at most maxClosure entities.
func (s *Scoring) closure(t uint32, md int) []uint32 {
	ms := &s.m[md]
	var seen visitSet
	seen.add(t)
	var out []uint32
	for qi := 0; qi < len(seen.queue) && len(seen.queue) < maxClosure; qi++ {
		for _, c := range ms.controllers(seen.queue[qi]) {
			if seen.add(c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// visitSet is the queue of a breadth-first walk and the set of what it
// holds: a linear scan of the queue while it is short (most walks visit a
// handful of controllers), a map once it is long.
type visitSet struct {
	queue []uint32
	in    map[uint32]struct{}
}

// add queues x and reports whether it was new.
func (v *visitSet) add(x uint32) bool {
	if v.in != nil {
		if _, ok := v.in[x]; ok {
			return false
		}
		v.in[x] = struct{}{}
	} else if slices.Contains(v.queue, x) {
		return false
	}
	v.queue = append(v.queue, x)
	if v.in == nil && len(v.queue) > 32 {
		v.in = make(map[uint32]struct{}, 2*len(v.queue))
		for _, q := range v.queue {
			v.in[q] = struct{}{}
		}
	}
	return true
}

// nearestJoint finds the jointly controlled entities nearest to t on its
// upward control chain — t itself, else the first breadth-first level of
// its control closure that holds any — and the union of their joint
// controllers, both in entityOrder. Several equally near count alike, so
// the answer depends on the graph's shape and data, never on its ids.
func (s *Scoring) nearestJoint(t uint32, md int) (at, partners []uint32) {
	ms := &s.m[md]
	if len(ms.joint) == 0 {
		return nil, nil
	}
	// Most entities have no controller: answer without a search.
	if len(ms.controllers(t)) == 0 {
		if p := ms.partners(t); len(p) > 0 {
			return []uint32{t}, s.inEntityOrder(p)
		}
		return nil, nil
	}
	var seen visitSet
	seen.add(t)
	for lo := 0; lo < len(seen.queue) && len(seen.queue) < maxClosure; {
		hi := len(seen.queue)
		for _, x := range seen.queue[lo:hi] {
			if p := ms.partners(x); len(p) > 0 {
				at = append(at, x)
				partners = append(partners, p...)
			}
		}
		if len(at) > 0 {
			slices.Sort(partners)
			return s.inEntityOrder(at), s.inEntityOrder(slices.Compact(partners))
		}
		for _, x := range seen.queue[lo:hi] {
			for _, c := range ms.controllers(x) {
				seen.add(c)
			}
		}
		lo = hi
	}
	return nil, nil
}

// inEntityOrder sorts xs in entityOrder (in place) and returns it.
func (s *Scoring) inEntityOrder(xs []uint32) []uint32 {
	slices.SortFunc(xs, s.entityOrder)
	return xs
}

// partners returns x's joint controllers (sorted), if x is jointly controlled.
func (ms *modeState) partners(x uint32) []uint32 {
	i, _ := slices.BinarySearch(ms.joint, uint64(x)<<32)
	var out []uint32
	for ; i < len(ms.joint) && uint32(ms.joint[i]>>32) == x; i++ {
		out = append(out, uint32(ms.joint[i]))
	}
	return out
}

// evidenceBudget bounds the work of one entity's evidence search. There is
// no hop limit: a group 30 levels deep gets its chain, and the budget only
// decides how many alternatives are looked at.
type evidenceBudget struct {
	pops, pushes int // strongest-first search for up to maxPaths paths
	// Fallback when that finds none: the single strongest path, each
	// entity settled once (linear in the entities above t).
	settled, fallbackPushes int
}

var defaultEvidenceBudget = evidenceBudget{pops: 256, pushes: 8192, settled: 1 << 16, fallbackPushes: 1 << 18}

// evState is one node of the evidence search, walking from the scored
// entity up towards roots.
type evState struct {
	node   uint32
	link   uint32 // link from node down to the parent state's node
	parent int32
	depth  int32
	w      float64
}

// evHeap orders search states strongest first. Ties are settled by the
// entities' data (stateOrder), never by their ids or the input order, so
// the same graph under other ids reports the same paths. Each entry
// carries its state's strength and depth, so that comparing two entries
// reads the heap alone, not two states elsewhere in memory.
type evHeap struct {
	s      *Scoring
	states []evState
	keys   []evKey
}

// evKey is a heap entry: state si with its w and depth.
type evKey struct {
	w     float64
	depth int32
	si    int32
}

func (h *evHeap) Len() int { return len(h.keys) }
func (h *evHeap) Less(i, j int) bool {
	a, b := &h.keys[i], &h.keys[j]
	if a.w != b.w {
		return a.w > b.w
	}
	if a.depth != b.depth {
		return a.depth < b.depth
	}
	if c := h.s.stateOrder(h.states, a.si, b.si); c != 0 {
		return c < 0
	}
	return a.si < b.si
}
func (h *evHeap) Swap(i, j int) { h.keys[i], h.keys[j] = h.keys[j], h.keys[i] }

// top is the state at the top of the heap.
func (h *evHeap) top() int32 { return h.keys[0].si }

// reset empties the heap and starts it with t alone.
func (h *evHeap) reset(s *Scoring, t uint32) {
	h.s = s
	h.states = append(h.states[:0], evState{node: t, parent: -1, w: 1})
	h.keys = append(h.keys[:0], evKey{w: 1, si: 0})
}

// add appends state st and pushes it.
func (h *evHeap) add(st evState) {
	h.states = append(h.states, st)
	h.push(evKey{w: st.w, depth: st.depth, si: int32(len(h.states) - 1)})
}

// stateOrder compares two equally strong, equally long search paths hop by
// hop from their far ends: by entity order, then by link kind.
func (s *Scoring) stateOrder(states []evState, i, j int32) int {
	for i != j && i >= 0 && j >= 0 {
		a, b := &states[i], &states[j]
		if c := s.entityOrder(a.node, b.node); c != 0 {
			return c
		}
		if a.parent >= 0 && b.parent >= 0 {
			if ka, kb := s.lKind[a.link], s.lKind[b.link]; ka != kb {
				return int(ka) - int(kb)
			}
		}
		i, j = a.parent, b.parent
	}
	return 0
}

// entityOrder is the order of entities wherever the results list several
// that are equally placed (joint controllers, evidence paths of equal
// strength, terms of the aggregate sum): by name, then kind, then
// jurisdiction — what the data says about them — and by id only for
// entities that the data cannot tell apart.
func (s *Scoring) entityOrder(a, b uint32) int {
	if a == b {
		return 0
	}
	g := s.g
	x, y := &g.attrs[a], &g.attrs[b]
	if c := bytes.Compare(g.names.bytes(x.name), g.names.bytes(y.name)); c != 0 {
		return c
	}
	if x.kind != y.kind {
		return int(x.kind) - int(y.kind)
	}
	if c := strings.Compare(g.countries[x.jur], g.countries[y.jur]); c != 0 {
		return c
	}
	return bytes.Compare(g.ids.bytes(g.idIdx[a]), g.ids.bytes(g.idIdx[b]))
}

// push and pop are container/heap's algorithms on the typed index slice,
// without boxing every state index in an interface. Less is a strict
// total order, so the pop sequence is the same with any correct heap.
func (h *evHeap) push(x evKey) {
	h.keys = append(h.keys, x)
	for j := len(h.keys) - 1; j > 0; {
		i := (j - 1) / 2
		if i == j || !h.Less(j, i) {
			break
		}
		h.Swap(i, j)
		j = i
	}
}

func (h *evHeap) pop() int32 {
	n := len(h.keys) - 1
	h.Swap(0, n)
	for i := 0; ; {
		j1 := 2*i + 1
		if j1 >= n || j1 < 0 {
			break
		}
		j := j1
		if j2 := j1 + 1; j2 < n && h.Less(j2, j1) {
			j = j2
		}
		if !h.Less(j, i) {
			break
		}
		h.Swap(i, j)
		i = j
	}
	x := h.keys[n].si
	h.keys = h.keys[:n]
	return x
}

// weight is a link's strength along a path: its share the md way, or 1
// for links that are not shares (board, consolidation, influence …).
func (s *Scoring) weight(l uint32, md int) float64 {
	if k := s.lKind[l]; k != ownCode && k != voteCode {
		return 1
	}
	v, _ := s.val(l, md)
	return v / 100
}

// Classes of evidence search, by the links they follow: each verdict's
// filter but the weakest ones' is the same for every entity.
const (
	relControlled = iota
	relOwned50
	relJoint
	relOther // significant and minority interests
	numRelClasses
)

func relClass(v uint8) int {
	switch v {
	case vControlled:
		return relControlled
	case vOwned50:
		return relOwned50
	case vJoint:
		return relJoint
	}
	return relOther
}

// relevantLink is the part of the evidence search's edge filter for
// verdict class c that is the same for every scored entity.
func (s *Scoring) relevantLink(c, md int) func(l uint32) bool {
	ms := &s.m[md]
	share := func(l uint32) bool {
		val, st := s.val(l, md)
		return positive(val, st, md)
	}
	isVote := func(k uint8) bool { return k == ownCode || k == voteCode }
	switch c {
	case relControlled:
		// Holders on the root side; evidence() accepts only roots in t's
		// upward control closure as path ends.
		return func(l uint32) bool {
			k := s.lKind[l]
			return ms.inK(s.lHolder[l]) && (s.ctrlKind[k] || isVote(k) && share(l))
		}
	case relOwned50:
		return func(l uint32) bool {
			return s.lKind[l] == ownCode && ms.is(s.lHolder[l], fInC) && share(l)
		}
	case relJoint:
		return func(l uint32) bool {
			k, h := s.lKind[l], s.lHolder[l]
			return (ms.inK(h) || ms.is(h, fJC)) && (s.ctrlKind[k] || isVote(k) && share(l))
		}
	default:
		return func(l uint32) bool {
			k, h := s.lKind[l], s.lHolder[l]
			switch {
			case k == ownCode && (ms.is(h, fRoot) || positive(ms.u[h], ms.is(h, fUStrict), md)) && share(l):
				return true
			default:
				return ms.inK(h) && (s.ctrlKind[k] || isVote(k) && share(l))
			}
		}
	}
}

// relevantIntoT is the rest of the filter of class c: links it follows
// only into the scored entity itself (influence on t when the policy's
// control test counts it); nil when there are none.
func (s *Scoring) relevantIntoT(c, md int) func(l uint32) bool {
	if c != relOther || !s.p.ControlTest {
		return nil
	}
	ms := &s.m[md]
	return func(l uint32) bool { return s.inflKind[s.lKind[l]] && ms.inK(s.lHolder[l]) }
}

// relBits returns relevantLink(c, md) as one bit per link, computed on
// first use: the searches test a link per step, most of them for
// thousands of entities, and a bit is one read where the filter was
// several scattered ones.
func (s *Scoring) relBits(c, md int) []uint64 {
	r := &s.rel[c][md]
	r.once.Do(func() {
		keep := s.relevantLink(c, md)
		bits := make([]uint64, (len(s.lHolder)+63)/64)
		for l := range uint32(len(s.lHolder)) {
			if keep(l) {
				bits[l>>6] |= 1 << (l & 63)
			}
		}
		r.bits = bits
	})
	return r.bits
}

// relSet is one verdict class's relBits, computed once.
type relSet struct {
	once sync.Once
	bits []uint64
}

// evidence finds up to five strongest paths root → … → t supporting
// verdict v (computed the md way): a strongest-first search bounded by
// work, not by hops. When it finds none within its budget, a cheaper
// search finds the single strongest path (each entity settled once); when
// that too runs out, the strongest partial path is reported, marked
// truncated.
func (s *Scoring) evidence(t uint32, v uint8, md int) []model.Evidence {
	out := []model.Evidence{}
	if v == vChinese {
		return append(out, model.Evidence{Path: []string{s.g.id(t)}, Share: 100,
			Explanation: s.rootSentence(t)})
	}
	q := s.newEvidenceQuery(t, v, md)
	b := s.evBudget
	// A minority interest (most of a large graph's evidence, often through
	// long chains) gets its strongest path; stronger verdicts get the
	// alternatives an analyst weighs, up to maxPaths.
	if v == vMinority {
		// The settle-once search finds the strongest path directly.
		if ev, ok := s.strongestPath(t, v, md, q); ok {
			out = append(out, ev)
		}
		return out
	}
	limit := maxPaths
	sc := evScratchPool.Get().(*evScratch)
	defer evScratchPool.Put(sc)
	h := sc.heap(s, t)
	clear(sc.pops)
	pops := sc.pops
	dropped := false // a push was refused: later paths may not be the strongest
	for n := 0; h.Len() > 0 && len(out) < limit && n < b.pops; n++ {
		si := h.pop()
		st := h.states[si]
		if st.parent >= 0 {
			switch q.at(st.node) {
			case evEnd:
				out = append(out, s.pathEvidence(h.states, si, v, md, dropped, true))
				continue
			case evStop:
				continue
			}
		}
		if pops[st.node] >= maxPopsPerNode {
			continue
		}
		pops[st.node]++
		intoT := st.node == t
		for l := s.lOff[st.node]; l < s.lOff[st.node+1]; l++ {
			if !q.rel(l, intoT) || onPath(h.states, si, s.lHolder[l]) {
				continue
			}
			if len(h.states) >= b.pushes {
				dropped = true
				break
			}
			h.add(evState{node: s.lHolder[l], link: l, parent: si,
				depth: st.depth + 1, w: st.w * s.weight(l, md)})
		}
	}
	if len(out) == 0 {
		if ev, ok := s.strongestPath(t, v, md, q); ok {
			out = append(out, ev)
		}
	}
	return out
}

// evScratch is one evidence search's working memory, reused across
// entities: most searches are small, and allocating their heap and map
// anew was a large part of their cost.
type evScratch struct {
	h    evHeap
	pops map[uint32]uint8
}

var evScratchPool = sync.Pool{New: func() any {
	return &evScratch{h: evHeap{states: make([]evState, 0, 64), keys: make([]evKey, 0, 64)},
		pops: make(map[uint32]uint8, 64)}
}}

// heap returns the scratch heap holding only the search's start, t.
func (sc *evScratch) heap(s *Scoring, t uint32) *evHeap {
	sc.h.reset(s, t)
	return &sc.h
}

// What a search state's entity is to the evidence of a verdict.
const (
	evPass = iota // the path goes on above it
	evEnd         // a root the verdict's paths end at
	evStop        // a root that ends no path of this verdict: paths stop there
)

// evidenceQuery is what the evidence search of one verdict walks: the
// links it may follow and where its paths end.
type evidenceQuery struct {
	bits  []uint64            // links it may follow anywhere (relBits)
	intoT func(l uint32) bool // links it may also follow into t; nil: none
	at    func(x uint32) int
}

// rel reports whether the search may follow link l; intoT says whether l
// ends at the scored entity.
func (q *evidenceQuery) rel(l uint32, intoT bool) bool {
	return q.bits[l>>6]&(1<<(l&63)) != 0 || intoT && q.intoT != nil && q.intoT(l)
}

func (s *Scoring) newEvidenceQuery(t uint32, v uint8, md int) evidenceQuery {
	ms := &s.m[md]
	c := relClass(v)
	q := evidenceQuery{bits: s.relBits(c, md), intoT: s.relevantIntoT(c, md)}
	if v != vControlled {
		q.at = func(x uint32) int {
			if ms.is(x, fRoot) {
				return evEnd // paths stop at the first root
			}
			return evPass
		}
		return q
	}
	// Control paths end at t's controlling roots. They may pass through
	// other roots that one of those controls (a root's subsidiary carrying
	// its votes), never through a root none of them controls.
	ends := s.closure(t, md)
	var carriers map[uint32]bool // intermediate roots judged so far
	q.at = func(x uint32) int {
		switch {
		case !ms.is(x, fRoot):
			return evPass
		case binaryHas(ends, x):
			return evEnd
		case !ms.is(x, fCtrlRoot):
			return evStop
		}
		carries, ok := carriers[x]
		if !ok {
			carries = slices.ContainsFunc(s.closure(x, md), func(c uint32) bool {
				return ms.is(c, fRoot) && binaryHas(ends, c)
			})
			if carriers == nil {
				carriers = map[uint32]bool{}
			}
			carriers[x] = carries
		}
		if carries {
			return evPass
		}
		return evStop
	}
	return q
}

func binaryHas(sorted []uint32, x uint32) bool {
	_, ok := slices.BinarySearch(sorted, x)
	return ok
}

// strongestPath is the fallback search: best-first with every entity
// settled once, so its first path end is the strongest path there is. When
// its budget runs out first, it returns the strongest partial path left,
// marked truncated.
func (s *Scoring) strongestPath(t uint32, v uint8, md int, q evidenceQuery) (model.Evidence, bool) {
	b := s.evBudget
	sc := settleScratchPool.Get().(*settleScratch)
	defer settleScratchPool.Put(sc)
	settled := &sc.settled
	settled.begin()
	h := &sc.h
	h.reset(s, t)
	nSettled := 0
	dropped := false
	last := int32(-1) // the last state expanded
	for h.Len() > 0 {
		if nSettled >= b.settled {
			dropped = true
			break
		}
		si := h.pop()
		st := h.states[si]
		if settled.has(st.node) {
			continue
		}
		settled.add(st.node)
		nSettled++
		if st.parent >= 0 {
			switch q.at(st.node) {
			case evEnd:
				return s.pathEvidence(h.states, si, v, md, dropped, true), true
			case evStop:
				continue
			}
		}
		last = si
		intoT := st.node == t
		for l := s.lOff[st.node]; l < s.lOff[st.node+1]; l++ {
			if !q.rel(l, intoT) || settled.has(s.lHolder[l]) {
				continue
			}
			if len(h.states) >= b.fallbackPushes {
				dropped = true
				break
			}
			h.add(evState{node: s.lHolder[l], link: l, parent: si,
				depth: st.depth + 1, w: st.w * s.weight(l, md)})
		}
	}
	if !dropped {
		return model.Evidence{}, false // no path at all
	}
	best := last
	for h.Len() > 0 { // the strongest state not yet expanded
		if !settled.has(h.states[h.top()].node) {
			best = h.top()
			break
		}
		h.pop()
	}
	if best <= 0 {
		return model.Evidence{}, false
	}
	return s.pathEvidence(h.states, best, v, md, true, false), true
}

// settleScratch is the settle-once search's working memory, reused across
// entities: its heap and its set of settled entities.
type settleScratch struct {
	h       evHeap
	settled settledSet
}

var settleScratchPool = sync.Pool{New: func() any {
	return &settleScratch{h: evHeap{states: make([]evState, 0, 64), keys: make([]evKey, 0, 64)}}
}}

// settledSet is the set of entities a settle-once search has settled: an
// open-addressing table sized to the search, not an array over all
// entities, so that a search settling a hundred entities of ten million
// touches a few cache lines, and a scratch dropped by the pool costs a
// small table, not one the size of the graph. A slot is in use when its
// generation is the current search's, so starting a search clears nothing.
type settledSet struct {
	slots []settledSlot // len a power of two
	shift uint8         // 32 − log2(len(slots))
	cur   uint32        // this search's generation
	n     int           // entities in the set
}

type settledSlot struct{ node, gen uint32 }

const (
	settledMinSlots = 1 << 10
	settledMaxKept  = 1 << 14 // a larger table is dropped after a search that needed far less
)

// begin starts a new search with an empty set.
func (x *settledSet) begin() {
	if len(x.slots) > settledMaxKept && x.n < len(x.slots)/16 || len(x.slots) == 0 {
		x.alloc(settledMinSlots)
		x.cur = 0
	}
	x.cur++
	if x.cur == 0 { // wrapped: old generations could collide
		clear(x.slots)
		x.cur = 1
	}
	x.n = 0
}

func (x *settledSet) alloc(n int) {
	x.slots = make([]settledSlot, n)
	x.shift = uint8(33 - bits.Len(uint(n)))
}

// slot is node's first slot: Fibonacci hashing (the product's top bits),
// since entity numbers of one search are often close together.
func (x *settledSet) slot(node uint32) uint32 { return (node * 0x9E3779B1) >> x.shift }

func (x *settledSet) has(node uint32) bool {
	mask := uint32(len(x.slots) - 1)
	for i := x.slot(node); ; i = (i + 1) & mask {
		sl := x.slots[i]
		if sl.gen != x.cur {
			return false
		}
		if sl.node == node {
			return true
		}
	}
}

// add puts node in the set; it must not be in it.
func (x *settledSet) add(node uint32) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	mask := uint32(len(x.slots) - 1)
	i := x.slot(node)
	for x.slots[i].gen == x.cur {
		i = (i + 1) & mask
	}
	x.slots[i] = settledSlot{node: node, gen: x.cur}
	x.n++
}

// grow doubles the table, keeping the current search's entries.
func (x *settledSet) grow() {
	old := x.slots
	x.alloc(2 * len(old))
	mask := uint32(len(x.slots) - 1)
	for _, sl := range old {
		if sl.gen != x.cur {
			continue
		}
		i := x.slot(sl.node)
		for x.slots[i].gen == x.cur {
			i = (i + 1) & mask
		}
		x.slots[i] = sl
	}
}

func onPath(states []evState, si int32, x uint32) bool {
	for ; si >= 0; si = states[si].parent {
		if states[si].node == x {
			return true
		}
	}
	return false
}

// pathEvidence turns the search state chain ending at si into evidence:
// a path from a root, or (reached false) a partial path whose search ran
// out of budget before it reached one. Truncated marks a path the budget
// cut: partial, or found after the search had to leave links unexplored.
func (s *Scoring) pathEvidence(states []evState, si int32, v uint8, md int, truncated, reached bool) model.Evidence {
	g, ms := s.g, &s.m[md]
	depth := int(states[si].depth)
	ev := model.Evidence{Share: round(states[si].w * 100), Truncated: truncated || !reached,
		Path: make([]string, 0, depth+1), Hops: make([]model.Hop, 0, depth)}
	// The path's ids are substrings of one string, so are the hops' source
	// references, and the sentence is written into one reused buffer: paths
	// run to dozens of hops, and a string per id, per reference and per
	// piece of the sentence was most of the evidence's cost.
	tb := textScratchPool.Get().(*textScratch)
	defer textScratchPool.Put(tb)
	buf, ends := tb.buf[:0], tb.ends[:0]
	for i := si; ; i = states[i].parent {
		buf = append(buf, g.ids.bytes(g.idIdx[states[i].node])...)
		ends = append(ends, len(buf))
		if states[i].parent < 0 {
			break
		}
	}
	ids := string(buf)
	for k, end := range ends {
		begin := 0
		if k > 0 {
			begin = ends[k-1]
		}
		ev.Path = append(ev.Path, ids[begin:end])
	}
	buf, ends = buf[:0], ends[:0]
	for i := si; states[i].parent >= 0; i = states[i].parent {
		buf = append(buf, g.eRef.bytes(g.edges[s.lEdge[states[i].link]].ref)...)
		ends = append(ends, len(buf))
	}
	refs := string(buf)
	b := buf[:0]
	b = append(b, verdictVerb(v, md)...)
	b = append(b, ' ')
	if reached {
		b = s.appendRootLabel(b, states[si].node, md)
	} else {
		b = append(b, "a "...)
		b = append(b, s.words.Root...)
		b = append(b, " above "...)
		b = g.appendLabel(b, states[si].node)
		b = append(b, " (the evidence search stopped there, at its work budget)"...)
	}
	// A direct holding names no intermediary: "Owned by R (CN) directly:
	// 51%", not "via <the entity itself> 51%". A longer path names each
	// entity below the root with the share held in it, ending with the
	// entity itself: "via M 100% → T 30%".
	direct := reached && depth == 1
	if direct {
		b = append(b, " directly"...)
		if k := s.lKind[states[si].link]; k == ownCode || k == voteCode {
			b = append(b, ':')
		}
	} else {
		b = append(b, " via"...)
	}
	b = append(b, ' ')
	ownershipOnly := true
	k := 0
	for i := si; states[i].parent >= 0; i = states[i].parent {
		st := states[i]
		l := st.link
		held := states[st.parent].node
		e := s.lEdge[l]
		begin := 0
		if k > 0 {
			begin = ends[k-1]
		}
		ev.Hops = append(ev.Hops, model.Hop{HolderID: ev.Path[k], HeldID: ev.Path[k+1],
			Kind: model.RelKinds[s.lKind[l]], Share: s.linkShare(l),
			Source: g.sources[g.edges[e].source], SourceRef: refs[begin:ends[k]]})
		if k > 0 {
			b = append(b, " → "...)
		}
		if !direct {
			if ms.is(held, fRoot) { // a root on a control path: name why it is one
				b = s.appendRootLabel(b, held, md)
			} else if name := g.names.bytes(g.attrs[held].name); len(name) > 0 {
				b = append(b, name...)
			} else {
				b = append(b, ev.Path[k+1]...)
			}
			b = append(b, ' ')
		}
		b = s.appendHopShare(b, l)
		ownershipOnly = ownershipOnly && s.lKind[l] == ownCode
		k++
	}
	// The share along the path, unless it is the one exact share a direct
	// holding already states.
	exact := false
	if direct {
		sh := s.linkShare(states[si].link)
		exact = sh.Known && sh.Min == sh.Max && !sh.MinExclusive && !sh.MaxExclusive
	}
	if ownershipOnly && v != vControlled && !exact {
		b = append(b, " ("...)
		b = appendPercent(b, ev.Share)
		b = append(b, "% along this path)"...)
	}
	ev.Explanation = string(b)
	tb.buf, tb.ends = b, ends
	return ev
}

// textScratch is pathEvidence's buffer, reused across paths.
type textScratch struct {
	buf  []byte
	ends []int
}

var textScratchPool = sync.Pool{New: func() any {
	return &textScratch{buf: make([]byte, 0, 1024), ends: make([]int, 0, 64)}
}}

// linkShare is the combined interval of link l as an investigator reads it.
func (s *Scoring) linkShare(l uint32) model.Share {
	k := s.lKind[l]
	if k != ownCode && k != voteCode && s.lFlags[l]&linkUnknown != 0 {
		return model.Share{}
	}
	sv := s.shares[s.lShare[l]]
	return model.Range(sv.lo, sv.hi, s.lFlags[l]&linkLoStrict != 0, s.lFlags[l]&linkHiStrict != 0)
}

// appendHopShare appends what a hop's sentence says of link l: "30%",
// "(25%, 50%] of votes", "(consolidation)".
func (s *Scoring) appendHopShare(b []byte, l uint32) []byte {
	switch k := s.lKind[l]; k {
	case ownCode:
		return appendShareText(b, s.linkShare(l))
	case voteCode:
		return append(appendShareText(b, s.linkShare(l)), " of votes"...)
	default:
		b = append(b, '(')
		b = append(b, model.RelKinds[k]...)
		return append(b, ')')
	}
}

func verdictVerb(v uint8, md int) string {
	var verb string
	switch v {
	case vControlled:
		verb = "Controlled by"
	case vOwned50:
		verb = "Owned by"
	case vJoint:
		verb = "Jointly controlled through"
	default:
		verb = "Held by"
	}
	if md == possible {
		verb = "possibly " + strings.ToLower(verb[:1]) + verb[1:]
	}
	return verb
}

// rootLabel names a root with why it is one: "SASAC (CN)".
func (s *Scoring) rootLabel(r uint32, md int) string {
	return string(s.appendRootLabel(nil, r, md))
}

// appendRootLabel appends rootLabel(r, md) to b.
func (s *Scoring) appendRootLabel(b []byte, r uint32, md int) []byte {
	code, _ := s.rootCode(r)
	if code == "" && md == possible && s.g.attrs[r].kind == kindUnknown {
		code = "unknown holder"
	}
	b = s.g.appendLabel(b, r)
	if code == "" {
		return b
	}
	b = append(b, " ("...)
	b = append(b, code...)
	return append(b, ')')
}

// rootCode returns the country code or list tag that makes r a root and
// the words that say which rule it is ("incorporated in "), without
// allocating: it runs per root on every evidence path.
func (s *Scoring) rootCode(r uint32) (code, rule string) {
	g, a := s.g, &s.g.attrs[r]
	switch s.rootWhy[r] {
	case whyIncorporation:
		return g.countries[a.jur], "incorporated in "
	case whyHeadquarters:
		return g.countries[a.hq], "headquartered in "
	case whyStateBody:
		c := g.countries[a.jur]
		if !s.concern[c] {
			c = g.countries[a.hq]
		}
		return c, "a state body of "
	case whyNationality:
		for _, c := range g.sets[a.nat] {
			if s.concern[c] {
				return c, "a national of "
			}
		}
	case whyResidence:
		return g.countries[a.res], "resident in "
	case whyListTag:
		if t, _, ok := s.listTag(r); ok {
			return t, "listed as "
		}
	}
	return "", ""
}

// rootReasonData is why r is a root, as data (an undisclosed holder is one
// only the possible way).
func (s *Scoring) rootReasonData(r uint32) *model.RootReason {
	why := &model.RootReason{Name: s.g.label(r)}
	code, _ := s.rootCode(r)
	switch s.rootWhy[r] {
	case whyIncorporation:
		why.Rule = model.RootIncorporation
	case whyHeadquarters:
		why.Rule = model.RootHeadquarters
	case whyStateBody:
		why.Rule = model.RootStateBody
	case whyNationality:
		why.Rule = model.RootNationality
	case whyResidence:
		why.Rule = model.RootResidence
	case whyListTag:
		why.Rule = model.RootListed
		_, why.Until, _ = s.listTag(r)
	}
	if why.Rule == "" || why.Rule == model.RootListed && code == "" {
		// No rule: only an undisclosed holder, a root the possible way,
		// is one without.
		return &model.RootReason{Rule: model.RootUnknownHolder, Name: why.Name}
	}
	why.Code = code
	return why
}

// listTag returns the policy-listed tag that makes r a root: a current
// tag, else one a later snapshot retired (see roots) with the date it was
// retired (until is "" for a current one).
func (s *Scoring) listTag(r uint32) (tag, until string, ok bool) {
	tags := s.g.sets[s.g.attrs[r].lists]
	for _, t := range tags {
		if slices.Contains(s.p.Roots.ListTags, t) {
			return t, "", true
		}
	}
	for _, t := range tags {
		if date, was, ok := model.RetiredTag(t); ok && slices.Contains(s.p.Roots.ListTags, was) {
			return was, date, true
		}
	}
	return "", "", false
}

// rootSentence is the explanation of t's root verdict.
func (s *Scoring) rootSentence(t uint32) string {
	return model.RootSentence(s.p.Root(), s.rootReasonData(t))
}

// amount renders a value approached strictly as ">25%" (certain) or "<25%" (possible).
func amount(v float64, strict bool, md int) string {
	p := formatPercent(v) + "%"
	if strict {
		if md == certain {
			return ">" + p
		}
		return "<" + p
	}
	return p
}

func thresholdText(inclusive bool, v float64) string {
	if inclusive {
		return "≥ " + formatPercent(v) + "%"
	}
	return "> " + formatPercent(v) + "%"
}

// aggregateTerm reports whether link l takes part in the aggregate rule
// computed the md way: an ownership link whose holder is in C (a root or
// covered) with a positive share. Only active links are links, and an
// indirect restatement of a chain the graph holds is none: the rule sums
// exactly what aggregate() summed.
func (s *Scoring) aggregateTerm(l uint32, md int) bool {
	v, st := s.val(l, md)
	return s.lKind[l] == ownCode && s.m[md].is(s.lHolder[l], fInC) && positive(v, st, md)
}

// aggregateData is the aggregate rule's arithmetic for t as data, for
// the explanation and its renderers (model.Aggregate.Text): every link
// counted possibly, marked when it is counted for certain, strongest
// first. Nil when no link counts.
func (s *Scoring) aggregateData(t uint32) *model.Aggregate {
	mc, mp := &s.m[certain], &s.m[possible]
	var links []uint32
	for l := s.lOff[t]; l < s.lOff[t+1]; l++ {
		if s.aggregateTerm(l, possible) || s.aggregateTerm(l, certain) {
			links = append(links, l)
		}
	}
	if len(links) == 0 {
		return nil
	}
	slices.SortStableFunc(links, func(a, b uint32) int {
		pa, _ := s.val(a, possible)
		pb, _ := s.val(b, possible)
		ca, _ := s.val(a, certain)
		cb, _ := s.val(b, certain)
		if c := cmp.Or(cmp.Compare(pb, pa), cmp.Compare(cb, ca)); c != 0 {
			return c
		}
		return s.entityOrder(s.lHolder[a], s.lHolder[b])
	})
	th := s.p.Thresholds.Aggregate
	a := &model.Aggregate{Terms: make([]model.AggregateTerm, 0, len(links)),
		Threshold: th.Value, Inclusive: th.Inclusive}
	for _, l := range links {
		h := s.lHolder[l]
		term := model.AggregateTerm{HolderID: s.g.id(h), Share: s.linkShare(l),
			ShareNotGiven: s.lFlags[l]&linkUnknown != 0, Certain: s.aggregateTerm(l, certain)}
		switch {
		case mc.is(h, fRoot):
			term.Why = model.AggregateRoot
		case mc.is(h, fInC):
			term.Why = model.AggregateCovered
		case mp.is(h, fRoot) && s.g.attrs[h].kind == kindUnknown:
			term.Why = model.AggregateUndisclosed
		default:
			term.Why = model.AggregatePossiblyCovered
		}
		if term.Certain {
			v, st := s.val(l, certain)
			a.Certain += v
			a.CertainStrict = a.CertainStrict || st
		}
		if s.aggregateTerm(l, possible) {
			v, st := s.val(l, possible)
			a.Possible += v
			a.PossibleStrict = a.PossibleStrict || st
		}
		a.Terms = append(a.Terms, term)
	}
	a.Certain, a.Possible = round(a.Certain), round(min(a.Possible, 100))
	return a
}

// aggregateArithmetic shows the aggregate rule deciding for t:
// "B: X 10% + A (covered) 40% = 50% ≥ 50%".
func (s *Scoring) aggregateArithmetic(t uint32, md int) string {
	ms := &s.m[md]
	var terms []uint32
	for l := s.lOff[t]; l < s.lOff[t+1]; l++ {
		if s.aggregateTerm(l, md) {
			terms = append(terms, l)
		}
	}
	slices.SortStableFunc(terms, func(a, b uint32) int {
		va, _ := s.val(a, md)
		vb, _ := s.val(b, md)
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return s.entityOrder(s.lHolder[a], s.lHolder[b])
	})
	var parts []string
	sum, strict := 0.0, false
	for _, l := range terms {
		h := s.lHolder[l]
		v, st := s.val(l, md)
		sum += v
		strict = strict || st
		name := s.g.label(h)
		if !ms.is(h, fRoot) {
			name += " (covered)"
		}
		parts = append(parts, name+" "+amount(v, st, md))
	}
	th := s.p.Thresholds.Aggregate
	return s.g.label(t) + ": " + strings.Join(parts, " + ") + " = " + amount(round(sum), strict, md) +
		" " + thresholdText(th.Inclusive, th.Value)
}

// explain writes the one-sentence explanation of verdict v.
func (s *Scoring) explain(t uint32, v uint8, md int, ev []model.Evidence, jointAt []uint32) string {
	ms := &s.m[md]
	first := ""
	if len(ev) > 0 {
		first = ev[0].Explanation
	}
	join := func(a, b string) string {
		switch {
		case a == "":
			return b + "."
		case b == "":
			return a + "."
		}
		return a + "; " + strings.ToLower(b[:1]) + b[1:] + "."
	}
	sig := s.p.Thresholds.Significant
	switch v {
	case vChinese:
		return s.rootSentence(t)
	case vControlled:
		return join(first, "")
	case vOwned50:
		arith := s.aggregateArithmetic(t, md)
		if ms.is(t, fJC) && len(jointAt) > 0 {
			arith += "; also " + s.jointText(jointAt, md)
		}
		return join(arith, first)
	case vJoint:
		return join(s.jointText(jointAt, md), first)
	case vSignificant:
		var why string
		switch {
		case meets(sig, ms.u[t], ms.is(t, fUStrict), md):
			why = model.Capitalized(s.words.Share) + " " + amount(round(ms.u[t]), ms.is(t, fUStrict), md) + ", threshold " + thresholdText(sig.Inclusive, sig.Value)
		case meets(sig, ms.v[t], ms.is(t, fVStrict), md):
			why = model.Capitalized(s.words.Votes) + " " + amount(round(ms.v[t]), ms.is(t, fVStrict), md) + ", threshold " + thresholdText(sig.Inclusive, sig.Value)
		default:
			why = s.words.Holder + " has board or influence rights"
		}
		return join(why, first)
	case vMinority:
		return join(model.Capitalized(s.words.Share)+" "+amount(round(ms.u[t]), ms.is(t, fUStrict), md)+
			", "+s.words.Votes+" "+amount(round(ms.v[t]), ms.is(t, fVStrict), md), first)
	}
	return ""
}

// jointText names the joint controllers of each entity in at with their
// votes: "JV Ltd is jointly controlled by CN-Holdco (CN) 50% and US Inc 50%".
func (s *Scoring) jointText(at []uint32, md int) string {
	ms := &s.m[md]
	parts := make([]string, 0, len(at))
	for _, x := range at {
		var names []string
		entries := s.votes(x, md, nil)
		for _, j := range s.inEntityOrder(ms.partners(x)) {
			name := s.g.label(j)
			if ms.is(j, fRoot) {
				name = s.rootLabel(j, md)
			}
			for _, e := range entries {
				if e.holder == j {
					name += " " + amount(e.v, e.strict, md)
				}
			}
			names = append(names, name)
		}
		parts = append(parts, s.g.label(x)+" is jointly controlled by "+strings.Join(names, " and "))
	}
	return strings.Join(parts, "; ")
}

// appendShareText appends model.Share.String's text to b, without fmt (it
// runs per hop).
func appendShareText(b []byte, sh model.Share) []byte {
	switch {
	case !sh.Known:
		return append(b, "unknown"...)
	case sh.Min == sh.Max && !sh.MinExclusive && !sh.MaxExclusive:
		return append(appendPercent(b, sh.Min), '%')
	}
	l, r := byte('['), byte(']')
	if sh.MinExclusive {
		l = '('
	}
	if sh.MaxExclusive {
		r = ')'
	}
	b = append(b, l)
	b = append(appendPercent(b, sh.Min), "%, "...)
	b = append(appendPercent(b, sh.Max), '%')
	return append(b, r)
}

// formatPercent is model.FormatPercent without fmt (it runs per hop).
func formatPercent(p float64) string { return string(appendPercent(nil, p)) }

// appendPercent appends formatPercent(p) to b: two decimals, trailing
// zeros and a bare point dropped, "-0" written "0".
func appendPercent(b []byte, p float64) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, p, 'f', 2, 64)
	if i := len(b) - 3; i > start && b[i] == '.' {
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
		if b[len(b)-1] == '.' {
			b = b[:len(b)-1]
		}
	}
	if string(b[start:]) == "-0" {
		b = append(b[:start], '0')
	}
	return b
}
