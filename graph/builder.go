// Package graph is the traversal core of ubo: a compact in-memory ownership
// graph (interned ids, CSR adjacency) and the scoring engine implementing
// DESIGN.md's reference semantics. It imports neither Neo4j nor any source
// format, and its output is deterministic whatever order the input came in.
package graph

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ubo-project/ubo/model"
)

// Date sentinels: an edge without a start began at the dawn of time, one
// without an end never ends.
const (
	noStart = math.MinInt32
	noEnd   = math.MaxInt32
)

// Edge flag bits.
const (
	flagKnown   = 1 << iota // the source gave a share
	flagMinExcl             // lower bound exclusive
	flagMaxExcl             // upper bound exclusive
)

// maxProblems caps the messages Build keeps about skipped input.
const maxProblems = 20

// strtab is a string table without per-string headers: one byte blob and
// offsets, so ten million ids cost their bytes plus 8 bytes each and give
// the garbage collector nothing to scan.
type strtab struct {
	data []byte
	off  []uint64 // len = count+1
}

func newStrtab() strtab { return strtab{off: []uint64{0}} }

func (s *strtab) add(v string) uint32 {
	s.data = append(s.data, v...)
	s.off = append(s.off, uint64(len(s.data)))
	return uint32(len(s.off) - 2)
}

func (s *strtab) get(i uint32) string { return string(s.data[s.off[i]:s.off[i+1]]) }

func (s *strtab) len() int { return len(s.off) - 1 }

// entityAttrs is what the engine needs of an entity while building.
type entityAttrs struct {
	added      bool
	kind       uint8
	stateOwned bool
	jur, hq    uint16 // country table index, 0 = none
	res        uint16
	nat        uint32 // set table index, 0 = none
	lists      uint32
}

// Builder collects entities and relationships in any order and builds an
// immutable Graph. It is not safe for concurrent use.
type Builder struct {
	index map[string]uint32 // id → provisional index (entities and edge endpoints)
	names []string
	attrs []entityAttrs
	ids   []string

	countries []string
	country   map[string]uint16
	sets      [][]string // interned sorted string sets (nationalities, list tags)
	set       map[string]uint32

	// edges, endpoints as provisional indexes
	eHolder, eHeld []uint32
	eKind          []uint8
	eFlags         []uint8
	eLo, eHi       []float64
	eStart, eEnd   []int32
	eSource        []uint16
	eRef           strtab
	eID            strtab
	sources        []string
	source         map[string]uint16

	invalid  int
	problems []string
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{
		index:     make(map[string]uint32),
		countries: []string{""},
		country:   map[string]uint16{"": 0},
		sets:      [][]string{nil},
		set:       map[string]uint32{"": 0},
		eRef:      newStrtab(),
		eID:       newStrtab(),
		sources:   []string{""},
		source:    map[string]uint16{"": 0},
	}
}

func (b *Builder) intern(id string) uint32 {
	if i, ok := b.index[id]; ok {
		return i
	}
	i := uint32(len(b.ids))
	id = strings.Clone(id)
	b.index[id] = i
	b.ids = append(b.ids, id)
	b.names = append(b.names, "")
	b.attrs = append(b.attrs, entityAttrs{})
	return i
}

func (b *Builder) countryIndex(c string) uint16 {
	c = strings.ToUpper(strings.TrimSpace(c))
	if i, ok := b.country[c]; ok {
		return i
	}
	i := uint16(len(b.countries))
	if len(b.countries) == math.MaxUint16 {
		return 0 // not a real country table any more; ignore
	}
	b.countries = append(b.countries, c)
	b.country[c] = i
	return i
}

func (b *Builder) setIndex(vals []string, upper bool) uint32 {
	norm := make([]string, 0, len(vals))
	for _, v := range vals {
		if upper {
			v = strings.ToUpper(v)
		}
		norm = append(norm, v)
	}
	norm = model.SortedUnique(norm)
	key := strings.Join(norm, "\x00")
	if i, ok := b.set[key]; ok {
		return i
	}
	i := uint32(len(b.sets))
	b.sets = append(b.sets, norm)
	b.set[key] = i
	return i
}

