package export_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// failingStore breaks the results streams after a few rows, as a lost
// connection would.
type failingStore struct {
	store.Store
	after int
}

var errLost = errors.New("connection lost")

func (f failingStore) EachResult(ctx context.Context, runID string, fn func(*model.Result) error) error {
	return f.Store.EachResult(ctx, runID, f.breakAfter(fn))
}

func (f failingStore) EachResultSummary(ctx context.Context, runID string, fn func(*model.Result) error) error {
	return f.Store.EachResultSummary(ctx, runID, f.breakAfter(fn))
}

// breakAfter passes f.after results to fn, then fails.
func (f failingStore) breakAfter(fn func(*model.Result) error) func(*model.Result) error {
	n := 0
	return func(r *model.Result) error {
		if n == f.after {
			return errLost
		}
		n++
		return fn(r)
	}
}

func latest(t *testing.T, st store.Store) model.Run {
	t.Helper()
	run, err := scoring.LatestComplete(context.Background(), st)
	if err != nil || run == nil {
		t.Fatalf("latest run: %v %v", run, err)
	}
	return *run
}

func TestWriteFileAtomic(t *testing.T) {
	st := scoredFixture(t)
	run := latest(t, st)
	dir := t.TempDir()
	out := filepath.Join(dir, "flagged.jsonl")
	for _, format := range []string{export.JSONL, export.CSV, export.BODS} {
		t.Run(format, func(t *testing.T) {
			if err := os.WriteFile(out, []byte("previous export\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := export.WriteFile(context.Background(), failingStore{st, 3}, out,
				export.Options{Format: format, Run: run, Filter: export.Filter{All: true}})
			if !errors.Is(err, errLost) {
				t.Fatalf("err = %v, want the stream's error", err)
			}
			if b, _ := os.ReadFile(out); string(b) != "previous export\n" {
				t.Errorf("failed export touched %s: %q", out, b)
			}
			n, err := export.WriteFile(context.Background(), st, out, export.Options{Format: format, Run: run})
			if err != nil || n != 6 {
				t.Fatalf("export: %d, %v", n, err)
			}
			if b, _ := os.ReadFile(out); strings.Contains(string(b), "previous export") || len(b) == 0 {
				t.Errorf("export did not replace the file: %q", b)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("temporary files left behind: %v", entries)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	st := scoredFixture(t)
	run := latest(t, st)
	tests := []struct {
		name string
		opts export.Options
		want string
	}{
		{"unknown format", export.Options{Format: "xml", Run: run}, `unknown format "xml"`},
		{"no run", export.Options{Format: export.JSONL}, "no run"},
		{"changed since unknown run", export.Options{Format: export.JSONL, Run: run,
			Filter: export.Filter{ChangedSince: "20250101T000000Z-000000"}}, "20250101T000000Z-000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			_, err := export.Write(context.Background(), st, &sb, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	if _, err := export.WriteFile(context.Background(), st, filepath.Join(t.TempDir(), "no", "such", "dir.jsonl"),
		export.Options{Format: export.JSONL, Run: run}); err == nil {
		t.Error("export into a missing directory succeeded")
	}
}
