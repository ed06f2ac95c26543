package ingest

import (
	"context"
	"hash/maphash"
	"maps"

	"github.com/ubo-project/ubo/store"
)

// distinctEntities classifies each entity an ingest wrote once, however
// many records wrote it (a parent named by a thousand relationships): new
// when the first write created it, else updated when any write changed
// it, else unchanged. It keeps a 64-bit hash of each id and what was
// seen, about 16-30 bytes per distinct entity; two ids sharing a hash
// (odds about 10⁻⁵ for 10⁷ entities) would count as one.
type distinctEntities struct {
	seed   maphash.Seed
	seen   map[uint64]store.UpsertEffect
	counts EntityCounts
}

func newDistinctEntities() distinctEntities {
	return distinctEntities{seed: maphash.MakeSeed(), seen: map[uint64]store.UpsertEffect{}}
}

// add counts what one upsert did.
func (d *distinctEntities) add(touched []store.EntityTouch) {
	for _, t := range touched {
		h := maphash.String(d.seed, t.ID)
		was, ok := d.seen[h]
		switch {
		case !ok:
			d.seen[h] = t.Effect
			switch t.Effect {
			case store.Created:
				d.counts.New++
			case store.Changed:
				d.counts.Updated++
			default:
				d.counts.Unchanged++
			}
		case was == store.Unchanged && t.Effect == store.Changed:
			d.seen[h] = store.Changed
			d.counts.Unchanged--
			d.counts.Updated++
		}
	}
}

// upsertEntities writes the queued entities and counts what the write did
// to distinct entities, where the store says (store.CountingUpserter).
func (w *Writer) upsertEntities(ctx context.Context) error {
	cu, ok := w.st.(store.CountingUpserter)
	if !ok {
		w.distinctUnknown = true
		return w.st.UpsertEntities(ctx, w.entities)
	}
	touched, err := cu.UpsertEntitiesCounted(ctx, w.entities)
	if err != nil {
		return err
	}
	w.distinct.add(touched)
	return nil
}

// CountSkipped records n records of kind what left out on purpose
// (ingest.SkipCounter).
func (w *Writer) CountSkipped(what string, n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stats.Skipped += n
	if w.stats.SkippedBy == nil {
		w.stats.SkippedBy = map[string]int{}
	}
	w.stats.SkippedBy[what] += n
}

// counts returns the counts so far (w.mu held).
func (w *Writer) counts() Stats {
	st := w.stats
	st.Distinct = w.distinct.counts
	st.DistinctKnown = !w.distinctUnknown
	if st.SkippedBy != nil {
		st.SkippedBy = maps.Clone(st.SkippedBy)
	}
	return st
}
