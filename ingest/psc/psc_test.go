package psc

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

// memSink records what the parser emits, merging entities like the store.
type memSink struct {
	entities map[string]model.Entity
	rels     map[string]model.Relationship
	rejects  []ingest.Reject
	read     int
}

func newMemSink() *memSink {
	return &memSink{entities: map[string]model.Entity{}, rels: map[string]model.Relationship{}}
}

func (s *memSink) CountRead(n int) { s.read += n }

func (s *memSink) Entity(e model.Entity) error {
	if old, ok := s.entities[e.ID]; ok {
		if e.Name == "" {
			e.Name = old.Name
		}
		if e.Jurisdiction == "" {
			e.Jurisdiction = old.Jurisdiction
		}
		e.Identifiers = append(e.Identifiers, old.Identifiers...)
	}
	e.Normalize()
	s.entities[e.ID] = e
	return nil
}

func (s *memSink) Relationship(r model.Relationship) error {
	if _, ok := s.entities[r.HolderID]; !ok {
		return fmt.Errorf("relationship %s before its holder", r.ID)
	}
	if _, ok := s.entities[r.HeldID]; !ok {
		return fmt.Errorf("relationship %s before its held entity", r.ID)
	}
	if err := r.Share.Validate(); err != nil {
		return err
	}
	if _, dup := s.rels[r.ID]; dup {
		return fmt.Errorf("duplicate relationship id %s", r.ID)
	}
	s.rels[r.ID] = r
	return nil
}

func (s *memSink) Reject(r ingest.Reject) error { s.rejects = append(s.rejects, r); return nil }

func (s *memSink) relsBy() []string {
	var out []string
	for _, r := range s.rels {
		out = append(out, fmt.Sprintf("%s>%s %s %s %s %s..%s", r.HolderID, r.HeldID, r.Kind, r.Direct, r.Share, r.StartDate, r.EndDate))
	}
	sort.Strings(out)
	return out
}

var parts = []string{"../../testdata/psc/psc-snapshot-part1.txt", "../../testdata/psc/psc-snapshot-part2.txt"}

