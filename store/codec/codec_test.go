package codec

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/model"
)

// The codec lists every field by hand: a field added to the model must be
// added to encode/decode too, or it would be silently dropped.
func TestCodecCoversEveryModelField(t *testing.T) {
	for _, tc := range []struct {
		typ    reflect.Type
		fields int
	}{
		{reflect.TypeFor[model.Entity](), 13},
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
