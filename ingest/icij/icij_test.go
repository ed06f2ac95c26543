package icij

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
	"github.com/ubo-project/ubo/model"
)

const bundleDir = "../../testdata/icij/bundle"

func TestClassifyLink(t *testing.T) {
	O, C, T, N, F := model.Ownership, model.Control, model.TrustRole, model.Nominee, model.Officer
	tests := []struct {
		link  string
		kinds []model.RelKind
		share model.Share
	}{
		// ownership, with a share when the text gives one
		{"shareholder of", []model.RelKind{O}, model.Share{}},
		{"Shareholder (Trident) - 34%", []model.RelKind{O}, model.Exact(34)},
		{"Co-owner (50% owned by him)", []model.RelKind{O}, model.Exact(50)},
		{"owner of", []model.RelKind{O}, model.Share{}},
		{"Beneficial Owner", []model.RelKind{O}, model.Share{}},
		{"beneficiary of", []model.RelKind{O}, model.Share{}},
		{"benefiicary (main), protector", []model.RelKind{O, T}, model.Share{}},
		{"Shareholder/Director/Bemeficial Owner", []model.RelKind{O, F}, model.Share{}},
		{"UBO", []model.RelKind{O}, model.Share{}},
		{"BO/Director", []model.RelKind{O, F}, model.Share{}},
		{"Director and Shareholder", []model.RelKind{O, F}, model.Share{}},
		{"sole director and sole shareholder", []model.RelKind{O, F}, model.Share{}},
		{"Corporate Shareholder", []model.RelKind{O}, model.Share{}},
		{"partner of", []model.RelKind{O}, model.Share{}},
		{"investor", []model.RelKind{O}, model.Share{}},
		{"Shareholders", []model.RelKind{O}, model.Share{}},
		{"shareholder , POA, UBO", []model.RelKind{O, F}, model.Share{}},
		// control
		{"Person of Significant Control", []model.RelKind{C}, model.Share{}},
		{"Ultimate controling party", []model.RelKind{C}, model.Share{}},
		{"effective controller, Herman Gref provided source of funds", []model.RelKind{C}, model.Share{}},
		{"controller, ubo, settlor", []model.RelKind{O, T, F}, model.Share{}},
		// trust roles
		{"trustee of", []model.RelKind{T}, model.Share{}},
		{"Protector of", []model.RelKind{T}, model.Share{}},
		{"Settlor; Grantor", []model.RelKind{T}, model.Share{}},
		{"Settlor and Beneficiary", []model.RelKind{O, T}, model.Share{}},
		{"enforcer of", []model.RelKind{T}, model.Share{}},
		{"appointor of", []model.RelKind{T}, model.Share{}},
		{"founder", []model.RelKind{T}, model.Share{}},
		// nominees: nominee only, whatever the role
		{"nominee shareholder of", []model.RelKind{N}, model.Share{}},
		{"Nominee Director of", []model.RelKind{N}, model.Share{}},
		{"nominee name of", []model.RelKind{N}, model.Share{}},
		{"Nominee Trust Settlor of", []model.RelKind{N}, model.Share{}},
		{"nominated person of", []model.RelKind{N}, model.Share{}},
		// officers
		{"director of", []model.RelKind{F}, model.Share{}},
		{"secretary of", []model.RelKind{F}, model.Share{}},
		{"Director / V.P.", []model.RelKind{F}, model.Share{}},
		{"pres / sec / director", []model.RelKind{F}, model.Share{}},
		{"authorised signatory of", []model.RelKind{F}, model.Share{}},
		{"power of attorney of", []model.RelKind{F}, model.Share{}},
		{"attorney‑in‑fact", []model.RelKind{F}, model.Share{}},
		{"c.e.o", []model.RelKind{F}, model.Share{}},
		{"CEO", []model.RelKind{F}, model.Share{}},
		{"Managing Partner", []model.RelKind{F}, model.Share{}},
		{"member of the board of directors", []model.RelKind{F}, model.Share{}},
		{"financial controller", []model.RelKind{F}, model.Share{}},
		{"liquidator of", []model.RelKind{F}, model.Share{}},
		{"connected to", []model.RelKind{F}, model.Share{}}, // filed under officer_of: an officer edge, never control
		{"", []model.RelKind{F}, model.Share{}},
		// service roles: nothing
		{"registered agent of", nil, model.Share{}},
		{"registered office", nil, model.Share{}},
		{"intermediary / eligible introducer of", nil, model.Share{}},
		{"auditor of", nil, model.Share{}},
		{"custodian of", nil, model.Share{}},
		{"residential address", nil, model.Share{}},
		{"same name as", nil, model.Share{}},
	}
	for _, tt := range tests {
		got := ClassifyLink(tt.link)
		if !reflect.DeepEqual(got.Kinds, tt.kinds) || got.Share != tt.share {
			t.Errorf("ClassifyLink(%q) = %v %v; want %v %v", tt.link, got.Kinds, got.Share, tt.kinds, tt.share)
		}
	}
}

