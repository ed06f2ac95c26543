package queries

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// maxCachedSummaryChunks bounds what a RunResults reader keeps: 400 chunks
// of up to 5,000 results each are two million results, about 150 MB.
// Beyond it the chunk read longest ago is dropped (and read again when a
// lookup needs it), so memory stays bounded on any store.
const maxCachedSummaryChunks = 400

// RunResults implements store.Store. One result lookup on Neo4j
// reads the whole chunk of 5,000 results that holds it, so a screening's
// hundreds of thousands of lookups would read every chunk many times over;
// the reader reads each chunk a lookup needs once, without the evidence
// records (a chunk's parallel lists hold everything a summary needs), and
// keeps it.
func (s *Store) RunResults(runID string) store.ResultReader {
	return &runResults{s: s, runID: runID, chunks: map[int64]*summaryChunk{}}
}

type runResults struct {
	s     *Store
	runID string

	dirOnce sync.Once
	dir     []chunkEntry // newest first
	dirErr  error

	load   singleflight.Group
	mu     sync.Mutex
	chunks map[int64]*summaryChunk
	order  []int64 // seqs of chunks, in the order they were read
}

// summaryChunk is one chunk's lists, explanations empty for a minimal
// (standard CLEAR) result; complete is false for a chunk whose lists are
// missing or of other lengths, which Result then reads whole.
type summaryChunk struct {
	ids, verdicts, explanations []string
	flagged, indeterminate      []bool
	shareMin, shareMax          []float64
	complete                    bool
}

// Result implements store.ResultReader: the result's verdict, flag,
// indeterminate, Chinese share and explanation, from the newest chunk of
// the run holding it; its evidence, controllers and votes are not read.
// store.ErrNotFound when the run has no result for the entity.
func (r *runResults) Result(ctx context.Context, entityID string) (model.Result, error) {
	what := fmt.Sprintf("result of %q in run %q", entityID, r.runID)
	r.dirOnce.Do(func() { r.dir, r.dirErr = r.readDir(ctx) })
	if r.dirErr != nil {
		return model.Result{}, r.dirErr
	}
	for _, ce := range r.dir {
		if entityID < ce.first || entityID > ce.last {
			continue
		}
		c, err := r.chunk(ctx, ce)
		if err != nil {
			return model.Result{}, fmt.Errorf("neo4j: %s: %w", what, err)
		}
		i, ok := slices.BinarySearch(c.ids, entityID)
		if !ok {
			continue
		}
		if !c.complete {
			return r.s.Result(ctx, r.runID, entityID)
		}
		if c.verdicts[i] == store.RemovedVerdict {
			break
		}
		verdict := codec.InternVerdict(c.verdicts[i])
		if c.explanations[i] == "" {
			// A minimal result (the standard CLEAR one) has no explanation in
			// the list; anything else without one is read whole.
			if verdict != model.VerdictClear || c.indeterminate[i] || c.shareMin[i] != 0 || c.shareMax[i] != 0 {
				return r.s.Result(ctx, r.runID, entityID)
			}
			return codec.ClearResult(entityID, verdict, c.flagged[i]), nil
		}
		return model.Result{EntityID: entityID, Verdict: verdict, Flagged: c.flagged[i],
			Indeterminate: c.indeterminate[i],
			ChineseShare:  model.Interval{Min: c.shareMin[i], Max: c.shareMax[i]},
			Explanation:   c.explanations[i]}, nil
	}
	return model.Result{}, fmt.Errorf("%s: %w", what, store.ErrNotFound)
}

// readDir reads the run's chunk directory, newest chunk first (a later
// chunk's result of an entity replaces an earlier one's).
func (r *runResults) readDir(ctx context.Context) ([]chunkEntry, error) {
	what := "result chunks of run " + r.runID
	chain, err := r.s.chain(ctx, r.runID)
	if err != nil {
		return nil, fmt.Errorf("neo4j: %s: %w", what, err)
	}
	recs, err := r.s.query(ctx, what, qResultChunks, map[string]any{"run_ids": chain})
	if err != nil {
		return nil, err
	}
	dir := chunkDirectory(recs)
	slices.SortFunc(dir, func(a, b chunkEntry) int { return int(b.seq - a.seq) })
	return dir, nil
}

// chunk returns chunk seq, reading it once however many lookups ask at the
// same time.
func (r *runResults) chunk(ctx context.Context, ce chunkEntry) (*summaryChunk, error) {
	seq := ce.seq
	r.mu.Lock()
	c := r.chunks[seq]
	r.mu.Unlock()
	if c != nil {
		return c, nil
	}
	v, err, _ := r.load.Do(fmt.Sprint(seq), func() (any, error) {
		c, err := r.readChunk(ctx, ce)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if _, ok := r.chunks[seq]; !ok {
			if len(r.order) >= maxCachedSummaryChunks {
				delete(r.chunks, r.order[0])
				r.order = r.order[1:]
			}
			r.chunks[seq] = c
			r.order = append(r.order, seq)
		}
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*summaryChunk), nil
}

func (r *runResults) readChunk(ctx context.Context, ce chunkEntry) (*summaryChunk, error) {
	seq := ce.seq
	what := fmt.Sprintf("result chunk %d of run %s", seq, ce.runID)
	recs, err := r.s.query(ctx, what, qResultChunkSummary, map[string]any{"run_id": ce.runID, "seq": seq})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		// Deleted since the directory was read (a prune): nothing there.
		return &summaryChunk{}, nil
	}
	v := recs[0].Values
	c := &summaryChunk{}
	if c.ids, err = list[string](v[0]); err != nil {
		return nil, fmt.Errorf("chunk %d: ids: %w", seq, err)
	}
	if !slices.IsSorted(c.ids) {
		return nil, fmt.Errorf("chunk %d: ids out of order: %w", seq, codec.ErrCorrupt)
	}
	n := len(c.ids)
	c.verdicts, err = list[string](v[1])
	if err == nil {
		c.flagged, err = list[bool](v[2])
	}
	if err == nil {
		c.indeterminate, err = list[bool](v[3])
	}
	if err == nil {
		c.shareMin, err = list[float64](v[4])
	}
	if err == nil {
		c.shareMax, err = list[float64](v[5])
	}
	if err == nil {
		c.explanations, err = list[string](v[6])
	}
	if err != nil {
		return nil, fmt.Errorf("chunk %d: %w", seq, err)
	}
	c.complete = len(c.verdicts) == n && len(c.flagged) == n && len(c.indeterminate) == n &&
		len(c.shareMin) == n && len(c.shareMax) == n && len(c.explanations) == n
	// Most explanations of a chunk repeat a few sentences: keep one copy.
	seen := map[string]string{}
	for i, e := range c.explanations {
		if e == "" || len(e) > 200 {
			continue
		}
		if k, ok := seen[e]; ok {
			c.explanations[i] = k
		} else {
			seen[strings.Clone(e)] = e
		}
	}
	return c, nil
}
