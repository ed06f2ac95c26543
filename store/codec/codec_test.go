package codec

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// The codec lists every field by hand: a field added to the model must be
// added to encode/decode too, or it would be silently dropped.
func TestCodecCoversEveryModelField(t *testing.T) {
	for _, tc := range []struct {
		typ    reflect.Type
		fields int
	}{
		{reflect.TypeFor[model.Entity](), 15},
		{reflect.TypeFor[model.Relationship](), 10},
		{reflect.TypeFor[model.Share](), 5},
	} {
		if got := tc.typ.NumField(); got != tc.fields {
			t.Errorf("%s has %d fields, the codec knows %d: update codec.go", tc.typ, got, tc.fields)
		}
	}
}

func TestCodecRoundTrip(t *testing.T) {
	e := model.Entity{ID: "lei:X", Name: "Zhōngguó Ltd", Kind: model.Company, Jurisdiction: "HK",
		HQCountry: "CN", Nationality: []string{"CN"}, Residence: "CN", StateOwned: true,
		Lists: []string{"a", "b"}, Identifiers: []string{"XI-LEI:X"}, Source: "gleif", SourceRef: "X",
		Provenance: []string{"gleif:X", "psc:1"}}
	var gotE model.Entity
	if err := DecodeEntity(EncodeEntity(&e), &gotE); err != nil || !reflect.DeepEqual(gotE, e) {
		t.Errorf("entity round trip: %+v, %v", gotE, err)
	}
	r := model.Relationship{ID: "r", HolderID: "a", HeldID: "b", Kind: model.Voting,
		Share: model.Range(25, 50, true, false), Direct: "direct", StartDate: "2020-01-01",
		EndDate: "2021-01-01", Source: "psc", SourceRef: "7"}
	var gotR model.Relationship
	if err := DecodeRelationship(EncodeRelationship(&r), &gotR); err != nil || !reflect.DeepEqual(gotR, r) {
		t.Errorf("relationship round trip: %+v, %v", gotR, err)
	}
	// Records written as JSON still decode.
	js, _ := json.Marshal(&r)
	if err := DecodeRelationship(js, &gotR); err != nil || !reflect.DeepEqual(gotR, r) {
		t.Errorf("JSON relationship: %+v, %v", gotR, err)
	}
	// Truncated data is an error, never a panic.
	data := EncodeEntity(&e)
	for n := range len(data) - 1 {
		if err := DecodeEntity(data[:n], &gotE); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("entity truncated to %d bytes: error %v", n, err)
		}
	}
}

// DecodeEntityFields fills exactly its fields, equal to DecodeEntity's,
// and rejects whatever DecodeEntity rejects.
func TestDecodeEntityFields(t *testing.T) {
	e := model.Entity{ID: "lei:X", Name: "Zhōngguó Ltd", Kind: model.Company, Jurisdiction: "HK",
		HQCountry: "CN", Nationality: []string{"CN", "HK"}, Residence: "CN", StateOwned: true,
		Lists: []string{"a", "b"}, Identifiers: []string{"XI-LEI:X"}, Source: "gleif", SourceRef: "X",
		Provenance: []string{"gleif:X", "psc:1"}, Aliases: []string{"中国有限公司", "Zhongguo Limited"},
		AddressCountries: []string{"CN", "HK"}}
	odd := model.Entity{ID: "x", Kind: "odd kind", Lists: []string{"l"}}
	onlyCountries := model.Entity{ID: "y", AddressCountries: []string{"FR"}}
	scoring := func(e model.Entity) model.Entity {
		return model.Entity{ID: e.ID, Name: e.Name, Kind: e.Kind, Jurisdiction: e.Jurisdiction,
			HQCountry: e.HQCountry, Nationality: e.Nationality, Residence: e.Residence,
			StateOwned: e.StateOwned, Lists: e.Lists}
	}
	summary := func(e model.Entity) model.Entity { return store.Project(e, store.ProjectSummary) }
	for _, in := range []model.Entity{e, odd, onlyCountries, {ID: "empty"}} {
		data := EncodeEntity(&in)
		for _, tc := range []struct {
			fields store.Projection
			want   model.Entity
		}{{store.ProjectAll, in}, {store.ProjectScoring, scoring(in)}, {store.ProjectSummary, summary(in)}} {
			got := model.Entity{Name: "stale", Provenance: []string{"stale"}}
			if err := DecodeEntityFields(data, &got, tc.fields); err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields %d of %s: %+v, %v", tc.fields, in.ID, got, err)
			}
			for n := range len(data) - 1 {
				if err := DecodeEntityFields(data[:n], &got, tc.fields); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("fields %d of %s truncated to %d bytes: error %v", tc.fields, in.ID, n, err)
				}
			}
		}
	}
	// Records written as JSON decode in full whatever the fields.
	js, _ := json.Marshal(&e)
	got := model.Entity{Residence: "stale"}
	if err := DecodeEntityFields(js, &got, store.ProjectSummary); err != nil || !reflect.DeepEqual(got, e) {
		t.Errorf("JSON entity: %+v, %v", got, err)
	}
}

// An entity without aliases or address countries is written in version 1,
// as older ubo wrote it; one with either in version 2. Both decode, and a
// version 1 record with bytes appended is rejected.
func TestEntityCodecVersions(t *testing.T) {
	plain := model.Entity{ID: "a", Name: "A", Kind: model.Company, Provenance: []string{"p:1"}}
	// EncodeEntity of plain as ubo wrote it before version 2.
	v1 := []byte{1, 1, 'a', 1, 'A', 7, 'c', 'o', 'm', 'p', 'a', 'n', 'y', 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 'p', ':', '1'}
	if got := EncodeEntity(&plain); !reflect.DeepEqual(got, v1) {
		t.Errorf("entity without aliases encodes as %v, want the version 1 bytes %v", got, v1)
	}
	var got model.Entity
	if err := DecodeEntity(v1, &got); err != nil || !reflect.DeepEqual(got, plain) {
		t.Errorf("version 1 record: %+v, %v", got, err)
	}
	withAlias := plain
	withAlias.Aliases = []string{"B"}
	data := EncodeEntity(&withAlias)
	if data[0] != codecV2 {
		t.Errorf("entity with aliases encodes as version %d", data[0])
	}
	if err := DecodeEntity(data, &got); err != nil || !reflect.DeepEqual(got, withAlias) {
		t.Errorf("version 2 record: %+v, %v", got, err)
	}
	// Version 2's fields under a version 1 byte are trailing garbage.
	data[0] = codecV1
	for _, p := range []store.Projection{store.ProjectAll, store.ProjectSummary} {
		if err := DecodeEntityFields(data, &got, p); !errors.Is(err, ErrCorrupt) {
			t.Errorf("projection %d of version 1 with trailing bytes: error %v", p, err)
		}
	}
}
