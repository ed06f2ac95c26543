package policy

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
)

func TestPresetsLoadAndValidate(t *testing.T) {
	want := []string{"default", "doj-covered-person", "ofac-50"}
	if got := Presets(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Presets() = %v, want %v", got, want)
	}
	for _, name := range want {
		t.Run(name, func(t *testing.T) {
			p, err := Load(name)
			if err != nil {
				t.Fatalf("Load(%q): %v", name, err)
			}
			if p.Name != name {
				t.Errorf("Name = %q, want %q", p.Name, name)
			}
			if err := p.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if len(p.Hash()) != 12 {
				t.Errorf("Hash() = %q, want 12 hex digits", p.Hash())
			}
		})
	}
}

func TestDefaultPresetIsDefault(t *testing.T) {
	p, err := Load("default")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, Default()) {
		t.Errorf("presets/default.yaml differs from Default():\n got %+v\nwant %+v", p, Default())
	}
	if p.Hash() != Default().Hash() {
		t.Errorf("hash %s != %s", p.Hash(), Default().Hash())
	}
	empty, err := Load("")
	if err != nil || empty.Name != "default" {
		t.Errorf(`Load("") = %v, %v; want the default policy`, empty, err)
	}
}

func TestPresetSemantics(t *testing.T) {
	doj, err := Load("doj-covered-person")
	if err != nil {
		t.Fatal(err)
	}
	cc := doj.ConcernCountries()
	if !cc["CN"] || !cc["HK"] || !cc["MO"] || len(cc) != 3 {
		t.Errorf("doj countries = %v, want CN HK MO", cc)
	}
	if !doj.Roots.Incorporation || !doj.Roots.Headquarters || !doj.Roots.Residence || doj.Roots.Nationality {
		t.Errorf("doj roots = %+v: want incorporation, headquarters, residence; not nationality", doj.Roots)
	}
	if got := doj.Thresholds.Aggregate; got != (Threshold{Value: 50, Inclusive: true}) {
		t.Errorf("doj aggregate = %+v, want >= 50", got)
	}
	if !reflect.DeepEqual(doj.ExcludeJurisdictions, []string{"US"}) {
		t.Errorf("doj exclude = %v, want [US]", doj.ExcludeJurisdictions)
	}

	ofac, err := Load("ofac-50")
	if err != nil {
		t.Fatal(err)
	}
	if ofac.ControlTest {
		t.Error("ofac-50 must be ownership only (control_test false)")
	}
	if len(ofac.ConcernCountries()) != 0 {
		t.Errorf("ofac-50 has country rules: %v", ofac.ConcernCountries())
	}
	r := ofac.Roots
	if r.Incorporation || r.Headquarters || r.StateBody || r.Nationality || r.Residence {
		t.Errorf("ofac-50 roots by country: %+v", r)
	}
	for _, tag := range []string{"us.ofac.sdn", "us.bis.entity_list", "sanction"} {
		if !slices.Contains(r.ListTags, tag) {
			t.Errorf("ofac-50 list_tags %v lack %q", r.ListTags, tag)
		}
	}
	if ofac.Hash() == doj.Hash() || doj.Hash() == Default().Hash() {
		t.Error("distinct presets share a hash")
	}
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInvalidPoliciesNameTheKey(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"typo key", "name: x\ncontry: [CN]\n", []string{"line 2", `unknown key "contry"`}},
		{"typo nested key", "name: x\nroots:\n  residense: true\n", []string{"line 3", `unknown key "residense"`}},
		{"unknown edge kind", "name: x\ncontrol_kinds: [board, owns]\n", []string{"control_kinds[1]", `unknown edge kind "owns"`, "line 2"}},
		{"ownership as control kind", "name: x\ncontrol_kinds: [ownership]\n", []string{"control_kinds[0]", "ownership"}},
		{"unknown influence kind", "name: x\ninfluence_kinds:\n  - board\n  - sway\n", []string{"influence_kinds[1]", "line 4", `"sway"`}},
		{"unknown verdict", "name: x\nflagged: [OWNED_50, OWNED_51]\n", []string{"flagged[1]", `unknown verdict "OWNED_51"`}},
		{"threshold above 100", "name: x\nthresholds:\n  aggregate: {value: 150, inclusive: true}\n", []string{"thresholds.aggregate.value", "150", "line 3"}},
		{"threshold negative", "name: x\nthresholds:\n  control:\n    value: -1\n", []string{"thresholds.control.value", "line 4"}},
		{"threshold never met", "name: x\nthresholds:\n  significant: {value: 100, inclusive: false}\n", []string{"thresholds.significant.value", "never"}},
		{"bad country", "name: x\ncountries: [CN, China]\n", []string{"countries[1]", `"CHINA"`, "ISO 3166-1"}},
		{"bad excluded country", "name: x\nexclude_jurisdictions: [USA]\n", []string{"exclude_jurisdictions[0]", `"USA"`}},
		{"duplicate country", "name: x\ncountries: [CN, cn]\n", []string{"countries[1]", "twice"}},
		{"bad as_of", "name: x\nas_of: 2024-13-01\n", []string{"as_of", "2024-13-01", "YYYY-MM-DD", "line 2"}},
		{"bad as_of format", "name: x\nas_of: 01/02/2024\n", []string{"as_of", "YYYY-MM-DD"}},
		{"no roots possible", "name: x\nroots: {incorporation: false, headquarters: false, state_body: false, nationality: false, residence: false}\n", []string{"roots", "nothing could ever be a root"}},
		{"country rules without countries", "name: x\ncountries: []\ninclude_hk: false\ninclude_mo: false\n", []string{"countries", "no country of concern"}},
		{"unknown base", "base: strict\n", []string{"base", `"strict"`, "line 1"}},
		{"wrong type", "name: x\ncontrol_test: sometimes\n", []string{"line 2", "sometimes"}},
		{"not a mapping", "- a\n- b\n", []string{"mapping"}},
		{"empty", "", []string{"empty policy"}},
		{"bad yaml", "name: [x\n", []string{"invalid YAML"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "p.yaml", tc.yaml)
			_, err := Load(path)
			if err == nil {
				t.Fatalf("Load accepted:\n%s", tc.yaml)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	p := Default()
	p.Flagged = append(p.Flagged, "RED")
	p.Thresholds.Control.Value = 101
	err := p.Validate()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("Validate() = %v, want *FieldError", err)
	}
	for _, key := range []string{"flagged[4]", "thresholds.control.value"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q lacks key %s", err, key)
		}
	}
}

func TestPartialFileKeepsBase(t *testing.T) {
	path := writeFile(t, "strict-hk.yaml", "base: doj-covered-person\ninclude_mo: false\nroots:\n  nationality: true\n")
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "strict-hk" {
		t.Errorf("Name = %q, want the file name strict-hk", p.Name)
	}
	if p.Base != "doj-covered-person" || p.IncludeMO || !p.IncludeHK {
		t.Errorf("base/switches wrong: %+v", p)
	}
	if !p.Roots.Nationality || !p.Roots.Residence || !p.Roots.Incorporation {
		t.Errorf("roots must merge with the base: %+v", p.Roots)
	}
	if !reflect.DeepEqual(p.ExcludeJurisdictions, []string{"US"}) {
		t.Errorf("exclude_jurisdictions not inherited: %v", p.ExcludeJurisdictions)
	}
	// Lists replace, they do not append.
	path = writeFile(t, "p.yaml", "name: narrow\nflagged: [OWNED_50]\ncountries: [cn]\n")
	p, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Flagged, []model.Verdict{"OWNED_50"}) || !reflect.DeepEqual(p.Countries, []string{"CN"}) {
		t.Errorf("flagged %v countries %v", p.Flagged, p.Countries)
	}
	if p.Description != "" {
		t.Errorf("description inherited from base: %q", p.Description)
	}
}

func TestLoadUnknownName(t *testing.T) {
	_, err := Load("no-such-policy")
	if err == nil || !strings.Contains(err.Error(), "not a built-in preset") || !strings.Contains(err.Error(), "ofac-50") {
		t.Errorf("Load(no-such-policy) = %v", err)
	}
}

func TestHashStableAndSensitive(t *testing.T) {
	base := Default()
	h := base.Hash()
	if h != Default().Hash() {
		t.Fatal("hash not stable across calls")
	}
	same := []struct {
		name string
		edit func(*Policy)
	}{
		{"renamed", func(p *Policy) { p.Name = "other"; p.Description = "x" }},
		{"reordered flagged", func(p *Policy) { slices.Reverse(p.Flagged) }},
		{"reordered kinds", func(p *Policy) { slices.Reverse(p.ControlKinds) }},
		{"HK listed instead of switched", func(p *Policy) { p.Countries = []string{"HK", "CN"}; p.IncludeHK = false }},
		{"nil vs empty list tags", func(p *Policy) { p.Roots.ListTags = []string{} }},
	}
	for _, tc := range same {
		p := Default()
		tc.edit(p)
		if p.Hash() != h {
			t.Errorf("%s: hash changed %s -> %s", tc.name, h, p.Hash())
		}
	}
	changed := []struct {
		name string
		edit func(*Policy)
	}{
		{"threshold value", func(p *Policy) { p.Thresholds.Aggregate.Value = 49.99 }},
		{"threshold inclusivity", func(p *Policy) { p.Thresholds.Control.Inclusive = true }},
		{"HK off", func(p *Policy) { p.IncludeHK = false }},
		{"residence", func(p *Policy) { p.Roots.Residence = true }},
		{"list tag", func(p *Policy) { p.Roots.ListTags = []string{"us.ofac.sdn"} }},
		{"control test", func(p *Policy) { p.ControlTest = false }},
		{"control kinds", func(p *Policy) { p.ControlKinds = p.ControlKinds[:3] }},
		{"influence kinds", func(p *Policy) { p.InfluenceKinds = []model.RelKind{model.Board} }},
		{"as of", func(p *Policy) { p.AsOf = "2020-01-01" }},
		{"flagged", func(p *Policy) { p.Flagged = append(p.Flagged, model.VerdictSignificant) }},
		{"exclude", func(p *Policy) { p.ExcludeJurisdictions = []string{"US"} }},
	}
	seen := map[string]string{h: "default"}
	for _, tc := range changed {
		p := Default()
		tc.edit(p)
		got := p.Hash()
		if prev, dup := seen[got]; dup {
			t.Errorf("%s: hash %s equals that of %s", tc.name, got, prev)
		}
		seen[got] = tc.name
	}
}

