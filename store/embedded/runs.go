package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
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

// WriteResults implements store.Store: one transaction per batch; a result
// written again for the same run and entity replaces the earlier one.
func (s *Store) WriteResults(ctx context.Context, runID string, batch []model.Result) error {
	return s.write(ctx, "write results of run "+runID, func(tx *sql.Tx) error {
		var status string
		switch err := tx.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?`, runID).Scan(&status); {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("run %q: %w (BeginRun first)", runID, store.ErrNotFound)
		case err != nil:
			return err
		}
		rows := newBulk(tx, `INSERT OR REPLACE INTO results (run_id, entity_id, verdict, flagged, data) VALUES `, ``, 5)
		for i := range batch {
			r := &batch[i]
			if r.EntityID == "" {
				return fmt.Errorf("result %d of the batch has no entity id", i)
			}
			data, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("result %q: %w", r.EntityID, err)
			}
			if err := rows.add(ctx, runID, r.EntityID, r.Verdict, r.Flagged, data); err != nil {
				return fmt.Errorf("results up to %q: %w", r.EntityID, err)
			}
		}
		return rows.flush(ctx)
	})
}

// FinishRun implements store.Store. Completing a run prunes results: only
// the last keepCompleteRuns complete runs keep theirs, and failed runs keep
// none (their run records stay listed).
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
		_, err = tx.ExecContext(ctx, `
			DELETE FROM results WHERE run_id IN (
				SELECT id FROM runs WHERE status = ?
				UNION ALL
				SELECT id FROM (SELECT id FROM runs WHERE status = ?
					ORDER BY started DESC, id DESC LIMIT -1 OFFSET ?))`,
			model.RunFailed, model.RunComplete, keepCompleteRuns)
		return err
	})
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
	return s.stream(ctx, "results of run "+runID,
		`SELECT data FROM results WHERE run_id = ? ORDER BY entity_id`, []any{runID}, func(data []byte) error {
			var r model.Result
			if err := json.Unmarshal(data, &r); err != nil {
				return s.wrap("results of run "+runID, err)
			}
			return fn(&r)
		})
}

// Result implements store.Store.
func (s *Store) Result(ctx context.Context, runID, entityID string) (model.Result, error) {
	var r model.Result
	if err := ctx.Err(); err != nil {
		return r, err
	}
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM results WHERE run_id = ? AND entity_id = ?`,
		runID, entityID).Scan(&data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return r, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
	case err != nil:
		return r, s.wrap("result", err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, s.wrap("result", err)
	}
	return r, nil
}
