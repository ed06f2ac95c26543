package graph

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/maphash"
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
	flagKnown    = 1 << iota // the source gave a share
	flagMinExcl              // lower bound exclusive
	flagMaxExcl              // upper bound exclusive
	flagIndirect             // the source marks the holding indirect
)

// maxProblems caps the messages Build keeps about skipped input.
const maxProblems = 20

// strtab is a string table without per-string headers: one byte blob and
// 32-bit offsets, so ten million ids cost their bytes plus 4 bytes each
// and give the garbage collector nothing to scan. Tables past 4 GiB stay
// correct: wraps records where the offsets passed each multiple of 2^32.
type strtab struct {
	data  []byte
	off   []uint32 // end offsets modulo 2^wrapBits; len = count+1
	wraps []uint32 // off indexes from which offsets are one more 2^wrapBits higher
}

// wrapBits is 32; tests lower it to exercise wrapping on small tables.
var wrapBits = 32

func newStrtab() strtab { return strtab{off: []uint32{0}} }

func (s *strtab) add(v string) uint32 {
	before := uint64(len(s.data))
	s.data = append(s.data, v...)
	end := uint64(len(s.data))
	for c := before >> wrapBits; c < end>>wrapBits; c++ {
		s.wraps = append(s.wraps, uint32(len(s.off)))
	}
	s.off = append(s.off, uint32(end&(1<<wrapBits-1)))
	return uint32(len(s.off) - 2)
}

// at is the full offset number k.
func (s *strtab) at(k uint32) uint64 {
	v := uint64(s.off[k])
	for _, w := range s.wraps {
		if k < w {
			break
		}
		v += 1 << wrapBits
	}
	return v
}

func (s *strtab) bytes(i uint32) []byte { return s.data[s.at(i):s.at(i+1)] }

func (s *strtab) get(i uint32) string { return string(s.bytes(i)) }

// equal compares entry i with v without allocating.
func (s *strtab) equal(i uint32, v string) bool { return string(s.bytes(i)) == v }

func (s *strtab) len() int { return len(s.off) - 1 }

// entityAttrs is what the engine needs of an entity while building.
type entityAttrs struct {
	nat        uint32 // set table index, 0 = none
	lists      uint32
	name       uint32 // name table entry (0 is "")
	jur, hq    uint16 // country table index, 0 = none
	res        uint16
	added      bool
	kind       uint8
	stateOwned bool
}

// edge is one relationship assertion, 28 bytes without pointers.
type edge struct {
	holder, held uint32
	start, end   int32  // days since 1970-01-01; noStart/noEnd when open
	share        uint32 // index into the share table ([0, 100] when unknown)
	ref          uint32 // index of the source reference in the ref table
	source       uint16 // index into the source table
	kind         uint8  // index into model.RelKinds
	flags        uint8  // flag* bits
}

// chunks holds a builder column in fixed-size chunks: appending never
// copies what is already there (a growing slice of ten million records
// copies them several times over and leaves each old copy as garbage),
// and Build gathers them into exact-size columns.
type chunks[T any] struct {
	c [][]T
	n int
}

const chunkBits = 16

func (ch *chunks[T]) add(v T) {
	if ch.n&(1<<chunkBits-1) == 0 {
		size := 1 << chunkBits
		if ch.n == 0 {
			size = 64 // small graphs: the first chunk grows as a slice
		}
		ch.c = append(ch.c, make([]T, 0, size))
	}
	last := &ch.c[len(ch.c)-1]
	*last = append(*last, v)
	ch.n++
}

func (ch *chunks[T]) at(i int) *T { return &ch.c[i>>chunkBits][i&(1<<chunkBits-1)] }

// shareVal is one distinct share interval: real registries use a few
// thousand distinct values, so edges refer to them by index.
type shareVal struct{ lo, hi float64 }

