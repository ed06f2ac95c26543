// Package export writes scored entities for downstream KYC systems as JSON
// Lines, CSV or BODS 0.4, streaming with constant memory (except BODS, which
// remembers the statements it already wrote), and atomically to a file.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ubo-project/ubo/internal/atomicfile"
	"github.com/ubo-project/ubo/internal/progress"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// Formats.
const (
	JSONL = "jsonl"
	CSV   = "csv"
	BODS  = "bods"
)

// Formats lists the formats, the default first (for --help and shell
// completion).
var Formats = []string{JSONL, CSV, BODS}

// Filter selects the exported entities. By default only flagged ones.
type Filter struct {
	All      bool            // every scored entity
	Verdicts []model.Verdict // only these verdicts (overrides the flagged default); any root verdict selects the roots
	// ChangedSince keeps only entities whose verdict differs from their
	// verdict in this (complete) run. With neither All nor Verdicts, an
	// entity flagged in either run qualifies, so a downstream system sees
	// newly cleared entities as well as newly flagged ones.
	ChangedSince string
}

// Options configure an export.
type Options struct {
	Format string
	Filter Filter
	Run    model.Run // the run whose results are exported
	// PublicationDate for BODS statements (YYYY-MM-DD); defaults to the run's end date.
	PublicationDate string
	// Progress, when set, receives the stage "export": the run's results
	// read (of Run.Entities) from 0, every 10,000 and at the end, with the records
	// exported so far.
	Progress progress.Reporter
}

// Record is one exported entity: the JSON Lines object, whose fields are
// the export schema (downstream systems parse them: add, never rename).
type Record struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	Aliases          []string       `json:"aliases"` // the entity's other names, any script
	Kind             string         `json:"kind"`
	Verdict          model.Verdict  `json:"verdict"`
	Indeterminate    bool           `json:"indeterminate"`
	ChineseShare     model.Interval `json:"chinese_share"`
	AggregateRule    AggregateRule  `json:"aggregate_rule"`
	Controllers      []string       `json:"controllers"`
	JointControllers []string       `json:"joint_controllers"`
	Evidence         []Evidence     `json:"evidence"`
	RunID            string         `json:"run_id"`
	Policy           string         `json:"policy"`

	// The entity and result the record is made of, for BODS; valid until
	// the encoder's write returns.
	entity *model.Entity
	result *model.Result
}

// AggregateRule is the aggregate 50% rule outcome, certain and possible.
type AggregateRule struct {
	Certain  bool `json:"certain"`
	Possible bool `json:"possible"`
}

// Evidence is one evidence path as exported.
type Evidence struct {
	Path        []string `json:"path"`
	Share       float64  `json:"share"`
	Explanation string   `json:"explanation"`
	// Truncated: the evidence search's work budget cut this path (it
	// stops short of a root, or a stronger one may exist); absent otherwise.
	Truncated bool `json:"truncated,omitempty"`
}

// encoder writes records in one format.
type encoder interface {
	begin() error
	write(rec *Record) error
	end() error
}

// Store is what an export reads: the entities, the results of the run
// exported (and of a changed-since run), and for BODS the holders of each
// entity it states.
type Store interface {
	store.GraphReader
	store.RunReader
	store.Lookup
}

