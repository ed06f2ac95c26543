// Package model holds the common data model every source is mapped into and
// every store persists: entities, relationships (holder → held) and share
// intervals. It has no dependencies beyond the standard library.
package model

import (
	"fmt"
	"sort"
	"strings"
)

// EntityKind is the kind of a legal or natural person in the graph.
type EntityKind string

const (
	Company     EntityKind = "company"
	Person      EntityKind = "person"
	StateBody   EntityKind = "state_body"
	Arrangement EntityKind = "arrangement"
	Unknown     EntityKind = "unknown"
)

// EntityKinds lists every valid entity kind in a stable order.
var EntityKinds = []EntityKind{Company, Person, StateBody, Arrangement, Unknown}

// Valid reports whether k is one of EntityKinds.
func (k EntityKind) Valid() bool {
	for _, v := range EntityKinds {
		if k == v {
			return true
		}
	}
	return false
}

// KindsCompatible reports whether records of kinds a and b may describe
// one entity: a natural person is never a company, state body or
// arrangement; unknown fits anything.
func KindsCompatible(a, b EntityKind) bool {
	if a == b || a == Unknown || b == Unknown || a == "" || b == "" {
		return true
	}
	return a != Person && b != Person
}

// RelKind is the kind of a holder → held relationship.
type RelKind string

const (
	Ownership       RelKind = "ownership"
	Voting          RelKind = "voting"
	Board           RelKind = "board"
	Control         RelKind = "control"
	Influence       RelKind = "influence"
	Consolidation   RelKind = "consolidation"
	Branch          RelKind = "branch"
	FundManagement  RelKind = "fund_management"
	TrustRole       RelKind = "trust_role"
	Nominee         RelKind = "nominee"
	Officer         RelKind = "officer"
	UnknownInterest RelKind = "unknown_interest"
)

// RelKinds lists every valid relationship kind in a stable order.
var RelKinds = []RelKind{Ownership, Voting, Board, Control, Influence, Consolidation,
	Branch, FundManagement, TrustRole, Nominee, Officer, UnknownInterest}

