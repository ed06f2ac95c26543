package queries

import (
	"container/heap"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/internal/faultpoint"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
)

// A run's results are stored in chunks: one (:ResultChunk {run_id, seq})
// node per chunk of up to chunkRows results of one WriteResults call,
// sorted by entity id, holding the values Cypher needs as parallel lists
// (ids, verdicts, flagged, indeterminate, share_min, share_max,
// explanations) and every result in store/codec's compact binary form
// (records: one string per result, its bytes in base64, so that a lookup
// of one result reads that element only; a CLEAR result without evidence
// is ""). Chunks written by earlier versions hold the results in one
// byte array instead (data: per result, its length as a uvarint, then its
// bytes), which every read still understands. first and last are the chunk's
// smallest and largest entity id; seq orders the chunks of a run by write
// time, so a result written again in a later chunk replaces the earlier.
//
// One node per result cost the server about 20 CPU-seconds per million
// results (a node, seven properties and a composite index entry each) and
// every read decoded a JSON blob; chunks make result writes and reads a
// matter of a few hundred nodes per million entities.
var chunkRows = 5000 // a variable so tests can shrink it

// chunkPrefetch is how many queries of chunksPerQuery chunks each a result
// stream has requested ahead of the merge (within maxPagers, the fetcher's
// queue).
const (
	chunkPrefetch  = 2
	chunksPerQuery = 2
)

// publishWriters is how many publish transactions run concurrently: the
// rows of concurrent batches name different entities, so they take no
// common locks.
const publishWriters = 2

// nextSeq returns a chunk sequence number larger than every one this Store
// gave before, close to the current time in nanoseconds.
func (s *Store) nextSeq() int64 {
	for {
		last := s.seq.Load()
		next := max(time.Now().UnixNano(), last+1)
		if s.seq.CompareAndSwap(last, next) {
			return next
		}
	}
}

// WriteResults implements store.Store; the run must have been begun. A batch
// holds each entity once (the last result of an entity given twice wins).
func (s *Store) WriteResults(ctx context.Context, runID string, batch []model.Result) error {
	if err := ctx.Err(); err != nil {
		return fail(ctx, "write results", err)
	}
	at := make(map[string]int, len(batch))
	order := make([]int, 0, len(batch))
	for i := range batch {
		if j, ok := at[batch[i].EntityID]; ok {
			order[j] = i
			continue
		}
		at[batch[i].EntityID] = len(order)
		order = append(order, i)
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(batch[a].EntityID, batch[b].EntityID) })
	var chunks []map[string]any
	for start := 0; start < len(order); start += chunkRows {
		chunks = append(chunks, encodeChunk(batch, order[start:min(start+chunkRows, len(order))], s.nextSeq()))
	}
	return s.write(ctx, "write results of run "+runID, func(tx neo4j.ManagedTransaction) error {
		recs, err := runInTx(ctx, tx, qRunExists, map[string]any{"id": runID})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("run %q: %w", runID, store.ErrNotFound)
		}
		if len(chunks) == 0 {
			return nil
		}
		_, err = runInTx(ctx, tx, qCreateResultChunks, map[string]any{"run_id": runID, "chunks": chunks})
		return err
	})
}

// encodeChunk builds the properties of one chunk from batch[i] for i in
// order (ascending entity ids, each once).
func encodeChunk(batch []model.Result, order []int, seq int64) map[string]any {
	n := len(order)
	ids := make([]string, n)
	verdicts := make([]string, n)
	flagged := make([]bool, n)
	indeterminate := make([]bool, n)
	shareMin := make([]float64, n)
	shareMax := make([]float64, n)
	explanations := make([]string, n)
	records := make([]string, n)
	var enc []byte
	for k, i := range order {
		r := &batch[i]
		ids[k], verdicts[k], flagged[k], indeterminate[k] = r.EntityID, string(r.Verdict), r.Flagged, r.Indeterminate
		shareMin[k], shareMax[k] = r.ChineseShare.Min, r.ChineseShare.Max
		enc = codec.EncodeResult(enc[:0], r)
		if len(enc) > 0 {
			// Browser users read the sentence without decoding records; a
			// minimal result's is the standard CLEAR one.
			explanations[k] = r.Explanation
		}
		records[k] = recordEncoding.EncodeToString(enc)
	}
	return map[string]any{
		"seq": seq, "first": ids[0], "last": ids[n-1], "size": int64(n),
		"ids": ids, "verdicts": verdicts, "flagged": flagged, "indeterminate": indeterminate,
		"share_min": shareMin, "share_max": shareMax, "explanations": explanations, "records": records,
	}
}

