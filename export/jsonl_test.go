package export

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
)

// stdlibLine is what the export wrote before the hand-written encoder.
func stdlibLine(t *testing.T, rec *Record) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var trickyStrings = []string{
	"", "plain", `quote " and \ backslash`, "html <b>&amp;</b>", "tab\tnew\nline\rcr\bbs\fff",
	"\x00\x01\x1f\x7f", "Zhōngguó 中国 Ltd", "bad utf8 \xff\xfe end", "truncated \xe4\xb8",
	"separators \u2028 and \u2029", "emoji 🀄", "→ arrows ← (50%, 75%]",
}

var trickyFloats = []float64{0, math.Copysign(0, -1), 1, 100, 50.5, 70.27027027027027, 1e-6, 9.99e-7,
	1e-7, 1.5e-10, 1e20, 1e21, 123456789012345678901234.0, -3.25, math.SmallestNonzeroFloat64, math.MaxFloat64}

func TestAppendRecordMatchesEncodingJSON(t *testing.T) {
	var recs []Record
	for i, s := range trickyStrings {
		f := trickyFloats[i%len(trickyFloats)]
		recs = append(recs, Record{ID: s, Name: s, Kind: "company", Verdict: model.VerdictOwned50,
			Indeterminate: i%2 == 0, ChineseShare: model.Interval{Min: f, Max: trickyFloats[(i+3)%len(trickyFloats)]},
			AggregateRule: AggregateRule{Certain: i%3 == 0, Possible: true},
			Controllers:   []string{s, "x"}, JointControllers: []string{},
			Evidence: []Evidence{{Path: []string{"a", s}, Share: f, Explanation: s},
				{Path: []string{}, Share: 0, Explanation: ""},
				{Path: []string{"b", s}, Share: f, Explanation: s, Truncated: i%2 == 1}},
			RunID: "20260101T000000Z-abcdef", Policy: s})
	}
	for _, f := range trickyFloats {
		recs = append(recs, Record{ChineseShare: model.Interval{Min: f, Max: -f}, Evidence: []Evidence{{Share: f}}})
	}
	recs = append(recs, Record{}) // nil slices: null, as encoding/json
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var sb strings.Builder
		for range rng.IntN(12) {
			switch rng.IntN(4) {
			case 0:
				sb.WriteByte(byte(rng.IntN(256)))
			case 1:
				sb.WriteRune(rune(rng.IntN(0x3000)))
			default:
				sb.WriteByte(byte(0x20 + rng.IntN(0x5f)))
			}
		}
		s := sb.String()
		f := math.Float64frombits(rng.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			f = rng.Float64() * 100
		}
		recs = append(recs, Record{ID: s, Name: s, ChineseShare: model.Interval{Min: f, Max: rng.Float64() * 100},
			Controllers: []string{s}, Evidence: []Evidence{{Path: []string{s}, Share: f, Explanation: s}}})
	}
	for i := range recs {
		got, err := appendRecord(nil, &recs[i])
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if want := stdlibLine(t, &recs[i]); string(got) != want {
			t.Fatalf("record %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func TestAppendRecordRejectsNaN(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		for _, rec := range []Record{
			{ChineseShare: model.Interval{Min: f}},
			{ChineseShare: model.Interval{Max: f}},
			{Evidence: []Evidence{{Share: f}}},
		} {
			if _, err := appendRecord(nil, &rec); err == nil {
				t.Errorf("%v in %+v encoded without an error", f, rec)
			}
		}
	}
}

// A truncated evidence path keeps its mark in the exported record and
// writes "truncated":true; an untruncated one writes no such key.
func TestRecordCarriesTruncatedEvidence(t *testing.T) {
	e := model.Entity{ID: "t", Name: "T", Kind: model.Company}
	r := model.Result{EntityID: "t", Verdict: model.VerdictControlled, Evidence: []model.Evidence{
		{Path: []string{"a", "t"}, Share: 100, Explanation: "cut", Truncated: true},
		{Path: []string{"b", "t"}, Share: 50, Explanation: "whole"}}}
	var rec Record
	fillRecord(&rec, &e, &r, model.Run{ID: "run"})
	line, err := appendRecord(nil, &rec)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(line), `"truncated":true`); got != 1 {
		t.Fatalf("%d truncated marks in %s, want 1", got, line)
	}
	if !strings.Contains(string(line), `"explanation":"cut","truncated":true}`) {
		t.Errorf("the mark is not on the truncated path: %s", line)
	}
}
