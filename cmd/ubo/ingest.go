package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/resolve"
	"github.com/ubo-project/ubo/store"
)

// ingestSubcommands are added by each source's file (ingest_<source>.go).
var ingestSubcommands []func(*globalOptions) *cobra.Command

// registerIngest adds a `ubo ingest SOURCE` subcommand; call it from init.
// The subcommand's RunE calls runIngest, which reads the shared --rejects.
func registerIngest(f func(*globalOptions) *cobra.Command) {
	ingestSubcommands = append(ingestSubcommands, f)
}

func init() { register(newIngestCmd) }

func newIngestCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest SOURCE FILES...",
		Short: "Load a source (gleif, psc, bods, ftm, icij, csv) into the store",
		Long: `Load registry data into the store. Every source streams its files with constant memory, and
re-running the same files changes nothing. Records that cannot be used are written to a rejects
file (file, line, field, reason) — never dropped silently — and the command then exits 4.
At the end one summary line says how many records were read, written and rejected, and the
path of the rejects file. Without --rejects each run that rejects something writes a new
<source>-rejects-<UTC time>.csv in the working directory, and no run ever removes or replaces
an earlier one; with --rejects FILE that file is always written (only its header row when
nothing was rejected). Rejects files get the mode a new file gets under the umask.

Before the store is opened every input is checked by its content (XML root element, JSON keys,
CSV header): a file that is empty, binary, or plainly another format (a PSC snapshot given to
gleif, XML given to psc, bods or ftm) is refused with exit 2, naming the file, what it looks like
and the ingestor to use.

Records are committed in batches as they are read. An ingest that fails part way (a truncated
.gz, an unreadable file) exits 1 and says how many entity and relationship records the store keeps
from before the error; re-running with the complete input is idempotent.

--snapshot says the files are the whole of what the source asserts today (a full GLEIF golden
copy, a complete PSC snapshot, an OpenSanctions export). Once every file was read, what the
source asserted before and no longer asserts is retired in one transaction, as of --snapshot-date
(default today, UTC): its relationships are ended on that date (kept for history: scoring --as-of
an earlier date still sees them), the list tags its previous snapshot gave an entity and this one
does not become ubo.retired:<date>:<tag> (unless another source gives them), and entities only
this source knew become inactive (the list tag ubo.inactive:<date>: from that date on such an
entity is no Chinese root and, its relationships ended, scores CLEAR). An ingest that fails part way
retires nothing. Give every file of the source in the one run (GLEIF: LEI, relationship and
reporting-exception files): what the run does not read, and records it rejects, count as no longer
asserted. List tags are compared with the source's previous --snapshot ingest: the first snapshot
retires no list tags.`,
		Example: `  ubo ingest psc --snapshot psc-snapshot-2026-11-02_*.txt
  ubo ingest gleif --snapshot --snapshot-date 2026-11-02 lei2.xml.zip rr.xml.zip repex.xml.zip`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("ingest: name a source: %s", ingestSourceNames(cmd))
		},
	}
	cmd.PersistentFlags().String("rejects", "",
		"file for rejected records, always written (header only when none); default: a new\n"+
			"<source>-rejects-<UTC time>.csv in the working directory, only when there are rejects")
	cmd.PersistentFlags().Bool("snapshot", false,
		"the files are a full snapshot of the source: retire what it asserted before and no longer does")
	cmd.PersistentFlags().String("snapshot-date", "",
		"the date (YYYY-MM-DD) retired relationships end and entities become inactive (default today, UTC; needs --snapshot)")
	for _, f := range ingestSubcommands {
		sub := f(g)
		addExitStatus(sub)
		cmd.AddCommand(sub)
	}
	return cmd
}

func ingestSourceNames(cmd *cobra.Command) string {
	s := ""
	for i, c := range cmd.Commands() {
		if i > 0 {
			s += ", "
		}
		s += c.Name()
	}
	return s
}

// checkInputs refuses, as a usage error (exit 2) before the store is
// opened, an input that is empty or not the source's format (a PSC
// snapshot given to gleif, XML given to psc): otherwise the parser would
// fail with its own wording, or reject every line and exit 4.
func checkInputs(source string, paths []string) error {
	for _, p := range paths {
		if err := ingest.CheckFormat(source, p); err != nil {
			return usageError{fmt.Errorf("ingest %s: %w", source, err)}
		}
	}
	return nil
}

