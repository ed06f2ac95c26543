package ingest

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// DefaultBatchSize is how many records go to the store in one write.
const DefaultBatchSize = 5000

// progressInterval throttles the progress line to about five updates a second.
const progressInterval = 200 * time.Millisecond

// WriterOptions configure a Writer.
type WriterOptions struct {
	// Source names the source ("csv", "gleif", ...); it fills an empty
	// Source on records and labels the progress line.
	Source string
	// RejectsPath is where rejects go (CSV: file,line,field,reason). The
	// file is written to a temporary file beside it, created on the first
	// reject, and renamed over RejectsPath by Close, so a previous rejects
	// file is replaced atomically. A run without rejects removes a stale
	// one. "" keeps rejects only in the counts.
	RejectsPath string
	// BatchSize is the number of records per store write (default 5000).
	BatchSize int
	// Progress, when not nil, receives a throttled progress line (records
	// read and rate). The CLI passes stderr only when it is a terminal.
	Progress io.Writer
	// Context is used by the store writes that Entity and Relationship
	// trigger when a batch fills (default context.Background()).
	Context context.Context
}

// Writer is the Sink that batches records into a store.Store. Full batches
// go to one background goroutine that writes them in submission order, so
// parsing the next batch overlaps the store write of the previous one (at
// most one batch waits while one is written). Queued entities are always
// submitted before a relationship batch, so a relationship never reaches
// the store before its endpoints. A store error is kept: every later call
// returns it, and batches still queued are dropped. Flush, CanonicalIDs and
// Close wait for the queue to drain; Close must be called to stop the
// goroutine. It is safe for concurrent use.
type Writer struct {
	st   store.Store
	opts WriterOptions

	mu       sync.Mutex // guards the fields below down to progressed, and submission order
	entities []model.Entity
	rels     []model.Relationship
	stats    Stats // Read and Rejected; the written counts are below

	// The background writer: jobs is the FIFO (capacity 1), stopped is
	// closed when the goroutine returns (after Close closes jobs).
	jobs    chan writeJob
	stopped chan struct{}
	closed  bool
	// Recycled batch buffers, so a steady ingest allocates no new batches.
	freeEntities chan []model.Entity
	freeRels     chan []model.Relationship

	// Set by the background goroutine, read by anyone.
	writtenEntities, writtenRels atomic.Int64
	errMu                        sync.Mutex
	err                          error // first store error; every later call returns it

	rejectsTmp *os.File
	rejectsCSV *csv.Writer

	started      time.Time
	lastProgress time.Time
	progressed   bool
}

// NewWriter returns a Writer into st.
func NewWriter(st store.Store, opts WriterOptions) *Writer {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	return &Writer{st: st, opts: opts, started: time.Now(),
		freeEntities: make(chan []model.Entity, 2), freeRels: make(chan []model.Relationship, 2)}
}

// writeJob is one unit of the background writer's FIFO: a batch of
// entities, a batch of relationships, or (both nil) a barrier whose done
// channel is closed once everything submitted before it is written.
type writeJob struct {
	ctx      context.Context
	entities []model.Entity
	rels     []model.Relationship
	done     chan struct{}
}

// stickyErr returns the first store error, if any.
func (w *Writer) stickyErr() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

// setErr keeps err unless an earlier error is already kept; it returns the
// kept one.
func (w *Writer) setErr(err error) error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// run is the background writer: it writes jobs one at a time, in order.
// After the first error it drops the remaining batches but still releases
// barriers.
func (w *Writer) run() {
	defer close(w.stopped)
	for job := range w.jobs {
		switch {
		case job.done != nil:
			close(job.done)
		case w.stickyErr() != nil:
		case job.entities != nil:
			w.writeEntities(job.ctx, job.entities)
		default:
			w.writeRels(job.ctx, job.rels)
		}
	}
}

func (w *Writer) writeEntities(ctx context.Context, batch []model.Entity) {
	err := ctx.Err()
	if err == nil {
		err = w.st.UpsertEntities(ctx, batch)
	}
	if err != nil {
		w.setErr(fmt.Errorf("write %d entities: %w", len(batch), err))
		return
	}
	w.writtenEntities.Add(int64(len(batch)))
	clear(batch) // drop references to the strings before reuse
	select {
	case w.freeEntities <- batch[:0]:
	default:
	}
}

