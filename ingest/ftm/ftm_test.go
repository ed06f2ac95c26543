package ftm

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/ingesttest"
	"github.com/ubo-project/ubo/model"
)

const fixtures = "../../testdata/ftm/"

func parse(t *testing.T, files ...string) (*ingesttest.Sink, []ingest.Reject) {
	t.Helper()
	sink := ingesttest.NewSink()
	p := NewParser(sink)
	p.Today = "2024-07-01"
	var warnings []ingest.Reject
	p.Warn = func(r ingest.Reject) { warnings = append(warnings, r) }
	for _, f := range files {
		if err := p.ParseFile(context.Background(), fixtures+f); err != nil {
			t.Fatalf("ParseFile(%s): %v", f, err)
		}
	}
	if len(sink.Dangling) > 0 {
		t.Errorf("relationships before their endpoints: %v", sink.Dangling)
	}
	return sink, warnings
}

func TestParsePercentage(t *testing.T) {
	tests := []struct {
		in   string
		want model.Share
		ok   bool
	}{
		{"51", model.Exact(51), true},
		{"50%", model.Exact(50), true},
		{"50.01", model.Exact(50.01), true},
		{"50,5 %", model.Exact(50.5), true},
		{"100 percent", model.Exact(100), true},
		{"25-50", model.Range(25, 50, false, false), true},
		{"25 - 50%", model.Range(25, 50, false, false), true},
		{"25% - 50%", model.Range(25, 50, false, false), true},
		{"between 25 and 50", model.Range(25, 50, false, false), true},
		{"25 to 50", model.Range(25, 50, false, false), true},
		{">50", model.Range(50, 100, true, false), true},
		{"> 50%", model.Range(50, 100, true, false), true},
		{"more than 50", model.Range(50, 100, true, false), true},
		{">=25", model.Range(25, 100, false, false), true},
		{"≥ 25", model.Range(25, 100, false, false), true},
		{"at least 75%", model.Range(75, 100, false, false), true},
		{"<25", model.Range(0, 25, false, true), true},
		{"less than 25", model.Range(0, 25, false, true), true},
		{"up to 10", model.Range(0, 10, false, false), true},
		{"majority", model.Range(50, 100, true, false), true},
		{"approx. 30%", model.Exact(30), true},
		{"", model.Share{}, false},
		{"unknown", model.Share{}, false},
		{"n/a", model.Share{}, false},
		{"150", model.Share{}, false},
		{"<0", model.Share{}, false},
		{"1,000 shares", model.Share{}, false},
	}
	for _, tt := range tests {
		got, ok := ParsePercentage(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParsePercentage(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestOwnershipChainToHKParent(t *testing.T) {
	s, warnings := parse(t, "entities.ftm.json")
	if len(s.Rejects) != 0 {
		t.Fatalf("rejects: %v", s.Rejects)
	}
	hk := s.Entities["ftm:NK-hkparent"]
	if hk.Kind != model.Company || hk.Jurisdiction != "HK" || hk.Name != "Example Dragon Holdings Limited" {
		t.Errorf("HK parent: %+v", hk)
	}
	for _, id := range []string{"FTM:NK-hkparent", "FTM:ofac-9001", "FTM:hk-cr-1234567", "XI-LEI:529900UBOFTMHKPARN36", "REG:HK:1234567"} {
		if !slices.Contains(hk.Identifiers, id) {
			t.Errorf("HK parent lacks identifier %s: %v", id, hk.Identifiers)
		}
	}
	if want := []string{"sanction", "ubo_fixture", "us_ofac_sdn"}; !reflect.DeepEqual(hk.Lists, want) {
		t.Errorf("HK parent lists %v, want %v", hk.Lists, want)
	}
	// The ownership names a referent: the edge uses the canonical entity.
	if own := s.Edges("ftm:NK-hkparent", "ftm:NK-bvi")[model.Ownership]; own.Share != model.Exact(100) || own.Direct != "direct" {
		t.Errorf("HK → BVI via referent: %+v", own)
	}
	if _, ok := s.Entities["ftm:ofac-9001"]; ok {
		t.Error("a stub was written for a referent already known")
	}
	if own := s.Edges("ftm:NK-bvi", "ftm:NK-uscust")[model.Ownership]; own.Share != model.Range(25, 50, false, false) || own.StartDate != "2019-03-01" {
		t.Errorf("BVI → US: %+v", own)
	}
	if bvi := s.Entities["ftm:NK-bvi"]; bvi.Jurisdiction != "VG" || !slices.Contains(bvi.Identifiers, "ICIJ:10000001") {
		t.Errorf("BVI: %+v", bvi)
	}
	if us := s.Entities["ftm:NK-uscust"]; us.HQCountry != "US" || !slices.Contains(us.Identifiers, "REG:US:DE7654321") {
		t.Errorf("US customer: %+v", us)
	}
	chen := s.Entities["ftm:NK-chen"]
	if chen.Kind != model.Person || !reflect.DeepEqual(chen.Nationality, []string{"CN"}) || chen.Residence != "HK" {
		t.Errorf("person: %+v", chen)
	}
	if own := s.Edges("ftm:NK-chen", "ftm:NK-hkparent")[model.Ownership]; own.Share != model.Range(0, 25, false, true) {
		t.Errorf("less than 25: %+v", own)
	}
	// Forward reference: a stub first, completed by the later record.
	if fwd := s.Entities["ftm:NK-fwdco"]; fwd.Kind != model.Company || fwd.Jurisdiction != "SG" {
		t.Errorf("forward-referenced company: %+v", fwd)
	}
	if own := s.Edges("ftm:NK-fwdco", "ftm:NK-uscust")[model.Ownership]; own.Share.Known {
		t.Errorf("unparsable percentage should leave the share unknown: %+v", own)
	}
	if len(warnings) != 1 || warnings[0].Field != "properties.percentage" || warnings[0].Line != 8 {
		t.Errorf("warnings: %+v", warnings)
	}
	if d := s.Edges("ftm:NK-smith", "ftm:NK-uscust")[model.Officer]; d.StartDate != "2020-01-15" {
		t.Errorf("directorship: %+v", d)
	}
	if _, ok := s.Edges("ftm:NK-smith", "ftm:NK-bvi")[model.Nominee]; !ok {
		t.Error("nominee director not a nominee edge")
	}
	if k := s.Entities["ftm:NK-sasac"].Kind; k != model.StateBody {
		t.Errorf("PublicBody kind %q", k)
	}
	soe := s.Entities["ftm:NK-soe"]
	if !soe.StateOwned || !slices.Contains(soe.Identifiers, "CN-USCC:91310000MA1FGH2037") || soe.Jurisdiction != "CN" {
		t.Errorf("SOE: %+v", soe)
	}
	if own := s.Edges("ftm:NK-soe", "ftm:NK-hkparent")[model.Ownership]; own.Share != model.Range(50, 100, true, false) {
		t.Errorf("SOE → HK (via referent): %+v", own)
	}
	if gb := s.Entities["ftm:NK-gbco"]; !slices.Contains(gb.Identifiers, "GB-COH:SC098765") {
		t.Errorf("GB registration number: %v", gb.Identifiers)
	}
	for id := range s.Entities {
		if strings.Contains(id, "addr-") || strings.Contains(id, "vessel") {
			t.Errorf("a schema outside the graph was written: %s", id)
		}
	}
	if len(s.Rels) != 8 { // the vessel's ownership is left out
		t.Errorf("%d relationships, want 8: %v", len(s.Rels), s.Order)
	}
}

func TestDelta(t *testing.T) {
	s, _ := parse(t, "entities.ftm.json", "entities.delta.json")
	if len(s.Rejects) != 0 {
		t.Fatalf("rejects: %v", s.Rejects)
	}
	us := s.Entities["ftm:NK-uscust"]
	if us.Name != "Example Cloud Customer Incorporated" || !slices.Contains(us.Lists, "sanction.linked") {
		t.Errorf("MOD: %+v", us)
	}
	if own := s.Edges("ftm:NK-bvi", "ftm:NK-uscust")[model.Ownership]; own.EndDate != "2024-06-01" || own.Share != model.Range(25, 50, false, false) {
		t.Errorf("DEL ownership should end at last_seen: %+v", own)
	}
	if smith := s.Entities["ftm:NK-smith"]; !slices.Contains(smith.Lists, DeletedTag) || smith.Name != "John Example Smith" {
		t.Errorf("DEL person: %+v", smith)
	}
	if own := s.Edges("ftm:NK-hkparent", "ftm:NK-uscust")[model.Ownership]; own.Share != model.Exact(51) {
		t.Errorf("ADD via referent: %+v", own)
	}
}

func TestRejects(t *testing.T) {
	s, _ := parse(t, "bad.ftm.json")
	type rj struct {
		line  int
		field string
	}
	var got []rj
	for _, r := range s.Rejects {
		got = append(got, rj{r.Line, r.Field})
		if r.Reason == "" || r.File != fixtures+"bad.ftm.json" {
			t.Errorf("reject %+v", r)
		}
	}
	want := []rj{{1, "schema"}, {2, "properties.asset"}, {3, ""}, {4, "op"}, {5, "id"}, {6, "properties"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rejects\n got %v\nwant %v\n%v", got, want, s.Rejects)
	}
	if s.Entities["ftm:ok7"].Name != "Fine Ltd" {
		t.Error("parsing stopped at a bad line")
	}
}

func TestDeletedEdgeWithoutEndsIsRejected(t *testing.T) {
	sink := ingesttest.NewSink()
	p := NewParser(sink)
	in := `{"op":"DEL","entity":{"id":"own-x","schema":"Ownership","properties":{}}}` + "\n"
	if err := p.ParseReader(context.Background(), "d.json", strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if len(sink.Rejects) != 1 || sink.Rejects[0].Field != "properties" {
		t.Errorf("rejects: %+v", sink.Rejects)
	}
}

// The other names, alias, previousName and weakAlias are aliases (the name
// itself is not repeated); country and mainCountry are address countries,
// normalised, an unknown country left out.
func TestAliasesAndAddressCountries(t *testing.T) {
	s, _ := parse(t, "names.ftm.json", "names.ftm.json") // twice: idempotent
	tests := []struct {
		id                 string
		aliases, countries []string
	}{
		{"ftm:NK-names-co", []string{"HANGZHOU HUAXIN YUN KEJI YOUXIAN GONGSI", "HXC", "Hangzhou Huaxin Network Co., Ltd.",
			"Huaxin Cloud", "杭州华信云科技有限公司"}, []string{"CN", "HK"}},
		{"ftm:NK-names-person", []string{"Wei Li", "李伟"}, []string{"SG"}},
		{"ftm:NK-names-bad-country", nil, []string{"GB"}},
	}
	for _, tt := range tests {
		e := s.Entities[tt.id]
		if !reflect.DeepEqual(e.Aliases, tt.aliases) || !reflect.DeepEqual(e.AddressCountries, tt.countries) {
			t.Errorf("%s: aliases %q, address countries %q; want %q, %q", tt.id, e.Aliases, e.AddressCountries, tt.aliases, tt.countries)
		}
	}
	if len(s.Rejects) != 0 {
		t.Errorf("rejects: %v", s.Rejects)
	}
}

// Records of schemata with no ownership meaning (Payment, Address) and an
// edge to one of them are counted as skipped, by what they are, so every
// line read is written, rejected or skipped.
func TestSkippedRecordsAreCounted(t *testing.T) {
	s, _ := parse(t, "skipped.ftm.json")
	want := map[string]int{"Address": 2, "Payment": 1, "Ownership of a record left out of the graph": 1}
	if !reflect.DeepEqual(s.Skipped, want) {
		t.Errorf("skipped %v, want %v", s.Skipped, want)
	}
	if len(s.Rejects) != 1 || s.Rejects[0].Field != "schema" {
		t.Errorf("rejects %v, want the line without a schema", s.Rejects)
	}
	if len(s.Entities) != 2 || len(s.Rels) != 1 {
		t.Errorf("%d entities, %d relationships; want 2 companies and their ownership", len(s.Entities), len(s.Rels))
	}
}

// A DEL needs only the id: a party written earlier in the run, or one the
// sink (the store) has, is deleted; the relationships of an edge record,
// written before or in the run, are ended as of the deletion; an id
// nobody has, and a record left out, are counted, not rejected.
func TestDeleteByIDAlone(t *testing.T) {
	sink := ingesttest.NewSink()
	p := NewParser(sink)
	p.Today = "2024-07-01"
	ctx := context.Background()
	before := strings.Join([]string{
		`{"id":"NK-stored","schema":"Company","properties":{"name":["Stored Ltd"],"topics":["sanction"]},"datasets":["d"],"target":true}`,
		`{"id":"NK-owner","schema":"Company","properties":{"name":["Owner Ltd"]}}`,
		`{"id":"own-before","schema":"Ownership","properties":{"owner":["NK-owner"],"asset":["NK-stored"],"percentage":["60"]}}`,
	}, "\n") + "\n"
	if err := p.ParseReader(ctx, "before.json", strings.NewReader(before)); err != nil {
		t.Fatal(err)
	}
	p = NewParser(sink) // a later run: the parser has seen none of them
	p.Today = "2024-07-01"
	in := strings.Join([]string{
		`{"id":"NK-run","schema":"Person","properties":{"name":["Run Person"]}}`,
		`{"id":"NK-addr","schema":"Address","properties":{"full":["1 Road"]}}`,
		`{"id":"own-run","schema":"Ownership","properties":{"owner":["NK-run"],"asset":["NK-owner"]}}`,
		`{"op":"DEL","entity":{"id":"NK-stored"}}`,
		`{"op":"DEL","entity":{"id":"NK-run","last_seen":"2024-06-02T00:00:00"}}`,
		`{"op":"DEL","entity":{"id":"NK-never"}}`,
		`{"op":"DEL","entity":{"id":"NK-never-co","schema":"Company"}}`,
		`{"op":"DEL","entity":{"id":"NK-addr"}}`,
		`{"op":"DEL","entity":{"id":"own-before","last_seen":"2024-06-03T00:00:00"}}`,
		`{"op":"DEL","entity":{"id":"own-run"}}`,
	}, "\n") + "\n"
	if err := p.ParseReader(ctx, "delta.json", strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if len(sink.Rejects) != 0 {
		t.Errorf("rejects: %v", sink.Rejects)
	}
	for _, id := range []string{"ftm:NK-stored", "ftm:NK-run"} {
		if !slices.Contains(sink.Entities[id].Lists, DeletedTag) {
			t.Errorf("%s not tagged deleted: %+v", id, sink.Entities[id])
		}
	}
	for _, id := range []string{"ftm:NK-never", "ftm:NK-never-co"} {
		if _, ok := sink.Entities[id]; ok {
			t.Errorf("a deletion of the unknown %s wrote it", id)
		}
	}
	var deleted []string
	for _, c := range sink.Deltas {
		if c.Deleted {
			deleted = append(deleted, c.ID+"@"+c.Date)
		}
	}
	// NK-run at once; NK-stored once the store was asked, at the end.
	if want := []string{"ftm:NK-run@2024-06-02", "ftm:NK-stored@2024-07-01"}; !reflect.DeepEqual(deleted, want) {
		t.Errorf("deletions reported %v, want %v", deleted, want)
	}
	ends := map[string]string{}
	for _, r := range sink.Rels {
		ends[r.SourceRef] = r.EndDate
	}
	if want := map[string]string{"own-before": "2024-06-03", "own-run": "2024-07-01"}; !reflect.DeepEqual(ends, want) {
		t.Errorf("relationships end %v, want %v", ends, want)
	}
	if own := sink.Edges("ftm:NK-owner", "ftm:NK-stored")[model.Ownership]; own.Share != model.Exact(60) {
		t.Errorf("the ended ownership lost its share: %+v", own)
	}
	want := map[string]int{"Address": 1, "DEL of an id not in the store": 2, "DEL of a record left out of the graph": 1}
	if !reflect.DeepEqual(sink.Skipped, want) {
		t.Errorf("skipped %v, want %v", sink.Skipped, want)
	}
}
