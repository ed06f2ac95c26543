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
		// 13 encoded + Aliases and AddressCountries, which no store
		// persists yet (wip/store adds codec version 2 with both): until
		// then they are dropped on write, as before they existed.
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
		Provenance: []string{"gleif:X", "psc:1"}}
	odd := model.Entity{ID: "x", Kind: "odd kind", Lists: []string{"l"}}
	scoring := func(e model.Entity) model.Entity {
		return model.Entity{ID: e.ID, Name: e.Name, Kind: e.Kind, Jurisdiction: e.Jurisdiction,
			HQCountry: e.HQCountry, Nationality: e.Nationality, Residence: e.Residence,
			StateOwned: e.StateOwned, Lists: e.Lists}
	}
	summary := func(e model.Entity) model.Entity { return model.Entity{ID: e.ID, Name: e.Name, Kind: e.Kind} }
	for _, in := range []model.Entity{e, odd, {ID: "empty"}} {
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
