package ingestbench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/ubo-project/ubo/internal/storetesting"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/gleif"
	"github.com/ubo-project/ubo/ingest/psc"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// crossDir holds the chain that only connects across sources: PSC company
// 08123456 ← its corporate owner (registration number 6543210, "England")
// = GLEIF's UK LEI with that Companies House number ← consolidated by a
// CN parent.
var crossDir = filepath.Join("..", "..", "testdata", "cross")

var crossFiles = []string{"gleif-lei.xml", "gleif-rr.xml", "psc.txt"}

const pscCompany = "gb-coh:08123456"

// asOf fixes the scoring date so the verdicts do not depend on the clock.
var asOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// opener gives a test an empty, initialised store.
type opener = storetesting.Opener

var (
	openEmbedded = storetesting.Embedded
	neo4jOpener  = storetesting.Neo4j
)

// ingestCross ingests one fixture the way `ubo ingest` does: the real
// parser through an ingest.Writer, then resolution over the whole store.
func ingestCross(t *testing.T, st store.Store, name string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(crossDir, name)
	source := "psc"
	if strings.HasPrefix(name, "gleif") {
		source = "gleif"
	}
	w := ingest.NewWriter(st, ingest.WriterOptions{Source: source, Context: ctx})
	var err error
	if source == "gleif" {
		err = gleif.Parse(ctx, path, w, gleif.Options{Log: quietLog})
	} else {
		_, err = psc.Parse(ctx, []string{path}, w, psc.Options{Log: quietLog})
	}
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	stats, err := w.Close(ctx)
	if err != nil {
		t.Fatalf("ingest %s: %v", name, err)
	}
	if stats.Rejected != 0 || stats.Entities == 0 {
		t.Fatalf("ingest %s: %+v", name, stats)
	}
	rep, err := resolve.Resolve(ctx, st)
	if err != nil {
		t.Fatalf("resolve after %s: %v", name, err)
	}
	if len(rep.Ambiguous) != 0 {
		t.Fatalf("resolve after %s: ambiguous %v", name, rep.Ambiguous)
	}
}

// dump renders everything the store holds, every field, in id order, so
// two dumps are equal exactly when the stores hold the same data.
func dump(t *testing.T, st store.Store) []string { return dumpMasked(t, st, false) }

