package store

import (
	"slices"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// The entity merge rules both stores apply in Go, so an ingest or a merge
// gives the same entity in Neo4j and in the embedded file.

// ApplyUpsert folds an incoming record into the stored entity cur:
// non-empty scalars overwrite (Kind too), state_owned is or-ed, lists union
// (aliases without the resulting name), a name replaced by another joins
// the aliases (a former name stays findable, and re-running an ingest that
// renamed an entity changes nothing), and provenance gains in's
// Source:SourceRef. cur's ID is kept.
func ApplyUpsert(cur model.Entity, in *model.Entity) model.Entity {
	out := cur
	overwrite := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	overwrite(&out.Name, in.Name)
	if in.Kind != "" {
		out.Kind = in.Kind
	}
	overwrite(&out.Jurisdiction, in.Jurisdiction)
	overwrite(&out.HQCountry, in.HQCountry)
	overwrite(&out.Residence, in.Residence)
	overwrite(&out.Source, in.Source)
	overwrite(&out.SourceRef, in.SourceRef)
	out.StateOwned = cur.StateOwned || in.StateOwned
	out.Nationality = union(cur.Nationality, in.Nationality)
	out.Lists = union(cur.Lists, in.Lists)
	if provenanceOf(in) != nil && !IsInactive(in) {
		// A source asserts the entity again: it is no longer inactive
		// (see RetireUnasserted).
		out.Lists = withoutInactive(out.Lists)
	}
	out.Identifiers = union(cur.Identifiers, in.Identifiers)
	out.Provenance = union(cur.Provenance, in.Provenance, provenanceOf(in)...)
	out.AddressCountries = union(cur.AddressCountries, in.AddressCountries)
	var former []string
	if cur.Name != "" && cur.Name != out.Name {
		former = []string{cur.Name}
	}
	out.Aliases = aliasesOf(out.Name, union(cur.Aliases, in.Aliases, former...))
	return out
}

// ApplyAliasUpsert folds a record written through an alias id into the
// entity cur the alias was merged into. It follows the MergeEntities rule
// (MergeInto), so re-ingesting a source whose records were merged away
// cannot rename the survivor; provenance still gains Source:SourceRef.
func ApplyAliasUpsert(cur model.Entity, in *model.Entity) model.Entity {
	out := MergeInto(cur, *in)
	if p := provenanceOf(in); p != nil {
		out.Provenance = union(out.Provenance, nil, p...)
	}
	return out
}

// MergeInto is the MergeEntities rule for the entity from merged into
// into: into keeps its non-empty scalars (an unknown kind counts as empty),
// from fills the empty ones, state_owned is or-ed, lists (provenance too)
// union, and from's name becomes an alias of into when it differs from
// into's (a merged name stays findable). into's ID is kept.
func MergeInto(into, from model.Entity) model.Entity {
	out := into
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&out.Name, from.Name)
	if (out.Kind == "" || out.Kind == model.Unknown) && from.Kind != "" {
		out.Kind = from.Kind
	}
	fill(&out.Jurisdiction, from.Jurisdiction)
	fill(&out.HQCountry, from.HQCountry)
	fill(&out.Residence, from.Residence)
	fill(&out.Source, from.Source)
	fill(&out.SourceRef, from.SourceRef)
	out.StateOwned = into.StateOwned || from.StateOwned
	out.Nationality = union(into.Nationality, from.Nationality)
	out.Lists = union(into.Lists, from.Lists)
	if IsInactive(&into) != IsInactive(&from) {
		// One of the two is still asserted: so is the merged entity.
		out.Lists = withoutInactive(out.Lists)
	}
	out.Identifiers = union(into.Identifiers, from.Identifiers)
	out.Provenance = union(into.Provenance, from.Provenance)
	out.AddressCountries = union(into.AddressCountries, from.AddressCountries)
	out.Aliases = aliasesOf(out.Name, union(into.Aliases, from.Aliases, from.Name))
	return out
}

// withoutInactive is lists without InactiveTagPrefix tags (nil when none
// is left).
func withoutInactive(lists []string) []string {
	out := slices.DeleteFunc(slices.Clone(lists), func(t string) bool { return strings.HasPrefix(t, InactiveTagPrefix) })
	if len(out) == 0 {
		return nil
	}
	return out
}

// aliasesOf is the sorted distinct list of aliases without name itself.
func aliasesOf(name string, aliases []string) []string {
	name = strings.TrimSpace(name)
	if i := slices.Index(aliases, name); i >= 0 {
		aliases = slices.Delete(aliases, i, i+1)
	}
	if len(aliases) == 0 {
		return nil
	}
	return aliases
}

// EntitiesEqual reports whether a and b have the same stored fields, so an
// upsert that changed nothing need not be written back.
func EntitiesEqual(a, b *model.Entity) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Kind == b.Kind && a.Jurisdiction == b.Jurisdiction &&
		a.HQCountry == b.HQCountry && a.Residence == b.Residence && a.StateOwned == b.StateOwned &&
		a.Source == b.Source && a.SourceRef == b.SourceRef &&
		slices.Equal(a.Nationality, b.Nationality) && slices.Equal(a.Lists, b.Lists) &&
		slices.Equal(a.Identifiers, b.Identifiers) && slices.Equal(a.Provenance, b.Provenance) &&
		slices.Equal(a.Aliases, b.Aliases) && slices.Equal(a.AddressCountries, b.AddressCountries)
}

// provenanceOf is the provenance entry an upsert of e adds: none when e
// names neither source nor record.
func provenanceOf(e *model.Entity) []string {
	if e.Source == "" && e.SourceRef == "" {
		return nil
	}
	return []string{e.Source + ":" + e.SourceRef}
}

// union returns the sorted distinct values of a and b (and extra).
func union(a, b []string, extra ...string) []string {
	if len(b) == 0 && len(extra) == 0 {
		return model.SortedUnique(a)
	}
	all := make([]string, 0, len(a)+len(b)+len(extra))
	all = append(append(append(all, a...), b...), extra...)
	return model.SortedUnique(all)
}
