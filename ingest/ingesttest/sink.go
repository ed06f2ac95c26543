// Package ingesttest holds test helpers shared by the ingest parsers' tests.
package ingesttest

import (
	"context"
	"slices"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Sink is an in-memory ingest.Sink with the store's merge semantics:
// non-empty entity scalars overwrite, lists union; relationships are keyed
// by id and must find both endpoints already written (Dangling lists those
// that did not).
type Sink struct {
	Entities map[string]model.Entity
	Rels     map[string]model.Relationship
	Rejects  []ingest.Reject
	Order    []string       // relationship ids in write order
	Dangling []string       // relationships written before an endpoint, once per missing end
	Written  int            // entity writes
	Skipped  map[string]int // records left out on purpose, by what (ingest.CountSkipped)
	Deltas   []store.RecordChange
}

var _ ingest.Sink = (*Sink)(nil)

// NewSink returns an empty Sink.
func NewSink() *Sink {
	return &Sink{Entities: map[string]model.Entity{}, Rels: map[string]model.Relationship{}, Skipped: map[string]int{}}
}

// Entity implements ingest.Sink.
func (m *Sink) Entity(e model.Entity) error {
	m.Written++
	old, ok := m.Entities[e.ID]
	if !ok {
		e.Normalize()
		m.Entities[e.ID] = e
		return nil
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&old.Name, e.Name)
	set((*string)(&old.Kind), string(e.Kind))
	set(&old.Jurisdiction, e.Jurisdiction)
	set(&old.HQCountry, e.HQCountry)
	set(&old.Residence, e.Residence)
	set(&old.SourceRef, e.SourceRef)
	old.StateOwned = old.StateOwned || e.StateOwned
	old.Nationality = append(old.Nationality, e.Nationality...)
	old.Lists = append(old.Lists, e.Lists...)
	old.Identifiers = append(old.Identifiers, e.Identifiers...)
	old.Aliases = append(old.Aliases, e.Aliases...)
	old.AddressCountries = append(old.AddressCountries, e.AddressCountries...)
	old.Normalize()
	m.Entities[e.ID] = old
	return nil
}

// Relationship implements ingest.Sink.
func (m *Sink) Relationship(r model.Relationship) error {
	if _, ok := m.Entities[r.HolderID]; !ok {
		m.Dangling = append(m.Dangling, r.ID)
	}
	if _, ok := m.Entities[r.HeldID]; !ok {
		m.Dangling = append(m.Dangling, r.ID)
	}
	m.Rels[r.ID] = r
	m.Order = append(m.Order, r.ID)
	return nil
}

// Reject implements ingest.Sink.
func (m *Sink) Reject(r ingest.Reject) error {
	m.Rejects = append(m.Rejects, r)
	return nil
}

// Edges returns the relationships between holder and held, by kind.
func (m *Sink) Edges(holder, held string) map[model.RelKind]model.Relationship {
	out := map[model.RelKind]model.Relationship{}
	for _, r := range m.Rels {
		if r.HolderID == holder && r.HeldID == held {
			out[r.Kind] = r
		}
	}
	return out
}

// CountSkipped implements ingest.SkipCounter.
func (m *Sink) CountSkipped(what string, n int) { m.Skipped[what] += n }

// Delta implements ingest.DeltaReporter.
func (m *Sink) Delta(c store.RecordChange) { m.Deltas = append(m.Deltas, c) }

// CanonicalIDs maps each of ids the sink holds as an entity to itself, as
// a store without aliases would.
func (m *Sink) CanonicalIDs(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		if _, ok := m.Entities[id]; ok {
			out[id] = id
		}
	}
	return out, nil
}

// RelationshipsOfRecords returns the relationships of source written with
// one of refs as SourceRef (store.RecordRelationships).
func (m *Sink) RelationshipsOfRecords(_ context.Context, source string, refs []string) ([]model.Relationship, error) {
	var out []model.Relationship
	for _, id := range m.Order {
		r := m.Rels[id]
		if r.Source == source && slices.Contains(refs, r.SourceRef) && !slices.ContainsFunc(out, func(o model.Relationship) bool { return o.ID == id }) {
			out = append(out, r)
		}
	}
	return out, nil
}
