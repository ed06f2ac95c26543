package store

import (
	"context"

	"github.com/ubo-project/ubo/internal/progress"
	"github.com/ubo-project/ubo/model"
)

// Optional fast paths. A store may implement any of these interfaces next to
// Store; callers type-assert and fall back to the Store methods when it does
// not, so the results are the same either way.

// VerdictStreamer streams only the verdict and flag of each result of a
// run, ordered by entity id: what diffs and newly flagged/cleared counts
// need, without decoding evidence. fn returning an error stops the stream.
// An unknown run streams nothing, like EachResult.
type VerdictStreamer interface {
	EachVerdict(ctx context.Context, runID string, fn func(entityID string, verdict model.Verdict, flagged bool) error) error
}

// Projection names the entity fields a stream must fill; a store may leave
// the other fields empty.
type Projection int

const (
	// ProjectAll fills every field, as EachEntity does.
	ProjectAll Projection = iota
	// ProjectScoring fills what scoring reads: ID, Name, Kind,
	// Jurisdiction, HQCountry, Nationality, Residence, StateOwned, Lists.
	ProjectScoring
	// ProjectSummary fills ID, Name, Kind and Aliases (the JSON Lines and
	// CSV exports).
	ProjectSummary
)

// EntityProjector streams entities in id order with only the fields of a
// projection: cheaper where a store reads each field separately (Neo4j
// reads every property of every node on its own).
type EntityProjector interface {
	EachEntityProjected(ctx context.Context, p Projection, fn func(*model.Entity) error) error
}

// EachEntityProjected streams st's entities with at least the fields of p:
// through EntityProjector when st has it, else with EachEntity.
func EachEntityProjected(ctx context.Context, st Store, p Projection, fn func(*model.Entity) error) error {
	if ep, ok := st.(EntityProjector); ok && p != ProjectAll {
		return ep.EachEntityProjected(ctx, p, fn)
	}
	return st.EachEntity(ctx, fn)
}

// Project returns e with only the fields of p (what EachEntityProjected may
// give for e).
func Project(e model.Entity, p Projection) model.Entity {
	switch p {
	case ProjectScoring:
		return model.Entity{ID: e.ID, Name: e.Name, Kind: e.Kind, Jurisdiction: e.Jurisdiction,
			HQCountry: e.HQCountry, Nationality: e.Nationality, Residence: e.Residence,
			StateOwned: e.StateOwned, Lists: e.Lists}
	case ProjectSummary:
		return model.Entity{ID: e.ID, Name: e.Name, Kind: e.Kind, Aliases: e.Aliases}
	}
	return e
}

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

// StoredOrderStreamer streams the whole graph in the order the store keeps
// it, where that is cheaper than id order (scoring's builder takes entities
// and relationships in any order).
type StoredOrderStreamer interface {
	EachEntityStored(ctx context.Context, p Projection, fn func(*model.Entity) error) error
	EachRelationshipStored(ctx context.Context, fn func(*model.Relationship) error) error
}

// FlaggedStreamer streams, ordered by id, only the ids a run flagged: the
// previous run's flags without a row per entity it did not flag.
type FlaggedStreamer interface {
	EachFlagged(ctx context.Context, runID string, fn func(entityID string) error) error
}

// ResultSummaryStreamer is EachResult leaving out each result's
// Explanation and its evidence's Hops (both empty), which JSON Lines and
// CSV exports do not hold and which are most of the cost of decoding a
// result.
type ResultSummaryStreamer interface {
	EachResultSummary(ctx context.Context, runID string, fn func(*model.Result) error) error
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
