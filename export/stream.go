package export

import (
	"context"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// cursor turns a store's callback stream, ordered by id, into a pull
// iterator so several sorted streams can be merge-joined with constant memory.
type cursor[T any] struct {
	rows chan T
	errc chan error
	cur  T
	ok   bool
}

func newCursor[T any](ctx context.Context, each func(ctx context.Context, fn func(*T) error) error) *cursor[T] {
	c := &cursor[T]{rows: make(chan T, 512), errc: make(chan error, 1)}
	go func() {
		defer close(c.rows)
		c.errc <- each(ctx, func(v *T) error {
			select {
			case c.rows <- *v:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	c.next()
	return c
}

func (c *cursor[T]) next() { c.cur, c.ok = <-c.rows }

// err waits for the producer and returns its error; call after draining or
// cancelling.
func (c *cursor[T]) err() error { return <-c.errc }

func entityCursor(ctx context.Context, st store.Store) *cursor[model.Entity] {
	return newCursor(ctx, st.EachEntity)
}

func resultCursor(ctx context.Context, st store.Store, runID string) *cursor[model.Result] {
	return newCursor(ctx, func(ctx context.Context, fn func(*model.Result) error) error {
		return st.EachResult(ctx, runID, fn)
	})
}

// seekEntity advances c to id and returns the entity when present.
func seekEntity(c *cursor[model.Entity], id string) (model.Entity, bool) {
	for c.ok && c.cur.ID < id {
		c.next()
	}
	if c.ok && c.cur.ID == id {
		return c.cur, true
	}
	return model.Entity{}, false
}

func seekResult(c *cursor[model.Result], id string) (model.Result, bool) {
	for c.ok && c.cur.EntityID < id {
		c.next()
	}
	if c.ok && c.cur.EntityID == id {
		return c.cur, true
	}
	return model.Result{}, false
}