func (w *Writer) writeRels(ctx context.Context, batch []model.Relationship) {
	err := ctx.Err()
	if err == nil {
		err = w.st.UpsertRelationships(ctx, batch)
	}
	if err != nil {
		w.setErr(fmt.Errorf("write %d relationships: %w", len(batch), err))
		return
	}
	w.writtenRels.Add(int64(len(batch)))
	clear(batch)
	select {
	case w.freeRels <- batch[:0]:
	default:
	}
}

// submit hands job to the background writer, starting it on first use.
// It blocks while the queue is full, until ctx is done or the writer has
// failed. Callers hold w.mu, which keeps submissions in order.
func (w *Writer) submit(ctx context.Context, job writeJob) error {
	if err := w.stickyErr(); err != nil {
		return err
	}
	if w.closed {
		return errors.New("ingest writer: used after Close")
	}
	if w.jobs == nil {
		w.jobs = make(chan writeJob, 1)
		w.stopped = make(chan struct{})
		go w.run()
	}
	job.ctx = ctx
	select {
	case w.jobs <- job:
		return nil
	case <-ctx.Done():
		return w.setErr(fmt.Errorf("ingest writer: %w", ctx.Err()))
	}
}

// submitEntities hands the queued entities to the writer and starts a new
// batch.
func (w *Writer) submitEntities(ctx context.Context) error {
	if len(w.entities) == 0 {
		return nil
	}
	batch := w.entities
	select {
	case w.entities = <-w.freeEntities:
	default:
		w.entities = make([]model.Entity, 0, w.opts.BatchSize)
	}
	return w.submit(ctx, writeJob{entities: batch})
}

// submitAll hands the queued entities, then the queued relationships, to
// the writer.
func (w *Writer) submitAll(ctx context.Context) error {
	if err := w.submitEntities(ctx); err != nil {
		return err
	}
	if len(w.rels) == 0 {
		return nil
	}
	batch := w.rels
	select {
	case w.rels = <-w.freeRels:
	default:
		w.rels = make([]model.Relationship, 0, w.opts.BatchSize)
	}
	return w.submit(ctx, writeJob{rels: batch})
}

// wait blocks until everything submitted so far is written (or dropped
// after an error) and returns the kept error.
func (w *Writer) wait(ctx context.Context) error {
	if w.jobs == nil {
		return w.stickyErr()
	}
	done := make(chan struct{})
	if err := w.submit(ctx, writeJob{done: done}); err != nil {
		return err
	}
	select {
	case <-done:
		return w.stickyErr()
	case <-ctx.Done():
		return w.setErr(fmt.Errorf("ingest writer: %w", ctx.Err()))
	}
}

// RejectsPath is the rejects file the Writer writes (after Close, it exists
// only when Stats.Rejected > 0).
func (w *Writer) RejectsPath() string { return w.opts.RejectsPath }

// CountRead records that n more input records were read.
func (w *Writer) CountRead(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stats.Read += n
	w.progress(false)
}

// Entity queues e for writing.
func (w *Writer) Entity(e model.Entity) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.stickyErr(); err != nil {
		return err
	}
	if e.Source == "" {
		e.Source = w.opts.Source
	}
	w.entities = append(w.entities, e)
	if len(w.entities) >= w.opts.BatchSize {
		err := w.submitEntities(w.opts.Context)
		w.progress(false)
		return err
	}
	return nil
}

// Relationship queues r for writing; queued entities are flushed first.
func (w *Writer) Relationship(r model.Relationship) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.stickyErr(); err != nil {
		return err
	}
	if r.Source == "" {
		r.Source = w.opts.Source
	}
	w.rels = append(w.rels, r)
	if len(w.rels) >= w.opts.BatchSize {
		err := w.submitAll(w.opts.Context)
		w.progress(false)
		return err
	}
	return nil
}

