package crossstore

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// bodsGLEIFCross is our own BODS 0.4 chain into the GLEIF fixture: a UK
// target held (50%, 75%] by a Singapore holdco, held 60% by a parent that
// BODS knows only by its LEI (no jurisdiction, no address). Only GLEIF's
// record of that LEI (lei-data.xml: a CN state-owned entity) makes the
// parent Chinese, so the target is CONTROLLED exactly when resolution
// folds the BODS parent into lei:984500CNULTIM0000192.
const bodsGLEIFCross = "testdata/bods-gleif-cross.jsonl"

// plantedAmbiguity is the one deliberate conflict: a BODS statement that
// gives GLEIF's Scottish company (Companies House SC123456, LEI
// 5493000NONPUB0000113 in lei-data.xml) another, well-formed LEI. The
// shared fixtures agree with each other; this file alone checks that an
// ambiguity is reported, and left unmerged, the same way on both stores.
const plantedAmbiguity = "testdata/planted-ambiguity.jsonl"

// crossGLEIF and crossPSC are testdata/cross: a PSC company whose
// corporate owner is named only by its Companies House number, which
// GLEIF's UK midco carries, consolidated by the CN company of
// lei-data.csv.
var (
	crossGLEIF = []string{shared("cross/gleif-lei.xml"), shared("cross/gleif-rr.xml")}
	crossPSC   = []string{shared("cross/psc.txt")}
)

// allInputs is every source's good fixtures, in one store.
var allInputs = []input{
	{"csv", csvFiles},
	{"gleif", gleifXML},
	{"gleif", gleifCSV},
	{"gleif", crossGLEIF},
	{"psc", pscParts},
	{"psc", crossPSC},
	{"bods", []string{shared("bods/v02.jsonl"), shared("bods/v03.json"), shared("bods/v04-chain.json"), bodsGLEIFCross, plantedAmbiguity}},
	{"ftm", ftmFiles},
	{"icij", []string{shared("icij/bundle")}},
}

// wantMerges: ids other sources (or records) know that resolution folds
// into one entity, by the identifier named.
var wantMerges = map[string]string{
	"bods:xs-gleif-parent":                      "lei:984500CNULTIM0000192", // XI-LEI, BODS ↔ GLEIF
	"bods:cn-parent":                            "lei:529900CNPARENT000194", // XI-LEI and CN-USCC, BODS 0.4 ↔ GLEIF XML
	"bods:target-uk":                            "lei:213800UKSUBSID000120", // XI-LEI and GB-COH:01234567, BODS 0.4 ↔ GLEIF XML
	"target-gmbh":                               "lei:5493000NATPER0000175", // REG:DE:HRB12345, CSV ↔ GLEIF
	"psc:11223344:CorpPsc006":                   "lei:549300CNCROSS0000189", // CN-USCC, PSC ↔ GLEIF CSV and cross
	"gb-coh:06543210":                           "lei:213800CROSSUK0000187", // GB-COH, cross PSC ↔ cross GLEIF
	"bods:e03-0001-aaaa-bbbb-cccc-000000000000": "band-co",                  // GB-COH:SC000123, BODS 0.3 ↔ CSV
	"ftm:NK-hkparent":                           "bods:hk-holdco",           // REG:HK:1234567, FtM ↔ BODS 0.4
}

// wantAmbiguous are the groups resolution must report and leave unmerged:
// only the planted one.
var wantAmbiguous = []string{
	"bods:xs-conflicting-lei, lei:5493000NONPUB0000113 (XI-LEI: 213800XSCONFLICT0081, 5493000NONPUB0000113)",
}

var wantAllStatus = counts{
	Entities: map[string]int{"arrangement": 2, "company": 53, "person": 15, "state_body": 7, "unknown": 13},
	Relationships: map[string]int{"board": 8, "branch": 1, "consolidation": 11, "control": 3, "fund_management": 2,
		"influence": 4, "nominee": 3, "officer": 5, "ownership": 48, "trust_role": 3, "voting": 10},
}