// runIngest is the one path every source takes: check the inputs
// (checkInputs), open the store, write
// through an ingest.Writer, print the summary line, and turn rejects into
// exit code 4.
func runIngest(cmd *cobra.Command, g *globalOptions, source string, inputs []string, parse func(ctx context.Context, sink ingest.Sink) error) error {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkInputs(source, inputs); err != nil {
		return err
	}
	rejects, named := ingestRejectsPath(cmd, source, time.Now())
	snap, err := ingestSnapshotOptions(cmd, time.Now())
	if err != nil {
		return err
	}
	return g.withNewStore(ctx, func(st store.Store) error {
		if err := st.Init(ctx); err != nil {
			return fmt.Errorf("ingest %s: prepare store: %w", source, err)
		}
		wopts := ingest.WriterOptions{Source: source, RejectsPath: rejects, RejectsNamed: named, Context: ctx, Snapshot: snap.gen}
		if g.stderrIsTerminal() {
			wopts.Progress = g.ErrOut
		}
		w := ingest.NewWriter(st, wopts)
		parseErr := parse(ctx, w)
		stats, closeErr := w.Close(ctx)
		if err := joinOnce(parseErr, closeErr); err != nil {
			// Batches are committed as they fill, so a run that fails part way
			// (a truncated .gz) leaves what it wrote before the error in the
			// store: say exactly what, rather than let the exit code suggest
			// nothing was kept.
			reportPartialIngest(ctx, g, st, source, stats, w, closeErr == nil)
			// Parsers already say "ingest <source>: file: line N: ..."; add the
			// prefix only where they did not.
			if strings.HasPrefix(err.Error(), "ingest "+source+":") {
				return err
			}
			return fmt.Errorf("ingest %s: %w", source, err)
		}
		// Resolution runs over the whole store, so the same company named by
		// different sources ends up one entity whatever order files arrive in.
		rep, err := resolve.Resolve(ctx, st)
		if err != nil {
			return fmt.Errorf("ingest %s: resolve identifiers: %w", source, err)
		}
		logAmbiguousRecords(g, w)
		for _, a := range rep.Ambiguous {
			g.logger().Warn("ambiguous identifiers: entities left unmerged", "entities", a.String())
		}
		if snap.gen != 0 {
			// After resolution, so that an entity merged with another source's
			// record is no longer taken for one only this source knows.
			rs, err := ingest.RetireSnapshot(ctx, st, source, snap.gen, snap.date)
			if err != nil {
				return fmt.Errorf("ingest %s: snapshot of %s: nothing was retired: %w", source, snap.date, err)
			}
			fmt.Fprintf(g.ErrOut, "ingest %s: snapshot of %s: ended %d relationship(s), %d entity(ies) inactive, %d reactivated, %d list tag(s) retired\n",
				source, snap.date, rs.Relationships, rs.Entities, rs.Reactivated, rs.ListTags)
		}
		if len(w.Deltas()) > 0 {
			ds, err := w.ApplyDeltas(ctx)
			if err != nil {
				return fmt.Errorf("ingest %s: apply the delta's deletions: none was applied: %w", source, err)
			}
			fmt.Fprintf(g.ErrOut, "ingest %s: delta: %d record change(s): %d entity(ies) inactive, %d reactivated, %d list tag(s) retired\n",
				source, len(w.Deltas()), ds.Entities, ds.Reactivated, ds.ListTags)
		}
		rejects = w.RejectsPath()
		rejectsNote := "none"
		if rejects != "" {
			rejectsNote = rejects
		}
		fmt.Fprintf(g.ErrOut, "ingest %s: read %d, written %d entities and %d relationships, rejected %d (rejects: %s); resolved %d merge(s), %d ambiguous\n",
			source, stats.Read, stats.Entities, stats.Relationships, stats.Rejected, rejectsNote, len(rep.Merges), stats.Ambiguous+len(rep.Ambiguous))
		if stats.Rejected > 0 {
			return rejectsError{Rejected: stats.Rejected, RejectsFile: rejects}
		}
		return nil
	})
}

// joinOnce joins the parser's and the Writer's errors, but says a store
// error once: a failed store write stops the parser, which returns it, and
// Close returns it again.
func joinOnce(parseErr, closeErr error) error {
	if parseErr == nil || closeErr == nil {
		return errors.Join(parseErr, closeErr)
	}
	parts := []error{closeErr}
	if j, ok := closeErr.(interface{ Unwrap() []error }); ok {
		parts = j.Unwrap()
	}
	for _, p := range parts {
		if !errors.Is(parseErr, p) {
			return errors.Join(parseErr, closeErr)
		}
	}
	return parseErr
}

// reportPartialIngest prints what a failed ingest left in the store. When
// every store write went through (storeOK: the error was in the input),
// resolution still runs over what was written, so the records kept are in
// the state any ingest leaves them in.
func reportPartialIngest(ctx context.Context, g *globalOptions, st store.Store, source string, stats ingest.Stats, w *ingest.Writer, storeOK bool) {
	rejectsNote := "none"
	if p := w.RejectsPath(); p != "" {
		rejectsNote = p
	}
	if stats.Entities == 0 && stats.Relationships == 0 {
		fmt.Fprintf(g.ErrOut, "ingest %s: failed; nothing was written to the store (read %d, rejected %d, rejects: %s)\n",
			source, stats.Read, stats.Rejected, rejectsNote)
		return
	}
	logAmbiguousRecords(g, w)
	resolved := "identifier resolution did not run (a store write failed)"
	if storeOK {
		rep, err := resolve.Resolve(ctx, st)
		if err != nil {
			resolved = "identifier resolution failed: " + err.Error()
		} else {
			for _, a := range rep.Ambiguous {
				g.logger().Warn("ambiguous identifiers: entities left unmerged", "entities", a.String())
			}
			resolved = fmt.Sprintf("resolved %d merge(s), %d ambiguous", len(rep.Merges), stats.Ambiguous+len(rep.Ambiguous))
		}
	}
	fmt.Fprintf(g.ErrOut, "ingest %s: FAILED part way; the store keeps what was written before the error: %d entity and %d relationship records "+
		"(read %d, rejected %d, rejects: %s); %s. Re-run with the complete input: ingesting is idempotent, it adds what is missing and duplicates nothing.\n",
		source, stats.Entities, stats.Relationships, stats.Read, stats.Rejected, rejectsNote, resolved)
}

// logAmbiguousRecords warns about each record the parser kept apart from
// one it could be taken for (a PSC id naming a person and a company).
func logAmbiguousRecords(g *globalOptions, w *ingest.Writer) {
	for _, a := range w.Ambiguities() {
		g.logger().Warn("ambiguous record: kept as an entity of its own", "record", a.String())
	}
}

// snapshotOptions are --snapshot and --snapshot-date: gen is 0 without
// --snapshot.
type snapshotOptions struct {
	gen  int64
	date string
}

// ingestSnapshotOptions reads --snapshot and --snapshot-date. The
// generation is the time in nanoseconds, larger than any earlier snapshot's.
func ingestSnapshotOptions(cmd *cobra.Command, now time.Time) (snapshotOptions, error) {
	on, _ := cmd.Flags().GetBool("snapshot")
	date, _ := cmd.Flags().GetString("snapshot-date")
	if !on {
		if date != "" {
			return snapshotOptions{}, usagef("--snapshot-date needs --snapshot")
		}
		return snapshotOptions{}, nil
	}
	if date == "" {
		date = now.UTC().Format(time.DateOnly)
	} else if _, err := time.Parse(time.DateOnly, date); err != nil {
		return snapshotOptions{}, usagef("--snapshot-date %q: want a date like 2026-11-02", date)
	}
	return snapshotOptions{gen: now.UnixNano(), date: date}, nil
}

// ingestRejectsPath is the inherited --rejects flag (named: the user chose
// it), else a name of ubo's own for this run, <source>-rejects-<UTC
// time>.csv in the working directory: one per run, so that a clean run
// never has to remove an older run's file to keep it from misleading.
func ingestRejectsPath(cmd *cobra.Command, source string, now time.Time) (path string, named bool) {
	if f := cmd.Flags().Lookup("rejects"); f != nil && f.Value.String() != "" {
		return f.Value.String(), true
	}
	return source + "-rejects-" + now.UTC().Format("20060102T150405Z") + ".csv", false
}
