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

// RecordRelationships is a store that finds the relationships a source
// record asserted (both stores): what a delta that deletes an edge record
// by its id alone must end.
type RecordRelationships interface {
	// RelationshipsOfRecords returns source's relationships whose
	// SourceRef is one of refs, by id, with their ends as stored. It relies
	// on model.RelationshipID starting with source|sourceRef|.
	RelationshipsOfRecords(ctx context.Context, source string, refs []string) ([]model.Relationship, error)
}

// RecordIDPrefix is how the ids of the relationships source's record ref
// asserted begin (model.RelationshipID); the next prefix in byte order
// ends their range.
func RecordIDPrefix(source, ref string) (prefix, next string) {
	return source + "|" + ref + "|", source + "|" + ref + "}" // '}' follows '|'
}
