// Package policy holds the scoring policy: which countries are of concern,
// which entities are Chinese roots, the thresholds and the edge kinds that
// count as control. Every number the engine uses comes from here.
package policy

import (
	"slices"

	"github.com/ubo-project/ubo/model"
)

// Threshold is a percent value with an inclusive (≥) or exclusive (>) test.
type Threshold struct {
	Value     float64 `yaml:"value" json:"value"`
	Inclusive bool    `yaml:"inclusive" json:"inclusive"`
}

// Met reports whether p meets the threshold.
func (t Threshold) Met(p float64) bool {
	if t.Inclusive {
		return p >= t.Value
	}
	return p > t.Value
}

// Thresholds are the four numbers of the scoring semantics: control, the
// aggregate rule, significance and a joint controller's votes.
type Thresholds struct {
	Control      Threshold `yaml:"control" json:"control"`             // > 50: votes for (aggregated) control
	Aggregate    Threshold `yaml:"aggregate" json:"aggregate"`         // ≥ 50: the aggregate (OFAC/BIS) rule
	Significant  Threshold `yaml:"significant" json:"significant"`     // ≥ 25: SIGNIFICANT on U or V
	JointPartner Threshold `yaml:"joint_partner" json:"joint_partner"` // ≥ 25: a joint controller's votes
}

// RootRules say which entities are Chinese roots.
type RootRules struct {
	Incorporation bool     `yaml:"incorporation" json:"incorporation"` // jurisdiction of concern
	Headquarters  bool     `yaml:"headquarters" json:"headquarters"`   // hq / principal place of business
	StateBody     bool     `yaml:"state_body" json:"state_body"`       // state bodies of a country of concern
	Nationality   bool     `yaml:"nationality" json:"nationality"`     // persons
	Residence     bool     `yaml:"residence" json:"residence"`         // persons
	ListTags      []string `yaml:"list_tags" json:"list_tags"`         // any of these tags makes a root
}

// Policy is one complete, named scoring policy.
type Policy struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Base names the built-in preset a policy file starts from: keys the file
	// leaves out keep the base's values (empty: default).
	Base string `yaml:"base,omitempty" json:"base,omitempty"`
	// Countries of concern (ISO alpha-2). HK and MO are added by the switches.
	Countries []string `yaml:"countries" json:"countries"`
	IncludeHK bool     `yaml:"include_hk" json:"include_hk"`
	IncludeMO bool     `yaml:"include_mo" json:"include_mo"`

	Roots      RootRules  `yaml:"roots" json:"roots"`
	Thresholds Thresholds `yaml:"thresholds" json:"thresholds"`

	// ControlTest off means ownership only (OFAC 50%): no CONTROLLED or
	// JOINT_CONTROL verdicts and no board/influence SIGNIFICANT.
	ControlTest bool `yaml:"control_test" json:"control_test"`
	// ControlKinds give c control of t by a single edge (default board,
	// control, consolidation, branch).
	ControlKinds []model.RelKind `yaml:"control_kinds" json:"control_kinds"`
	// InfluenceKinds from a root-side holder make t SIGNIFICANT (default
	// board, influence).
	InfluenceKinds []model.RelKind `yaml:"influence_kinds" json:"influence_kinds"`

	// AsOf (YYYY-MM-DD) scores a past state; empty means today.
	AsOf string `yaml:"as_of,omitempty" json:"as_of,omitempty"`
	// RootVerdict names the verdict of the policy's roots and so the words
	// of every sentence about them: CHINESE_ENTITY (empty means it), for
	// roots by a Chinese country rule; LISTED_ENTITY, for roots by list tag
	// ("listed root"); ROOT_ENTITY, a neutral "root", for anything else.
	RootVerdict model.Verdict `yaml:"root_verdict,omitempty" json:"root_verdict,omitempty"`
	// Flagged verdicts are exported and labelled :Flagged. Any root verdict
	// named here means the policy's own (RootVerdict).
	Flagged []model.Verdict `yaml:"flagged" json:"flagged"`
	// ExcludeJurisdictions: entities incorporated there are never covered
	// through ownership or control (they can still be roots' neighbours);
	// e.g. the DOJ rule's US-organised entities.
	ExcludeJurisdictions []string `yaml:"exclude_jurisdictions,omitempty" json:"exclude_jurisdictions,omitempty"`

	// Screening decides how sure a customer-to-entity match must be. It
	// changes no verdict, so the policy hash leaves it out.
	Screening Screening `yaml:"screening" json:"screening"`
}