// recordEncoding turns a result's compact binary form into the string a
// chunk's records list holds (Neo4j has no list of byte arrays).
var recordEncoding = base64.RawStdEncoding

// resultChunk is one loaded chunk: the lists a stream asked for.
type resultChunk struct {
	seq           int64
	ids           []string
	verdicts      []string
	flagged       []bool
	data          []byte // the encoded results; nil unless loaded
	offs          []int  // result i is data[offs[2i]:offs[2i+1]]
	indeterminate []bool // with shareMin and shareMax, only for publishing
	shareMin      []float64
	shareMax      []float64
}

// result decodes result i of the chunk.
func (c *resultChunk) result(i int, r *model.Result) error {
	return codec.DecodeResult(c.ids[i], codec.InternVerdict(c.verdicts[i]), c.flagged[i], c.data[c.offs[2*i]:c.offs[2*i+1]], r)
}

// summary is result without the explanation and the evidence hops
// (codec.DecodeResultSummary).
func (c *resultChunk) summary(i int, r *model.Result) error {
	return codec.DecodeResultSummary(c.ids[i], codec.InternVerdict(c.verdicts[i]), c.flagged[i], c.data[c.offs[2*i]:c.offs[2*i+1]], r)
}

// chunkParts says which optional lists a stream loads.
type chunkParts struct{ data, published bool }

// chunkFromList converts one chunk of a load_result_chunks record or the
// list a result_chunk_by_seq record holds: [seq, ids, verdicts, flagged, data, published].
func chunkFromList(v any, parts chunkParts) (*resultChunk, error) {
	fields, _ := v.([]any)
	if len(fields) != 6 {
		return nil, fmt.Errorf("result chunk: unexpected value %T", v)
	}
	c := &resultChunk{}
	c.seq, _ = fields[0].(int64)
	var err error
	if c.ids, err = list[string](fields[1]); err != nil {
		return nil, fmt.Errorf("ids: %w", err)
	}
	if c.verdicts, err = list[string](fields[2]); err != nil {
		return nil, fmt.Errorf("verdicts: %w", err)
	}
	if c.flagged, err = list[bool](fields[3]); err != nil {
		return nil, fmt.Errorf("flagged: %w", err)
	}
	n := len(c.ids)
	if len(c.verdicts) != n || len(c.flagged) != n {
		return nil, fmt.Errorf("chunk %d: lists of different lengths", c.seq)
	}
	if parts.data {
		if records, ok := fields[4].([]any); ok {
			if err := c.decodeRecords(records); err != nil {
				return nil, err
			}
			return c, c.loadPublished(fields[5], parts.published)
		}
		c.data, _ = fields[4].([]byte)
		c.offs = make([]int, 0, 2*n)
		pos := 0
		for range n {
			size, k := binary.Uvarint(c.data[pos:])
			if k <= 0 || size > uint64(len(c.data)-pos-k) {
				return nil, fmt.Errorf("chunk %d: %w", c.seq, codec.ErrCorrupt)
			}
			pos += k
			c.offs = append(c.offs, pos, pos+int(size))
			pos += int(size)
		}
	}
	return c, c.loadPublished(fields[5], parts.published)
}

// loadPublished sets the published values of a chunk from v, [indeterminate,
// share_min, share_max], when want.
func (c *resultChunk) loadPublished(v any, want bool) error {
	if !want {
		return nil
	}
	n := len(c.ids)
	var err error
	p, _ := v.([]any)
	if len(p) != 3 {
		return fmt.Errorf("chunk %d: published values missing", c.seq)
	}
	if c.indeterminate, err = list[bool](p[0]); err != nil {
		return fmt.Errorf("indeterminate: %w", err)
	}
	if c.shareMin, err = list[float64](p[1]); err != nil {
		return fmt.Errorf("share_min: %w", err)
	}
	if c.shareMax, err = list[float64](p[2]); err != nil {
		return fmt.Errorf("share_max: %w", err)
	}
	if len(c.indeterminate) != n || len(c.shareMin) != n || len(c.shareMax) != n {
		return fmt.Errorf("chunk %d: lists of different lengths", c.seq)
	}
	return nil
}

