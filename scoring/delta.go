package scoring

import (
	"bytes"
	"context"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// storedResult is one result of the previous run as its store holds it.
type storedResult struct {
	id      string
	verdict model.Verdict
	flagged bool
	data    []byte
}

// previousStream reads the previous run's stored results in entity id order
// on a goroutine of its own, in batches, so that comparing each new result
// with its previous one costs a read of the previous run and no lookup.
type previousStream struct {
	batches chan []storedResult
	err     chan error
	cur     []storedResult
	stop    context.CancelFunc
}

const previousBatch = 1024

func newPreviousStream(ctx context.Context, ds store.DeltaResultStore, runID string) *previousStream {
	ctx, cancel := context.WithCancel(ctx)
	p := &previousStream{batches: make(chan []storedResult, 4), err: make(chan error, 1), stop: cancel}
	go func() {
		defer close(p.batches)
		batch := make([]storedResult, 0, previousBatch)
		var buf []byte // the batch's data, one allocation per batch
		send := func() bool {
			select {
			case p.batches <- batch:
			case <-ctx.Done():
				return false
			}
			batch, buf = make([]storedResult, 0, previousBatch), nil
			return true
		}
		err := ds.EachEncodedResult(ctx, runID, func(id string, verdict model.Verdict, flagged bool, data []byte) error {
			start := len(buf)
			buf = append(buf, data...)
			batch = append(batch, storedResult{id: id, verdict: verdict, flagged: flagged, data: buf[start:len(buf):len(buf)]})
			if len(batch) == previousBatch && !send() {
				return ctx.Err()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			send()
		}
		p.err <- err
	}()
	return p
}

// peek returns the next previous result without taking it, or nil at the end.
func (p *previousStream) peek() (*storedResult, error) {
	for len(p.cur) == 0 {
		b, ok := <-p.batches
		if !ok {
			select {
			case err := <-p.err:
				p.err <- err // peek may be called again at the end
				return nil, err
			default:
				return nil, nil
			}
		}
		p.cur = b
	}
	return &p.cur[0], nil
}

func (p *previousStream) next() { p.cur = p.cur[1:] }

// close stops the stream and waits for its goroutine.
func (p *previousStream) close() {
	p.stop()
	for range p.batches {
	}
}

// deltaMerge compares the new run's results, in entity id order, with the
// previous run's: what changed is written, what is gone is removed, and the
// flags it sees count the newly flagged and cleared.
type deltaMerge struct {
	prev *previousStream
	enc  []byte
	// onFlagged and onCleared are called for the entities newly flagged
	// and no longer flagged (also those without a result any more).
	onFlagged, onCleared func(id string)
	onRemoved            func(id string) error
}

// add takes the next new result and reports whether it differs from the
// previous run's result of the entity (or the entity had none).
func (m *deltaMerge) add(r *model.Result) (changed bool, err error) {
	prev, err := m.skipTo(r.EntityID)
	if err != nil {
		return false, err
	}
	wasFlagged := prev != nil && prev.flagged
	switch {
	case r.Flagged && !wasFlagged:
		m.onFlagged(r.EntityID)
	case !r.Flagged && wasFlagged:
		m.onCleared(r.EntityID)
	}
	if prev == nil {
		return true, nil
	}
	m.enc = codec.EncodeResult(m.enc[:0], r)
	same := prev.verdict == r.Verdict && prev.flagged == r.Flagged && bytes.Equal(prev.data, m.enc)
	m.prev.next()
	return !same, nil
}

// skipTo removes the previous results of entities before id and returns
// the previous result of id, or nil.
func (m *deltaMerge) skipTo(id string) (*storedResult, error) {
	for {
		p, err := m.prev.peek()
		if err != nil || p == nil {
			return nil, err
		}
		switch {
		case p.id == id:
			return p, nil
		case p.id > id:
			return nil, nil
		}
		if p.flagged {
			m.onCleared(p.id)
		}
		if err := m.onRemoved(p.id); err != nil {
			return nil, err
		}
		m.prev.next()
	}
}

// finish removes what is left of the previous run.
func (m *deltaMerge) finish() error {
	for {
		p, err := m.prev.peek()
		if err != nil || p == nil {
			return err
		}
		if p.flagged {
			m.onCleared(p.id)
		}
		if err := m.onRemoved(p.id); err != nil {
			return err
		}
		m.prev.next()
	}
}
