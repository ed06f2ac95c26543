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
	EntityID   string        `json:"id"`
	OldVerdict model.Verdict `json:"old_verdict"`
	NewVerdict model.Verdict `json:"new_verdict"`
	OldFlagged bool          `json:"old_flagged"`
	NewFlagged bool          `json:"new_flagged"`
}

// Diff streams the entities whose verdict changed from run a to run b, in
// entity id order, with memory bounded by the channel buffers: both runs'
// verdicts are read as sorted streams (store.VerdictStreamer) and
// merge-joined.
func Diff(ctx context.Context, st store.RunReader, a, b string, fn func(Change) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	left := streamVerdicts(ctx, st, a)
	right := streamVerdicts(ctx, st, b)
	l, lok := left.next()
	r, rok := right.next()
	for lok || rok {
		var c Change
		switch {
		case lok && (!rok || l.id < r.id):
			c = Change{EntityID: l.id, OldVerdict: l.verdict, OldFlagged: l.flagged}
			l, lok = left.next()
		case rok && (!lok || r.id < l.id):
			c = Change{EntityID: r.id, NewVerdict: r.verdict, NewFlagged: r.flagged}
			r, rok = right.next()
		default:
			c = Change{EntityID: l.id, OldVerdict: l.verdict, NewVerdict: r.verdict,
				OldFlagged: l.flagged, NewFlagged: r.flagged}
			l, lok = left.next()
			r, rok = right.next()
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

// verdictRow is one entity's verdict and flag in a run.
type verdictRow struct {
	id      string
	verdict model.Verdict
	flagged bool
}

// verdictStream feeds a run's verdicts from a goroutine through a channel,
// in slices of verdictChunk rows (one channel operation per row cost more
// than the row), so two sorted streams can be merged.
type verdictStream struct {
	chunks chan []verdictRow
	err    chan error
	cur    []verdictRow
}

const verdictChunk = 256

func streamVerdicts(ctx context.Context, st store.VerdictStreamer, runID string) *verdictStream {
	s := &verdictStream{chunks: make(chan []verdictRow, 8), err: make(chan error, 1)}
	go func() {
		defer close(s.chunks)
		chunk := make([]verdictRow, 0, verdictChunk)
		send := func() error {
			select {
			case s.chunks <- chunk:
				chunk = make([]verdictRow, 0, verdictChunk)
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := st.EachVerdict(ctx, runID, func(id string, verdict model.Verdict, flagged bool) error {
			chunk = append(chunk, verdictRow{id: id, verdict: verdict, flagged: flagged})
			if len(chunk) == verdictChunk {
				return send()
			}
			return nil
		})
		if err == nil && len(chunk) > 0 {
			err = send()
		}
		s.err <- err
	}()
	return s
}

// next returns the next row; ok is false at the end of the stream.
func (s *verdictStream) next() (row verdictRow, ok bool) {
	for len(s.cur) == 0 {
		if s.cur, ok = <-s.chunks; !ok {
			return verdictRow{}, false
		}
	}
	row, s.cur = s.cur[0], s.cur[1:]
	return row, true
}
