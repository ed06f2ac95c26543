package store

import (
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/model"
)

// stored is an entity already in a store, as the merge rules see it.
var stored = model.Entity{
	ID: "gleif:A", Name: "Acme Ltd", Kind: model.Company, Jurisdiction: "GB",
	Source: "gleif", SourceRef: "A", Nationality: []string{"GB"},
	Lists: []string{"x"}, Identifiers: []string{"lei:A"}, Provenance: []string{"gleif:A"},
}

func TestApplyUpsert(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cur, in model.Entity
		want    model.Entity
	}{
		{
			name: "new entity",
			in:   model.Entity{ID: "psc:1", Name: "Bob", Kind: model.Person, Source: "psc", SourceRef: "1", Nationality: []string{"FR", "FR"}},
			want: model.Entity{Name: "Bob", Kind: model.Person, Source: "psc", SourceRef: "1", Nationality: []string{"FR"}, Provenance: []string{"psc:1"}},
		},
		{
			name: "non-empty scalars overwrite, empty ones keep, lists union",
			cur:  stored,
			in: model.Entity{Name: "Acme Limited", Kind: model.StateBody, HQCountry: "CN", StateOwned: true,
				Source: "bods", SourceRef: "s1", Lists: []string{"y", "x"}, Identifiers: []string{"gb-coh:1"}, Provenance: []string{"extra:1"}},
			want: model.Entity{ID: "gleif:A", Name: "Acme Limited", Kind: model.StateBody, Jurisdiction: "GB", HQCountry: "CN",
				StateOwned: true, Source: "bods", SourceRef: "s1", Nationality: []string{"GB"}, Lists: []string{"x", "y"},
				Identifiers: []string{"gb-coh:1", "lei:A"}, Provenance: []string{"bods:s1", "extra:1", "gleif:A"},
				Aliases: []string{"Acme Ltd"}}, // the replaced name stays as a former name
		},
		{
			name: "no source: provenance gains nothing, state_owned stays",
			cur:  model.Entity{ID: "a", StateOwned: true, Provenance: []string{"p:1"}},
			in:   model.Entity{Name: "A"},
			want: model.Entity{ID: "a", Name: "A", StateOwned: true, Provenance: []string{"p:1"}},
		},
		{
			name: "aliases and countries union; an alias that becomes the name is dropped, the replaced name kept",
			cur:  model.Entity{ID: "a", Name: "A", Aliases: []string{"B", "C"}, AddressCountries: []string{"GB"}},
			in:   model.Entity{Name: "B", Aliases: []string{"D", "B"}, AddressCountries: []string{"CN"}},
			want: model.Entity{ID: "a", Name: "B", Aliases: []string{"A", "C", "D"}, AddressCountries: []string{"CN", "GB"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ApplyUpsert(tc.cur, &tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ApplyUpsert =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func TestApplyAliasUpsert(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cur, in model.Entity
		want    model.Entity
	}{
		{
			name: "survivor keeps its scalars, fills empty ones, gains provenance",
			cur:  stored,
			in: model.Entity{ID: "bods:s1", Name: "Other Name", Kind: model.Person, HQCountry: "CN", StateOwned: true,
				Source: "bods", SourceRef: "s1", Identifiers: []string{"gb-coh:1"}},
			want: model.Entity{ID: "gleif:A", Name: "Acme Ltd", Kind: model.Company, Jurisdiction: "GB", HQCountry: "CN",
				StateOwned: true, Source: "gleif", SourceRef: "A", Nationality: []string{"GB"}, Lists: []string{"x"},
				Identifiers: []string{"gb-coh:1", "lei:A"}, Provenance: []string{"bods:s1", "gleif:A"},
				Aliases: []string{"Other Name"}},
		},
		{
			name: "the record's name and aliases become aliases, its countries union",
			cur:  model.Entity{ID: "a", Name: "甲公司", Aliases: []string{"Jia Co"}, AddressCountries: []string{"HK"}},
			in:   model.Entity{ID: "b", Name: "Jia Company", Aliases: []string{"甲公司", "Jia Co"}, AddressCountries: []string{"CN", "HK"}},
			want: model.Entity{ID: "a", Name: "甲公司", Aliases: []string{"Jia Co", "Jia Company"}, AddressCountries: []string{"CN", "HK"}},
		},
		{
			name: "unknown kind counts as empty",
			cur:  model.Entity{ID: "a", Kind: model.Unknown},
			in:   model.Entity{Kind: model.Company},
			want: model.Entity{ID: "a", Kind: model.Company},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ApplyAliasUpsert(tc.cur, &tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ApplyAliasUpsert =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func TestMergeInto(t *testing.T) {
	for _, tc := range []struct {
		name       string
		into, from model.Entity
		want       model.Entity
	}{
		{
			name: "into wins, from fills, provenance unions without a new entry",
			into: model.Entity{ID: "a", Name: "A", Kind: model.Unknown, Provenance: []string{"s:a"}},
			from: model.Entity{ID: "b", Name: "B", Kind: model.Company, Jurisdiction: "CN", Source: "s", SourceRef: "b",
				Lists: []string{"l"}, Provenance: []string{"s:b"}},
			want: model.Entity{ID: "a", Name: "A", Kind: model.Company, Jurisdiction: "CN", Source: "s", SourceRef: "b",
				Lists: []string{"l"}, Provenance: []string{"s:a", "s:b"}, Aliases: []string{"B"}},
		},
		{
			name: "from's name fills an empty name and is no alias; aliases union without the name",
			into: model.Entity{ID: "a", Aliases: []string{"B", "C"}},
			from: model.Entity{ID: "b", Name: "B", Aliases: []string{"D"}, AddressCountries: []string{"CN"}},
			want: model.Entity{ID: "a", Name: "B", Aliases: []string{"C", "D"}, AddressCountries: []string{"CN"}},
		},
		{
			name: "same name: no alias",
			into: model.Entity{ID: "a", Name: "Acme"},
			from: model.Entity{ID: "b", Name: "Acme"},
			want: model.Entity{ID: "a", Name: "Acme"},
		},
		{
			name: "known kind kept",
			into: model.Entity{ID: "a", Kind: model.Person},
			from: model.Entity{ID: "b", Kind: model.Company, StateOwned: true},
			want: model.Entity{ID: "a", Kind: model.Person, StateOwned: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MergeInto(tc.into, tc.from); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("MergeInto =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func TestEntitiesEqual(t *testing.T) {
	a := stored
	b := stored
	b.Lists = []string{"x"}
	if !EntitiesEqual(&a, &b) {
		t.Error("equal entities reported different")
	}
	b.Lists = []string{"x", "y"}
	if EntitiesEqual(&a, &b) {
		t.Error("different lists reported equal")
	}
	for _, change := range []func(*model.Entity){
		func(e *model.Entity) { e.Aliases = []string{"Acme"} },
		func(e *model.Entity) { e.AddressCountries = []string{"GB"} },
	} {
		b = stored
		change(&b)
		if EntitiesEqual(&a, &b) {
			t.Errorf("different aliases or address countries reported equal: %+v", b)
		}
	}
	b = stored
	b.StateOwned = true
	if EntitiesEqual(&a, &b) {
		t.Error("different state_owned reported equal")
	}
}

// TestMergeRulesCoverEveryField guards the two field lists of merge.go, as
// the codec's test guards its own: for every field of model.Entity but the
// id, a value only the incoming record (ApplyUpsert) or only the merged
// entity (MergeInto) has must reach the result. A field added to
// model.Entity and to neither function fails here.
func TestMergeRulesCoverEveryField(t *testing.T) {
	typ := reflect.TypeFor[model.Entity]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Name == "ID" {
			continue
		}
		var with model.Entity
		v := reflect.ValueOf(&with).Elem().Field(i)
		switch {
		case f.Type == reflect.TypeFor[model.EntityKind]():
			v.SetString(string(model.Company))
		case f.Type.Kind() == reflect.String:
			v.SetString("x")
		case f.Type.Kind() == reflect.Bool:
			v.SetBool(true)
		case f.Type == reflect.TypeFor[[]string]():
			v.Set(reflect.ValueOf([]string{"x"}))
		default:
			t.Fatalf("model.Entity.%s is a %s, which this test cannot fill: give it a merge rule in merge.go and a value here", f.Name, f.Type)
		}
		empty := model.Entity{ID: "a"}
		if got := reflect.ValueOf(ApplyUpsert(empty, &with)).Field(i); got.IsZero() {
			t.Errorf("ApplyUpsert drops the incoming record's %s: give it a rule in merge.go", f.Name)
		}
		if got := reflect.ValueOf(MergeInto(empty, with)).Field(i); got.IsZero() {
			t.Errorf("MergeInto drops the merged entity's %s: give it a rule in merge.go", f.Name)
		}
	}
}