// kindCodes maps entity kinds to the compact code stored per entity.
var kindCodes = map[model.EntityKind]uint8{model.Company: 0, model.Person: 1,
	model.StateBody: 2, model.Arrangement: 3, model.Unknown: 4}

var kindNames = []model.EntityKind{model.Company, model.Person, model.StateBody,
	model.Arrangement, model.Unknown}

const kindUnknown = 4

// pickString keeps the lexicographically smaller non-empty value so that
// merging duplicate entities does not depend on the order they arrived in.
func pickString(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || a <= b:
		return a
	default:
		return b
	}
}

// AddEntity records e. Adding the same id twice merges the two records
// deterministically: list fields are unioned, scalar fields keep the
// smaller non-empty value, and a known kind beats unknown.
func (b *Builder) AddEntity(e model.Entity) {
	i := b.intern(e.ID)
	a := &b.attrs[i]
	code, ok := kindCodes[e.Kind]
	if !ok {
		code = kindUnknown
	}
	if !a.added {
		*a = entityAttrs{added: true, kind: code, stateOwned: e.StateOwned,
			jur: b.countryIndex(e.Jurisdiction), hq: b.countryIndex(e.HQCountry),
			res: b.countryIndex(e.Residence), nat: b.setIndex(e.Nationality, true),
			lists: b.setIndex(e.Lists, false)}
		b.names[i] = e.Name
		return
	}
	switch {
	case a.kind == kindUnknown:
		a.kind = code
	case code != kindUnknown && code < a.kind:
		a.kind = code
	}
	a.stateOwned = a.stateOwned || e.StateOwned
	a.jur = b.countryIndex(pickString(b.countries[a.jur], strings.ToUpper(strings.TrimSpace(e.Jurisdiction))))
	a.hq = b.countryIndex(pickString(b.countries[a.hq], strings.ToUpper(strings.TrimSpace(e.HQCountry))))
	a.res = b.countryIndex(pickString(b.countries[a.res], strings.ToUpper(strings.TrimSpace(e.Residence))))
	a.nat = b.setIndex(append(slices.Clone(b.sets[a.nat]), e.Nationality...), true)
	a.lists = b.setIndex(append(slices.Clone(b.sets[a.lists]), e.Lists...), false)
	b.names[i] = pickString(b.names[i], e.Name)
}

func (b *Builder) problem(format string, args ...any) {
	b.invalid++
	if len(b.problems) < maxProblems {
		b.problems = append(b.problems, fmt.Sprintf(format, args...))
	}
}

// parseDay turns YYYY-MM-DD into days since 1970-01-01.
func parseDay(s string) (int32, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, err
	}
	return dayOf(t), nil
}

