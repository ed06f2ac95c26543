package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// The result codec lists every field by hand, like the entity codec.
func TestResultCodecCoversEveryModelField(t *testing.T) {
	for _, tc := range []struct {
		typ    reflect.Type
		fields int
	}{
		{reflect.TypeFor[model.Result](), 13},
		{reflect.TypeFor[model.Evidence](), 4},
		{reflect.TypeFor[model.Hop](), 6},
		{reflect.TypeFor[model.Interval](), 2},
	} {
		if got := tc.typ.NumField(); got != tc.fields {
			t.Errorf("%s has %d fields, the result codec knows %d: update resultcodec.go", tc.typ, got, tc.fields)
		}
	}
}

// sampleResults covers every optional part of the binary form, the minimal
// form, and results that look minimal but are not.
func sampleResults() map[string]model.Result {
	clear := clearResult("gb-coh:1", model.VerdictClear, false)
	indeterminateClear := clear
	indeterminateClear.Indeterminate, indeterminateClear.PossibleVerdict = true, model.VerdictOwned50
	indeterminateClear.ChineseShare = model.Interval{Max: 50}
	otherSentence := clear
	otherSentence.Explanation = "Not covered: incorporated in HK, which policy \"x\" excludes."
	nilSlices := clear
	nilSlices.Controllers, nilSlices.JointControllers, nilSlices.Evidence = nil, nil, nil
	flaggedClear := clear // a policy may flag any verdict
	flaggedClear.Flagged = true
	quotes := fullResult()
	quotes.Explanation = "Owned 50%: " + quotes.Evidence[0].Explanation + " (and more)."
	quotesWhole := fullResult()
	quotesWhole.Explanation = quotesWhole.Evidence[0].Explanation
	return map[string]model.Result{
		"minimal clear":        clear,
		"minimal, flagged":     flaggedClear,
		"indeterminate clear":  indeterminateClear,
		"other sentence":       otherSentence,
		"nil slices":           nilSlices,
		"zero value but id":    {EntityID: "zz"},
		"empty explanation":    {EntityID: "zz", Verdict: model.VerdictMinority, ChineseVotes: model.Interval{Min: 1, Max: 2}},
		"full, hops off path":  fullResult(),
		"quotes evidence":      quotes,
		"is the evidence":      quotesWhole,
		"evidence, empty path": {EntityID: "e", Verdict: model.VerdictSignificant, Evidence: []model.Evidence{{Path: []string{}, Explanation: "x"}}},
	}
}

func fullResult() model.Result {
	return model.Result{
		EntityID: "gb-coh:00000001", Verdict: model.VerdictOwned50, Indeterminate: true,
		PossibleVerdict: model.VerdictControlled,
		ChineseShare:    model.Interval{Min: 50, Max: 70.27}, ChineseVotes: model.Interval{Min: 25.5, Max: 100},
		AggregateCertain: true, AggregatePossible: true,
		Controllers: []string{"sasac"}, JointControllers: []string{"cn-holdco", "us-inc"},
		Evidence: []model.Evidence{
			{
				Path: []string{"sasac", "cn-holdco", "gb-coh:00000001"}, Share: 30,
				Hops: []model.Hop{
					{HolderID: "sasac", HeldID: "cn-holdco", Kind: model.Ownership, Share: model.Exact(60),
						Source: "gleif", SourceRef: "rr-1"},
					{HolderID: "cn-holdco", HeldID: "elsewhere", Kind: model.Voting,
						Share: model.Range(50, 75, true, false), Source: "psc", SourceRef: "line 3"},
					{HolderID: "beyond-the-path", HeldID: "x", Kind: model.Control},
				},
				Explanation: "Owned by SASAC (CN) via CN-Holdco 60% → Target (50%, 75%]",
			},
			{Path: []string{"u", "gb-coh:00000001"}, Share: 0, Explanation: "an undisclosed holder"},
		},
		Explanation: "Owned 50% or more by Chinese parents.",
		Flagged:     true,
	}
}

// jsonRoundTrip is what the store returned when results were JSON blobs:
// the binary form must give exactly that back.
func jsonRoundTrip(t *testing.T, r model.Result) model.Result {
	t.Helper()
	data, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	var out model.Result
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestResultCodecRoundTrip(t *testing.T) {
	for name, r := range sampleResults() {
		t.Run(name, func(t *testing.T) {
			data := encodeResult(nil, &r)
			if name == "minimal clear" || name == "minimal, flagged" {
				if len(data) != 0 {
					t.Errorf("a minimal result takes %d bytes of data, want 0", len(data))
				}
			} else if len(data) == 0 {
				t.Fatalf("stored as minimal, but clearResult cannot rebuild %+v", r)
			}
			var got model.Result
			if err := decodeResult(r.EntityID, r.Verdict, r.Flagged, data, &got); err != nil {
				t.Fatal(err)
			}
			if want := jsonRoundTrip(t, r); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %#v\nwant %#v", got, want)
			}
			// Data written as JSON (older files) decodes the same.
			js, _ := json.Marshal(&r)
			if err := decodeResult(r.EntityID, r.Verdict, r.Flagged, js, &got); err != nil || !reflect.DeepEqual(got, jsonRoundTrip(t, r)) {
				t.Errorf("JSON data: %#v, %v", got, err)
			}
		})
	}
}