// Write exports to w. It returns the number of records written.
func Write(ctx context.Context, st Store, w io.Writer, opts Options) (int, error) {
	var enc encoder
	switch opts.Format {
	case JSONL, "":
		enc = newJSONLEncoder(w)
	case CSV:
		enc = newCSVEncoder(w)
	case BODS:
		enc = newBODSEncoder(ctx, st, w, opts)
	default:
		return 0, fmt.Errorf("export: unknown format %q (want jsonl, csv or bods)", opts.Format)
	}
	if opts.Run.ID == "" {
		return 0, errors.New("export: no run to export")
	}
	if since := opts.Filter.ChangedSince; since != "" {
		if err := checkCompleteRun(ctx, st, since); err != nil {
			return 0, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// JSON Lines and CSV records name the entity by id, name and kind and
	// hold neither a result's explanation nor its evidence's hops; BODS
	// states them in full.
	bods := opts.Format == BODS
	results := resultCursor(ctx, st, opts.Run.ID, !bods)
	fields := store.ProjectSummary
	if bods {
		fields = store.ProjectAll
	}
	entities := entityCursor(ctx, st, fields)
	var before *cursor[model.Result]
	if opts.Filter.ChangedSince != "" {
		before = resultCursor(ctx, st, opts.Filter.ChangedSince, true) // verdicts and flags only
	}
	if err := enc.begin(); err != nil {
		return 0, err
	}
	n, read := 0, 0
	report := progress.Or(opts.Progress)
	reportRead := func(end bool) {
		report.Report(progress.Event{Stage: "export", Unit: "results", Done: read, Total: opts.Run.Entities,
			End: end, Counts: []progress.Count{{Name: "exported", N: n}}})
	}
	reportRead(false)
	var rec Record // reused: encoders keep nothing of it after write
	for ; results.ok; results.next() {
		if read > 0 && read%10000 == 0 {
			reportRead(false)
		}
		read++
		r := results.cur
		if before == nil {
			if !selected(r, opts.Filter) {
				continue
			}
		} else {
			old, had := seekResult(before, r.EntityID)
			if had && old.Verdict == r.Verdict {
				continue
			}
			if !selected(r, opts.Filter) && !(had && selectedDefault(old, opts.Filter)) {
				continue
			}
		}
		e, ok := seekEntity(entities, r.EntityID)
		if !ok {
			// Scored, then deleted by a reset or merge: export what we know.
			e = &model.Entity{ID: r.EntityID}
		}
		fillRecord(&rec, e, r, opts.Run)
		if err := enc.write(&rec); err != nil {
			return n, err
		}
		n++
	}
	cancel()
	if err := results.err(); err != nil && !errors.Is(err, context.Canceled) {
		return n, fmt.Errorf("export: read results: %w", err)
	}
	if err := entities.err(); err != nil && !errors.Is(err, context.Canceled) {
		return n, fmt.Errorf("export: read entities: %w", err)
	}
	if before != nil {
		if err := before.err(); err != nil && !errors.Is(err, context.Canceled) {
			return n, fmt.Errorf("export: read run %s: %w", opts.Filter.ChangedSince, err)
		}
	}
	if err := enc.end(); err != nil {
		return n, err
	}
	reportRead(true)
	return n, nil
}

func selected(r *model.Result, f Filter) bool {
	switch {
	case len(f.Verdicts) > 0:
		// A root verdict selects the roots whatever the policy calls them.
		return slices.ContainsFunc(f.Verdicts, func(v model.Verdict) bool {
			return v == r.Verdict || v.IsRoot() && r.Verdict.IsRoot()
		})
	case f.All:
		return true
	default:
		return r.Flagged
	}
}

// selectedDefault reports whether r was selected by the flagged default
// (neither All nor Verdicts given): a once-flagged entity whose verdict
// changed is part of a --changed-since delta even when cleared now.
func selectedDefault(r *model.Result, f Filter) bool {
	return !f.All && len(f.Verdicts) == 0 && r.Flagged
}

// ErrNoSuchRun is returned when a run named for export does not exist or is
// not complete.
var ErrNoSuchRun = errors.New("no such complete run")

// checkCompleteRun makes sure runID names a complete run: the results of a
// missing, running or failed run would silently turn every entity into a
// "change".
func checkCompleteRun(ctx context.Context, st store.RunReader, runID string) error {
	runs, err := st.Runs(ctx)
	if err != nil {
		return fmt.Errorf("export: list runs: %w", err)
	}
	for _, r := range runs {
		if r.ID != runID {
			continue
		}
		if r.Status != model.RunComplete {
			return fmt.Errorf("export: changed since run %q: the run is %s, not complete: %w", runID, r.Status, ErrNoSuchRun)
		}
		return nil
	}
	return fmt.Errorf("export: changed since run %q: %w", runID, ErrNoSuchRun)
}

// fillRecord makes rec the record of entity e with result r, reusing rec's
// evidence slice.
func fillRecord(rec *Record, e *model.Entity, r *model.Result, run model.Run) {
	evidence := rec.Evidence[:0]
	if evidence == nil {
		evidence = make([]Evidence, 0, 8)
	}
	for _, ev := range r.Evidence {
		evidence = append(evidence, Evidence{Path: nonNil(ev.Path), Share: ev.Share, Explanation: ev.Explanation,
			Truncated: ev.Truncated})
	}
	*rec = Record{
		ID: e.ID, Name: e.Name, Aliases: nonNil(e.Aliases), Kind: string(e.Kind),
		Verdict: r.Verdict, Indeterminate: r.Indeterminate,
		ChineseShare:     r.ChineseShare,
		AggregateRule:    AggregateRule{Certain: r.AggregateCertain, Possible: r.AggregatePossible},
		Controllers:      nonNil(r.Controllers),
		JointControllers: nonNil(r.JointControllers),
		Evidence:         evidence,
		RunID:            run.ID,
		Policy:           run.Policy,
		entity:           e,
		result:           r,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteFile exports atomically: a temporary file in the same directory is
// renamed over path only when the whole export succeeded. The file is
// readable as the umask allows (KYC pickups often run as other users).
func WriteFile(ctx context.Context, st Store, path string, opts Options) (int, error) {
	var n int
	var writeErr error
	err := atomicfile.Write(path, func(w io.Writer) error {
		n, writeErr = Write(ctx, st, w, opts)
		return writeErr
	})
	// Name the file the user asked for: a failed write names only the
	// temporary file, which is gone by now.
	if err != nil && !strings.Contains(err.Error(), path) {
		err = fmt.Errorf("export %s: %w", path, err)
	}
	return n, err
}