// Reject records one rejected record in the rejects file.
func (w *Writer) Reject(r Reject) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.stickyErr(); err != nil {
		return err
	}
	w.stats.Rejected++
	if w.opts.RejectsPath == "" {
		return nil
	}
	if w.rejectsCSV == nil {
		if err := w.openRejects(); err != nil {
			return w.setErr(err)
		}
	}
	line := ""
	if r.Line > 0 {
		line = fmt.Sprint(r.Line)
	}
	if err := w.rejectsCSV.Write([]string{r.File, line, r.Field, r.Reason}); err != nil {
		return w.setErr(fmt.Errorf("write rejects %s: %w", w.opts.RejectsPath, err))
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
	w.rejectsTmp = f
	w.rejectsCSV = csv.NewWriter(f)
	if err := w.rejectsCSV.Write([]string{"file", "line", "field", "reason"}); err != nil {
		return fmt.Errorf("write rejects %s: %w", w.opts.RejectsPath, err)
	}
	return nil
}

// Flush writes everything queued so far (entities first) and waits until
// the store has it.
func (w *Writer) Flush(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.submitAll(ctx); err != nil {
		return err
	}
	return w.wait(ctx)
}

// Close flushes what is queued, waits for the background writer to finish,
// finishes the rejects file and returns the counts. After a store error it
// still finishes the rejects file and returns the counts so far with the
// error.
func (w *Writer) Close(ctx context.Context) (Stats, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	if !w.closed {
		// A submit error is also the kept error, reported below.
		_ = w.submitAll(ctx)
		w.closed = true
		if w.jobs != nil {
			close(w.jobs)
			// No store call may run after Close returns: wait for the
			// batch in flight even if ctx is done (its write sees ctx).
			<-w.stopped
		}
	}
	if err := w.stickyErr(); err != nil {
		errs = append(errs, err)
	}
	if err := w.finishRejects(); err != nil {
		errs = append(errs, err)
	}
	w.progress(true)
	return w.statsNow(), errors.Join(errs...)
}

// statsNow is the counts so far; callers hold w.mu.
func (w *Writer) statsNow() Stats {
	s := w.stats
	s.Entities = int(w.writtenEntities.Load())
	s.Relationships = int(w.writtenRels.Load())
	return s
}

func (w *Writer) finishRejects() error {
	if w.opts.RejectsPath == "" {
		return nil
	}
	if w.rejectsTmp == nil {
		// No rejects this run: a rejects file from an earlier run would
		// mislead, so it goes.
		if w.stats.Rejected == 0 {
			if err := os.Remove(w.opts.RejectsPath); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove stale rejects file: %w", err)
			}
		}
		return nil
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
	if err == nil {
		err = os.Rename(tmp, w.opts.RejectsPath)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write rejects file %s: %w", w.opts.RejectsPath, err)
	}
	return nil
}

// progress draws "ingest csv: read N records (R/s)" at most every
// progressInterval; final clears the line.
func (w *Writer) progress(final bool) {
	if w.opts.Progress == nil {
		return
	}
	now := time.Now()
	if final {
		if w.progressed {
			fmt.Fprint(w.opts.Progress, "\r\033[K")
		}
		return
	}
	if now.Sub(w.lastProgress) < progressInterval {
		return
	}
	w.lastProgress = now
	w.progressed = true
	rate := 0.0
	if secs := now.Sub(w.started).Seconds(); secs > 0 {
		rate = float64(w.stats.Read) / secs
	}
	st := w.statsNow()
	fmt.Fprintf(w.opts.Progress, "\r\033[Kingest %s: read %d records (%.0f/s), written %d entities, %d relationships, rejected %d",
		w.opts.Source, st.Read, rate, st.Entities, st.Relationships, st.Rejected)
}

// CanonicalIDs flushes queued entities, waits for the background writer,
// and asks the store which of ids it knows, so parsers can check references to entities ingested before (the
// Writer then satisfies csv.IDLookup and similar small interfaces).
func (w *Writer) CanonicalIDs(ctx context.Context, ids []string) (map[string]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.submitEntities(ctx); err != nil {
		return nil, err
	}
	if err := w.wait(ctx); err != nil {
		return nil, err
	}
	// The queue is empty and w.mu holds off new batches, so this read does
	// not race a write.
	return w.st.CanonicalIDs(ctx, ids)
}
