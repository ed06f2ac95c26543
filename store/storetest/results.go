package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// FullResult is a result with every field set, two evidence paths and a
// hop that leaves its path.
func FullResult() model.Result {
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

// ListedRoot is the result of a root under a policy of list tags
// (LISTED_ENTITY): its explanation and its one evidence path say why, in
// the words rendered from its reason.
func ListedRoot() model.Result {
	why := &model.RootReason{Rule: model.RootListed, Code: "us.ofac.sdn", Name: "LLC Volga Trade"}
	sentence := model.RootSentence(model.VerdictListedEntity, why)
	return model.Result{EntityID: "ru-volga", Verdict: model.VerdictListedEntity, Flagged: true,
		RootVerdict: model.VerdictListedEntity, Root: why,
		ChineseShare: model.Interval{Min: 100, Max: 100}, ChineseVotes: model.Interval{Min: 100, Max: 100},
		AggregateCertain: true, AggregatePossible: true, Controllers: []string{}, JointControllers: []string{},
		Evidence:    []model.Evidence{{Path: []string{"ru-volga"}, Share: 100, Explanation: sentence}},
		Explanation: sentence}
}

// SampleResults covers every optional part of the stores' compact result
// form (store/codec), the minimal form, and results that look minimal but
// are not; keyed by a description (not the entity id: some share one).
func SampleResults() map[string]model.Result {
	clear := codec.ClearResult("gb-coh:1", model.VerdictClear, false)
	indeterminateClear := clear
	indeterminateClear.Indeterminate, indeterminateClear.PossibleVerdict = true, model.VerdictOwned50
	indeterminateClear.ChineseShare = model.Interval{Max: 50}
	otherSentence := clear
	otherSentence.Explanation = "Not covered: incorporated in HK, which policy \"x\" excludes."
	nilSlices := clear
	nilSlices.Controllers, nilSlices.JointControllers, nilSlices.Evidence = nil, nil, nil
	flaggedClear := clear // a policy may flag any verdict
	flaggedClear.Flagged = true
	quotes := FullResult()
	quotes.Explanation = "Owned 50%: " + quotes.Evidence[0].Explanation + " (and more)."
	quotesWhole := FullResult()
	quotesWhole.Explanation = quotesWhole.Evidence[0].Explanation
	aggregate := FullResult()
	aggregate.Aggregate = &model.Aggregate{
		Terms: []model.AggregateTerm{
			{HolderID: "cn-holdco", Share: model.Range(25, 50, true, false), Why: model.AggregateCovered, Certain: true},
			{HolderID: "sasac", Share: model.Exact(20), Why: model.AggregateRoot, Certain: true},
			{HolderID: "unknown:1", Share: model.Range(0, 55, false, true), ShareNotGiven: true, Why: model.AggregateUndisclosed},
			{HolderID: "maybe", Share: model.Exact(1), Why: "a reason of a later engine"},
		},
		Certain: 45, CertainStrict: true, Possible: 100, PossibleStrict: true, Threshold: 50, Inclusive: true}
	listedRetired := ListedRoot()
	listedRetired.EntityID = "ru-retired"
	listedRetired.Root = &model.RootReason{Rule: model.RootListed, Code: "us.ofac.sdn", Until: "2025-06-01", Name: "OOO Retired"}
	listedRetired.Explanation = model.RootSentence(listedRetired.Verdict, listedRetired.Root)
	listedRetired.Evidence = nil
	chineseRoot := ListedRoot()
	chineseRoot.EntityID, chineseRoot.Verdict, chineseRoot.RootVerdict = "cn-holdco", model.VerdictChineseEntity, ""
	chineseRoot.Root = &model.RootReason{Rule: model.RootIncorporation, Code: "CN", Name: "CN Holdco"}
	chineseRoot.Explanation = model.RootSentence(chineseRoot.Verdict, chineseRoot.Root)
	chineseRoot.Evidence = []model.Evidence{{Path: []string{"cn-holdco"}, Share: 100, Explanation: chineseRoot.Explanation}}
	rootOwnSentence := ListedRoot() // a sentence the reason does not render is kept
	rootOwnSentence.EntityID, rootOwnSentence.Explanation = "ru-own", "A sentence of an older engine."
	listedClear := clear
	listedClear.EntityID, listedClear.RootVerdict = "gb-coh:2", model.VerdictListedEntity
	listedClear.Explanation = model.ClearSentence(model.VerdictListedEntity)
	listedSignificant := FullResult()
	listedSignificant.EntityID, listedSignificant.Verdict, listedSignificant.RootVerdict = "gb-coh:3", model.VerdictSignificant, model.VerdictRootEntity
	clearAggregate := clear // a clear verdict with terms is not minimal
	clearAggregate.Aggregate = &model.Aggregate{Terms: []model.AggregateTerm{}, Threshold: 50}
	return map[string]model.Result{
		"listed root":                ListedRoot(),
		"listed root, retired":       listedRetired,
		"chinese root":               chineseRoot,
		"root, sentence of its own":  rootOwnSentence,
		"clear, listed policy":       listedClear,
		"significant, listed policy": listedSignificant,
		"minimal clear":              clear,
		"minimal, flagged":           flaggedClear,
		"indeterminate clear":        indeterminateClear,
		"other sentence":             otherSentence,
		"nil slices":                 nilSlices,
		"zero value but id":          {EntityID: "zz"},
		"empty explanation":          {EntityID: "zz", Verdict: model.VerdictMinority, ChineseVotes: model.Interval{Min: 1, Max: 2}},
		"full, hops off path":        FullResult(),
		"quotes evidence":            quotes,
		"is the evidence":            quotesWhole,
		"aggregate arithmetic":       aggregate,
		"clear with aggregate":       clearAggregate,
		"evidence, empty path":       {EntityID: "e", Verdict: model.VerdictSignificant, Evidence: []model.Evidence{{Path: []string{}, Explanation: "x"}}},
	}
}

// JSONRoundTrip is r after encoding/json and back: what a store gives back
// for r (empty and nil slices are not told apart by JSON's omitempty). The
// engine's Aggregate, which the result's JSON leaves out, comes back too.
func JSONRoundTrip(t testing.TB, r model.Result) model.Result {
	t.Helper()
	out := LegacyJSON(t, r)
	if r.Aggregate != nil {
		a := *r.Aggregate
		a.Terms = append([]model.AggregateTerm{}, a.Terms...)
		out.Aggregate = &a
	}
	if r.Root != nil {
		why := *r.Root
		out.Root = &why
	}
	out.RootVerdict = r.RootVerdict
	return out
}

// LegacyJSON is r after encoding/json and back alone: what a result stored
// as JSON (files written before the binary form) reads back as.
func LegacyJSON(t testing.TB, r model.Result) model.Result {
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

// testResultsExact: every sample result comes back exactly (as a JSON
// round trip gives it) from EachResult and Result, in entity id order,
// although the batches arrive out of order and interleaved; a result
// written again in a later batch replaces the earlier one everywhere,
// EachVerdict and EachFlagged included.
func testResultsExact(t *testing.T, s store.Store) {
	run := testRun("run-1", 1)
	if err := s.BeginRun(ctx(t), run); err != nil {
		t.Fatal(err)
	}
	want := map[string]model.Result{}
	var names []string
	for name := range SampleResults() {
		names = append(names, name)
	}
	sort.Strings(names)
	var odd, even []model.Result
	for i, name := range names {
		r := SampleResults()[name]
		r.EntityID = name // distinct ids
		want[name] = JSONRoundTrip(t, r)
		if i%2 == 0 {
			even = append(even, r)
		} else {
			odd = append(odd, r)
		}
	}
	slices.Reverse(odd)
	// Written before its replacement below: must not survive.
	stale := model.Result{EntityID: names[0], Verdict: model.VerdictControlled, Flagged: true,
		Explanation: "stale"}
	for _, b := range [][]model.Result{{stale}, odd, even} {
		if err := s.WriteResults(ctx(t), run.ID, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FinishRun(ctx(t), finished(run, nil)); err != nil {
		t.Fatal(err)
	}
	var order []string
	if err := s.EachResult(ctx(t), run.ID, func(r *model.Result) error {
		order = append(order, r.EntityID)
		if !reflect.DeepEqual(*r, want[r.EntityID]) {
			t.Errorf("EachResult %q:\n got %#v\nwant %#v", r.EntityID, *r, want[r.EntityID])
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	equal(t, "EachResult order", order, names)
	for _, name := range names {
		got, err := s.Result(ctx(t), run.ID, name)
		if err != nil || !reflect.DeepEqual(got, want[name]) {
			t.Errorf("Result %q:\n got %#v, %v\nwant %#v", name, got, err, want[name])
		}
	}
	// Screening's reader: every lookup, twice (the second from what a
	// caching reader kept), gives the summary fields of Result's.
	rr := s.RunResults(run.ID)
	for range 2 {
		for _, name := range names {
			got, err := rr.Result(ctx(t), name)
			w := want[name]
			if err != nil || got.EntityID != name || got.Verdict != w.Verdict || got.Flagged != w.Flagged ||
				got.Indeterminate != w.Indeterminate || got.ChineseShare != w.ChineseShare ||
				screeningExplanation(got) != screeningExplanation(w) {
				t.Errorf("RunResults.Result %q:\n got %#v, %v\nwant %#v", name, got, err, w)
			}
		}
	}
	for _, c := range []struct {
		rr store.ResultReader
		id string
	}{{rr, "no-such-entity"}, {s.RunResults("no-such-run"), names[0]}} {
		if _, err := c.rr.Result(ctx(t), c.id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RunResults.Result of %q: %v, want ErrNotFound", c.id, err)
		}
	}
	i := 0
	if err := s.EachVerdict(ctx(t), run.ID, func(id string, verdict model.Verdict, flagged bool) error {
		if i >= len(names) || id != names[i] {
			t.Errorf("EachVerdict #%d = %q, want %q", i, id, names[min(i, len(names)-1)])
		}
		if w := want[id]; verdict != w.Verdict || flagged != w.Flagged {
			t.Errorf("EachVerdict %q = %s %v, want %s %v", id, verdict, flagged, w.Verdict, w.Flagged)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != len(names) {
		t.Errorf("EachVerdict gave %d rows, want %d", i, len(names))
	}
	stop := errors.New("stop")
	if err := s.EachVerdict(ctx(t), run.ID, func(string, model.Verdict, bool) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachVerdict stop: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx(t))
	cancel()
	if err := s.EachVerdict(cancelled, run.ID, func(string, model.Verdict, bool) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("EachVerdict with a cancelled context: %v", err)
	}
	n := 0
	if err := s.EachVerdict(ctx(t), "no-such-run", func(string, model.Verdict, bool) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("EachVerdict of an unknown run: %d rows, %v", n, err)
	}

	// EachFlagged: the flagged ones of the same ids, in the same order.
	var wantFlagged, gotFlagged []string
	for _, name := range names {
		if want[name].Flagged {
			wantFlagged = append(wantFlagged, name)
		}
	}
	if len(wantFlagged) == 0 || len(wantFlagged) == len(names) {
		t.Fatalf("the sample results flag %d of %d: EachFlagged is not tested", len(wantFlagged), len(names))
	}
	if err := s.EachFlagged(ctx(t), run.ID, func(id string) error { gotFlagged = append(gotFlagged, id); return nil }); err != nil {
		t.Fatal(err)
	}
	equal(t, "EachFlagged", gotFlagged, wantFlagged)
	if err := s.EachFlagged(ctx(t), run.ID, func(string) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachFlagged stop: %v", err)
	}
	if err := s.EachFlagged(cancelled, run.ID, func(string) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("EachFlagged with a cancelled context: %v", err)
	}
	n = 0
	if err := s.EachFlagged(ctx(t), "no-such-run", func(string) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("EachFlagged of an unknown run: %d rows, %v", n, err)
	}
}

// testWriteConcurrency: a store states how many result writers it serves
// at once, at least one (what scoring writes with by default).
func testWriteConcurrency(t *testing.T, s store.Store) {
	if n := s.WriteConcurrency(); n < 1 {
		t.Errorf("WriteConcurrency() = %d, want at least 1", n)
	}
}

// testResultSummaries: EachResultSummary gives EachResult's results, in
// the same order, without the explanation and the evidence hops.
func testResultSummaries(t *testing.T, s store.Store) {
	run := testRun("run-1", 1)
	if err := s.BeginRun(ctx(t), run); err != nil {
		t.Fatal(err)
	}
	var results []model.Result
	for name, r := range SampleResults() {
		r.EntityID = name // distinct ids
		results = append(results, r)
	}
	if err := s.WriteResults(ctx(t), run.ID, results); err != nil {
		t.Fatal(err)
	}
	var full, summary []model.Result
	if err := s.EachResult(ctx(t), run.ID, func(r *model.Result) error { full = append(full, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.EachResultSummary(ctx(t), run.ID, func(r *model.Result) error { summary = append(summary, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(full) != len(results) || len(summary) != len(full) {
		t.Fatalf("%d results, %d summaries; wrote %d", len(full), len(summary), len(results))
	}
	for i := range full {
		want := full[i]
		want.Explanation, want.Aggregate, want.Root = "", nil, nil
		if want.Evidence != nil {
			want.Evidence = slices.Clone(want.Evidence)
			for j := range want.Evidence {
				want.Evidence[j].Hops = nil
			}
		}
		if !reflect.DeepEqual(summary[i], want) {
			t.Errorf("summary of %s:\n got %#v\nwant %#v", want.EntityID, summary[i], want)
		}
	}
}

// screeningExplanation is the sentence screening shows for r: its
// explanation, else its first evidence path's.
func screeningExplanation(r model.Result) string {
	if r.Explanation == "" && len(r.Evidence) > 0 {
		return r.Evidence[0].Explanation
	}
	return r.Explanation
}
