package codec

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Entities and relationships are stored in a compact binary form: streaming
// them out for scoring is the hot path and JSON decoding cost three times
// the SQLite read. The first byte is the codec version; data starting with
// '{' is JSON (files written before the binary codec). Version 2 appends
// an entity's aliases and address countries to version 1's fields, so the
// projections (prefixes) read both alike; an entity with neither is still
// written as version 1, byte for byte what older ubo wrote.
const (
	codecV1 = 1
	codecV2 = 2
)

var ErrCorrupt = errors.New("corrupt stored record")

type encoder []byte

func (e *encoder) str(s string) {
	*e = binary.AppendUvarint(*e, uint64(len(s)))
	*e = append(*e, s...)
}

func (e *encoder) strs(ss []string) {
	*e = binary.AppendUvarint(*e, uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) boolean(b bool) {
	if b {
		*e = append(*e, 1)
	} else {
		*e = append(*e, 0)
	}
}

func (e *encoder) float(f float64) {
	*e = binary.LittleEndian.AppendUint64(*e, math.Float64bits(f))
}

// decoder reads b from position i. It moves i instead of re-slicing b: a
// slice written to a decoder is a pointer write, which costs a write
// barrier whenever the garbage collector is marking.
type decoder struct {
	b   []byte
	i   int
	err error
	// backing, when set, holds b[bi:bi+len(backing)]: strings within it
	// are sliced from it instead of allocated one by one.
	backing string
	bi      int
}

// left is the number of bytes not read yet.
func (d *decoder) left() int { return len(d.b) - d.i }

// shareTo makes the strings read from here up to where m (a copy of d
// moved on with the skip methods) stopped substrings of one allocation.
// When m failed the reads will too: nothing is shared.
func (d *decoder) shareTo(m *decoder) {
	if m.err != nil || m.i == d.i {
		return
	}
	d.backing, d.bi = string(d.b[d.i:m.i]), d.i
}

// shareRest makes the strings of the rest of b substrings of one allocation.
func (d *decoder) shareRest() {
	if d.left() > 0 {
		d.backing, d.bi = string(d.b[d.i:]), d.i
	}
}

// skipStr, skipStrs and skipBool move past a field as str, strs and
// boolean read it, with the same checks, without allocating.
func (d *decoder) skipStr() {
	n := d.uvarint()
	if uint64(d.left()) < n {
		d.fail()
		return
	}
	d.i += int(n)
}

func (d *decoder) skipStrs() {
	n := d.uvarint()
	if n > uint64(d.left()) {
		d.fail()
		return
	}
	for range n {
		d.skipStr()
	}
}

func (d *decoder) skipBool() {
	if d.left() < 1 {
		d.fail()
		return
	}
	d.i++
}

func (d *decoder) uvarint() uint64 {
	// One byte (values below 128) is by far the most common case.
	if d.i < len(d.b) && d.b[d.i] < 0x80 {
		v := uint64(d.b[d.i])
		d.i++
		return v
	}
	v, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.i += n
	return v
}

// fail records corruption; every later read fails too.
func (d *decoder) fail() {
	if d.err == nil {
		d.err = ErrCorrupt
	}
	d.i = len(d.b)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if uint64(d.left()) < n {
		d.fail()
		return ""
	}
	var s string
	if off := d.i - d.bi; d.backing != "" && off >= 0 && off+int(n) <= len(d.backing) {
		s = d.backing[off : off+int(n)]
	} else {
		s = string(d.b[d.i : d.i+int(n)])
	}
	d.i += int(n)
	return s
}

func (d *decoder) strs() []string {
	n := d.uvarint()
	if n == 0 || n > uint64(d.left()) { // every string takes at least one byte
		if n != 0 {
			d.fail()
		}
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) boolean() bool {
	if d.left() < 1 {
		d.fail()
		return false
	}
	v := d.b[d.i] == 1
	d.i++
	return v
}

func (d *decoder) float() float64 {
	if d.left() < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.i:]))
	d.i += 8
	return v
}

func EncodeEntity(e *model.Entity) []byte {
	enc := make(encoder, 0, 128)
	v2 := len(e.Aliases) > 0 || len(e.AddressCountries) > 0
	if v2 {
		enc = append(enc, codecV2)
	} else {
		enc = append(enc, codecV1)
	}
	enc.str(e.ID)
	enc.str(e.Name)
	enc.str(string(e.Kind))
	enc.str(e.Jurisdiction)
	enc.str(e.HQCountry)
	enc.strs(e.Nationality)
	enc.str(e.Residence)
	enc.boolean(e.StateOwned)
	enc.strs(e.Lists)
	enc.strs(e.Identifiers)
	enc.str(e.Source)
	enc.str(e.SourceRef)
	enc.strs(e.Provenance)
	if v2 {
		enc.strs(e.Aliases)
		enc.strs(e.AddressCountries)
	}
	return enc
}

// DecodeEntity fills e with every field of a stored entity.
func DecodeEntity(data []byte, e *model.Entity) error {
	return DecodeEntityFields(data, e, store.ProjectAll)
}

