package ingest

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/ubo-project/ubo/internal/atomicfile"
	"github.com/ubo-project/ubo/internal/faultpoint"
	"github.com/ubo-project/ubo/internal/progress"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// DefaultBatchSize is how many records go to the store in one write.
const DefaultBatchSize = 5000

// readReportEvery is how many records read make one progress report
// between batches (each written batch reports too).
const readReportEvery = 1000

// WriterOptions configure a Writer.
type WriterOptions struct {
	// Source names the source ("csv", "gleif", ...); it fills an empty
	// Source on records and labels the progress line.
	Source string
	// RejectsPath is where rejects go (CSV: file,line,field,reason). The
	// file is written to a temporary file beside it and moved to its name
	// by Close, so readers never see half a file; it gets the mode a new
	// file gets under the umask (exports do the same), because KYC pickups
	// run as other users. "" keeps rejects only in the counts.
	RejectsPath string
	// RejectsNamed says the user named RejectsPath (--rejects): then Close
	// always writes it, replacing what was there — with only the header
	// row when nothing was rejected, so the file describes this run. When
	// false the name is ubo's own (one per run): the file is created only
	// when there are rejects, never replaces an existing file (a numbered
	// name is taken instead, see Writer.RejectsPath), and nothing is ever
	// removed: a clean run must not delete a file the user did not name.
	RejectsNamed bool
	// BatchSize is the number of records per store write (default 5000).
	BatchSize int
	// Progress, when not nil, receives the stage "ingest SOURCE": records
	// read (from 0, every 1,000 and after each written batch), with the entities
	// and relationships written and the records rejected so far, and a
	// final event from Close.
	Progress progress.Reporter
	// Context is used by the store writes that Entity and Relationship
	// trigger when a batch fills (default context.Background()).
	Context context.Context
	// Snapshot, when not 0, is the generation of a snapshot ingest: after
	// each batch is written, the records of Source in it are marked in the
	// store's snapshot ledger (store.Snapshotter), so that the caller can
	// retire what the snapshot did not assert once it was read whole.
	Snapshot int64
}

// Writer is the Sink that batches records into a store.GraphWriter. Entities are
// always flushed before relationships, so a relationship never reaches the
// store before its endpoints. It is safe for concurrent use.
type Writer struct {
	st   Store
	opts WriterOptions

	mu       sync.Mutex
	entities []model.Entity
	rels     []model.Relationship
	stats    Stats
	err      error // first store error; every later call returns it

	ambiguities []Reject // the first maxAmbiguities reported

	deltas []store.RecordChange // reported by parsers of delta files, in order

	distinct        distinctEntities
	distinctUnknown bool // the store does not say what its upserts did

	rejectsTmp  *os.File
	rejectsCSV  *csv.Writer
	rejectsDone string // the path Close wrote the rejects to, "" when none

	unreported int // records read since the last progress report
}

// Store is what a Writer needs of a store: the graph writer role, the
// entities above one (the relationships an earlier ingest stored for a
// record a later version replaces), and the backend's name for messages.
type Store interface {
	store.GraphWriter
	Neighbourhood(ctx context.Context, id string, dir store.Direction, depth, perNode int) (store.Subgraph, error)
	Backend() string
}

// NewWriter returns a Writer into st.
func NewWriter(st Store, opts WriterOptions) *Writer {
	if opts.BatchSize <= 0 {
		// A faults build may shrink it (internal/faultpoint.Size).
		opts.BatchSize = faultpoint.Size(faultpoint.IngestBatch, DefaultBatchSize)
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	w := &Writer{st: st, opts: opts, distinct: newDistinctEntities()}
	w.progress(false) // the stage starts with the Writer
	return w
}

// RejectsPath is the rejects file the Writer wrote, after Close: "" when
// it wrote none (no rejects and the path was not named, or no path). With
// an unnamed path that already existed it is a numbered variant of
// WriterOptions.RejectsPath ("csv-rejects-20261204T174540Z-2.csv").
func (w *Writer) RejectsPath() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rejectsDone
}

// CountRead records that n more input records were read.
func (w *Writer) CountRead(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stats.Read += n
	w.unreported += n
	if w.unreported >= readReportEvery {
		w.progress(false)
	}
}

// maxAmbiguities bounds the ambiguities a Writer keeps for the report;
// all are counted.
const maxAmbiguities = 1000

