package model

import "time"

// Verdicts in decreasing strength (DESIGN.md "Verdict").
const (
	VerdictChineseEntity = "CHINESE_ENTITY"
	VerdictControlled    = "CONTROLLED"
	VerdictOwned50       = "OWNED_50"
	VerdictJointControl  = "JOINT_CONTROL"
	VerdictSignificant   = "SIGNIFICANT"
	VerdictMinority      = "MINORITY"
	VerdictClear         = "CLEAR"
)

// Verdicts lists every verdict from strongest to weakest.
var Verdicts = []string{VerdictChineseEntity, VerdictControlled, VerdictOwned50,
	VerdictJointControl, VerdictSignificant, VerdictMinority, VerdictClear}

// VerdictRank returns 0 for the strongest verdict and len(Verdicts)-1 for
// CLEAR; unknown verdicts rank after CLEAR.
func VerdictRank(v string) int {
	for i, w := range Verdicts {
		if v == w {
			return i
		}
	}
	return len(Verdicts)
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
	Verdict           string     `json:"verdict"`
	Indeterminate     bool       `json:"indeterminate"`
	PossibleVerdict   string     `json:"possible_verdict,omitempty"`
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
)

// Run is the record of one scoring run.
type Run struct {
	ID         string         `json:"id"`
	Started    time.Time      `json:"started"`
	Finished   time.Time      `json:"finished,omitzero"`
	Status     string         `json:"status"`
	Policy     string         `json:"policy"`
	PolicyHash string         `json:"policy_hash"`
	AsOf       string         `json:"as_of"` // YYYY-MM-DD
	Entities   int            `json:"entities"`
	Edges      int            `json:"edges"`
	Counts     map[string]int `json:"counts"` // per verdict
	// FlaggedVerdicts are the verdicts the run's policy flags, recorded so
	// that the flagged count of a run scored under a policy file never
	// depends on that file still being there (nil in runs recorded before).
	FlaggedVerdicts []string `json:"flagged_verdicts"`
	Indeterminate   int      `json:"indeterminate"`
	NewlyFlagged    int      `json:"newly_flagged"`
	NewlyCleared    int      `json:"newly_cleared"`
	PreviousRun     string   `json:"previous_run,omitempty"`
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
