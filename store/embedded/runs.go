package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ubo-project/ubo/internal/faultpoint"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// BeginRun implements store.Store: records the run as running.
func (s *Store) BeginRun(ctx context.Context, run model.Run) error {
	if run.ID == "" {
		return fmt.Errorf("begin run: no run id")
	}
	if run.Status == "" {
		run.Status = model.RunRunning
	}
	data, err := json.Marshal(&run)
	if err != nil {
		return err
	}
	return s.write(ctx, "begin run "+run.ID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO runs (id, started, status, data) VALUES (?, ?, ?, ?)`,
			run.ID, run.Started.UnixNano(), run.Status, data)
		return err
	})
}

// resultRows is how many results one multi-row INSERT carries (5
// parameters each, far below SQLite's limit of 32 766).
const resultRows = 500

// emptyBlob is the data of a minimal result; a nil []byte would bind NULL.
var emptyBlob = []byte{}

// WriteResults implements store.Store: one transaction per batch; a result
// written again for the same run and entity replaces the earlier one.
// Results are committed without waiting for the disk (see writeRelaxed):
// FinishRun's synchronous commit makes them durable with the run record.
func (s *Store) WriteResults(ctx context.Context, runID string, batch []model.Result) error {
	return s.writeRelaxed(ctx, "write results of run "+runID, func(tx *sql.Tx) error {
		var status string
		switch err := tx.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?`, runID).Scan(&status); {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("run %q: %w (BeginRun first)", runID, store.ErrNotFound)
		case err != nil:
			return err
		}
		rows := newBulkRows(tx, `INSERT OR REPLACE INTO results (run_id, entity_id, verdict, flagged, data) VALUES `, ``, 5, resultRows)
		// One buffer for the batch's encoded results: each row's data is a
		// sub-slice of it, alive until its statement ran.
		buf := make([]byte, 0, 64*len(batch))
		for i := range batch {
			r := &batch[i]
			if r.EntityID == "" {
				return fmt.Errorf("result %d of the batch has no entity id", i)
			}
			start := len(buf)
			buf = codec.EncodeResult(buf, r)
			data := buf[start:len(buf):len(buf)]
			if len(data) == 0 {
				data = emptyBlob
			}
			if err := rows.add(ctx, runID, r.EntityID, r.Verdict, r.Flagged, data); err != nil {
				return fmt.Errorf("results up to %q: %w", r.EntityID, err)
			}
		}
		return rows.flush(ctx)
	})
}

