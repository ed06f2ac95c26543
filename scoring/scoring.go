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
	"github.com/ubo-project/ubo/internal/progress"
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
	// Writers is how many result batches are written concurrently
	// (default: the store's WriteConcurrency, 2 on Neo4j, whose server
	// takes concurrent transactions, and 1 on the embedded store, where
	// SQLite serialises writers anyway).
	Writers int
	// Progress, when set, receives the stages in order, each from 0:
	// entities and relationships loaded (every 50,000 and at the end), the
	// entities scored and the results written (with the total known).
	Progress progress.Reporter
	// Now is the clock (tests fix it).
	Now func() time.Time
	// LockOwner describes the run in the store's scoring lock (what a
	// second run reports it waits for); default "ubo score --policy NAME".
	LockOwner string
	// LockWait is how long to wait for another run's scoring lock before
	// failing with its *store.LockedError (0: fail at once).
	LockWait time.Duration
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

// ErrEmptyStore is returned by Run on a store without entities (nothing
// ingested, or a mistyped --db); no run is recorded.
var ErrEmptyStore = errors.New("score: the store holds no entities (is --db right? load data with 'ubo ingest')")

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

// Store is what a run reads and writes: the whole graph, and the runs.
type Store interface {
	store.GraphReader
	store.RunStore
}

