// Package scoring is the nightly job: it streams the whole graph out of a
// store into the in-memory engine (package graph), scores it under a policy,
// writes the results back in batches and records the run.
package scoring

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ubo-project/ubo/graph"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/store"
)

// Stage names reported to Progress, in order.
const (
	StageLoadEntities      = "load entities"
	StageLoadRelationships = "load relationships"
	StageScore             = "score"
	StageWrite             = "write results"
)

// Options configure one scoring run.
type Options struct {
	Policy *policy.Policy
	// AsOf is the date the graph is scored at; ended edges are ignored.
	AsOf time.Time
	// DryRun scores and counts but writes nothing.
	DryRun bool
	// BatchSize is the number of results per write (default 5000).
	BatchSize int
	// Progress, when set, is called with the stage and the count done so
	// far; done is true once a stage completes.
	Progress func(stage string, n int, done bool)
	// Now is the clock (tests fix it).
	Now func() time.Time
}

// Timings are the wall-clock durations of each stage.
type Timings struct {
	Load, Score, Write time.Duration
}

// Outcome is what a run produced.
type Outcome struct {
	Run     model.Run
	Timings Timings
	// NewlyFlaggedIDs and NewlyClearedIDs are the first ids (at most 100
	// each) whose flag changed since the previous complete run.
	NewlyFlaggedIDs []string
	NewlyClearedIDs []string
}

const maxListedChanges = 100

// Run scores everything in st. A run interrupted before FinishRun stays
// "running" in the store and is never taken as the latest complete run.
func Run(ctx context.Context, st store.Store, opts Options) (Outcome, error) {
	if opts.Policy == nil {
		return Outcome{}, errors.New("score: no policy")
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 5000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AsOf.IsZero() {
		opts.AsOf = opts.Now().UTC().Truncate(24 * time.Hour)
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(string, int, bool) {}
	}
	var out Outcome
	run := model.Run{
		ID:         newRunID(opts.Now()),
		Started:    opts.Now().UTC(),
		Status:     model.RunRunning,
		Policy:     opts.Policy.Name,
		PolicyHash: opts.Policy.Hash(),
		AsOf:       opts.AsOf.Format("2006-01-02"),
		Counts:     map[string]int{},
	}

	t0 := time.Now()
	b := graph.NewBuilder()
	n := 0
	if err := st.EachEntity(ctx, func(e *model.Entity) error {
		b.AddEntity(*e)
		n++
		if n%50000 == 0 {
			progress(StageLoadEntities, n, false)
		}
		return nil
	}); err != nil {
		return out, fmt.Errorf("score: load entities: %w", err)
	}
	progress(StageLoadEntities, n, true)
	m := 0
	if err := st.EachRelationship(ctx, func(r *model.Relationship) error {
		b.AddRelationship(*r)
		m++
		if m%50000 == 0 {
			progress(StageLoadRelationships, m, false)
		}
		return nil
	}); err != nil {
		return out, fmt.Errorf("score: load relationships: %w", err)
	}
	progress(StageLoadRelationships, m, true)
	g, err := b.Build()
	if err != nil {
		return out, fmt.Errorf("score: build graph: %w", err)
	}
	run.Entities, run.Edges = g.NumEntities(), g.NumEdges()
	out.Timings.Load = time.Since(t0)

	t1 := time.Now()
	progress(StageScore, 0, false)
	scored, err := graph.Score(g, opts.Policy, opts.AsOf)
	if err != nil {
		return out, fmt.Errorf("score: %w", err)
	}
	progress(StageScore, g.NumEntities(), true)
	out.Timings.Score = time.Since(t1)

	prev, err := latestComplete(ctx, st)
	if err != nil {
		return out, err
	}
	prevFlagged := map[string]bool{}
	if prev != nil {
		run.PreviousRun = prev.ID
		if err := st.EachResult(ctx, prev.ID, func(r *model.Result) error {
			if r.Flagged {
				prevFlagged[r.EntityID] = true
			}
			return nil
		}); err != nil {
			return out, fmt.Errorf("score: read previous run %s: %w", prev.ID, err)
		}
	}

	t2 := time.Now()
	if !opts.DryRun {
		if err := st.BeginRun(ctx, run); err != nil {
			return out, fmt.Errorf("score: begin run: %w", err)
		}
	}
	batch := make([]model.Result, 0, opts.BatchSize)
	flush := func() error {
		if opts.DryRun || len(batch) == 0 {
			batch = batch[:0]
			return nil
		}
		if err := st.WriteResults(ctx, run.ID, batch); err != nil {
			return fmt.Errorf("score: write results: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	written := 0
	err = scored.Each(func(r *model.Result) error {
		run.Counts[r.Verdict]++
		if r.Indeterminate {
			run.Indeterminate++
		}
		if r.Flagged && !prevFlagged[r.EntityID] {
			run.NewlyFlagged++
			if len(out.NewlyFlaggedIDs) < maxListedChanges {
				out.NewlyFlaggedIDs = append(out.NewlyFlaggedIDs, r.EntityID)
			}
		}
		if r.Flagged {
			delete(prevFlagged, r.EntityID)
		}
		batch = append(batch, *r)
		written++
		if len(batch) == opts.BatchSize {
			progress(StageWrite, written, false)
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		if !opts.DryRun {
			run.Status, run.Finished = model.RunFailed, opts.Now().UTC()
			// Best effort: the run stays incomplete either way.
			_ = st.FinishRun(context.WithoutCancel(ctx), run)
		}
		return out, err
	}
	// Whatever is left of the previous flags was cleared (or the entity is gone).
	run.NewlyCleared = len(prevFlagged)
	for id := range prevFlagged {
		out.NewlyClearedIDs = append(out.NewlyClearedIDs, id)
	}
	slices.Sort(out.NewlyClearedIDs)
	if len(out.NewlyClearedIDs) > maxListedChanges {
		out.NewlyClearedIDs = out.NewlyClearedIDs[:maxListedChanges]
	}
	run.Status, run.Finished = model.RunComplete, opts.Now().UTC()
	if !opts.DryRun {
		if err := st.FinishRun(ctx, run); err != nil {
			return out, fmt.Errorf("score: finish run: %w", err)
		}
	}
	progress(StageWrite, written, true)
	out.Timings.Write = time.Since(t2)
	out.Run = run
	return out, nil
}

// latestComplete returns the newest complete run, or nil.
func latestComplete(ctx context.Context, st store.Store) (*model.Run, error) {
	runs, err := st.Runs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	for i := range runs {
		if runs[i].Status == model.RunComplete {
			return &runs[i], nil
		}
	}
	return nil, nil
}

// LatestComplete is exported for the CLI's runs, diff and export commands.
func LatestComplete(ctx context.Context, st store.Store) (*model.Run, error) {
	return latestComplete(ctx, st)
}

// newRunID is sortable by time and unique: 20261128T221500Z-1a2b3c.
func newRunID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}
