package bods

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
	"github.com/ubo-project/ubo/model"
)

const fixtures = "../../testdata/bods/"

func parseFiles(t *testing.T, files ...string) *ingesttest.Sink {
	t.Helper()
	sink := ingesttest.NewSink()
	var paths []string
	for _, f := range files {
		paths = append(paths, fixtures+f)
	}
	if err := Parse(context.Background(), paths, sink); err != nil {
		t.Fatalf("Parse(%v): %v", files, err)
	}
	if len(sink.Dangling) > 0 {
		t.Errorf("relationships written before their endpoints: %v", sink.Dangling)
	}
	return sink
}

func TestInterestKindsCoverEveryCodelistEntry(t *testing.T) {
	// interestType.csv of 0.2, and of 0.3/0.4 (0.4 adds nominee, nominator).
	tests := map[string]model.RelKind{
		"":                                        model.UnknownInterest,
		"shareholding":                            model.Ownership,
		"votingRights":                            model.Voting,
		"appointmentOfBoard":                      model.Board,
		"otherInfluenceOrControl":                 model.Influence,
		"seniorManagingOfficial":                  model.Officer,
		"settlor":                                 model.TrustRole,
		"trustee":                                 model.TrustRole,
		"protector":                               model.TrustRole,
		"beneficiaryOfLegalArrangement":           model.TrustRole,
		"rightsToSurplusAssetsOnDissolution":      model.Ownership,
		"rightsToProfitOrIncome":                  model.Ownership,
		"rightsGrantedByContract":                 model.Control,
		"conditionalRightsGrantedByContract":      model.Influence,
		"controlViaCompanyRulesOrArticles":        model.Control,
		"controlByLegalFramework":                 model.Control,
		"boardMember":                             model.Officer,
		"boardChair":                              model.Officer,
		"unknownInterest":                         model.UnknownInterest,
		"unpublishedInterest":                     model.UnknownInterest,
		"enjoymentAndUseOfAssets":                 model.Ownership,
		"rightToProfitOrIncomeFromAssets":         model.Ownership,
		"nominee":                                 model.Nominee,
		"nominator":                               model.Nominee,
		"voting-rights":                           model.Voting,
		"appointment-of-board":                    model.Board,
		"other-influence-or-control":              model.Influence,
		"senior-managing-official":                model.Officer,
		"settlor-of-trust":                        model.TrustRole,
		"trustee-of-trust":                        model.TrustRole,
		"protector-of-trust":                      model.TrustRole,
		"beneficiary-of-trust":                    model.TrustRole,
		"other-influence-or-control-of-trust":     model.Influence,
		"rights-to-surplus-assets-on-dissolution": model.Ownership,
		"rights-to-profit-or-income":              model.Ownership,
		"rights-granted-by-contract":              model.Control,
		"conditional-rights-granted-by-contract":  model.Influence,
	}
	for code, want := range tests {
		got, ok := InterestKind(code)
		if !ok || got != want {
			t.Errorf("InterestKind(%q) = %q, %v; want %q", code, got, ok, want)
		}
	}
	if len(interestKinds)+1 != len(tests) {
		t.Errorf("the table maps %d codes, the test checks %d", len(interestKinds), len(tests)-1)
	}
	if _, ok := InterestKind("ownsABit"); ok {
		t.Error("an unknown interest type was accepted")
	}
}

func TestEntityAndPersonKinds(t *testing.T) {
	entities := map[string]model.EntityKind{
		"registeredEntity": model.Company, "legalEntity": model.Company, "arrangement": model.Arrangement,
		"anonymousEntity": model.Unknown, "unknownEntity": model.Unknown,
		"state": model.StateBody, "stateBody": model.StateBody,
	}
	for code, want := range entities {
		if got, ok := EntityKind(code); !ok || got != want {
			t.Errorf("EntityKind(%q) = %q, %v; want %q", code, got, ok, want)
		}
	}
	if _, ok := EntityKind("company"); ok {
		t.Error(`EntityKind("company") accepted`)
	}
	persons := map[string]model.EntityKind{"knownPerson": model.Person, "": model.Person,
		"anonymousPerson": model.Unknown, "unknownPerson": model.Unknown}
	for code, want := range persons {
		if got, ok := PersonKind(code); !ok || got != want {
			t.Errorf("PersonKind(%q) = %q, %v; want %q", code, got, ok, want)
		}
	}
}