func TestDate(t *testing.T) {
	tests := map[string]string{"23-MAR-2006": "2006-03-23", "5-jan-2009": "2009-01-05", "Jan 5, 2009": "2009-01-05",
		"2006-03-23": "2006-03-23", "23/03/2006": "2006-03-23", "23.03.2006": "2006-03-23", "": "",
		"2006": "", "not a date": "", "31-FEB-2006": ""}
	for in, want := range tests {
		if got := Date(in); got != want {
			t.Errorf("Date(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCountry(t *testing.T) {
	tests := map[string]string{"BVI": "VG", "PMA": "PA", "SAM": "WS", "HKG": "HK", "CHN": "CN", "CYM": "KY",
		"VGB": "VG", "XXX": "", "": "", "British Virgin Islands": "VG", "Hong Kong": "HK", "COOK": "CK"}
	for in, want := range tests {
		got, ok := Country(in)
		if got != want || ok != (want != "") {
			t.Errorf("Country(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestLooksCorporate(t *testing.T) {
	for name, want := range map[string]bool{"Example Pearl Holdings Limited": true, "ACME LTD.": true,
		"Foo S.A.": true, "Bar GmbH": true, "Example Family Trust": true, "Zhang Example": false,
		"Maria Example": false, "Jim Nominees Limited <Jarvis>": true, "Cobalt Smith": false} {
		if got := LooksCorporate(name); got != want {
			t.Errorf("LooksCorporate(%q) = %v", name, got)
		}
	}
}

func parseBundle(t *testing.T, path string) *ingesttest.Sink {
	t.Helper()
	s := ingesttest.NewSink()
	if err := Parse(context.Background(), path, s); err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	if len(s.Dangling) > 0 {
		t.Errorf("relationships before their endpoints: %v", s.Dangling)
	}
	return s
}

func TestBundle(t *testing.T) {
	s := parseBundle(t, bundleDir)
	bvi := s.Entities["icij:10000002"]
	if bvi.Kind != model.Company || bvi.Jurisdiction != "VG" || bvi.HQCountry != "HK" ||
		!reflect.DeepEqual(bvi.Identifiers, []string{"ICIJ:10000002", "REG:VG:654321"}) {
		t.Errorf("BVI entity: %+v", bvi)
	}
	if !slices.Contains(bvi.Lists, "icij.panama_papers") || !slices.Contains(bvi.Lists, CandidateTag+"icij:12000002") {
		t.Errorf("BVI lists: %v", bvi.Lists)
	}
	if e := s.Entities["icij:10000003"]; e.Jurisdiction != "WS" || e.HQCountry != "" {
		t.Errorf("Samoa entity (XXX countries): %+v", e)
	}
	if e := s.Entities["icij:10000004"]; e.Name != `Example "Quoted" Holdings S.A.` || e.HQCountry != "" {
		t.Errorf("entity with two countries: %+v", e)
	}
	if e := s.Entities["icij:12000001"]; e.Kind != model.Company || e.HQCountry != "HK" {
		t.Errorf("corporate officer: %+v", e)
	}
	if e := s.Entities["icij:12000003"]; e.Kind != model.Person || e.Residence != "CN" {
		t.Errorf("person officer: %+v", e)
	}
	if e := s.Entities["icij:13000001"]; e.Kind != model.Arrangement || e.Jurisdiction != "CK" ||
		!reflect.DeepEqual(e.Lists, []string{"icij.paradise_papers_appleby"}) {
		t.Errorf("trust (others): %+v", e)
	}
	if _, ok := s.Entities["icij:14000001"]; ok {
		t.Error("an address node became an entity")
	}
	// The shareholder chain: HK company 60% → BVI → Samoa.
	if own := s.Edges("icij:12000001", "icij:10000002")[model.Ownership]; own.Share != model.Exact(60) || own.StartDate != "2006-03-23" {
		t.Errorf("HK → BVI: %+v", own)
	}
	if own := s.Edges("icij:10000002", "icij:10000003")[model.Ownership]; own.Share.Known || own.StartDate != "2009-01-05" {
		t.Errorf("BVI → Samoa: %+v", own)
	}
	if own := s.Edges("icij:12000003", "icij:10000002")[model.Ownership]; own.Kind != model.Ownership {
		t.Error("beneficiary not ownership")
	}
	maria := s.Edges("icij:12000004", "icij:10000002")
	if maria[model.Ownership].EndDate != "2012-12-31" || maria[model.Officer].EndDate != "2012-12-31" {
		t.Errorf("director and shareholder: %+v", maria)
	}
	if _, ok := s.Edges("icij:12000005", "icij:10000003")[model.Nominee]; !ok {
		t.Error("nominee shareholder not nominee")
	}
	if own := s.Edges("icij:13000001", "icij:10000004")[model.Ownership]; own.Share != model.Exact(50) {
		t.Errorf("co-owner 50%%: %+v", own)
	}
	for _, r := range s.Rels {
		if r.HolderID == "icij:11000001" {
			t.Errorf("intermediary / registered agent edge written: %+v", r)
		}
		if strings.Contains(r.ID, "same name") || strings.Contains(r.ID, "similar") {
			t.Errorf("similarity written as an edge: %+v", r)
		}
	}
	if len(s.Rels) != 10 {
		t.Errorf("%d relationships, want 10: %v", len(s.Rels), s.Order)
	}
	// Candidates on both sides, nothing merged.
	if o := s.Entities["icij:12000002"]; !slices.Contains(o.Lists, CandidateTag+"icij:10000002") || o.Kind != model.Company {
		t.Errorf("officer twin: %+v", o)
	}
	if len(s.Rejects) != 2 {
		t.Fatalf("rejects: %+v", s.Rejects)
	}
	if r := s.Rejects[0]; r.Line != 15 || r.Field != "node_id_end" || !strings.HasSuffix(r.File, "relationships.csv") {
		t.Errorf("unknown node reject: %+v", r)
	}
	if r := s.Rejects[1]; r.Line != 16 || !strings.Contains(r.Reason, "fields") {
		t.Errorf("short row reject: %+v", r)
	}
}

func TestZipBundleMatchesFolder(t *testing.T) {
	zpath := filepath.Join(t.TempDir(), "full-oldb.zip")
	f, err := os.Create(zpath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	files, _ := filepath.Glob(filepath.Join(bundleDir, "*.csv"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create("full-oldb.LATEST/" + filepath.Base(p))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	d, z := parseBundle(t, bundleDir), parseBundle(t, zpath)
	if !reflect.DeepEqual(d.Entities, z.Entities) || !reflect.DeepEqual(d.Rels, z.Rels) {
		t.Error("zip and folder give different records")
	}
	if len(z.Rejects) != 2 || !strings.Contains(z.Rejects[0].File, "full-oldb.zip!full-oldb.LATEST/relationships.csv") {
		t.Errorf("zip rejects: %+v", z.Rejects)
	}
}

func TestBundleErrors(t *testing.T) {
	dir := t.TempDir()
	if err := Parse(context.Background(), dir, ingesttest.NewSink()); err == nil || !strings.Contains(err.Error(), "no nodes") {
		t.Errorf("empty folder: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "relationships.csv"), []byte("start,end\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Parse(context.Background(), dir, ingesttest.NewSink())
	if err == nil || !strings.Contains(err.Error(), `missing column "node_id_start"`) {
		t.Errorf("missing column: %v", err)
	}
	if err := Parse(context.Background(), filepath.Join(dir, "nope.zip"), ingesttest.NewSink()); err == nil {
		t.Error("missing path accepted")
	}
}

// original_name and former_name are aliases (a repeat of the name is not);
// every country code is an address country, and one of several is not an
// HQ country or residence.
func TestAliasesAndAddressCountries(t *testing.T) {
	s := parseBundle(t, "../../testdata/icij/names-bundle")
	tests := []struct {
		id                 string
		aliases, countries []string
	}{
		{"icij:10100001", []string{"Jade Harbour Holdings Ltd.", "PEARL HARBOUR TRADING LIMITED"}, []string{"CN", "HK"}},
		{"icij:10100002", nil, nil},
		{"icij:12100001", nil, []string{"CN", "SG"}},
	}
	for _, tt := range tests {
		e, ok := s.Entities[tt.id]
		if !ok || !reflect.DeepEqual(e.Aliases, tt.aliases) || !reflect.DeepEqual(e.AddressCountries, tt.countries) {
			t.Errorf("%s: aliases %q, address countries %q; want %q, %q", tt.id, e.Aliases, e.AddressCountries, tt.aliases, tt.countries)
		}
	}
	if e := s.Entities["icij:12100001"]; e.Residence != "" {
		t.Errorf("residence %q from two countries", e.Residence)
	}
}
