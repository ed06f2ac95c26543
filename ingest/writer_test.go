package ingest

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/ubo-project/ubo/internal/atomicfile"
	"github.com/ubo-project/ubo/internal/progress/progresstest"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

// recordingStore logs the order of batch writes; every other method is
// left to the nil embedded interface (unused here).
type recordingStore struct {
	store.Store
	calls   []string
	entErr  error
	written map[string]bool
}

func (r *recordingStore) UpsertEntities(_ context.Context, b []model.Entity) error {
	if r.entErr != nil {
		return r.entErr
	}
	r.calls = append(r.calls, "E"+itoa(len(b)))
	for _, e := range b {
		r.written[e.ID] = true
	}
	return nil
}

func (r *recordingStore) UpsertRelationships(_ context.Context, b []model.Relationship) error {
	for _, rel := range b {
		if !r.written[rel.HolderID] || !r.written[rel.HeldID] {
			return errors.New("relationship before its endpoints: " + rel.ID)
		}
	}
	r.calls = append(r.calls, "R"+itoa(len(b)))
	return nil
}

func (r *recordingStore) CanonicalIDs(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		if r.written[id] {
			out[id] = id
		}
	}
	return out, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func ent(id string) model.Entity { return model.Entity{ID: id, Kind: model.Company} }
func rel(a, b string) model.Relationship {
	return model.Relationship{ID: model.RelationshipID("t", "", a, b, model.Ownership), HolderID: a, HeldID: b, Kind: model.Ownership, Share: model.Exact(10)}
}