func f(v float64) *float64 { return &v }

func TestShares(t *testing.T) {
	tests := []struct {
		name    string
		in      *shareJSON
		legacy  bool
		want    model.Share
		wantErr bool
	}{
		{"absent", nil, false, model.Share{}, false},
		{"empty object", &shareJSON{}, true, model.Share{}, false},
		{"exact", &shareJSON{Exact: f(60)}, false, model.Exact(60), false},
		{"exact with equal range", &shareJSON{Exact: f(50), Minimum: f(50), Maximum: f(50)}, true, model.Exact(50), false},
		{"0.3 default max exclusive", &shareJSON{Minimum: f(25), Maximum: f(50)}, true, model.Range(25, 50, false, true), false},
		{"0.2 flags", &shareJSON{Minimum: f(25), Maximum: f(50), ExclusiveMinimum: []byte("true"), ExclusiveMaximum: []byte("false")}, true, model.Range(25, 50, true, false), false},
		{"0.3 equal bounds are exact", &shareJSON{Minimum: f(50), Maximum: f(50)}, true, model.Exact(50), false},
		{"0.3 minimum only", &shareJSON{Minimum: f(75)}, true, model.Range(75, 100, false, false), false},
		{"0.4 inclusive range", &shareJSON{Minimum: f(25), Maximum: f(50)}, false, model.Range(25, 50, false, false), false},
		{"0.4 exclusive numbers", &shareJSON{ExclusiveMinimum: []byte("25"), ExclusiveMaximum: []byte("50")}, false, model.Range(25, 50, true, true), false},
		{"0.4 min and exclusive max", &shareJSON{Minimum: f(75), ExclusiveMaximum: []byte("100")}, false, model.Range(75, 100, false, true), false},
		{"0.4 exclusive min and max", &shareJSON{ExclusiveMinimum: []byte("50"), Maximum: f(100)}, false, model.Range(50, 100, true, false), false},
		{"inverted", &shareJSON{Minimum: f(60), Maximum: f(40)}, false, model.Share{}, true},
		{"over 100", &shareJSON{Exact: f(150)}, false, model.Share{}, true},
		{"bad exclusivity", &shareJSON{Minimum: f(1), ExclusiveMaximum: []byte(`"yes"`)}, false, model.Share{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.toShare(tt.legacy)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNormDate(t *testing.T) {
	tests := map[string]string{"": "", "2024-01-10": "2024-01-10", "2012-11-29T00:00:00.000Z": "2012-11-29",
		"2019": "2019-01-01", "2019-05": "2019-05-01"}
	for in, want := range tests {
		if got, err := normDate(in); err != nil || got != want {
			t.Errorf("normDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "2019-13-01", "10/01/2024"} {
		if _, err := normDate(bad); err == nil {
			t.Errorf("normDate(%q) accepted", bad)
		}
	}
}

func TestV04Chain(t *testing.T) {
	s := parseFiles(t, "v04-chain.json")
	if len(s.Rejects) != 0 {
		t.Fatalf("rejects: %v", s.Rejects)
	}
	uk := s.Entities["bods:target-uk"]
	if uk.Kind != model.Company || uk.Jurisdiction != "GB" || uk.Name != "Example UK Subsidiary Limited" {
		t.Errorf("target: %+v", uk)
	}
	if want := []string{"GB-COH:01234567", "XI-LEI:213800UKSUBSID000120"}; !reflect.DeepEqual(uk.Identifiers, want) {
		t.Errorf("target identifiers %v, want %v", uk.Identifiers, want)
	}
	cn := s.Entities["bods:cn-parent"]
	if cn.Jurisdiction != "CN" || cn.HQCountry != "CN" ||
		!reflect.DeepEqual(cn.Identifiers, []string{"CN-USCC:91440300MA5ABCDE1H", "XI-LEI:529900CNPARENT000194"}) {
		t.Errorf("CN parent: %+v", cn)
	}
	hk := s.Entities["bods:hk-holdco"]
	if hk.Name != "Example Holdings (Hong Kong) Limited" || hk.Jurisdiction != "HK" {
		t.Errorf("HK holdco after update: %+v", hk)
	}
	if !slices.Contains(hk.Identifiers, "REG:HK:1234567") {
		t.Errorf("HK schemeName identifier not kept as REG: %v", hk.Identifiers)
	}
	if k := s.Entities["bods:sasac-sz"].Kind; k != model.StateBody {
		t.Errorf("state agency kind %q", k)
	}
	li := s.Entities["bods:person-li"]
	if li.Kind != model.Person || li.Name != "Li Example" || !reflect.DeepEqual(li.Nationality, []string{"CN"}) || li.Residence != "HK" {
		t.Errorf("person: %+v", li)
	}

	// Updated: 75% (not the stale 10%, not the first 60%), voting dropped → ended.
	hkUK := s.Edges("bods:hk-holdco", "bods:target-uk")
	if own := hkUK[model.Ownership]; own.Share != model.Exact(75) || own.EndDate != "" || own.StartDate != "2020-05-01" || own.Direct != "direct" {
		t.Errorf("HK→UK ownership after update: %+v", own)
	}
	if v := hkUK[model.Voting]; v.EndDate != "2024-02-15" || v.Share != model.Range(50, 75, false, true) {
		t.Errorf("dropped voting interest not ended at the update: %+v", v)
	}
	if own := s.Edges("bods:cn-parent", "bods:hk-holdco")[model.Ownership]; own.Share != model.Range(50, 100, true, false) {
		t.Errorf("CN→HK share %v", own.Share)
	}
	sasac := s.Edges("bods:sasac-sz", "bods:cn-parent")
	if sasac[model.Ownership].Share != model.Exact(100) || sasac[model.Board].Kind != model.Board {
		t.Errorf("SASAC edges: %+v", sasac)
	}
	// Closed: both of Li's roles end at the closing date.
	li2uk := s.Edges("bods:person-li", "bods:target-uk")
	if len(li2uk) != 1 || li2uk[model.Officer].EndDate != "2024-02-20" {
		t.Errorf("closed board roles: %+v", li2uk)
	}
	var officers int
	for _, r := range s.Rels {
		if r.HolderID == "bods:person-li" && r.Kind == model.Officer {
			officers++
			if r.EndDate != "2024-02-20" {
				t.Errorf("officer edge %s not ended: %q", r.ID, r.EndDate)
			}
		}
	}
	if officers != 2 {
		t.Errorf("%d officer edges for Li, want 2 (board member, senior managing official)", officers)
	}
	// Unspecified interested party: unknown holder with the given interest.
	unk := s.Entities["unknown:bods:rel-unspec-uk"]
	if unk.Kind != model.Unknown {
		t.Errorf("unknown holder: %+v", unk)
	}
	if own := s.Edges("unknown:bods:rel-unspec-uk", "bods:target-uk")[model.Ownership]; own.Share != model.Range(25, 40, true, false) || own.Direct != "" {
		t.Errorf("unknown holder's share: %+v", own)
	}
	// Exempt from disclosure: nothing created.
	for id := range s.Entities {
		if strings.Contains(id, "rel-exempt") {
			t.Errorf("an exemption created %s", id)
		}
	}
	if len(s.Rels) != 8 {
		t.Errorf("%d relationships, want 8: %v", len(s.Rels), s.Order)
	}
}

func TestV04ArrayAndLinesAgree(t *testing.T) {
	a := parseFiles(t, "v04-chain.json")
	l := parseFiles(t, "v04-chain.jsonl")
	if !reflect.DeepEqual(a.Entities, l.Entities) || !reflect.DeepEqual(a.Rels, l.Rels) {
		t.Error("the JSON array and the JSON lines file of the same statements disagree")
	}
}

func TestV03JointOwnershipAndReplacement(t *testing.T) {
	s := parseFiles(t, "v03.json")
	if len(s.Rejects) != 0 {
		t.Fatalf("rejects: %v", s.Rejects)
	}
	const jv, arr = "bods:e03-0001-aaaa-bbbb-cccc-000000000000", "bods:e03-0003-aaaa-bbbb-cccc-000000000000"
	const li, smith = "bods:p03-0001-aaaa-bbbb-cccc-000000000000", "bods:p03-0002-aaaa-bbbb-cccc-000000000000"
	if _, ok := s.Entities["bods:e03-0002-aaaa-bbbb-cccc-000000000000"]; ok {
		t.Error("a replacing entity statement created a second entity")
	}
	e := s.Entities[jv]
	if e.Name != "Joint Venture Example (Scotland) Ltd" || !reflect.DeepEqual(e.Identifiers, []string{"GB-COH:SC000123"}) {
		t.Errorf("JV: %+v", e)
	}
	if k := s.Entities[arr].Kind; k != model.Arrangement {
		t.Errorf("arrangement kind %q", k)
	}
	if own := s.Edges(arr, jv)[model.Ownership]; own.Share != model.Exact(100) {
		t.Errorf("arrangement → JV: %+v", own)
	}
	if own := s.Edges(li, arr)[model.Ownership]; own.Share != model.Exact(50) {
		t.Errorf("Li → arrangement: %+v", own)
	}
	sm := s.Edges(smith, arr)
	if sm[model.Ownership].EndDate != "2023-07-01" || sm[model.Ownership].Share != model.Range(25, 50, false, true) {
		t.Errorf("Smith's replaced shareholding should end at the replacement: %+v", sm[model.Ownership])
	}
	if sm[model.TrustRole].EndDate != "" {
		t.Errorf("Smith's trustee role re-asserted but ended: %+v", sm[model.TrustRole])
	}
	if got := s.Entities[li]; got.Residence != "CN" || !reflect.DeepEqual(got.Nationality, []string{"CN"}) {
		t.Errorf("Li: %+v", got)
	}
	unknownPerson := s.Entities["bods:p03-0003-aaaa-bbbb-cccc-000000000000"]
	if unknownPerson.Kind != model.Unknown {
		t.Errorf("unknownPerson kind %q", unknownPerson.Kind)
	}
	if inf := s.Edges(unknownPerson.ID, jv)[model.Influence]; inf.Direct != "indirect" {
		t.Errorf("indirect influence: %+v", inf)
	}
	const state, body = "bods:e03-0004-aaaa-bbbb-cccc-000000000000", "bods:e03-0005-aaaa-bbbb-cccc-000000000000"
	if s.Entities[state].Kind != model.StateBody || s.Entities[body].Kind != model.StateBody {
		t.Error("state / state body not state_body")
	}
	if c := s.Edges(state, body)[model.Control]; c.Kind != model.Control {
		t.Error("controlByLegalFramework not control")
	}
	// The statement referring to the replacing id resolves to the same JV.
	if c := s.Edges(body, jv)[model.Control]; c.Kind != model.Control {
		t.Errorf("contract control on the renamed JV missing: %v", s.Order)
	}
	unk := "unknown:bods:o03-0004-aaaa-bbbb-cccc-000000000000"
	if s.Entities[unk].Kind != model.Unknown {
		t.Error("unspecified (reason unknown) holder missing")
	}
	if own := s.Edges(unk, jv)[model.Ownership]; own.Share.Known {
		t.Errorf("unknown holder without interests should hold ownership of unknown share: %+v", own)
	}
}

func TestV02(t *testing.T) {
	s := parseFiles(t, "v02.jsonl")
	if len(s.Rejects) != 0 {
		t.Fatalf("rejects: %v", s.Rejects)
	}
	const fund, parent = "bods:e02-0001-1111-2222-3333-444444444444", "bods:e02-0002-1111-2222-3333-444444444444"
	e := s.Entities[fund]
	want := []string{"REG:US:S000012345", "XI-LEI:529900UBOBODSTARGT55"}
	if e.Name != "Example Boston Fund II" || e.Jurisdiction != "US" || e.HQCountry != "HK" || !reflect.DeepEqual(e.Identifiers, want) {
		t.Errorf("fund: %+v (identifiers want %v)", e, want)
	}
	if len(s.Entities) != 3 {
		t.Errorf("%d entities, want 3 (no-beneficial-owners creates nothing): %v", len(s.Entities), s.Entities)
	}
	if p := s.Entities["bods:p02-0001-1111-2222-3333-444444444444"]; p.Name != "Wang Example" || !reflect.DeepEqual(p.Nationality, []string{"CN"}) {
		t.Errorf("person: %+v", p)
	}
	ed := s.Edges(parent, fund)
	if own := ed[model.Ownership]; own.Share != model.Exact(40) || own.StartDate != "" || own.Direct != "direct" {
		t.Errorf("replaced 0.2 ownership: %+v", own)
	}
	if inf := ed[model.Influence]; inf.EndDate != "2023-11-01" || inf.StartDate != "" {
		t.Errorf("influence: %+v", inf)
	}
	pe := s.Edges("bods:p02-0001-1111-2222-3333-444444444444", parent)
	if pe[model.Voting].Share != model.Range(75, 100, false, true) || pe[model.TrustRole].Kind != model.TrustRole {
		t.Errorf("0.2 person interests: %+v", pe)
	}
}

func TestRejectsNameLineAndField(t *testing.T) {
	s := parseFiles(t, "bad.jsonl")
	type rj struct {
		line  int
		field string
	}
	var got []rj
	for _, r := range s.Rejects {
		if r.File != fixtures+"bad.jsonl" || r.Reason == "" {
			t.Errorf("reject without file or reason: %+v", r)
		}
		got = append(got, rj{r.Line, r.Field})
	}
	want := []rj{
		{1, "entityType"},
		{2, "interests[0].type"},
		{3, "interests[0].share"},
		{4, "name"},
		{5, ""}, // truncated line
		{6, "recordDetails.interests[0].share.exact"},
		{7, "recordType"},
		{8, "statementDate"},
		{9, ""},
		{10, ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rejects\n got %v\nwant %v\n%v", got, want, s.Rejects)
	}
	if e := s.Entities["bods:good-0009-aaaa-bbbb-cccc-000000000000"]; e.Name != "Still Read Ltd" {
		t.Error("parsing did not continue after the rejects")
	}
}

func TestArrayErrorsAndLines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A statement rejected inside an array names the line it starts on.
	p := write("a.json", "[\n  {\"statementID\": \"a\",\n   \"statementType\": \"entityStatement\"},\n  {\"statementID\": \"b\", \"statementType\": \"x\"}\n]\n")
	sink := ingesttest.NewSink()
	if err := Parse(context.Background(), []string{p}, sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.Rejects) != 2 || sink.Rejects[0].Line != 2 || sink.Rejects[1].Line != 4 {
		t.Errorf("array reject lines: %+v", sink.Rejects)
	}
	// A truncated array is an error naming file and line.
	p = write("t.json", "[\n {\"statementID\": \"a\", \"statementType\": \"entityStatement\", \"entityType\": \"registeredEntity\"},\n {\"statementID\": \"b\",")
	err := Parse(context.Background(), []string{p}, ingesttest.NewSink())
	if err == nil || !strings.Contains(err.Error(), "t.json: line 3") {
		t.Errorf("truncated array: %v", err)
	}
	// One pretty-printed object (a lone statement file) is read whole.
	p = write("one.json", "{\n  \"statementID\": \"one\",\n  \"statementType\": \"entityStatement\",\n  \"entityType\": \"registeredEntity\",\n  \"name\": \"Alone Ltd\"\n}\n")
	sink = ingesttest.NewSink()
	if err := Parse(context.Background(), []string{p}, sink); err != nil {
		t.Fatal(err)
	}
	if sink.Entities["bods:one"].Name != "Alone Ltd" || len(sink.Rejects) != 0 {
		t.Errorf("pretty-printed object: %+v %+v", sink.Entities, sink.Rejects)
	}
	// Empty file: nothing, no error.
	p = write("empty.json", "\n")
	if err := Parse(context.Background(), []string{p}, ingesttest.NewSink()); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

func TestIdempotentReingest(t *testing.T) {
	s := parseFiles(t, "v04-chain.json")
	before := len(s.Rels)
	if err := Parse(context.Background(), []string{fixtures + "v04-chain.json"}, s); err != nil {
		t.Fatal(err)
	}
	if len(s.Rels) != before {
		t.Errorf("re-ingesting added relationships: %d → %d", before, len(s.Rels))
	}
}

func TestClosedEntityAndUnspecifiedSubject(t *testing.T) {
	in := `{"statementId":"stmt-0001-aaaa-bbbb-cccc-000000000000","declarationSubject":"co","recordId":"co","recordType":"entity","recordStatus":"new","statementDate":"2024-01-01","recordDetails":{"isComponent":false,"entityType":{"type":"anonymousEntity"}}}
{"statementId":"stmt-0002-aaaa-bbbb-cccc-000000000000","declarationSubject":"co","recordId":"co","recordType":"entity","recordStatus":"closed","statementDate":"2024-06-01","recordDetails":{"isComponent":false,"entityType":{"type":"anonymousEntity"},"name":"Gone Ltd"}}
{"statementId":"stmt-0003-aaaa-bbbb-cccc-000000000000","declarationSubject":"co","recordId":"r","recordType":"relationship","statementDate":"2024-01-01","recordDetails":{"isComponent":false,"subject":{"reason":"unknown"},"interestedParty":"co","interests":[{"type":"shareholding"}]}}
`
	sink := ingesttest.NewSink()
	if err := NewParser(sink).ParseReader(context.Background(), "in.jsonl", strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	e := sink.Entities["bods:co"]
	if e.Kind != model.Unknown || e.Name != "Gone Ltd" || !reflect.DeepEqual(e.Lists, []string{ClosedTag, model.InactiveTagPrefix + "2024-06-01"}) {
		t.Errorf("closed anonymous entity: %+v", e)
	}
	if len(sink.Rels) != 0 || len(sink.Rejects) != 0 {
		t.Errorf("a relationship with an unspecified subject wrote %v, rejected %v", sink.Rels, sink.Rejects)
	}
}

// alternateNames and a person's names beyond the primary one are aliases
// (blank ones and a repeat of the name dropped); every address country is
// kept, 0.2/0.3 as a code, 0.4 as {name, code}; an unknown country is left out.
func TestAliasesAndAddressCountries(t *testing.T) {
	tests := []struct {
		file, id           string
		name               string
		aliases, countries []string
	}{
		{"names-v03.jsonl", "bods:e03-names-0001-2222-3333-444444444444", "深圳示例控股有限公司",
			[]string{"Shenzhen Example Holdings Co., Ltd."}, []string{"CN", "HK"}},
		{"names-v03.jsonl", "bods:p03-names-0001-2222-3333-444444444444", "李伟",
			[]string{"David Li", "Li Wei", "Wei Lee"}, []string{"HK", "SG"}},
		{"names-v04.jsonl", "bods:names-co", "杭州华信云科技有限公司",
			[]string{"Hangzhou Huaxin Cloud Technology Co., Ltd.", "Huaxin Cloud"}, []string{"CN", "SG"}},
		{"names-v04.jsonl", "bods:names-person", "Zhang Min", []string{"Min Zhang", "张敏"}, []string{"CN", "GB"}},
	}
	for _, tt := range tests {
		s := parseFiles(t, tt.file, tt.file) // twice: re-reading changes nothing
		e := s.Entities[tt.id]
		if e.Name != tt.name || !reflect.DeepEqual(e.Aliases, tt.aliases) || !reflect.DeepEqual(e.AddressCountries, tt.countries) {
			t.Errorf("%s: name %q, aliases %q, address countries %q; want %q, %q, %q",
				tt.id, e.Name, e.Aliases, e.AddressCountries, tt.name, tt.aliases, tt.countries)
		}
		if len(s.Rejects) != 0 {
			t.Errorf("%s: rejects %v", tt.file, s.Rejects)
		}
	}
}

// Statements published by ubo (what `ubo export --format bods` writes) keep
// their record ids as entity ids and carry state ownership and list tags in
// an annotation's uboAttributes; an influence whose details name
// consolidation is consolidation again. Any other publisher's record ids get
// the "bods:" prefix, and its details are free text.
func TestUBOPublishedStatements(t *testing.T) {
	const stmts = `{"statementId":"stmt-0001-aaaa-bbbb-cccc-000000000000","declarationSubject":"co","recordId":"lei:529900CNPARENT000194","recordType":"entity","statementDate":"2026-11-01","publicationDetails":{"publicationDate":"2026-11-01","bodsVersion":"0.4","publisher":{"name":"%s"}},"recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"Parent","addresses":[{"type":"business","country":{"name":"CN","code":"CN"}}]},"annotations":[{"statementPointerTarget":"/recordDetails","motivation":"commenting","description":"d","uboAttributes":{"stateOwned":true,"lists":["us.bis.entity_list"]}}]}
{"statementId":"stmt-0002-aaaa-bbbb-cccc-000000000000","declarationSubject":"co","recordId":"bods:sub","recordType":"entity","statementDate":"2026-11-01","publicationDetails":{"publicationDate":"2026-11-01","bodsVersion":"0.4","publisher":{"name":"%s"}},"recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"Sub"}}
{"statementId":"stmt-0003-aaaa-bbbb-cccc-000000000000","declarationSubject":"co","recordId":"rel:x","recordType":"relationship","statementDate":"2026-11-01","publicationDetails":{"publicationDate":"2026-11-01","bodsVersion":"0.4","publisher":{"name":"%s"}},"recordDetails":{"isComponent":false,"subject":"bods:sub","interestedParty":"lei:529900CNPARENT000194","interests":[{"type":"otherInfluenceOrControl","details":"consolidation","directOrIndirect":"unknown"}]}}
`
	tests := []struct {
		publisher   string
		parent, sub string
		stateOwned  bool
		lists       []string
		kind        model.RelKind
	}{
		{"ubo", "lei:529900CNPARENT000194", "bods:sub", true, []string{"us.bis.entity_list"}, model.Consolidation},
		{"Open Ownership", "bods:lei:529900CNPARENT000194", "bods:bods:sub", true, []string{"us.bis.entity_list"}, model.Influence},
	}
	for _, tt := range tests {
		sink := ingesttest.NewSink()
		in := strings.ReplaceAll(stmts, "%s", tt.publisher)
		if err := NewParser(sink).ParseReader(context.Background(), "in.jsonl", strings.NewReader(in)); err != nil {
			t.Fatal(err)
		}
		if len(sink.Rejects) != 0 {
			t.Errorf("%s: rejects %v", tt.publisher, sink.Rejects)
		}
		p, ok := sink.Entities[tt.parent]
		if !ok || p.HQCountry != "CN" || p.StateOwned != tt.stateOwned || !reflect.DeepEqual(p.Lists, tt.lists) {
			t.Errorf("%s: parent %s = %+v (present %v)", tt.publisher, tt.parent, p, ok)
		}
		if _, ok := sink.Entities[tt.sub]; !ok || len(sink.Entities) != 2 {
			t.Errorf("%s: entities %v, want %s and %s", tt.publisher, slices.Collect(maps.Keys(sink.Entities)), tt.parent, tt.sub)
		}
		if len(sink.Rels) != 1 {
			t.Fatalf("%s: relationships %v", tt.publisher, sink.Rels)
		}
		for _, r := range sink.Rels {
			if r.HolderID != tt.parent || r.HeldID != tt.sub || r.Kind != tt.kind || r.Direct != "" {
				t.Errorf("%s: relationship %+v, want %s -%s-> %s", tt.publisher, r, tt.parent, tt.kind, tt.sub)
			}
		}
	}
}

// storedSink is a Sink that also answers what an earlier run stored.
type storedSink struct {
	*ingesttest.Sink
	stored  []model.Relationship
	queries []string
}

func (s *storedSink) RelationshipsHeld(_ context.Context, held string) ([]model.Relationship, error) {
	s.queries = append(s.queries, held)
	return s.stored, nil
}

// TestLaterRunVersions: a 0.4 updated statement read in a run that has
// not seen its record ends the stored edges of that record it no longer
// asserts (not those of another record held by the same entity); a new
// statement asks nothing.
func TestLaterRunVersions(t *testing.T) {
	const pub = `"publicationDetails":{"publicationDate":"2024-06-01","bodsVersion":"0.4","publisher":{"name":"x"}}`
	rel := func(n int, status, holder string) string {
		return fmt.Sprintf(`{"statementId":"later-%04d-aaaa-bbbb-cccc-000000000000","declarationSubject":"co","statementDate":"2024-06-01","recordId":"rel","recordType":"relationship","recordStatus":"%s","recordDetails":{"isComponent":false,"subject":"co","interestedParty":"%s","interests":[{"type":"shareholding","share":{"exact":80}}]},%s}`+"\n", n, status, holder, pub)
	}
	old := model.Relationship{ID: model.RelationshipID(Source, "rel", "bods:li", "bods:co", model.Ownership),
		HolderID: "bods:li", HeldID: "bods:co", Kind: model.Ownership, Share: model.Exact(80), Source: Source}
	other := model.Relationship{ID: model.RelationshipID(Source, "rel2", "bods:x", "bods:co", model.Ownership),
		HolderID: "bods:x", HeldID: "bods:co", Kind: model.Ownership, Source: Source}
	for _, tt := range []struct {
		status  string
		queries int
		ended   bool
	}{{"updated", 1, true}, {"closed", 1, true}, {"new", 0, false}} {
		t.Run(tt.status, func(t *testing.T) {
			sink := &storedSink{Sink: ingesttest.NewSink(), stored: []model.Relationship{old, other}}
			if err := NewParser(sink).ParseReader(context.Background(), "v2.jsonl", strings.NewReader(rel(1, tt.status, "ann"))); err != nil {
				t.Fatal(err)
			}
			if len(sink.Rejects) > 0 || len(sink.queries) != tt.queries {
				t.Fatalf("rejects %v, queries %v", sink.Rejects, sink.queries)
			}
			got, ok := sink.Rels[old.ID]
			if ok != tt.ended || (ok && got.EndDate != "2024-06-01") {
				t.Errorf("the earlier run's edge: %+v (written %v), want ended 2024-06-01: %v", got, ok, tt.ended)
			}
			if _, ok := sink.Rels[other.ID]; ok {
				t.Errorf("another record's edge was touched: %+v", sink.Rels[other.ID])
			}
		})
	}
}
