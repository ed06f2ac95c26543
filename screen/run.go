package screen

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/ubo-project/ubo/internal/progress"
	"github.com/ubo-project/ubo/match"
)

// Summary counts one screening.
type Summary struct {
	Rows     int `json:"rows"` // rows written (rejected rows are not)
	Matched  int `json:"matched"`
	Review   int `json:"review"`
	NoMatch  int `json:"no_match"`
	Flagged  int `json:"flagged"` // MATCHED rows whose verdict the policy flags
	Rejected int `json:"rejected"`
	// RejectsFile is where rejected rows were written ("" when nowhere).
	RejectsFile string `json:"rejects_file,omitempty"`
	RunID       string `json:"run_id"`
	Policy      string `json:"policy"`
}

// RowWriter writes result rows.
type RowWriter interface {
	Write(Row) error
	Flush() error
}

// Options tune a screening.
type Options struct {
	// Workers match this many customers at once (default 4); rows are still
	// written in input order.
	Workers int
	// Reject receives each unreadable row (nil: counted only).
	Reject func(Reject) error
	// Progress, when set, receives the stage "screen": the rows read from
	// 0 and after each batch, with the rows matched, flagged and rejected so far, and
	// a final event at the end.
	Progress progress.Reporter
}

// batchSize customers are read, matched in parallel and written before
// the next are read, so memory does not grow with the file.
const batchSize = 256

// Screen reads every customer from rd, matches it and writes its row to w
// in input order.
func (s *Screener) ScreenAll(ctx context.Context, rd *Reader, w RowWriter, opts Options) (Summary, error) {
	sum := Summary{RunID: s.run.ID, Policy: s.label}
	workers := opts.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	customers := make([]match.Customer, 0, batchSize)
	rows := make([]Row, batchSize)
	read := 0
	report := progress.Or(opts.Progress)
	reportRead := func(end bool) {
		report.Report(progress.Event{Stage: "screen", Unit: "rows", Done: read, End: end, Counts: []progress.Count{
			{Name: "matched", N: sum.Matched}, {Name: "flagged", N: sum.Flagged}, {Name: "rejected", N: sum.Rejected}}})
	}
	reportRead(false)
	for done := false; !done; {
		customers = customers[:0]
		for len(customers) < batchSize {
			c, _, err := rd.Next()
			if errors.Is(err, io.EOF) {
				done = true
				break
			}
			var rej *Reject
			if errors.As(err, &rej) {
				read++
				sum.Rejected++
				if opts.Reject != nil {
					if err := opts.Reject(*rej); err != nil {
						return sum, err
					}
				}
				continue
			}
			if err != nil {
				return sum, err
			}
			read++
			customers = append(customers, c)
		}
		if err := s.rows(ctx, customers, rows, workers); err != nil {
			return sum, err
		}
		for _, r := range rows[:len(customers)] {
			if err := w.Write(r); err != nil {
				return sum, fmt.Errorf("write row %s: %w", r.CustomerID, err)
			}
			sum.Rows++
			switch match.Status(r.Status) {
			case match.Matched:
				sum.Matched++
				if r.Flagged {
					sum.Flagged++
				}
			case match.Review:
				sum.Review++
			default:
				sum.NoMatch++
			}
		}
		if !done {
			reportRead(false)
		}
	}
	if err := w.Flush(); err != nil {
		return sum, err
	}
	reportRead(true)
	return sum, nil
}

// rows screens customers into rows[:len(customers)]: workers goroutines
// each match one contiguous part of them (in one call to the store where
// it answers many at once) and render its rows.
func (s *Screener) rows(ctx context.Context, customers []match.Customer, rows []Row, workers int) error {
	g, gctx := errgroup.WithContext(ctx)
	per := max(1, (len(customers)+workers-1)/workers)
	for lo := 0; lo < len(customers); lo += per {
		part := customers[lo:min(lo+per, len(customers))]
		g.Go(func() error {
			results, err := s.m.MatchAll(gctx, part)
			if err != nil {
				return err
			}
			for i, res := range results {
				if rows[lo+i], err = s.row(gctx, part[i], res); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// NewJSONLWriter writes one JSON object per row.
func NewJSONLWriter(w io.Writer) RowWriter { return &jsonlWriter{enc: json.NewEncoder(w)} }

type jsonlWriter struct{ enc *json.Encoder }

func (j *jsonlWriter) Write(r Row) error { return j.enc.Encode(r) }
func (j *jsonlWriter) Flush() error      { return nil }

// CSVCandidates is how many candidates a CSV row has columns for.
const CSVCandidates = 3

// CSVHeader are the columns of CSV output: the row's fields, reasons
// joined with "; ", the share as two columns and each candidate as four.
func CSVHeader() []string {
	h := []string{"customer_id", "status", "score", "entity_id", "entity_name", "matched_name", "reasons",
		"verdict", "indeterminate", "flagged", "chinese_share_min", "chinese_share_max", "explanation"}
	for i := 1; i <= CSVCandidates; i++ {
		p := "candidate_" + strconv.Itoa(i) + "_"
		h = append(h, p+"entity_id", p+"name", p+"score", p+"verdict")
	}
	return append(h, "run_id", "policy")
}

// NewCSVWriter writes rows as CSV under CSVHeader.
func NewCSVWriter(w io.Writer) RowWriter { return &csvWriter{w: csv.NewWriter(w)} }

type csvWriter struct {
	w      *csv.Writer
	header bool
}

func (c *csvWriter) Write(r Row) error {
	if !c.header {
		c.header = true
		if err := c.w.Write(CSVHeader()); err != nil {
			return err
		}
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	smin, smax := "", ""
	if r.ChineseShare != nil {
		smin, smax = num(r.ChineseShare.Min), num(r.ChineseShare.Max)
	}
	rec := []string{r.CustomerID, r.Status, num(r.Score), r.EntityID, r.EntityName, r.MatchedName,
		strings.Join(r.Reasons, "; "), string(r.Verdict), strconv.FormatBool(r.Indeterminate), strconv.FormatBool(r.Flagged),
		smin, smax, r.Explanation}
	for i := 0; i < CSVCandidates; i++ {
		if i < len(r.Candidates) {
			cd := r.Candidates[i]
			rec = append(rec, cd.EntityID, cd.Name, num(cd.Score), string(cd.Verdict))
		} else {
			rec = append(rec, "", "", "", "")
		}
	}
	rec = append(rec, r.RunID, r.Policy)
	return c.w.Write(rec)
}

func (c *csvWriter) Flush() error {
	if !c.header {
		c.header = true
		if err := c.w.Write(CSVHeader()); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}
