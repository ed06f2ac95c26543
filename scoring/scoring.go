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
	"sync"
	"time"

	"github.com/ubo-project/ubo/graph"
	"github.com/ubo-project/ubo/internal/faultpoint"
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
	// Writers is how many result batches are written concurrently (default
	// 2 on Neo4j, whose server takes concurrent transactions, and 1 on the
	// embedded store, where SQLite serialises writers anyway).
	Writers int
	// Progress, when set, is called with the stage and the count done so
	// far; done is true once a stage completes.
	Progress func(stage string, n int, done bool)
	// Now is the clock (tests fix it).
	Now func() time.Time
}

// Timings are the wall-clock durations of each stage.
type Timings struct {
	// Load is streaming entities and relationships out of the store and
	// building the graph; LoadEntities and LoadRelationships are its two
	// streams, read concurrently and each timed from the start of Load.
	Load, LoadEntities, LoadRelationships time.Duration
	Score                                 time.Duration
	// Write is the write-back stage: building each result (evidence,
	// explanations) and storing it. WriteStore is the part spent in the
	// store (WriteResults and FinishRun, which publishes on Neo4j), Finish
	// the FinishRun call alone.
	Write, WriteStore, Finish time.Duration
	// Previous is the wait for the previous run's flags after scoring (they
	// are read concurrently with load and score).
	Previous time.Duration
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
		// A faults build may shrink it (internal/faultpoint.Size).
		opts.BatchSize = faultpoint.Size(faultpoint.ResultsBatch, 5000)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Writers <= 0 {
		opts.Writers = 1
		if st.Backend() == "neo4j" {
			opts.Writers = 2
		}
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The previous complete run's flags are read while the graph loads and
	// scores (a stream over every result of that run).
	prev, err := latestComplete(ctx, st)
	if err != nil {
		return out, err
	}
	prevc := make(chan prevFlags, 1)
	if prev != nil {
		run.PreviousRun = prev.ID
		go func() { prevc <- readFlagged(ctx, st, prev.ID) }()
	} else {
		prevc <- prevFlags{ids: map[string]bool{}}
	}

	// Entities and relationships are read concurrently (the builder takes
	// them in any order): on Neo4j each stream keeps one server core busy.
	eachEntity := func(fn func(*model.Entity) error) error {
		return store.EachEntityProjected(ctx, st, store.ProjectScoring, fn)
	}
	eachRelationship := func(fn func(*model.Relationship) error) error { return st.EachRelationship(ctx, fn) }
	if so, ok := st.(store.StoredOrderStreamer); ok {
		eachEntity = func(fn func(*model.Entity) error) error { return so.EachEntityStored(ctx, store.ProjectScoring, fn) }
		eachRelationship = func(fn func(*model.Relationship) error) error { return so.EachRelationshipStored(ctx, fn) }
	}
	t0 := time.Now()
	b := graph.NewBuilder()
	var (
		mu        sync.Mutex // guards b and the counts
		n, m      int
		entsDone  bool
		loadErr   = make(chan error, 1)
		entsTaken time.Duration
	)
	go func() {
		err := loadBatched(&mu, eachRelationship, func(r *model.Relationship) {
			b.AddRelationship(*r)
			m++
			if m%50000 == 0 && entsDone {
				progress(StageLoadRelationships, m, false)
			}
		})
		if err != nil {
			err = fmt.Errorf("score: load relationships: %w", err)
		}
		loadErr <- err
	}()
	err = loadBatched(&mu, eachEntity, func(e *model.Entity) {
		b.AddEntity(*e)
		n++
		if n%50000 == 0 {
			progress(StageLoadEntities, n, false)
		}
	})
	mu.Lock()
	entsDone, entsTaken = true, time.Since(t0)
	mu.Unlock()
	if err != nil {
		cancel() // stops the relationship stream
		<-loadErr
		return out, fmt.Errorf("score: load entities: %w", err)
	}
	progress(StageLoadEntities, n, true)
	out.Timings.LoadEntities = entsTaken
	if err := <-loadErr; err != nil {
		return out, err
	}
	progress(StageLoadRelationships, m, true)
	// The relationship stream's own time (it began with the entities').
	out.Timings.LoadRelationships = time.Since(t0)
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

	t2 := time.Now()
	pf := <-prevc
	if pf.err != nil {
		return out, fmt.Errorf("score: read previous run %s: %w", prev.ID, pf.err)
	}
	prevFlagged := pf.ids
	out.Timings.Previous = time.Since(t2)

	t3 := time.Now()
	var w *resultWriter
	if !opts.DryRun {
		if err := st.BeginRun(ctx, run); err != nil {
			return out, fmt.Errorf("score: begin run: %w", err)
		}
		w = newResultWriter(ctx, st, run.ID, opts.Writers)
	}
	batch := make([]model.Result, 0, opts.BatchSize)
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
		written++
		if w == nil {
			return nil
		}
		batch = append(batch, *r)
		if len(batch) == opts.BatchSize {
			progress(StageWrite, written, false)
			if err := w.send(batch); err != nil {
				return err
			}
			batch = make([]model.Result, 0, opts.BatchSize)
		}
		return nil
	})
	if w != nil {
		if err == nil && len(batch) > 0 {
			err = w.send(batch)
		}
		// A failed write is the cause of errWriteFailed: report it.
		if werr := w.close(); werr != nil {
			err = werr
		}
		out.Timings.WriteStore = w.elapsed
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
		tf := time.Now()
		if err := st.FinishRun(ctx, run); err != nil {
			return out, fmt.Errorf("score: finish run: %w", err)
		}
		out.Timings.Finish = time.Since(tf)
		out.Timings.WriteStore += out.Timings.Finish
	}
	progress(StageWrite, written, true)
	out.Timings.Write = time.Since(t3)
	out.Run = run
	return out, nil
}