// Builder collects entities and relationships in any order and builds an
// immutable Graph. It is not safe for concurrent use.
//
// Nothing it holds per entity or per edge contains a pointer: ids, names
// and source references live in byte tables and ids are interned through
// an open-addressing table of indexes, so ten million entities neither
// cost a Go map of strings nor give the garbage collector work.
type Builder struct {
	seed  maphash.Seed
	slots []uint64 // id hash table: hash>>32<<32 | (index+1); 0 is empty
	ids   strtab   // provisional index → id
	names strtab   // name table; entry 0 is ""
	attrs chunks[entityAttrs]

	countries []string
	country   map[string]uint16
	sets      [][]string // interned sorted string sets (nationalities, list tags)
	set       map[string]uint32

	edges    chunks[edge]
	eRef     strtab
	shares   []shareVal
	shareIdx map[[2]uint64]uint32
	sources  []string
	source   map[string]uint16

	tooMany  bool // more ids than 32-bit indexes hold
	invalid  int
	problems []string
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{
		seed:      maphash.MakeSeed(),
		slots:     make([]uint64, 1024),
		ids:       newStrtab(),
		names:     strtab{off: []uint32{0, 0}}, // entry 0: ""
		countries: []string{""},
		country:   map[string]uint16{"": 0},
		sets:      [][]string{nil},
		set:       map[string]uint32{"": 0},
		eRef:      newStrtab(),
		shares:    []shareVal{{0, 100}},
		shareIdx:  map[[2]uint64]uint32{{math.Float64bits(0), math.Float64bits(100)}: 0},
		sources:   []string{""},
		source:    map[string]uint16{"": 0},
	}
}

// intern returns the provisional index of id, adding it when new.
func (b *Builder) intern(id string) uint32 {
	h := maphash.String(b.seed, id)
	tag := h >> 32 << 32
	mask := uint64(len(b.slots) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		s := b.slots[p]
		if s == 0 {
			n := b.ids.len()
			if n >= math.MaxUint32-1 {
				b.tooMany = true // Build reports it
				return 0
			}
			b.ids.add(id)
			b.attrs.add(entityAttrs{})
			b.slots[p] = tag | uint64(n+1)
			if (n+1)*10 > len(b.slots)*7 {
				b.growSlots()
			}
			return uint32(n)
		}
		if s&^0xffffffff == tag && b.ids.equal(uint32(s)-1, id) {
			return uint32(s) - 1
		}
	}
}

