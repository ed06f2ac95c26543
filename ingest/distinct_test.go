package ingest

import (
	"strconv"
	"testing"

	"github.com/ubo-project/ubo/store"
)

// Each distinct entity counts once over the batches of an ingest: new when
// its first write created it (whatever later batches do), updated when it
// existed and any batch changed it, else unchanged.
func TestDistinctEntitiesAcrossBatches(t *testing.T) {
	touch := func(id string, e store.UpsertEffect) store.EntityTouch { return store.EntityTouch{ID: id, Effect: e} }
	tests := []struct {
		name    string
		batches [][]store.EntityTouch
		want    EntityCounts
	}{
		{"a parent in every batch", [][]store.EntityTouch{
			{touch("p", store.Created), touch("c1", store.Created)},
			{touch("p", store.Unchanged), touch("c2", store.Created)},
			{touch("p", store.Changed), touch("c3", store.Created)},
		}, EntityCounts{New: 4}},
		{"unchanged, then changed", [][]store.EntityTouch{
			{touch("x", store.Unchanged), touch("y", store.Unchanged)},
			{touch("x", store.Changed), touch("y", store.Unchanged)},
			{touch("x", store.Unchanged)},
		}, EntityCounts{Updated: 1, Unchanged: 1}},
		{"changed, then unchanged", [][]store.EntityTouch{
			{touch("x", store.Changed)},
			{touch("x", store.Unchanged)},
		}, EntityCounts{Updated: 1}},
		{"a re-ingest", [][]store.EntityTouch{
			{touch("a", store.Unchanged), touch("b", store.Unchanged)},
			{touch("a", store.Unchanged)},
		}, EntityCounts{Unchanged: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDistinctEntities()
			for _, b := range tt.batches {
				d.add(b)
			}
			if d.counts != tt.want {
				t.Errorf("counts %+v, want %+v", d.counts, tt.want)
			}
		})
	}
}

// The table grows past its first size and still finds every entity.
func TestDistinctEntitiesGrow(t *testing.T) {
	d := newDistinctEntities()
	var first, again []store.EntityTouch
	for i := range 10_000 {
		id := "lei:" + strconv.Itoa(i)
		first = append(first, store.EntityTouch{ID: id, Effect: store.Unchanged})
		if i%2 == 0 {
			again = append(again, store.EntityTouch{ID: id, Effect: store.Changed})
		}
	}
	d.add(first)
	d.add(again)
	d.add(first)
	if want := (EntityCounts{Updated: 5000, Unchanged: 5000}); d.counts != want {
		t.Errorf("counts %+v, want %+v", d.counts, want)
	}
}