// Ambiguous records an ambiguity (ingest.AmbiguityReporter).
func (w *Writer) Ambiguous(r Reject) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stats.Ambiguous++
	if len(w.ambiguities) < maxAmbiguities {
		w.ambiguities = append(w.ambiguities, r)
	}
}

// Delta records a delta file's change of one record (ingest.DeltaReporter).
func (w *Writer) Delta(c store.RecordChange) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.deltas = append(w.deltas, c)
}

// Deltas returns the changes delta files reported, in order.
func (w *Writer) Deltas() []store.RecordChange {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]store.RecordChange(nil), w.deltas...)
}

// ApplyDeltas applies, after Close, the changes delta files reported
// (store.DeltaApplier), in one transaction.
func (w *Writer) ApplyDeltas(ctx context.Context) (store.RetireStats, error) {
	changes := w.Deltas()
	if len(changes) == 0 {
		return store.RetireStats{}, nil
	}
	return w.st.ApplyDelta(ctx, w.opts.Source, changes)
}

// Ambiguities returns the first 1,000 ambiguities reported (Stats.Ambiguous
// counts them all).
func (w *Writer) Ambiguities() []Reject {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Reject(nil), w.ambiguities...)
}

// RelationshipsHeld returns the stored relationships held by held
// (ingest.StoredRelationships): what earlier runs wrote, not this run's
// batches still queued.
func (w *Writer) RelationshipsHeld(ctx context.Context, held string) ([]model.Relationship, error) {
	sg, err := w.st.Neighbourhood(ctx, held, store.Up, 1, 0)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the stored relationships of %s: %w", held, err)
	}
	return sg.Relationships, nil
}

// Entity queues e for writing.
func (w *Writer) Entity(e model.Entity) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if e.Source == "" {
		e.Source = w.opts.Source
	}
	w.entities = append(w.entities, e)
	if len(w.entities) >= w.opts.BatchSize {
		return w.flushEntities(w.opts.Context)
	}
	return nil
}

// Relationship queues r for writing; queued entities are flushed first.
func (w *Writer) Relationship(r model.Relationship) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if r.Source == "" {
		r.Source = w.opts.Source
	}
	w.rels = append(w.rels, r)
	if len(w.rels) >= w.opts.BatchSize {
		return w.flush(w.opts.Context)
	}
	return nil
}

// Reject records one rejected record in the rejects file.
func (w *Writer) Reject(r Reject) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	w.stats.Rejected++
	if w.opts.RejectsPath == "" {
		return nil
	}
	if w.rejectsCSV == nil {
		if err := w.openRejects(); err != nil {
			w.err = err
			return err
		}
	}
	line := ""
	if r.Line > 0 {
		line = fmt.Sprint(r.Line)
	}
	if err := w.rejectsCSV.Write([]string{r.File, line, r.Field, r.Reason}); err != nil {
		w.err = fmt.Errorf("write rejects %s: %w", w.opts.RejectsPath, err)
		return w.err
	}
	return nil
}

func (w *Writer) openRejects() error {
	dir, base := filepath.Split(w.opts.RejectsPath)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("create rejects file %s: %w", w.opts.RejectsPath, err)
	}
	if err := f.Chmod(atomicfile.Perm()); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("create rejects file %s: %w", w.opts.RejectsPath, err)
	}
	w.rejectsTmp = f
	w.rejectsCSV = csv.NewWriter(f)
	if err := w.rejectsCSV.Write([]string{"file", "line", "field", "reason"}); err != nil {
		return fmt.Errorf("write rejects %s: %w", w.opts.RejectsPath, err)
	}
	return nil
}

// Flush writes everything queued so far (entities first).
func (w *Writer) Flush(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	return w.flush(ctx)
}

func (w *Writer) flush(ctx context.Context) error {
	if err := w.flushEntities(ctx); err != nil {
		return err
	}
	if len(w.rels) == 0 {
		return nil
	}
	if err := w.st.UpsertRelationships(ctx, w.rels); err != nil {
		w.err = fmt.Errorf("write %d relationships: %w", len(w.rels), err)
		return w.err
	}
	if w.opts.Snapshot != 0 {
		marks := make([]store.Assertion, 0, len(w.rels))
		for i := range w.rels {
			if w.rels[i].Source == w.opts.Source {
				marks = append(marks, store.Assertion{Relationship: true, ID: w.rels[i].ID})
			}
		}
		if err := w.mark(ctx, marks); err != nil {
			return err
		}
	}
	w.stats.Relationships += len(w.rels)
	w.rels = w.rels[:0]
	faultpoint.Hit(faultpoint.IngestBatch)
	w.progress(false)
	return nil
}