// decodeRecords sets data and offs from a records list (one encoded
// result per entity, in recordEncoding).
func (c *resultChunk) decodeRecords(records []any) error {
	if len(records) != len(c.ids) {
		return fmt.Errorf("chunk %d: lists of different lengths", c.seq)
	}
	c.offs = make([]int, 0, 2*len(records))
	for i, v := range records {
		rec, _ := v.(string)
		start := len(c.data)
		var err error
		if c.data, err = recordEncoding.AppendDecode(c.data, []byte(rec)); err != nil {
			return fmt.Errorf("chunk %d: result %d: %w", c.seq, i, codec.ErrCorrupt)
		}
		c.offs = append(c.offs, start, len(c.data))
	}
	return nil
}

// list converts a Bolt list of T.
func list[T any](v any) ([]T, error) {
	xs, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("unexpected %T", v)
	}
	out := make([]T, len(xs))
	for i, x := range xs {
		if out[i], ok = x.(T); !ok {
			return nil, fmt.Errorf("element %d: unexpected %T", i, x)
		}
	}
	return out, nil
}

// chunkEntry is one chunk of the directory of a run.
type chunkEntry struct {
	runID       string
	seq         int64
	first, last string
}

// cursor walks one loaded chunk during the merge.
type cursor struct {
	c *resultChunk
	i int
}

func (k cursor) id() string { return k.c.ids[k.i] }

