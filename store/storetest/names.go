package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/names"
	"github.com/ubo-project/ubo/store"
)

// Aliases and address countries union like the other lists on re-upsert
// (twice the same batch changes nothing) and on merge, where the merged
// entity's name becomes an alias.
func testAliasesUnion(t *testing.T, s store.Store) {
	a := company("a", "Alpha Trading Ltd", "GB")
	a.Aliases, a.AddressCountries = []string{"Alpha Trading Limited"}, []string{"GB"}
	upsertEntities(t, s, a)
	again := model.Entity{ID: "a", Aliases: []string{"阿尔法贸易", "Alpha Trading Limited"}, AddressCountries: []string{"CN"}}
	upsertEntities(t, s, again)
	want := a
	want.Aliases = []string{"Alpha Trading Limited", "阿尔法贸易"}
	want.AddressCountries = []string{"CN", "GB"}
	want.Provenance = []string{"test:rec-a"}
	equal(t, "after a second source", getEntity(t, s, "a"), canonEntity(want))
	before := entities(t, s)
	upsertEntities(t, s, a, again)
	upsertEntities(t, s, a, again)
	equal(t, "after writing the same batches again", entities(t, s), before)

	b := company("b", "ALPHA TRADING LTD (HK)", "HK")
	b.Aliases, b.AddressCountries = []string{"Alpha HK"}, []string{"HK"}
	upsertEntities(t, s, b)
	merge(t, s, "b", "a")
	want.Aliases = []string{"ALPHA TRADING LTD (HK)", "Alpha HK", "Alpha Trading Limited", "阿尔法贸易"}
	want.AddressCountries = []string{"CN", "GB", "HK"}
	want.Provenance = []string{"test:rec-a", "test:rec-b"}
	equal(t, "after merge", getEntity(t, s, "a"), canonEntity(want))
	// A merged entity whose name equals the survivor's adds no alias.
	c := company("c", "Alpha Trading Ltd", "GB")
	upsertEntities(t, s, c)
	merge(t, s, "c", "a")
	want.Provenance = append(want.Provenance, "test:rec-c")
	equal(t, "after merging a namesake", getEntity(t, s, "a"), canonEntity(want))
	// A rename to one of the aliases drops it from the aliases.
	upsertEntities(t, s, model.Entity{ID: "a", Name: "Alpha HK"})
	got := getEntity(t, s, "a")
	if got.Name != "Alpha HK" || slices.Contains(got.Aliases, "Alpha HK") {
		t.Errorf("after renaming to an alias: name %q, aliases %q", got.Name, got.Aliases)
	}
}

// SearchNames finds an entity by any of its names, and a merged name
// keeps finding the survivor.
func testSearchNamesByAlias(t *testing.T, s store.Store) {
	cn := model.Entity{ID: "lei:CN1", Name: "深圳示例控股有限公司", Kind: model.Company, Jurisdiction: "CN",
		Aliases: []string{"Shenzhen Example Holdings Co., Ltd.", "SEH Group"}}
	upsertEntities(t, s, cn, company("other", "Example Trading Shenzhen", "CN"),
		company("gb", "Shenzhen Example Holdings", "GB"))
	search := func(text string) []string {
		t.Helper()
		got, err := s.SearchNames(ctx(t), text, 10)
		if err != nil {
			t.Fatalf("SearchNames(%q): %v", text, err)
		}
		return entityIDs(got)
	}
	for _, q := range []string{"shenzhen example holdings", "SEH group", "深圳示例控股有限公司", "holdings example shenzhen co"} {
		if got := search(q); !slices.Contains(got, "lei:CN1") {
			t.Errorf("SearchNames(%q) = %v, lacks lei:CN1", q, got)
		}
	}
	// Found once, though two of its names match.
	if got := search("shenzhen example"); len(got) != len(uniq(got)) {
		t.Errorf(`"shenzhen example": %v lists an entity twice`, got)
	}
	// The words must be found in one name: "seh" and "example" are in two.
	if got := search("seh example"); slices.Contains(got, "lei:CN1") {
		t.Errorf(`"seh example": %v, words of two names should not match`, got)
	}
	// An exact name or alias first.
	if got := search("shenzhen example holdings co ltd"); len(got) == 0 || got[0] != "lei:CN1" {
		t.Errorf(`"shenzhen example holdings co ltd": %v, want lei:CN1 first`, got)
	}
	if got := search("shenzhen example holdings"); len(got) == 0 || got[0] != "gb" {
		t.Errorf(`"shenzhen example holdings": %v, want the exact name gb first`, got)
	}
	merge(t, s, "gb", "lei:CN1")
	if got := search("shenzhen example holdings"); len(got) == 0 || got[0] != "lei:CN1" || len(got) != len(uniq(got)) {
		t.Errorf(`after merge, "shenzhen example holdings": %v, want lei:CN1 first, once`, got)
	}
}

