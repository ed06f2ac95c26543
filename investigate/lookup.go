package investigate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

// ErrNoRun says the store holds no complete scoring run, so there is no
// verdict to explain.
var ErrNoRun = errors.New("nothing scored yet; run 'ubo score' first")

// NotScoredError says an entity has no result in the latest complete run
// (it was ingested after the run).
type NotScoredError struct{ EntityID, RunID string }

func (e NotScoredError) Error() string {
	return fmt.Sprintf("%s was not scored in run %s (ingested later? run 'ubo score')", e.EntityID, e.RunID)
}

// Store is what an investigation reads: entities and the graph around
// them, and the results of the latest complete run.
type Store interface {
	store.Lookup
	store.RunReader
}

// LatestResults returns the latest complete run (nil if none) and a lookup
// of its results.
func LatestResults(ctx context.Context, st store.RunReader) (*model.Run, ResultFn, error) {
	run, err := scoring.LatestComplete(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	if run == nil {
		return nil, func(string) (model.Result, bool) { return model.Result{}, false }, nil
	}
	return run, func(id string) (model.Result, bool) {
		r, err := st.Result(ctx, run.ID, id)
		return r, err == nil
	}, nil
}

// whatIfDepth bounds the upward neighbourhood re-scored for the what-if
// analysis of an indeterminate verdict; whatIfPerNode bounds its hubs.
const (
	whatIfDepth   = 8
	whatIfPerNode = 200
)

// Explain builds the explanation of e's verdict in the latest complete run:
// the stored result, the names of every entity it mentions, the
// aggregate-rule arithmetic over the direct holders and, for an
// indeterminate verdict, which unknown holders or share ranges could change
// it and to what (re-scoring the upward neighbourhood under the run's
// policy). No run: ErrNoRun; e not in the run: NotScoredError.
func Explain(ctx context.Context, st Store, e model.Entity) (*Explanation, error) {
	run, _, err := LatestResults(ctx, st)
	if err != nil {
		return nil, err
	}
	if run == nil {
		return nil, ErrNoRun
	}
	r, err := st.Result(ctx, run.ID, e.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, NotScoredError{EntityID: e.ID, RunID: run.ID}
	}
	if err != nil {
		return nil, err
	}
	x := &Explanation{Entity: e, Result: r, RunID: run.ID, Aggregate: r.Aggregate,
		Policy: run.Policy + "@" + run.PolicyHash, AsOf: run.AsOf, Names: map[string]string{e.ID: e.Name}}
	if aggregateUnrecorded(&r) {
		x.Notes = append(x.Notes, fmt.Sprintf("run %s was scored before ubo recorded the aggregate arithmetic with each result: run 'ubo score' again to see it", run.ID))
	}
	if err := x.addDetails(ctx, st, run); err != nil {
		return nil, err
	}
	x.Summarize()
	return x, nil
}

func (x *Explanation) addDetails(ctx context.Context, st Store, run *model.Run) error {
	r := x.Result
	depth := 1
	if r.Indeterminate {
		depth = whatIfDepth
	}
	sg, err := st.Neighbourhood(ctx, x.Entity.ID, store.Up, depth, whatIfPerNode)
	if err != nil {
		return err
	}
	for _, e := range sg.Entities {
		x.Names[e.ID] = e.Name
	}
	ids := append(append([]string{}, r.Controllers...), r.JointControllers...)
	if r.Aggregate != nil {
		for _, t := range r.Aggregate.Terms {
			ids = append(ids, t.HolderID)
		}
	}
	for _, ev := range r.Evidence {
		ids = append(ids, ev.Path...)
	}
	for _, id := range ids {
		if _, ok := x.Names[id]; ok {
			continue
		}
		if other, err := st.Entity(ctx, id); err == nil {
			x.Names[id] = other.Name
		}
	}
	if !r.Indeterminate {
		return nil
	}
	// The what-if analysis re-scores the neighbourhood: it needs the
	// run's policy itself, not only what the run recorded.
	pol, err := policy.Load(run.Policy)
	if err != nil || pol.Hash() != run.PolicyHash {
		x.Notes = append(x.Notes, fmt.Sprintf("policy %s@%s is not available to this command (a policy file?): the what-if analysis is left out", run.Policy, run.PolicyHash))
		return nil
	}
	asOf, err := time.Parse("2006-01-02", run.AsOf)
	if err != nil {
		return fmt.Errorf("run %s: as-of date %q: %w", run.ID, run.AsOf, err)
	}
	if len(sg.Truncated) > 0 {
		x.Notes = append(x.Notes, fmt.Sprintf("the what-if analysis looked at %d hops above the entity and at most %d links per entity; some links were left out", whatIfDepth, whatIfPerNode))
	}
	x.Uncertain, err = Uncertainties(sg, x.Entity.ID, pol, asOf)
	if err == nil && len(x.Uncertain) == 0 {
		// Indeterminate, yet no piece nor all of them together change the
		// verdict in the neighbourhood looked at: say so rather than list
		// pieces that would not change it.
		x.Notes = append(x.Notes, fmt.Sprintf("the what-if analysis (%d hops above the entity, up to %d single changes) found nothing that would change the verdict on its own or together; what leaves it open lies further up or in many small pieces", whatIfDepth, maxCounterfactuals))
	}
	return err
}

// Hit is one search result.
type Hit struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	Kind         string        `json:"kind"`
	Jurisdiction string        `json:"jurisdiction"`
	Verdict      model.Verdict `json:"verdict"`
	Flagged      bool          `json:"flagged"`
	// Indeterminate: the data leaves the verdict open; it could be PossibleVerdict.
	Indeterminate   bool          `json:"indeterminate"`
	PossibleVerdict model.Verdict `json:"possible_verdict,omitempty"`
	MatchedBy       string        `json:"matched_by"` // id, identifier or name
	Identifiers     []string      `json:"identifiers,omitempty"`
}