// Valid reports whether k is one of RelKinds.
func (k RelKind) Valid() bool {
	for _, v := range RelKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Share is a percentage interval [Min, Max] in 0..100 whose bounds may be
// exclusive. Known=false means the source gave no share at all; the engine
// then treats an ownership/voting edge as [0, 100 − the other holders' minimums].
type Share struct {
	Known        bool    `json:"known"`
	Min          float64 `json:"min"`
	Max          float64 `json:"max"`
	MinExclusive bool    `json:"min_exclusive,omitempty"`
	MaxExclusive bool    `json:"max_exclusive,omitempty"`
}

// Exact returns the known share p (min = max = p, both inclusive).
func Exact(p float64) Share { return Share{Known: true, Min: p, Max: p} }

// Range returns the known share interval with the given exclusivity.
func Range(lo, hi float64, loExcl, hiExcl bool) Share {
	return Share{Known: true, Min: lo, Max: hi, MinExclusive: loExcl, MaxExclusive: hiExcl}
}

// Validate checks that a known share lies in [0, 100] and Min <= Max.
func (s Share) Validate() error {
	if !s.Known {
		return nil
	}
	if s.Min < 0 || s.Min > 100 {
		return fmt.Errorf("share minimum %g outside 0..100", s.Min)
	}
	if s.Max < 0 || s.Max > 100 {
		return fmt.Errorf("share maximum %g outside 0..100", s.Max)
	}
	if s.Min > s.Max {
		return fmt.Errorf("share minimum %g above maximum %g", s.Min, s.Max)
	}
	if s.Min == s.Max && (s.MinExclusive || s.MaxExclusive) {
		return fmt.Errorf("share interval (%g, %g) with an exclusive bound is empty", s.Min, s.Max)
	}
	return nil
}

// String renders the interval the way investigators read it: "60%",
// "(25%, 50%]", or "unknown".
func (s Share) String() string {
	if !s.Known {
		return "unknown"
	}
	if s.Min == s.Max && !s.MinExclusive && !s.MaxExclusive {
		return FormatPercent(s.Min) + "%"
	}
	l, r := "[", "]"
	if s.MinExclusive {
		l = "("
	}
	if s.MaxExclusive {
		r = ")"
	}
	return l + FormatPercent(s.Min) + "%, " + FormatPercent(s.Max) + "%" + r
}

// FormatPercent prints a percent value with at most two decimals and no
// trailing zeros.
func FormatPercent(p float64) string {
	s := fmt.Sprintf("%.2f", p)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Entity is a node of the ownership graph.
type Entity struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Kind         EntityKind `json:"kind"`
	Jurisdiction string     `json:"jurisdiction,omitempty"` // ISO 3166-1 alpha-2
	HQCountry    string     `json:"hq_country,omitempty"`   // ISO 3166-1 alpha-2
	Nationality  []string   `json:"nationality,omitempty"`  // persons; ISO alpha-2 codes
	Residence    string     `json:"residence,omitempty"`    // persons; ISO alpha-2
	StateOwned   bool       `json:"state_owned,omitempty"`
	Lists        []string   `json:"lists,omitempty"`       // tags such as us.bis.entity_list
	Identifiers  []string   `json:"identifiers,omitempty"` // "SCHEME:value", e.g. "XI-LEI:5493..."
	Source       string     `json:"source,omitempty"`      // gleif, psc, bods, ftm, icij, csv
	SourceRef    string     `json:"source_ref,omitempty"`  // the source record id or file:line
	// Provenance lists every "source:ref" that asserted this entity; stores
	// add Source+":"+SourceRef on upsert and union it on merge.
	Provenance []string `json:"provenance,omitempty"`
	// Aliases are the entity's other names in any script: transliterations,
	// trade and former names, and the names of entities merged into it. Name
	// itself is never repeated here.
	Aliases []string `json:"aliases,omitempty"`
	// AddressCountries are the ISO 3166-1 alpha-2 countries of the
	// addresses the sources give (legal, headquarters, registered, other).
	AddressCountries []string `json:"address_countries,omitempty"`
}

// Normalize sorts and deduplicates the list fields so that equal entities
// compare and serialise equally whatever order a source gave them in.
func (e *Entity) Normalize() {
	e.Nationality = SortedUnique(e.Nationality)
	e.Lists = SortedUnique(e.Lists)
	e.Identifiers = SortedUnique(e.Identifiers)
	e.Provenance = SortedUnique(e.Provenance)
	e.AddressCountries = SortedUnique(e.AddressCountries)
	e.Aliases = SortedUnique(e.Aliases)
	for i, a := range e.Aliases {
		if a == strings.TrimSpace(e.Name) {
			e.Aliases = append(e.Aliases[:i:i], e.Aliases[i+1:]...)
			break
		}
	}
	if len(e.Aliases) == 0 {
		e.Aliases = nil
	}
}

// Relationship is a holder → held edge asserted by one source record.
type Relationship struct {
	ID        string  `json:"id"` // deterministic, see RelationshipID
	HolderID  string  `json:"holder_id"`
	HeldID    string  `json:"held_id"`
	Kind      RelKind `json:"kind"`
	Share     Share   `json:"share"`
	Direct    string  `json:"direct,omitempty"`     // "direct", "indirect" or "" (unknown)
	StartDate string  `json:"start_date,omitempty"` // YYYY-MM-DD
	EndDate   string  `json:"end_date,omitempty"`   // YYYY-MM-DD; ended on or before as-of ⇒ ignored
	Source    string  `json:"source,omitempty"`
	SourceRef string  `json:"source_ref,omitempty"`
}

// RelationshipID is the deterministic id of an assertion: the same source
// asserting the same link again maps to the same id, so re-ingesting changes
// nothing, while different sources keep separate assertions (evidence).
func RelationshipID(source, sourceRef, holder, held string, kind RelKind) string {
	return source + "|" + sourceRef + "|" + holder + "|" + held + "|" + string(kind)
}

// SortedUnique returns the sorted distinct non-empty values of in (nil when none).
func SortedUnique(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	j := 0
	for i, v := range out {
		if i == 0 || v != out[j-1] {
			out[j] = v
			j++
		}
	}
	if j == 0 {
		return nil
	}
	return out[:j]
}
