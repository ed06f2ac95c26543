package resolve_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/gleif"
	"github.com/ubo-project/ubo/ingest/psc"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(ctx) })
	return st
}

func TestMatchKeys(t *testing.T) {
	got := resolve.MatchKeys([]string{
		"XI-LEI:529900cnparent000194", // lower case: upper-cased
		"XI-LEI:529900CNPARENT000195", // bad check digits: ignored
		"GB-COH:1234567",              // padded
		"CN-USCC:91440300MA5ABCDE1H",  // valid
		"REG:CN:91310000MA1FL2XY32",   // a USCC filed as a registry number
		"REG:KY:000123",               // zero padding dropped
		"REG:DE:HRB 12345",            // cleaned
		"REG:XX",                      // malformed
		"OTHER:1", "no-scheme", "REG:US:000",
		"FTM:NK-abc123", "ftm:", "ICIJ:10001234", // source ids: exact
	})
	want := []string{"CN-USCC:91310000MA1FL2XY32", "CN-USCC:91440300MA5ABCDE1H", "FTM:NK-abc123", "GB-COH:01234567",
		"ICIJ:10001234", "REG:DE:HRB12345", "REG:KY:123", "XI-LEI:529900CNPARENT000194"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MatchKeys:\n got %q\nwant %q", got, want)
	}
}