func TestRoundTrip(t *testing.T) {
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			p, err := Load(name)
			if err != nil {
				t.Fatal(err)
			}
			out, err := p.YAML()
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(out, "")
			if err != nil {
				t.Fatalf("re-parse of\n%s: %v", out, err)
			}
			back.Base = p.Base // Parse records the base it started from
			if !reflect.DeepEqual(back, p) {
				t.Errorf("round trip changed the policy:\n got %+v\nwant %+v", back, p)
			}
			if back.Hash() != p.Hash() {
				t.Errorf("round trip changed the hash: %s -> %s", p.Hash(), back.Hash())
			}
		})
	}
}

func TestCloneIsDeep(t *testing.T) {
	p := Default()
	c := p.Clone()
	c.Countries[0] = "XX"
	c.Flagged[0] = "X"
	c.ControlKinds[0] = "x"
	if p.Countries[0] != "CN" || p.Flagged[0] != model.VerdictChineseEntity || p.ControlKinds[0] != model.Board {
		t.Error("Clone shares slices with the original")
	}
}

func TestAsOfTime(t *testing.T) {
	p := Default()
	if _, ok := p.AsOfTime(); ok {
		t.Error("empty as_of reported a date")
	}
	p.AsOf = "2021-06-30"
	d, ok := p.AsOfTime()
	if !ok || d.Format("2006-01-02") != "2021-06-30" {
		t.Errorf("AsOfTime = %v, %v", d, ok)
	}
}

// root_verdict names the roots' verdict: the China presets keep
// CHINESE_ENTITY and their hash, ofac-50 calls its roots LISTED_ENTITY, a
// root verdict in flagged stands for the policy's own, and anything else
// is refused with its line.
func TestRootVerdict(t *testing.T) {
	for _, tc := range []struct {
		preset string
		root   model.Verdict
	}{{"default", model.VerdictChineseEntity}, {"doj-covered-person", model.VerdictChineseEntity}, {"ofac-50", model.VerdictListedEntity}} {
		p, err := Preset(tc.preset)
		if err != nil {
			t.Fatal(err)
		}
		if p.Root() != tc.root || !p.IsFlagged(tc.root) || p.Verdicts()[0] != tc.root {
			t.Errorf("%s: root verdict %s (flagged %v, verdicts %v), want %s", tc.preset, p.Root(), p.IsFlagged(tc.root), p.Verdicts(), tc.root)
		}
	}
	// The China policies' hash leaves an unset or CHINESE_ENTITY root verdict out.
	def := Default()
	explicit := Default()
	explicit.RootVerdict = model.VerdictChineseEntity
	if def.Hash() != explicit.Hash() || def.Hash() != "14281ceda861" {
		t.Errorf("default hash %s / %s, want 14281ceda861 as before policies named their roots", def.Hash(), explicit.Hash())
	}
	neutral := Default()
	neutral.RootVerdict = model.VerdictRootEntity
	if neutral.Hash() == def.Hash() {
		t.Error("a root verdict of its own does not change the hash")
	}

	path := writeFile(t, "p.yaml", "name: sanctions\nbase: ofac-50\nflagged: [chinese_entity, OWNED_50]\n")
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Root() != model.VerdictListedEntity || !slices.Equal(p.FlaggedVerdicts(), []model.Verdict{model.VerdictListedEntity, model.VerdictOwned50}) {
		t.Errorf("root %s, flagged %v: want LISTED_ENTITY flagged as the file's CHINESE_ENTITY", p.Root(), p.FlaggedVerdicts())
	}
	path = writeFile(t, "p.yaml", "name: russia\ncountries: [RU]\nroot_verdict: root_entity\n")
	if p, err = Load(path); err != nil || p.Root() != model.VerdictRootEntity {
		t.Errorf("root_verdict root_entity: %v, %v", p, err)
	}
	path = writeFile(t, "p.yaml", "name: bad\n\nroot_verdict: OWNED_50\n")
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "line 3: root_verdict:") {
		t.Errorf("root_verdict OWNED_50: error %v, want one naming line 3 and root_verdict", err)
	}
}
