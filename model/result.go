package model

import (
	"strings"
	"time"
)

// Verdict is the outcome of scoring one entity. Its JSON is the plain
// name ("OWNED_50").
type Verdict string

// Verdicts in decreasing strength. A root's verdict is named by the policy
// (Policy.RootVerdict): CHINESE_ENTITY for the China policies, LISTED_ENTITY
// for roots by list tag (the OFAC / BIS rule), ROOT_ENTITY for any other;
// the three rank equal and carry the words of RootWords.
const (
	VerdictChineseEntity Verdict = "CHINESE_ENTITY"
	VerdictListedEntity  Verdict = "LISTED_ENTITY"
	VerdictRootEntity    Verdict = "ROOT_ENTITY"
	VerdictControlled    Verdict = "CONTROLLED"
	VerdictOwned50       Verdict = "OWNED_50"
	VerdictJointControl  Verdict = "JOINT_CONTROL"
	VerdictSignificant   Verdict = "SIGNIFICANT"
	VerdictMinority      Verdict = "MINORITY"
	VerdictClear         Verdict = "CLEAR"
)

// RootVerdicts are the names a policy can give its roots' verdict.
var RootVerdicts = []Verdict{VerdictChineseEntity, VerdictListedEntity, VerdictRootEntity}

// Verdicts lists every verdict of the China policies from strongest to
// weakest; VerdictsFor gives another policy's.
var Verdicts = VerdictsFor(VerdictChineseEntity)

// VerdictsFor lists the verdicts of a policy whose roots' verdict is root,
// strongest first.
func VerdictsFor(root Verdict) []Verdict {
	return []Verdict{root, VerdictControlled, VerdictOwned50,
		VerdictJointControl, VerdictSignificant, VerdictMinority, VerdictClear}
}

// AllVerdicts lists every verdict name any policy gives: the root verdicts,
// then the others strongest first.
func AllVerdicts() []Verdict {
	return append(append([]Verdict{}, RootVerdicts...), Verdicts[1:]...)
}

// IsRoot reports whether v is a root's verdict (under any policy).
func (v Verdict) IsRoot() bool {
	return v == VerdictChineseEntity || v == VerdictListedEntity || v == VerdictRootEntity
}

// Valid reports whether v is a verdict some policy gives.
func (v Verdict) Valid() bool { return v.Rank() < len(Verdicts) }

// Rank returns 0 for the strongest verdict (every root verdict) and
// len(Verdicts)-1 for CLEAR; unknown verdicts rank after CLEAR.
func (v Verdict) Rank() int {
	if v.IsRoot() {
		return 0
	}
	for i, w := range Verdicts {
		if v == w {
			return i
		}
	}
	return len(Verdicts)
}

// VerdictNames joins verdicts for a message: "CHINESE_ENTITY, OWNED_50".
func VerdictNames(vs []Verdict) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// Interval is a closed numeric interval of percent values.
type Interval struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Hop is one edge on an evidence path.
type Hop struct {
	HolderID  string  `json:"holder_id"`
	HeldID    string  `json:"held_id"`
	Kind      RelKind `json:"kind"`
	Share     Share   `json:"share"`
	Source    string  `json:"source,omitempty"`
	SourceRef string  `json:"source_ref,omitempty"`
}

// Evidence is one path root → … → entity supporting a verdict.
type Evidence struct {
	Path        []string `json:"path"`  // entity ids, root first
	Share       float64  `json:"share"` // product of the hops' certain shares, percent
	Hops        []Hop    `json:"hops,omitempty"`
	Explanation string   `json:"explanation"`
	// Truncated: the evidence search's work budget cut this path — it
	// stops short of a root, or a stronger path may have gone unexplored.
	Truncated bool `json:"truncated,omitempty"`
}

// Result is the scoring outcome for one entity in one run.
type Result struct {
	EntityID          string     `json:"id"`
	Verdict           Verdict    `json:"verdict"`
	Indeterminate     bool       `json:"indeterminate"`
	PossibleVerdict   Verdict    `json:"possible_verdict,omitempty"`
	ChineseShare      Interval   `json:"chinese_share"`     // U certain (min) .. U possible (max)
	ChineseVotes      Interval   `json:"chinese_votes"`     // V certain .. possible
	AggregateCertain  bool       `json:"aggregate_certain"` // t ∈ C (certain)
	AggregatePossible bool       `json:"aggregate_possible"`
	Controllers       []string   `json:"controllers"`
	JointControllers  []string   `json:"joint_controllers"`
	Evidence          []Evidence `json:"evidence"`
	Explanation       string     `json:"explanation,omitempty"` // one sentence for the verdict
	Flagged           bool       `json:"flagged"`
	// Aggregate is the engine's arithmetic of the aggregate 50% rule for
	// the entity (nil when no direct holder counts, for a root, and in
	// results stored before the engine recorded it). Not in the result's
	// JSON, which exports keep as it was: the explanation's JSON carries
	// it as "aggregate".
	Aggregate *Aggregate `json:"-"`
	// Root is why the engine made the entity a root, as data (nil unless
	// its verdict is a root verdict, and in results stored before the
	// engine recorded it); its explanation is RootSentence of it.
	Root *RootReason `json:"-"`
	// RootVerdict is the verdict the scoring policy gives its roots, whose
	// words (RootWords) the result's sentences use; empty means
	// CHINESE_ENTITY, as for every result stored before policies named it.
	RootVerdict Verdict `json:"-"`
}

