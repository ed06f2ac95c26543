package graph

import (
	"math"
	"testing"
	"time"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

// Fixture helpers: entities are "ID:KIND:JUR" shorthands, links are built
// with own/band/rel.

func company(id, jur string) model.Entity {
	return model.Entity{ID: id, Name: id, Kind: model.Company, Jurisdiction: jur}
}

func unknownHolder(id string) model.Entity {
	return model.Entity{ID: id, Name: id, Kind: model.Unknown}
}

func own(holder, held string, p float64) model.Relationship {
	return link(holder, held, model.Ownership, model.Exact(p))
}

func band(holder, held string, kind model.RelKind, lo, hi float64, loExcl, hiExcl bool) model.Relationship {
	return link(holder, held, kind, model.Range(lo, hi, loExcl, hiExcl))
}

func rel(holder, held string, kind model.RelKind) model.Relationship {
	return link(holder, held, kind, model.Share{})
}

func link(holder, held string, kind model.RelKind, s model.Share) model.Relationship {
	ref := holder + ">" + held + ":" + string(kind)
	return model.Relationship{ID: model.RelationshipID("test", ref, holder, held, kind),
		HolderID: holder, HeldID: held, Kind: kind, Share: s, Source: "test", SourceRef: ref}
}

func mustBuild(t testing.TB, ents []model.Entity, rels []model.Relationship) *Graph {
	t.Helper()
	b := NewBuilder()
	for _, e := range ents {
		b.AddEntity(e)
	}
	for _, r := range rels {
		b.AddRelationship(r)
	}
	g, err := b.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return g
}

var testDay = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

func mustScore(t testing.TB, ents []model.Entity, rels []model.Relationship, p *policy.Policy) *Scoring {
	t.Helper()
	if p == nil {
		p = policy.Default()
	}
	s, err := Score(mustBuild(t, ents, rels), p, testDay)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	return s
}

func mustResult(t testing.TB, s *Scoring, id string) model.Result {
	t.Helper()
	r, ok := s.Result(id)
	if !ok {
		t.Fatalf("no result for %q", id)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }
