package investigate

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/store"
)

func ent(id, name, jur string, kind model.EntityKind) model.Entity {
	return model.Entity{ID: id, Name: name, Kind: kind, Jurisdiction: jur}
}

func rel(holder, held string, kind model.RelKind, share model.Share) model.Relationship {
	return model.Relationship{ID: holder + ">" + held + ":" + string(kind), HolderID: holder, HeldID: held, Kind: kind, Share: share}
}

// cross is P(root) –60%→ A, P –20%→ B, A –30%→ B, B –25%→ A (the cross-holding example: U(A) = 70.27%, U(B) = 41.08%),
// plus a board link P → A and an officer of B.
func cross() store.Subgraph {
	return store.Subgraph{
		Entities: []model.Entity{ent("A", "Alpha Ltd", "GB", model.Company), ent("B", "Beta Ltd", "GB", model.Company),
			ent("P", "Peking Holdings", "CN", model.Company), ent("X", "Xavier Officer", "", model.Person)},
		Relationships: []model.Relationship{
			rel("A", "B", model.Ownership, model.Exact(30)), rel("B", "A", model.Ownership, model.Exact(25)),
			rel("P", "A", model.Board, model.Share{}), rel("P", "A", model.Ownership, model.Exact(60)),
			rel("P", "B", model.Ownership, model.Exact(20)), rel("X", "B", model.Officer, model.Share{}),
		},
	}
}

func results(m map[string]model.Result) ResultFn {
	return func(id string) (model.Result, bool) { r, ok := m[id]; return r, ok }
}

