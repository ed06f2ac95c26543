package store

import "context"

// Optional abilities: what only one of the stores has. A caller
// type-asserts and says plainly when the store lacks it. What both stores
// do is in a role (roles.go).

// Repacker is a store that keeps derived copies of what it holds (Neo4j's
// packed copies of each entity's and relationship's fields, which the
// whole-graph streams read) and can rebuild them from the data, for data
// edited outside ubo.
type Repacker interface {
	Repack(ctx context.Context, progress func(read int)) (RepackStats, error)
}

// RepackStats counts what a Repack read and how many copies it rewrote
// (missing or stale).
type RepackStats struct {
	Entities             int `json:"entities"`
	EntitiesWritten      int `json:"entities_written"`
	Relationships        int `json:"relationships"`
	RelationshipsWritten int `json:"relationships_written"`
}

// Checker verifies a store's own files (the embedded store's pages); an
// error means the store is damaged. Neo4j checks its store itself
// (neo4j-admin database check), so only the embedded store has it.
type Checker interface {
	Check(ctx context.Context) error
}