// wantVerdict is a verdict checked by hand against the scoring semantics.
type wantVerdict struct {
	verdict       model.Verdict
	indeterminate bool
	possible      model.Verdict // the "possible" verdict when indeterminate
	controllers   []string      // nil: not checked
	joint         []string      // nil: not checked
}

var wantVerdicts = map[string]wantVerdict{
	// BODS → GLEIF: the CN state-owned LEI holds 60% of the SG holdco,
	// which holds more than 50% of the target: aggregated control.
	"bods:xs-uk-target": {verdict: model.VerdictControlled, controllers: []string{"lei:984500CNULTIM0000192"}, joint: []string{}},
	// GLEIF: directly consolidated by the CN parent, ultimately by the CN
	// state-owned entity. BODS 0.4's UK target is the same company: its
	// HK holdco (75%, and FtM's HK parent folded into it) is held > 50%
	// by the same CN parent (BODS: under the municipal SASAC) and by
	// FtM's CN SOE (under the provincial SASAC). Every one is a
	// controlling root.
	"lei:213800UKSUBSID000120": {verdict: model.VerdictControlled,
		controllers: []string{"bods:hk-holdco", "bods:sasac-sz", "ftm:NK-sasac", "ftm:NK-soe",
			"lei:529900CNPARENT000194", "lei:984500CNULTIM0000192"}},
	// testdata/cross: the PSC company's corporate owner (by Companies
	// House number) is GLEIF's UK midco, consolidated by the CN company
	// that lei-data.csv and the PSC fixture know by its USCC.
	"gb-coh:08123456": {verdict: model.VerdictControlled, controllers: []string{"lei:549300CNCROSS0000189"}},
	// CSV, the worked example: a 50/50 JV with a CN holdco.
	"jv-ltd": {verdict: model.VerdictOwned50, controllers: []string{}, joint: []string{"cn-holdco", "us-inc"}},
	// CSV: LI Wei (CN) holds 60% of A (the ended board seat is ignored).
	"cross-a": {verdict: model.VerdictControlled, controllers: []string{"li-wei"}},
	// PSC: a CN national holds (25%, 50%]: certainly > 25%, possibly 50%.
	"gb-coh:09876543": {verdict: model.VerdictSignificant, indeterminate: true, possible: model.VerdictOwned50, controllers: []string{}},
	// FtM: 51% held by the HK parent (folded into BODS's HK holdco); the
	// BVI holder's Ownership was deleted by the delta file.
	"ftm:NK-uscust": {verdict: model.VerdictControlled},
	// ICIJ: a shareholder of unknown share headquartered in HK.
	"icij:10000003": {verdict: model.VerdictClear, indeterminate: true, possible: model.VerdictControlled},
	// CSV + BODS 0.3 (same Companies House number): a CN ministry's
	// control edge from BODS reaches the CSV company.
	"band-co": {verdict: model.VerdictControlled,
		controllers: []string{"bods:e03-0004-aaaa-bbbb-cccc-000000000000", "bods:e03-0005-aaaa-bbbb-cccc-000000000000"}},
}

// asOf fixes the scoring date: verdicts must not depend on the clock.
var asOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// scored is one scoring run's results: every entity's result as JSON.
type scored struct {
	results map[string]model.Result
	lines   []string
}

