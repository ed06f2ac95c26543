// Package store defines the small interface both stores implement — Neo4j
// (package queries) and the embedded SQLite file (package store/embedded) —
// and opens the right one for a --db value.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/ubo-project/ubo/model"
)

// ErrNotFound is returned by lookups of an id that is not in the store.
var ErrNotFound = errors.New("not found")

// ErrUnreachable wraps every failure to connect to a store (exit code 3).
var ErrUnreachable = errors.New("store unreachable")

// ErrNoStore is returned when opening a store that does not exist for a
// command that only reads it (a mistyped --db path); it matches
// ErrUnreachable.
var ErrNoStore = fmt.Errorf("%w: no such store (check --db or UBO_DB; 'ubo ingest' or 'ubo db init' creates one)", ErrUnreachable)

// Direction selects which way Neighbourhood walks from its start entity.
type Direction int

const (
	Up   Direction = 1 << iota // towards holders (owners, controllers)
	Down                       // towards held entities (subsidiaries)
	Both = Up | Down
)

// Merge folds entity From into entity Into.
type Merge struct {
	From string `json:"from"`
	Into string `json:"into"`
}

// Subgraph is a bounded piece of the graph around an entity.
type Subgraph struct {
	Entities      []model.Entity       // sorted by id
	Relationships []model.Relationship // sorted by id
	Truncated     map[string]int       // entity id → links left out by the per-node limit
}

// Status is what `ubo db status` prints.
type Status struct {
	Backend       string         `json:"backend"` // "neo4j" or "embedded"
	Location      string         `json:"location"`
	ServerVersion string         `json:"server_version"`
	Entities      map[string]int `json:"entities"`      // by kind
	Relationships map[string]int `json:"relationships"` // by kind
	Runs          int            `json:"runs"`
	// Check is "ok" after db status --check found the store's files intact.
	Check string `json:"check,omitempty"`
}

// Store is the persistence contract shared by Neo4j and the embedded store.
// Every method is safe to call with a cancelled context (it returns ctx.Err()).
type Store interface {
	// Backend is "neo4j" or "embedded".
	Backend() string
	// Init creates the schema (constraints, indexes); idempotent.
	Init(ctx context.Context) error
	Close(ctx context.Context) error

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

	// EachEntity and EachRelationship stream everything, ordered by id,
	// with constant memory; fn returning an error stops the stream.
	EachEntity(ctx context.Context, fn func(*model.Entity) error) error
	EachRelationship(ctx context.Context, fn func(*model.Relationship) error) error

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

	Status(ctx context.Context) (Status, error)
	// Reset deletes all ubo data (in batches on large stores).
	Reset(ctx context.Context) error

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
	// PruneRuns deletes the results of the complete runs that
	// RunsToPrune(Runs(), keep) names and marks their records pruned
	// (status model.RunPruned; records stay listed), and deletes whatever
	// results failed and interrupted runs still hold. It returns the ids of the runs it
	// pruned. FinishRun of a complete run prunes with DefaultKeepRuns.
	PruneRuns(ctx context.Context, keep int) ([]string, error)
	// Runs lists runs, newest first.
	Runs(ctx context.Context) ([]model.Run, error)
	// EachResult streams a run's results ordered by entity id.
	EachResult(ctx context.Context, runID string, fn func(*model.Result) error) error
	// Result returns one entity's result in a run or ErrNotFound.
	Result(ctx context.Context, runID, entityID string) (model.Result, error)
	// RunResults returns a reader for many lookups of one run's results
	// (screening), cheaper per lookup than Result where a store keeps
	// results in chunks.
	RunResults(runID string) ResultReader
}

// ResultReader looks up results of one run, many times: what screening a
// customer list does. Its results carry at least the verdict, flag,
// indeterminate, Chinese share and explanation; a reader may leave out the
// evidence, controllers and votes. ErrNotFound when the run has no result
// for the entity. Safe for concurrent use.
type ResultReader interface {
	Result(ctx context.Context, entityID string) (model.Result, error)
}
