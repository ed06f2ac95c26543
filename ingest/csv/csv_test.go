package csv

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

// fakeSink records everything a parser emits.
type fakeSink struct {
	entities []model.Entity
	rels     []model.Relationship
	rejects  []ingest.Reject
	read     int
}

func (s *fakeSink) Entity(e model.Entity) error             { s.entities = append(s.entities, e); return nil }
func (s *fakeSink) Relationship(r model.Relationship) error { s.rels = append(s.rels, r); return nil }
func (s *fakeSink) Reject(r ingest.Reject) error            { s.rejects = append(s.rejects, r); return nil }
func (s *fakeSink) CountRead(n int)                         { s.read += n }

func (s *fakeSink) entity(t *testing.T, id string) model.Entity {
	t.Helper()
	for _, e := range s.entities {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("entity %q not emitted", id)
	return model.Entity{}
}

// fakeStore knows a fixed set of ids.
type fakeStore map[string]bool

func (f fakeStore) CanonicalIDs(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		if f[id] {
			out[id] = id
		}
	}
	return out, nil
}

const dir = "../../testdata/csv"

func TestParseGoodSample(t *testing.T) {
	sink := &fakeSink{}
	ents, rels := filepath.Join(dir, "entities.csv"), filepath.Join(dir, "relationships.csv")
	if err := Parse(context.Background(), ents, rels, sink, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(sink.rejects) != 0 {
		t.Fatalf("rejects in the good sample: %v", sink.rejects)
	}
	if len(sink.entities) != 11 || len(sink.rels) != 12 || sink.read != 23 {
		t.Fatalf("got %d entities, %d relationships, %d read; want 11, 12, 23", len(sink.entities), len(sink.rels), sink.read)
	}

	sasac := sink.entity(t, "sasac")
	if sasac.Kind != model.StateBody || sasac.Jurisdiction != "CN" || !sasac.StateOwned || sasac.Source != "csv" {
		t.Errorf("sasac = %+v", sasac)
	}
	if sasac.SourceRef != ents+":2" {
		t.Errorf("sasac source_ref = %q, want %q", sasac.SourceRef, ents+":2")
	}
	holdco := sink.entity(t, "cn-holdco")
	if holdco.Jurisdiction != "CN" || !slices.Equal(holdco.Identifiers, []string{"CN-USCC:91110000MA01EXAMPP"}) {
		t.Errorf("cn-holdco = %+v", holdco)
	}
	jv := sink.entity(t, "jv-ltd")
	if jv.Jurisdiction != "GB" || !slices.Equal(jv.Identifiers, []string{"GB-COH:07654321", "XI-LEI:213800EXAMPLEGB00118"}) {
		t.Errorf("jv-ltd = %+v", jv)
	}
	if us := sink.entity(t, "us-inc"); us.Name != "Example Industries, Inc." || us.Jurisdiction != "US" || us.HQCountry != "US" {
		t.Errorf("us-inc = %+v", us)
	}
	if de := sink.entity(t, "target-gmbh"); de.Jurisdiction != "DE" || !slices.Equal(de.Identifiers, []string{"REG:DE:HRB12345"}) {
		t.Errorf("target-gmbh = %+v", de)
	}
	if hk := sink.entity(t, "harbour-nominees"); hk.Jurisdiction != "HK" {
		t.Errorf("harbour-nominees = %+v", hk)
	}
	if band := sink.entity(t, "band-co"); !slices.Equal(band.Identifiers, []string{"GB-COH:SC000123"}) {
		t.Errorf("band-co = %+v", band)
	}
	if u := sink.entity(t, "unknown-band-co-1"); u.Kind != model.Unknown {
		t.Errorf("unknown holder = %+v", u)
	}
	li := sink.entity(t, "li-wei")
	if li.Kind != model.Person || !slices.Equal(li.Nationality, []string{"CN"}) || li.Residence != "SG" {
		t.Errorf("li-wei = %+v", li)
	}
	if b := sink.entity(t, "cross-b"); b.Jurisdiction != "KY" || b.HQCountry != "SG" || !slices.Equal(b.Lists, []string{"us.bis.entity_list"}) {
		t.Errorf("cross-b = %+v", b)
	}

	byKey := map[string]model.Relationship{}
	for _, r := range sink.rels {
		byKey[r.HolderID+">"+r.HeldID+">"+string(r.Kind)] = r
	}
	band := byKey["harbour-nominees>band-co>ownership"]
	if band.Share != model.Range(25, 50, true, false) || band.SourceRef != "PSC 25-to-50" || band.StartDate != "2021-04-06" {
		t.Errorf("PSC band edge = %+v", band)
	}
	if u := byKey["unknown-band-co-1>band-co>ownership"]; u.Share.Known {
		t.Errorf("unknown holder's share should be unknown: %+v", u)
	}
	jvEdge := byKey["cn-holdco>jv-ltd>ownership"]
	if jvEdge.Share != model.Exact(50) || jvEdge.ID != model.RelationshipID("csv", "JV agreement 2019 s.4", "cn-holdco", "jv-ltd", model.Ownership) {
		t.Errorf("JV edge = %+v", jvEdge)
	}
	root := byKey["sasac>cn-holdco>ownership"]
	if root.SourceRef != rels+":2" || root.ID != model.RelationshipID("csv", "", "sasac", "cn-holdco", model.Ownership) {
		t.Errorf("default source_ref/id: %+v", root)
	}
	if board := byKey["li-wei>cross-a>board"]; board.EndDate != "2022-12-31" || board.Share.Known {
		t.Errorf("ended board edge = %+v", board)
	}
	if x := byKey["cross-b>cross-a>ownership"]; x.Share != model.Exact(25) {
		t.Errorf("cross-holding = %+v", x)
	}
}

// TestParseBadRows checks that every bad row lands in the rejects with file,
// line and field, and every good row is emitted.
func TestParseBadRows(t *testing.T) {
	sink := &fakeSink{}
	ents, rels := filepath.Join(dir, "entities-bad.csv"), filepath.Join(dir, "relationships-bad.csv")
	err := Parse(context.Background(), ents, rels, sink, Options{Known: fakeStore{"store-co": true}, LookupBatch: 3})
	if err != nil {
		t.Fatal(err)
	}
	type pos struct {
		file  string
		line  int
		field string
	}
	want := []struct {
		pos
		reason string
	}{
		{pos{ents, 5, "id"}, "missing id"},
		{pos{ents, 6, "kind"}, `unknown entity kind "corporation"`},
		{pos{ents, 7, "jurisdiction"}, `unknown country "Atlantis"`},
		{pos{ents, 8, "nationality"}, `unknown country "Martian"`},
		{pos{ents, 9, "state_owned"}, "not true or false"},
		{pos{ents, 10, "identifiers"}, "not an ISO 17442 LEI"},
		{pos{ents, 11, "identifiers"}, "GB 32100-2015"},
		{pos{ents, 12, "id"}, "different content (first at line 2)"},
		{pos{ents, 13, "id"}, "duplicate row: same as line 2"},
		{pos{ents, 14, ""}, "has 3 fields, the header has 10"},
		{pos{ents, 16, "identifiers"}, "want SCHEME:value"},
		{pos{ents, 17, "kind"}, "missing kind"},
		{pos{ents, 18, "hq_country"}, `unknown country "Middle Earth"`},
		{pos{ents, 19, "residence"}, `unknown country "Neverland"`},
		{pos{rels, 4, "kind"}, `unknown relationship kind "owns"`},
		{pos{rels, 5, "share"}, `not a percentage: "fifty"`},
		{pos{rels, 6, "share"}, "outside 0..100"},
		{pos{rels, 7, "share"}, "outside 0..100"},
		{pos{rels, 8, "share_min"}, "above maximum"},
		{pos{rels, 9, "share"}, "disagrees with share_min"},
		{pos{rels, 10, "share_min_exclusive"}, "not true or false"},
		{pos{rels, 11, "start_date"}, "not a date"},
		{pos{rels, 12, "end_date"}, "not a date"},
		{pos{rels, 13, "holder_id"}, "missing holder_id"},
		{pos{rels, 14, "held_id"}, "missing held_id"},
		{pos{rels, 15, "holder_id"}, `unknown entity "ghost"`},
		{pos{rels, 16, "held_id"}, `unknown entity "nowhere"`},
		{pos{rels, 17, ""}, "duplicate row: same as line 2"},
		{pos{rels, 18, "source_ref"}, "different content (first at line 2)"},
		{pos{rels, 19, "end_date"}, "before start_date"},
		{pos{rels, 20, "held_id"}, "the same entity"},
		{pos{rels, 21, "share"}, "is empty"},
		{pos{rels, 22, "holder_id"}, `unknown entity "e-bad-kind"`},
		{pos{rels, 26, "share_min_exclusive"}, "share_min is empty"},
		{pos{rels, 27, "held_id"}, "malformed CSV"},
		{pos{rels, 29, ""}, "has 10 fields, the header has 11"},
	}
	got := map[pos]string{}
	for _, r := range sink.rejects {
		p := pos{r.File, r.Line, r.Field}
		if _, dup := got[p]; dup {
			t.Errorf("two rejects at %+v", p)
		}
		got[p] = r.Reason
	}
	for _, w := range want {
		reason, ok := got[w.pos]
		if !ok {
			t.Errorf("no reject at %s line %d field %q (want %q)", w.file, w.line, w.field, w.reason)
			continue
		}
		if !strings.Contains(reason, w.reason) {
			t.Errorf("%s line %d field %q: reason %q, want it to contain %q", w.file, w.line, w.field, reason, w.reason)
		}
		delete(got, w.pos)
	}
	for p, reason := range got {
		t.Errorf("unexpected reject at %+v: %s", p, reason)
	}

	var ids []string
	for _, e := range sink.entities {
		ids = append(ids, e.ID+"@"+strings.TrimPrefix(e.SourceRef, ents+":"))
	}
	if want := []string{"e-good-1@2", "e-good-2@3", "e-good-3@15"}; !slices.Equal(ids, want) {
		t.Errorf("entities emitted %v, want %v", ids, want)
	}
	if name := sink.entity(t, "e-good-2").Name; name != "Good Two\nHoldings Ltd" {
		t.Errorf("quoted newline name = %q", name)
	}
	var lines []string
	for _, r := range sink.rels {
		lines = append(lines, r.HolderID+">"+r.HeldID+">"+string(r.Kind))
	}
	slices.Sort(lines)
	wantRels := []string{
		"e-good-1>e-good-2>ownership", // line 2
		"e-good-2>e-good-3>control",   // lines 23-24
		"e-good-3>e-good-1>ownership", // line 3: unknown share
		"e-good-3>e-good-2>influence", // line 28, after a malformed row
		"e-good-3>e-good-2>ownership", // line 30: (25, 100]
		"store-co>e-good-1>ownership", // line 25: endpoint known to the store
	}
	if !slices.Equal(lines, wantRels) {
		t.Errorf("relationships emitted:\n%v\nwant\n%v", lines, wantRels)
	}
	for _, r := range sink.rels {
		switch r.HolderID + ">" + r.HeldID + ">" + string(r.Kind) {
		case "e-good-2>e-good-3>control":
			if r.SourceRef != "deed of 2019\nclause 2" {
				t.Errorf("source_ref across a quoted newline = %q", r.SourceRef)
			}
		case "e-good-3>e-good-2>ownership":
			if r.Share != model.Range(25, 100, true, false) {
				t.Errorf("share_min only = %+v, want (25, 100]", r.Share)
			}
		case "e-good-3>e-good-1>ownership":
			if r.Share.Known {
				t.Errorf("missing share should be unknown: %+v", r.Share)
			}
		}
	}
	if sink.read != 17+28 {
		t.Errorf("read %d records, want %d", sink.read, 17+28)
	}
}

// TestParseNoStoreDangling: without a store lookup, endpoints missing from
// the entities file are dangling.
func TestParseNoStoreDangling(t *testing.T) {
	d := t.TempDir()
	rels := writeFile(t, d, "r.csv", "holder_id,held_id,kind\na,b,ownership\n")
	sink := &fakeSink{}
	if err := Parse(context.Background(), "", rels, sink, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(sink.rels) != 0 || len(sink.rejects) != 1 || sink.rejects[0].Field != "holder_id" ||
		!strings.Contains(sink.rejects[0].Reason, `held_id "b" is unknown too`) {
		t.Fatalf("rejects = %+v, rels = %+v", sink.rejects, sink.rels)
	}
}

func TestParseIdempotentIDs(t *testing.T) {
	ents, rels := filepath.Join(dir, "entities.csv"), filepath.Join(dir, "relationships.csv")
	a, b := &fakeSink{}, &fakeSink{}
	for _, s := range []*fakeSink{a, b} {
		if err := Parse(context.Background(), ents, rels, s, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.EqualFunc(a.rels, b.rels, func(x, y model.Relationship) bool { return x == y }) {
		t.Fatal("re-parsing the same files gave different relationships")
	}
	seen := map[string]bool{}
	for _, r := range a.rels {
		if seen[r.ID] {
			t.Errorf("relationship id %q used twice", r.ID)
		}
		seen[r.ID] = true
	}

	// Moving a row without a source_ref keeps its id.
	d := t.TempDir()
	e := writeFile(t, d, "e.csv", "id,name,kind\na,A,company\nb,B,company\n")
	r1 := writeFile(t, d, "r1.csv", "holder_id,held_id,kind,share\na,b,ownership,10\n")
	r2 := writeFile(t, d, "r2.csv", "holder_id,held_id,kind,share\n\n\na,b,ownership,10\n")
	s1, s2 := &fakeSink{}, &fakeSink{}
	if err := Parse(context.Background(), e, r1, s1, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Parse(context.Background(), e, r2, s2, Options{}); err != nil {
		t.Fatal(err)
	}
	if s1.rels[0].ID != s2.rels[0].ID {
		t.Errorf("ids differ after moving a row: %q vs %q", s1.rels[0].ID, s2.rels[0].ID)
	}
}

func TestParseGzipAndColumnOrder(t *testing.T) {
	d := t.TempDir()
	path := filepath.Join(d, "e.csv.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte("Kind , ID,Name,notes\r\ncompany,x1,X One,ignored\r\n"))
	zw.Close()
	f.Close()
	sink := &fakeSink{}
	if err := Parse(context.Background(), path, "", sink, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(sink.entities) != 1 || sink.entities[0].ID != "x1" || sink.entities[0].Name != "X One" || sink.entities[0].Kind != model.Company {
		t.Fatalf("entities = %+v, rejects = %+v", sink.entities, sink.rejects)
	}
	ignored, err := CheckHeaders(path, "")
	if err != nil || !slices.Equal(ignored, []string{path + ": notes"}) {
		t.Fatalf("CheckHeaders = %v, %v", ignored, err)
	}
}

func TestHeaderErrors(t *testing.T) {
	d := t.TempDir()
	tests := []struct {
		name, ents, rels, want string
	}{
		{"empty entities", "", "holder_id,held_id,kind\n", "is empty"},
		{"bom only", "\ufeff", "-", "is empty"},
		{"blank first row", " , \nid,name,kind\n", "-", "is empty"},
		{"missing kind", "id,name\n", "-", "missing required column(s) kind"},
		{"missing held", "id,name,kind\n", "holder_id,kind,share\n", "missing required column(s) held_id"},
		{"duplicate column", "id,name,kind,ID\n", "-", `column "id" appears twice`},
		{"relationships given as entities", "holder_id,held_id,kind\n", "-", "missing required column(s) id, name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// "-" means: no such file given.
			ents := writeFile(t, d, "e.csv", tt.ents)
			rels := ""
			if tt.rels != "-" {
				rels = writeFile(t, d, "r.csv", tt.rels)
			}
			_, err := CheckHeaders(ents, rels)
			for _, e := range []error{err, Parse(context.Background(), ents, rels, &fakeSink{}, Options{})} {
				if !errors.Is(e, ErrHeader) || !strings.Contains(e.Error(), tt.want) {
					t.Errorf("error %v, want ErrHeader containing %q", e, tt.want)
				}
			}
		})
	}
	if err := Parse(context.Background(), "", "", &fakeSink{}, Options{}); err == nil {
		t.Error("no files: want an error")
	}
	if err := Parse(context.Background(), filepath.Join(d, "missing.csv"), "", &fakeSink{}, Options{}); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Parse(ctx, filepath.Join(dir, "entities.csv"), "", &fakeSink{}, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// aliases are ';'-separated names (blanks and the name itself dropped);
// address_countries are ';'-separated countries in any spelling the country
// table knows, and one it does not rejects the row naming the field.
func TestAliasesAndAddressCountries(t *testing.T) {
	sink := &fakeSink{}
	ents := filepath.Join(dir, "entities-names.csv")
	if err := Parse(context.Background(), ents, "", sink, Options{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id                 string
		aliases, countries []string
	}{
		{"sz-holdings", []string{"Shenzhen Example", "Shenzhen Example Holdings Co., Ltd."}, []string{"CN", "HK"}},
		{"brightwater", []string{"Brightwater Haulage Limited"}, []string{"GB", "IE"}},
		{"plain", nil, nil},
	}
	for _, tt := range tests {
		e := sink.entity(t, tt.id)
		if !slices.Equal(e.Aliases, tt.aliases) || !slices.Equal(e.AddressCountries, tt.countries) {
			t.Errorf("%s: aliases %q, address countries %q; want %q, %q", tt.id, e.Aliases, e.AddressCountries, tt.aliases, tt.countries)
		}
	}
	want := []ingest.Reject{{File: ents, Line: 4, Field: "address_countries", Reason: `unknown country "Atlantis"`}}
	if !slices.Equal(sink.rejects, want) {
		t.Errorf("rejects %+v, want %+v", sink.rejects, want)
	}
	if len(sink.entities) != 3 || sink.read != 4 {
		t.Errorf("%d entities, %d read; want 3, 4", len(sink.entities), sink.read)
	}
}

// TestUnbalancedQuoteAccountsForEveryLine is issue 19 item 2: a stray
// quote must cost its own line only. Every physical data line ends up as
// a written entity or a reject at that line, and the read count is their
// sum.
func TestUnbalancedQuoteAccountsForEveryLine(t *testing.T) {
	rows := func(lines map[int]string, n int) string {
		var b strings.Builder
		b.WriteString("id,name,kind,jurisdiction\n")
		for i := 2; i <= n+1; i++ {
			if l, ok := lines[i]; ok {
				b.WriteString(l + "\n")
				continue
			}
			fmt.Fprintf(&b, "E%d,Company %d,company,GB\n", i, i)
		}
		return b.String()
	}
	tests := []struct {
		name     string
		content  string
		rejected map[int]string // line → "field|reason fragment"
		multi    map[string]string
	}{
		{"issue 19: unbalanced quote, no later quote",
			rows(map[int]string{7: `F,"Broken quote,company,GB`}, 17),
			map[int]string{7: "name|no closing quote before the end of the file"}, nil},
		{"a later quoted field does not close it into a record",
			rows(map[int]string{7: `F,"Broken quote,company,GB`, 11: `K,"Name, Inc",company,GB`}, 17),
			map[int]string{7: "name|unbalanced quote"}, nil},
		// (Had line 9 four fields, lines 7-9 would be one valid record
		// with a quoted newline: CSV cannot tell that from a stray quote.)
		{"quotes balancing on a later line into the wrong width",
			rows(map[int]string{7: `F,"Broken quote,company,GB`, 9: `H,Name",company`}, 17),
			map[int]string{7: "name|record of 4 fields", 9: `name|bare "`}, nil},
		{"unbalanced quote on the last line",
			rows(map[int]string{18: `R,"Broken,company,GB`}, 17),
			map[int]string{18: "name|unbalanced quote"}, nil},
		{"bare quote",
			rows(map[int]string{5: `D,Bad "quote,company,GB`}, 17),
			map[int]string{5: `name|bare "`}, nil},
		{"a quoted field over two lines is still one record",
			rows(map[int]string{7: "F,\"Two\nLines Ltd\",company,GB"}, 16),
			nil, map[string]string{"F": "Two\nLines Ltd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "e.csv", tt.content)
			sink := &fakeSink{}
			if err := Parse(context.Background(), path, "", sink, Options{}); err != nil {
				t.Fatal(err)
			}
			accounted := map[int]string{}
			for _, e := range sink.entities {
				n, _ := strconv.Atoi(strings.TrimPrefix(e.SourceRef, path+":"))
				accounted[n] = "written " + e.ID
				if want, ok := tt.multi[e.ID]; ok && e.Name != want {
					t.Errorf("%s: name %q, want %q", e.ID, e.Name, want)
				}
			}
			for _, r := range sink.rejects {
				if prev, dup := accounted[r.Line]; dup {
					t.Errorf("line %d both %s and rejected", r.Line, prev)
				}
				accounted[r.Line] = "rejected: " + r.Reason
				field, want, ok := strings.Cut(tt.rejected[r.Line], "|")
				if !ok || r.Field != field || !strings.Contains(r.Reason, want) {
					t.Errorf("line %d rejected: field %q: %s (want field %q: %q)", r.Line, r.Field, r.Reason, field, want)
				}
				if r.File != path {
					t.Errorf("reject names file %q", r.File)
				}
			}
			physical := strings.Count(tt.content, "\n") - 1 // data lines after the header
			for n := 2; n <= physical+1; n++ {
				_, ok := accounted[n]
				// a multi-line record's continuation belongs to the line before
				continuation := tt.multi != nil && strings.HasPrefix(accounted[n-1], "written")
				if !ok && !continuation {
					t.Errorf("line %d neither written nor rejected", n)
				}
			}
			if got := len(sink.entities) + len(sink.rejects); sink.read != got {
				t.Errorf("read %d, but written %d + rejected %d = %d", sink.read, len(sink.entities), len(sink.rejects), got)
			}
			if tt.multi == nil && sink.read != physical {
				t.Errorf("read %d records of %d physical data lines", sink.read, physical)
			}
		})
	}
}
