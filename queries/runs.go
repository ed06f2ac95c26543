package queries

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// runProps is what a (:Run) node holds: the whole record as JSON (data) plus
// the fields Browser users filter and sort on.
func runProps(run model.Run) (map[string]any, error) {
	data, err := json.Marshal(run)
	if err != nil {
		return nil, err
	}
	p := map[string]any{
		"status": run.Status, "started": run.Started.UTC(), "policy": run.Policy,
		"policy_hash": run.PolicyHash, "as_of": run.AsOf, "data": string(data),
		"finished": nil,
	}
	if !run.Finished.IsZero() {
		p["finished"] = run.Finished.UTC()
	}
	return p, nil
}

// BeginRun implements store.Store.
func (s *Store) BeginRun(ctx context.Context, run model.Run) error {
	if run.ID == "" {
		return fmt.Errorf("neo4j: begin run: the run has no id")
	}
	props, err := runProps(run)
	if err != nil {
		return fmt.Errorf("neo4j: begin run %q: %w", run.ID, err)
	}
	return s.write(ctx, "begin run "+run.ID, func(tx neo4j.ManagedTransaction) error {
		_, err := runInTx(ctx, tx, qBeginRun, map[string]any{"id": run.ID, "props": props})
		return err
	})
}

// parallelResults is the smallest batch WriteResults splits across two
// concurrent transactions: one transaction keeps one server core busy, and
// results of distinct entities take no common locks.
var parallelResults = 2000 // a variable so tests can shrink it

// WriteResults implements store.Store; the run must have been begun. A batch
// holds each entity once (the last result of an entity given twice wins);
// large batches are written as two halves in concurrent transactions.
func (s *Store) WriteResults(ctx context.Context, runID string, batch []model.Result) error {
	if err := ctx.Err(); err != nil {
		return fail(ctx, "write results", err)
	}
	at := make(map[string]int, len(batch))
	rows := make([]map[string]any, 0, len(batch))
	for i := range batch {
		r := &batch[i]
		data, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("neo4j: write results: entity %q: %w", r.EntityID, err)
		}
		row := map[string]any{
			"entity_id": r.EntityID, "verdict": r.Verdict, "flagged": r.Flagged,
			"indeterminate": r.Indeterminate, "chinese_share_min": r.ChineseShare.Min,
			"chinese_share_max": r.ChineseShare.Max, "data": string(data),
		}
		if j, ok := at[r.EntityID]; ok {
			rows[j] = row
			continue
		}
		at[r.EntityID] = len(rows)
		rows = append(rows, row)
	}
	if len(rows) < parallelResults {
		return s.writeResults(ctx, runID, rows)
	}
	half := len(rows) / 2
	errs := make(chan error, 1)
	go func() { errs <- s.writeResults(ctx, runID, rows[half:]) }()
	err := s.writeResults(ctx, runID, rows[:half])
	if err2 := <-errs; err == nil {
		err = err2
	}
	return err
}

// writeResults stores result rows in one transaction, checking the run:
// created, or, when some entity of the rows already has a result in the
// run, merged so that the new result replaces the old.
func (s *Store) writeResults(ctx context.Context, runID string, rows []map[string]any) error {
	err := s.writeResultsWith(ctx, runID, rows, qCreateResults)
	var n4e *neo4j.Neo4jError
	if errors.As(err, &n4e) && n4e.Code == "Neo.ClientError.Schema.ConstraintValidationFailed" {
		err = s.writeResultsWith(ctx, runID, rows, qWriteResults)
	}
	return err
}

func (s *Store) writeResultsWith(ctx context.Context, runID string, rows []map[string]any, cypher string) error {
	return s.write(ctx, "write results of run "+runID, func(tx neo4j.ManagedTransaction) error {
		recs, err := runInTx(ctx, tx, qRunExists, map[string]any{"id": runID})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
		}
		if len(rows) == 0 {
			return nil
		}
		_, err = runInTx(ctx, tx, cypher, map[string]any{"run_id": runID, "rows": rows})
		return err
	})
}