// logTo returns a logger writing text into buf.
func logTo(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestSnapshot(t *testing.T) {
	s := newMemSink()
	var logs bytes.Buffer
	counts, err := Parse(context.Background(), parts, s, Options{Log: logTo(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"gb-coh:07777777>gb-coh:09876543 board  unknown 2019-05-01..",
		"gb-coh:07777777>gb-coh:09876543 ownership  (25%, 50%] 2019-05-01..",
		"psc:09876543:IndPsc001>gb-coh:09876543 ownership  (25%, 50%] 2019-05-01..",
		"psc:09876543:IndPsc001>gb-coh:09876543 voting  (25%, 50%] 2019-05-01..",
		"psc:09876543:IndPsc002>gb-coh:09876543 ownership  (75%, 100%] 2016-04-06..2019-04-30",
		"psc:09876543:LegalPsc004>gb-coh:09876543 influence  unknown 2017-01-01..",
		"psc:11223344:CorpPsc005>gb-coh:11223344 board  unknown 2018-02-02..",
		"psc:11223344:CorpPsc005>gb-coh:11223344 ownership  (50%, 75%] 2018-02-02..",
		"psc:11223344:CorpPsc005>gb-coh:11223344 voting  (50%, 75%] 2018-02-02..",
		"psc:11223344:CorpPsc006>gb-coh:11223344 ownership  (25%, 50%] 2018-02-02..",
		"psc:11223344:CorpPsc006>gb-coh:11223344 voting  (25%, 50%] 2018-02-02..",
		// both bands of one kind folded: the holder is counted once
		"psc:12121212:TrustPsc018>gb-coh:12121212 ownership  (25%, 75%] 2021-09-09..",
		"psc:12121212:TrustPsc018>gb-coh:12121212 voting indirect (50%, 75%] 2021-09-09..",
		"psc:OC123456:LlpPsc012>gb-coh:OC123456 board  unknown 2020-01-01..",
		"psc:OC123456:LlpPsc012>gb-coh:OC123456 ownership  (50%, 75%] 2020-01-01..",
		"psc:OC123456:LlpPsc012>gb-coh:OC123456 voting  (50%, 75%] 2020-01-01..",
		"psc:OE001234:BoCorp015>gb-coh:OE001234 influence indirect unknown 2022-08-01..",
		"psc:OE001234:BoInd014>gb-coh:OE001234 nominee  unknown 2022-08-01..",
		"psc:OE001234:BoInd014>gb-coh:OE001234 ownership  (25%, 100%] 2022-08-01..",
		"psc:OE001234:BoInd014>gb-coh:OE001234 voting  (25%, 100%] 2022-08-01..",
		"psc:OE001234:BoLegal016>gb-coh:OE001234 board  unknown 2022-08-01..",
		"psc:SL012345:SlpPsc013>gb-coh:SL012345 board indirect unknown 2018-03-03..",
		"psc:SL012345:SlpPsc013>gb-coh:SL012345 ownership indirect (25%, 50%] 2018-03-03..",
		"unknown:psc:11223344:SuperSecure007>gb-coh:11223344 ownership  unknown ..",
		"unknown:psc:OE001234:BoSecure017>gb-coh:OE001234 ownership  (25%, 100%] ..",
		"unknown:psc:SC654321:Stmt008>gb-coh:SC654321 ownership  unknown 2017-06-26..",
		"unknown:psc:SC654321:Stmt009>gb-coh:SC654321 ownership  unknown 2016-06-30..2017-06-26",
	}
	if got := s.relsBy(); !reflect.DeepEqual(got, want) {
		t.Errorf("relationships:\n got %q\nwant %q", got, want)
	}
	entities := map[string]model.Entity{
		"psc:09876543:IndPsc001": {Name: "Mr Wei Example Zhang", Kind: model.Person, Nationality: []string{"CN", "GB"}, Residence: "GB",
			AddressCountries: []string{"GB"}}, // address country "England"
		"psc:09876543:IndPsc002":   {Name: "Ann Sample", Kind: model.Person, Nationality: []string{"IE"}, Residence: "IE"},
		"gb-coh:07777777":          {Name: "Sample Parent Holdings Limited", Kind: model.Company, Jurisdiction: "GB", Identifiers: []string{"GB-COH:07777777"}},
		"psc:09876543:LegalPsc004": {Name: "The Secretary of State for Examples", Kind: model.StateBody, Jurisdiction: "GB"},
		"psc:11223344:CorpPsc005":  {Name: "Example Holdings (Cayman) Ltd", Kind: model.Company, Jurisdiction: "KY", Identifiers: []string{"REG:KY:CT123456"}},
		"psc:11223344:CorpPsc006":  {Name: "上海示例投资有限公司", Kind: model.Company, Jurisdiction: "CN", Identifiers: []string{"CN-USCC:91310000MA1FL2XY32"}},
		"psc:OE001234:BoCorp015":   {Name: "Example Overseas Parent SA", Kind: model.Company, Jurisdiction: "LU", Identifiers: []string{"REG:LU:B123456"}},
		"psc:OE001234:BoInd014":    {Name: "Mr Overseas Owner", Kind: model.Person, Nationality: []string{"CN"}, Residence: "CN"},
		"psc:OC123456:LlpPsc012":   {Name: "Ms Partner Example", Kind: model.Person, Nationality: []string{"HK"}, Residence: "HK"},
		"gb-coh:09876543":          {Kind: model.Company, Jurisdiction: "GB", Identifiers: []string{"GB-COH:09876543"}},
		// overseas entities are registered at Companies House, incorporated elsewhere
		"gb-coh:OE001234": {Kind: model.Company, Identifiers: []string{"GB-COH:OE001234"}},
		// statements and exemptions that end the chain still record the company
		"gb-coh:05550001": {Kind: model.Company, Jurisdiction: "GB", Identifiers: []string{"GB-COH:05550001"}},
		"gb-coh:05550002": {Kind: model.Company, Jurisdiction: "GB", Identifiers: []string{"GB-COH:05550002"}},
	}
	for id, w := range entities {
		g := s.entities[id]
		g.Source, g.SourceRef = "", ""
		w.ID = id
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", id, g, w)
		}
	}
	for _, id := range []string{"unknown:psc:11223344:SuperSecure007", "unknown:psc:SC654321:Stmt008"} {
		if s.entities[id].Kind != model.Unknown {
			t.Errorf("%s is %q, want unknown", id, s.entities[id].Kind)
		}
	}
	if len(s.entities) != 25 {
		t.Errorf("%d entities, want 25", len(s.entities))
	}
	wantRejects := []string{
		"../../testdata/psc/psc-snapshot-part2.txt: line 9: invalid JSON: unexpected end of JSON input",
		`../../testdata/psc/psc-snapshot-part2.txt: line 10: field "kind": unknown record kind "beneficial-owner-of-something"`,
		`../../testdata/psc/psc-snapshot-part2.txt: line 11: field "natures_of_control": unknown nature of control "owns-the-place"`,
		`../../testdata/psc/psc-snapshot-part2.txt: line 12: field "notified_on": "06/04/2016" is not a YYYY-MM-DD date`,
	}
	var gotRejects []string
	for _, r := range s.rejects {
		gotRejects = append(gotRejects, r.String())
	}
	if !reflect.DeepEqual(gotRejects, wantRejects) {
		t.Errorf("rejects:\n got %q\nwant %q", gotRejects, wantRejects)
	}
	if counts.Persons != 16 || counts.Statements != 3 || counts.Exemptions != 1 || s.read != 23 {
		t.Errorf("counts = %+v, read %d", counts, s.read)
	}
	if strings.Contains(logs.String(), "WARN") {
		t.Errorf("unexpected warning: %s", logs.String())
	}
}

func TestZipAndPartsAgree(t *testing.T) {
	a, b := newMemSink(), newMemSink()
	if _, err := Parse(context.Background(), parts, a, Options{Log: logTo(new(bytes.Buffer))}); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(context.Background(), []string{"../../testdata/psc/psc-snapshot.zip"}, b, Options{Log: logTo(new(bytes.Buffer))}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.relsBy(), b.relsBy()) || len(a.entities) != len(b.entities) || len(b.rejects) != 4 {
		t.Errorf("zip differs from its parts")
	}
	if f := b.rejects[0].File; f != "../../testdata/psc/psc-snapshot.zip!psc-snapshot-part2.txt" {
		t.Errorf("zip reject names %q", f)
	}
}

func TestTotalsMismatchWarns(t *testing.T) {
	var logs bytes.Buffer
	// the first part alone: the trailer in part 2 is never seen
	if _, err := Parse(context.Background(), parts[:1], newMemSink(), Options{Log: logTo(&logs)}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "no totals trailer") {
		t.Errorf("missing trailer not reported: %s", logs.String())
	}
	logs.Reset()
	in := `{"company_number":"1","data":{"kind":"exemptions","links":{"self":"/company/00000001/exemptions"}}}
{"data":{"kind":"totals#persons-of-significant-control-snapshot","persons_of_significant_control_count":3,"exemptions_count":1}}
`
	if _, err := ParseReader(context.Background(), "x.txt", strings.NewReader(in), newMemSink(), Options{Log: logTo(&logs)}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "field=persons_of_significant_control_count trailer=3 read=0") {
		t.Errorf("mismatch not warned: %s", logs.String())
	}
	if strings.Contains(logs.String(), "field=exemptions_count") {
		t.Errorf("matching count warned: %s", logs.String())
	}
}

// natures is every natures_of_control key of Companies House's
// api-enumerations psc_descriptions.yml.
var natures = strings.Fields(`
ownership-of-shares-25-to-50-percent ownership-of-shares-50-to-75-percent ownership-of-shares-75-to-100-percent
ownership-of-shares-25-to-50-percent-as-trust ownership-of-shares-50-to-75-percent-as-trust ownership-of-shares-75-to-100-percent-as-trust
ownership-of-shares-25-to-50-percent-as-firm ownership-of-shares-50-to-75-percent-as-firm ownership-of-shares-75-to-100-percent-as-firm
ownership-of-shares-more-than-25-percent-registered-overseas-entity ownership-of-shares-more-than-25-percent-as-trust-registered-overseas-entity
ownership-of-shares-more-than-25-percent-as-firm-registered-overseas-entity ownership-of-shares-more-than-25-percent-as-control-over-trust-registered-overseas-entity
ownership-of-shares-more-than-25-percent-as-control-over-firm-registered-overseas-entity
voting-rights-25-to-50-percent voting-rights-50-to-75-percent voting-rights-75-to-100-percent
voting-rights-25-to-50-percent-as-trust voting-rights-50-to-75-percent-as-trust voting-rights-75-to-100-percent-as-trust
voting-rights-25-to-50-percent-as-firm voting-rights-50-to-75-percent-as-firm voting-rights-75-to-100-percent-as-firm
voting-rights-more-than-25-percent-registered-overseas-entity voting-rights-more-than-25-percent-as-trust-registered-overseas-entity
voting-rights-more-than-25-percent-as-firm-registered-overseas-entity voting-rights-more-than-25-percent-as-control-over-trust-registered-overseas-entity
voting-rights-more-than-25-percent-as-control-over-firm-registered-overseas-entity
right-to-appoint-and-remove-directors right-to-appoint-and-remove-directors-as-trust right-to-appoint-and-remove-directors-as-firm
right-to-appoint-and-remove-directors-as-control-over-trust-registered-overseas-entity right-to-appoint-and-remove-directors-as-control-over-firm-registered-overseas-entity
significant-influence-or-control significant-influence-or-control-as-trust significant-influence-or-control-as-firm
right-to-share-surplus-assets-25-to-50-percent-limited-liability-partnership right-to-share-surplus-assets-50-to-75-percent-limited-liability-partnership
right-to-share-surplus-assets-75-to-100-percent-limited-liability-partnership right-to-share-surplus-assets-25-to-50-percent-as-trust-limited-liability-partnership
right-to-share-surplus-assets-50-to-75-percent-as-trust-limited-liability-partnership right-to-share-surplus-assets-75-to-100-percent-as-trust-limited-liability-partnership
right-to-share-surplus-assets-25-to-50-percent-as-firm-limited-liability-partnership right-to-share-surplus-assets-50-to-75-percent-as-firm-limited-liability-partnership
right-to-share-surplus-assets-75-to-100-percent-as-firm-limited-liability-partnership
voting-rights-25-to-50-percent-limited-liability-partnership voting-rights-50-to-75-percent-limited-liability-partnership
voting-rights-75-to-100-percent-limited-liability-partnership voting-rights-25-to-50-percent-as-trust-limited-liability-partnership
voting-rights-50-to-75-percent-as-trust-limited-liability-partnership voting-rights-75-to-100-percent-as-trust-limited-liability-partnership
voting-rights-25-to-50-percent-as-firm-limited-liability-partnership voting-rights-50-to-75-percent-as-firm-limited-liability-partnership
voting-rights-75-to-100-percent-as-firm-limited-liability-partnership
right-to-appoint-and-remove-members-limited-liability-partnership right-to-appoint-and-remove-members-as-trust-limited-liability-partnership
right-to-appoint-and-remove-members-as-firm-limited-liability-partnership
significant-influence-or-control-limited-liability-partnership significant-influence-or-control-as-trust-limited-liability-partnership
significant-influence-or-control-as-firm-limited-liability-partnership
significant-influence-or-control-registered-overseas-entity significant-influence-or-control-as-trust-registered-overseas-entity
significant-influence-or-control-as-firm-registered-overseas-entity significant-influence-or-control-as-control-over-trust-registered-overseas-entity
significant-influence-or-control-as-control-over-firm-registered-overseas-entity
part-right-to-share-surplus-assets-25-to-50-percent part-right-to-share-surplus-assets-50-to-75-percent part-right-to-share-surplus-assets-75-to-100-percent
part-right-to-share-surplus-assets-25-to-50-percent-as-trust part-right-to-share-surplus-assets-50-to-75-percent-as-trust
part-right-to-share-surplus-assets-75-to-100-percent-as-trust part-right-to-share-surplus-assets-25-to-50-percent-as-firm
part-right-to-share-surplus-assets-50-to-75-percent-as-firm part-right-to-share-surplus-assets-75-to-100-percent-as-firm
right-to-appoint-and-remove-person right-to-appoint-and-remove-person-as-firm right-to-appoint-and-remove-person-as-trust
right-to-appoint-and-remove-directors-registered-overseas-entity right-to-appoint-and-remove-directors-as-trust-registered-overseas-entity
right-to-appoint-and-remove-directors-as-firm-registered-overseas-entity
registered-owner-as-nominee-person-england-wales-registered-overseas-entity registered-owner-as-nominee-person-scotland-registered-overseas-entity
registered-owner-as-nominee-person-northern-ireland-registered-overseas-entity registered-owner-as-nominee-another-entity-england-wales-registered-overseas-entity
registered-owner-as-nominee-another-entity-scotland-registered-overseas-entity registered-owner-as-nominee-another-entity-northern-ireland-registered-overseas-entity
`)

func TestEveryNatureMaps(t *testing.T) {
	if len(natures) != 86 {
		t.Fatalf("%d natures listed, want the 86 of psc_descriptions.yml", len(natures))
	}
	for _, n := range natures {
		c, ok := natureOfControl(n)
		if !ok || !c.kind.Valid() {
			t.Errorf("%s does not map", n)
			continue
		}
		banded := strings.Contains(n, "percent")
		if banded != c.share.Known || (banded && c.kind != model.Ownership && c.kind != model.Voting) {
			t.Errorf("%s → %s %s", n, c.kind, c.share)
		}
		if via := strings.Contains(n, "-as-trust") || strings.Contains(n, "-as-firm") || strings.Contains(n, "-as-control-over-"); via != c.viaArrangement {
			t.Errorf("%s: via trust/firm = %v", n, c.viaArrangement)
		}
	}
}

func TestNatureBands(t *testing.T) {
	tests := []struct {
		nature string
		kind   model.RelKind
		share  string
	}{
		{"ownership-of-shares-25-to-50-percent", model.Ownership, "(25%, 50%]"},
		{"ownership-of-shares-50-to-75-percent", model.Ownership, "(50%, 75%]"},
		{"ownership-of-shares-75-to-100-percent", model.Ownership, "(75%, 100%]"},
		{"voting-rights-50-to-75-percent-as-firm", model.Voting, "(50%, 75%]"},
		{"voting-rights-more-than-25-percent-registered-overseas-entity", model.Voting, "(25%, 100%]"},
		{"right-to-share-surplus-assets-75-to-100-percent-limited-liability-partnership", model.Ownership, "(75%, 100%]"},
		{"part-right-to-share-surplus-assets-25-to-50-percent", model.Ownership, "(25%, 50%]"},
		{"right-to-appoint-and-remove-directors", model.Board, "unknown"},
		{"right-to-appoint-and-remove-members-limited-liability-partnership", model.Board, "unknown"},
		{"right-to-appoint-and-remove-person", model.Board, "unknown"},
		{"significant-influence-or-control", model.Influence, "unknown"},
		{"registered-owner-as-nominee-another-entity-scotland-registered-overseas-entity", model.Nominee, "unknown"},
	}
	for _, tt := range tests {
		c, ok := natureOfControl(tt.nature)
		if !ok || c.kind != tt.kind || c.share.String() != tt.share {
			t.Errorf("%s → %v %s %s, want %s %s", tt.nature, ok, c.kind, c.share, tt.kind, tt.share)
		}
	}
	for _, bad := range []string{"", "ownership-of-shares", "ownership-of-shares-10-to-20-percent", "voting-rights"} {
		if _, ok := natureOfControl(bad); ok {
			t.Errorf("%q mapped", bad)
		}
	}
}

func TestStatements(t *testing.T) {
	tests := map[string][2]bool{ // createsUnknown, known
		"psc-exists-but-not-identified":                               {true, true},
		"psc-details-not-confirmed":                                   {true, true},
		"steps-to-find-psc-not-yet-completed":                         {true, true},
		"psc-contacted-but-no-response":                               {true, true},
		"restrictions-notice-issued-to-psc":                           {true, true},
		"psc-has-failed-to-confirm-changed-details":                   {true, true},
		"psc-exists-but-not-identified-partnership":                   {true, true},
		"restrictions-notice-issued-to-psc-partnership":               {true, true},
		"awaiting-confirmation-from-psc":                              {true, true},
		"no-beneficial-owner-identified":                              {true, true},
		"at-least-one-beneficial-owner-unidentified":                  {true, true},
		"no-individual-or-entity-with-signficant-control":             {false, true},
		"no-individual-or-entity-with-signficant-control-partnership": {false, true},
		"all-beneficial-owners-identified":                            {false, true},
		"trust-involved-relevant-period":                              {false, true},
		"made-up-statement":                                           {false, false},
	}
	for st, want := range tests {
		u, k := statementEffect(st)
		if [2]bool{u, k} != want {
			t.Errorf("%s → %v %v, want %v", st, u, k, want)
		}
	}
}

func TestNationalities(t *testing.T) {
	tests := map[string][]string{
		"British,Chinese":            {"CN", "GB"},
		"Chinese":                    {"CN"},
		"People's Republic of China": {"CN"},
		"Hong Kong":                  {"HK"},
		"British":                    {"GB"},
		"England":                    {"GB"},
		"Cayman Islands":             {"KY"},
		"Other":                      nil,
		"":                           nil,
	}
	for in, want := range tests {
		if got := nationalities(in); !reflect.DeepEqual(got, want) {
			t.Errorf("nationalities(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestCorporateIdentification(t *testing.T) {
	tests := []struct {
		name string
		idn  identification
		id   string
		ids  []string
		jur  string
	}{
		{"england", identification{CountryRegistered: "England", RegistrationNumber: "56099"}, "gb-coh:00056099", []string{"GB-COH:00056099"}, "GB"},
		{"uk scottish number", identification{CountryRegistered: "United Kingdom", RegistrationNumber: "sc 123456"}, "gb-coh:SC123456", []string{"GB-COH:SC123456"}, "GB"},
		{"place registered only", identification{PlaceRegistered: "Companies House", RegistrationNumber: "7777777"}, "gb-coh:07777777", []string{"GB-COH:07777777"}, "GB"},
		{"uk but not a company number", identification{CountryRegistered: "England", RegistrationNumber: "FRN 123-456-789"}, "psc:1:p", []string{"REG:GB:FRN123456789"}, "GB"},
		{"county is no country", identification{CountryRegistered: "West Yorkshire", RegistrationNumber: "1"}, "psc:1:p", nil, ""},
		{"no number", identification{CountryRegistered: "Hong Kong SAR"}, "psc:1:p", nil, "HK"},
		{"china uscc", identification{CountryRegistered: "China", RegistrationNumber: "91310000MA1FL2XY32"}, "psc:1:p", []string{"CN-USCC:91310000MA1FL2XY32"}, "CN"},
		{"china bad check char", identification{CountryRegistered: "China", RegistrationNumber: "91310000MA1FL2XY33"}, "psc:1:p", []string{"REG:CN:91310000MA1FL2XY33"}, "CN"},
	}
	for _, tt := range tests {
		e := model.Entity{ID: "psc:1:p"}
		idn := tt.idn
		identify(&e, &idn, true)
		if e.ID != tt.id || !reflect.DeepEqual(e.Identifiers, tt.ids) || e.Jurisdiction != tt.jur {
			t.Errorf("%s: got %s %v %q", tt.name, e.ID, e.Identifiers, e.Jurisdiction)
		}
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	truncated := filepath.Join(dir, "part.txt.gz")
	os.WriteFile(truncated, gz.Bytes()[:gz.Len()-20], 0o644)
	_, err = Parse(context.Background(), []string{truncated}, newMemSink(), Options{Log: logTo(new(bytes.Buffer))})
	if err == nil || !strings.Contains(err.Error(), "part.txt.gz") || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("truncated gzip: %v", err)
	}

	long := `{"company_number":"1","data":{"kind":"exemptions","x":"` + strings.Repeat("a", MaxLineBytes) + `"}}` + "\n" +
		`{"company_number":"1","data":{"kind":"exemptions"}}` + "\n"
	s := newMemSink()
	if _, err := ParseReader(context.Background(), "long.txt", strings.NewReader(long), s, Options{Log: logTo(new(bytes.Buffer))}); err != nil {
		t.Fatal(err)
	}
	if len(s.rejects) != 1 || s.rejects[0].Line != 1 || !strings.Contains(s.rejects[0].Reason, "longer than") || len(s.entities) != 1 {
		t.Errorf("long line: rejects %+v, %d entities", s.rejects, len(s.entities))
	}

	lines := []struct{ in, field string }{
		{`[1,2]`, ""},
		{`{"company_number":"1"}`, "data"},
		{`{"company_number":12345678,"data":{}}`, ""},
		{`{"company_number":"!!","data":{"kind":"exemptions"}}`, "company_number"},
		{`{"company_number":"123456789","data":{"kind":"exemptions"}}`, "company_number"},
		{`{"data":{"kind":"exemptions"}}`, "company_number"},
		{`{"company_number":"1","data":{"kind":"individual-person-with-significant-control","natures_of_control":"ownership"}}`, "data.natures_of_control"},
		{`{"company_number":"1","data":{"kind":"individual-person-with-significant-control"}}`, "links.self"},
		{`{"company_number":"1","data":{"kind":"persons-with-significant-control-statement","statement":"nope","etag":"x"}}`, "statement"},
		{`{"company_number":"1","data":{"kind":"individual-person-with-significant-control","ceased_on":"2020-02-30","etag":"x"}}`, "ceased_on"},
		{`{"data":{"kind":"totals#x","persons_of_significant_control_count":"many"}}`, "data.persons_of_significant_control_count"},
	}
	for _, l := range lines {
		s := newMemSink()
		if _, err := ParseReader(context.Background(), "bad.txt", strings.NewReader(l.in), s, Options{Log: logTo(new(bytes.Buffer))}); err != nil {
			t.Errorf("%s: error %v, want a reject", l.in, err)
			continue
		}
		if len(s.rejects) != 1 || s.rejects[0].Field != l.field || s.rejects[0].Line != 1 || len(s.rels) != 0 {
			t.Errorf("%s: rejects %+v, want one on field %q", l.in, s.rejects, l.field)
		}
	}
}

// A PSC's address country, in any spelling the country table knows, is an
// address country; an unknown one is left out (the record is kept), and a
// super-secure PSC has none.
func TestAddressCountries(t *testing.T) {
	var sinks [2]*memSink
	for i := range sinks { // reading again gives the same records
		sinks[i] = newMemSink()
		if _, err := Parse(context.Background(), []string{"../../testdata/psc/psc-addresses.txt"}, sinks[i],
			Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
			t.Fatal(err)
		}
	}
	s := sinks[0]
	if !reflect.DeepEqual(s.entities, sinks[1].entities) {
		t.Errorf("a second read gave other entities")
	}
	tests := map[string][]string{
		"psc:13131313:AddrInd001":            {"HK"},
		"psc:13131313:AddrCorp002":           {"CN"},
		"psc:13131314:AddrInd003":            nil,
		"unknown:psc:13131314:AddrSecure004": nil,
	}
	for id, want := range tests {
		e, ok := s.entities[id]
		if !ok || !reflect.DeepEqual(e.AddressCountries, want) {
			t.Errorf("%s: address countries %q (present %v), want %q", id, e.AddressCountries, ok, want)
		}
	}
	if len(s.rejects) != 0 {
		t.Errorf("rejects: %+v", s.rejects)
	}
}
