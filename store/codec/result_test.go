package codec_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store/codec"
	"github.com/ubo-project/ubo/store/storetest"
)

// The result codec lists every field by hand, like the entity codec.
func TestResultCodecCoversEveryModelField(t *testing.T) {
	for _, tc := range []struct {
		typ    reflect.Type
		fields int
	}{
		{reflect.TypeFor[model.Result](), 14},
		{reflect.TypeFor[model.Aggregate](), 7},
		{reflect.TypeFor[model.AggregateTerm](), 5},
		{reflect.TypeFor[model.Evidence](), 5},
		{reflect.TypeFor[model.Hop](), 6},
		{reflect.TypeFor[model.Interval](), 2},
	} {
		if got := tc.typ.NumField(); got != tc.fields {
			t.Errorf("%s has %d fields, the result codec knows %d: update resultcodec.go", tc.typ, got, tc.fields)
		}
	}
}

func TestResultCodecRoundTrip(t *testing.T) {
	for name, r := range storetest.SampleResults() {
		t.Run(name, func(t *testing.T) {
			data := codec.EncodeResult(nil, &r)
			if name == "minimal clear" || name == "minimal, flagged" {
				if len(data) != 0 {
					t.Errorf("a minimal result takes %d bytes of data, want 0", len(data))
				}
			} else if len(data) == 0 {
				t.Fatalf("stored as minimal, but clearResult cannot rebuild %+v", r)
			}
			var got model.Result
			if err := codec.DecodeResult(r.EntityID, r.Verdict, r.Flagged, data, &got); err != nil {
				t.Fatal(err)
			}
			if want := storetest.JSONRoundTrip(t, r); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %#v\nwant %#v", got, want)
			}
			// Data written as JSON (older files) decodes the same.
			js, _ := json.Marshal(&r)
			if err := codec.DecodeResult(r.EntityID, r.Verdict, r.Flagged, js, &got); err != nil || !reflect.DeepEqual(got, storetest.LegacyJSON(t, r)) {
				t.Errorf("JSON data: %#v, %v", got, err)
			}
			// DecodeResultSummary gives the same without the explanation
			// and the hops.
			want := summary(storetest.JSONRoundTrip(t, r))
			for form, data := range map[string][]byte{"binary": data, "JSON": js} {
				got := model.Result{Explanation: "stale"}
				if err := codec.DecodeResultSummary(r.EntityID, r.Verdict, r.Flagged, data, &got); err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("summary of %s data:\n got %#v, %v\nwant %#v", form, got, err, want)
				}
			}
		})
	}
}

// summary is r without what DecodeResultSummary leaves out.
func summary(r model.Result) model.Result {
	r.Explanation, r.Aggregate = "", nil
	if r.Evidence != nil {
		r.Evidence = append([]model.Evidence{}, r.Evidence...)
		for i := range r.Evidence {
			r.Evidence[i].Hops = nil
		}
	}
	return r
}

// decoders are the two ways of decoding a result: both reject the same data.
var decoders = map[string]func(entityID, verdict string, flagged bool, data []byte, r *model.Result) error{
	"DecodeResult": codec.DecodeResult, "DecodeResultSummary": codec.DecodeResultSummary}