func TestWriterBatchesEntitiesBeforeRelationships(t *testing.T) {
	st := &recordingStore{written: map[string]bool{}}
	w := NewWriter(st, WriterOptions{Source: "t", BatchSize: 2})
	steps := []func() error{
		func() error { return w.Entity(ent("a")) },
		func() error { return w.Entity(ent("b")) }, // fills a batch: E2
		func() error { return w.Entity(ent("c")) },
		func() error { return w.Relationship(rel("a", "b")) },
		func() error { return w.Relationship(rel("b", "c")) }, // fills: E1 (c) then R2
		func() error { return w.Entity(ent("d")) },
		func() error { return w.Relationship(rel("c", "d")) },
	}
	for i, s := range steps {
		if err := s(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	w.CountRead(7)
	stats, err := w.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"E2", "E1", "R2", "E1", "R1"}; !slices.Equal(st.calls, want) {
		t.Errorf("write order %v, want %v", st.calls, want)
	}
	if !reflect.DeepEqual(stats, Stats{Read: 7, Entities: 4, Relationships: 3}) { // a store that does not say what it did
		t.Errorf("stats = %+v", stats)
	}
}

func TestWriterStoreErrorSticks(t *testing.T) {
	boom := errors.New("disk full")
	st := &recordingStore{written: map[string]bool{}, entErr: boom}
	w := NewWriter(st, WriterOptions{BatchSize: 1})
	if err := w.Entity(ent("a")); !errors.Is(err, boom) {
		t.Fatalf("Entity: %v", err)
	}
	if err := w.Relationship(rel("a", "b")); !errors.Is(err, boom) {
		t.Fatalf("later call: %v, want the first error", err)
	}
	if _, err := w.Close(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("Close: %v", err)
	}
}

func readRejects(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestWriterRejectsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x-rejects.csv")
	st := &recordingStore{written: map[string]bool{}}

	// No rejects under an unnamed path: no file is created.
	w := NewWriter(st, WriterOptions{RejectsPath: path})
	if _, err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("rejects file exists without rejects: %v", err)
	}

	// Rejects: the file appears only at Close, with a header.
	w = NewWriter(st, WriterOptions{RejectsPath: path, RejectsNamed: true})
	for _, r := range []Reject{
		{File: "in.csv", Line: 3, Field: "share", Reason: `not a percentage: "x, y"`},
		{File: "b.zip!m.csv", Line: 9, Reason: "malformed"},
	} {
		if err := w.Reject(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("rejects file visible before Close: %v", err)
	}
	stats, err := w.Close(context.Background())
	if err != nil || stats.Rejected != 2 {
		t.Fatalf("Close: %+v, %v", stats, err)
	}
	want := [][]string{
		{"file", "line", "field", "reason"},
		{"in.csv", "3", "share", `not a percentage: "x, y"`},
		{"b.zip!m.csv", "9", "", "malformed"},
	}
	if got := readRejects(t, path); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("rejects file = %q", got)
	}

	// A second run replaces the named file, and a clean run leaves the
	// header alone: the named file always describes the latest run.
	w = NewWriter(st, WriterOptions{RejectsPath: path, RejectsNamed: true})
	w.Reject(Reject{File: "in.csv", Line: 4, Reason: "other"})
	w.Close(context.Background())
	if got := readRejects(t, path); len(got) != 2 || got[1][1] != "4" {
		t.Errorf("replaced rejects file = %q", got)
	}
	w = NewWriter(st, WriterOptions{RejectsPath: path, RejectsNamed: true})
	w.Close(context.Background())
	if got := readRejects(t, path); len(got) != 1 || w.RejectsPath() != path {
		t.Errorf("named rejects file after a clean run = %q (path %q), want the header only", got, w.RejectsPath())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestWriterProgress: the Writer reports its counts to a Reporter (it
// draws nothing itself): every 1,000 records read, after each written
// batch, and a final event from Close with the totals.
func TestWriterProgress(t *testing.T) {
	rec := &progresstest.Recorder{}
	w := NewWriter(&recordingStore{written: map[string]bool{}}, WriterOptions{Source: "csv", BatchSize: 2, Progress: rec})
	w.CountRead(2500)
	for _, id := range []string{"a", "b", "c"} {
		if err := w.Entity(model.Entity{ID: id, Name: id, Kind: model.Company}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Reject(Reject{File: "in.csv", Line: 4, Field: "id", Reason: "empty"}); err != nil {
		t.Fatal(err)
	}
	w.CountRead(1)
	if _, err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	events := rec.Events()
	if len(events) < 4 {
		t.Fatalf("events %+v, want a report for the start, the reads, the batch and the close", events)
	}
	last := 0
	for i, e := range events {
		if e.Stage != "ingest csv" || e.Unit != "records" || e.Done < last || e.End != (i == len(events)-1) {
			t.Errorf("event %d = %+v (previous done %d)", i, e, last)
		}
		last = e.Done
	}
	final := events[len(events)-1]
	for name, want := range map[string]int{"entities": 3, "relationships": 0, "rejected": 1} {
		if got, ok := progresstest.Count(final, name); !ok || got != want {
			t.Errorf("final %s = %d (present %v), want %d", name, got, ok, want)
		}
	}
	if final.Done != 2501 {
		t.Errorf("final read = %d, want 2501", final.Done)
	}
	// From 0; the first batch of two entities was reported when it was written.
	if n, _ := progresstest.Count(events[2], "entities"); events[0].Done != 0 || events[1].Done != 2500 || n != 2 {
		t.Errorf("first events %+v, want 0 read, 2500 read, then the batch of 2 entities", events[:3])
	}
}

// TestWriterEmbeddedStore writes through the real embedded store twice:
// the second run changes nothing.
func TestWriterEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		w := NewWriter(st, WriterOptions{Source: "t", BatchSize: 2})
		for _, id := range []string{"a", "b", "c"} {
			if err := w.Entity(ent(id)); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range []model.Relationship{rel("a", "b"), rel("b", "c"), rel("a", "c")} {
			if err := w.Relationship(r); err != nil {
				t.Fatal(err)
			}
		}
		known, err := w.CanonicalIDs(ctx, []string{"a", "zzz"})
		if err != nil || len(known) != 1 || known["a"] != "a" {
			t.Fatalf("CanonicalIDs = %v, %v", known, err)
		}
		if _, err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		s, err := st.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Entities["company"] != 3 || s.Relationships["ownership"] != 3 {
			t.Fatalf("run %d: status %+v", run, s)
		}
	}
	e, err := st.Entity(ctx, "a")
	if err != nil || e.Source != "t" {
		t.Errorf("entity a = %+v, %v (source filled from options)", e, err)
	}
}

func TestRejectString(t *testing.T) {
	r := Reject{File: "f.csv", Line: 12, Field: "share", Reason: "bad"}
	if got := r.String(); got != `f.csv: line 12: field "share": bad` {
		t.Errorf("String = %q", got)
	}
}

// TestWriterUnnamedRejectsNeverReplaced: a path of ubo's own (the per-run
// default) is never removed by a clean run nor overwritten by a run with
// rejects, which takes a numbered name instead.
func TestWriterUnnamedRejectsNeverReplaced(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "csv-rejects-20261204T174540Z.csv")
	st := &recordingStore{written: map[string]bool{}}
	old := "file,line,field,reason\nold.csv,1,,an earlier run\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		rejects  int
		wantPath string
	}{
		{"clean run", 0, ""},
		{"run with rejects", 1, filepath.Join(dir, "csv-rejects-20261204T174540Z-2.csv")},
		{"another run with rejects", 2, filepath.Join(dir, "csv-rejects-20261204T174540Z-3.csv")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWriter(st, WriterOptions{RejectsPath: path})
			for i := range tt.rejects {
				w.Reject(Reject{File: "in.csv", Line: i + 2, Reason: "bad"})
			}
			if _, err := w.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(path); string(got) != old {
				t.Errorf("the earlier run's file changed: %q", got)
			}
			if w.RejectsPath() != tt.wantPath {
				t.Errorf("RejectsPath() = %q, want %q", w.RejectsPath(), tt.wantPath)
			}
			if tt.wantPath != "" {
				if got := readRejects(t, tt.wantPath); len(got) != tt.rejects+1 {
					t.Errorf("%s = %q", tt.wantPath, got)
				}
			}
		})
	}
}

// TestWriterRejectsMode: the rejects file gets the mode of a new file
// under the umask, like exports, not os.CreateTemp's 0600.
func TestWriterRejectsMode(t *testing.T) {
	want := atomicfile.Perm()
	if want == 0o600 {
		t.Skip("the umask makes new files 0600 anyway")
	}
	for _, named := range []bool{true, false} {
		path := filepath.Join(t.TempDir(), "r.csv")
		w := NewWriter(&recordingStore{written: map[string]bool{}}, WriterOptions{RejectsPath: path, RejectsNamed: named})
		w.Reject(Reject{File: "in.csv", Line: 2, Reason: "bad"})
		if _, err := w.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(w.RejectsPath())
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("named=%v: mode %o, want %o", named, got, want)
		}
	}
}
