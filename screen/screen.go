// Package screen runs the provider's customer list against the graph: it
// reads customers, matches each one, attaches the verdict of the latest
// complete run and writes one result row per customer, in input order.
package screen

import "github.com/ubo-project/ubo/model"

// Share is a percent interval 0–100.
type Share struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// CandidateRow is one of the top candidates of a row.
type CandidateRow struct {
	EntityID string        `json:"entity_id"`
	Name     string        `json:"name"`
	Score    float64       `json:"score"`
	Verdict  model.Verdict `json:"verdict,omitempty"`
}

// Row is the result for one customer (JSON Lines, one object per input
// row). A NO_MATCH row has no verdict: it is never reported as CLEAR.
type Row struct {
	CustomerID    string         `json:"customer_id"`
	Status        string         `json:"status"`
	Score         float64        `json:"score"`
	EntityID      string         `json:"entity_id"`
	EntityName    string         `json:"entity_name"`
	MatchedName   string         `json:"matched_name"`
	Reasons       []string       `json:"reasons"`
	Verdict       model.Verdict  `json:"verdict"`
	Indeterminate bool           `json:"indeterminate"`
	Flagged       bool           `json:"flagged"` // the verdict is one the run's policy flags
	ChineseShare  *Share         `json:"chinese_share"`
	Explanation   string         `json:"explanation"`
	Candidates    []CandidateRow `json:"candidates"`
	RunID         string         `json:"run_id"`
	Policy        string         `json:"policy"`
}
