package screen

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// ErrNoRun says the store holds no complete scoring run, so a matched
// customer would have no verdict to report.
var ErrNoRun = errors.New("nothing scored yet; run 'ubo score' first")

// Store is what screening reads: candidates for the matcher, the runs and
// the results of the latest complete one.
type Store interface {
	match.Candidates
	Runs(ctx context.Context) ([]model.Run, error)
	RunResults(runID string) store.ResultReader
}

// Screener matches customers and attaches the verdicts of one run.
type Screener struct {
	m       *match.Matcher
	results store.ResultReader // of run
	run     model.Run
	label   string // policy name@hash
}

// New returns a Screener over the latest complete run of st; ErrNoRun when
// there is none.
func New(ctx context.Context, st Store, th match.Thresholds) (*Screener, error) {
	runs, err := st.Runs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	for _, r := range runs { // newest first
		if r.Status == model.RunComplete {
			return &Screener{m: match.New(st, th), results: st.RunResults(r.ID), run: r, label: r.Policy + "@" + r.PolicyHash}, nil
		}
	}
	return nil, ErrNoRun
}

// Run is the scoring run whose verdicts the rows carry.
func (s *Screener) Run() model.Run { return s.run }

// DefaultWorkers is how many customers a Screener matches at a time.
const DefaultWorkers = 4

// Screen answers a batch, in input order (the HTTP API's POST /match).
func (s *Screener) Screen(ctx context.Context, customers []match.Customer) ([]Row, error) {
	rows := make([]Row, len(customers))
	if err := s.rows(ctx, customers, rows, DefaultWorkers); err != nil {
		return nil, err
	}
	return rows, nil
}

// Latest screens each batch with the latest complete run at the time, so
// a long-running server reports the verdicts of a run scored after it
// started. It keeps one Screener while the latest run stays the same.
type Latest struct {
	st Store
	th match.Thresholds
	mu sync.Mutex
	sc *Screener
}

// NewLatest returns a Latest over st; a batch screened while st has no
// complete run fails with ErrNoRun.
func NewLatest(st Store, th match.Thresholds) *Latest { return &Latest{st: st, th: th} }

// Screen implements the HTTP API's screener.
func (l *Latest) Screen(ctx context.Context, customers []match.Customer) ([]Row, error) {
	sc, err := New(ctx, l.st, l.th)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if l.sc == nil || l.sc.run.ID != sc.run.ID {
		l.sc = sc
	}
	sc = l.sc
	l.mu.Unlock()
	return sc.Screen(ctx, customers)
}

// Row matches one customer and renders its result row.
func (s *Screener) Row(ctx context.Context, c match.Customer) (Row, error) {
	res, err := s.m.Match(ctx, c)
	if err != nil {
		return Row{}, err
	}
	return s.row(ctx, c, res)
}

// row renders a customer's match with the verdicts of the run.
func (s *Screener) row(ctx context.Context, c match.Customer, res match.Result) (Row, error) {
	row := Row{CustomerID: c.CustomerID, Status: string(res.Status), RunID: s.run.ID, Policy: s.label,
		Reasons: []string{}, Candidates: []CandidateRow{}}
	// The best candidate is one of the candidates: its result is read once.
	type found struct {
		r  model.Result
		ok bool
	}
	results := make(map[string]found, len(res.Candidates))
	for _, cand := range res.Candidates {
		cr := CandidateRow{EntityID: cand.Entity.ID, Name: cand.Entity.Name, Score: cand.Score}
		r, ok, err := s.result(ctx, cand.Entity.ID)
		if err != nil {
			return Row{}, err
		}
		results[cand.Entity.ID] = found{r, ok}
		if ok {
			cr.Verdict = r.Verdict
		}
		row.Candidates = append(row.Candidates, cr)
	}
	var top *match.Candidate
	if len(res.Candidates) > 0 {
		top = &res.Candidates[0]
		row.Score = top.Score
		row.Reasons = append(row.Reasons, match.Strings(top.Reasons)...)
	}
	row.Reasons = append(row.Reasons, match.Strings(res.Reasons)...)
	switch res.Status {
	case match.Matched:
		best := res.Best
		row.EntityID, row.EntityName, row.MatchedName = best.Entity.ID, best.Entity.Name, best.MatchedName
		f, seen := results[best.Entity.ID]
		if !seen {
			var err error
			if f.r, f.ok, err = s.result(ctx, best.Entity.ID); err != nil {
				return Row{}, err
			}
		}
		r := f.r
		if !f.ok {
			row.Explanation = fmt.Sprintf("matched %s, which run %s did not score (ingested later? run 'ubo score')", best.Entity.ID, s.run.ID)
			break
		}
		row.Verdict, row.Indeterminate, row.Flagged = r.Verdict, r.Indeterminate, r.Flagged
		row.ChineseShare = &Share{Min: r.ChineseShare.Min, Max: r.ChineseShare.Max}
		row.Explanation = r.Explanation
		if row.Explanation == "" && len(r.Evidence) > 0 {
			row.Explanation = r.Evidence[0].Explanation
		}
	case match.Review:
		row.Explanation = fmt.Sprintf("%d candidate(s) need a person to decide; none is reported as this customer's verdict", len(res.Candidates))
	case match.NoMatch:
		row.Explanation = fmt.Sprintf("no entity in the graph matches (no candidate scored %.2f or more); the customer's ownership is unknown, not clear", s.m.Thresholds().Review)
	}
	return row, nil
}

func (s *Screener) result(ctx context.Context, id string) (model.Result, bool, error) {
	r, err := s.results.Result(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return model.Result{}, false, nil
	}
	if err != nil {
		return model.Result{}, false, fmt.Errorf("result of %s in run %s: %w", id, s.run.ID, err)
	}
	return r, true, nil
}