// DecodeEntityFields is DecodeEntity filling only the fields of projection
// p (each a prefix of the stored order: id, name, kind, jurisdiction,
// hq_country, nationality, residence, state_owned, lists, identifiers,
// source, source_ref, provenance, aliases, address_countries) and leaving
// the others empty; the rest
// of the record is only checked, and it rejects what DecodeEntity rejects. Entities
// stored as JSON are decoded in full.
//
// The strings it fills share one allocation, except the id when every
// field is decoded (a caller keeping only ids keeps no whole records), and
// Kind is the model constant when it is one.
func DecodeEntityFields(data []byte, e *model.Entity, p store.Projection) error {
	if len(data) > 0 && data[0] == '{' {
		*e = model.Entity{}
		return json.Unmarshal(data, e)
	}
	if len(data) == 0 || (data[0] != codecV1 && data[0] != codecV2) {
		return fmt.Errorf("entity: %w (unknown codec)", ErrCorrupt)
	}
	v2 := data[0] == codecV2
	d := decoder{b: data[1:]}
	*e = model.Entity{}
	if p == store.ProjectAll {
		e.ID = d.str()
	}
	// m finds the end of the strings to fill: Kind or Lists, or the record.
	m := d
	switch p {
	case store.ProjectSummary:
		m.skipStr() // id
		m.skipStr() // name
		m.skipStr() // kind
	case store.ProjectScoring:
		for range 5 { // id, name, kind, jurisdiction, hq_country
			m.skipStr()
		}
		m.skipStrs() // nationality
		m.skipStr()  // residence
		m.skipBool() // state_owned
		m.skipStrs() // lists
	default:
		m.i = len(m.b)
	}
	d.shareTo(&m)
	if p != store.ProjectAll {
		e.ID = d.str()
	}
	e.Name, e.Kind = d.str(), entityKind(d.str())
	if p == store.ProjectSummary {
		d.skipStr() // jurisdiction
		d.skipStr() // hq_country
		d.skipStrs()
		d.skipStr()
		d.skipBool()
		d.skipStrs()
	} else {
		e.Jurisdiction, e.HQCountry, e.Nationality, e.Residence = d.str(), d.str(), d.strs(), d.str()
		e.StateOwned, e.Lists = d.boolean(), d.strs()
	}
	if p == store.ProjectAll {
		e.Identifiers, e.Source, e.SourceRef, e.Provenance = d.strs(), d.str(), d.str(), d.strs()
		if v2 {
			e.Aliases, e.AddressCountries = d.strs(), d.strs()
		}
	} else {
		d.skipStrs() // identifiers
		d.skipStr()  // source
		d.skipStr()  // source_ref
		d.skipStrs() // provenance
		if v2 {
			if p == store.ProjectSummary {
				e.Aliases = d.strs() // exports name every alias
			} else {
				d.skipStrs()
			}
			d.skipStrs() // address_countries
		}
	}
	if d.left() > 0 {
		d.fail() // trailing bytes: not a record this codec wrote
	}
	if d.err != nil {
		return fmt.Errorf("entity %q: %w", e.ID, d.err)
	}
	return nil
}

// entityKind is the model constant equal to k, or k.
func entityKind(k string) model.EntityKind {
	for _, v := range model.EntityKinds {
		if string(v) == k {
			return v
		}
	}
	return model.EntityKind(k)
}

func EncodeRelationship(r *model.Relationship) []byte {
	enc := make(encoder, 0, 128)
	enc = append(enc, codecV1)
	enc.str(r.ID)
	enc.str(r.HolderID)
	enc.str(r.HeldID)
	enc.str(string(r.Kind))
	enc.boolean(r.Share.Known)
	enc.float(r.Share.Min)
	enc.float(r.Share.Max)
	enc.boolean(r.Share.MinExclusive)
	enc.boolean(r.Share.MaxExclusive)
	enc.str(r.Direct)
	enc.str(r.StartDate)
	enc.str(r.EndDate)
	enc.str(r.Source)
	enc.str(r.SourceRef)
	return enc
}

// DecodeRelationship fills r with a stored relationship. Its strings share
// one allocation, and Kind is the model constant when it is one.
func DecodeRelationship(data []byte, r *model.Relationship) error {
	if len(data) > 0 && data[0] == '{' {
		*r = model.Relationship{}
		return json.Unmarshal(data, r)
	}
	if len(data) == 0 || data[0] != codecV1 {
		return fmt.Errorf("relationship: %w (unknown codec)", ErrCorrupt)
	}
	d := decoder{b: data[1:]}
	d.shareRest()
	*r = model.Relationship{
		ID: d.str(), HolderID: d.str(), HeldID: d.str(), Kind: relKind(d.str()),
		Share: model.Share{Known: d.boolean(), Min: d.float(), Max: d.float(),
			MinExclusive: d.boolean(), MaxExclusive: d.boolean()},
		Direct: d.str(), StartDate: d.str(), EndDate: d.str(), Source: d.str(), SourceRef: d.str(),
	}
	if d.err != nil {
		return fmt.Errorf("relationship %q: %w", r.ID, d.err)
	}
	return nil
}

// relKind is the model constant equal to k, or k.
func relKind(k string) model.RelKind {
	for _, v := range model.RelKinds {
		if string(v) == k {
			return v
		}
	}
	return model.RelKind(k)
}
