package bench

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/graph"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

func company(id, country string) model.Entity {
	return model.Entity{ID: id, Name: id, Kind: model.Company, Jurisdiction: country}
}

func own(h, t string, p float64) model.Relationship {
	return model.Relationship{HolderID: h, HeldID: t, Kind: model.Ownership, Share: model.Exact(p)}
}

func baselineOf(stop bool, ents []model.Entity, rels []model.Relationship) *Baseline {
	p := policy.Default()
	b := NewBaseline(stop)
	for _, e := range ents {
		b.AddEntity(e, p, p.ConcernCountries())
	}
	for _, r := range rels {
		b.AddRelationship(r, "2025-01-01")
	}
	b.Freeze()
	return b
}

func TestBaselineEnumeratesSimplePaths(t *testing.T) {
	ents := []model.Entity{company("P", "CN"), company("A", "GB"), company("B", "GB"), company("X", "HK"), company("Y", "US")}
	rels := []model.Relationship{
		own("P", "A", 60), own("A", "B", 50), own("P", "B", 20),
		own("B", "A", 10), // cross-holding: P→B→A is a further simple path
		own("B", "X", 100), own("X", "Y", 100),
		{HolderID: "P", HeldID: "Y", Kind: model.Ownership, Share: model.Exact(5), EndDate: "2020-01-01"}, // ended
		{HolderID: "P", HeldID: "Y", Kind: model.Board},                                                   // not ownership
	}
	cases := []struct {
		name    string
		stop    bool
		paths   int64
		sumA    float64
		sumB    float64
		sumY    float64
		reached int
	}{
		// Paths from P: A, AB, ABX, ABXY, B, BA, BX, BXY; from X: Y.
		{"plain [:OWNS*]", false, 9, 0.6 + 0.02, 0.3 + 0.2, 0.3 + 0.2 + 1, 4},
		// Stopping at roots: X ends the path, Y is reached from X only.
		{"stop at roots", true, 5, 0.6 + 0.02, 0.3 + 0.2, 1, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := baselineOf(tc.stop, ents, rels)
			res, sum, err := b.Enumerate(context.Background(), time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Finished || res.Roots != 2 || res.Paths != tc.paths || res.Reached != tc.reached {
				t.Errorf("result %+v, want 2 roots, %d paths, %d reached", res, tc.paths, tc.reached)
			}
			for i, want := range map[int]float64{1: tc.sumA, 2: tc.sumB, 4: tc.sumY} {
				if math.Abs(sum[i]-want) > 1e-9 {
					t.Errorf("sum[%s] = %g, want %g", ents[i].ID, sum[i], want)
				}
			}
		})
	}
}