func dayOf(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// AddRelationship records r. Relationships whose holder or held entity is
// never added are dropped at Build and counted as dangling; invalid ones
// (unknown kind, bad share or date) are dropped and reported by
// Graph.Problems. Self-links (treasury shares) carry no outside ownership
// and are dropped likewise.
func (b *Builder) AddRelationship(r model.Relationship) {
	if !r.Kind.Valid() {
		b.problem("relationship %q: field \"kind\": unknown kind %q", r.ID, r.Kind)
		return
	}
	if err := r.Share.Validate(); err != nil {
		b.problem("relationship %q: field \"share\": %v", r.ID, err)
		return
	}
	start, end := int32(noStart), int32(noEnd)
	if r.StartDate != "" {
		d, err := parseDay(r.StartDate)
		if err != nil {
			b.problem("relationship %q: field \"start_date\": %v", r.ID, err)
			return
		}
		start = d
	}
	if r.EndDate != "" {
		d, err := parseDay(r.EndDate)
		if err != nil {
			b.problem("relationship %q: field \"end_date\": %v", r.ID, err)
			return
		}
		end = d
	}
	if r.HolderID == r.HeldID {
		b.problem("relationship %q: holder and held are both %q (self-link ignored)", r.ID, r.HolderID)
		return
	}
	var flags uint8
	lo, hi := 0.0, 100.0
	if r.Share.Known {
		flags |= flagKnown
		lo, hi = r.Share.Min, r.Share.Max
		if r.Share.MinExclusive {
			flags |= flagMinExcl
		}
		if r.Share.MaxExclusive {
			flags |= flagMaxExcl
		}
	}
	src, ok := b.source[r.Source]
	if !ok {
		src = uint16(len(b.sources))
		b.sources = append(b.sources, r.Source)
		b.source[r.Source] = src
	}
	b.eHolder = append(b.eHolder, b.intern(r.HolderID))
	b.eHeld = append(b.eHeld, b.intern(r.HeldID))
	b.eKind = append(b.eKind, relCode(r.Kind))
	b.eFlags = append(b.eFlags, flags)
	b.eLo = append(b.eLo, lo)
	b.eHi = append(b.eHi, hi)
	b.eStart = append(b.eStart, start)
	b.eEnd = append(b.eEnd, end)
	b.eSource = append(b.eSource, src)
	b.eRef.add(r.SourceRef)
	b.eID.add(r.ID)
}

// relCode is the index of k in model.RelKinds.
func relCode(k model.RelKind) uint8 { return uint8(slices.Index(model.RelKinds, k)) }

// Graph is the immutable, compact ownership graph: entities sorted by id,
// relationships sorted by (held, holder, kind, …) with CSR offsets for
// both directions.
type Graph struct {
	ids   strtab // sorted
	names strtab
	attrs []entityAttrs

	countries []string
	sets      [][]string
	sources   []string

	eHolder, eHeld []uint32
	eKind          []uint8
	eFlags         []uint8
	eLo, eHi       []float64
	eStart, eEnd   []int32
	eSource        []uint16
	eRef           strtab
	eID            strtab

	inOff  []uint32 // len n+1: edges into entity i are inOff[i]:inOff[i+1]
	outOff []uint32 // len n+1: outEdge[outOff[i]:outOff[i+1]] are edges out of i
	outEdg []uint32

	dangling int
	invalid  int
	problems []string
}

// Build sorts, interns and packs everything added so far. The Builder must
// not be used afterwards.
func (b *Builder) Build() (*Graph, error) {
	if len(b.ids) >= math.MaxUint32 || len(b.eHolder) >= math.MaxUint32 {
		return nil, fmt.Errorf("graph: build: %d ids and %d edges exceed the 32-bit index space", len(b.ids), len(b.eHolder))
	}
	// Final order: added entities sorted by id.
	order := make([]uint32, 0, len(b.ids))
	for i, a := range b.attrs {
		if a.added {
			order = append(order, uint32(i))
		}
	}
	slices.SortFunc(order, func(x, y uint32) int { return strings.Compare(b.ids[x], b.ids[y]) })
	final := make([]uint32, len(b.ids))
	for i := range final {
		final[i] = math.MaxUint32
	}
	g := &Graph{ids: newStrtab(), names: newStrtab(), attrs: make([]entityAttrs, len(order)),
		countries: b.countries, sets: b.sets, sources: b.sources,
		invalid: b.invalid, problems: b.problems}
	for fi, pi := range order {
		final[pi] = uint32(fi)
		g.ids.add(b.ids[pi])
		g.names.add(b.names[pi])
		g.attrs[fi] = b.attrs[pi]
	}
	b.index, b.ids, b.names, b.attrs = nil, nil, nil, nil
	n := len(order)

	// Keep edges whose both ends were added; count per held entity.
	m := 0
	g.inOff = make([]uint32, n+1)
	for e := range b.eHolder {
		h, t := final[b.eHolder[e]], final[b.eHeld[e]]
		if h == math.MaxUint32 || t == math.MaxUint32 {
			g.dangling++
			b.eHolder[e] = math.MaxUint32 // dropped
			continue
		}
		b.eHolder[e], b.eHeld[e] = h, t
		g.inOff[t+1]++
		m++
	}
	for i := 1; i <= n; i++ {
		g.inOff[i] += g.inOff[i-1]
	}
	// Counting sort by held entity, then a full-key sort within each
	// bucket so that the result does not depend on the input order.
	pos := slices.Clone(g.inOff[:n])
	perm := make([]uint32, m)
	for e := range b.eHolder {
		h, t := b.eHolder[e], b.eHeld[e]
		if h == math.MaxUint32 {
			continue
		}
		perm[pos[t]] = uint32(e)
		pos[t]++
	}
	less := func(x, y uint32) int {
		if c := cmp.Compare(b.eHolder[x], b.eHolder[y]); c != 0 {
			return c
		}
		if c := cmp.Compare(b.eKind[x], b.eKind[y]); c != 0 {
			return c
		}
		if c := cmp.Compare(b.eLo[x], b.eLo[y]); c != 0 {
			return c
		}
		if c := cmp.Compare(b.eHi[x], b.eHi[y]); c != 0 {
			return c
		}
		if c := cmp.Compare(b.eFlags[x], b.eFlags[y]); c != 0 {
			return c
		}
		if c := cmp.Compare(b.eStart[x], b.eStart[y]); c != 0 {
			return c
		}
		if c := cmp.Compare(b.eEnd[x], b.eEnd[y]); c != 0 {
			return c
		}
		if c := strings.Compare(b.sources[b.eSource[x]], b.sources[b.eSource[y]]); c != 0 {
			return c
		}
		if c := strings.Compare(b.eRef.get(x), b.eRef.get(y)); c != 0 {
			return c
		}
		return strings.Compare(b.eID.get(x), b.eID.get(y))
	}
	for t := 0; t < n; t++ {
		if g.inOff[t+1]-g.inOff[t] > 1 {
			slices.SortFunc(perm[g.inOff[t]:g.inOff[t+1]], less)
		}
	}
	g.eHolder = make([]uint32, m)
	g.eHeld = make([]uint32, m)
	g.eKind = make([]uint8, m)
	g.eFlags = make([]uint8, m)
	g.eLo = make([]float64, m)
	g.eHi = make([]float64, m)
	g.eStart = make([]int32, m)
	g.eEnd = make([]int32, m)
	g.eSource = make([]uint16, m)
	g.eRef, g.eID = newStrtab(), newStrtab()
	for i, e := range perm {
		g.eHolder[i], g.eHeld[i], g.eKind[i], g.eFlags[i] = b.eHolder[e], b.eHeld[e], b.eKind[e], b.eFlags[e]
		g.eLo[i], g.eHi[i], g.eStart[i], g.eEnd[i] = b.eLo[e], b.eHi[e], b.eStart[e], b.eEnd[e]
		g.eSource[i] = b.eSource[e]
		g.eRef.add(b.eRef.get(e))
		g.eID.add(b.eID.get(e))
	}
	// Out adjacency: edge indexes grouped by holder, in edge order.
	g.outOff = make([]uint32, n+1)
	for _, h := range g.eHolder {
		g.outOff[h+1]++
	}
	for i := 1; i <= n; i++ {
		g.outOff[i] += g.outOff[i-1]
	}
	pos = slices.Clone(g.outOff[:n])
	g.outEdg = make([]uint32, m)
	for e, h := range g.eHolder {
		g.outEdg[pos[h]] = uint32(e)
		pos[h]++
	}
	return g, nil
}

// NumEntities is the number of entities in the graph.
func (g *Graph) NumEntities() int { return len(g.attrs) }

// NumEdges is the number of relationships kept (dangling ones excluded).
func (g *Graph) NumEdges() int { return len(g.eHolder) }

// Dangling is the number of relationships dropped because their holder or
// held entity was never added.
func (g *Graph) Dangling() int { return g.dangling }

// Invalid is the number of relationships dropped as invalid (bad kind,
// share or date, or a self-link); Problems describes the first few.
func (g *Graph) Invalid() int { return g.invalid }

// Problems returns up to 20 messages about relationships Build dropped as
// invalid, each naming the relationship id and field.
func (g *Graph) Problems() []string { return slices.Clone(g.problems) }

// ID returns the id of entity index i (ids are sorted, so index order is id order).
func (g *Graph) ID(i int) string { return g.ids.get(uint32(i)) }

// Lookup returns the index of id, or false when it is not in the graph.
func (g *Graph) Lookup(id string) (int, bool) {
	lo, hi := 0, g.NumEntities()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if string(g.ids.data[g.ids.off[mid]:g.ids.off[mid+1]]) < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < g.NumEntities() && string(g.ids.data[g.ids.off[lo]:g.ids.off[lo+1]]) == id {
		return lo, true
	}
	return 0, false
}

// label is the entity's name, or its id when it has none.
func (g *Graph) label(i uint32) string {
	if n := g.names.get(i); n != "" {
		return n
	}
	return g.ids.get(i)
}
