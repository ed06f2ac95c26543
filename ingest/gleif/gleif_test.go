package gleif

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

// memSink records what a parser emits, merging entities the way the store does.
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
	old, ok := s.entities[e.ID]
	if ok {
		if e.Name == "" {
			e.Name = old.Name
		}
		if e.Kind == "" {
			e.Kind = old.Kind
		}
		if e.Jurisdiction == "" {
			e.Jurisdiction = old.Jurisdiction
		}
		if e.HQCountry == "" {
			e.HQCountry = old.HQCountry
		}
		e.StateOwned = e.StateOwned || old.StateOwned
		e.Identifiers = append(e.Identifiers, old.Identifiers...)
		e.Aliases = append(e.Aliases, old.Aliases...)
		e.AddressCountries = append(e.AddressCountries, old.AddressCountries...)
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
	s.rels[r.ID] = r
	return nil
}

func (s *memSink) Reject(r ingest.Reject) error { s.rejects = append(s.rejects, r); return nil }

// relsBy lists relationships as "holder>held kind direct share start..end".
func (s *memSink) relsBy() []string {
	var out []string
	for _, r := range s.rels {
		out = append(out, fmt.Sprintf("%s>%s %s %s %s %s..%s", r.HolderID, r.HeldID, r.Kind, r.Direct, r.Share, r.StartDate, r.EndDate))
	}
	sort.Strings(out)
	return out
}

func parseFile(t *testing.T, path string) *memSink {
	t.Helper()
	s := newMemSink()
	if err := Parse(context.Background(), path, s, Options{}); err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return s
}

const (
	leiCNParent = "529900CNPARENT000194"
	leiUKSub    = "213800UKSUBSID000120"
	leiCNUlt    = "984500CNULTIM0000192"
	leiNonPub   = "5493000NONPUB0000113"
	leiNatPer   = "5493000NATPER0000175"
	leiBranch   = "213800UKBRANCH000163"
	leiSubFund  = "549300SUBFUND0000186"
	leiUmbrella = "549300UMBREL00000113"
	leiFundMgr  = "549300FUNDMGR0000178"
	leiFeeder   = "213800UKFEEDR0000102"
	leiMaster   = "549300MASTER00000179"
	leiSister   = "213800UKSISTER000191"
	leiCSVCo    = "213800CSVCO000000135"
	leiCNCross  = "549300CNCROSS0000189"
)

