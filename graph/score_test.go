package graph

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// want is the expected outcome for one entity; nil slices are not checked,
// NaN-free: minU/maxU < 0 means "not checked".
type want struct {
	verdict       model.Verdict
	indeterminate bool
	possible      model.Verdict // expected PossibleVerdict ("" when not stronger)
	minU, maxU    float64
	aggCertain    *bool
	controllers   []string
	joint         []string
	pathVia       []string // the first evidence path must contain these ids in order
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func TestScoringCases(t *testing.T) {
	cn := func(id string) model.Entity { return company(id, "CN") }
	gb := func(id string) model.Entity { return company(id, "GB") }
	us := func(id string) model.Entity { return company(id, "US") }
	chk := -1.0 // "don't check U"
	cases := []struct {
		name   string
		ents   []model.Entity
		rels   []model.Relationship
		policy *policy.Policy
		want   map[string]want
	}{
		{
			name: "aggregate rule and U disagree",
			ents: []model.Entity{cn("X"), gb("A"), gb("B")},
			rels: []model.Relationship{own("X", "A", 50), own("A", "B", 50)},
			want: map[string]want{
				"X": {verdict: model.VerdictChineseEntity, minU: 100, maxU: 100},
				"A": {verdict: model.VerdictOwned50, minU: 50, maxU: 50, aggCertain: yes(), pathVia: []string{"X", "A"}},
				"B": {verdict: model.VerdictOwned50, minU: 25, maxU: 25, aggCertain: yes(), pathVia: []string{"X", "A", "B"}},
			},
		},
		{
			name: "cross-holdings integrated share",
			ents: []model.Entity{cn("P"), gb("A"), gb("B")},
			rels: []model.Relationship{own("P", "A", 60), own("P", "B", 20), own("A", "B", 30), own("B", "A", 25)},
			want: map[string]want{
				// U(A) = 65/92.5, U(B) = 20 + 0.3·U(A).
				"A": {verdict: model.VerdictControlled, minU: 70.27, maxU: 70.27, controllers: []string{"P"}},
				// P's group {P, A} holds exactly 50% of B: not > 50%, but ≥ 50% in aggregate.
				"B": {verdict: model.VerdictOwned50, minU: 41.08, maxU: 41.08, controllers: []string{}},
			},
		},
		{
			name: "mutual support does not self-cover",
			ents: []model.Entity{gb("A"), gb("B")},
			rels: []model.Relationship{own("A", "B", 50), own("B", "A", 50)},
			want: map[string]want{
				"A": {verdict: model.VerdictClear, minU: 0, maxU: 0, aggCertain: no()},
				"B": {verdict: model.VerdictClear, minU: 0, maxU: 0, aggCertain: no()},
			},
		},
		{
			name: "mutual support with a minority root stays below the aggregate rule",
			ents: []model.Entity{cn("R"), gb("A"), gb("B")},
			rels: []model.Relationship{own("R", "A", 25), own("A", "B", 50), own("B", "A", 50)},
			want: map[string]want{
				// U(A) = 25 + 0.5·U(B), U(B) = 0.5·U(A) ⇒ U(A) = 33.33, U(B) = 16.67.
				// A is not in C (25% + B's uncovered 50%), but B 50% and R 25%
				// are two partners ≥ 25% holding 75% with no controller.
				"A": {verdict: model.VerdictJointControl, minU: 33.33, maxU: 33.33, aggCertain: no(), joint: []string{"B", "R"}},
				"B": {verdict: model.VerdictMinority, minU: 16.67, maxU: 16.67, aggCertain: no()},
			},
		},
		{
			name: "aggregated control through controlled entities",
			ents: []model.Entity{cn("A"), gb("B1"), gb("B2"), gb("C")},
			rels: []model.Relationship{own("A", "B1", 100), own("A", "B2", 80), own("B1", "C", 20), own("B2", "C", 40)},
			want: map[string]want{
				"C": {verdict: model.VerdictControlled, minU: 52, maxU: 52, controllers: []string{"A"}},
			},
		},
		{
			name: "aggregated control without ownership (consolidation subsidiaries' votes)",
			ents: []model.Entity{cn("A"), gb("B1"), gb("B2"), gb("C")},
			rels: []model.Relationship{rel("A", "B1", model.Consolidation), rel("A", "B2", model.Consolidation),
				own("B1", "C", 20), own("B2", "C", 31)},
			want: map[string]want{
				"B1": {verdict: model.VerdictControlled, controllers: []string{"A"}, minU: 0, maxU: 0},
				// B1, B2 are not in C (no ownership), so only control explains it.
				"C": {verdict: model.VerdictControlled, aggCertain: no(), controllers: []string{"A"}, minU: 0, maxU: 0,
					pathVia: []string{"A", "B2", "C"}},
			},
		},
		{
			name: "aggregated control needs the group above 50%",
			ents: []model.Entity{cn("A"), gb("B1"), gb("B2"), gb("C")},
			rels: []model.Relationship{rel("A", "B1", model.Consolidation), rel("A", "B2", model.Consolidation),
				own("B1", "C", 20), own("B2", "C", 30)},
			want: map[string]want{
				"C": {verdict: model.VerdictSignificant, aggCertain: no(), controllers: []string{}, minU: 0, maxU: 0},
			},
		},
		{
			name: "50/50 JV with a root partner is OWNED_50 and jointly controlled",
			ents: []model.Entity{cn("R"), us("US"), gb("JV"), gb("T")},
			rels: []model.Relationship{own("R", "JV", 50), own("US", "JV", 50), own("JV", "T", 100)},
			want: map[string]want{
				"JV": {verdict: model.VerdictOwned50, joint: []string{"R", "US"}, controllers: []string{}},
				"T":  {verdict: model.VerdictOwned50, joint: []string{"R", "US"}, minU: 50, maxU: 50},
				"US": {verdict: model.VerdictClear, joint: []string{}},
			},
		},
		{
			name: "40/40 JV with a root partner is JOINT_CONTROL only",
			ents: []model.Entity{cn("R"), us("US"), gb("Other"), gb("JV"), gb("T")},
			rels: []model.Relationship{own("R", "JV", 40), own("US", "JV", 40), own("Other", "JV", 20), own("JV", "T", 100)},
			want: map[string]want{
				"JV": {verdict: model.VerdictJointControl, joint: []string{"R", "US"}, minU: 40, maxU: 40, aggCertain: no()},
				"T":  {verdict: model.VerdictJointControl, joint: []string{"R", "US"}, minU: 40, maxU: 40, pathVia: []string{"R", "JV", "T"}},
			},
		},
		{
			name: "51/49 with the root at 51 is CONTROLLED",
			ents: []model.Entity{cn("R"), us("US"), gb("JV")},
			rels: []model.Relationship{own("R", "JV", 51), own("US", "JV", 49)},
			want: map[string]want{
				"JV": {verdict: model.VerdictControlled, joint: []string{}, controllers: []string{"R"}},
			},
		},
		{
			name: "49/51 with the root at 49 is SIGNIFICANT: the 51 partner controls alone",
			ents: []model.Entity{cn("R"), us("US"), gb("JV")},
			rels: []model.Relationship{own("R", "JV", 49), own("US", "JV", 51)},
			want: map[string]want{
				"JV": {verdict: model.VerdictSignificant, joint: []string{}, controllers: []string{}, minU: 49, maxU: 49},
			},
		},
		{
			name: "three-way 30/30/40 JV with a root at 30",
			ents: []model.Entity{cn("R"), us("U1"), gb("G1"), gb("JV")},
			rels: []model.Relationship{own("R", "JV", 30), own("U1", "JV", 30), own("G1", "JV", 40)},
			want: map[string]want{
				"JV": {verdict: model.VerdictJointControl, joint: []string{"G1", "R", "U1"}, minU: 30, maxU: 30},
			},
		},
		{
			name: "PSC band (50,75] is certain control",
			ents: []model.Entity{cn("R"), gb("T")},
			rels: []model.Relationship{band("R", "T", model.Ownership, 50, 75, true, false)},
			want: map[string]want{
				"T": {verdict: model.VerdictControlled, minU: 50, maxU: 75, aggCertain: yes()},
			},
		},
		{
			name: "PSC band (25,50] reaches 50% only as possible",
			ents: []model.Entity{cn("R"), gb("T")},
			rels: []model.Relationship{band("R", "T", model.Ownership, 25, 50, true, false)},
			want: map[string]want{
				"T": {verdict: model.VerdictSignificant, indeterminate: true, possible: model.VerdictOwned50,
					minU: 25, maxU: 50, aggCertain: no()},
			},
		},
		{
			name: "exclusive upper bound: [25,50) never reaches 50% even possibly",
			ents: []model.Entity{cn("R"), gb("T")},
			rels: []model.Relationship{band("R", "T", model.Ownership, 25, 50, false, true)},
			want: map[string]want{
				"T": {verdict: model.VerdictSignificant, minU: 25, maxU: 50, aggCertain: no()},
			},
		},
		{
			name: "unknown holder makes a company indeterminate",
			ents: []model.Entity{us("US"), gb("T"), unknownHolder("UNK")},
			rels: []model.Relationship{own("US", "T", 40), rel("UNK", "T", model.Ownership)},
			want: map[string]want{
				// The unknown holder holds [0, 60]: possibly > 50% (control).
				"T":   {verdict: model.VerdictClear, indeterminate: true, possible: model.VerdictControlled, minU: 0, maxU: 60},
				"UNK": {verdict: model.VerdictClear, indeterminate: true, possible: model.VerdictChineseEntity, minU: 0, maxU: 100},
			},
		},
		{
			name: "unknown consolidating parent (GLEIF reporting exception)",
			ents: []model.Entity{gb("T"), unknownHolder("UNK")},
			rels: []model.Relationship{rel("UNK", "T", model.Consolidation)},
			want: map[string]want{
				"T": {verdict: model.VerdictClear, indeterminate: true, possible: model.VerdictControlled, minU: 0, maxU: 0},
			},
		},
		{
			name: "consolidation and branch chains",
			ents: []model.Entity{cn("R"), gb("A"), gb("B"), us("C")},
			rels: []model.Relationship{rel("R", "A", model.Consolidation), rel("A", "B", model.Consolidation),
				rel("B", "C", model.Branch)},
			want: map[string]want{
				"A": {verdict: model.VerdictControlled, controllers: []string{"R"}},
				"C": {verdict: model.VerdictControlled, controllers: []string{"R"}, pathVia: []string{"R", "A", "B", "C"}},
			},
		},
		{
			name: "board seat from a root is significant, not control of votes",
			ents: []model.Entity{cn("R"), gb("T"), gb("S")},
			rels: []model.Relationship{rel("R", "T", model.Influence), own("R", "S", 10)},
			want: map[string]want{
				"T": {verdict: model.VerdictSignificant, minU: 0, maxU: 0},
				"S": {verdict: model.VerdictMinority, minU: 10, maxU: 10},
			},
		},
		{
			name: "worked example",
			ents: []model.Entity{
				{ID: "SASAC", Name: "SASAC", Kind: model.StateBody, Jurisdiction: "CN"},
				cn("CN-Holdco"), gb("JV Ltd"), us("US Inc"), company("Target GmbH", "DE"),
			},
			rels: []model.Relationship{own("SASAC", "CN-Holdco", 60), own("CN-Holdco", "JV Ltd", 50),
				own("US Inc", "JV Ltd", 50), own("JV Ltd", "Target GmbH", 100)},
			want: map[string]want{
				"SASAC":       {verdict: model.VerdictChineseEntity},
				"CN-Holdco":   {verdict: model.VerdictChineseEntity, controllers: []string{"SASAC"}},
				"JV Ltd":      {verdict: model.VerdictOwned50, joint: []string{"CN-Holdco", "US Inc"}, minU: 50, maxU: 50},
				"Target GmbH": {verdict: model.VerdictOwned50, minU: 50, maxU: 50, aggCertain: yes(), pathVia: []string{"CN-Holdco", "JV Ltd", "Target GmbH"}},
				"US Inc":      {verdict: model.VerdictClear, minU: 0, maxU: 0},
			},
		},
		{
			name: "ownership-only policy: no control verdicts",
			ents: []model.Entity{cn("R"), gb("T"), gb("S")},
			rels: []model.Relationship{own("R", "T", 60), rel("R", "S", model.Board)},
			policy: func() *policy.Policy {
				p := policy.Default()
				p.ControlTest = false
				return p
			}(),
			want: map[string]want{
				"T": {verdict: model.VerdictOwned50, controllers: []string{}},
				"S": {verdict: model.VerdictClear},
			},
		},
		{
			name: "excluded jurisdiction: US-organised entities are never covered",
			ents: []model.Entity{cn("R"), us("USsub"), gb("UKco"), {ID: "USHQ", Name: "USHQ", Kind: model.Company, Jurisdiction: "US", HQCountry: "CN"}},
			rels: []model.Relationship{own("R", "USsub", 100), own("USsub", "UKco", 60)},
			policy: func() *policy.Policy {
				p := policy.Default()
				p.ExcludeJurisdictions = []string{"US"}
				return p
			}(),
			want: map[string]want{
				"USsub": {verdict: model.VerdictClear, minU: 100, maxU: 100, aggCertain: no()},
				"USHQ":  {verdict: model.VerdictClear},
				// Ownership through the US subsidiary still reaches the UK company.
				"UKco": {verdict: model.VerdictControlled, minU: 60, maxU: 60, controllers: []string{"R"}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustScore(t, tc.ents, tc.rels, tc.policy)
			for id, w := range tc.want {
				r := mustResult(t, s, id)
				if r.Verdict != w.verdict {
					t.Errorf("%s: verdict %s, want %s (%s)", id, r.Verdict, w.verdict, r.Explanation)
				}
				if r.Indeterminate != w.indeterminate || r.PossibleVerdict != w.possible {
					t.Errorf("%s: indeterminate %v possible %q, want %v %q", id, r.Indeterminate, r.PossibleVerdict, w.indeterminate, w.possible)
				}
				if w.minU != chk && w.maxU != chk && (w.minU != 0 || w.maxU != 0 || w.verdict == model.VerdictClear) {
					if !near(r.ChineseShare.Min, w.minU) || !near(r.ChineseShare.Max, w.maxU) {
						t.Errorf("%s: U = [%.4f, %.4f], want [%.2f, %.2f]", id, r.ChineseShare.Min, r.ChineseShare.Max, w.minU, w.maxU)
					}
				}
				if w.aggCertain != nil && r.AggregateCertain != *w.aggCertain {
					t.Errorf("%s: aggregate certain %v, want %v", id, r.AggregateCertain, *w.aggCertain)
				}
				if w.controllers != nil && !slices.Equal(r.Controllers, w.controllers) {
					t.Errorf("%s: controllers %q, want %q", id, r.Controllers, w.controllers)
				}
				if w.joint != nil && !slices.Equal(r.JointControllers, w.joint) {
					t.Errorf("%s: joint controllers %q, want %q", id, r.JointControllers, w.joint)
				}
				if r.Controllers == nil || r.JointControllers == nil || r.Evidence == nil {
					t.Errorf("%s: nil slice in result", id)
				}
				if w.pathVia != nil {
					if len(r.Evidence) == 0 {
						t.Errorf("%s: no evidence, want a path via %q", id, w.pathVia)
					} else if !slices.Equal(r.Evidence[0].Path, w.pathVia) {
						t.Errorf("%s: first evidence path %q, want %q", id, r.Evidence[0].Path, w.pathVia)
					}
				}
				if r.Verdict != model.VerdictClear && len(r.Evidence) == 0 {
					t.Errorf("%s: %s without evidence", id, r.Verdict)
				}
				if r.Explanation == "" {
					t.Errorf("%s: no explanation", id)
				}
			}
		})
	}
}

func TestAsOf(t *testing.T) {
	ents := []model.Entity{company("R", "CN"), company("T", "GB"), company("S", "GB")}
	ended := own("R", "T", 60)
	ended.EndDate = "2020-01-01"
	later := own("R", "S", 60)
	later.StartDate = "2022-01-01"
	g := mustBuild(t, ents, []model.Relationship{ended, later})
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	cases := []struct {
		asOf   string
		tv, sv model.Verdict
	}{
		{"2019-12-31", model.VerdictControlled, model.VerdictClear},
		{"2020-01-01", model.VerdictClear, model.VerdictClear}, // ended on the as-of date
		{"2022-01-01", model.VerdictClear, model.VerdictControlled},
	}
	for _, c := range cases {
		s, err := Score(g, policy.Default(), day(c.asOf))
		if err != nil {
			t.Fatal(err)
		}
		if r := mustResult(t, s, "T"); r.Verdict != c.tv {
			t.Errorf("as of %s: T %s, want %s", c.asOf, r.Verdict, c.tv)
		}
		if r := mustResult(t, s, "S"); r.Verdict != c.sv {
			t.Errorf("as of %s: S %s, want %s", c.asOf, r.Verdict, c.sv)
		}
	}
	// The policy's as_of applies when the caller passes a zero date.
	p := policy.Default()
	p.AsOf = "2019-06-01"
	s, err := Score(g, p, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if r := mustResult(t, s, "T"); r.Verdict != model.VerdictControlled {
		t.Errorf("policy as_of: T %s, want CONTROLLED", r.Verdict)
	}
	p.AsOf = "June 2019"
	if _, err := Score(g, p, time.Time{}); err == nil || !strings.Contains(err.Error(), "as_of") {
		t.Errorf("bad as_of: err %v, want one naming as_of", err)
	}
}

func TestAggregateArithmetic(t *testing.T) {
	s := mustScore(t, []model.Entity{company("X", "CN"), company("A", "GB"), company("B", "GB")},
		[]model.Relationship{own("X", "A", 60), own("A", "B", 40), own("X", "B", 10)}, nil)
	r := mustResult(t, s, "B")
	if r.Verdict != model.VerdictOwned50 {
		t.Fatalf("B: %s, want OWNED_50", r.Verdict)
	}
	const arith = "B: A (covered) 40% + X 10% = 50% ≥ 50%"
	if !strings.HasPrefix(r.Explanation, arith) {
		t.Errorf("explanation %q, want it to start with %q", r.Explanation, arith)
	}
}

func TestBuilderReportsDanglingAndInvalid(t *testing.T) {
	b := NewBuilder()
	b.AddEntity(company("A", "GB"))
	b.AddRelationship(own("A", "missing", 10))
	bad := own("A", "A", 10)
	b.AddRelationship(bad)
	b.AddRelationship(link("A", "B", "shares", model.Exact(5)))
	worse := own("X", "A", 10)
	worse.EndDate = "31/12/2020"
	b.AddRelationship(worse)
	b.AddRelationship(link("X", "A", model.Ownership, model.Share{Known: true, Min: 60, Max: 40}))
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if g.NumEntities() != 1 || g.NumEdges() != 0 || g.Dangling() != 1 || g.Invalid() != 4 {
		t.Fatalf("entities %d edges %d dangling %d invalid %d, want 1 0 1 4",
			g.NumEntities(), g.NumEdges(), g.Dangling(), g.Invalid())
	}
	for i, field := range []string{"holder and held", `"kind"`, `"end_date"`, `"share"`} {
		if p := g.Problems()[i]; !strings.Contains(p, field) {
			t.Errorf("problem %d %q does not name %s", i, p, field)
		}
	}
}

func TestDuplicateAssertionsCombine(t *testing.T) {
	ents := []model.Entity{company("R", "CN"), company("T", "GB"), company("U", "GB")}
	a := band("R", "T", model.Ownership, 25, 50, true, false)
	b := own("R", "T", 30)
	b.Source, b.SourceRef = "bods", "stmt-1"
	// Two sources agree: the intersection (30%) is used once, not summed.
	c := own("R", "U", 30)
	d := own("R", "U", 60)
	d.SourceRef = "other"
	s := mustScore(t, ents, []model.Relationship{a, b, c, d}, nil)
	if r := mustResult(t, s, "T"); !near(r.ChineseShare.Min, 30) || !near(r.ChineseShare.Max, 30) || r.Indeterminate {
		t.Errorf("T: U %v indeterminate %v, want exactly 30 and determinate", r.ChineseShare, r.Indeterminate)
	}
	// Contradicting sources: the hull [30, 60] makes control only possible.
	if r := mustResult(t, s, "U"); r.Verdict != model.VerdictSignificant || r.PossibleVerdict != model.VerdictControlled {
		t.Errorf("U: %s possible %s, want SIGNIFICANT possibly CONTROLLED", r.Verdict, r.PossibleVerdict)
	}
}

func TestCounts(t *testing.T) {
	s := mustScore(t, []model.Entity{company("R", "CN"), company("T", "GB"), company("Z", "GB")},
		[]model.Relationship{own("R", "T", 60)}, nil)
	c := s.Counts()
	if c[model.VerdictChineseEntity] != 1 || c[model.VerdictControlled] != 1 || c[model.VerdictClear] != 1 || len(c) != len(model.Verdicts) {
		t.Errorf("counts %v", c)
	}
	var ids []string
	if err := s.Each(func(r *model.Result) error { ids = append(ids, r.EntityID); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []string{"R", "T", "Z"}) {
		t.Errorf("Each order %q", ids)
	}
}

func TestFormatPercentMatchesModel(t *testing.T) {
	for _, v := range []float64{0, 100, 50, 12.5, 70.2702702, 41.08108, 0.001, 33.333333, 99.999, 1e-12, -12.5, 0.005, 10.1} {
		if got, want := formatPercent(v), model.FormatPercent(v); got != want {
			t.Errorf("formatPercent(%v) = %q, want %q", v, got, want)
		}
		// appended after other text, as the evidence sentences do
		if got, want := string(appendPercent([]byte("x"), v)), "x"+model.FormatPercent(v); got != want {
			t.Errorf("appendPercent(x, %v) = %q, want %q", v, got, want)
		}
	}
}

func TestShareTextMatchesModel(t *testing.T) {
	for _, sh := range []model.Share{{}, model.Exact(30), model.Exact(100), model.Range(25, 50, true, false),
		model.Range(50, 75, false, true), model.Range(0, 12.5, true, true), model.Range(10, 20, false, false)} {
		if got, want := string(appendShareText([]byte("via "), sh)), "via "+sh.String(); got != want {
			t.Errorf("appendShareText(%+v) = %q, want %q", sh, got, want)
		}
	}
}