func uniq(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// candidateGraph is a few companies sharing common words and one with a
// rare word, written in an order unlike their ids.
func candidateGraph(t *testing.T, s store.Store) {
	cn := model.Entity{ID: "lei:CN1", Name: "深圳示例控股有限公司", Kind: model.Company, Jurisdiction: "CN",
		Aliases: []string{"Shenzhen Example Holdings Co., Ltd."}}
	upsertEntities(t, s,
		company("x:huaxin", "Huaxin Holdings Limited", "CN"),
		company("n5", "Epsilon Holdings Limited", "GB"),
		company("n3", "Gamma Holdings Limited", "GB"),
		company("n1", "Alpha Holdings Limited", "GB"),
		company("n4", "Delta Holdings Limited", "GB"),
		company("n2", "Beta Holdings Limited", "GB"),
		company("trade", "Huaxin Trading Company of Greater Shenzhen International", "CN"),
		cn,
		model.Entity{ID: "noname", Kind: model.Unknown},
	)
}

func nameCandidates(t *testing.T, s store.Store, tokens []string, limit int) []string {
	t.Helper()
	got, err := s.NameCandidates(ctx(t), tokens, limit)
	if err != nil {
		t.Fatalf("NameCandidates(%q, %d): %v", tokens, limit, err)
	}
	for _, e := range got {
		if e.Kind == "" || (e.Name == "" && e.ID != "noname") {
			t.Errorf("NameCandidates(%q) returned an entity without its fields: %+v", tokens, e)
		}
	}
	return entityIDs(got)
}

func testNameCandidates(t *testing.T, s store.Store) {
	candidateGraph(t, s)
	q := names.QueryTokens("Huaxin Holdings Limited")
	got := nameCandidates(t, s, q, 10)
	if len(got) < 2 || got[0] != "x:huaxin" || got[1] != "trade" {
		t.Errorf("NameCandidates(%q) = %v, want x:huaxin (rare and common tokens), then trade (the rare token in a long name) first", q, got)
	}
	if len(got) != len(uniq(got)) {
		t.Errorf("NameCandidates(%q) = %v lists an entity twice", q, got)
	}
	if got := nameCandidates(t, s, q, 2); !slices.Equal(got, []string{"x:huaxin", "trade"}) {
		t.Errorf("NameCandidates(%q, 2) = %v, want [x:huaxin trade]", q, got)
	}
	// Equal scores (one common token, names of the same shape): by id.
	if got := nameCandidates(t, s, names.QueryTokens("holdings"), 3); !slices.Equal(got, []string{"n1", "n2", "n3"}) {
		t.Errorf(`NameCandidates("holdings", 3) = %v, want the ties by id [n1 n2 n3]`, got)
	}
	// An alias's tokens find the entity; unknown tokens find nothing.
	if got := nameCandidates(t, s, names.QueryTokens("Shenzhen Example"), 10); len(got) == 0 || got[0] != "lei:CN1" {
		t.Errorf(`NameCandidates("shenzhen example") = %v, want lei:CN1 (by its alias) first`, got)
	}
	for _, tokens := range [][]string{{"zzzunknown"}, nil, {}} {
		if got := nameCandidates(t, s, tokens, 10); len(got) != 0 {
			t.Errorf("NameCandidates(%q) = %v, want nothing", tokens, got)
		}
	}
	if got := nameCandidates(t, s, q, 0); len(got) != 0 {
		t.Errorf("NameCandidates(limit 0) = %v, want nothing", got)
	}
	// Unknown tokens beside known ones change nothing.
	with := nameCandidates(t, s, append(slices.Clone(q), "zzzunknown"), 10)
	equal(t, "with an unknown token", with, nameCandidates(t, s, q, 10))
	testBatchCandidates(t, s)
}

// testBatchCandidates: a store answering many customers at once
// (match.BatchCandidates) answers each as its single calls do, queries
// without a usable token and unknown identifiers included.
func testBatchCandidates(t *testing.T, s store.Store) {
	b, ok := s.(match.BatchCandidates)
	if !ok {
		t.Log("the store has no batch candidates; the matcher asks per customer")
		return
	}
	queries := [][]string{names.QueryTokens("Huaxin Holdings Limited"), nil, names.QueryTokens("holdings"),
		{"zzzunknown"}, names.QueryTokens("Shenzhen Example"), {" "}, names.QueryTokens("Huaxin Holdings Limited")}
	for _, limit := range []int{3, 10, 0} {
		got, err := b.NameCandidatesEach(ctx(t), queries, limit)
		if err != nil || len(got) != len(queries) {
			t.Fatalf("NameCandidatesEach(limit %d): %d answers, %v; want %d", limit, len(got), err, len(queries))
		}
		for i, q := range queries {
			single, err := s.NameCandidates(ctx(t), q, limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(canonEntities(got[i]), canonEntities(single)) {
				t.Errorf("NameCandidatesEach(limit %d)[%d] %q = %v, want NameCandidates' %v", limit, i, q,
					entityIDs(got[i]), entityIDs(single))
			}
		}
	}
	upsertEntities(t, s, model.Entity{ID: "id1", Name: "Carrier One", Kind: model.Company,
		Identifiers: []string{"GB-COH:00000001", "XI-LEI:5493001KJTIIGC8Y1R12"}},
		model.Entity{ID: "id2", Name: "Carrier Two", Kind: model.Company, Identifiers: []string{"GB-COH:00000001"}})
	ids := []string{"GB-COH:00000001", "XI-LEI:5493001KJTIIGC8Y1R12", "GB-COH:99999999"}
	got, err := b.EntitiesByIdentifiers(ctx(t), ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		single, err := s.EntitiesByIdentifier(ctx(t), id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(canonEntities(got[id]), canonEntities(single)) {
			t.Errorf("EntitiesByIdentifiers[%s] = %v, want EntitiesByIdentifier's %v", id, entityIDs(got[id]), entityIDs(single))
		}
	}
}

func canonEntities(es []model.Entity) []model.Entity {
	out := make([]model.Entity, len(es))
	for i, e := range es {
		out[i] = canonEntity(e)
	}
	return out
}

// The token index follows renames, new aliases and merges.
func testNameCandidatesFollowWrites(t *testing.T, s store.Store) {
	candidateGraph(t, s)
	tokens := func(name string) []string { return names.QueryTokens(name) }
	upsertEntities(t, s, model.Entity{ID: "n1", Name: "Zephyrine Holdings Limited"})
	if got := nameCandidates(t, s, tokens("zephyrine"), 10); !slices.Equal(got, []string{"n1"}) {
		t.Errorf("after rename: %v, want [n1]", got)
	}
	// The replaced name is kept as a former name, so its token still finds it.
	if got := nameCandidates(t, s, tokens("alpha"), 10); !slices.Contains(got, "n1") {
		t.Errorf("after rename, the old name's token finds %v, want n1 among them", got)
	}
	upsertEntities(t, s, model.Entity{ID: "n2", Aliases: []string{"Quillfeather Partners"}})
	if got := nameCandidates(t, s, tokens("quillfeather"), 10); !slices.Equal(got, []string{"n2"}) {
		t.Errorf("after a new alias: %v, want [n2]", got)
	}
	merge(t, s, "n3", "n2")
	if got := nameCandidates(t, s, tokens("gamma"), 10); !slices.Equal(got, []string{"n2"}) {
		t.Errorf("after merge, the merged name's token finds %v, want [n2]", got)
	}
	if got := nameCandidates(t, s, tokens("holdings"), 20); slices.Contains(got, "n3") || len(got) != len(uniq(got)) {
		t.Errorf("after merge, holdings finds %v: the merged entity or a duplicate", got)
	}
	if err := s.Reset(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := nameCandidates(t, s, tokens("holdings"), 10); len(got) != 0 {
		t.Errorf("after Reset: %v", got)
	}
}

// testNameCandidatesCommonTokensRank: a rare token in more entities than
// the limit leaves the cut to the common tokens too. 30 entities carry
// "xyzzy" and the limit is 25: "Xyzzy Holdings Group International" has
// the longest name, so by "xyzzy" alone it would rank last and be cut;
// "holdings", in more than 300 entities (a common token for both stores'
// bounds), must lift it to the top.
func testNameCandidatesCommonTokensRank(t *testing.T, s store.Store) {
	var es []model.Entity
	for i := range 310 {
		es = append(es, model.Entity{ID: fmt.Sprintf("h%03d", i), Name: fmt.Sprintf("Holdings Number %d", i), Kind: model.Company})
	}
	for i := range 29 {
		es = append(es, model.Entity{ID: fmt.Sprintf("x%02d", i), Name: fmt.Sprintf("Xyzzy K%d", i), Kind: model.Company})
	}
	// Others, so that "holdings" is common but not in nearly every entity
	// (where its BM25 weight would be nil).
	for i := range 2000 {
		es = append(es, model.Entity{ID: fmt.Sprintf("o%04d", i), Name: fmt.Sprintf("Other %d", i), Kind: model.Company})
	}
	es = append(es, model.Entity{ID: "target", Name: "Xyzzy Holdings Group International", Kind: model.Company})
	upsertEntities(t, s, es...)
	if got := nameCandidates(t, s, names.QueryTokens("Xyzzy Holdings"), 25); len(got) != 25 || got[0] != "target" {
		t.Errorf("NameCandidates(xyzzy holdings, 25) = %v, want 25 with target first", got)
	}
}