// Screening thresholds for matching customers to entities, scores in [0, 1]:
// a best candidate at Match or above is MATCHED, at Review or above REVIEW,
// and two candidates at most TieMargin apart at the top make REVIEW.
type Screening struct {
	Match     float64 `yaml:"match" json:"match"`
	Review    float64 `yaml:"review" json:"review"`
	TieMargin float64 `yaml:"tie_margin" json:"tie_margin"`
}

// ConcernCountries returns the effective set of countries of concern.
func (p *Policy) ConcernCountries() map[string]bool {
	m := make(map[string]bool, len(p.Countries)+2)
	for _, c := range p.Countries {
		m[c] = true
	}
	if p.IncludeHK {
		m["HK"] = true
	}
	if p.IncludeMO {
		m["MO"] = true
	}
	return m
}

// Root returns the verdict p gives its roots (RootVerdict, CHINESE_ENTITY
// when unset).
func (p *Policy) Root() model.Verdict {
	if p.RootVerdict == "" {
		return model.VerdictChineseEntity
	}
	return p.RootVerdict
}

// Verdicts lists the verdicts p gives, strongest first.
func (p *Policy) Verdicts() []model.Verdict { return model.VerdictsFor(p.Root()) }

// Words returns the words p's sentences call its roots by.
func (p *Policy) Words() model.RootWords { return p.Root().Words() }

// FlaggedVerdicts returns the verdicts p flags, any root verdict named as
// p's own.
func (p *Policy) FlaggedVerdicts() []model.Verdict {
	out := make([]model.Verdict, 0, len(p.Flagged))
	for _, v := range p.Flagged {
		if v.IsRoot() {
			v = p.Root()
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// IsFlagged reports whether verdict v is flagged under p (any root verdict
// stands for any other: a root is a root whatever its policy calls it).
func (p *Policy) IsFlagged(v model.Verdict) bool {
	for _, f := range p.Flagged {
		if f == v || f.IsRoot() && v.IsRoot() {
			return true
		}
	}
	return false
}

// Default is the reference policy: roots are entities incorporated or
// headquartered in CN, HK or MO, their state bodies and their nationals;
// flagged are CHINESE_ENTITY, CONTROLLED, OWNED_50 and JOINT_CONTROL.
func Default() *Policy {
	return &Policy{
		Name:        "default",
		Description: "Reference semantics: CN, HK and MO; incorporation, headquarters, state bodies, nationality.",
		Countries:   []string{"CN"},
		IncludeHK:   true,
		IncludeMO:   true,
		Roots: RootRules{Incorporation: true, Headquarters: true, StateBody: true,
			Nationality: true, Residence: false},
		Thresholds: Thresholds{
			Control:      Threshold{Value: 50, Inclusive: false},
			Aggregate:    Threshold{Value: 50, Inclusive: true},
			Significant:  Threshold{Value: 25, Inclusive: true},
			JointPartner: Threshold{Value: 25, Inclusive: true},
		},
		ControlTest:    true,
		ControlKinds:   []model.RelKind{model.Board, model.Control, model.Consolidation, model.Branch},
		InfluenceKinds: []model.RelKind{model.Board, model.Influence},
		Flagged: []model.Verdict{model.VerdictChineseEntity, model.VerdictControlled,
			model.VerdictOwned50, model.VerdictJointControl},
		Screening: Screening{Match: 0.90, Review: 0.70, TieMargin: 0.02},
	}
}