func TestRegistryIdentifier(t *testing.T) {
	for _, tt := range []struct{ cc, num, want string }{
		{"CN", "91310000MA1FL2XY32", "CN-USCC:91310000MA1FL2XY32"},
		{"CN", "310000400123456", "REG:CN:310000400123456"},
		{"KY", "CT-123456", "REG:KY:CT123456"},
		{"de", "HRB 12345", "REG:DE:HRB12345"},
		{"", "1", ""}, {"GB", " ", ""},
	} {
		if got := resolve.RegistryIdentifier(tt.cc, tt.num); got != tt.want {
			t.Errorf("RegistryIdentifier(%q, %q) = %q, want %q", tt.cc, tt.num, got, tt.want)
		}
	}
	for in, want := range map[string]string{"1234567": "01234567", "sc 123456": "SC123456", "R0000123": "", "00000000": "", "ABC12345": "", "123456789": ""} {
		if got := resolve.GBCompanyNumber(in); got != want {
			t.Errorf("GBCompanyNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

const (
	leiA = "213800UKSUBSID000120"
	leiB = "529900CNPARENT000194"
	leiD = "213800UKSISTER000191"
	leiE = "5493000NONPUB0000113"
)

func TestResolve(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	ents := []model.Entity{
		{ID: "lei:" + leiA, Name: "UK Sub Ltd", Kind: model.Company, Jurisdiction: "GB", Identifiers: []string{"XI-LEI:" + leiA, "GB-COH:01234567"}, Source: "gleif", SourceRef: leiA},
		{ID: "gb-coh:01234567", Name: "UK SUB LIMITED", Kind: model.Company, Identifiers: []string{"GB-COH:01234567"}, Source: "psc", SourceRef: "c1"},
		{ID: "psc:99999999:p1", Name: "UK Sub", Kind: model.Company, Identifiers: []string{"GB-COH:1234567"}, Source: "psc", SourceRef: "p1"},
		{ID: "psc:1:a", Kind: model.Company, Jurisdiction: "KY", Identifiers: []string{"REG:KY:000123"}, Source: "psc", SourceRef: "a"},
		{ID: "psc:2:b", Kind: model.Company, Identifiers: []string{"REG:KY:123"}, Source: "psc", SourceRef: "b"},
		{ID: "lei:" + leiB, Kind: model.Company, Jurisdiction: "CN", Identifiers: []string{"XI-LEI:" + leiB, "CN-USCC:91440300MA5ABCDE1H"}, Source: "gleif", SourceRef: leiB},
		{ID: "psc:3:c", Name: "深圳示例", Kind: model.Company, Identifiers: []string{"REG:CN:91440300MA5ABCDE1H"}, Source: "psc", SourceRef: "c"},
		// two LEIs sharing one registry number: ambiguous, left alone
		{ID: "lei:" + leiD, Kind: model.Company, Identifiers: []string{"XI-LEI:" + leiD, "REG:US:4386463"}, Source: "gleif", SourceRef: leiD},
		{ID: "lei:" + leiE, Kind: model.Company, Identifiers: []string{"XI-LEI:" + leiE, "REG:US:4386463"}, Source: "gleif", SourceRef: leiE},
		{ID: "psc:4:d", Kind: model.Company, Identifiers: []string{"REG:US:4386463"}, Source: "psc", SourceRef: "d"},
		{ID: "psc:5:lonely", Kind: model.Person, Source: "psc", SourceRef: "e"},
	}
	if err := st.UpsertEntities(ctx, ents); err != nil {
		t.Fatal(err)
	}
	rel := model.Relationship{ID: "r1", HolderID: "psc:3:c", HeldID: "gb-coh:01234567", Kind: model.Ownership, Share: model.Exact(100), Source: "psc", SourceRef: "r1"}
	if err := st.UpsertRelationships(ctx, []model.Relationship{rel}); err != nil {
		t.Fatal(err)
	}
	rep, err := resolve.Resolve(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	wantMerges := []store.Merge{
		{From: "gb-coh:01234567", Into: "lei:" + leiA},
		{From: "psc:99999999:p1", Into: "lei:" + leiA},
		{From: "psc:3:c", Into: "lei:" + leiB},
		{From: "psc:2:b", Into: "psc:1:a"},
	}
	if !reflect.DeepEqual(rep.Merges, wantMerges) {
		t.Errorf("merges:\n got %v\nwant %v", rep.Merges, wantMerges)
	}
	wantAmb := []resolve.Ambiguity{{
		Entities:  []string{"lei:" + leiD, "lei:" + leiE, "psc:4:d"},
		Conflicts: []string{"XI-LEI: " + leiD + ", " + leiE},
	}}
	if !reflect.DeepEqual(rep.Ambiguous, wantAmb) {
		t.Errorf("ambiguous:\n got %v\nwant %v", rep.Ambiguous, wantAmb)
	}
	if rep.Entities != len(ents) || rep.Clusters != 4 {
		t.Errorf("report counts %+v", rep)
	}
	// the merged entity keeps its own data, gains the others' identifiers,
	// and the relationship now runs between canonical entities
	a, err := st.Entity(ctx, "gb-coh:01234567")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "lei:"+leiA || a.Name != "UK Sub Ltd" || !reflect.DeepEqual(a.Identifiers, []string{"GB-COH:01234567", "GB-COH:1234567", "XI-LEI:" + leiA}) {
		t.Errorf("merged entity = %+v", a)
	}
	var rels []model.Relationship
	st.EachRelationship(ctx, func(r *model.Relationship) error { rels = append(rels, *r); return nil })
	if len(rels) != 1 || rels[0].HolderID != "lei:"+leiB || rels[0].HeldID != "lei:"+leiA {
		t.Errorf("relationships after merge = %+v", rels)
	}
	for _, id := range []string{"lei:" + leiD, "lei:" + leiE, "psc:4:d"} {
		if e, err := st.Entity(ctx, id); err != nil || e.ID != id {
			t.Errorf("ambiguous %s was merged: %v %v", id, e.ID, err)
		}
	}
	// idempotent: nothing left to merge, the same ambiguity reported
	rep2, err := resolve.Resolve(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep2.Merges) != 0 || !reflect.DeepEqual(rep2.Ambiguous, wantAmb) {
		t.Errorf("second run: %+v", rep2)
	}
}

// crossFiles are the three files of the chain that only connects across
// sources: PSC company 08123456 ← UK corporate owner (by registration
// number, country "England") = GLEIF's UK LEI ← consolidated by a CN parent.
var crossFiles = []string{"gleif-lei.xml", "gleif-rr.xml", "psc.txt"}

func ingestFile(t *testing.T, st store.Store, name string) {
	t.Helper()
	ctx := context.Background()
	w := ingest.NewWriter(st, ingest.WriterOptions{Source: strings.TrimSuffix(strings.SplitN(name, "-", 2)[0], ".txt")})
	path := filepath.Join("..", "..", "testdata", "cross", name)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var err error
	if strings.HasPrefix(name, "gleif") {
		err = gleif.Parse(ctx, path, w, gleif.Options{Log: quiet})
	} else {
		_, err = psc.Parse(ctx, []string{path}, w, psc.Options{Log: quiet})
	}
	if err != nil {
		t.Fatal(err)
	}
	stats, err := w.Close(ctx)
	if err != nil || stats.Rejected != 0 {
		t.Fatalf("ingest %s: %+v %v", name, stats, err)
	}
}

func permutations(xs []string) [][]string {
	if len(xs) <= 1 {
		return [][]string{append([]string(nil), xs...)}
	}
	var out [][]string
	for i := range xs {
		rest := append(append([]string(nil), xs[:i]...), xs[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]string{xs[i]}, p...))
		}
	}
	return out
}

// snapshot renders what scoring depends on: entities (id, kind, jurisdiction,
// identifiers) and relationships (ends, kind, share).
func snapshot(t *testing.T, st store.Store) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	st.EachEntity(ctx, func(e *model.Entity) error {
		out = append(out, fmt.Sprintf("E %s %s %s %v", e.ID, e.Kind, e.Jurisdiction, e.Identifiers))
		return nil
	})
	st.EachRelationship(ctx, func(r *model.Relationship) error {
		out = append(out, fmt.Sprintf("R %s>%s %s %s", r.HolderID, r.HeldID, r.Kind, r.Share))
		return nil
	})
	sort.Strings(out)
	return out
}

func TestCrossSourceChainInAnyOrder(t *testing.T) {
	crossChain(t, openStore, true)
}

// TestCrossSourceChainNeo4j runs the same chain on Neo4j (the server
// neo4jtest picks; skipped without one). Each order starts from an empty
// database.
func TestCrossSourceChainNeo4j(t *testing.T) {
	crossChain(t, openNeo4j, false)
}

// openNeo4j opens the Neo4j server neo4jtest picks (skipped without one)
// on an empty database.
func openNeo4j(t *testing.T) store.Store {
	t.Helper()
	driver, cfg := neo4jtest.Driver(t)
	neo4jtest.Reset(t, driver)
	qc := queries.Config{URI: cfg.URI, Database: cfg.Database}
	if cfg.Password != "" {
		qc.Username, qc.Password = cfg.Username, cfg.Password
	}
	ctx := context.Background()
	st, err := queries.Open(ctx, qc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(ctx) })
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// crossChain ingests the cross fixtures in every order (resolving after
// each file, and — when bothModes — also only at the end), and checks that
// the graph is the same every time and the PSC company scores CONTROLLED.
func crossChain(t *testing.T, open func(*testing.T) store.Store, bothModes bool) {
	ctx := context.Background()
	var first []string
	modes := []bool{true}
	if bothModes {
		modes = append(modes, false)
	}
	for _, order := range permutations(crossFiles) {
		for _, resolveEach := range modes {
			name := strings.Join(order, ",")
			if resolveEach {
				name += "/resolve-after-each"
			}
			t.Run(name, func(t *testing.T) {
				st := open(t)
				for _, f := range order {
					ingestFile(t, st, f)
					if resolveEach {
						if _, err := resolve.Resolve(ctx, st); err != nil {
							t.Fatal(err)
						}
					}
				}
				rep, err := resolve.Resolve(ctx, st)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Ambiguous) != 0 {
					t.Errorf("ambiguous: %v", rep.Ambiguous)
				}
				snap := snapshot(t, st)
				if first == nil {
					first = snap
					want := []string{
						"E gb-coh:08123456 company GB [GB-COH:08123456]",
						"E lei:213800CROSSUK0000187 company GB [GB-COH:06543210 XI-LEI:213800CROSSUK0000187]",
						"E lei:549300CNCROSS0000189 company CN [CN-USCC:91310000MA1FL2XY32 XI-LEI:549300CNCROSS0000189]",
						"R lei:213800CROSSUK0000187>gb-coh:08123456 board unknown",
						"R lei:213800CROSSUK0000187>gb-coh:08123456 ownership (75%, 100%]",
						"R lei:213800CROSSUK0000187>gb-coh:08123456 voting (75%, 100%]",
						"R lei:549300CNCROSS0000189>lei:213800CROSSUK0000187 consolidation 100%",
					}
					if !reflect.DeepEqual(snap, want) {
						t.Errorf("graph:\n got %q\nwant %q", snap, want)
					}
				} else if !reflect.DeepEqual(snap, first) {
					t.Errorf("order changed the graph:\n got %q\nwant %q", snap, first)
				}
				out, err := scoring.Run(ctx, st, scoring.Options{Policy: policy.Default(),
					AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
				if err != nil {
					t.Fatal(err)
				}
				res, err := st.Result(ctx, out.Run.ID, "gb-coh:08123456")
				if err != nil {
					t.Fatal(err)
				}
				if res.Verdict != model.VerdictControlled {
					t.Errorf("PSC company verdict %s, want CONTROLLED", res.Verdict)
				}
			})
		}
	}
}

// TestPersonNeverMergedIntoCompany is issue 19 item 3 on both stores: a
// PSC snapshot reusing one PSC id for an individual and a corporate owner
// keeps both (the individual searchable under her name), reports the
// reuse as ambiguous, and resolution never folds a person into a company
// that shares an identifier with it.
func TestPersonNeverMergedIntoCompany(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) store.Store
	}{
		{"embedded", openStore},
		{"neo4j", openNeo4j},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			st := s.open(t)
			w := ingest.NewWriter(st, ingest.WriterOptions{Source: psc.Source})
			path := filepath.Join("..", "..", "testdata", "psc", "reused-psc-id.jsonl")
			if _, err := psc.Parse(ctx, []string{path}, w, psc.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
				t.Fatal(err)
			}
			stats, err := w.Close(ctx)
			if err != nil || stats.Rejected != 0 || stats.Ambiguous != 1 {
				t.Fatalf("ingest: %+v %v, want 0 rejected and 1 ambiguous", stats, err)
			}
			if a := w.Ambiguities(); len(a) != 1 || a[0].Line != 2 || !strings.Contains(a[0].Reason, "psc:12345678:SAMEID123:corporate-entity") {
				t.Errorf("ambiguities %v", a)
			}
			// A person sharing an identifier with a company (an FtM
			// referent, say) is not merged into it either.
			if err := st.UpsertEntities(ctx, []model.Entity{
				{ID: "ftm:p1", Name: "John Roe", Kind: model.Person, Identifiers: []string{"FTM:NK-1"}, Source: "ftm", SourceRef: "p1"},
				{ID: "ftm:c1", Name: "Roe Trading Ltd", Kind: model.Company, Identifiers: []string{"FTM:NK-1"}, Source: "ftm", SourceRef: "c1"},
				{ID: "ftm:u1", Kind: model.Unknown, Identifiers: []string{"FTM:NK-2"}, Source: "ftm", SourceRef: "u1"},
				{ID: "ftm:p2", Name: "Ann Poe", Kind: model.Person, Identifiers: []string{"FTM:NK-2"}, Source: "ftm", SourceRef: "p2"},
			}); err != nil {
				t.Fatal(err)
			}
			rep, err := resolve.Resolve(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			wantMerges := []store.Merge{
				{From: "ftm:u1", Into: "ftm:p2"}, // unknown fits a person
				{From: "psc:87654321:OTHER1", Into: "psc:12345678:SAMEID123:corporate-entity"},
			}
			if !reflect.DeepEqual(rep.Merges, wantMerges) {
				t.Errorf("merges %v, want %v", rep.Merges, wantMerges)
			}
			wantAmb := []resolve.Ambiguity{{Entities: []string{"ftm:c1", "ftm:p1"}, Conflicts: []string{"kind: company, person"}}}
			if !reflect.DeepEqual(rep.Ambiguous, wantAmb) {
				t.Errorf("ambiguous %v, want %v", rep.Ambiguous, wantAmb)
			}
			for id, want := range map[string]model.EntityKind{
				"psc:12345678:SAMEID123": model.Person, "psc:12345678:SAMEID123:corporate-entity": model.Company,
				"ftm:p1": model.Person, "ftm:c1": model.Company,
			} {
				e, err := st.Entity(ctx, id)
				if err != nil || e.ID != id || e.Kind != want {
					t.Errorf("%s: got %s %s (%v), want a %s of its own", id, e.ID, e.Kind, err, want)
				}
			}
			for name, id := range map[string]string{"Jane Doe": "psc:12345678:SAMEID123", "John Roe": "ftm:p1"} {
				found, err := st.SearchNames(ctx, name, 5)
				if err != nil {
					t.Fatal(err)
				}
				if len(found) == 0 || found[0].ID != id || found[0].Kind != model.Person {
					t.Errorf("search %q: %v, want the person %s first", name, found, id)
				}
			}
		})
	}
}