// FinishRun implements store.Store. Completing a run prunes results (see
// PruneRuns, with store.DefaultKeepRuns).
func (s *Store) FinishRun(ctx context.Context, run model.Run) error {
	if run.Status == "" || run.Status == model.RunRunning {
		run.Status = model.RunComplete
	}
	data, err := json.Marshal(&run)
	if err != nil {
		return err
	}
	return s.write(ctx, "finish run "+run.ID, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET started = ?, status = ?, data = ? WHERE id = ?`,
			run.Started.UnixNano(), run.Status, data, run.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("run %q: %w", run.ID, store.ErrNotFound)
		}
		_, err = s.prune(ctx, tx, store.DefaultKeepRuns)
		if err == nil {
			faultpoint.Hit(faultpoint.PublishCommit)
		}
		return err
	})
}

// PruneRuns implements store.Store, in one transaction. The file does not
// shrink: SQLite reuses the freed pages for the next runs' results.
func (s *Store) PruneRuns(ctx context.Context, keep int) ([]string, error) {
	var pruned []string
	err := s.write(ctx, "prune runs", func(tx *sql.Tx) error {
		var err error
		pruned, err = s.prune(ctx, tx, keep)
		return err
	})
	return pruned, err
}

// prune deletes the results RunsToPrune names and those of failed runs.
func (s *Store) prune(ctx context.Context, tx *sql.Tx, keep int) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT data FROM runs ORDER BY started DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	var runs []model.Run
	for rows.Next() {
		var data []byte
		var r model.Run
		if err := rows.Scan(&data); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal(data, &r); err != nil {
			rows.Close()
			return nil, fmt.Errorf("run record: %w", err)
		}
		runs = append(runs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pruned := store.RunsToPrune(runs, keep)
	byID := map[string]*model.Run{}
	for i := range runs {
		byID[runs[i].ID] = &runs[i]
	}
	for _, id := range pruned {
		r := byID[id]
		r.Status = model.RunPruned
		data, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM results WHERE run_id = ?`, id); err != nil {
			return nil, fmt.Errorf("prune run %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, data = ? WHERE id = ?`, r.Status, data, id); err != nil {
			return nil, fmt.Errorf("prune run %s: %w", id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM results WHERE run_id IN (SELECT id FROM runs WHERE status = ?)`,
		model.RunFailed); err != nil {
		return nil, fmt.Errorf("prune failed runs: %w", err)
	}
	return pruned, nil
}

// Runs implements store.Store: newest (by start time) first.
func (s *Store) Runs(ctx context.Context) ([]model.Run, error) {
	var out []model.Run
	err := s.stream(ctx, "runs", `SELECT data FROM runs ORDER BY started DESC, id DESC`, nil, func(data []byte) error {
		var r model.Run
		if err := json.Unmarshal(data, &r); err != nil {
			return s.wrap("runs", err)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// EachResult implements store.Store.
func (s *Store) EachResult(ctx context.Context, runID string, fn func(*model.Result) error) error {
	return s.eachResult(ctx, runID, codec.DecodeResult, fn)
}

// EachResultSummary is EachResult without each result's Explanation and
// the Hops of its evidence (codec.DecodeResultSummary): what JSON Lines
// and CSV exports read.
func (s *Store) EachResultSummary(ctx context.Context, runID string, fn func(*model.Result) error) error {
	return s.eachResult(ctx, runID, codec.DecodeResultSummary, fn)
}

func (s *Store) eachResult(ctx context.Context, runID string,
	decode func(entityID, verdict string, flagged bool, data []byte, r *model.Result) error,
	fn func(*model.Result) error) error {
	what := "results of run " + runID
	var r model.Result
	return s.eachRow(ctx, what,
		`SELECT entity_id, verdict, flagged, data FROM results WHERE run_id = ? ORDER BY entity_id`, []any{runID},
		func(row []driver.Value) error {
			id, verdict, flagged, err := verdictColumns(row)
			if err != nil {
				return s.wrap(what, err)
			}
			data, err := blobColumn(row[3])
			if err == nil {
				err = decode(id, verdict, flagged, data, &r)
			}
			if err != nil {
				return s.wrap(what, err)
			}
			return fn(&r)
		})
}

// verdictColumns reads a results row's entity_id, verdict and flagged.
func verdictColumns(row []driver.Value) (id, verdict string, flagged bool, err error) {
	if id, err = textColumn(row[0]); err != nil {
		return
	}
	if verdict, err = textColumn(row[1]); err != nil {
		return
	}
	verdict = codec.InternVerdict(verdict)
	f, err := intColumn(row[2])
	return id, verdict, f != 0, err
}

// WriteConcurrency implements store.RunStore: writes are serialised (by
// writeMu, and by SQLite itself), so a second writer only queues.
func (s *Store) WriteConcurrency() int { return 1 }

// EachVerdict implements store.VerdictStreamer: the id, verdict and flag
// columns only, without decoding any result data.
func (s *Store) EachVerdict(ctx context.Context, runID string, fn func(entityID, verdict string, flagged bool) error) error {
	what := "verdicts of run " + runID
	return s.eachRow(ctx, what,
		`SELECT entity_id, verdict, flagged FROM results WHERE run_id = ? ORDER BY entity_id`, []any{runID},
		func(row []driver.Value) error {
			id, verdict, flagged, err := verdictColumns(row)
			if err != nil {
				return s.wrap(what, err)
			}
			return fn(id, verdict, flagged)
		})
}

// EachFlagged streams the ids of the entities a run flagged, ordered by id:
// what a new run compares its flags with, without a row for each entity
// the run did not flag (most of them). An unknown run streams nothing.
func (s *Store) EachFlagged(ctx context.Context, runID string, fn func(entityID string) error) error {
	what := "flagged entities of run " + runID
	return s.eachRow(ctx, what,
		`SELECT entity_id FROM results WHERE run_id = ? AND flagged != 0 ORDER BY entity_id`, []any{runID},
		func(row []driver.Value) error {
			id, err := textColumn(row[0])
			if err != nil {
				return s.wrap(what, err)
			}
			return fn(id)
		})
}

// Result implements store.Store.
func (s *Store) Result(ctx context.Context, runID, entityID string) (model.Result, error) {
	var r model.Result
	if err := ctx.Err(); err != nil {
		return r, err
	}
	var (
		verdict string
		flagged bool
		data    []byte
	)
	st, err := s.prepared(ctx, `SELECT verdict, flagged, data FROM results WHERE run_id = ? AND entity_id = ?`)
	if err != nil {
		return r, s.wrap("result", err)
	}
	err = st.QueryRowContext(ctx, runID, entityID).Scan(&verdict, &flagged, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return r, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
	case err != nil:
		return r, s.wrap("result", err)
	}
	if err := codec.DecodeResult(entityID, verdict, flagged, data, &r); err != nil {
		return r, s.wrap("result", err)
	}
	return r, nil
}

// RunResults implements store.Store: an indexed row per result
// makes each lookup cheap, so the reader is Result itself.
func (s *Store) RunResults(runID string) store.ResultReader { return runResultReader{s, runID} }

type runResultReader struct {
	s     *Store
	runID string
}

func (r runResultReader) Result(ctx context.Context, entityID string) (model.Result, error) {
	return r.s.Result(ctx, r.runID, entityID)
}
