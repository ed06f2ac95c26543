// Package store defines the contract both stores implement — Neo4j
// (package queries) and the embedded SQLite file (package store/embedded):
// small role interfaces (roles.go) that consumers take one or two of, and
// Store, which embeds them all.
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

// Store is the persistence contract shared by Neo4j and the embedded store:
// the four roles a consumer takes one or two of (GraphReader, GraphWriter,
// Lookup, RunStore) and the administration of the store itself. Every
// method is safe to call with a cancelled context (it returns ctx.Err()).
type Store interface {
	// Backend is "neo4j" or "embedded", for messages and status; callers
	// ask a role's own methods (WriteConcurrency) rather than branch on it.
	Backend() string
	// Init creates the schema (constraints, indexes); idempotent.
	Init(ctx context.Context) error
	Close(ctx context.Context) error
	Status(ctx context.Context) (Status, error)
	// Reset deletes all ubo data (in batches on large stores).
	Reset(ctx context.Context) error

	GraphReader
	GraphWriter
	Lookup
	RunStore
}

// ResultReader looks up results of one run, many times: what screening a
// customer list does. Its results carry at least the verdict, flag,
// indeterminate, Chinese share and explanation; a reader may leave out the
// evidence, controllers and votes. ErrNotFound when the run has no result
// for the entity. Safe for concurrent use.
type ResultReader interface {
	Result(ctx context.Context, entityID string) (model.Result, error)
}