// Run scores everything in st. A run interrupted before FinishRun stays
// "running" in the store until the next process to take the store's lock
// marks it interrupted; it is never taken as the latest complete run.
func Run(ctx context.Context, st Store, opts Options) (_ Outcome, err error) {
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
		opts.Writers = max(st.WriteConcurrency(), 1)
	}
	if opts.AsOf.IsZero() {
		opts.AsOf = opts.Now().UTC().Truncate(24 * time.Hour)
	}
	report := progress.Or(opts.Progress)
	var out Outcome
	// Two runs must never interleave: both would publish, and the
	// entities would end up carrying a mix of the two (issue 19). A dry
	// run writes nothing and takes no lock.
	if !opts.DryRun {
		owner := opts.LockOwner
		if owner == "" {
			owner = "ubo score --policy " + opts.Policy.Name
		}
		lctx, unlock, err := store.AcquireLock(ctx, st, store.NewLockHolder(owner), opts.LockWait)
		if err != nil {
			return out, fmt.Errorf("score: %w", err)
		}
		defer func() {
			if uerr := unlock(); uerr != nil && err == nil {
				err = fmt.Errorf("score: %w", uerr)
			}
		}()
		defer func() {
			if err != nil && errors.Is(context.Cause(lctx), store.ErrLockLost) {
				err = fmt.Errorf("score: %w: %w", store.ErrLockLost, err)
			}
		}()
		ctx = lctx
	}
	run := model.Run{
		ID:         newRunID(opts.Now()),
		Started:    opts.Now().UTC(),
		Status:     model.RunRunning,
		Policy:     opts.Policy.Name,
		PolicyHash: opts.Policy.Hash(),
		AsOf:       opts.AsOf.Format("2006-01-02"),
		Counts:     map[model.Verdict]int{},
		// Never nil: a run that records what its policy flags says so even
		// when that is nothing.
		FlaggedVerdicts: opts.Policy.FlaggedVerdicts(),
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The previous complete run of the same policy (name and hash: another
	// policy, or an edited one, flags other entities by design) is what
	// newly flagged and cleared are counted against. Its flags are read
	// while the graph loads and scores (a stream over its results).
	prev, err := PreviousComplete(ctx, st, run)
	if err != nil {
		return out, err
	}
	// On a store that keeps results as changes (store.DeltaResultStore),
	// the run compares each result with the previous run's as it writes
	// (which also counts the flags), and stores only the changes unless
	// the previous run's chain of bases is long enough for a full copy.
	ds, _ := st.(store.DeltaResultStore)
	if prev != nil && ds != nil && !opts.DryRun {
		runs, err := st.Runs(ctx)
		if err != nil {
			return out, fmt.Errorf("score: list runs: %w", err)
		}
		if store.DeltaDepth(runs, prev.ID) < store.MaxDeltaChain {
			run.Base = prev.ID
		}
	}
	prevc := make(chan prevFlags, 1)
	switch {
	case prev != nil:
		run.PreviousRun = prev.ID
		if ds == nil {
			go func() { prevc <- readFlagged(ctx, st, prev.ID) }()
			break
		}
		fallthrough
	default:
		prevc <- prevFlags{ids: map[string]bool{}}
	}

	// Entities and relationships are read concurrently (the builder takes
	// them in any order): on Neo4j each stream keeps one server core busy.
	eachEntity := func(fn func(*model.Entity) error) error { return st.EachEntityStored(ctx, store.ProjectScoring, fn) }
	eachRelationship := func(fn func(*model.Relationship) error) error { return st.EachRelationshipStored(ctx, fn) }
	t0 := time.Now()
	report.Report(progress.Event{Stage: StageLoadEntities, Unit: "entities"})
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
				report.Report(progress.Event{Stage: StageLoadRelationships, Unit: "relationships", Done: m})
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
			report.Report(progress.Event{Stage: StageLoadEntities, Unit: "entities", Done: n})
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
	report.Report(progress.Event{Stage: StageLoadEntities, Unit: "entities", Done: n, End: true})
	out.Timings.LoadEntities = entsTaken
	if err := <-loadErr; err != nil {
		return out, err
	}
	report.Report(progress.Event{Stage: StageLoadRelationships, Unit: "relationships", Done: m, End: true})
	// The relationship stream's own time (it began with the entities').
	out.Timings.LoadRelationships = time.Since(t0)
	g, err := b.Build()
	if err != nil {
		return out, fmt.Errorf("score: build graph: %w", err)
	}
	run.Entities, run.Edges = g.NumEntities(), g.NumEdges()
	out.Timings.Load = time.Since(t0)
	if run.Entities == 0 {
		// A complete run of nothing would read as "everything cleared" to
		// diff, screen and a nightly job's alerting.
		return out, ErrEmptyStore
	}

	t1 := time.Now()
	report.Report(progress.Event{Stage: StageScore, Unit: "entities", Total: run.Entities})
	scored, err := graph.Score(g, opts.Policy, opts.AsOf)
	if err != nil {
		return out, fmt.Errorf("score: %w", err)
	}
	report.Report(progress.Event{Stage: StageScore, Unit: "entities", Done: run.Entities, Total: run.Entities, End: true})
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
	newlyFlagged := func(id string) {
		run.NewlyFlagged++
		if len(out.NewlyFlaggedIDs) < maxListedChanges {
			out.NewlyFlaggedIDs = append(out.NewlyFlaggedIDs, id)
		}
	}
	var merge *deltaMerge
	var removed []string
	writeRemoved := func() error {
		if len(removed) == 0 {
			return nil
		}
		if err := ds.RemoveResults(ctx, run.ID, removed); err != nil {
			return fmt.Errorf("score: remove results: %w", err)
		}
		removed = removed[:0]
		return nil
	}
	if prev != nil && ds != nil {
		merge = &deltaMerge{prev: newPreviousStream(ctx, ds, prev.ID), onFlagged: newlyFlagged,
			onCleared: func(id string) {
				run.NewlyCleared++
				if len(out.NewlyClearedIDs) < maxListedChanges {
					out.NewlyClearedIDs = append(out.NewlyClearedIDs, id)
				}
			},
			onRemoved: func(id string) error {
				if w == nil || run.Base == "" {
					return nil
				}
				run.Stored++
				if removed = append(removed, id); len(removed) == opts.BatchSize {
					return writeRemoved()
				}
				return nil
			}}
		defer merge.prev.close()
	}
	batch := make([]model.Result, 0, opts.BatchSize)
	written := 0
	report.Report(progress.Event{Stage: StageWrite, Unit: "results", Total: run.Entities})
	err = scored.Each(func(r *model.Result) error {
		run.Counts[r.Verdict]++
		if r.Indeterminate {
			run.Indeterminate++
		}
		keep := true
		if merge != nil {
			changed, err := merge.add(r)
			if err != nil {
				return fmt.Errorf("score: read previous run %s: %w", prev.ID, err)
			}
			keep = changed || run.Base == ""
		} else {
			if r.Flagged && !prevFlagged[r.EntityID] {
				newlyFlagged(r.EntityID)
			}
			if r.Flagged {
				delete(prevFlagged, r.EntityID)
			}
		}
		if written++; written%opts.BatchSize == 0 {
			report.Report(progress.Event{Stage: StageWrite, Unit: "results", Done: written, Total: run.Entities})
		}
		if w == nil || !keep {
			return nil
		}
		run.Stored++
		batch = append(batch, *r)
		if len(batch) == opts.BatchSize {
			if err := w.send(batch); err != nil {
				return err
			}
			batch = make([]model.Result, 0, opts.BatchSize)
		}
		return nil
	})
	if err == nil && merge != nil {
		if err = merge.finish(); err != nil {
			err = fmt.Errorf("score: read previous run %s: %w", prev.ID, err)
		}
	}
	if err == nil && w != nil {
		err = writeRemoved()
	}
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
	if merge == nil {
		// Whatever is left of the previous flags was cleared (or the
		// entity is gone).
		run.NewlyCleared = len(prevFlagged)
		for id := range prevFlagged {
			out.NewlyClearedIDs = append(out.NewlyClearedIDs, id)
		}
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
	report.Report(progress.Event{Stage: StageWrite, Unit: "results", Done: written, Total: run.Entities, End: true})
	out.Timings.Write = time.Since(t3)
	out.Run = run
	return out, nil
}

// Prune deletes the results of old runs (store.RunStore.PruneRuns) holding the
// scoring lock, so that it never deletes the previous run a score is
// reading.
func Prune(ctx context.Context, st store.RunStore, keep int) (_ []string, err error) {
	lctx, unlock, err := store.AcquireLock(ctx, st, store.NewLockHolder(fmt.Sprintf("ubo runs prune --keep %d", keep)), 0)
	if err != nil {
		return nil, fmt.Errorf("runs prune: %w", err)
	}
	defer func() {
		if uerr := unlock(); uerr != nil && err == nil {
			err = fmt.Errorf("runs prune: %w", uerr)
		}
	}()
	pruned, err := st.PruneRuns(lctx, keep)
	if err != nil {
		return nil, fmt.Errorf("runs prune: %w", err)
	}
	return pruned, nil
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

// readFlagged collects the ids a run flagged, reading only those.
func readFlagged(ctx context.Context, st store.FlaggedStreamer, runID string) prevFlags {
	ids := map[string]bool{}
	err := st.EachFlagged(ctx, runID, func(id string) error {
		ids[id] = true
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

func newResultWriter(ctx context.Context, st store.RunStore, runID string, writers int) *resultWriter {
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
func latestComplete(ctx context.Context, st store.RunReader) (*model.Run, error) {
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
func LatestComplete(ctx context.Context, st store.RunReader) (*model.Run, error) {
	return latestComplete(ctx, st)
}

// PreviousComplete returns the newest complete run other than run, started
// no later than it, of the same policy (name and hash), or nil: what run's
// newly flagged and cleared are counted against, and what `ubo diff`
// compares it with.
func PreviousComplete(ctx context.Context, st store.RunReader, run model.Run) (*model.Run, error) {
	runs, err := st.Runs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	for i := range runs {
		r := &runs[i]
		if r.ID != run.ID && r.Status == model.RunComplete && !r.Started.After(run.Started) &&
			SamePolicy(*r, run) {
			return r, nil
		}
	}
	return nil, nil
}

// SamePolicy reports whether two runs were scored under the same policy:
// the same name and the same content hash.
func SamePolicy(a, b model.Run) bool {
	return a.Policy == b.Policy && a.PolicyHash == b.PolicyHash
}

// FlaggedVerdicts returns the verdicts run's policy flags: those the run
// recorded, else (a run recorded before runs kept them) those of the
// built-in preset or policy file of its name, if its hash is still the
// run's. ok is false when neither is known.
func FlaggedVerdicts(run model.Run) (verdicts []model.Verdict, ok bool) {
	if run.FlaggedVerdicts != nil {
		return run.FlaggedVerdicts, true
	}
	p, err := policy.Load(run.Policy)
	if err != nil || p.Hash() != run.PolicyHash {
		return nil, false
	}
	return p.FlaggedVerdicts(), true
}

// FlaggedCount is how many entities run flagged, from its per-verdict
// counts and its policy's flagged verdicts (FlaggedVerdicts); ok is false
// when the policy's flagged verdicts are not known.
func FlaggedCount(run model.Run) (n int, ok bool) {
	verdicts, ok := FlaggedVerdicts(run)
	if !ok {
		return 0, false
	}
	for _, v := range verdicts {
		n += run.Counts[v]
	}
	return n, true
}

// newRunID is sortable by time and unique: 20261128T221500Z-1a2b3c.
func newRunID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}