func (w *Writer) flushEntities(ctx context.Context) error {
	if len(w.entities) == 0 {
		return nil
	}
	if err := w.upsertEntities(ctx); err != nil {
		w.err = fmt.Errorf("write %d entities: %w", len(w.entities), err)
		return w.err
	}
	if w.opts.Snapshot != 0 {
		marks := make([]store.Assertion, 0, len(w.entities))
		for i := range w.entities {
			if e := &w.entities[i]; e.Source == w.opts.Source {
				marks = append(marks, store.Assertion{ID: e.ID, Lists: e.Lists,
					Names: append([]string{e.Name}, e.Aliases...), Identifiers: e.Identifiers})
			}
		}
		if err := w.mark(ctx, marks); err != nil {
			return err
		}
	}
	w.stats.Entities += len(w.entities)
	w.entities = w.entities[:0]
	faultpoint.Hit(faultpoint.IngestBatch)
	w.progress(false)
	return nil
}

// mark records a written batch in the snapshot ledger.
func (w *Writer) mark(ctx context.Context, marks []store.Assertion) error {
	if err := w.st.MarkAsserted(ctx, w.opts.Source, w.opts.Snapshot, marks); err != nil {
		w.err = fmt.Errorf("mark %d snapshot records: %w", len(marks), err)
		return w.err
	}
	return nil
}

// Close flushes what is queued, finishes the rejects file and returns the
// counts. After a store error it still finishes the rejects file and
// returns the counts so far with the error.
func (w *Writer) Close(ctx context.Context) (Stats, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	if w.err == nil {
		if err := w.flush(ctx); err != nil {
			errs = append(errs, err)
		}
	} else {
		errs = append(errs, w.err)
	}
	if err := w.finishRejects(); err != nil {
		errs = append(errs, err)
	}
	w.progress(true)
	return w.counts(), errors.Join(errs...)
}

func (w *Writer) finishRejects() error {
	if w.opts.RejectsPath == "" {
		return nil
	}
	if w.rejectsTmp == nil {
		if !w.opts.RejectsNamed {
			// No rejects and a name of ubo's own: write nothing, and remove
			// nothing either (an older run's file is the user's to keep).
			return nil
		}
		// A named file describes this run: a header alone says "none".
		if err := w.openRejects(); err != nil {
			return err
		}
	}
	tmp := w.rejectsTmp.Name()
	w.rejectsCSV.Flush()
	err := w.rejectsCSV.Error()
	if err == nil {
		err = w.rejectsTmp.Sync()
	}
	if cerr := w.rejectsTmp.Close(); err == nil {
		err = cerr
	}
	w.rejectsTmp, w.rejectsCSV = nil, nil
	path := w.opts.RejectsPath
	if err == nil {
		if w.opts.RejectsNamed {
			err = os.Rename(tmp, path)
		} else {
			path, err = atomicfile.LinkNew(tmp, path)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write rejects file %s: %w", w.opts.RejectsPath, err)
	}
	w.rejectsDone = path
	return nil
}

// progress reports the counts so far to opts.Progress; final ends the stage.
func (w *Writer) progress(final bool) {
	w.unreported = 0
	if w.opts.Progress == nil {
		return
	}
	w.opts.Progress.Report(progress.Event{Stage: "ingest " + w.opts.Source, Unit: "records",
		Done: w.stats.Read, End: final, Counts: []progress.Count{
			{Name: "entities", N: w.stats.Entities},
			{Name: "relationships", N: w.stats.Relationships},
			{Name: "rejected", N: w.stats.Rejected}}})
}

// CanonicalIDs flushes queued entities and asks the store which of ids it
// knows, so parsers can check references to entities ingested before (the
// Writer then satisfies csv.IDLookup and similar small interfaces).
func (w *Writer) CanonicalIDs(ctx context.Context, ids []string) (map[string]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return nil, w.err
	}
	if err := w.flushEntities(ctx); err != nil {
		return nil, err
	}
	return w.st.CanonicalIDs(ctx, ids)
}

// RetireSnapshot retires, as of date, what source asserted before the
// snapshot of generation gen and gen did not (store.Snapshotter), once
// the whole snapshot was written.
func RetireSnapshot(ctx context.Context, st store.Snapshotter, source string, gen int64, date string) (store.RetireStats, error) {
	return st.RetireUnasserted(ctx, source, gen, date)
}
