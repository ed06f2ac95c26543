package scoring

import (
	"context"
	"fmt"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Change is one entity whose verdict differs between two runs. An empty
// verdict means the entity had no result in that run.
type Change struct {
	EntityID   string `json:"id"`
	OldVerdict string `json:"old_verdict"`
	NewVerdict string `json:"new_verdict"`
	OldFlagged bool   `json:"old_flagged"`
	NewFlagged bool   `json:"new_flagged"`
}

// Diff streams the entities whose verdict changed from run a to run b, in
// entity id order, with memory bounded by the channel buffers: both runs'
// results are read as sorted streams and merge-joined.
func Diff(ctx context.Context, st store.Store, a, b string, fn func(Change) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	left := streamResults(ctx, st, a)
	right := streamResults(ctx, st, b)
	l, lok := <-left.rows
	r, rok := <-right.rows
	for lok || rok {
		var c Change
		switch {
		case lok && (!rok || l.EntityID < r.EntityID):
			c = Change{EntityID: l.EntityID, OldVerdict: l.Verdict, OldFlagged: l.Flagged}
			l, lok = <-left.rows
		case rok && (!lok || r.EntityID < l.EntityID):
			c = Change{EntityID: r.EntityID, NewVerdict: r.Verdict, NewFlagged: r.Flagged}
			r, rok = <-right.rows
		default:
			c = Change{EntityID: l.EntityID, OldVerdict: l.Verdict, NewVerdict: r.Verdict,
				OldFlagged: l.Flagged, NewFlagged: r.Flagged}
			l, lok = <-left.rows
			r, rok = <-right.rows
		}
		if c.OldVerdict == c.NewVerdict {
			continue
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := <-left.err; err != nil {
		return fmt.Errorf("diff: run %s: %w", a, err)
	}
	if err := <-right.err; err != nil {
		return fmt.Errorf("diff: run %s: %w", b, err)
	}
	return nil
}

type resultStream struct {
	rows chan model.Result
	err  chan error
}

// streamResults runs st.EachResult in a goroutine feeding a channel, so two
// sorted streams can be merged.
func streamResults(ctx context.Context, st store.Store, runID string) resultStream {
	s := resultStream{rows: make(chan model.Result, 1024), err: make(chan error, 1)}
	go func() {
		defer close(s.rows)
		s.err <- st.EachResult(ctx, runID, func(r *model.Result) error {
			select {
			case s.rows <- *r:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return s
}
