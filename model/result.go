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
}

// Run statuses.
const (
	RunRunning  = "running"
	RunComplete = "complete"
	RunFailed   = "failed"
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
}
