package store

import (
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/model"
)

func TestRetireEntity(t *testing.T) {
	const date = "2026-11-02"
	fromPSC := model.Entity{ID: "psc:1", Kind: model.Person, Provenance: []string{"psc:company/1/psc/1"}}
	listed := model.Entity{ID: "ftm:A", Kind: model.Company, Lists: []string{"sanction", "us_ofac_sdn"},
		Provenance: []string{"ftm:A"}}
	for _, tc := range []struct {
		name   string
		source string // default psc
		e      model.Entity
		ledger *EntityLedger
		// want are the lists after the retirement; nil want: unchanged.
		want                  []string
		inactive, reactivated bool
		tags                  int
	}{
		{name: "only this source knew it, not asserted: inactive", e: fromPSC,
			want: []string{"ubo.inactive:" + date}, inactive: true},
		{name: "another source knows it: stays active",
			e: model.Entity{ID: "x", Provenance: []string{"psc:company/1", "gleif:X"}}},
		{name: "no provenance: left alone", e: model.Entity{ID: "x"}},
		{name: "already inactive: keeps its first date",
			e: model.Entity{ID: "x", Lists: []string{"ubo.inactive:2026-01-01"}, Provenance: []string{"psc:x"}}},
		{name: "asserted again: reactivated",
			e:      model.Entity{ID: "x", Lists: []string{"a", "ubo.inactive:2026-01-01"}, Provenance: []string{"psc:x"}},
			ledger: &EntityLedger{Asserted: true}, want: []string{"a"}, reactivated: true},
		{name: "a tag the previous snapshot gave and this one does not is retired", source: "ftm", e: listed,
			ledger: &EntityLedger{Asserted: true, Prev: []string{"sanction", "us_ofac_sdn"}, Cur: []string{"sanction"}},
			want:   []string{"sanction", "ubo.retired:" + date + ":us_ofac_sdn"}, tags: 1},
		{name: "another source's ledger gives the tag: kept",
			source: "ftm", e: model.Entity{ID: "x", Lists: []string{"sanction"}, Provenance: []string{"ftm:x", "csv:x"}},
			ledger: &EntityLedger{Asserted: true, Prev: []string{"sanction"},
				Others: map[string][]string{"csv": {"sanction"}}}},
		{name: "another source's ledger lacks the tag: retired",
			source: "ftm", e: model.Entity{ID: "x", Lists: []string{"sanction"}, Provenance: []string{"ftm:x", "csv:x"}},
			ledger: &EntityLedger{Asserted: true, Prev: []string{"sanction"}, Others: map[string][]string{"csv": nil}},
			want:   []string{"ubo.retired:" + date + ":sanction"}, tags: 1},
		{name: "a source of the provenance has no ledger: what it gave is unknown, kept",
			source: "ftm", e: model.Entity{ID: "x", Lists: []string{"sanction"}, Provenance: []string{"ftm:x", "csv:x"}},
			ledger: &EntityLedger{Asserted: true, Prev: []string{"sanction"}}},
		{name: "not asserted: inactive and its tags retired", source: "ftm", e: listed,
			ledger: &EntityLedger{Prev: []string{"sanction"}},
			want:   []string{"ubo.inactive:" + date, "ubo.retired:" + date + ":sanction", "us_ofac_sdn"}, inactive: true, tags: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.e
			before := append([]string(nil), e.Lists...)
			source := tc.source
			if source == "" {
				source = "psc"
			}
			changed, inactive, reactivated, tags := RetireEntity(&e, source, date, tc.ledger)
			want := tc.want
			if want == nil {
				want = before
			}
			if !reflect.DeepEqual(e.Lists, want) {
				t.Errorf("lists = %q, want %q", e.Lists, want)
			}
			if changed != (tc.want != nil) || inactive != tc.inactive || reactivated != tc.reactivated || tags != tc.tags {
				t.Errorf("changed, inactive, reactivated, tags = %v %v %v %d, want %v %v %v %d",
					changed, inactive, reactivated, tags, tc.want != nil, tc.inactive, tc.reactivated, tc.tags)
			}
			if !reflect.DeepEqual(tc.e.Lists, before) {
				t.Errorf("the entity given was changed: %q", tc.e.Lists)
			}
		})
	}
}

// A record of any source written onto an inactive entity, or merged with
// it, makes it active again: someone asserts it.
func TestAssertedAgainIsActive(t *testing.T) {
	inactive := model.Entity{ID: "psc:1", Name: "Li", Kind: model.Person, Lists: []string{"role.pep", "ubo.inactive:2026-11-02"},
		Provenance: []string{"psc:1"}}
	active := model.Entity{ID: "gleif:1", Name: "Li", Kind: model.Person, Source: "gleif", SourceRef: "1"}
	for _, tc := range []struct {
		name string
		got  model.Entity
		want []string
	}{
		{"upsert", ApplyUpsert(inactive, &active), []string{"role.pep"}},
		{"upsert through an alias", ApplyAliasUpsert(inactive, &active), []string{"role.pep"}},
		{"merge into the inactive one", MergeInto(inactive, active), []string{"role.pep"}},
		{"merge the inactive one", MergeInto(active, inactive), []string{"role.pep"}},
		{"merge two inactive ones", MergeInto(inactive, inactive), []string{"role.pep", "ubo.inactive:2026-11-02"}},
		{"an upsert without a source asserts nothing", ApplyUpsert(inactive, &model.Entity{ID: "psc:1"}),
			[]string{"role.pep", "ubo.inactive:2026-11-02"}},
	} {
		if !reflect.DeepEqual(tc.got.Lists, tc.want) {
			t.Errorf("%s: lists = %q, want %q", tc.name, tc.got.Lists, tc.want)
		}
	}
}