// Search finds up to limit entities for text: an exact id first, then an
// identifier (SCHEME:value, or a bare LEI, USCC or Companies House
// number), then names ranked by RankNames. Each hit carries its verdict in
// the latest complete run (empty when not scored). Never nil.
func Search(ctx context.Context, st Store, text string, limit int) ([]Hit, error) {
	_, result, err := LatestResults(ctx, st)
	if err != nil {
		return nil, err
	}
	hits := []Hit{}
	seen := map[string]bool{}
	add := func(e model.Entity, by string) {
		if seen[e.ID] || len(hits) >= limit {
			return
		}
		seen[e.ID] = true
		h := Hit{ID: e.ID, Name: e.Name, Kind: string(e.Kind), Jurisdiction: e.Jurisdiction,
			MatchedBy: by, Identifiers: e.Identifiers}
		if r, ok := result(e.ID); ok {
			h.Verdict, h.Flagged = r.Verdict, r.Flagged
			h.Indeterminate, h.PossibleVerdict = r.Indeterminate, r.PossibleVerdict
		}
		hits = append(hits, h)
	}
	for _, id := range idCandidates(text) {
		if e, err := st.Entity(ctx, id); err == nil {
			add(e, "id")
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	for _, ident := range identifierCandidates(text) {
		es, err := st.EntitiesByIdentifier(ctx, ident)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			add(e, "identifier")
		}
	}
	// Ask for more candidates than shown and rank them here, so both
	// stores give the same order.
	es, err := st.SearchNames(ctx, text, max(4*limit, 50))
	if err != nil {
		return nil, err
	}
	for _, e := range RankNames(text, es, store.FoldName) {
		add(e, "name")
	}
	return hits, nil
}

// idCandidates is text as an entity id, and with a lower-case prefix and
// an upper-case value ("LEI:5493…" → "lei:5493…"), as ubo's own ids of
// LEIs and company numbers are written.
func idCandidates(text string) []string {
	out := []string{text}
	if prefix, value, ok := strings.Cut(text, ":"); ok && prefix != "" && value != "" {
		if alt := strings.ToLower(prefix) + ":" + strings.ToUpper(value); alt != text {
			out = append(out, alt)
		}
	}
	return out
}

// identifierCandidates guesses which identifier schemes text could be:
// SCHEME:value normalised (aliases such as LEI → XI-LEI, company numbers
// padded), else a bare LEI, USCC or Companies House number.
func identifierCandidates(text string) []string {
	t := strings.ToUpper(strings.ReplaceAll(text, " ", ""))
	if scheme, value, ok := strings.Cut(t, ":"); ok && scheme != "" && value != "" {
		if id, err := norm.ParseIdentifier(t); err == nil {
			return []string{id}
		}
		return []string{scheme + ":" + value}
	}
	var out []string
	alnum := true
	digits := true
	for _, r := range t {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			alnum = false
		}
		if !unicode.IsDigit(r) {
			digits = false
		}
	}
	if !alnum {
		return nil
	}
	switch {
	case len(t) == 20:
		out = append(out, "XI-LEI:"+t)
	case len(t) == 18:
		out = append(out, "CN-USCC:"+t)
	}
	if len(t) <= 8 {
		num := t
		if digits {
			num = strings.Repeat("0", 8-len(t)) + t
		} else if len(t) > 2 && strings.Trim(t[2:], "0123456789") == "" {
			num = t[:2] + strings.Repeat("0", 8-len(t)) + t[2:]
		}
		out = append(out, "GB-COH:"+num)
	}
	return out
}