func score(t *testing.T, st store.Store) scored {
	t.Helper()
	ctx := context.Background()
	pol, err := policy.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return asOf }
	out, err := scoring.Run(ctx, st, scoring.Options{Policy: pol, AsOf: asOf, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	s := scored{results: map[string]model.Result{}}
	err = st.EachResult(ctx, out.Run.ID, func(r *model.Result) error {
		s.results[r.EntityID] = *r
		b, err := json.Marshal(r)
		s.lines = append(s.lines, string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// allOutcome is what ingesting everything produced on one store.
type allOutcome struct {
	dump      string
	reDump    string // after the second ingest
	status    counts
	ambiguous []string
	verdicts  scored
}

// TestAllSourcesOnBothStores ingests every source into one store, on each
// backend: cross-source merges happen by identifier (BODS ↔ GLEIF among
// them), conflicting identifiers are reported, the hand-checked verdicts
// come out, a second ingest changes nothing, and both stores agree on the
// data, the counts and every entity's result.
func TestAllSourcesOnBothStores(t *testing.T) {
	outcomes := map[string]allOutcome{}
	for _, b := range []string{"embedded", "neo4j"} {
		t.Run(b, func(t *testing.T) {
			open := openEmbedded
			if b == "neo4j" {
				open = neo4jOpener(t)
			}
			outcomes[b] = checkAllSources(t, open(t))
		})
	}
	emb, okE := outcomes["embedded"]
	neo, okN := outcomes["neo4j"]
	if !okE || !okN {
		return
	}
	if emb.dump != neo.dump {
		t.Errorf("embedded and Neo4j hold different data: %s", firstDiff(emb.dump, neo.dump))
	}
	if a, b := emb.reDump, neo.reDump; a != b {
		t.Errorf("after a second ingest, embedded and Neo4j hold different data: %s", firstDiff(a, b))
	}
	if !reflect.DeepEqual(emb.status, neo.status) {
		t.Errorf("status: embedded %+v, Neo4j %+v", emb.status, neo.status)
	}
	if !reflect.DeepEqual(emb.ambiguous, neo.ambiguous) {
		t.Errorf("ambiguous groups: embedded %v, Neo4j %v", emb.ambiguous, neo.ambiguous)
	}
	if a, b := strings.Join(emb.verdicts.lines, "\n"), strings.Join(neo.verdicts.lines, "\n"); a != b {
		t.Errorf("results differ between the stores: %s", firstDiff(a, b))
	}
}

func checkAllSources(t *testing.T, st store.Store) allOutcome {
	t.Helper()
	ctx := context.Background()
	first := load(t, st, allInputs)
	merged := map[string]string{}
	for _, r := range first.runs {
		for _, m := range r.report.Merges {
			merged[m.From] = m.Into
		}
	}
	if !reflect.DeepEqual(merged, wantMerges) {
		t.Errorf("merges %v, want %v", merged, wantMerges)
	}
	var ambiguous []string
	for _, a := range first.runs[len(first.runs)-1].report.Ambiguous {
		ambiguous = append(ambiguous, a.String())
	}
	sort.Strings(ambiguous)
	if !reflect.DeepEqual(ambiguous, wantAmbiguous) {
		t.Errorf("ambiguous groups:\n got %q\nwant %q", ambiguous, wantAmbiguous)
	}
	if !reflect.DeepEqual(first.status, wantAllStatus) {
		t.Errorf("status %+v, want %+v", first.status, wantAllStatus)
	}

	// Every merged id now resolves to its entity; the BODS parent's
	// identifiers and provenance joined GLEIF's record, GLEIF's scalars kept.
	var from []string
	for f := range wantMerges {
		from = append(from, f)
	}
	canon, err := st.CanonicalIDs(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(canon, wantMerges) {
		t.Errorf("canonical ids %v, want %v", canon, wantMerges)
	}
	checkEntities(t, st, []wantEntity{
		{ID: "lei:984500CNULTIM0000192",
			Name: "Example Provincial State-owned Assets Supervision Commission", Kind: model.Company,
			Jurisdiction: "CN", HQCountry: "CN", StateOwned: true, Identifiers: []string{"XI-LEI:984500CNULTIM0000192"}},
		// BODS and GLEIF agree on these identifiers: merging adds none.
		{ID: "lei:529900CNPARENT000194", Kind: model.Company, Jurisdiction: "CN", HQCountry: "CN",
			Identifiers: []string{"CN-USCC:91440300MA5ABCDE1H", "XI-LEI:529900CNPARENT000194"}},
		{ID: "lei:213800UKSUBSID000120", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
			Identifiers: []string{"GB-COH:01234567", "XI-LEI:213800UKSUBSID000120"}},
		// PSC's "6543210" padded, joined to GLEIF's "06543210".
		{ID: "lei:213800CROSSUK0000187", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
			Identifiers: []string{"GB-COH:06543210", "XI-LEI:213800CROSSUK0000187"}},
		// The planted ambiguity: both sides left as they were.
		{ID: "bods:xs-conflicting-lei", Kind: model.Company, Jurisdiction: "GB",
			Identifiers: []string{"GB-COH:SC123456", "XI-LEI:213800XSCONFLICT0081"}},
		{ID: "lei:5493000NONPUB0000113", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
			Identifiers: []string{"GB-COH:SC123456", "XI-LEI:5493000NONPUB0000113"}},
	})
	parent, err := st.Entity(ctx, "bods:xs-gleif-parent")
	if err != nil {
		t.Fatal(err)
	}
	if !contains(parent.Provenance, "bods:xs-stmt-0003-0000-0000-0000-000000000000") || !contains(parent.Provenance, "gleif:984500CNULTIM0000192") {
		t.Errorf("merged parent's provenance %v lacks the BODS or the GLEIF record", parent.Provenance)
	}
	// The BODS and PSC edges now start or end at the GLEIF entities.
	checkRelationships(t, st, []wantRel{
		{"lei:984500CNULTIM0000192", "bods:xs-sg-holdco", model.Ownership, exact(60), "direct", "2022-03-01", ""},
		{"bods:xs-sg-holdco", "bods:xs-uk-target", model.Ownership, band(50, 75, true, false), "direct", "", ""},
		{"lei:529900CNPARENT000194", "bods:hk-holdco", model.Ownership, band(50, 100, true, false), "direct", "", ""},
		{"bods:hk-holdco", "lei:213800UKSUBSID000120", model.Ownership, exact(75), "direct", "2020-05-01", ""},
		{"lei:529900CNPARENT000194", "lei:213800UKSUBSID000120", model.Consolidation, exact(100), "direct", "2018-04-01", ""},
		{"lei:213800CROSSUK0000187", "gb-coh:08123456", model.Ownership, band(75, 100, true, false), "", "2019-07-01", ""},
		{"lei:549300CNCROSS0000189", "lei:213800CROSSUK0000187", model.Consolidation, exact(100), "direct", "2019-07-01", ""},
		{"lei:549300CNCROSS0000189", "gb-coh:11223344", model.Ownership, band(25, 50, true, false), "", "2018-02-02", ""},
	})

	verdicts := score(t, st)
	checkVerdicts(t, verdicts)
	if len(verdicts.results) != entityCount(first.status) {
		t.Errorf("%d results for %d entities", len(verdicts.results), entityCount(first.status))
	}

	// The same files again: nothing changes but the run count.
	second := load(t, st, allInputs)
	want := first.status
	want.Runs++
	if !reflect.DeepEqual(second.status, want) {
		t.Errorf("status after a second ingest %+v, want %+v", second.status, want)
	}
	for _, r := range second.runs {
		if len(r.report.Merges) != 0 {
			t.Errorf("the second ingest merged again: %v", r.report.Merges)
		}
	}
	// Strict on both stores: writes through an alias fill only empty fields
	// (storetest ReingestAfterMergeIsFixedPoint).
	strict := true
	compareReingest(t, first.dump, second.dump, strict)
	again := score(t, st)
	compareRescore(t, verdicts, again, strict)
	return allOutcome{dump: first.dump, reDump: second.dump, status: first.status, ambiguous: ambiguous, verdicts: verdicts}
}

func checkVerdicts(t *testing.T, s scored) {
	t.Helper()
	for id, w := range wantVerdicts {
		r, ok := s.results[id]
		if !ok {
			t.Errorf("%s: no result", id)
			continue
		}
		if r.Verdict != w.verdict || r.Indeterminate != w.indeterminate {
			t.Errorf("%s: %s indeterminate=%v, want %s indeterminate=%v (%s)", id, r.Verdict, r.Indeterminate, w.verdict, w.indeterminate, r.Explanation)
		}
		if w.indeterminate && r.PossibleVerdict != w.possible {
			t.Errorf("%s: possibly %s, want %s", id, r.PossibleVerdict, w.possible)
		}
		if w.controllers != nil && !sameSet(r.Controllers, w.controllers) {
			t.Errorf("%s: controllers %v, want %v", id, r.Controllers, w.controllers)
		}
		if w.joint != nil && !sameSet(r.JointControllers, w.joint) {
			t.Errorf("%s: joint controllers %v, want %v", id, r.JointControllers, w.joint)
		}
	}
	// jv-ltd: U = 50% exactly (the worked example); cross-a: the
	// cross-holding fixed point 65/92.5.
	if u := s.results["jv-ltd"].ChineseShare; u.Min != 50 || u.Max != 50 {
		t.Errorf("jv-ltd: Chinese share %+v, want 50%%", u)
	}
	if u := s.results["cross-a"].ChineseShare.Min; u < 70.27 || u > 70.28 {
		t.Errorf("cross-a: Chinese share %v, want 70.27%%", u)
	}
}

// compareReingest checks that a second ingest of the same files left the
// data byte for byte as it was. Unless strict, one difference is logged
// rather than failed, a known Neo4j store issue: its UpsertEntities still
// writes a record whose id has become an alias with the normal rule
// (non-empty scalars overwrite), so the surviving entity's name, source and
// source_ref become that record's, where the merge had kept the
// survivor's. The store contract (storetest ReingestAfterMergeIsFixedPoint)
// forbids it and the embedded store passes it. Anything else that changes
// fails the test.
func compareReingest(t *testing.T, first, second string, strict bool) {
	t.Helper()
	if first == second {
		return
	}
	if strict {
		t.Errorf("a second ingest changed the data: %s", firstDiff(first, second))
		return
	}
	a, b := maskLastWriter(t, first), maskLastWriter(t, second)
	if a != b {
		t.Errorf("a second ingest changed the data: %s", firstDiff(a, b))
		return
	}
	t.Logf("known store issue (not failed): a second ingest renamed merged entities: %s", firstDiff(first, second))
}

// maskLastWriter blanks the entity fields the known issue touches.
func maskLastWriter(t *testing.T, dump string) string {
	t.Helper()
	lines := strings.Split(dump, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "E ") {
			continue
		}
		var e model.Entity
		if err := json.Unmarshal([]byte(l[2:]), &e); err != nil {
			t.Fatal(err)
		}
		e.Name, e.Source, e.SourceRef = "", "", ""
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		lines[i] = "E " + string(b)
	}
	return strings.Join(lines, "\n")
}

// compareRescore checks that scoring after the second ingest gave the same
// results. Unless strict, the known Neo4j issue above renames entities, and
// explanations quote names: such a difference is logged, any other fails
// the test.
func compareRescore(t *testing.T, first, second scored, strict bool) {
	t.Helper()
	a, b := strings.Join(first.lines, "\n"), strings.Join(second.lines, "\n")
	if a == b {
		return
	}
	if strict || !reflect.DeepEqual(withoutExplanations(first), withoutExplanations(second)) {
		t.Errorf("a second ingest changed the results: %s", firstDiff(a, b))
		return
	}
	t.Logf("known store issue (not failed): explanations name renamed entities: %s", firstDiff(a, b))
}

func withoutExplanations(s scored) map[string]model.Result {
	out := map[string]model.Result{}
	for id, r := range s.results {
		r.Explanation = ""
		ev := make([]model.Evidence, len(r.Evidence))
		for i, e := range r.Evidence {
			e.Explanation = ""
			ev[i] = e
		}
		r.Evidence = ev
		out[id] = r
	}
	return out
}

func entityCount(c counts) int {
	n := 0
	for _, k := range c.Entities {
		n += k
	}
	return n
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func sameSet(a, b []string) bool {
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, "\x00") == strings.Join(y, "\x00")
}
