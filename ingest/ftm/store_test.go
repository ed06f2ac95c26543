//go:build !nostore

package ftm

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store/embedded"
)

// TestEmbeddedStore ingests the fixtures into the embedded store twice:
// the counts are as expected and the second run changes nothing.
func TestEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	run := func() {
		w := ingest.NewWriter(st, ingest.WriterOptions{Source: Source, BatchSize: 4})
		if err := Parse(ctx, []string{fixtures + "entities.ftm.json", fixtures + "entities.delta.json"}, w); err != nil {
			t.Fatal(err)
		}
		if stats, err := w.Close(ctx); err != nil || stats.Rejected != 0 || stats.Read != 24 {
			t.Fatalf("stats %+v, %v", stats, err)
		}
	}
	run()
	first, _ := st.Status(ctx)
	run()
	second, _ := st.Status(ctx)
	if !reflect.DeepEqual(first.Entities, second.Entities) || !reflect.DeepEqual(first.Relationships, second.Relationships) {
		t.Errorf("re-ingest changed the store: %+v → %+v", first, second)
	}
	if want := map[string]int{"company": 6, "person": 2, "state_body": 1}; !reflect.DeepEqual(first.Entities, want) {
		t.Errorf("entities by kind %v, want %v", first.Entities, want)
	}
	if want := map[string]int{"ownership": 7, "officer": 1, "nominee": 1}; !reflect.DeepEqual(first.Relationships, want) {
		t.Errorf("relationships by kind %v, want %v", first.Relationships, want)
	}
	e, err := st.Entity(ctx, "ftm:NK-hkparent")
	if err != nil || e.Jurisdiction != "HK" || e.Kind != model.Company {
		t.Errorf("HK parent in the store: %+v, %v", e, err)
	}
}
