package ingestbench_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingestbench"
	"github.com/ubo-project/ubo/internal/neo4jtest"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// TestGeneratedInputsParse checks every generator writes input its real
// parser reads without a reject, in the size asked for.
func TestGeneratedInputsParse(t *testing.T) {
	const size = 200_000
	for _, f := range ingestbench.Formats {
		t.Run(f.Name, func(t *testing.T) {
			path, n, err := f.Generate(t.TempDir(), size)
			if err != nil {
				t.Fatal(err)
			}
			if n < size*9/10 || n > 2*size { // gen is sized by rows, so only about
				t.Errorf("generated %d bytes, want about %d", n, size)
			}
			r, err := ingestbench.MeasureParse(context.Background(), f, path, n, 1)
			if err != nil {
				t.Fatal(err)
			}
			if r.Read == 0 || r.Entities == 0 || r.Rejects != 0 {
				t.Errorf("parsed %+v: want records and entities, no rejects", r)
			}
			if r.Bytes != n || r.Elapsed <= 0 {
				t.Errorf("result %+v", r)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	const size = 4_000_000
	for _, f := range ingestbench.Formats {
		b.Run(f.Name, func(b *testing.B) {
			path, n, err := f.Generate(b.TempDir(), size)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(n)
			var read int64
			for b.Loop() {
				s := &ingestbench.CountingSink{}
				if err := f.Parse(context.Background(), path, s); err != nil {
					b.Fatal(err)
				}
				read = s.Read.Load()
			}
			b.ReportMetric(float64(read)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// graphView is what both loaders must agree on: entity ids with kind,
// jurisdiction, state ownership, lists and identifiers; relationships
// with ends, kind, share and dates.
func graphView(t *testing.T, st store.Store) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	if err := st.EachEntity(ctx, func(e *model.Entity) error {
		out = append(out, fmt.Sprintf("E %s %s %s %s so=%v %v %v %v", e.ID, e.Name, e.Kind, e.Jurisdiction, e.StateOwned, e.Nationality, e.Lists, e.Identifiers))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.EachRelationship(ctx, func(r *model.Relationship) error {
		out = append(out, fmt.Sprintf("R %s %s>%s %s %s %s..%s %s", r.ID, r.HolderID, r.HeldID, r.Kind, r.Share, r.StartDate, r.EndDate, r.SourceRef))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLoadCSVBaselineLoadsTheSameGraph loads one generated CSV through ubo
// and through load_*.cypher into Neo4j: the baseline is only a fair
// comparison if it stores the same entities and relationships.
func TestLoadCSVBaselineLoadsTheSameGraph(t *testing.T) {
	open := neo4jOpener(t)
	driver, cfg := neo4jtest.Driver(t)
	ctx := context.Background()
	dir := t.TempDir()
	if _, _, _, err := ingestbench.GenerateCSV(dir, 3000); err != nil {
		t.Fatal(err)
	}

	st := open(t)
	res, err := ingestbench.IngestCSV(ctx, st, dir, 500)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Rejected != 0 || res.Stats.Read < 2900 || res.EntityBatches < 2 || res.RelationshipBatches < 2 {
		t.Fatalf("ubo ingest: %+v", res)
	}
	uboView, uboStatus := graphView(t, st), status(t, st)

	st = open(t) // empties the database
	url, stop, err := ingestbench.ServeDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, err := ingestbench.LoadCSV(ctx, driver, cfg.Database, url); err != nil {
		t.Fatal(err)
	}
	loadView, loadStatus := graphView(t, st), status(t, st)

	if !reflect.DeepEqual(uboStatus, loadStatus) {
		t.Errorf("status: ubo %+v, LOAD CSV %+v", uboStatus, loadStatus)
	}
	if len(uboView) != len(loadView) {
		t.Fatalf("ubo stored %d records, LOAD CSV %d", len(uboView), len(loadView))
	}
	diffs := 0
	for i := range uboView {
		if uboView[i] != loadView[i] && diffs < 5 {
			diffs++
			t.Errorf("record %d:\n     ubo %s\nLOAD CSV %s", i, uboView[i], loadView[i])
		}
	}
}

// TestServeDir checks the HTTP server LOAD CSV reads from serves the
// files and only on the loopback interface.
func TestServeDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "entities.csv"), []byte("id,name,kind\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	url, stop, err := ingestbench.ServeDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if got := url[:len("http://127.0.0.1:")]; got != "http://127.0.0.1:" {
		t.Errorf("url %q not on 127.0.0.1", url)
	}
	body := httpGet(t, url+"/entities.csv")
	if body != "id,name,kind\n" {
		t.Errorf("served %q", body)
	}
}