// cursorHeap orders cursors by entity id, the newest chunk first among
// equal ids.
type cursorHeap []cursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(a, b int) bool {
	if c := strings.Compare(h[a].id(), h[b].id()); c != 0 {
		return c < 0
	}
	return h[a].c.seq > h[b].c.seq
}
func (h cursorHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// eachResultRow hands fn every entity of a run's results once, in entity id
// order, as (chunk, index) of the newest chunk holding it. Chunks are read
// in order of their first id, a few ahead, and merged: memory is the chunks
// whose id ranges overlap, one or two for what scoring.Run writes (its
// batches come in id order).
func (s *Store) eachResultRow(ctx context.Context, what, runID string, parts chunkParts, fn func(c *resultChunk, i int) error) error {
	chain, err := s.chain(ctx, runID)
	if err != nil {
		return fail(ctx, what, err)
	}
	return s.readTx(ctx, what, func(tx neo4j.ExplicitTransaction) error {
		res, err := tx.Run(ctx, qResultChunks, map[string]any{"run_ids": chain})
		if err != nil {
			return fail(ctx, what, err)
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return fail(ctx, what, err)
		}
		dir := chunkDirectory(recs)
		slices.SortFunc(dir, func(a, b chunkEntry) int {
			if c := strings.Compare(a.first, b.first); c != 0 {
				return c
			}
			return int(b.seq - a.seq)
		})

		// Chunks are loaded through two stream fetchers (store.go), one
		// owning tx from here on and one a second read transaction, the
		// queries alternating between them, up to chunkPrefetch+1 requested
		// ahead: a chunk's reading on the server and its Bolt decoding
		// then overlap the next one's instead of waiting for it (chunks
		// are written once, so the two transactions see the same ones).
		f := newFetcher(ctx, tx)
		defer f.close()
		tx2, done, err := s.beginRead(ctx)
		if err != nil {
			return fail(ctx, what, err)
		}
		defer done()
		f2 := newFetcher(ctx, tx2)
		defer f2.close()
		fetchers := [2]*fetcher{f, f2}
		type request struct {
			out, flags chan fetchedPage // flags: with data, the chunks' flags
			chunks     int
		}
		var pending []request // requested pages, in dir order
		var page []any        // chunks of the current page
		requested := 0
		load := func() (*resultChunk, error) {
			for requested < len(dir) && len(pending) <= chunkPrefetch {
				seqs := make([]int64, 0, chunksPerQuery)
				runIDs := make([]string, 0, chunksPerQuery)
				for ; requested < len(dir) && len(seqs) < chunksPerQuery; requested++ {
					seqs = append(seqs, dir[requested].seq)
					runIDs = append(runIDs, dir[requested].runID)
				}
				f := fetchers[requested/chunksPerQuery%2]
				req := request{out: make(chan fetchedPage, 1), chunks: len(seqs)}
				f.reqs <- fetchReq{cypher: qLoadResultChunks, out: req.out, params: map[string]any{"run_ids": runIDs,
					"seqs": seqs, "data": parts.data, "published": parts.published}}
				if parts.data {
					req.flags = make(chan fetchedPage, 1)
					f.reqs <- fetchReq{cypher: qLoadResultChunkFlags, out: req.flags,
						params: map[string]any{"run_ids": runIDs, "seqs": seqs}}
				}
				pending = append(pending, req)
			}
			if len(page) == 0 {
				req := pending[0]
				pending = pending[1:]
				var fetched, flags fetchedPage
				select {
				case fetched = <-req.out:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
				if req.flags != nil {
					select {
					case flags = <-req.flags:
					case <-ctx.Done():
						return nil, ctx.Err()
					}
				}
				if fetched.err != nil {
					return nil, fetched.err
				}
				if flags.err != nil {
					return nil, flags.err
				}
				page = fetched.rows
				found := len(page)
				if req.flags != nil {
					found = min(found, len(flags.rows))
				}
				if found != req.chunks {
					return nil, fmt.Errorf("%d of %d chunks vanished while reading", req.chunks-found, req.chunks)
				}
				for i, flagList := range flags.rows {
					if fields, ok := page[i].([]any); ok && len(fields) == 6 {
						fields[3] = flagList
					}
				}
			}
			c, err := chunkFromList(page[0], parts)
			page = page[1:]
			return c, err
		}

		h := &cursorHeap{}
		next := 0
		for {
			if err := ctx.Err(); err != nil {
				return fail(ctx, what, err)
			}
			// Every chunk that may hold the smallest id must be open.
			for next < len(dir) && (h.Len() == 0 || dir[next].first <= (*h)[0].id()) {
				c, err := load()
				if err != nil {
					return fail(ctx, what, fmt.Errorf("result chunk %d: %w", dir[next].seq, err))
				}
				next++
				if len(c.ids) > 0 {
					heap.Push(h, cursor{c: c})
				}
			}
			if h.Len() == 0 {
				return nil
			}
			top := (*h)[0]
			id := top.id()
			if top.c.verdicts[top.i] != store.RemovedVerdict {
				if err := fn(top.c, top.i); err != nil {
					return err
				}
			}
			// Advance every cursor at this id: older results of the entity
			// are replaced ones.
			for h.Len() > 0 && (*h)[0].id() == id {
				k := &(*h)[0]
				if k.i++; k.i < len(k.c.ids) {
					heap.Fix(h, 0)
				} else {
					heap.Pop(h)
				}
			}
		}
	})
}

// chunkDirectory reads the records of result_chunks.cypher.
func chunkDirectory(recs []*neo4j.Record) []chunkEntry {
	dir := make([]chunkEntry, 0, len(recs))
	for _, r := range recs {
		seq, _ := r.Values[1].(int64)
		dir = append(dir, chunkEntry{runID: str(r.Values[0]), seq: seq, first: str(r.Values[2]), last: str(r.Values[3])})
	}
	return dir
}

// chain returns the runs whose chunks make up runID's results, the run
// first, then its bases (store.ResultChain). Chunks of a run are newer
// than those of its bases (a run's base completed before it began), so the
// newest chunk holding an entity is also that of the newest run.
func (s *Store) chain(ctx context.Context, runID string) ([]string, error) {
	if c, ok := s.chains.Load(runID); ok {
		return c.([]string), nil
	}
	runs, err := s.Runs(ctx)
	if err != nil {
		return nil, err
	}
	chain, err := store.ResultChain(runs, runID)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(runs, func(r model.Run) bool { return r.ID == runID }) {
		s.chains.Store(runID, chain)
	}
	return chain, nil
}

var _ store.DeltaResultStore = (*Store)(nil)

// RemoveResults implements store.DeltaResultStore: chunk entries with the
// verdict store.RemovedVerdict, which every read of the run skips.
func (s *Store) RemoveResults(ctx context.Context, runID string, entityIDs []string) error {
	batch := make([]model.Result, len(entityIDs))
	for i, id := range entityIDs {
		batch[i] = model.Result{EntityID: id, Verdict: store.RemovedVerdict}
	}
	return s.WriteResults(ctx, runID, batch)
}

// StoredResults implements store.DeltaResultStore.
func (s *Store) StoredResults(ctx context.Context, runID string) (int, error) {
	recs, err := s.query(ctx, "stored results of run "+runID, qStoredResults, map[string]any{"run_id": runID})
	if err != nil {
		return 0, err
	}
	return int(count(recs)), nil
}

// EachEncodedResult implements store.DeltaResultStore.
func (s *Store) EachEncodedResult(ctx context.Context, runID string, fn func(entityID string, verdict model.Verdict, flagged bool, data []byte) error) error {
	what := "results of run " + runID
	return s.eachResultRow(ctx, what, runID, chunkParts{data: true}, func(c *resultChunk, i int) error {
		return fn(c.ids[i], codec.InternVerdict(c.verdicts[i]), c.flagged[i], c.data[c.offs[2*i]:c.offs[2*i+1]])
	})
}

// EachResult implements store.Store.
func (s *Store) EachResult(ctx context.Context, runID string, fn func(*model.Result) error) error {
	what := "results of run " + runID
	return s.eachResultRow(ctx, what, runID, chunkParts{data: true}, func(c *resultChunk, i int) error {
		var r model.Result
		if err := c.result(i, &r); err != nil {
			return fmt.Errorf("neo4j: %s: %w", what, err)
		}
		return fn(&r)
	})
}

// EachResultSummary implements store.ResultSummaryStreamer.
func (s *Store) EachResultSummary(ctx context.Context, runID string, fn func(*model.Result) error) error {
	what := "results of run " + runID
	return s.eachResultRow(ctx, what, runID, chunkParts{data: true}, func(c *resultChunk, i int) error {
		var r model.Result
		if err := c.summary(i, &r); err != nil {
			return fmt.Errorf("neo4j: %s: %w", what, err)
		}
		return fn(&r)
	})
}

// EachVerdict implements store.VerdictStreamer: the verdict and flag of
// each result of a run, in entity id order, without reading the evidence.
func (s *Store) EachVerdict(ctx context.Context, runID string, fn func(entityID string, verdict model.Verdict, flagged bool) error) error {
	return s.eachResultRow(ctx, "verdicts of run "+runID, runID, chunkParts{}, func(c *resultChunk, i int) error {
		return fn(c.ids[i], codec.InternVerdict(c.verdicts[i]), c.flagged[i])
	})
}

// EachFlagged implements store.FlaggedStreamer: the verdict columns of
// the run's result chunks (EachVerdict's read), keeping the flagged ids.
func (s *Store) EachFlagged(ctx context.Context, runID string, fn func(entityID string) error) error {
	return s.eachResultRow(ctx, "flagged entities of run "+runID, runID, chunkParts{}, func(c *resultChunk, i int) error {
		if !c.flagged[i] {
			return nil
		}
		return fn(c.ids[i])
	})
}

// WriteConcurrency implements store.RunStore: the server takes
// concurrent write transactions, and two writers keep it busy while the
// next batches are built.
func (s *Store) WriteConcurrency() int { return 2 }

// Result implements store.Store.
func (s *Store) Result(ctx context.Context, runID, entityID string) (model.Result, error) {
	what := fmt.Sprintf("result of %q in run %q", entityID, runID)
	chain, err := s.chain(ctx, runID)
	if err != nil {
		return model.Result{}, fail(ctx, what, err)
	}
	return s.chainResult(ctx, runID, chain, entityID)
}

// chainResult is Result with the run's chain of bases (chain) known.
func (s *Store) chainResult(ctx context.Context, runID string, chain []string, entityID string) (model.Result, error) {
	what := fmt.Sprintf("result of %q in run %q", entityID, runID)
	params := map[string]any{"run_ids": chain, "entity_id": entityID}
	recs, err := s.query(ctx, what, qResultOf, params)
	if err == nil && len(recs) == 0 {
		recs, err = s.query(ctx, what, qResultOfAny, params)
	}
	if err != nil {
		return model.Result{}, err
	}
	if len(recs) == 0 {
		return model.Result{}, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
	}
	chunkRun := str(recs[0].Values[0])
	seq, _ := recs[0].Values[1].(int64)
	verdict, _ := recs[0].Values[2].(string)
	flagged, _ := recs[0].Values[3].(bool)
	if verdict == store.RemovedVerdict {
		return model.Result{}, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
	}
	var r model.Result
	if record, ok := recs[0].Values[4].(string); ok {
		enc, err := recordEncoding.DecodeString(record)
		if err != nil {
			return model.Result{}, fmt.Errorf("neo4j: %s: chunk %d: %w", what, seq, codec.ErrCorrupt)
		}
		if err := codec.DecodeResult(entityID, codec.InternVerdict(verdict), flagged, enc, &r); err != nil {
			return model.Result{}, fmt.Errorf("neo4j: %s: %w", what, err)
		}
		return r, nil
	}
	// A chunk written before records existed (its results in one byte
	// array, data): read it whole.
	recs, err = s.query(ctx, what, qResultChunkBySeq, map[string]any{"run_id": chunkRun, "seq": seq})
	if err != nil {
		return model.Result{}, err
	}
	if len(recs) == 0 {
		return model.Result{}, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
	}
	c, err := chunkFromList(recs[0].Values[0], chunkParts{data: true})
	if err != nil {
		return model.Result{}, fmt.Errorf("neo4j: %s: %w", what, err)
	}
	i, ok := slices.BinarySearch(c.ids, entityID)
	if !ok {
		return model.Result{}, fmt.Errorf("result of %q in run %q: %w", entityID, runID, store.ErrNotFound)
	}
	if err := c.result(i, &r); err != nil {
		return model.Result{}, fmt.Errorf("neo4j: %s: %w", what, err)
	}
	return r, nil
}

// publishStats counts what publishing wrote (tests check that unchanged
// entities are not written) and how: diff is set when only the rows that
// differ from the current run were sent.
type publishStats struct {
	propertiesSet, labelsAdded, labelsRemoved int
	rowsSent, unflagged                       int
	// diff: only the rows that differ from the current run were sent;
	// repaired: the graph then disagreed with the run and every row was
	// sent again.
	diff, repaired bool
}

// pubRow is what publishing copies onto an entity.
type pubRow struct {
	id, verdict        string
	flagged, indet     bool
	shareMin, shareMax float64
}

func (r *pubRow) samePublished(o *pubRow) bool {
	return r.verdict == o.verdict && r.flagged == o.flagged && r.indet == o.indet &&
		r.shareMin == o.shareMin && r.shareMax == o.shareMax
}

// pubRows streams a run's published values in entity id order as a pull
// iterator (iter.Pull: the stream runs as a coroutine, switched to once per
// 1,024 rows); next returns nil at the end. stop must be called.
func (s *Store) pubRows(ctx context.Context, runID string) (next func() (*pubRow, error), stop func()) {
	var streamErr error
	pull, stop := iter.Pull(func(yield func([]pubRow) bool) {
		buf := make([]pubRow, 0, 1024)
		streamErr = s.eachResultRow(ctx, "published values of run "+runID, runID, chunkParts{published: true},
			func(c *resultChunk, i int) error {
				buf = append(buf, pubRow{id: c.ids[i], verdict: c.verdicts[i], flagged: c.flagged[i],
					indet: c.indeterminate[i], shareMin: c.shareMin[i], shareMax: c.shareMax[i]})
				if len(buf) < cap(buf) {
					return nil
				}
				if !yield(buf) {
					return errStopped
				}
				buf = make([]pubRow, 0, 1024)
				return nil
			})
		if streamErr == nil && len(buf) > 0 {
			yield(buf)
		}
	})
	var cur []pubRow
	next = func() (*pubRow, error) {
		for len(cur) == 0 {
			rows, ok := pull()
			if !ok {
				if streamErr != nil && !errors.Is(streamErr, errStopped) {
					return nil, streamErr
				}
				return nil, nil
			}
			cur = rows
		}
		r := &cur[0]
		cur = cur[1:]
		return r, nil
	}
	return next, stop
}

// errStopped ends a stream whose consumer stopped pulling.
var errStopped = errors.New("stream stopped by its consumer")

// publish copies a run's results onto the entities whose published values
// differ (verdict, indeterminate, chinese_share_min/max and :Flagged) and
// removes :Flagged from flagged entities without a result in the run.
//
// The entities carry the current run's values, unless a publish was
// interrupted (UboState.publishing names another run). Normally the run is
// therefore merged with the current run here, and only the rows that differ
// (and those of entities the current run did not score) are sent; the
// entities the current run flagged and this run did not score are
// unflagged. After an interrupted publish, or on the first run, every row
// is sent and compared on the server, and the flagged set is read to find
// stale flags. Rows go in batches of batchSize to publishWriters
// concurrent transactions. A diff publish is then verified (the :Flagged
// set and the count of each verdict property against the run) and, where
// the graph disagrees, followed by a full one: the entities may not carry
// the current run's values after all (edited by hand, or overlapping runs
// of a ubo without the scoring lock).
func (s *Store) publish(ctx context.Context, runID string) (publishStats, error) {
	var st publishStats
	what := "publish results of run " + runID
	recs, err := s.query(ctx, what, qPublishState, nil)
	if err != nil {
		return st, err
	}
	var current, publishing string
	if len(recs) > 0 {
		current, publishing = str(recs[0].Values[0]), str(recs[0].Values[1])
	}
	st.diff = current != "" && current != runID && (publishing == "" || publishing == runID)
	if err := s.write(ctx, what, func(tx neo4j.ManagedTransaction) error {
		_, err := runInTx(ctx, tx, qBeginPublish, map[string]any{"id": runID})
		return err
	}); err != nil {
		return st, err
	}
	var tally publishTally
	if err := s.sendPublished(ctx, what, runID, current, st.diff, &st, &tally); err != nil || !st.diff {
		return st, err
	}
	// The diff trusted that the entities carry the current run's values.
	// Check what it can check cheaply, every flag and the number of
	// entities of each verdict, and when the graph disagrees (edited by
	// hand, or written by an older ubo without the scoring lock) publish
	// every row again, which compares each entity on the server.
	ok, err := s.verifyPublished(ctx, what, &tally)
	if err != nil || ok {
		return st, err
	}
	st.repaired = true
	return st, s.sendPublished(ctx, what, runID, "", false, &st, &publishTally{})
}

// publishTally is what the entities must carry after a publish: the flagged
// ids in id order and the number of entities per verdict.
type publishTally struct {
	flagged []string
	counts  map[string]int64
}

func (t *publishTally) add(r *pubRow) {
	if t.counts == nil {
		t.counts = map[string]int64{}
	}
	t.counts[r.verdict]++
	if r.flagged {
		t.flagged = append(t.flagged, r.id)
	}
}

// verifyPublished reports whether the :Flagged entities are exactly
// tally.flagged and the entities' verdict properties count as tally.counts.
func (s *Store) verifyPublished(ctx context.Context, what string, tally *publishTally) (bool, error) {
	i, same := 0, true
	if err := s.stream(ctx, what+": verify flags", qFlaggedEntities, nil, func(row []any) error {
		if i >= len(tally.flagged) || tally.flagged[i] != str(row[0]) {
			same = false
			return errStopped
		}
		i++
		return nil
	}); err != nil && !errors.Is(err, errStopped) {
		return false, err
	}
	if !same || i != len(tally.flagged) {
		return false, nil
	}
	recs, err := s.query(ctx, what+": verify verdicts", qPublishedVerdicts, nil)
	if err != nil {
		return false, err
	}
	n := 0
	for _, r := range recs {
		c, _ := r.Values[1].(int64)
		if tally.counts[str(r.Values[0])] != c {
			return false, nil
		}
		n++
	}
	return n == len(tally.counts), nil
}

// sendPublished sends the run's rows to publishWriters concurrent
// transactions in batches of batchSize: with diff, only those differing
// from the current run's; else every row, compared on the server. Every row
// of the run goes through tally.
func (s *Store) sendPublished(ctx context.Context, what, runID, current string, diff bool, st *publishStats, tally *publishTally) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	setErr := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	write := func(cypher string, params map[string]any) error {
		return s.write(ctx, what, func(tx neo4j.ManagedTransaction) error {
			res, err := tx.Run(ctx, cypher, params)
			if err != nil {
				return err
			}
			sum, err := res.Consume(ctx)
			if err != nil {
				return err
			}
			c := sum.Counters()
			mu.Lock()
			st.propertiesSet += c.PropertiesSet()
			st.labelsAdded += c.LabelsAdded()
			st.labelsRemoved += c.LabelsRemoved()
			mu.Unlock()
			return nil
		})
	}
	batches := make(chan []any, publishWriters)
	for range publishWriters {
		wg.Go(func() {
			for rows := range batches {
				if err := write(qPublishResults, map[string]any{"rows": rows}); err != nil {
					setErr(err)
					for range batches {
					}
					return
				}
				faultpoint.Hit(faultpoint.PublishBatch)
			}
		})
	}
	// A faults build may shrink the batches, so that the fault tests'
	// small registry publishes in several.
	pubBatch := int64(faultpoint.Size(faultpoint.PublishBatch, int(batchSize)))
	rows := make([]any, 0, pubBatch)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		select {
		case batches <- rows:
		case <-ctx.Done():
			return ctx.Err()
		}
		rows = make([]any, 0, pubBatch)
		return nil
	}
	add := func(r *pubRow) error {
		st.rowsSent++
		rows = append(rows, []any{r.id, r.verdict, r.flagged, r.indet, r.shareMin, r.shareMax})
		if int64(len(rows)) == pubBatch {
			return flush()
		}
		return nil
	}
	var stale []string
	var err error
	if diff {
		stale, err = s.sendChanges(ctx, current, runID, tally, add)
	} else {
		stale, err = s.sendAll(ctx, runID, tally, add)
	}
	if err == nil {
		err = flush()
	}
	close(batches)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err != nil {
		return fail(ctx, what, err)
	}
	st.unflagged = len(stale)
	for start := 0; start < len(stale); start += int(batchSize) {
		part := stale[start:min(start+int(batchSize), len(stale))]
		if err := write(qUnflag, map[string]any{"ids": part}); err != nil {
			return err
		}
	}
	return nil
}

