package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

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
	for i := range batch {
		if batch[i].EntityID == "" {
			return fmt.Errorf("write results of run %s: result %d of the batch has no entity id", runID, i)
		}
	}
	return s.writeResultRows(ctx, "write results of run "+runID, runID, batch)
}

// removedVerdict is the verdict of the row that records that a run stored
// against a base has no result for an entity (store.DeltaResultStore).
const removedVerdict = store.RemovedVerdict

// RemoveResults implements store.DeltaResultStore: a row with the removed
// verdict per entity.
func (s *Store) RemoveResults(ctx context.Context, runID string, entityIDs []string) error {
	batch := make([]model.Result, len(entityIDs))
	for i, id := range entityIDs {
		batch[i] = model.Result{EntityID: id, Verdict: removedVerdict}
	}
	return s.writeResultRows(ctx, "remove results of run "+runID, runID, batch)
}

func (s *Store) writeResultRows(ctx context.Context, what, runID string, batch []model.Result) error {
	return s.writeRelaxed(ctx, what, func(tx *sql.Tx) error {
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

// StoredResults implements store.DeltaResultStore.
func (s *Store) StoredResults(ctx context.Context, runID string) (int, error) {
	var n int
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM results WHERE run_id = ?`, runID).Scan(&n)
	return n, s.wrap("stored results of run "+runID, err)
}

// chain returns the runs whose rows make up runID's results, the run
// first, then its bases (store.ResultChain), reading one run record each.
func (s *Store) chain(ctx context.Context, runID string) ([]string, error) {
	chain := []string{runID}
	for id := runID; len(chain) <= store.MaxDeltaChain+1; {
		var data []byte
		err := s.db.QueryRowContext(ctx, `SELECT data FROM runs WHERE id = ?`, id).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			if id == runID {
				return chain, nil // an unknown run: no results
			}
			return nil, fmt.Errorf("run %s: the results of its base run %s are missing", chain[len(chain)-2], id)
		}
		if err != nil {
			return nil, s.wrap("run "+id, err)
		}
		var r model.Run
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, s.wrap("run "+id, fmt.Errorf("run record: %w", err))
		}
		if r.Base == "" {
			return chain, nil
		}
		id = r.Base
		chain = append(chain, id)
	}
	return nil, fmt.Errorf("run %s: more than %d bases", runID, store.MaxDeltaChain)
}

// eachChainRow streams the rows of runID's results with the columns cols
// (entity_id first), in entity id order: for a run stored against bases,
// the rows of the run and of its bases merged, the newest run's row of
// each entity winning, and rows that record a removal left out. A
// compound SELECT of one index range per run, which SQLite merges without
// sorting.
func (s *Store) eachChainRow(ctx context.Context, what, runID, cols string, fn func(row []driver.Value) error) error {
	chain, err := s.chain(ctx, runID)
	if err != nil {
		return s.wrap(what, err)
	}
	if len(chain) == 1 {
		return s.eachRow(ctx, what, `SELECT `+cols+` FROM results WHERE run_id = ? ORDER BY entity_id`,
			[]any{runID}, fn)
	}
	var q strings.Builder
	args := make([]any, len(chain))
	for depth, id := range chain {
		if depth > 0 {
			q.WriteString(` UNION ALL `)
		}
		fmt.Fprintf(&q, `SELECT %d AS depth, verdict = ?%d AS removed, %s FROM results WHERE run_id = ?%d`, depth, len(chain)+1, cols, depth+1)
		args[depth] = id
	}
	q.WriteString(` ORDER BY 3, 1`)
	args = append(args, removedVerdict)
	var last string
	first := true
	return s.eachRow(ctx, what, q.String(), args, func(row []driver.Value) error {
		id, err := textColumn(row[2])
		if err != nil {
			return s.wrap(what, err)
		}
		if !first && id == last {
			return nil // an older run's row of the entity
		}
		first = false
		last = strings.Clone(id)
		if removed, err := intColumn(row[1]); err != nil {
			return s.wrap(what, err)
		} else if removed != 0 {
			return nil
		}
		return fn(row[2:])
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

// prune deletes the results store.PrunePlan says go and those of failed
// and interrupted runs.
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
	plan, pruned := store.PrunePlan(runs, keep)
	for _, d := range plan {
		r := d.Run
		data, err := json.Marshal(&r)
		if err != nil {
			return nil, err
		}
		if d.DeleteResults {
			if _, err := tx.ExecContext(ctx, `DELETE FROM results WHERE run_id = ?`, r.ID); err != nil {
				return nil, fmt.Errorf("prune run %s: %w", r.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, data = ? WHERE id = ?`, r.Status, data, r.ID); err != nil {
			return nil, fmt.Errorf("prune run %s: %w", r.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM results WHERE run_id IN (SELECT id FROM runs WHERE status IN (?, ?))`,
		model.RunFailed, model.RunInterrupted); err != nil {
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
	decode func(entityID string, verdict model.Verdict, flagged bool, data []byte, r *model.Result) error,
	fn func(*model.Result) error) error {
	var r model.Result
	return s.EachEncodedResult(ctx, runID, func(id string, verdict model.Verdict, flagged bool, data []byte) error {
		if err := decode(id, verdict, flagged, data, &r); err != nil {
			return s.wrap("results of run "+runID, err)
		}
		return fn(&r)
	})
}

// verdictColumns reads a results row's entity_id, verdict and flagged.
func verdictColumns(row []driver.Value) (id string, verdict model.Verdict, flagged bool, err error) {
	if id, err = textColumn(row[0]); err != nil {
		return
	}
	text, err := textColumn(row[1])
	if err != nil {
		return
	}
	verdict = codec.InternVerdict(text)
	f, err := intColumn(row[2])
	return id, verdict, f != 0, err
}

// WriteConcurrency implements store.RunStore: writes are serialised (by
// writeMu, and by SQLite itself), so a second writer only queues.
func (s *Store) WriteConcurrency() int { return 1 }

// EachVerdict implements store.VerdictStreamer: the id, verdict and flag
// columns only, without decoding any result data.
func (s *Store) EachVerdict(ctx context.Context, runID string, fn func(entityID string, verdict model.Verdict, flagged bool) error) error {
	what := "verdicts of run " + runID
	return s.eachChainRow(ctx, what, runID, `entity_id, verdict, flagged`,
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
// the run did not flag (most of them) when the run is stored in full. An
// unknown run streams nothing.
func (s *Store) EachFlagged(ctx context.Context, runID string, fn func(entityID string) error) error {
	what := "flagged entities of run " + runID
	chain, err := s.chain(ctx, runID)
	if err != nil {
		return s.wrap(what, err)
	}
	if len(chain) > 1 {
		return s.EachVerdict(ctx, runID, func(id string, _ model.Verdict, flagged bool) error {
			if flagged {
				return fn(id)
			}
			return nil
		})
	}
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

// EachEncodedResult implements store.DeltaResultStore.
func (s *Store) EachEncodedResult(ctx context.Context, runID string, fn func(entityID string, verdict model.Verdict, flagged bool, data []byte) error) error {
	what := "results of run " + runID
	return s.eachChainRow(ctx, what, runID, `entity_id, verdict, flagged, data`,
		func(row []driver.Value) error {
			id, verdict, flagged, err := verdictColumns(row)
			if err != nil {
				return s.wrap(what, err)
			}
			data, err := blobColumn(row[3])
			if err != nil {
				return s.wrap(what, err)
			}
			return fn(id, verdict, flagged, data)
		})
}

// Result implements store.Store.
func (s *Store) Result(ctx context.Context, runID, entityID string) (model.Result, error) {
	if err := ctx.Err(); err != nil {
		return model.Result{}, err
	}
	chain, err := s.chain(ctx, runID)
	if err != nil {
		return model.Result{}, s.wrap("result", err)
	}
	return s.chainResult(ctx, runID, chain, entityID)
}

// chainResult is the result of entityID in the newest run of chain (the
// runs of runID's results, store.ResultChain) that has a row for it.
func (s *Store) chainResult(ctx context.Context, runID string, chain []string, entityID string) (model.Result, error) {
	var r model.Result
	st, err := s.prepared(ctx, `SELECT verdict, flagged, data FROM results WHERE run_id = ? AND entity_id = ?`)
	if err != nil {
		return r, s.wrap("result", err)
	}
	for _, id := range chain {
		var (
			verdict string
			flagged bool
			data    []byte
		)
		err = st.QueryRowContext(ctx, id, entityID).Scan(&verdict, &flagged, &data)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return r, s.wrap("result", err)
		case verdict == removedVerdict:
			return r, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
		}
		if err := codec.DecodeResult(entityID, codec.InternVerdict(verdict), flagged, data, &r); err != nil {
			return r, s.wrap("result", err)
		}
		return r, nil
	}
	return r, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
}

// RunResults implements store.Store: an indexed row per result makes each
// lookup cheap; the reader finds the run's bases once.
func (s *Store) RunResults(runID string) store.ResultReader {
	return &runResultReader{s: s, runID: runID}
}

type runResultReader struct {
	s     *Store
	runID string
	once  sync.Once
	chain []string
	err   error
}

func (r *runResultReader) Result(ctx context.Context, entityID string) (model.Result, error) {
	if err := ctx.Err(); err != nil {
		return model.Result{}, err
	}
	r.once.Do(func() {
		r.chain, r.err = r.s.chain(ctx, r.runID)
		if r.err != nil {
			r.err = r.s.wrap("result", r.err)
		}
	})
	if r.err != nil {
		return model.Result{}, r.err
	}
	return r.s.chainResult(ctx, r.runID, r.chain, entityID)
}
