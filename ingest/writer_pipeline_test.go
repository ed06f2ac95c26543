package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// gatedStore blocks every batch write until the test releases it, so tests
// can observe what the Writer does while a write is in flight.
type gatedStore struct {
	store.Store
	started chan string   // receives "E<n>" / "R<n>" when a write begins
	release chan struct{} // one receive lets one write finish

	mu      sync.Mutex
	calls   []string
	written map[string]bool
}

func newGatedStore() *gatedStore {
	return &gatedStore{started: make(chan string, 100), release: make(chan struct{}), written: map[string]bool{}}
}

func (g *gatedStore) UpsertEntities(ctx context.Context, b []model.Entity) error {
	call := "E" + itoa(len(b))
	g.started <- call
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, call)
	for _, e := range b {
		g.written[e.ID] = true
	}
	return nil
}

func (g *gatedStore) UpsertRelationships(ctx context.Context, b []model.Relationship) error {
	call := "R" + itoa(len(b))
	g.started <- call
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, r := range b {
		if !g.written[r.HolderID] || !g.written[r.HeldID] {
			return errors.New("relationship before its endpoints: " + r.ID)
		}
	}
	g.calls = append(g.calls, call)
	return nil
}

func (g *gatedStore) CanonicalIDs(_ context.Context, ids []string) (map[string]string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[string]string{}
	for _, id := range ids {
		if g.written[id] {
			out[id] = id
		}
	}
	return out, nil
}

// releaseAll lets every write through until the returned stop is called.
func (g *gatedStore) releaseAll() (stop func()) {
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case g.release <- struct{}{}:
			case <-g.started:
			case <-quit:
				return
			}
		}
	}()
	return func() { close(quit) }
}

// TestWriterOverlapsParsingWithWrites: while the first batch is being
// written, the caller can fill and queue the next one without waiting.
func TestWriterOverlapsParsingWithWrites(t *testing.T) {
	st := newGatedStore()
	w := NewWriter(st, WriterOptions{Source: "t", BatchSize: 2})
	for _, id := range []string{"a", "b"} {
		if err := w.Entity(ent(id)); err != nil {
			t.Fatal(err)
		}
	}
	if got := <-st.started; got != "E2" {
		t.Fatalf("first write %q", got)
	}
	// The store is stuck in the first write; the next full batch still
	// goes into the queue, and a third fills in memory.
	for _, id := range []string{"c", "d", "e"} {
		if err := w.Entity(ent(id)); err != nil {
			t.Fatal(err)
		}
	}
	stop := st.releaseAll()
	defer stop()
	stats, err := w.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"E2", "E2", "E1"}; !slices.Equal(st.calls, want) {
		t.Errorf("writes %v, want %v", st.calls, want)
	}
	if stats.Entities != 5 {
		t.Errorf("stats %+v", stats)
	}
}

// TestWriterFlushWaits: Flush and CanonicalIDs return only after the
// store has every batch submitted before them.
func TestWriterFlushWaits(t *testing.T) {
	st := newGatedStore()
	stop := st.releaseAll()
	defer stop()
	w := NewWriter(st, WriterOptions{Source: "t", BatchSize: 1})
	for _, id := range []string{"a", "b", "c"} {
		if err := w.Entity(ent(id)); err != nil {
			t.Fatal(err)
		}
	}
	known, err := w.CanonicalIDs(context.Background(), []string{"a", "b", "c", "x"})
	if err != nil || len(known) != 3 {
		t.Fatalf("CanonicalIDs = %v, %v; want a, b and c written", known, err)
	}
	if err := w.Relationship(rel("a", "b")); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	calls := slices.Clone(st.calls)
	st.mu.Unlock()
	if want := []string{"E1", "E1", "E1", "R1"}; !slices.Equal(calls, want) {
		t.Errorf("after Flush: writes %v, want %v", calls, want)
	}
	if _, err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestWriterCancelWhileQueueFull: a caller blocked on a full queue returns
// when its context is cancelled, the error sticks, and Close still waits
// for the write in flight and returns.
func TestWriterCancelWhileQueueFull(t *testing.T) {
	st := newGatedStore()
	ctx, cancel := context.WithCancel(context.Background())
	w := NewWriter(st, WriterOptions{Source: "t", BatchSize: 1, Context: ctx})
	if err := w.Entity(ent("a")); err != nil { // in flight, blocked in the store
		t.Fatal(err)
	}
	<-st.started
	if err := w.Entity(ent("b")); err != nil { // queued
		t.Fatal(err)
	}
	blocked := make(chan error)
	go func() { blocked <- w.Entity(ent("c")) }() // waits for room
	cancel()
	if err := <-blocked; !errors.Is(err, context.Canceled) {
		t.Fatalf("blocked Entity: %v, want context.Canceled", err)
	}
	if err := w.Entity(ent("d")); !errors.Is(err, context.Canceled) {
		t.Fatalf("later Entity: %v, want the kept error", err)
	}
	stats, err := w.Close(context.Background())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Close: %v", err)
	}
	if stats.Entities != 0 || len(st.calls) != 0 {
		t.Errorf("after cancel: stats %+v, writes %v (queued batches must be dropped)", stats, st.calls)
	}
}

// TestWriterConcurrentProducers: several goroutines share one Writer;
// every record arrives, and no relationship batch precedes its endpoints.
func TestWriterConcurrentProducers(t *testing.T) {
	st := &recordingStore{written: map[string]bool{}}
	w := NewWriter(st, WriterOptions{Source: "t", BatchSize: 7})
	const producers, each = 4, 50
	var wg sync.WaitGroup
	errs := make(chan error, producers)
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				a, b := fmt.Sprintf("p%d-%d", p, i), fmt.Sprintf("p%d-%d'", p, i)
				for _, err := range []error{w.Entity(ent(a)), w.Entity(ent(b)), w.Relationship(rel(a, b))} {
					if err != nil {
						errs <- err
						return
					}
				}
				w.CountRead(3)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	stats, err := w.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := (Stats{Read: 3 * producers * each, Entities: 2 * producers * each, Relationships: producers * each}); stats != want {
		t.Errorf("stats %+v, want %+v", stats, want)
	}
}

// TestWriterUseAfterClose: a batch filled after Close is an error, not a
// silent loss or a panic.
func TestWriterUseAfterClose(t *testing.T) {
	w := NewWriter(&recordingStore{written: map[string]bool{}}, WriterOptions{BatchSize: 1})
	if err := w.Entity(ent("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := w.Entity(ent("b")); err == nil {
		t.Error("Entity after Close: no error")
	}
}
