// Package match decides which graph entity a customer of the provider is:
// identifiers first, then names, with every decision's reasons as data. It
// is pure Go and imports no store: a Candidates source supplies entities.
package match

import (
	"context"

	"github.com/ubo-project/ubo/model"
)

// Customer is one row of the provider's own customer list.
type Customer struct {
	CustomerID          string   `json:"customer_id"`
	Name                string   `json:"name"`
	Country             string   `json:"country,omitempty"` // as given; normalised by the matcher
	LEI                 string   `json:"lei,omitempty"`
	RegistrationNumber  string   `json:"registration_number,omitempty"`
	RegistrationCountry string   `json:"registration_country,omitempty"`
	USCC                string   `json:"uscc,omitempty"`
	Identifiers         []string `json:"identifiers,omitempty"` // "SCHEME:value"
	Address             string   `json:"address,omitempty"`
}

// Candidates is what the matcher needs from a store.
type Candidates interface {
	// EntitiesByIdentifier finds entities carrying "SCHEME:value" exactly.
	EntitiesByIdentifier(ctx context.Context, identifier string) ([]model.Entity, error)
	// NameCandidates returns up to limit entities whose index tokens
	// (names.IndexTokens of their name and aliases) include any of tokens,
	// best first (rarer tokens weigh more), ties by id. An entity needs
	// only the fields the matcher reads: ID, Name, Kind, Aliases and its
	// countries (Jurisdiction, HQCountry, AddressCountries, Nationality,
	// Residence).
	NameCandidates(ctx context.Context, tokens []string, limit int) ([]model.Entity, error)
}

// BatchCandidates is a Candidates source that answers many customers in one
// call: a store whose every call is a round trip to a server. Its answers
// equal those of the single calls.
type BatchCandidates interface {
	Candidates
	// EntitiesByIdentifiers is EntitiesByIdentifier of each identifier,
	// keyed by it (an identifier no entity carries may be left out).
	EntitiesByIdentifiers(ctx context.Context, identifiers []string) (map[string][]model.Entity, error)
	// NameCandidatesEach is NameCandidates of each token list, in order.
	NameCandidatesEach(ctx context.Context, queries [][]string, limit int) ([][]model.Entity, error)
}

// Status is the outcome for one customer.
type Status string

const (
	Matched Status = "MATCHED"
	Review  Status = "REVIEW"
	NoMatch Status = "NO_MATCH"
)

// Thresholds decide the status from the best scores.
type Thresholds struct {
	Match     float64 // score ≥ Match is MATCHED (default 0.90)
	Review    float64 // score ≥ Review is REVIEW (default 0.70)
	TieMargin float64 // two candidates ≥ Match within TieMargin make REVIEW (default 0.02)
}

// DefaultThresholds are used when a policy names none.
var DefaultThresholds = Thresholds{Match: 0.90, Review: 0.70, TieMargin: 0.02}

// Reason is one feature that produced a candidate's score, as data;
// String renders it for people.
type Reason struct {
	Code   string  `json:"code"`             // e.g. "identifier_equal", "name_similarity", "country_agree"
	Detail string  `json:"detail,omitempty"` // e.g. the scheme, the compared name, the countries
	Value  float64 `json:"value,omitempty"`  // e.g. the similarity
}

// Candidate is one scored entity.
type Candidate struct {
	Entity      model.Entity
	Score       float64
	MatchedName string // the entity's name or alias that scored best
	Reasons     []Reason
}

// Result is the decision for one customer: Candidates best first (at most
// a few), Best the matched entity when Status is MATCHED.
type Result struct {
	Status     Status
	Best       *Candidate
	Candidates []Candidate
	// Reasons are about the customer rather than one candidate: an
	// identifier that failed its check or is not in the graph, a tie.
	Reasons []Reason
}