func TestResultCodecCorruptData(t *testing.T) {
	r := storetest.FullResult()
	data := codec.EncodeResult(nil, &r)
	var got model.Result
	// Every truncation is an error, never a panic.
	for name, decode := range decoders {
		for n := 1; n < len(data); n++ {
			if err := decode("x", "y", false, data[:n], &got); !errors.Is(err, codec.ErrCorrupt) {
				t.Fatalf("%s: truncated to %d bytes: error %v", name, n, err)
			}
		}
	}
	const v1 = 1 // the binary form's first byte
	for name, bad := range map[string][]byte{
		"unknown codec":   {9, 0},
		"trailing bytes":  append(append([]byte{}, data...), 0),
		"huge count":      {v1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"bad path ref":    {v1, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7},
		"ref beyond path": {v1, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0},
		"quote, no path":  {v1, 0x80, 0x02, 1, 'a', 1, 'b', 0, 0, 1}, // flags: rfQuotesEvidence,
	} {
		for dname, decode := range decoders {
			if err := decode("x", "y", false, bad, &got); !errors.Is(err, codec.ErrCorrupt) {
				t.Errorf("%s, %s: error %v, want errCodec", dname, name, err)
			}
		}
	}
}

// Truncated evidence paths keep their mark through both stored forms;
// results without one store exactly what they did before the mark existed.
func TestResultCodecTruncatedEvidence(t *testing.T) {
	plain := storetest.FullResult()
	before := codec.EncodeResult(nil, &plain)
	for name, marked := range map[string][]int{"first": {0}, "second": {1}, "both": {0, 1}} {
		t.Run(name, func(t *testing.T) {
			r := storetest.FullResult()
			r.Evidence = append([]model.Evidence{}, r.Evidence...)
			for _, i := range marked {
				r.Evidence[i].Truncated = true
			}
			data := codec.EncodeResult(nil, &r)
			var got model.Result
			if err := codec.DecodeResult(r.EntityID, r.Verdict, r.Flagged, data, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, storetest.JSONRoundTrip(t, r)) {
				t.Errorf("round trip:\n got %#v\nwant %#v", got, r)
			}
			if err := codec.DecodeResultSummary(r.EntityID, r.Verdict, r.Flagged, data, &got); err != nil ||
				!reflect.DeepEqual(got, summary(storetest.JSONRoundTrip(t, r))) {
				t.Errorf("summary: %#v, %v", got, err)
			}
			js, _ := json.Marshal(&r)
			if err := codec.DecodeResult(r.EntityID, r.Verdict, r.Flagged, js, &got); err != nil || !reflect.DeepEqual(got, storetest.LegacyJSON(t, r)) {
				t.Errorf("JSON data: %#v, %v", got, err)
			}
			for n := 1; n < len(data); n++ {
				if err := codec.DecodeResult("x", "y", false, data[:n], &got); !errors.Is(err, codec.ErrCorrupt) {
					t.Fatalf("truncated to %d bytes: error %v", n, err)
				}
			}
			// An index out of range or out of order is corrupt data.
			bad := append(append([]byte{}, data[:len(data)-1]...), 7)
			if err := codec.DecodeResult("x", "y", false, bad, &got); !errors.Is(err, codec.ErrCorrupt) {
				t.Errorf("index beyond the evidence: error %v", err)
			}
		})
	}
	js, _ := json.Marshal(plain.Evidence)
	if strings.Contains(string(js), "truncated") {
		t.Errorf("untruncated evidence writes the mark: %s", js)
	}
	if again := codec.EncodeResult(nil, &plain); string(again) != string(before) {
		t.Error("encoding an unmarked result changed")
	}
}

// The engine's aggregate arithmetic round-trips (covered by
// TestResultCodecRoundTrip); here: every truncation of it is corrupt data,
// and a summary decodes without it.
func TestResultCodecAggregate(t *testing.T) {
	r := storetest.SampleResults()["aggregate arithmetic"]
	data := codec.EncodeResult(nil, &r)
	plain := r
	plain.Aggregate = nil
	if before := codec.EncodeResult(nil, &plain); len(before) >= len(data) {
		t.Fatalf("aggregate takes no bytes: %d vs %d", len(data), len(before))
	}
	var got model.Result
	for name, decode := range decoders {
		for n := 1; n < len(data); n++ {
			if err := decode("x", "y", false, data[:n], &got); !errors.Is(err, codec.ErrCorrupt) {
				t.Fatalf("%s: truncated to %d bytes: error %v", name, n, err)
			}
		}
	}
	if err := codec.DecodeResultSummary(r.EntityID, r.Verdict, r.Flagged, data, &got); err != nil || got.Aggregate != nil {
		t.Errorf("summary: aggregate %+v, %v; want none", got.Aggregate, err)
	}
}