func TestBaselineDeadline(t *testing.T) {
	// A ladder of diamonds: 2^40 paths, far more than can be walked.
	ents := []model.Entity{company("R", "CN")}
	var rels []model.Relationship
	prev := "R"
	for i := range 40 {
		a, b, j := "a"+itoa(i), "b"+itoa(i), "j"+itoa(i)
		ents = append(ents, company(a, "GB"), company(b, "GB"), company(j, "GB"))
		rels = append(rels, own(prev, a, 50), own(prev, b, 50), own(a, j, 50), own(b, j, 50))
		prev = j
	}
	res, _, err := baselineOf(false, ents, rels).Enumerate(context.Background(), 50*time.Millisecond)
	if err != ErrDeadline || res.Finished || res.Paths == 0 {
		t.Errorf("Enumerate = %+v, %v; want ErrDeadline after some paths", res, err)
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestIsRoot(t *testing.T) {
	def, doj, ofac := policy.Default(), mustLoad(t, "doj-covered-person"), mustLoad(t, "ofac-50")
	cases := []struct {
		e    model.Entity
		p    *policy.Policy
		want bool
	}{
		{company("a", "CN"), def, true},
		{company("a", "MO"), def, true},
		{model.Entity{Kind: model.Company, Jurisdiction: "KY", HQCountry: "CN"}, def, true},
		{model.Entity{Kind: model.Person, Nationality: []string{"GB", "CN"}}, def, true},
		{model.Entity{Kind: model.Person, Residence: "CN", Nationality: []string{"GB"}}, def, false},
		{model.Entity{Kind: model.Person, Residence: "CN", Nationality: []string{"GB"}}, doj, true},
		{model.Entity{Kind: model.Person, Nationality: []string{"CN"}}, doj, false},
		{model.Entity{Kind: model.StateBody, Jurisdiction: "CN"}, def, true},
		{model.Entity{Kind: model.Company, Jurisdiction: "US", HQCountry: "CN"}, doj, false},
		{company("a", "CN"), ofac, false},
		{model.Entity{Kind: model.Company, Jurisdiction: "RU", Lists: []string{"us.ofac.sdn"}}, ofac, true},
		{company("a", "GB"), def, false},
	}
	for i, tc := range cases {
		if got := IsRoot(tc.e, tc.p, tc.p.ConcernCountries()); got != tc.want {
			t.Errorf("case %d (%s, %+v): IsRoot = %v, want %v", i, tc.p.Name, tc.e, got, tc.want)
		}
	}
}

func mustLoad(t *testing.T, name string) *policy.Policy {
	t.Helper()
	p, err := policy.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunSmall(t *testing.T) {
	rows, err := Run(context.Background(), Config{Sizes: []int{3000, 6000}, Seed: 2, ChineseShare: 0.1,
		BaselineMax: 3000, BaselineTimeout: time.Minute}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		total := 0
		for _, c := range r.Counts {
			total += c
		}
		if total != r.Entities {
			t.Errorf("%d entities: verdict counts sum to %d", r.Entities, total)
		}
		if r.Edges <= 0 || r.GraphBytes == 0 || r.PeakBytes == 0 || r.Counts[model.VerdictChineseEntity] == 0 {
			t.Errorf("implausible row %+v", r)
		}
	}
	if b := rows[0].Baseline; b == nil || !b.Finished || b.Roots != rows[0].Counts[model.VerdictChineseEntity] {
		t.Errorf("baseline at 3000: %+v; roots must equal the engine's CHINESE_ENTITY count %d",
			b, rows[0].Counts[model.VerdictChineseEntity])
	}
	if rows[1].Baseline != nil {
		t.Error("baseline ran above BaselineMax")
	}
	var sb strings.Builder
	if err := WriteTable(&sb, rows); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	if !strings.Contains(out, "| 3,000 |") || !strings.Contains(out, "| 6,000 |") || !strings.Contains(out, "not run") {
		t.Errorf("table:\n%s", out)
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 10000000: "10,000,000"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q", n, got)
		}
	}
	r := Row{Entities: 10, Edges: 4, GraphBytes: 400, Score: time.Second,
		Baseline: &BaselineResult{Elapsed: 30 * time.Second, Paths: 5}, BaselineError: "did not finish in 30s"}
	line := FormatRow(r)
	for _, want := range []string{"| 10 |", "| 100 |", "did not finish in 30s (5 paths)", "> 30×"} {
		if !strings.Contains(line, want) {
			t.Errorf("row %q lacks %q", line, want)
		}
	}
}

// Benchmarks (go test -bench . ./bench/); 10^6 is skipped under -short.

func BenchmarkBuild100k(b *testing.B)    { benchBuild(b, 100_000) }
func BenchmarkBuild1M(b *testing.B)      { benchBuild(b, 1_000_000) }
func BenchmarkScore100k(b *testing.B)    { benchScore(b, 100_000) }
func BenchmarkScore1M(b *testing.B)      { benchScore(b, 1_000_000) }
func BenchmarkBaseline100k(b *testing.B) { benchBaseline(b, 100_000) }
func BenchmarkBaseline1M(b *testing.B)   { benchBaseline(b, 1_000_000) }
func BenchmarkGen100k(b *testing.B) {
	for b.Loop() {
		if _, err := gen.Stream(genCfg(100_000), noEntity, noRelationship); err != nil {
			b.Fatal(err)
		}
	}
}

func genCfg(n int) gen.Config {
	return gen.Config{Entities: n, Seed: 1, ChineseShare: gen.DefaultChineseShare}
}

func skipLarge(b *testing.B, n int) {
	if n > 100_000 && testing.Short() {
		b.Skip("10^6 entities: skipped under -short")
	}
}

// collect holds a generated registry in memory so the generator is not timed.
func collect(b *testing.B, n int) ([]model.Entity, []model.Relationship) {
	var ents []model.Entity
	var rels []model.Relationship
	if _, err := gen.Stream(genCfg(n),
		func(e model.Entity) error { ents = append(ents, e); return nil },
		func(r model.Relationship) error { rels = append(rels, r); return nil }); err != nil {
		b.Fatal(err)
	}
	return ents, rels
}

func benchBuild(b *testing.B, n int) {
	skipLarge(b, n)
	ents, rels := collect(b, n)
	b.ReportAllocs()
	for b.Loop() {
		bl := graph.NewBuilder()
		for _, e := range ents {
			bl.AddEntity(e)
		}
		for _, r := range rels {
			bl.AddRelationship(r)
		}
		if _, err := bl.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchScore(b *testing.B, n int) {
	skipLarge(b, n)
	g, _, err := build(genCfg(n))
	if err != nil {
		b.Fatal(err)
	}
	p := policy.Default()
	asOf := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := graph.Score(g, p, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

func benchBaseline(b *testing.B, n int) {
	skipLarge(b, n)
	p := policy.Default()
	bl := NewBaseline(false)
	concern := p.ConcernCountries()
	if _, err := gen.Stream(genCfg(n),
		func(e model.Entity) error { bl.AddEntity(e, p, concern); return nil },
		func(r model.Relationship) error { bl.AddRelationship(r, "2025-01-01"); return nil }); err != nil {
		b.Fatal(err)
	}
	bl.Freeze()
	for b.Loop() {
		if _, _, err := bl.Enumerate(context.Background(), 10*time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}
