package codec

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/ubo-project/ubo/model"
)

// Entities and relationships are stored in a compact binary form: streaming
// them out for scoring is the hot path and JSON decoding cost three times
// the SQLite read. The first byte is the codec version; data starting with
// '{' is JSON (files written before the binary codec).
const codecV1 = 1

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

type decoder struct {
	b   []byte
	err error
	// backing, when set, holds the same bytes as b did at the start:
	// strings are sliced from it instead of allocated one by one.
	backing string
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = ErrCorrupt
	}
	d.b = nil
}

func (d *decoder) str() string {
	n := d.uvarint()
	if uint64(len(d.b)) < n {
		d.fail()
		return ""
	}
	var s string
	if d.backing != "" {
		off := len(d.backing) - len(d.b)
		s = d.backing[off : off+int(n)]
	} else {
		s = string(d.b[:n])
	}
	d.b = d.b[n:]
	return s
}

func (d *decoder) strs() []string {
	n := d.uvarint()
	if n == 0 || n > uint64(len(d.b)) { // every string takes at least one byte
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
	if len(d.b) < 1 {
		d.fail()
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func EncodeEntity(e *model.Entity) []byte {
	enc := make(encoder, 0, 128)
	enc = append(enc, codecV1)
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
	return enc
}

func DecodeEntity(data []byte, e *model.Entity) error {
	if len(data) > 0 && data[0] == '{' {
		return json.Unmarshal(data, e)
	}
	if len(data) == 0 || data[0] != codecV1 {
		return fmt.Errorf("entity: %w (unknown codec)", ErrCorrupt)
	}
	d := decoder{b: data[1:]}
	*e = model.Entity{
		ID: d.str(), Name: d.str(), Kind: model.EntityKind(d.str()), Jurisdiction: d.str(),
		HQCountry: d.str(), Nationality: d.strs(), Residence: d.str(), StateOwned: d.boolean(),
		Lists: d.strs(), Identifiers: d.strs(), Source: d.str(), SourceRef: d.str(), Provenance: d.strs(),
	}
	if d.err != nil {
		return fmt.Errorf("entity %q: %w", e.ID, d.err)
	}
	return nil
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

func DecodeRelationship(data []byte, r *model.Relationship) error {
	if len(data) > 0 && data[0] == '{' {
		return json.Unmarshal(data, r)
	}
	if len(data) == 0 || data[0] != codecV1 {
		return fmt.Errorf("relationship: %w (unknown codec)", ErrCorrupt)
	}
	d := decoder{b: data[1:]}
	*r = model.Relationship{
		ID: d.str(), HolderID: d.str(), HeldID: d.str(), Kind: model.RelKind(d.str()),
		Share: model.Share{Known: d.boolean(), Min: d.float(), Max: d.float(),
			MinExclusive: d.boolean(), MaxExclusive: d.boolean()},
		Direct: d.str(), StartDate: d.str(), EndDate: d.str(), Source: d.str(), SourceRef: d.str(),
	}
	if d.err != nil {
		return fmt.Errorf("relationship %q: %w", r.ID, d.err)
	}
	return nil
}
