//go:build !nostore

package bods

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

func ingestInto(t *testing.T, st store.Store, files ...string) ingest.Stats {
	t.Helper()
	ctx := context.Background()
	w := ingest.NewWriter(st, ingest.WriterOptions{Source: Source, BatchSize: 3})
	var paths []string
	for _, f := range files {
		paths = append(paths, fixtures+f)
	}
	if err := Parse(ctx, paths, w); err != nil {
		t.Fatal(err)
	}
	stats, err := w.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return stats
}

// TestEmbeddedStoreAndGLEIFResolution ingests the fixtures into the embedded
// store twice (nothing changes the second time) and resolves the BODS CN
// parent, which carries an XI-LEI, into the GLEIF record of that LEI.
func TestEmbeddedStoreAndGLEIFResolution(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	// What the GLEIF ingester writes for the parent's LEI record
	// (testdata/gleif/lei-data.xml): the same LEI and USCC as BODS gives.
	gleifParent := model.Entity{ID: "lei:529900CNPARENT000194", Name: "深圳示例控股有限公司", Kind: model.Company,
		Jurisdiction: "CN", HQCountry: "CN", Identifiers: []string{"CN-USCC:91440300MA5ABCDE1H", "XI-LEI:529900CNPARENT000194"},
		Source: "gleif", SourceRef: "529900CNPARENT000194"}
	if err := st.UpsertEntities(ctx, []model.Entity{gleifParent}); err != nil {
		t.Fatal(err)
	}
	files := []string{"v04-chain.json", "v03.json", "v02.jsonl"}
	stats := ingestInto(t, st, files...)
	if stats.Rejected != 0 || stats.Read != 40 {
		t.Errorf("stats %+v", stats)
	}
	before, err := st.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ingestInto(t, st, files...)
	after, _ := st.Status(ctx)
	if !reflect.DeepEqual(before.Entities, after.Entities) || !reflect.DeepEqual(before.Relationships, after.Relationships) {
		t.Errorf("re-ingest changed the store:\n%+v\n%+v", before, after)
	}
	rep, err := resolve.Resolve(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	// The fixtures agree with each other and with GLEIF: nothing ambiguous.
	if len(rep.Ambiguous) != 0 {
		t.Errorf("ambiguous: %v", rep.Ambiguous)
	}
	canon, err := st.CanonicalIDs(ctx, []string{"bods:cn-parent"})
	if err != nil {
		t.Fatal(err)
	}
	if canon["bods:cn-parent"] != "lei:529900CNPARENT000194" {
		t.Fatalf("bods:cn-parent resolves to %q", canon["bods:cn-parent"])
	}
	// The chain now runs from the GLEIF entity: LEI parent → HK → UK target.
	sub, err := st.Neighbourhood(ctx, "bods:target-uk", store.Up, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	var viaLEI bool
	for _, r := range sub.Relationships {
		if r.HolderID == "lei:529900CNPARENT000194" && r.HeldID == "bods:hk-holdco" && r.Kind == model.Ownership && r.EndDate == "" {
			viaLEI = true
		}
	}
	if !viaLEI {
		t.Errorf("chain to the GLEIF parent missing: %+v", sub.Relationships)
	}
}
