package store

import (
	"context"

	"github.com/ubo-project/ubo/model"
)

// UpsertEffect is what an entity upsert did to one stored entity (1-3:
// two bits, which ingest's distinct count relies on).
type UpsertEffect uint8

const (
	// Unchanged: the entity existed and the batch left it as it was.
	Unchanged UpsertEffect = iota + 1
	// Changed: the entity existed and the batch changed it.
	Changed
	// Created: the batch created the entity.
	Created
)

// EntityTouch is one stored entity an upsert batch wrote: the id it is
// stored under (an alias written resolves to its canonical entity) and
// what the batch did to it.
type EntityTouch struct {
	ID     string
	Effect UpsertEffect
}

// CountingUpserter is a store whose entity upsert says what it did (both
// stores): UpsertEntitiesCounted is UpsertEntities returning each stored
// entity the batch touched once, in the order the batch first touched
// it. A store that writes a batch in parts may list an entity once per
// part (Created in the first, Changed or Unchanged in a later one).
type CountingUpserter interface {
	UpsertEntitiesCounted(ctx context.Context, batch []model.Entity) ([]EntityTouch, error)
}
