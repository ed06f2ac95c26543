package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/ubo-project/ubo/model"
)

// canonical is what the hash covers: every value that can change a verdict,
// in a fixed order with sets sorted. Name, description and base are labels,
// not semantics, so renaming a policy keeps its hash.
type canonical struct {
	Countries      []string        `json:"countries"`
	Roots          RootRules       `json:"roots"`
	Thresholds     Thresholds      `json:"thresholds"`
	ControlTest    bool            `json:"control_test"`
	ControlKinds   []model.RelKind `json:"control_kinds"`
	InfluenceKinds []model.RelKind `json:"influence_kinds"`
	AsOf           string          `json:"as_of"`
	Flagged        []string        `json:"flagged"`
	// Absent for CHINESE_ENTITY, so the China policies keep the hash they
	// had before policies named their roots' verdict.
	RootVerdict          model.Verdict `json:"root_verdict,omitempty"`
	ExcludeJurisdictions []string      `json:"exclude_jurisdictions"`
}

// Canonical returns the canonical serialisation the hash is taken of.
func (p *Policy) Canonical() []byte {
	countries := make([]string, 0, len(p.Countries)+2)
	for c := range p.ConcernCountries() {
		countries = append(countries, c)
	}
	roots := p.Roots
	roots.ListTags = sortedSet(roots.ListTags)
	c := canonical{
		Countries:            sortedSet(countries),
		Roots:                roots,
		Thresholds:           p.Thresholds,
		ControlTest:          p.ControlTest,
		ControlKinds:         sortedKinds(p.ControlKinds),
		InfluenceKinds:       sortedKinds(p.InfluenceKinds),
		AsOf:                 p.AsOf,
		Flagged:              sortedSet(verdictStrings(p.FlaggedVerdicts())),
		ExcludeJurisdictions: sortedSet(p.ExcludeJurisdictions),
	}
	if p.Root() != model.VerdictChineseEntity {
		c.RootVerdict = p.Root()
	}
	b, err := json.Marshal(c)
	if err != nil { // only plain values: cannot happen
		panic("policy: canonical encoding: " + err.Error())
	}
	return b
}

// Hash is the short hex sha256 of the canonical serialisation: equal
// semantics give an equal hash whatever the key order, list order or
// comments of the file.
func (p *Policy) Hash() string {
	sum := sha256.Sum256(p.Canonical())
	return hex.EncodeToString(sum[:6])
}

// sortedSet returns the sorted distinct values as a non-nil slice, so an
// absent list and an empty one hash alike.
func sortedSet(in []string) []string {
	out := model.SortedUnique(in)
	if out == nil {
		return []string{}
	}
	return out
}

func sortedKinds(in []model.RelKind) []model.RelKind {
	s := make([]string, len(in))
	for i, k := range in {
		s[i] = string(k)
	}
	s = sortedSet(s)
	out := make([]model.RelKind, len(s))
	for i, k := range s {
		out[i] = model.RelKind(k)
	}
	return out
}

func verdictStrings(vs []model.Verdict) []string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return s
}
