package store

import (
	"context"

	"github.com/ubo-project/ubo/internal/progress"
)

// Optional abilities: what only one of the stores has, or a fast path a
// caller type-asserts and falls back from. What both stores do is in a
// role (roles.go).

// Repacker is a store that keeps derived copies of what it holds (Neo4j's
// packed copies of each entity's and relationship's fields, which the
// whole-graph streams read) and can rebuild them from the data, for data
// edited outside ubo.
type Repacker interface {
	Repack(ctx context.Context, reporter progress.Reporter) (RepackStats, error)
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

// HolderReader reads, for many entities at once, what lies one level above
// each: every relationship whose held end is one of ids (every kind, ended
// ones too) and the holders of those relationships with every field. It is
// the Up neighbourhood of depth 1 of each id, without a store call per id
// (a BODS export reads it for every entity above each exported one).
// Relationships and Entities come sorted by id; Entities holds only the
// holders; unknown ids contribute nothing.
type HolderReader interface {
	Holders(ctx context.Context, ids []string) (Subgraph, error)
}