// FinishRun implements store.Store. For a complete run it first copies the
// results onto the entities whose published values differ, in batches
// (verdict, indeterminate, chinese_share_min/max and the :Flagged label),
// removes stale flags, and only then marks the run complete and records it
// as (:UboState {id: 'current'}).run_id: an interruption leaves the run
// "running", never the current one. Results of all but the newest 20
// complete runs are then pruned.
func (s *Store) FinishRun(ctx context.Context, run model.Run) error {
	what := "finish run " + run.ID
	recs, err := s.query(ctx, what, qRunExists, map[string]any{"id": run.ID})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return fmt.Errorf("neo4j: %s: %w", what, store.ErrNotFound)
	}
	if run.Status == model.RunComplete {
		if err := s.publish(ctx, run.ID); err != nil {
			return err
		}
	}
	props, err := runProps(run)
	if err != nil {
		return fmt.Errorf("neo4j: %s: %w", what, err)
	}
	if err := s.write(ctx, what, func(tx neo4j.ManagedTransaction) error {
		_, err := runInTx(ctx, tx, qFinishRun, map[string]any{"id": run.ID, "props": props})
		if err != nil || run.Status != model.RunComplete {
			return err
		}
		// The same transaction that marks the run complete names it the
		// current run, so the two never disagree.
		_, err = runInTx(ctx, tx, qSetCurrentRun, map[string]any{"id": run.ID})
		return err
	}); err != nil {
		return err
	}
	if run.Status == model.RunComplete {
		return s.prune(ctx)
	}
	return nil
}

// publish copies a run's results onto the entities whose values differ and
// removes stale flags, each as one auto-commit query committing batchSize rows at a time
// (CALL ... IN TRANSACTIONS): no round trip per batch, and the publishing
// batches run concurrently on the server.
func (s *Store) publish(ctx context.Context, runID string) error {
	params := map[string]any{"run_id": runID, "batch": batchSize}
	if err := s.autoCommit(ctx, "publish results of run "+runID, qPublishResults, params); err != nil {
		return err
	}
	return s.autoCommit(ctx, "remove stale flags", qUnflagStale, params)
}

// prune deletes the results of runs beyond the newest keepRuns complete ones.
func (s *Store) prune(ctx context.Context) error {
	recs, err := s.query(ctx, "prune runs", qPrunableRuns, map[string]any{"keep": keepRuns})
	if err != nil {
		return err
	}
	for _, r := range recs {
		runID := str(r.Values[0])
		if err := s.deleteBatched(ctx, "prune results of run "+runID, qDeleteResults, map[string]any{"run_id": runID}); err != nil {
			return err
		}
	}
	return nil
}

// deleteBatched repeats a delete query returning its count until it deletes
// fewer than batchSize, one transaction per batch.
func (s *Store) deleteBatched(ctx context.Context, what, cypher string, params map[string]any) error {
	p := map[string]any{"limit": batchSize}
	for k, v := range params {
		p[k] = v
	}
	for {
		var n int64
		err := s.write(ctx, what, func(tx neo4j.ManagedTransaction) error {
			recs, err := runInTx(ctx, tx, cypher, p)
			n = count(recs)
			return err
		})
		if err != nil {
			return err
		}
		if n < batchSize {
			return nil
		}
	}
}

// Runs implements store.Store.
func (s *Store) Runs(ctx context.Context) ([]model.Run, error) {
	recs, err := s.query(ctx, "runs", qRuns, nil)
	if err != nil {
		return nil, err
	}
	out := make([]model.Run, 0, len(recs))
	for _, r := range recs {
		var run model.Run
		if err := json.Unmarshal([]byte(str(r.Values[0])), &run); err != nil {
			return nil, fmt.Errorf("neo4j: runs: %w", err)
		}
		out = append(out, run)
	}
	return out, nil
}

// EachResult implements store.Store with a paged read.
func (s *Store) EachResult(ctx context.Context, runID string, fn func(*model.Result) error) error {
	return s.stream(ctx, "results of run "+runID, qEachResult, map[string]any{"run_id": runID}, func(row []any) error {
		var r model.Result
		if err := json.Unmarshal([]byte(str(row[1])), &r); err != nil {
			return fmt.Errorf("neo4j: results of run %s: %w", runID, err)
		}
		return fn(&r)
	})
}

// Result implements store.Store.
func (s *Store) Result(ctx context.Context, runID, entityID string) (model.Result, error) {
	recs, err := s.query(ctx, "result", qResult, map[string]any{"run_id": runID, "entity_id": entityID})
	if err != nil {
		return model.Result{}, err
	}
	if len(recs) == 0 {
		return model.Result{}, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
	}
	var r model.Result
	if err := json.Unmarshal([]byte(str(recs[0].Values[0])), &r); err != nil {
		return model.Result{}, fmt.Errorf("neo4j: result of %q in run %q: %w", entityID, runID, err)
	}
	return r, nil
}
