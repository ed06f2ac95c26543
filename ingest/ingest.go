// Package ingest is the framework every source parser writes through: a
// parser turns input files into a stream of common records (model.Entity,
// model.Relationship) and rejects, and sends them to a Sink. The Writer is
// the Sink that batches them into a store.GraphWriter, writes rejects to a CSV
// file and counts.
package ingest

import (
	"context"
	"fmt"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Reject is one input record that was not written, and why.
type Reject struct {
	File   string // input file path as given (for zip members: "bundle.zip!member.csv")
	Line   int    // 1-based line where the record starts (record number where lines do not apply)
	Field  string // the offending field/column/element, "" if the whole record
	Reason string
}

// String renders the reject the way error messages name positions:
// `file.csv: line 12: field "share": not a number`.
func (r Reject) String() string {
	s := fmt.Sprintf("%s: line %d", r.File, r.Line)
	if r.Field != "" {
		s += fmt.Sprintf(": field %q", r.Field)
	}
	return s + ": " + r.Reason
}

// Sink receives the common records a parser produces. A parser must emit
// both endpoints of a relationship as entities before the relationship
// (a stub with ID and Kind is enough: the store merges).
type Sink interface {
	Entity(e model.Entity) error
	Relationship(r model.Relationship) error
	Reject(r Reject) error
}

// Stats counts what happened during one ingest.
type Stats struct {
	Read int // input records read (parsers report them with CountRead)
	// Entities counts entity records written, each placeholder a parser
	// writes for a relationship end included: the same entity written
	// five times counts five. Distinct says what those writes did to
	// distinct entities.
	Entities      int
	Relationships int // relationship records written
	Rejected      int // records rejected
	Ambiguous     int // records kept apart from one they could be taken for (see AmbiguityReporter)
	// Skipped counts input records read and deliberately left out of the
	// graph (an FtM Payment or Address, which says nothing of ownership),
	// SkippedBy the same by what was skipped ("Address"): for a parser
	// that reports them every record read is written, rejected or skipped.
	Skipped   int
	SkippedBy map[string]int
	// Distinct counts the distinct entities the ingest wrote (by the id
	// they are stored under), each once: new, updated or unchanged;
	// DistinctKnown is false when the store does not say
	// (store.CountingUpserter).
	Distinct      EntityCounts
	DistinctKnown bool
}

// EntityCounts classifies the distinct entities an ingest wrote: New ones
// it created, Updated ones that existed and it changed, Unchanged ones
// that existed and that it wrote exactly as they were (a re-ingest).
type EntityCounts struct {
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// SkipCounter is implemented by sinks that count records left out of the
// graph on purpose (the Writer does).
type SkipCounter interface {
	CountSkipped(what string, n int)
}

// CountSkipped reports n input records of kind what ("Address", "DEL of
// an id not in the store") left out on purpose, to sink when it counts
// them. Such a record is neither written nor rejected.
func CountSkipped(sink Sink, what string, n int) {
	if c, ok := sink.(SkipCounter); ok {
		c.CountSkipped(what, n)
	}
}

// ReadCounter is implemented by sinks that count input records (the
// Writer does). Parsers call CountRead through it so that fakes need not.
type ReadCounter interface {
	CountRead(n int)
}

// CountRead reports n records read to sink when it counts them.
func CountRead(sink Sink, n int) {
	if c, ok := sink.(ReadCounter); ok {
		c.CountRead(n)
	}
}

// AmbiguityReporter is implemented by sinks that collect ambiguities (the
// Writer does): records that were kept, not rejected, but apart from
// another record they could be taken for — a PSC id that names both an
// individual and a corporate owner, say — so that a person is never
// folded into a company. The CLI reports them with resolution's.
type AmbiguityReporter interface {
	Ambiguous(r Reject)
}

// ReportAmbiguous passes r to sink when it collects ambiguities and says
// whether it did, so a parser can log the ones nobody collects.
func ReportAmbiguous(sink Sink, r Reject) bool {
	a, ok := sink.(AmbiguityReporter)
	if ok {
		a.Ambiguous(r)
	}
	return ok
}

// DeltaReporter is implemented by sinks that apply a delta file's
// deletions (the Writer does): a parser reports, after writing the
// record, each entity record a delta added, replaced or deleted, and the
// caller applies them once the whole file was written
// (store.DeltaApplier).
type DeltaReporter interface {
	Delta(c store.RecordChange)
}

// ReportDelta passes c to sink when it applies deltas.
func ReportDelta(sink Sink, c store.RecordChange) {
	if d, ok := sink.(DeltaReporter); ok {
		d.Delta(c)
	}
}

// StoredRelationships is implemented by sinks that can read what earlier
// ingests stored (the Writer does). A parser of versioned records (BODS
// 0.4 recordId + recordStatus) uses it to end what an earlier run's
// version of a record asserted and the version read now no longer does,
// as it does for versions within one run.
type StoredRelationships interface {
	// RelationshipsHeld returns the stored relationships whose held
	// entity is held (an alias resolves to its entity); none when held is
	// unknown.
	RelationshipsHeld(ctx context.Context, held string) ([]model.Relationship, error)
}
