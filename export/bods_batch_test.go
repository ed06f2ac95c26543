package export_test

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/scoring/scoringtest"
	"github.com/ubo-project/ubo/store"
)

// countingStore counts the per-entity and the batched holder reads.
type countingStore struct {
	store.Store
	neighbourhoods, holders *atomic.Int64
}

func (c countingStore) Neighbourhood(ctx context.Context, id string, dir store.Direction, depth, perNode int) (store.Subgraph, error) {
	c.neighbourhoods.Add(1)
	return c.Store.Neighbourhood(ctx, id, dir, depth, perNode)
}

// batchedStore is countingStore with the store's HolderReader.
type batchedStore struct{ countingStore }

func (b batchedStore) Holders(ctx context.Context, ids []string) (store.Subgraph, error) {
	b.holders.Add(1)
	return b.Store.(store.HolderReader).Holders(ctx, ids)
}

// chainedGroups loads groups of chains under shared parents, every group
// held by a Chinese root through a 60% stake, with cross-holdings between
// neighbouring groups and a cycle, so that exported entities sit above one
// another across batch boundaries.
func chainedGroups(t *testing.T, st store.Store, groups int) {
	t.Helper()
	ctx := context.Background()
	var es []model.Entity
	var rs []model.Relationship
	company := func(id, jur string) model.Entity {
		return model.Entity{ID: id, Name: "Company " + id, Kind: model.Company, Jurisdiction: jur, Source: "test", SourceRef: id}
	}
	for g := range groups {
		root := fmt.Sprintf("g%03d-root", g)
		es = append(es, company(root, "CN"))
		prev := root
		for d := range 6 {
			id := fmt.Sprintf("g%03d-%d", g, d)
			es = append(es, company(id, "GB"))
			rs = append(rs, scoringtest.Rel(prev, id, model.Ownership, model.Exact(60)))
			prev = id
		}
		if g > 0 {
			rs = append(rs, scoringtest.Rel(fmt.Sprintf("g%03d-2", g-1), fmt.Sprintf("g%03d-4", g), model.Ownership, model.Exact(30)))
		}
		rs = append(rs, scoringtest.Rel(fmt.Sprintf("g%03d-5", g), fmt.Sprintf("g%03d-3", g), model.Ownership, model.Exact(5)))
		person := fmt.Sprintf("g%03d-person", g)
		es = append(es, model.Entity{ID: person, Name: "Person " + person, Kind: model.Person, Nationality: []string{"GB"}, Source: "test", SourceRef: person})
		rs = append(rs, scoringtest.Rel(person, fmt.Sprintf("g%03d-1", g), model.Officer, model.Share{}))
	}
	if err := st.UpsertEntities(ctx, es); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertRelationships(ctx, rs); err != nil {
		t.Fatal(err)
	}
}

// TestBODSBatchedHolders exports more entities than one batch through the
// store's batched holder reads and through one Neighbourhood per entity:
// the same bytes, and the batched export reads no entity on its own.
func TestBODSBatchedHolders(t *testing.T) {
	st := openEmbedded(t)
	chainedGroups(t, st, 200) // 1,800 entities, more than 3 batches when all are exported
	run := scoringtest.Score(t, st, scoringtest.Clock()).Run
	for name, f := range map[string]export.Filter{"flagged": {}, "all": {All: true}} {
		opts := export.Options{Format: export.BODS, Run: run, Filter: f}
		perEntity := countingStore{Store: storeOnly{st}, neighbourhoods: new(atomic.Int64), holders: new(atomic.Int64)}
		batched := batchedStore{countingStore{Store: st, neighbourhoods: new(atomic.Int64), holders: new(atomic.Int64)}}
		var plain, fast bytes.Buffer
		np, err := export.Write(context.Background(), perEntity, &plain, opts)
		if err != nil {
			t.Fatal(err)
		}
		nf, err := export.Write(context.Background(), batched, &fast, opts)
		if err != nil {
			t.Fatal(err)
		}
		if np != nf || !bytes.Equal(plain.Bytes(), fast.Bytes()) {
			t.Errorf("%s: %d records one entity at a time, %d batched, or the bytes differ", name, np, nf)
		}
		if np < 1000 {
			t.Errorf("%s: only %d records exported: the test needs several batches", name, np)
		}
		if got := perEntity.neighbourhoods.Load(); got < int64(np) {
			t.Errorf("%s: %d Neighbourhood calls one entity at a time for %d records: the comparison is not what it claims", name, got, np)
		}
		if got := batched.neighbourhoods.Load(); got != 0 {
			t.Errorf("%s: batched export still made %d Neighbourhood calls", name, got)
		}
		// Per batch of 512 exported entities, one call per level of depth
		// (the chains are 7 deep, cross-holdings add a level or two).
		if got, most := batched.holders.Load(), int64((np/512+1)*12); got == 0 || got > most {
			t.Errorf("%s: %d Holders calls for %d records, want 1..%d", name, got, np, most)
		}
	}
}