func render(t *testing.T, n *Node) string {
	t.Helper()
	var b bytes.Buffer
	if err := RenderTree(&b, n, Style{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestBuildTree(t *testing.T) {
	res := results(map[string]model.Result{
		"P": {Verdict: model.VerdictChineseEntity, Flagged: true},
		"A": {Verdict: model.VerdictControlled, Flagged: true},
		"B": {Verdict: model.VerdictSignificant, Indeterminate: true, PossibleVerdict: model.VerdictOwned50},
	})
	for _, c := range []struct {
		name string
		id   string
		opts TreeOptions
		want string
	}{
		{"up: links grouped, cycle once, officer last", "B", TreeOptions{Dir: store.Up, Depth: 6}, `Beta Ltd [B] GB SIGNIFICANT ? could be OWNED_50
├── 30% ownership ← Alpha Ltd [A] GB ⚑ CONTROLLED
│   ├── board, 60% ownership ← Peking Holdings [P] CN ★ CHINESE ROOT
│   └── 25% ownership ← Beta Ltd [B] GB SIGNIFICANT ? could be OWNED_50 ↻ cycle
├── 20% ownership ← Peking Holdings [P] CN ★ CHINESE ROOT (shown above)
└── officer ← Xavier Officer [X]
`},
		{"hub cut", "B", TreeOptions{Dir: store.Up, Depth: 1, MaxChildren: 2}, `Beta Ltd [B] GB SIGNIFICANT ? could be OWNED_50
├── 30% ownership ← Alpha Ltd [A] GB ⚑ CONTROLLED
├── 20% ownership ← Peking Holdings [P] CN ★ CHINESE ROOT
└── +1 more
`},
		{"min share hides small stakes", "B", TreeOptions{Dir: store.Up, Depth: 1, MinShare: 25}, `Beta Ltd [B] GB SIGNIFICANT ? could be OWNED_50
├── 30% ownership ← Alpha Ltd [A] GB ⚑ CONTROLLED
├── officer ← Xavier Officer [X]
└── (1 link(s) below --min-share hidden)
`},
		// B under A sits at the depth limit and is not expanded, so the
		// shallower B is; A below it was expanded above.
		{"down", "P", TreeOptions{Dir: store.Down, Depth: 2}, `Peking Holdings [P] CN ★ CHINESE ROOT
├── board, 60% ownership → Alpha Ltd [A] GB ⚑ CONTROLLED
│   └── 30% ownership → Beta Ltd [B] GB SIGNIFICANT ? could be OWNED_50
└── 20% ownership → Beta Ltd [B] GB SIGNIFICANT ? could be OWNED_50
    └── 25% ownership → Alpha Ltd [A] GB ⚑ CONTROLLED (shown above)
`},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := BuildTree(cross(), c.id, c.opts, res)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(t, n); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	if _, err := BuildTree(cross(), "nope", TreeOptions{Dir: store.Up}, res); err == nil {
		t.Error("BuildTree of an id outside the subgraph: no error")
	}
}

func TestTreeStoreTruncationAndColour(t *testing.T) {
	sg := cross()
	sg.Truncated = map[string]int{"B": 7}
	n, err := BuildTree(sg, "B", TreeOptions{Dir: store.Up, Depth: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(t, n); !strings.HasSuffix(got, "└── +7 more link(s) not loaded\n") {
		t.Errorf("store truncation not shown:\n%s", got)
	}
	root, _ := BuildTree(cross(), "A", TreeOptions{Dir: store.Up, Depth: 1},
		results(map[string]model.Result{"P": {Verdict: model.VerdictChineseEntity}}))
	var plain, colour bytes.Buffer
	_ = RenderTree(&plain, root, Style{})
	_ = RenderTree(&colour, root, Style{Color: true})
	if strings.Contains(plain.String(), "\033[") || !strings.Contains(colour.String(), ansiRed+"★ CHINESE ROOT"+ansiReset) {
		t.Errorf("colour: plain %q, colour %q", plain.String(), colour.String())
	}
}

func TestLinkText(t *testing.T) {
	for _, c := range []struct {
		l    Link
		want string
	}{
		{Link{Kind: model.Ownership, Share: model.Exact(60)}, "60% ownership"},
		{Link{Kind: model.Voting, Share: model.Range(25, 50, true, false)}, "(25%, 50%] voting"},
		{Link{Kind: model.Ownership}, "ownership (share unknown)"},
		{Link{Kind: model.Consolidation, Direct: "indirect"}, "consolidation (ultimate)"},
		{Link{Kind: model.Board, Ended: "2020-01-31"}, "board (ended 2020-01-31)"},
	} {
		if got := LinkText(c.l); got != c.want {
			t.Errorf("LinkText(%+v) = %q, want %q", c.l, got, c.want)
		}
	}
}

func TestRankNames(t *testing.T) {
	fold := func(s string) string {
		return strings.Join(strings.Fields(strings.ToLower(strings.NewReplacer(",", " ", ".", " ").Replace(s))), " ")
	}
	es := []model.Entity{
		{ID: "4", Name: "Holdings of Huaxin Ltd"},
		{ID: "3", Name: "Huaxin Precision Industries Group Co., Ltd."},
		{ID: "2", Name: "Huaxin Europe B.V."},
		{ID: "1", Name: "HUAXIN"},
		{ID: "5", Name: "Precision Huaxin"},
	}
	var got []string
	for _, e := range RankNames("huaxin", es, fold) {
		got = append(got, e.ID)
	}
	// equal, then prefix (fewer extra words first), then other orders
	if want := "1 2 3 5 4"; strings.Join(got, " ") != want {
		t.Errorf("rank = %v, want %s", got, want)
	}
}

// An alias ranks an entity as its name would: the text equal to an alias
// beats a name that only starts with it.
func TestRankNamesByAlias(t *testing.T) {
	es := []model.Entity{
		{ID: "a", Name: "Shenzhen Example Holdings Group Co., Ltd."},
		{ID: "b", Name: "深圳示例控股有限公司", Aliases: []string{"Shenzhen Example Holdings"}},
	}
	got := RankNames("Shenzhen Example Holdings", es, strings.ToLower)
	if got[0].ID != "b" {
		t.Errorf("rank = %v, want b first", []string{got[0].ID, got[1].ID})
	}
}

// The aggregate arithmetic explain shows is the engine's (Result.Aggregate),
// in the words of model.Aggregate.Text.
func TestAggregateArithmetic(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	aggregateOf := func(sg store.Subgraph, pol *policy.Policy) *model.Aggregate {
		t.Helper()
		sc, err := scoreSubgraph(sg, pol, asOf, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, ok := sc.Result("B")
		if !ok {
			t.Fatal("B not scored")
		}
		return r.Aggregate
	}
	names := func(id string) string { return id }
	a := aggregateOf(cross(), policy.Default())
	if a == nil || a.Certain != 50 || len(a.Terms) != 2 {
		t.Fatalf("B: %+v, want A 30 + P 20 = 50", a)
	}
	if got, want := a.Text(names), "A (covered) 30% + P (root) 20% = 50% certain ≥ 50%: covered"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	exclusive := policy.Default()
	exclusive.Thresholds.Aggregate.Inclusive = false
	if got := aggregateOf(cross(), exclusive).Text(names); !strings.HasSuffix(got, "not > 50%") {
		t.Errorf("exclusive threshold: %q", got)
	}
	// an ended link is not counted
	sg := cross()
	sg.Relationships = append([]model.Relationship{}, sg.Relationships...)
	for i := range sg.Relationships {
		if sg.Relationships[i].HolderID == "A" && sg.Relationships[i].HeldID == "B" {
			sg.Relationships[i].EndDate = "2025-06-30"
		}
	}
	if a := aggregateOf(sg, policy.Default()); a == nil || a.Certain != 20 {
		t.Errorf("ended link counted: %+v", a)
	}
}

func TestUncertainties(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pol := policy.Default()
	// T: a British person holds (25, 50]; an undisclosed holder the rest.
	undisclosed := store.Subgraph{
		Entities: []model.Entity{ent("T", "Target Ltd", "GB", model.Company), ent("M", "Margaret", "", model.Person),
			ent("U", "Undisclosed", "", model.Unknown)},
		Relationships: []model.Relationship{rel("M", "T", model.Ownership, model.Range(25, 50, true, false)),
			rel("U", "T", model.Ownership, model.Share{})},
	}
	us, err := Uncertainties(undisclosed, "T", pol, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 1 || us[0].HolderID != "U" || us[0].Verdict != model.VerdictControlled {
		t.Errorf("undisclosed holder: %+v, want only U → CONTROLLED (the British owner's range changes nothing)", us)
	}

	// JV: a Chinese and a British company, (25, 50] each: at 50% the Chinese stake covers it.
	jv := store.Subgraph{
		Entities: []model.Entity{ent("J", "JV Ltd", "GB", model.Company), ent("C", "Shenzhen Co", "CN", model.Company),
			ent("G", "Albion plc", "GB", model.Company)},
		Relationships: []model.Relationship{rel("C", "J", model.Ownership, model.Range(25, 50, true, false)),
			rel("G", "J", model.Ownership, model.Range(25, 50, true, false))},
	}
	us, err = Uncertainties(jv, "J", pol, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 1 || us[0].HolderID != "C" || us[0].Verdict != model.VerdictOwned50 ||
		!strings.Contains(us[0].Why, "top of its range (50%)") {
		t.Errorf("JV: %+v, want the Chinese range → OWNED_50", us)
	}
}

// Render says which evidence path the search budget cut, and only that one.
func TestRenderMarksTruncatedEvidence(t *testing.T) {
	x := Explanation{Entity: ent("T", "Target", "GB", model.Company), Names: map[string]string{},
		Result: model.Result{EntityID: "T", Verdict: model.VerdictControlled, Evidence: []model.Evidence{
			{Path: []string{"A", "T"}, Explanation: "Controlled by a Chinese root above A", Truncated: true},
			{Path: []string{"P", "T"}, Explanation: "Controlled by P (CN) via Target (board)"}}}}
	var b bytes.Buffer
	if err := x.Render(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Count(out, "(truncated:") != 1 {
		t.Fatalf("want one truncation note:\n%s", out)
	}
	if i, j := strings.Index(out, "(truncated:"), strings.Index(out, "2. Controlled by P"); i < 0 || j < i {
		t.Errorf("the note is not under the first path:\n%s", out)
	}
}

// "What could change the verdict" holds only what would change it: a
// relationship that ended before the as-of date is no candidate, pieces
// that change nothing alone are listed only when all of them together do
// (with that verdict), and otherwise nothing is listed.
func TestUncertaintiesListOnlyWhatChanges(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pol := policy.Default()
	ended := func(r model.Relationship, d string) model.Relationship { r.EndDate = d; return r }
	tests := []struct {
		name        string
		sg          store.Subgraph
		wantHolders []string
		wantVerdict model.Verdict
	}{
		{"ended in 2016, the rest changes nothing", store.Subgraph{
			Entities: []model.Entity{ent("T", "Target Ltd", "GB", model.Company), ent("M", "Margaret", "", model.Person),
				ent("U", "Undisclosed", "", model.Unknown)},
			Relationships: []model.Relationship{rel("M", "T", model.Ownership, model.Range(25, 50, true, false)),
				ended(rel("U", "T", model.Ownership, model.Share{}), "2016-03-31")},
		}, nil, ""},
		{"only together", store.Subgraph{
			Entities: []model.Entity{ent("T", "Target Ltd", "GB", model.Company), ent("C1", "Shenzhen One", "CN", model.Company),
				ent("C2", "Shenzhen Two", "CN", model.Company)},
			Relationships: []model.Relationship{rel("C1", "T", model.Ownership, model.Range(20, 25, false, false)),
				rel("C2", "T", model.Ownership, model.Range(20, 25, false, false))},
		}, []string{"C1", "C2"}, model.VerdictOwned50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us, err := Uncertainties(tt.sg, "T", pol, asOf)
			if err != nil {
				t.Fatal(err)
			}
			var holders []string
			for _, u := range us {
				holders = append(holders, u.HolderID)
				if u.Verdict != tt.wantVerdict || !strings.Contains(u.Why, "the verdict would be "+string(tt.wantVerdict)) {
					t.Errorf("%s: verdict %q, why %q; want %s", u.HolderID, u.Verdict, u.Why, tt.wantVerdict)
				}
			}
			if !slices.Equal(holders, tt.wantHolders) {
				t.Errorf("listed %v (%+v), want %v", holders, us, tt.wantHolders)
			}
		})
	}
}

// The facts read as plain words: "Chinese ownership" and "Chinese-held
// votes", not U and V; a share the links do not give is not known rather
// than "0% possible"; an unnamed entity is its id, once.
func TestRenderWords(t *testing.T) {
	path := []model.Evidence{{Path: []string{"P", "T"}, Explanation: "Controlled by P (CN) directly (consolidation)"}}
	tests := []struct {
		name   string
		entity model.Entity
		result model.Result
		want   []string
	}{
		{"consolidated, no percentage", ent("T", "Target BV", "NL", model.Company),
			model.Result{Verdict: model.VerdictControlled, Flagged: true, Evidence: path},
			[]string{"Target BV [T] — company, NL\n",
				"Chinese ownership:            not known: the links to its Chinese or possibly Chinese holders give no percentage\n",
				"Chinese-held votes:           not known: the links to its Chinese or possibly Chinese holders give no percentage\n"}},
		{"range", ent("T", "Target Ltd", "GB", model.Company),
			model.Result{Verdict: model.VerdictSignificant, Evidence: path, ChineseShare: model.Interval{Min: 25, Max: 50},
				ChineseVotes: model.Interval{Min: 0, Max: 50}},
			[]string{"Chinese ownership:            at least 25%, up to 50%\n",
				"Chinese-held votes:           up to 50% (none of it certain)\n"}},
		{"nothing Chinese above", ent("T", "Target Ltd", "GB", model.Company),
			model.Result{Verdict: model.VerdictClear},
			[]string{"Chinese ownership:            0%\n", "Chinese-held votes:           0%\n"}},
		{"root", ent("P", "Peking Holdings", "CN", model.Company),
			model.Result{Verdict: model.VerdictChineseEntity, Flagged: true, ChineseShare: model.Interval{Min: 100, Max: 100}},
			[]string{"Chinese ownership:            100% (it is a Chinese root itself)\n",
				"Chinese-held votes:           not applicable (it is a Chinese root itself)\n"}},
		{"unnamed", model.Entity{ID: "unknown:psc:1:x", Kind: model.Unknown},
			model.Result{Verdict: model.VerdictClear},
			[]string{"unknown:psc:1:x — unknown\n", "unknown:psc:1:x has no ownership"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := Explanation{Entity: tt.entity, Result: tt.result, Names: map[string]string{}}
			x.Summarize()
			var b bytes.Buffer
			if err := x.Render(&b); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in:\n%s", w, out)
				}
			}
			for _, jargon := range []string{"Integrated", "Chinese-side", " U:", " V:", "% possible", "[" + tt.entity.ID + "] [" + tt.entity.ID} {
				if strings.Contains(out, jargon) {
					t.Errorf("%q in:\n%s", jargon, out)
				}
			}
			if tt.entity.Name == "" && strings.Count(strings.SplitN(out, "\n", 2)[0], tt.entity.ID) != 1 {
				t.Errorf("unnamed entity's id not once in its header:\n%s", out)
			}
		})
	}
}
