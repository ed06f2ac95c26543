package export

import (
	"context"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// cursor turns a store's callback stream, ordered by id, into a pull
// iterator so several sorted streams can be merge-joined with constant
// memory. Rows travel in slices of cursorChunk: a channel operation (and
// the goroutine hand-off behind it) per row cost more than the row. Taken
// chunks go back to the producer through free: a new chunk per 256 rows
// was most of what an export allocated, and every allocation brings the
// next garbage collection closer (the live heap is small, so collections
// were frequent).
type cursor[T any] struct {
	chunks chan []T
	free   chan []T
	errc   chan error
	taken  []T // the chunk chunk is the rest of
	chunk  []T // rows received, not yet taken
	// cur is the current row, in taken: valid until the next call to next
	// (rows are not copied out: a row holds pointers, and copying those
	// costs write barriers while the collector marks).
	cur *T
	ok  bool
}

const (
	cursorChunk  = 256
	cursorChunks = 4 // chunks buffered ahead
)

func newCursor[T any](ctx context.Context, each func(ctx context.Context, fn func(*T) error) error) *cursor[T] {
	c := &cursor[T]{chunks: make(chan []T, cursorChunks), free: make(chan []T, cursorChunks+1),
		errc: make(chan error, 1)}
	go func() {
		defer close(c.chunks)
		chunk := make([]T, 0, cursorChunk)
		send := func() error {
			select {
			case c.chunks <- chunk:
				select {
				case chunk = <-c.free:
					chunk = chunk[:0]
				default:
					chunk = make([]T, 0, cursorChunk)
				}
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := each(ctx, func(v *T) error {
			chunk = append(chunk, *v)
			if len(chunk) == cursorChunk {
				return send()
			}
			return nil
		})
		if err == nil && len(chunk) > 0 {
			err = send()
		}
		c.errc <- err
	}()
	c.next()
	return c
}

func (c *cursor[T]) next() {
	for len(c.chunk) == 0 {
		if c.taken != nil {
			// Nothing refers to the chunk any more (see cur).
			select {
			case c.free <- c.taken:
			default:
			}
			c.taken = nil
		}
		var ok bool
		if c.chunk, ok = <-c.chunks; !ok {
			c.cur, c.ok = nil, false
			return
		}
		c.taken = c.chunk
	}
	c.cur, c.ok = &c.chunk[0], true
	c.chunk = c.chunk[1:]
}

// err waits for the producer and returns its error; call after draining or
// cancelling.
func (c *cursor[T]) err() error { return <-c.errc }

// entityCursor streams the entities with the fields of p (see
// store.EntityProjector).
func entityCursor(ctx context.Context, st store.GraphReader, p store.Projection) *cursor[model.Entity] {
	return newCursor(ctx, func(ctx context.Context, fn func(*model.Entity) error) error {
		return st.EachEntityProjected(ctx, p, fn)
	})
}

// resultCursor streams a run's results; summary allows leaving out the
// explanation and the hops (see store.ResultSummaryStreamer).
func resultCursor(ctx context.Context, st store.RunReader, runID string, summary bool) *cursor[model.Result] {
	return newCursor(ctx, func(ctx context.Context, fn func(*model.Result) error) error {
		if summary {
			return st.EachResultSummary(ctx, runID, fn)
		}
		return st.EachResult(ctx, runID, fn)
	})
}

// seekEntity advances c to id and returns the entity when present, valid
// until c moves on.
func seekEntity(c *cursor[model.Entity], id string) (*model.Entity, bool) {
	for c.ok && c.cur.ID < id {
		c.next()
	}
	if c.ok && c.cur.ID == id {
		return c.cur, true
	}
	return nil, false
}

func seekResult(c *cursor[model.Result], id string) (*model.Result, bool) {
	for c.ok && c.cur.EntityID < id {
		c.next()
	}
	if c.ok && c.cur.EntityID == id {
		return c.cur, true
	}
	return nil, false
}
