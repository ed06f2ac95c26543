package store

import (
	"context"

	"github.com/ubo-project/ubo/model"
)

// The roles of a store. Each consumer takes the one or two it uses
// (scoring: GraphReader and RunStore; ingest: GraphWriter; exports:
// GraphReader and RunReader; investigations: Lookup and RunReader), so
// what a package can do to a store reads from its signatures. Both stores implement every role; the interfaces that
// only one store has are in optional.go.

// GraphReader streams the whole graph, with constant memory; fn returning
// an error stops a stream.
type GraphReader interface {
	// EachEntity and EachRelationship stream everything, ordered by id.
	EachEntity(ctx context.Context, fn func(*model.Entity) error) error
	EachRelationship(ctx context.Context, fn func(*model.Relationship) error) error
	EntityProjector
	StoredOrderStreamer
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
// reads every property of every node on its own). Part of GraphReader.
type EntityProjector interface {
	EachEntityProjected(ctx context.Context, p Projection, fn func(*model.Entity) error) error
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

// StoredOrderStreamer streams the whole graph in the order the store keeps
// it, where that is cheaper than id order (scoring's builder takes entities
// and relationships in any order); a store whose cheapest order is id
// order streams in id order. Part of GraphReader.
type StoredOrderStreamer interface {
	EachEntityStored(ctx context.Context, p Projection, fn func(*model.Entity) error) error
	EachRelationshipStored(ctx context.Context, fn func(*model.Relationship) error) error
}

// GraphWriter writes the graph: upserts, merges, and the retirements of
// snapshots and deltas (Snapshotter, DeltaApplier in snapshot.go).
type GraphWriter interface {
	// UpsertEntities writes a batch. For an existing id, non-empty scalar
	// fields overwrite, list fields (nationality, lists, identifiers,
	// provenance, aliases, address countries) are unioned, and
	// Source:SourceRef joins Provenance, so writing the same batch twice
	// changes nothing. Lists are stored sorted and deduplicated; an alias
	// equal to the name is dropped. Ids that are aliases (see MergeEntities) are written
	// to the entity they were merged into, by the MergeEntities rule: the
	// canonical entity keeps its non-empty scalars (an unknown kind counts
	// as empty, state_owned is or-ed), the record fills the empty ones, list
	// fields are unioned, the record's name becomes an alias when it
	// differs from the canonical name, and Source:SourceRef joins
	// Provenance. So
	// re-ingesting a source whose records were merged away changes nothing:
	// ingest A, ingest B, merge B into A, re-ingest A and B is a fixed point
	// (unless A itself says kind unknown: on the canonical id the normal
	// rule applies). An entity first written without a kind is stored as
	// unknown.
	UpsertEntities(ctx context.Context, batch []model.Entity) error
	// UpsertRelationships writes a batch keyed by Relationship.ID. Holder
	// and held must exist (the caller writes entities first); alias ids are
	// written to the entity they were merged into.
	UpsertRelationships(ctx context.Context, batch []model.Relationship) error

	// MergeEntities folds each From into Into, in order (both resolved
	// through aliases first; a merge whose ends already resolve to one entity
	// is a no-op, so merging twice changes nothing). Into keeps its non-empty
	// scalars, From fills the empty ones, list fields are unioned and
	// From's name becomes an alias of Into when it differs from Into's; From's
	// relationships are re-pointed to Into (ids unchanged); From becomes an
	// alias of Into. An unknown From or Into wraps ErrNotFound.
	MergeEntities(ctx context.Context, merges []Merge) error
	// CanonicalIDs maps each given id that is an entity or an alias to the
	// id of the entity it resolves to; unknown ids are left out.
	CanonicalIDs(ctx context.Context, ids []string) (map[string]string, error)

	Snapshotter
	DeltaApplier
}

// Lookup answers questions about a few entities: by id, by identifier, by
// name, and the piece of graph around one.
type Lookup interface {
	// Entity returns one entity (following aliases) or ErrNotFound.
	Entity(ctx context.Context, id string) (model.Entity, error)
	// EntitiesByIdentifier finds entities carrying "SCHEME:value" exactly.
	EntitiesByIdentifier(ctx context.Context, identifier string) ([]model.Entity, error)
	// SearchNames ranks entities one of whose names (the name or an alias,
	// under any of names.SearchForms) matches text (case-, accent-,
	// punctuation-insensitive, word order tolerant), best first: a search
	// form equal to the folded text first.
	SearchNames(ctx context.Context, text string, limit int) ([]model.Entity, error)
	// NameCandidates returns up to limit entities whose index tokens
	// (names.IndexTokens of the name and aliases, computed when the entity
	// is written) include any of tokens, best first by BM25 over the
	// tokens they match (a rare token weighs far more than a common one),
	// ties by id. It reads an index, never every entity: a token shared by
	// very many entities only ranks the entities rarer tokens found when
	// there are any (see each store for its bound), and when those are no
	// more than limit, all are returned in the order of the rarer tokens
	// alone. Unknown tokens match nothing. The entities may carry only what matching reads: ID, Name,
	// Kind, Aliases and the countries (Jurisdiction, HQCountry,
	// AddressCountries, Nationality, Residence).
	NameCandidates(ctx context.Context, tokens []string, limit int) ([]model.Entity, error)
	// Neighbourhood returns the entities within depth hops of id in the given
	// direction, keeping at most perNode links of any one entity (the first
	// by relationship id; perNode <= 0: no limit). Both is the union of the
	// Up and the Down walk, not a zig-zag. Unknown id: ErrNotFound.
	Neighbourhood(ctx context.Context, id string, dir Direction, depth, perNode int) (Subgraph, error)
}

// RunStore keeps scoring runs and their results: RunReader, and the
// writing of runs.
type RunStore interface {
	RunReader
	// LockRuns takes the store's scoring lock for holder, or returns a
	// *LockedError naming the process holding it: two runs never publish
	// at once. The lock of a process that died is released (embedded: the
	// file lock dies with the process; Neo4j: the lock expires when its
	// heartbeat stops). The returned context is ctx, cancelled with cause
	// ErrLockLost if the lock is lost while held; unlock releases it.
	LockRuns(ctx context.Context, holder LockHolder) (locked context.Context, unlock func() error, err error)

	// BeginRun records a run as running. WriteResults stores a batch of
	// results under that run. FinishRun marks it complete (or failed) and,
	// when complete, makes its results the current ones (Neo4j: properties
	// and the :Flagged label on entities). A run never finished is never
	// the latest complete run, and the previous results stay readable.
	BeginRun(ctx context.Context, run model.Run) error
	WriteResults(ctx context.Context, runID string, batch []model.Result) error
	FinishRun(ctx context.Context, run model.Run) error
	// WriteConcurrency is how many WriteResults calls the store serves at
	// once to advantage, what a run writes with unless told otherwise:
	// Neo4j's server takes concurrent transactions, SQLite serialises
	// writers anyway.
	WriteConcurrency() int
	// PruneRuns deletes the results of the complete runs that
	// PrunePlan(Runs(), keep) says go and marks their records pruned
	// (status model.RunPruned; records stay listed; a pruned run whose
	// results a kept run's changes are stored against keeps them), and
	// deletes whatever results failed and interrupted runs still hold. It returns the ids of the runs it
	// pruned. FinishRun of a complete run prunes with DefaultKeepRuns.
	PruneRuns(ctx context.Context, keep int) ([]string, error)
}

// RunReader reads runs and their results: what exports, investigations
// and screening read of a run. Part of RunStore.
type RunReader interface {
	// Runs lists runs, newest first.
	Runs(ctx context.Context) ([]model.Run, error)
	// EachResult streams a run's results ordered by entity id. The
	// streamers below give the same stream with fewer fields of each
	// result, which is cheaper to read.
	EachResult(ctx context.Context, runID string, fn func(*model.Result) error) error
	ResultSummaryStreamer
	VerdictStreamer
	FlaggedStreamer
	// Result returns one entity's result in a run or ErrNotFound.
	Result(ctx context.Context, runID, entityID string) (model.Result, error)
	// RunResults returns a reader for many lookups of one run's results
	// (screening), cheaper per lookup than Result where a store keeps
	// results in chunks.
	RunResults(runID string) ResultReader
}

// ResultSummaryStreamer is EachResult leaving out each result's
// Explanation and its evidence's Hops (both empty), which JSON Lines and
// CSV exports do not hold and which are most of the cost of decoding a
// result. Part of RunStore.
type ResultSummaryStreamer interface {
	EachResultSummary(ctx context.Context, runID string, fn func(*model.Result) error) error
}

// VerdictStreamer streams only the verdict and flag of each result of a
// run, ordered by entity id: what diffs and newly flagged/cleared counts
// need, without decoding evidence. fn returning an error stops the stream.
// An unknown run streams nothing, like EachResult. Part of RunStore.
type VerdictStreamer interface {
	EachVerdict(ctx context.Context, runID string, fn func(entityID string, verdict model.Verdict, flagged bool) error) error
}

// FlaggedStreamer streams, ordered by id, only the ids a run flagged: the
// previous run's flags without a row per entity it did not flag. An
// unknown run streams nothing. Part of RunStore.
type FlaggedStreamer interface {
	EachFlagged(ctx context.Context, runID string, fn func(entityID string) error) error
}
