package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/storetest"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestOpenFailuresAreUnreachable(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"empty path":        "",
		"directory":         dir,
		"missing directory": filepath.Join(dir, "no", "such", "ubo.db"),
		"not a database":    garbage,
	} {
		s, err := Open(path)
		if err == nil {
			s.Close(context.Background())
			t.Errorf("%s: Open(%q) succeeded", name, path)
			continue
		}
		if !errors.Is(err, store.ErrUnreachable) {
			t.Errorf("%s: Open error %v does not wrap ErrUnreachable", name, err)
		}
	}
}

func TestLockedFileIsUnreachable(t *testing.T) {
	defer func(old int) { busyTimeoutMillis = old }(busyTimeoutMillis)
	busyTimeoutMillis = 50
	path := filepath.Join(t.TempDir(), "ubo.db")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	// Another process holds the write lock (simulated by a second handle).
	locker, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	conn, err := locker.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")

	err = a.UpsertEntities(t.Context(), []model.Entity{{ID: "a", Name: "A"}})
	if !errors.Is(err, store.ErrUnreachable) {
		t.Errorf("write to a locked file: error %v, want ErrUnreachable", err)
	}
	// Readers are not blocked by a writer under WAL.
	if _, err := a.Status(t.Context()); err != nil {
		t.Errorf("status while another process writes: %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ubo.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := s.UpsertEntities(ctx, []model.Entity{{ID: "a", Name: "Alpha Ltd", Kind: model.Company}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if e, err := s.Entity(ctx, "a"); err != nil || e.Name != "Alpha Ltd" {
		t.Errorf("after reopen: %+v, %v", e, err)
	}
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Backend != "embedded" || st.Location != path || !strings.HasPrefix(st.ServerVersion, "3.") {
		t.Errorf("status = %+v", st)
	}
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2"} {
		var got string
		if err := s.db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", pragma, got, err, want)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ubo.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE schema_version SET version = ?`, schemaVersion+1); err != nil {
		t.Fatal(err)
	}
	s.Close(t.Context())
	if s, err := Open(path); err == nil || !strings.Contains(err.Error(), "newer") {
		if s != nil {
			s.Close(t.Context())
		}
		t.Errorf("Open of a newer schema: %v, want a refusal", err)
	}
}

func TestStreamCallbackMayUseTheStore(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	var batch []model.Entity
	for i := range 300 {
		batch = append(batch, model.Entity{ID: fmt.Sprintf("e%03d", i), Name: "E", Kind: model.Company})
	}
	if err := s.UpsertEntities(ctx, batch); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := s.EachEntity(ctx, func(e *model.Entity) error {
		n++
		if _, err := s.Entity(ctx, e.ID); err != nil {
			return err
		}
		// A write while the stream is open (results written back while
		// streaming) must neither deadlock nor disturb the stream.
		return s.UpsertEntities(ctx, []model.Entity{{ID: e.ID, Lists: []string{"seen"}}})
	})
	if err != nil || n != 300 {
		t.Fatalf("stream with lookups and writes: %d entities, %v", n, err)
	}
	e, err := s.Entity(ctx, "e299")
	if err != nil || len(e.Lists) != 1 {
		t.Errorf("write during stream lost: %+v, %v", e, err)
	}
}

func TestBatchSpanningChunks(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	// More than one chunk, with the same id in different chunks.
	var batch []model.Entity
	for i := range 2*(upsertChunk+7) + 1 {
		batch = append(batch, model.Entity{ID: fmt.Sprintf("e%04d", i%(upsertChunk+7)),
			Name: fmt.Sprintf("Name %d", i), Lists: []string{fmt.Sprint("l", i)}})
	}
	if err := s.UpsertEntities(ctx, batch); err != nil {
		t.Fatal(err)
	}
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities["unknown"] != upsertChunk+7 {
		t.Errorf("entities = %v, want %d", st.Entities, upsertChunk+7)
	}
	e, err := s.Entity(ctx, "e0000")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"l0", fmt.Sprint("l", upsertChunk+7), fmt.Sprint("l", 2*(upsertChunk+7))}
	sort.Strings(want)
	if e.Name != fmt.Sprintf("Name %d", 2*(upsertChunk+7)) || !slices.Equal(e.Lists, want) {
		t.Errorf("e0000 = %q %v, want the last name and lists %v", e.Name, e.Lists, want)
	}
	if got, _ := s.SearchNames(ctx, "name", 2000); len(got) != upsertChunk+7 {
		t.Errorf("search finds %d, want one row per entity (%d)", len(got), upsertChunk+7)
	}
}
