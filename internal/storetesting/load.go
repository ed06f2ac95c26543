package storetesting

import (
	"context"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	csvingest "github.com/ubo-project/ubo/ingest/csv"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// LoadCSV ingests a registry in the generic CSV format (entities and
// relationships files) into st through the CSV ingestor, resolves it and
// scores it with the default policy, as `ubo ingest csv` and `ubo score`
// do; any rejected record fails tb.
func LoadCSV(tb testing.TB, st store.Store, entities, relationships string) model.Run {
	tb.Helper()
	ctx := context.Background()
	if err := st.Init(ctx); err != nil {
		tb.Fatal(err)
	}
	w := ingest.NewWriter(st, ingest.WriterOptions{Source: csvingest.Source, Context: ctx})
	if err := csvingest.Parse(ctx, entities, relationships, w, csvingest.Options{}); err != nil {
		tb.Fatal(err)
	}
	stats, err := w.Close(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if stats.Rejected > 0 {
		tb.Fatalf("%s: %d rejected records", entities, stats.Rejected)
	}
	if _, err := resolve.Resolve(ctx, st); err != nil {
		tb.Fatal(err)
	}
	out, err := scoring.Run(ctx, st, scoring.Options{Policy: policy.Default()})
	if err != nil {
		tb.Fatal(err)
	}
	return out.Run
}