// dumpMasked is dump, with the last-writer scalars of entities (name,
// source, source_ref) left out when mask is set. Only the Neo4j half of
// TestCrossSourceIngestTwice masks: its UpsertEntities still writes a
// record that arrives through an alias (resolve merged it) with the normal
// rule, so a second identical ingest renames "EXAMPLE UK MIDCO LIMITED"
// (GLEIF) to PSC's "Example UK Midco Limited". The store contract
// (storetest ReingestAfterMergeIsFixedPoint) says it must only fill empty
// fields; the embedded store does.
func dumpMasked(t *testing.T, st store.Store, mask bool) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	err := st.EachEntity(ctx, func(e *model.Entity) error {
		if mask {
			c := *e
			c.Name, c.Source, c.SourceRef = "", "", ""
			e = &c
		}
		b, err := json.Marshal(e)
		out = append(out, "E "+string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.EachRelationship(ctx, func(r *model.Relationship) error {
		b, err := json.Marshal(r)
		out = append(out, "R "+string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// counts is the part of Status that describes the data (not the backend).
type counts struct {
	Entities, Relationships map[string]int
	Runs                    int
}

func status(t *testing.T, st store.Store) counts {
	t.Helper()
	s, err := st.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts{s.Entities, s.Relationships, s.Runs}
}

// verdicts scores with the default policy and returns every entity's
// verdict line (verdict, indeterminate, controllers).
func verdicts(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out, err := scoring.Run(ctx, st, scoring.Options{Policy: policy.Default(), AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err = st.EachResult(ctx, out.Run.ID, func(r *model.Result) error {
		got[r.EntityID] = fmt.Sprintf("%s indeterminate=%v controllers=%v", r.Verdict, r.Indeterminate, r.Controllers)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
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

// crossOutcome is what one ingest order produced on one store.
type crossOutcome struct {
	dump     []string
	status   counts
	verdicts map[string]string
}

// runOrders ingests the cross fixtures in every order into fresh stores
// and checks each order against the first; it returns the first outcome.
func runOrders(t *testing.T, open opener) crossOutcome {
	var first *crossOutcome
	for _, order := range permutations(crossFiles) {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			st := open(t)
			for _, f := range order {
				ingestCross(t, st, f)
			}
			got := crossOutcome{dump: dump(t, st), status: status(t, st)}
			got.verdicts = verdicts(t, st)
			if v := got.verdicts[pscCompany]; !strings.HasPrefix(v, string(model.VerdictControlled)+" ") {
				t.Errorf("%s scored %q, want CONTROLLED", pscCompany, v)
			}
			if first == nil {
				first = &got
				return
			}
			if !reflect.DeepEqual(got.dump, first.dump) {
				t.Errorf("order %v changed the stored data:\n got %s\nwant %s", order, strings.Join(got.dump, "\n     "), strings.Join(first.dump, "\n     "))
			}
			if !reflect.DeepEqual(got.status, first.status) {
				t.Errorf("order %v changed the status: got %+v, want %+v", order, got.status, first.status)
			}
			if !reflect.DeepEqual(got.verdicts, first.verdicts) {
				t.Errorf("order %v changed the verdicts: got %v, want %v", order, got.verdicts, first.verdicts)
			}
		})
	}
	if first == nil {
		t.Fatal("no order ran")
	}
	return *first
}

// wantCrossStatus is the graph the three files make once resolved (taken
// before scoring): the PSC company, the UK owner (GLEIF + PSC as one
// entity), the CN parent; PSC's three natures plus GLEIF's consolidation.
var wantCrossStatus = counts{
	Entities:      map[string]int{"company": 3},
	Relationships: map[string]int{"board": 1, "consolidation": 1, "ownership": 1, "voting": 1},
}

func TestCrossSourceEveryOrderEmbedded(t *testing.T) {
	got := runOrders(t, openEmbedded)
	if !reflect.DeepEqual(got.status, wantCrossStatus) {
		t.Errorf("status %+v, want %+v", got.status, wantCrossStatus)
	}
}

func TestCrossSourceEveryOrderNeo4j(t *testing.T) {
	got := runOrders(t, neo4jOpener(t))
	if !reflect.DeepEqual(got.status, wantCrossStatus) {
		t.Errorf("status %+v, want %+v", got.status, wantCrossStatus)
	}
}

// TestCrossSourceSameOnBothStores compares the two stores on one order:
// the same entities and relationships field by field, the same status and
// the same verdicts for every entity.
func TestCrossSourceSameOnBothStores(t *testing.T) {
	openNeo := neo4jOpener(t)
	var outcomes []crossOutcome
	for _, open := range []opener{openEmbedded, openNeo} {
		st := open(t)
		for _, f := range []string{"psc.txt", "gleif-rr.xml", "gleif-lei.xml"} {
			ingestCross(t, st, f)
		}
		o := crossOutcome{dump: dump(t, st), status: status(t, st)}
		o.verdicts = verdicts(t, st)
		outcomes = append(outcomes, o)
	}
	emb, neo := outcomes[0], outcomes[1]
	if !reflect.DeepEqual(emb.dump, neo.dump) {
		t.Errorf("stores differ:\nembedded %s\n   neo4j %s", strings.Join(emb.dump, "\n         "), strings.Join(neo.dump, "\n         "))
	}
	if !reflect.DeepEqual(emb.status, neo.status) {
		t.Errorf("status differs: embedded %+v, neo4j %+v", emb.status, neo.status)
	}
	if !reflect.DeepEqual(emb.verdicts, neo.verdicts) {
		t.Errorf("verdicts differ: embedded %v, neo4j %v", emb.verdicts, neo.verdicts)
	}
	if len(emb.verdicts) != 3 {
		t.Errorf("%d results, want one per entity (3): %v", len(emb.verdicts), emb.verdicts)
	}
}

// TestCrossSourceIngestTwice ingests the files, then the same files again:
// the status counts and the stored data must not change, on either store.
func TestCrossSourceIngestTwice(t *testing.T) {
	// The Neo4j opener is made inside its subtest so that the embedded
	// half runs without a server.
	for name, opens := range map[string]func(*testing.T) opener{
		"embedded": func(*testing.T) opener { return openEmbedded },
		"neo4j":    func(t *testing.T) opener { return neo4jOpener(t) },
	} {
		t.Run(name, func(t *testing.T) {
			// Strict on both stores: writes through an alias fill only empty
			// fields (storetest ReingestAfterMergeIsFixedPoint).
			mask := false
			st := opens(t)(t)
			for _, f := range crossFiles {
				ingestCross(t, st, f)
			}
			once, onceDump, onceVerdicts := status(t, st), dumpMasked(t, st, mask), verdicts(t, st)
			for _, f := range crossFiles {
				ingestCross(t, st, f)
			}
			twice, twiceDump, twiceVerdicts := status(t, st), dumpMasked(t, st, mask), verdicts(t, st)
			twice.Runs-- // the scoring run in between, not the ingest
			if !reflect.DeepEqual(onceVerdicts, twiceVerdicts) {
				t.Errorf("verdicts after the second ingest %v, after the first %v", twiceVerdicts, onceVerdicts)
			}
			if !reflect.DeepEqual(once, twice) {
				t.Errorf("status after the second ingest %+v, after the first %+v", twice, once)
			}
			if !reflect.DeepEqual(onceDump, twiceDump) {
				t.Errorf("data changed by the second ingest:\n got %s\nwant %s", strings.Join(twiceDump, "\n     "), strings.Join(onceDump, "\n     "))
			}
			if !reflect.DeepEqual(twice, wantCrossStatus) {
				t.Errorf("status %+v, want %+v", twice, wantCrossStatus)
			}
		})
	}
}
