package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
	"github.com/ubo-project/ubo/store/storetest"
)

// The contract suite (storetest ResultsExact) checks every result form;
// here: rows written as whole-JSON blobs by older versions still read back,
// next to binary ones.
func TestStoredResults(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	run := model.Run{ID: "run-1", Started: time.Unix(1, 0).UTC(), Policy: "default"}
	if err := s.BeginRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	var batch []model.Result
	for name, r := range storetest.SampleResults() {
		r.EntityID = name // distinct ids
		batch = append(batch, r)
	}
	if err := s.WriteResults(ctx, run.ID, batch); err != nil {
		t.Fatal(err)
	}
	// Older files hold JSON blobs: one written the old way reads back too.
	old := storetest.FullResult()
	old.EntityID = "old json row"
	js, _ := json.Marshal(&old)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO results (run_id, entity_id, verdict, flagged, data) VALUES (?, ?, ?, ?, ?)`,
		run.ID, old.EntityID, old.Verdict, old.Flagged, js); err != nil {
		t.Fatal(err)
	}
	batch = append(batch, old)
	if err := s.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	want := map[string]model.Result{}
	for _, r := range batch {
		want[r.EntityID] = storetest.JSONRoundTrip(t, r)
	}

	var got []model.Result
	if err := s.EachResult(ctx, run.ID, func(r *model.Result) error {
		got = append(got, *r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("EachResult gave %d results, want %d", len(got), len(want))
	}
	for _, r := range got {
		if !reflect.DeepEqual(r, want[r.EntityID]) {
			t.Errorf("EachResult %q:\n got %#v\nwant %#v", r.EntityID, r, want[r.EntityID])
		}
	}
	if r, err := s.Result(ctx, run.ID, old.EntityID); err != nil || !reflect.DeepEqual(r, want[old.EntityID]) {
		t.Errorf("Result of the JSON row: %#v, %v", r, err)
	}
	flagged := ""
	if err := s.EachVerdict(ctx, run.ID, func(id string, verdict model.Verdict, f bool) error {
		if id == old.EntityID {
			flagged = fmt.Sprint(verdict, f)
		}
		return nil
	}); err != nil || flagged != fmt.Sprint(old.Verdict, old.Flagged) {
		t.Errorf("EachVerdict of the JSON row: %q, %v", flagged, err)
	}
}

// After WriteResults the pooled connections are back to synchronous=FULL
// and the default checkpoint interval.
func TestWriteResultsRestoresSynchronous(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if err := s.BeginRun(ctx, model.Run{ID: "r", Started: time.Unix(1, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx, "r", []model.Result{codec.ClearResult("a", model.VerdictClear, false)}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteResults(ctx, "no-such-run", []model.Result{codec.ClearResult("a", model.VerdictClear, false)}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("WriteResults to an unknown run: %v", err)
	}
	// Hold every idle connection at once so each is checked.
	var conns []interface{ Close() error }
	for range 4 {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode, pages int
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if mode != 2 || pages != 1000 { // FULL, SQLite's default
			t.Errorf("a pooled connection has synchronous=%d wal_autocheckpoint=%d, want 2 (FULL) and 1000", mode, pages)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}
