package queries

import (
	"context"
	"encoding/json"
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

// FinishRun implements store.Store. For a complete run it first copies the
// results onto the entities whose published values differ, in batches
// (verdict, indeterminate, chinese_share_min/max and the :Flagged label),
// removes stale flags, and only then marks the run complete and records it
// as (:UboState {id: 'current'}).run_id: an interruption leaves the run
// "running", never the current one. Results are then pruned (PruneRuns
// with store.DefaultKeepRuns).
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
		if _, err := s.publish(ctx, run.ID); err != nil {
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

// prune is PruneRuns with store.DefaultKeepRuns, after a run completed.
func (s *Store) prune(ctx context.Context) error {
	_, err := s.PruneRuns(ctx, store.DefaultKeepRuns)
	return err
}

// PruneRuns implements store.Store: per run store.PrunePlan names, its
// result chunks in batches when they go, then its record marked pruned (an
// interruption leaves a run complete with part of its results, which the
// next prune finishes).
func (s *Store) PruneRuns(ctx context.Context, keep int) ([]string, error) {
	runs, err := s.Runs(ctx)
	if err != nil {
		return nil, err
	}
	plan, pruned := store.PrunePlan(runs, keep)
	for _, d := range plan {
		what := "prune results of run " + d.Run.ID
		if d.DeleteResults {
			if err := s.deleteBatched(ctx, what, qDeleteResultChunks, map[string]any{"run_id": d.Run.ID}); err != nil {
				return nil, err
			}
		}
		props, err := runProps(d.Run)
		if err != nil {
			return nil, fmt.Errorf("neo4j: %s: %w", what, err)
		}
		if err := s.write(ctx, what, func(tx neo4j.ManagedTransaction) error {
			_, err := runInTx(ctx, tx, qFinishRun, map[string]any{"id": d.Run.ID, "props": props})
			return err
		}); err != nil {
			return nil, err
		}
	}
	// A failed or interrupted run's results are never read (it is never
	// the latest complete run, and diff and export refuse it).
	for _, r := range runs {
		if r.Status == model.RunFailed || r.Status == model.RunInterrupted {
			if err := s.deleteBatched(ctx, "prune results of failed run "+r.ID, qDeleteResultChunks,
				map[string]any{"run_id": r.ID}); err != nil {
				return nil, err
			}
		}
	}
	return pruned, nil
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