func TestLevel1XML(t *testing.T) {
	s := parseFile(t, "../../testdata/gleif/lei-data.xml")
	want := map[string]model.Entity{
		"lei:" + leiCNParent: {Name: "深圳示例控股有限公司", Kind: model.Company, Jurisdiction: "CN", HQCountry: "CN",
			Identifiers: []string{"CN-USCC:91440300MA5ABCDE1H", "XI-LEI:" + leiCNParent},
			Aliases:     []string{"Shenzhen Example Holdings Co., Ltd."}, AddressCountries: []string{"CN"}},
		"lei:" + leiUKSub: {Name: "EXAMPLE UK SUBSIDIARY LIMITED", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
			Identifiers: []string{"GB-COH:01234567", "XI-LEI:" + leiUKSub}, AddressCountries: []string{"GB"}},
		"lei:" + leiCNUlt: {Name: "Example Provincial State-owned Assets Supervision Commission", Kind: model.Company,
			Jurisdiction: "CN", HQCountry: "CN", StateOwned: true, Identifiers: []string{"XI-LEI:" + leiCNUlt}, AddressCountries: []string{"CN"}},
		"lei:" + leiNonPub: {Name: "Undisclosed Parent Example Ltd", Kind: model.Company, Jurisdiction: "GB", HQCountry: "GB",
			Identifiers: []string{"GB-COH:SC123456", "XI-LEI:" + leiNonPub}, AddressCountries: []string{"GB"}},
		"lei:" + leiNatPer: {Name: "Beispiel Familien GmbH", Kind: model.Company, Jurisdiction: "DE", HQCountry: "DE",
			Identifiers: []string{"REG:DE:HRB12345", "XI-LEI:" + leiNatPer}, AddressCountries: []string{"DE"}},
		// no LegalJurisdiction: the legal address country stands in
		"lei:" + leiBranch: {Name: "EXAMPLE UK SUBSIDIARY LIMITED, HONG KONG BRANCH", Kind: model.Company, Jurisdiction: "HK", HQCountry: "GB",
			Identifiers: []string{"REG:HK:F0012345", "XI-LEI:" + leiBranch}, AddressCountries: []string{"GB", "HK"}},
		"lei:" + leiSubFund: {Name: "Example Umbrella Fund - China Equity Sub-Fund", Kind: model.Company, Jurisdiction: "LU", HQCountry: "LU",
			Identifiers: []string{"REG:LU:K1234", "XI-LEI:" + leiSubFund}, AddressCountries: []string{"LU"}},
	}
	if len(s.entities) != len(want) {
		t.Errorf("got %d entities, want %d: %v", len(s.entities), len(want), keys(s.entities))
	}
	for id, w := range want {
		g, ok := s.entities[id]
		if !ok {
			t.Errorf("missing %s", id)
			continue
		}
		w.ID, w.Source, w.SourceRef = id, Source, strings.TrimPrefix(id, "lei:")
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", id, g, w)
		}
	}
	if len(s.rejects) != 1 || s.rejects[0].Field != "LEI" || s.rejects[0].Line != 167 ||
		!strings.Contains(s.rejects[0].Reason, "check digits") {
		t.Errorf("rejects = %+v, want one bad-LEI reject at line 167", s.rejects)
	}
	if s.read != 8 {
		t.Errorf("read %d records, want 8", s.read)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestRelationshipsXML(t *testing.T) {
	s := parseFile(t, "../../testdata/gleif/rr-data.xml")
	want := []string{
		"lei:" + leiCNParent + ">lei:" + leiSister + " consolidation direct 60% 2016-01-01..2021-12-31",
		"lei:" + leiCNParent + ">lei:" + leiUKSub + " consolidation direct 100% 2018-04-01..",
		"lei:" + leiCNUlt + ">lei:" + leiSister + " consolidation indirect unknown 2016-01-01..2022-07-15",
		"lei:" + leiCNUlt + ">lei:" + leiUKSub + " consolidation indirect unknown 2018-04-01..",
		"lei:" + leiFundMgr + ">lei:" + leiSubFund + " fund_management direct unknown 2019-09-01..",
		"lei:" + leiMaster + ">lei:" + leiFeeder + " fund_management direct unknown 2021-02-01..",
		"lei:" + leiUKSub + ">lei:" + leiBranch + " branch direct unknown 2020-06-01..",
		"lei:" + leiUmbrella + ">lei:" + leiSubFund + " control direct unknown 2019-09-01..",
	}
	sort.Strings(want)
	if got := s.relsBy(); !reflect.DeepEqual(got, want) {
		t.Errorf("relationships:\n got %q\nwant %q", got, want)
	}
	var fields []string
	for _, r := range s.rejects {
		fields = append(fields, r.Field)
	}
	if !reflect.DeepEqual(fields, []string{"EndNode.NodeID", "RelationshipType"}) {
		t.Errorf("rejects = %+v", s.rejects)
	}
	// every endpoint is a company stub carrying its LEI
	for _, lei := range []string{leiUmbrella, leiMaster, leiFundMgr} {
		e := s.entities["lei:"+lei]
		if e.Kind != model.Company || !reflect.DeepEqual(e.Identifiers, []string{"XI-LEI:" + lei}) {
			t.Errorf("stub %s = %+v", lei, e)
		}
	}
	if s.read != 11 {
		t.Errorf("read %d, want 11", s.read)
	}
}

func TestExceptionsXML(t *testing.T) {
	s := parseFile(t, "../../testdata/gleif/repex-data.xml")
	want := []string{
		"unknown:gleif:" + leiCNParent + ":direct>lei:" + leiCNParent + " consolidation direct unknown ..",
		"unknown:gleif:" + leiNonPub + ":direct>lei:" + leiNonPub + " consolidation direct unknown ..",
		"unknown:gleif:" + leiNonPub + ":ultimate>lei:" + leiNonPub + " consolidation indirect unknown ..",
		"unknown:gleif:" + leiUmbrella + ":ultimate>lei:" + leiUmbrella + " consolidation indirect unknown ..",
	}
	if got := s.relsBy(); !reflect.DeepEqual(got, want) {
		t.Errorf("relationships:\n got %q\nwant %q", got, want)
	}
	if e := s.entities["unknown:gleif:"+leiNonPub+":direct"]; e.Kind != model.Unknown || !strings.Contains(e.Name, "NON_PUBLIC") {
		t.Errorf("unknown parent = %+v", e)
	}
	// NATURAL_PERSONS / NO_KNOWN_PERSON create nothing, not even a stub
	if _, ok := s.entities["lei:"+leiNatPer]; ok {
		t.Errorf("a chain-ending exception created %s", leiNatPer)
	}
	if len(s.rejects) != 1 || s.rejects[0].Field != "ExceptionReason" {
		t.Errorf("rejects = %+v", s.rejects)
	}
}

func TestGoldenCopyCSV(t *testing.T) {
	s := parseFile(t, "../../testdata/gleif/lei-data.csv")
	csvCo := s.entities["lei:"+leiCSVCo]
	if csvCo.Name != "Example CSV Trading Limited" || csvCo.Jurisdiction != "GB" || csvCo.HQCountry != "HK" ||
		!reflect.DeepEqual(csvCo.Identifiers, []string{"GB-COH:07612345", "XI-LEI:" + leiCSVCo}) {
		t.Errorf("csv company = %+v", csvCo)
	}
	cross := s.entities["lei:"+leiCNCross]
	if cross.Jurisdiction != "CN" || !reflect.DeepEqual(cross.Identifiers, []string{"CN-USCC:91310000MA1FL2XY32", "XI-LEI:" + leiCNCross}) {
		t.Errorf("cn company = %+v", cross)
	}
	// LegalJurisdiction NULL: the legal address country stands in
	if f := s.entities["lei:"+leiFeeder]; f.Jurisdiction != "IE" || !reflect.DeepEqual(f.Identifiers, []string{"REG:IE:C123456", "XI-LEI:" + leiFeeder}) {
		t.Errorf("feeder = %+v", f)
	}
	want := []ingest.Reject{
		{File: "../../testdata/gleif/lei-data.csv", Line: 4, Field: "LEI", Reason: "missing LEI"},
		{File: "../../testdata/gleif/lei-data.csv", Line: 6, Reason: "wrong number of fields"},
	}
	if !reflect.DeepEqual(s.rejects, want) {
		t.Errorf("rejects:\n got %+v\nwant %+v", s.rejects, want)
	}
	if s.read != 6 {
		t.Errorf("read %d, want 6", s.read)
	}
}

// Every other name (all OtherEntityName and TransliteratedOtherEntityName
// types) is an alias, the literal NULL and a repeat of the legal name are
// not; the legal, headquarters, other and transliterated addresses give the
// address countries. XML and CSV say the same about the Chinese parent.
func TestAliasesAndAddressCountries(t *testing.T) {
	type names struct{ aliases, countries []string }
	tests := []struct {
		file string
		want map[string]names
	}{
		{"lei-names.xml", map[string]names{
			"549300HKNAMES0000076": {[]string{"Sample Import Export Limited", "Sample Trading", "Sample Trading Limited",
				"YANG BEN MAO YI YOU XIAN GONG SI"}, []string{"CN", "HK"}},
			"213800GBNAMES0000038": {[]string{"Brightwater Freight", "Brightwater Haulage Limited"}, []string{"GB", "IE"}},
			"529900CNNAMES0000047": {[]string{"HANGZHOU HUAXIN YUN KEJI YOUXIAN GONGSI", "Hangzhou Huaxin Cloud Technology Co., Ltd."},
				[]string{"CN"}},
		}},
		{"lei-data.xml", map[string]names{
			leiCNParent: {[]string{"Shenzhen Example Holdings Co., Ltd."}, []string{"CN"}},
			leiBranch:   {nil, []string{"GB", "HK"}},
		}},
		{"lei-data.csv", map[string]names{
			leiCNParent: {[]string{"Shenzhen Example", "Shenzhen Example Holdings Co., Ltd.", "深圳示例投资有限公司"},
				[]string{"CN", "HK"}},
			leiCSVCo: {nil, []string{"GB", "HK"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := parseFile(t, "../../testdata/gleif/"+tt.file)
			for lei, w := range tt.want {
				e := s.entities["lei:"+lei]
				if !reflect.DeepEqual(e.Aliases, w.aliases) || !reflect.DeepEqual(e.AddressCountries, w.countries) {
					t.Errorf("%s: aliases %q, address countries %q; want %q, %q", lei, e.Aliases, e.AddressCountries, w.aliases, w.countries)
				}
			}
		})
	}
	// Re-reading the file changes nothing.
	once, twice := parseFile(t, "../../testdata/gleif/lei-names.xml"), newMemSink()
	for i := 0; i < 2; i++ {
		if err := Parse(context.Background(), "../../testdata/gleif/lei-names.xml", twice, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(once.entities, twice.entities) {
		t.Errorf("re-ingesting changed the entities")
	}
}

func TestZippedCSV(t *testing.T) {
	s := parseFile(t, "../../testdata/gleif/golden-copy-csv.zip")
	want := []string{
		"lei:" + leiCNCross + ">lei:" + leiCSVCo + " consolidation direct 75.5% 2020-01-01..",
		"lei:" + leiMaster + ">lei:" + leiFeeder + " fund_management direct unknown 2021-02-01..2024-06-30",
		"unknown:gleif:" + leiCSVCo + ":ultimate>lei:" + leiCSVCo + " consolidation indirect unknown ..",
	}
	if got := s.relsBy(); !reflect.DeepEqual(got, want) {
		t.Errorf("relationships:\n got %q\nwant %q", got, want)
	}
	member := "../../testdata/gleif/golden-copy-csv.zip!20261102-0800-gleif-goldencopy-rr-golden-copy.csv"
	if len(s.rejects) != 2 || s.rejects[0].File != member || s.rejects[0].Line != 4 || s.rejects[0].Field != "QuantifierAmount" ||
		s.rejects[1].Field != "ExceptionCategory" || s.rejects[1].Line != 4 {
		t.Errorf("rejects = %+v", s.rejects)
	}
}

func TestGzipEqualsPlain(t *testing.T) {
	plain := parseFile(t, "../../testdata/gleif/lei-data.xml")
	gz := parseFile(t, "../../testdata/gleif/lei-data.xml.gz")
	if !reflect.DeepEqual(plain.entities, gz.entities) || len(gz.rejects) != 1 {
		t.Errorf("gzip differs from plain")
	}
}

func TestIdempotentReparse(t *testing.T) {
	s := newMemSink()
	for i := 0; i < 2; i++ {
		for _, f := range []string{"lei-data.xml", "rr-data.xml", "repex-data.xml"} {
			if err := Parse(context.Background(), "../../testdata/gleif/"+f, s, Options{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	once := newMemSink()
	for _, f := range []string{"rr-data.xml", "repex-data.xml", "lei-data.xml"} {
		if err := Parse(context.Background(), "../../testdata/gleif/"+f, once, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(keys(s.rels), keys(once.rels)) || !reflect.DeepEqual(keys(s.entities), keys(once.entities)) {
		t.Errorf("re-parsing or reordering changed the records")
	}
	if e := once.entities["lei:"+leiCNUlt]; !e.StateOwned || e.Kind != model.Company || e.Jurisdiction != "CN" {
		t.Errorf("stub written first lost the level-1 data: %+v", e)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	leiXML, err := os.ReadFile("../../testdata/gleif/lei-data.xml")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(leiXML)
	zw.Close()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, file string
		want       []string
	}{
		{"truncated gzip", write("t.xml.gz", gz.Bytes()[:gz.Len()/2]), []string{"t.xml.gz", "unexpected EOF"}},
		{"truncated xml", write("t.xml", leiXML[:len(leiXML)/2]), []string{"t.xml", "line "}},
		{"mismatched tags", write("m.xml", []byte("<lei:LEIData xmlns:lei=\"x\">\n<lei:LEIRecords>\n<lei:LEIRecord><lei:LEI>x</lei:Entity></lei:LEIRecord>")),
			[]string{"m.xml", "line 3", "invalid XML"}},
		{"not gleif xml", write("n.xml", []byte("<?xml version=\"1.0\"?>\n<feed/>")), []string{"n.xml", "line 2", "root element <feed>"}},
		{"not gleif csv", write("n.csv", []byte("a,b\n1,2\n")), []string{"n.csv", "not a GLEIF"}},
		{"empty", write("e.csv", nil), []string{"e.csv", "empty"}},
		{"bad zip", write("z.zip", []byte("PK\x03\x04 not really")), []string{"z.zip"}},
		{"gz that is not gzip", write("p.gz", []byte("plain")), []string{"p.gz", "not a gzip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Parse(context.Background(), tt.file, newMemSink(), Options{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestDate(t *testing.T) {
	for in, want := range map[string]string{
		"2022-10-24T08:00:00+02:00": "2022-10-24", "2012-11-29T00:00:00.000Z": "2012-11-29",
		"2020-01-01": "2020-01-01", "NULL": "", "": "",
	} {
		if got, err := date("d", in); err != nil || got != want {
			t.Errorf("date(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"2020-13-01", "yesterday", "2020-01-01X"} {
		if _, err := date("d", bad); err == nil {
			t.Errorf("date(%q) accepted", bad)
		}
	}
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))
