package crossstore

import (
	"context"
	"encoding/json"
	"github.com/ubo-project/ubo/internal/storetesting"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/bods"
	csvingest "github.com/ubo-project/ubo/ingest/csv"
	"github.com/ubo-project/ubo/ingest/ftm"
	"github.com/ubo-project/ubo/ingest/gleif"
	"github.com/ubo-project/ubo/ingest/icij"
	"github.com/ubo-project/ubo/ingest/psc"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// shared names a fixture in the repository's testdata folder.
func shared(name string) string { return filepath.Join("..", "..", "testdata", name) }

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// ftmToday fixes the end date the FtM parser gives deleted edges that carry
// no last_seen date, so the stored data does not depend on the clock.
const ftmToday = "2026-11-01"

// parseFunc runs one source's real parser over paths into sink.
type parseFunc func(ctx context.Context, paths []string, sink ingest.Sink, w *ingest.Writer) error

// parsers is how `ubo ingest SOURCE` calls each parser (cmd/ubo/ingest_*.go).
var parsers = map[string]parseFunc{
	csvingest.Source: func(ctx context.Context, paths []string, sink ingest.Sink, w *ingest.Writer) error {
		// paths: entities file, relationships file ("" for none).
		return csvingest.Parse(ctx, paths[0], paths[1], sink, csvingest.Options{Known: w})
	},
	gleif.Source: func(ctx context.Context, paths []string, sink ingest.Sink, _ *ingest.Writer) error {
		for _, p := range paths {
			if err := gleif.Parse(ctx, p, sink, gleif.Options{Log: quietLog}); err != nil {
				return err
			}
		}
		return nil
	},
	psc.Source: func(ctx context.Context, paths []string, sink ingest.Sink, _ *ingest.Writer) error {
		_, err := psc.Parse(ctx, paths, sink, psc.Options{Log: quietLog})
		return err
	},
	bods.Source: func(ctx context.Context, paths []string, sink ingest.Sink, _ *ingest.Writer) error {
		return bods.Parse(ctx, paths, sink)
	},
	ftm.Source: func(ctx context.Context, paths []string, sink ingest.Sink, _ *ingest.Writer) error {
		p := ftm.NewParser(sink)
		p.Today = ftmToday
		for _, path := range paths {
			if err := p.ParseFile(ctx, path); err != nil {
				return err
			}
		}
		return nil
	},
	icij.Source: func(ctx context.Context, paths []string, sink ingest.Sink, _ *ingest.Writer) error {
		for _, p := range paths {
			if err := icij.Parse(ctx, p, sink); err != nil {
				return err
			}
		}
		return nil
	},
}

// input is one `ubo ingest SOURCE FILES...` run.
type input struct {
	source string
	files  []string // csv: the entities file, then the relationships file
}

// ingestRun is what one input's ingest reported.
type ingestRun struct {
	stats  ingest.Stats
	report resolve.Report
}

// ingestInput ingests one input the way `ubo ingest` does: the real parser
// through an ingest.Writer (small batches, so batching is exercised), then
// resolution over the whole store.
func ingestInput(t *testing.T, st store.Store, in input) ingestRun {
	t.Helper()
	return ingestWithBatch(t, st, in, 3)
}

// ingestWithBatch is ingestInput with writer batches of batch records (0:
// the writer's default).
func ingestWithBatch(t *testing.T, st store.Store, in input, batch int) ingestRun {
	t.Helper()
	ctx := context.Background()
	w := ingest.NewWriter(st, ingest.WriterOptions{Source: in.source, BatchSize: batch, Context: ctx})
	if err := parsers[in.source](ctx, in.files, w, w); err != nil {
		t.Fatalf("ingest %s %v: %v", in.source, in.files, err)
	}
	stats, err := w.Close(ctx)
	if err != nil {
		t.Fatalf("ingest %s %v: %v", in.source, in.files, err)
	}
	rep, err := resolve.Resolve(ctx, st)
	if err != nil {
		t.Fatalf("resolve after %s %v: %v", in.source, in.files, err)
	}
	return ingestRun{stats: stats, report: rep}
}

// Fresh stores for each case (shared with ingest/ingestbench).
var (
	openEmbedded = storetesting.Embedded
	neo4jOpener  = storetesting.Neo4j
)

// dump renders everything a store holds, every field, in id order: two
// dumps are equal exactly when the stores hold the same data.
func dump(t *testing.T, st store.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	err := st.EachEntity(ctx, func(e *model.Entity) error {
		return writeLine(&b, "E ", e)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.EachRelationship(ctx, func(r *model.Relationship) error {
		return writeLine(&b, "R ", r)
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func writeLine(b *strings.Builder, prefix string, v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.WriteString(prefix)
	b.Write(j)
	b.WriteByte('\n')
	return nil
}

// counts is the part of Status that describes the data, not the backend.
type counts struct {
	Entities      map[string]int
	Relationships map[string]int
	Runs          int
}

func status(t *testing.T, st store.Store) counts {
	t.Helper()
	s, err := st.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts{s.Entities, s.Relationships, s.Runs}
}

// loaded is a store's state after ingesting some inputs.
type loaded struct {
	dump   string
	status counts
	runs   []ingestRun
}

func load(t *testing.T, st store.Store, inputs []input) loaded {
	t.Helper()
	var l loaded
	for _, in := range inputs {
		l.runs = append(l.runs, ingestInput(t, st, in))
	}
	l.dump, l.status = dump(t, st), status(t, st)
	return l
}