// Rules that make an entity a root (RootReason.Rule).
const (
	RootIncorporation = "incorporation"
	RootHeadquarters  = "headquarters"
	RootStateBody     = "state_body"
	RootNationality   = "nationality"
	RootResidence     = "residence"
	RootListed        = "list_tag"
	// RootUnknownHolder: an undisclosed holder, a root only the possible
	// way (it could be one).
	RootUnknownHolder = "unknown_holder"
)

// RootReason is why an entity is a root: the rule, the country code or list
// tag it matched (Code), for a list tag a later snapshot retired the date
// it was retired (Until), and the entity's name (its id when it has none)
// as scored.
type RootReason struct {
	Rule  string `json:"rule"`
	Code  string `json:"code,omitempty"`
	Until string `json:"until,omitempty"`
	Name  string `json:"name"`
}

// Why an aggregate-rule term counts: its holder is a root, is covered by
// the rule itself, could be covered, or is an undisclosed holder (who could
// be a root).
const (
	AggregateRoot            = "root"
	AggregateCovered         = "covered"
	AggregatePossiblyCovered = "possibly covered"
	AggregateUndisclosed     = "undisclosed holder"
)

// Aggregate is the aggregate 50% rule as the engine applied it to one
// entity: the direct ownership links it summed, with the shares it read
// (at the as-of date, without indirect restatements of chains it counts,
// an unknown share read as what the other holders leave).
type Aggregate struct {
	Terms []AggregateTerm `json:"terms"`
	// Certain sums the certain terms' minimums (strictly more when
	// CertainStrict); Possible every term's maximum, at most 100 (strictly
	// less when PossibleStrict).
	Certain        float64 `json:"certain"`
	CertainStrict  bool    `json:"certain_strict,omitempty"`
	Possible       float64 `json:"possible"`
	PossibleStrict bool    `json:"possible_strict,omitempty"`
	// The policy's aggregate threshold the sums were compared with.
	Threshold float64 `json:"threshold"`
	Inclusive bool    `json:"inclusive"`
}

// AggregateTerm is one direct ownership link the aggregate rule counts.
type AggregateTerm struct {
	HolderID string `json:"holder_id"`
	// Share is the share the engine read: the sources' combined interval,
	// or for a link no source gave a share (ShareNotGiven) what the other
	// holders leave.
	Share         Share  `json:"share"`
	ShareNotGiven bool   `json:"share_not_given,omitempty"`
	Why           string `json:"why"`     // AggregateRoot, AggregateCovered, …
	Certain       bool   `json:"certain"` // counted in Certain (else only possibly)
}

// Run statuses.
const (
	RunRunning  = "running"
	RunComplete = "complete"
	RunFailed   = "failed"
	// RunPruned is a complete run whose results retention deleted (see
	// store.RunsToPrune); its record stays listed.
	RunPruned = "pruned"
	// RunInterrupted is a run whose process went away before it finished
	// (killed, its machine lost): the next process to take the store's
	// lock marks it so. Like a failed run it is never complete.
	RunInterrupted = "interrupted"
)

// Run is the record of one scoring run.
type Run struct {
	ID         string          `json:"id"`
	Started    time.Time       `json:"started"`
	Finished   time.Time       `json:"finished,omitzero"`
	Status     string          `json:"status"`
	Policy     string          `json:"policy"`
	PolicyHash string          `json:"policy_hash"`
	AsOf       string          `json:"as_of"` // YYYY-MM-DD
	Entities   int             `json:"entities"`
	Edges      int             `json:"edges"`
	Counts     map[Verdict]int `json:"counts"` // per verdict
	// FlaggedVerdicts are the verdicts the run's policy flags, recorded so
	// that the flagged count of a run scored under a policy file never
	// depends on that file still being there (nil in runs recorded before).
	FlaggedVerdicts []Verdict `json:"flagged_verdicts"`
	Indeterminate   int       `json:"indeterminate"`
	NewlyFlagged    int       `json:"newly_flagged"`
	NewlyCleared    int       `json:"newly_cleared"`
	PreviousRun     string    `json:"previous_run,omitempty"`
	// Base is the run whose results this run stored its changes against:
	// its results are Base's with the entities whose result changed
	// replaced and those without one now removed. Empty: stored in full.
	Base string `json:"base,omitempty"`
	// Stored is how many results the run stored: all of them when stored
	// in full, the changed and removed ones when stored against Base.
	Stored int `json:"stored,omitempty"`
	// ResultsKept is set on a pruned run whose results stay stored because
	// a later run's changes are stored against them.
	ResultsKept bool `json:"results_kept,omitempty"`
}