func TestResultCodecCorruptData(t *testing.T) {
	r := fullResult()
	data := encodeResult(nil, &r)
	var got model.Result
	// Every truncation is an error, never a panic.
	for n := 1; n < len(data); n++ {
		if err := decodeResult("x", "y", false, data[:n], &got); !errors.Is(err, errCodec) {
			t.Fatalf("truncated to %d bytes: error %v", n, err)
		}
	}
	for name, bad := range map[string][]byte{
		"unknown codec":   {9, 0},
		"trailing bytes":  append(append([]byte{}, data...), 0),
		"huge count":      {resultCodecV1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"bad path ref":    {resultCodecV1, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7},
		"ref beyond path": {resultCodecV1, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0},
		"quote, no path":  {resultCodecV1, 0x80, 0x02, 1, 'a', 1, 'b', 0, 0, 1}, // flags: rfQuotesEvidence,
	} {
		if err := decodeResult("x", "y", false, bad, &got); !errors.Is(err, errCodec) {
			t.Errorf("%s: error %v, want errCodec", name, err)
		}
	}
}

// Results stored by the store come back exactly as a JSON round trip gave
// them (minimal ones included), from EachResult and Result; EachVerdict
// gives the same ids, verdicts and flags in the same order.
func TestStoredResults(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	run := model.Run{ID: "run-1", Started: time.Unix(1, 0).UTC(), Policy: "default"}
	if err := s.BeginRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	var batch []model.Result
	for name, r := range sampleResults() {
		r.EntityID = name // distinct ids
		batch = append(batch, r)
	}
	if err := s.WriteResults(ctx, run.ID, batch); err != nil {
		t.Fatal(err)
	}
	// Older files hold JSON blobs: one written the old way reads back too.
	old := fullResult()
	old.EntityID = "old json row"
	js, _ := json.Marshal(&old)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO results (run_id, entity_id, verdict, flagged, data) VALUES (?, ?, ?, ?, ?)`,
		run.ID, old.EntityID, old.Verdict, old.Flagged, js); err != nil {
		t.Fatal(err)
	}
	batch = append(batch, old)
	if err := s.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	want := map[string]model.Result{}
	for _, r := range batch {
		want[r.EntityID] = jsonRoundTrip(t, r)
	}

	var order []string
	if err := s.EachResult(ctx, run.ID, func(r *model.Result) error {
		order = append(order, r.EntityID)
		if !reflect.DeepEqual(*r, want[r.EntityID]) {
			t.Errorf("EachResult %q:\n got %#v\nwant %#v", r.EntityID, *r, want[r.EntityID])
		}
		got, err := s.Result(ctx, run.ID, r.EntityID)
		if err != nil || !reflect.DeepEqual(got, want[r.EntityID]) {
			t.Errorf("Result %q: %#v, %v", r.EntityID, got, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(order) != len(want) {
		t.Fatalf("EachResult gave %d results, want %d", len(order), len(want))
	}

	var _ store.VerdictStreamer = s
	i := 0
	if err := s.EachVerdict(ctx, run.ID, func(id, verdict string, flagged bool) error {
		if i >= len(order) || id != order[i] {
			t.Errorf("EachVerdict #%d = %q, EachResult gave %q", i, id, order[min(i, len(order)-1)])
		}
		if w := want[id]; verdict != w.Verdict || flagged != w.Flagged {
			t.Errorf("EachVerdict %q = %s %v, want %s %v", id, verdict, flagged, w.Verdict, w.Flagged)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != len(order) {
		t.Errorf("EachVerdict gave %d rows, want %d", i, len(order))
	}
	stop := errors.New("stop")
	if err := s.EachVerdict(ctx, run.ID, func(string, string, bool) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachVerdict stop: %v", err)
	}
	n := 0
	if err := s.EachVerdict(ctx, "no-such-run", func(string, string, bool) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("EachVerdict of an unknown run: %d rows, %v", n, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.EachVerdict(cancelled, run.ID, func(string, string, bool) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("EachVerdict with a cancelled context: %v", err)
	}
}

// After WriteResults the pooled connections are back to synchronous=FULL
// and the default checkpoint interval.
func TestWriteResultsRestoresSynchronous(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if err := s.BeginRun(ctx, model.Run{ID: "r", Started: time.Unix(1, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx, "r", []model.Result{clearResult("a", model.VerdictClear, false)}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx, "no-such-run", []model.Result{clearResult("a", model.VerdictClear, false)}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("WriteResults to an unknown run: %v", err)
	}
	// Hold every idle connection at once so each is checked.
	var conns []interface{ Close() error }
	for range 4 {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode, pages int
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if mode != 2 || pages != 1000 { // FULL, SQLite's default
			t.Errorf("a pooled connection has synchronous=%d wal_autocheckpoint=%d, want 2 (FULL) and 1000", mode, pages)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}
