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
		{reflect.TypeFor[model.Result](), 16},
		{reflect.TypeFor[model.RootReason](), 4},
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
				want := want
				if form == "JSON" { // JSON never held the root verdict
					want.RootVerdict = ""
				}
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
	r.Explanation, r.Aggregate, r.Root = "", nil, nil
	if r.Evidence != nil {
		r.Evidence = append([]model.Evidence{}, r.Evidence...)
		for i := range r.Evidence {
			r.Evidence[i].Hops = nil
		}
	}
	return r
}

// decoders are the two ways of decoding a result: both reject the same data.
var decoders = map[string]func(entityID string, verdict model.Verdict, flagged bool, data []byte, r *model.Result) error{
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

// Results written before results recorded why a root is one (and which
// words their policy used) read back exactly as written: the stored
// sentence, CHINESE_ENTITY's words, no reason.
func TestResultCodecReadsOlderData(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		verdict  model.Verdict
		data     string // as the codec of that time wrote it
		want     string // the explanation
	}{
		{"root", "ru-1", model.VerdictChineseEntity,
			"\x01^\x00\x00\x00\x00\x00\x00Y@\x00\x00\x00\x00\x00\x00Y@\x00\x00\x00\x00\x00\x00Y@\x00\x00\x00\x00\x00\x00Y@6LLC Volga Trade is a Chinese root: listed as sanction.\x01\x01\x01",
			"LLC Volga Trade is a Chinese root: listed as sanction."},
		{"owned", "uk-1", model.VerdictOwned50,
			"\x01^\x00\x00\x00\x00\x00\x00N@\x00\x00\x00\x00\x00\x00N@\x00\x00\x00\x00\x00\x00N@\x00\x00\x00\x00\x00\x00N@cVolga UK Ltd: LLC Volga Trade 60% = 60% ≥ 50%; owned by LLC Volga Trade (sanction) directly: 60%.\x01\x01\x02\x03\x04ru-1\x04uk-1\x00\x00\x00\x00\x00\x00N@1Owned by LLC Volga Trade (sanction) directly: 60%\x01\x00\x00\townership\x01\x00\x00\x00\x00\x00\x00N@\x00\x00\x00\x00\x00\x00N@\x03csv\ar.csv:2",
			"Volga UK Ltd: LLC Volga Trade 60% = 60% ≥ 50%; owned by LLC Volga Trade (sanction) directly: 60%."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got model.Result
			if err := codec.DecodeResult(tc.id, tc.verdict, true, []byte(tc.data), &got); err != nil {
				t.Fatal(err)
			}
			if got.Explanation != tc.want || got.Root != nil || got.RootVerdict != "" || got.Words().Root != "Chinese root" {
				t.Errorf("older data read as explanation %q, root %+v, root verdict %q", got.Explanation, got.Root, got.RootVerdict)
			}
			if got.ChineseShare.Min == 0 || !got.AggregateCertain {
				t.Errorf("older data lost its shares: %+v", got)
			}
		})
	}
}

// A root's result stores why it is one, not the sentence: the sentence is
// rendered from the reason and the verdict when read, in the words of the
// policy's root verdict. Every truncation of such data is an error.
func TestResultCodecStoresRootReason(t *testing.T) {
	r := storetest.ListedRoot()
	data := codec.EncodeResult(nil, &r)
	if strings.Contains(string(data), "root") || strings.Contains(string(data), "listed as") {
		t.Errorf("the stored data holds the sentence: %q", data)
	}
	var got model.Result
	if err := codec.DecodeResult(r.EntityID, r.Verdict, r.Flagged, data, &got); err != nil {
		t.Fatal(err)
	}
	const want = "LLC Volga Trade is a listed root: listed as us.ofac.sdn."
	if got.Explanation != want || got.Evidence[0].Explanation != want || got.RootVerdict != model.VerdictListedEntity {
		t.Errorf("read back %q / %q (%s), want %q", got.Explanation, got.Evidence[0].Explanation, got.RootVerdict, want)
	}
	for name, decode := range decoders {
		for n := 1; n < len(data); n++ {
			if err := decode("x", r.Verdict, false, data[:n], &got); !errors.Is(err, codec.ErrCorrupt) {
				t.Fatalf("%s: truncated to %d bytes: error %v", name, n, err)
			}
		}
	}
}