// TestRetireNames: the aliases and identifiers a source's previous
// snapshot gave and this one does not are removed, unless another source
// may still give them; the entity's own name never is.
func TestRetireNames(t *testing.T) {
	const source = "ftm"
	entity := model.Entity{ID: "ftm:A", Name: "Alpha Ltd", Aliases: []string{"Beta Co", "Gamma Co"},
		Identifiers: []string{"FTM:A", "XI-LEI:X"}, Provenance: []string{"ftm:A"}}
	tags := func(names, ids []string) []string { return LedgerTags(Assertion{Names: names, Identifiers: ids}) }
	for _, tc := range []struct {
		name        string
		e           model.Entity
		ledger      *EntityLedger
		aliases     []string
		identifiers []string
	}{
		{name: "no ledger: unchanged", e: entity, aliases: entity.Aliases, identifiers: entity.Identifiers},
		{name: "still asserted: unchanged", e: entity,
			ledger:  &EntityLedger{Asserted: true, Prev: tags([]string{"Alpha Ltd", "Beta Co"}, []string{"XI-LEI:X"}), Cur: tags([]string{"Alpha Ltd", "Beta Co"}, []string{"XI-LEI:X"})},
			aliases: entity.Aliases, identifiers: entity.Identifiers},
		{name: "an alias and an identifier dropped: removed", e: entity,
			ledger:  &EntityLedger{Asserted: true, Prev: tags([]string{"Alpha Ltd", "Beta Co"}, []string{"FTM:A", "XI-LEI:X"}), Cur: tags([]string{"Alpha Ltd"}, []string{"FTM:A"})},
			aliases: []string{"Gamma Co"}, identifiers: []string{"FTM:A"}},
		{name: "the name itself dropped: kept", e: entity,
			ledger:  &EntityLedger{Asserted: true, Prev: tags([]string{"Alpha Ltd"}, nil), Cur: tags([]string{"Alpha New Ltd"}, nil)},
			aliases: entity.Aliases, identifiers: entity.Identifiers},
		{name: "another source's ledger gives the alias: kept",
			e: func() model.Entity { e := entity; e.Provenance = []string{"ftm:A", "csv:A"}; return e }(),
			ledger: &EntityLedger{Asserted: true, Prev: tags([]string{"Beta Co"}, nil),
				Others: map[string][]string{"csv": tags([]string{"Beta Co"}, nil)}},
			aliases: entity.Aliases, identifiers: entity.Identifiers},
		{name: "a source of the provenance has no ledger: kept",
			e:       func() model.Entity { e := entity; e.Provenance = []string{"ftm:A", "csv:A"}; return e }(),
			ledger:  &EntityLedger{Asserted: true, Prev: tags([]string{"Beta Co"}, []string{"XI-LEI:X"})},
			aliases: entity.Aliases, identifiers: entity.Identifiers},
		{name: "not asserted at all: its names and identifiers go", e: entity,
			ledger:  &EntityLedger{Prev: tags([]string{"Alpha Ltd", "Beta Co", "Gamma Co"}, []string{"XI-LEI:X"})},
			aliases: []string{}, identifiers: []string{"FTM:A"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.e
			aliases, identifiers := RetireNames(&e, source, tc.ledger)
			if !reflect.DeepEqual(e.Aliases, tc.aliases) || !reflect.DeepEqual(e.Identifiers, tc.identifiers) {
				t.Errorf("aliases %q, identifiers %q; want %q, %q", e.Aliases, e.Identifiers, tc.aliases, tc.identifiers)
			}
			if want := len(tc.e.Aliases) - len(tc.aliases); aliases != want {
				t.Errorf("%d aliases retired, want %d", aliases, want)
			}
			if want := len(tc.e.Identifiers) - len(tc.identifiers); identifiers != want {
				t.Errorf("%d identifiers retired, want %d", identifiers, want)
			}
			if !reflect.DeepEqual(tc.e.Aliases, entity.Aliases) || !reflect.DeepEqual(tc.e.Identifiers, entity.Identifiers) {
				t.Errorf("the entity given was changed: %+v", tc.e)
			}
		})
	}
}

// TestApplyChangesKeepsNames: a delta record's change compares list tags
// only; the names and identifiers of the record's ledger entry stay for
// the next snapshot to compare with.
func TestApplyChangesKeepsNames(t *testing.T) {
	e := model.Entity{ID: "ftm:A", Name: "Alpha Ltd", Aliases: []string{"Beta Co"}, Lists: []string{"sanction"},
		Provenance: []string{"ftm:A"}}
	entry := LedgerTags(Assertion{Lists: []string{"sanction"}, Names: []string{"Alpha Ltd", "Beta Co"}})
	own := map[string]DeltaRecord{"ftm:A": {Lists: entry, Found: true}}
	var st RetireStats
	ApplyChanges(&e, "ftm", []RecordChange{{ID: "ftm:A", Lists: nil, Date: "2026-11-02"}}, own, nil, &st)
	if !reflect.DeepEqual(e.Aliases, []string{"Beta Co"}) || st.Aliases != 0 || st.ListTags != 1 {
		t.Errorf("aliases %q, stats %+v; want the alias kept and the tag retired", e.Aliases, st)
	}
	if want := LedgerTags(Assertion{Names: []string{"Alpha Ltd", "Beta Co"}}); !reflect.DeepEqual(own["ftm:A"].Lists, want) {
		t.Errorf("ledger entry after the change = %q, want %q", own["ftm:A"].Lists, want)
	}
}