// loadBatch is how many rows a load stream hands over per lock.
const loadBatch = 256

// loadBatched streams rows with each and calls add for every row with mu
// held, taking mu once per loadBatch rows: a lock per row was contended
// (the two load streams spun on it).
func loadBatched[T any](mu *sync.Mutex, each func(fn func(*T) error) error, add func(*T)) error {
	batch := make([]T, 0, loadBatch)
	flush := func() {
		mu.Lock()
		defer mu.Unlock()
		for i := range batch {
			add(&batch[i])
		}
		batch = batch[:0]
	}
	err := each(func(v *T) error {
		if batch = append(batch, *v); len(batch) == loadBatch {
			flush()
		}
		return nil
	})
	if err == nil {
		flush()
	}
	return err
}

type prevFlags struct {
	ids map[string]bool
	err error
}

// readFlagged collects the ids a run flagged, reading only those
// (store.FlaggedStreamer) or only verdict columns (store.VerdictStreamer) where
// the store can.
func readFlagged(ctx context.Context, st store.Store, runID string) prevFlags {
	ids := map[string]bool{}
	if fs, ok := st.(store.FlaggedStreamer); ok {
		err := fs.EachFlagged(ctx, runID, func(id string) error {
			ids[id] = true
			return nil
		})
		return prevFlags{ids: ids, err: err}
	}
	err := eachVerdict(ctx, st, runID, func(id, _ string, flagged bool) error {
		if flagged {
			ids[id] = true
		}
		return nil
	})
	return prevFlags{ids: ids, err: err}
}

// resultWriter stores result batches from goroutines of its own, so that
// building the next batch (evidence, explanations) overlaps with the store
// writing earlier ones. At most one batch waits per writer.
type resultWriter struct {
	batches  chan []model.Result
	done     chan error
	failed   chan struct{} // closed on the first write error
	failOnce sync.Once
	mu       sync.Mutex
	elapsed  time.Duration // summed time in WriteResults; read after close
}

func newResultWriter(ctx context.Context, st store.Store, runID string, writers int) *resultWriter {
	w := &resultWriter{batches: make(chan []model.Result, writers), done: make(chan error, writers),
		failed: make(chan struct{})}
	for range writers {
		go func() {
			var err error
			for b := range w.batches {
				if err != nil {
					continue // drain after a failure
				}
				t := time.Now()
				if err = st.WriteResults(ctx, runID, b); err != nil {
					err = fmt.Errorf("score: write results: %w", err)
					w.failOnce.Do(func() { close(w.failed) })
				} else {
					faultpoint.Hit(faultpoint.ResultsBatch)
				}
				w.mu.Lock()
				w.elapsed += time.Since(t)
				w.mu.Unlock()
			}
			w.done <- err
		}()
	}
	return w
}

// send queues a batch; it returns early once a write has failed.
func (w *resultWriter) send(b []model.Result) error {
	select {
	case w.batches <- b:
		return nil
	case <-w.failed:
		return errWriteFailed
	}
}

var errWriteFailed = errors.New("score: an earlier result batch failed")

// close waits for the queued batches and returns a write error, if any.
func (w *resultWriter) close() error {
	close(w.batches)
	var first error
	for range cap(w.done) {
		if err := <-w.done; err != nil && first == nil {
			first = err
		}
	}
	return first
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
