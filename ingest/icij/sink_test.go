package icij

import (
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

// memSink is an in-memory Sink with the store's merge semantics: non-empty
// entity scalars overwrite, lists union; relationships are keyed by id and
// must find both endpoints already written.
type memSink struct {
	entities map[string]model.Entity
	rels     map[string]model.Relationship
	rejects  []ingest.Reject
	order    []string // relationship ids in write order
	dangling []string // relationships written before an endpoint
	written  int      // entity writes
}

func newMemSink() *memSink {
	return &memSink{entities: map[string]model.Entity{}, rels: map[string]model.Relationship{}}
}

func (m *memSink) Entity(e model.Entity) error {
	m.written++
	old, ok := m.entities[e.ID]
	if !ok {
		e.Normalize()
		m.entities[e.ID] = e
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
	old.Normalize()
	m.entities[e.ID] = old
	return nil
}

func (m *memSink) Relationship(r model.Relationship) error {
	if _, ok := m.entities[r.HolderID]; !ok {
		m.dangling = append(m.dangling, r.ID)
	}
	if _, ok := m.entities[r.HeldID]; !ok {
		m.dangling = append(m.dangling, r.ID)
	}
	m.rels[r.ID] = r
	m.order = append(m.order, r.ID)
	return nil
}

func (m *memSink) Reject(r ingest.Reject) error {
	m.rejects = append(m.rejects, r)
	return nil
}

// edges returns the relationships between holder and held, by kind.
func (m *memSink) edges(holder, held string) map[model.RelKind]model.Relationship {
	out := map[model.RelKind]model.Relationship{}
	for _, r := range m.rels {
		if r.HolderID == holder && r.HeldID == held {
			out[r.Kind] = r
		}
	}
	return out
}

func entityStub(id string) model.Entity { return model.Entity{ID: "icij:" + id, Kind: model.Company} }