// growSlots doubles the id hash table, rehashing every id.
func (b *Builder) growSlots() {
	slots := make([]uint64, 2*len(b.slots))
	mask := uint64(len(slots) - 1)
	for i := range uint32(b.ids.len()) {
		h := maphash.Bytes(b.seed, b.ids.bytes(i))
		p := h & mask
		for slots[p] != 0 {
			p = (p + 1) & mask
		}
		slots[p] = h>>32<<32 | uint64(i+1)
	}
	b.slots = slots
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
	if len(vals) == 0 {
		return 0
	}
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

// shareIndex interns a share interval by its exact bits.
func (b *Builder) shareIndex(lo, hi float64) uint32 {
	key := [2]uint64{math.Float64bits(lo), math.Float64bits(hi)}
	if i, ok := b.shareIdx[key]; ok {
		return i
	}
	i := uint32(len(b.shares))
	b.shares = append(b.shares, shareVal{lo, hi})
	b.shareIdx[key] = i
	return i
}

// kindCodes maps entity kinds to the compact code stored per entity.
var kindCodes = map[model.EntityKind]uint8{model.Company: 0, model.Person: 1,
	model.StateBody: 2, model.Arrangement: 3, model.Unknown: 4}

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
	a := b.attrs.at(int(i))
	code, ok := kindCodes[e.Kind]
	if !ok {
		code = kindUnknown
	}
	if !a.added {
		*a = entityAttrs{added: true, kind: code, stateOwned: e.StateOwned,
			jur: b.countryIndex(e.Jurisdiction), hq: b.countryIndex(e.HQCountry),
			res: b.countryIndex(e.Residence), nat: b.setIndex(e.Nationality, true),
			lists: b.setIndex(e.Lists, false)}
		if e.Name != "" {
			a.name = b.names.add(e.Name)
		}
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
	if cur := b.names.get(a.name); pickString(cur, e.Name) != cur {
		a.name = b.names.add(e.Name)
	}
}

func (b *Builder) problem(format string, args ...any) {
	b.invalid++
	if len(b.problems) < maxProblems {
		b.problems = append(b.problems, fmt.Sprintf(format, args...))
	}
}

// parseDay turns YYYY-MM-DD into days since 1970-01-01. Well-formed dates
// take a fast path (time.Parse costs more than the rest of
// AddRelationship); anything else goes to time.Parse for its verdict and
// its error message.
func parseDay(s string) (int32, error) {
	if d, ok := fastDay(s); ok {
		return d, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, err
	}
	return dayOf(t), nil
}

// fastDay parses exactly "YYYY-MM-DD" with a valid month and day.
func fastDay(s string) (int32, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(from, to int) (int, bool) {
		v := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	m, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the proleptic Gregorian day number relative to
// 1970-01-01 (Howard Hinnant's algorithm), for years 0 to 9999.
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
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
	if r.Direct == "indirect" {
		flags |= flagIndirect
	}
	src, ok := b.source[r.Source]
	if !ok {
		src = uint16(len(b.sources))
		b.sources = append(b.sources, r.Source)
		b.source[r.Source] = src
	}
	var share uint32
	if r.Share.Known {
		share = b.shareIndex(lo, hi)
	}
	holder := b.intern(r.HolderID)
	held := b.intern(r.HeldID)
	b.edges.add(edge{holder: holder, held: held, start: start, end: end,
		share: share, ref: b.eRef.add(r.SourceRef), source: src, kind: relCode(r.Kind), flags: flags})
}

// relCode is the index of k in model.RelKinds.
func relCode(k model.RelKind) uint8 { return uint8(slices.Index(model.RelKinds, k)) }

// Build sorts and packs everything added so far, taking over the
// Builder's tables. The Builder must not be used afterwards.
func (b *Builder) Build() (*Graph, error) {
	if b.tooMany || b.edges.n >= math.MaxUint32 {
		return nil, fmt.Errorf("graph: build: %d ids and %d edges exceed the 32-bit index space", b.ids.len(), b.edges.n)
	}
	b.slots, b.country, b.set, b.shareIdx, b.source = nil, nil, nil, nil, nil

	// Final order: added entities sorted by id, then the ids only edges
	// named (they are dropped).
	ids := b.ids.len()
	n := 0
	for i := range b.attrs.n {
		if b.attrs.at(i).added {
			n++
		}
	}
	order := make([]uint32, ids)
	next, dropped := 0, n
	for i := range b.attrs.n {
		if b.attrs.at(i).added {
			order[next] = uint32(i)
			next++
		} else {
			order[dropped] = uint32(i)
			dropped++
		}
	}
	sortIDs(order[:n], &b.ids)
	final := make([]uint32, ids)
	for fi, pi := range order {
		final[pi] = uint32(fi)
		if fi >= n {
			final[pi] = math.MaxUint32
		}
	}
	attrs := make([]entityAttrs, n)
	for fi, pi := range order[:n] {
		attrs[fi] = *b.attrs.at(int(pi))
	}
	g := &Graph{ids: b.ids, idIdx: order[:n:n], names: b.names,
		attrs: attrs, countries: b.countries, sets: b.sets,
		sources: b.sources, shares: b.shares, eRef: b.eRef, invalid: b.invalid, problems: b.problems}
	b.attrs = chunks[entityAttrs]{}

	// Keep edges whose both ends were added; count per held entity.
	m := 0
	g.inOff = make([]uint32, n+1)
	for e := range b.edges.n {
		ed := b.edges.at(e)
		h, t := final[ed.holder], final[ed.held]
		if h == math.MaxUint32 || t == math.MaxUint32 {
			g.dangling++
			ed.holder = math.MaxUint32 // dropped
			continue
		}
		ed.holder, ed.held = h, t
		if ed.flags&flagIndirect != 0 {
			g.indirect++
		}
		g.inOff[t+1]++
		m++
	}
	final = nil
	for i := 1; i <= n; i++ {
		g.inOff[i] += g.inOff[i-1]
	}
	// Counting sort by held entity, then a full-key sort within each
	// bucket so that the result does not depend on the input order.
	pos := slices.Clone(g.inOff[:n])
	perm := make([]uint32, m)
	for e := range b.edges.n {
		ed := b.edges.at(e)
		if ed.holder == math.MaxUint32 {
			continue // dangling
		}
		perm[pos[ed.held]] = uint32(e)
		pos[ed.held]++
	}
	pos = nil
	// Sources compare by name: rank them once.
	srcRank := make([]uint16, len(b.sources))
	bySource := make([]uint16, len(b.sources))
	for i := range bySource {
		bySource[i] = uint16(i)
	}
	slices.SortFunc(bySource, func(x, y uint16) int { return strings.Compare(b.sources[x], b.sources[y]) })
	for r, i := range bySource {
		srcRank[i] = uint16(r)
	}
	less := func(x, y uint32) int {
		ex, ey := b.edges.at(int(x)), b.edges.at(int(y))
		if c := cmp.Compare(ex.holder, ey.holder); c != 0 {
			return c
		}
		if c := cmp.Compare(ex.kind, ey.kind); c != 0 {
			return c
		}
		sx, sy := b.shares[ex.share], b.shares[ey.share]
		if c := cmp.Compare(sx.lo, sy.lo); c != 0 {
			return c
		}
		if c := cmp.Compare(sx.hi, sy.hi); c != 0 {
			return c
		}
		if c := cmp.Compare(ex.flags, ey.flags); c != 0 {
			return c
		}
		if c := cmp.Compare(ex.start, ey.start); c != 0 {
			return c
		}
		if c := cmp.Compare(ex.end, ey.end); c != 0 {
			return c
		}
		if c := cmp.Compare(srcRank[ex.source], srcRank[ey.source]); c != 0 {
			return c
		}
		// Edges equal up to here and in their reference differ only in
		// their relationship id, which nothing downstream reads.
		return bytes.Compare(b.eRef.bytes(ex.ref), b.eRef.bytes(ey.ref))
	}
	for t := 0; t < n; t++ {
		if g.inOff[t+1]-g.inOff[t] > 1 {
			slices.SortFunc(perm[g.inOff[t]:g.inOff[t+1]], less)
		}
	}
	// A gather into an exact-size column: half the random accesses of an
	// in-place permutation, and no slack capacity left from appends.
	g.edges = make([]edge, m)
	for i, e := range perm {
		g.edges[i] = *b.edges.at(int(e))
	}
	b.edges, perm = chunks[edge]{}, nil

	// Out adjacency: edge indexes grouped by holder, in edge order.
	g.outOff = make([]uint32, n+1)
	for i := range g.edges {
		g.outOff[g.edges[i].holder+1]++
	}
	for i := 1; i <= n; i++ {
		g.outOff[i] += g.outOff[i-1]
	}
	pos = slices.Clone(g.outOff[:n])
	g.outEdg = make([]uint32, m)
	for e := range g.edges {
		h := g.edges[e].holder
		g.outEdg[pos[h]] = uint32(e)
		pos[h]++
	}
	return g, nil
}

// sortIDs sorts table indexes by their strings, most significant bytes
// first: 4 bytes of each id and its index packed in a uint64 sort without
// a comparison function, and runs of equal bytes are refined 4 bytes
// deeper. Ids with long common prefixes ("gleif:5493…") are thus never
// compared byte by byte from the start.
func sortIDs(idx []uint32, t *strtab) {
	keys := make([]uint64, len(idx))
	sortIDLevel(idx, keys, t, 0)
}

func sortIDLevel(idx []uint32, keys []uint64, t *strtab, depth int) {
	longer, same := false, true
	for j, i := range idx {
		s := t.bytes(i)
		keys[j] = key4(s, depth)<<32 | uint64(i)
		longer = longer || len(s) > depth+4
		same = same && keys[j]>>32 == keys[0]>>32
	}
	if same {
		// One run: nothing to sort at this depth.
		if longer {
			sortIDLevel(idx, keys, t, depth+4)
		} else {
			sortEqualPadded(idx, t)
		}
		return
	}
	slices.Sort(keys)
	for j := range keys {
		idx[j] = uint32(keys[j])
	}
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && keys[hi]>>32 == keys[lo]>>32 {
			hi++
		}
		if hi-lo > 1 {
			if longer {
				sortIDLevel(idx[lo:hi], keys[lo:hi], t, depth+4)
			} else {
				sortEqualPadded(idx[lo:hi], t)
			}
		}
		lo = hi
	}
}

// sortEqualPadded orders ids that are equal once zero-padded ("a" and
// "a\x00") by plain comparison.
func sortEqualPadded(idx []uint32, t *strtab) {
	slices.SortFunc(idx, func(x, y uint32) int { return bytes.Compare(t.bytes(x), t.bytes(y)) })
}

// key4 packs s[depth:depth+4] big-endian, zero-padded past the end, so
// that comparing keys orders ids as bytes.Compare does (ties aside).
func key4(s []byte, depth int) uint64 {
	var k uint64
	for j := range 4 {
		k <<= 8
		if depth+j < len(s) {
			k |= uint64(s[depth+j])
		}
	}
	return k
}