// sendChanges merges the current run's and the new run's published values
// by entity id, adds the rows of the new run that differ, and returns the
// entities the current run flagged that the new run did not score.
func (s *Store) sendChanges(ctx context.Context, currentRun, runID string, tally *publishTally, add func(*pubRow) error) ([]string, error) {
	prevNext, prevStop := s.pubRows(ctx, currentRun)
	defer prevStop()
	curNext, curStop := s.pubRows(ctx, runID)
	defer curStop()
	var stale []string
	prev, err := prevNext()
	if err != nil {
		return nil, err
	}
	for {
		cur, err := curNext()
		if err != nil {
			return nil, err
		}
		for prev != nil && (cur == nil || prev.id < cur.id) {
			if prev.flagged {
				stale = append(stale, prev.id)
			}
			if prev, err = prevNext(); err != nil {
				return nil, err
			}
		}
		if cur == nil {
			return stale, nil
		}
		tally.add(cur)
		if prev != nil && prev.id == cur.id {
			same := prev.samePublished(cur)
			if prev, err = prevNext(); err != nil {
				return nil, err
			}
			if same {
				continue
			}
		}
		if err := add(cur); err != nil {
			return nil, err
		}
	}
}

// sendAll adds every row of the run and returns the flagged entities
// without a result in it.
func (s *Store) sendAll(ctx context.Context, runID string, tally *publishTally, add func(*pubRow) error) ([]string, error) {
	stale := map[string]bool{}
	if err := s.stream(ctx, "flagged entities", qFlaggedEntities, nil, func(row []any) error {
		stale[str(row[0])] = true
		return nil
	}); err != nil {
		return nil, err
	}
	next, stop := s.pubRows(ctx, runID)
	defer stop()
	for {
		r, err := next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			break
		}
		delete(stale, r.id)
		tally.add(r)
		if err := add(r); err != nil {
			return nil, err
		}
	}
	ids := make([]string, 0, len(stale))
	for id := range stale {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}
