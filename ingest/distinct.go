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
// it, else unchanged. It keeps one 64-bit word per distinct entity (11-21
// bytes an entity with the table's free slots): a hash of the id with
// what was seen in the low two bits. Two ids sharing the other 62 bits
// (odds about 10⁻⁵ for 10⁷ entities) would count as one.
type distinctEntities struct {
	seed   maphash.Seed
	slots  []uint64 // open addressing, linear probing; 0: free
	used   int
	counts EntityCounts
}

func newDistinctEntities() distinctEntities {
	return distinctEntities{seed: maphash.MakeSeed(), slots: make([]uint64, 1024)}
}

// slot returns the index of the slot holding hash h (its high 62 bits),
// else of the free slot where it goes.
func (d *distinctEntities) slot(h uint64) int {
	mask := len(d.slots) - 1
	for i := int(h>>2) & mask; ; i = (i + 1) & mask {
		if v := d.slots[i]; v == 0 || v&^3 == h&^3 {
			return i
		}
	}
}

// grow doubles the table once it is three quarters full.
func (d *distinctEntities) grow() {
	if d.used*4 < len(d.slots)*3 {
		return
	}
	old := d.slots
	d.slots = make([]uint64, 2*len(old))
	for _, v := range old {
		if v != 0 {
			d.slots[d.slot(v)] = v
		}
	}
}

// add counts what one upsert did.
func (d *distinctEntities) add(touched []store.EntityTouch) {
	for _, t := range touched {
		h := maphash.String(d.seed, t.ID)
		i := d.slot(h)
		was := store.UpsertEffect(d.slots[i] & 3)
		switch {
		case was == 0:
			d.slots[i] = h&^3 | uint64(t.Effect)
			d.used++
			d.grow()
			switch t.Effect {
			case store.Created:
				d.counts.New++
			case store.Changed:
				d.counts.Updated++
			default:
				d.counts.Unchanged++
			}
		case was == store.Unchanged && t.Effect == store.Changed:
			d.slots[i] = h&^3 | uint64(store.Changed)
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
