package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/demo"
	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newDemoCmd) }

type demoOptions struct {
	Keep  bool
	Force bool
}

func newDemoCmd(g *globalOptions) *cobra.Command {
	opts := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Load a bundled fictional sample (GLEIF, UK PSC, BODS, FtM), score it and show the flags",
		Long: `Demo ingests a small bundled sample registry — fictional companies in the real GLEIF (LEI-CDF,
RR-CDF, reporting exceptions), UK PSC snapshot, BODS 0.4 and FollowTheMoney shapes — into a fresh
embedded store, resolves entities that the sources name by the same identifier, scores everything
with the default policy and prints the flagged entities, one line of explanation each, then the
commands to try next.

Without --db the store lives in a temporary directory that is deleted when the demo exits (keep it
with --keep). It never uses UBO_DB or NEO4J_URI: name the store with --db to load the demo there
(a path, or a Neo4j URI); a store that already holds data is refused unless --force, which adds the
demo records to it (nothing is deleted).`,
		Example: `  go run ./cmd/ubo demo
  ubo demo --keep
  ubo demo --db demo.db && ubo explain lei:213800TPH2GB8R5W1Q22 --db demo.db`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runDemo(cmd, g, opts) },
	}
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "keep the temporary store and print its path")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "load into a --db store that already holds data")
	return cmd
}

func runDemo(cmd *cobra.Command, g *globalOptions, opts *demoOptions) (err error) {
	ctx := cmd.Context()
	named := cmd.Flags().Changed("db")
	if !named {
		dir, err := os.MkdirTemp("", "ubo-demo-")
		if err != nil {
			return fmt.Errorf("demo: temporary directory: %w", err)
		}
		if !opts.Keep {
			defer os.RemoveAll(dir)
		}
		g.DB = filepath.Join(dir, "ubo.db")
	} else if opts.Keep {
		return usagef("demo: --keep applies to the temporary store; a --db store is always kept")
	}
	kept := named || opts.Keep

	return g.withNewStore(ctx, func(st store.Store) error {
		if err := st.Init(ctx); err != nil {
			return fmt.Errorf("demo: prepare store: %w", err)
		}
		if named && !opts.Force {
			status, err := st.Status(ctx)
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if n := sumCounts(status.Entities); n > 0 {
				return usagef("demo: the store %s already holds %d entities; use a new path, or --force to add the demo to it", displayDB(g.DB), n)
			}
		}

		loaded, err := demo.Load(ctx, st, demo.Options{Log: g.Log})
		if err != nil {
			return err
		}
		pol := policy.Default()
		out, err := scoring.Run(ctx, st, scoring.Options{Policy: pol})
		if err != nil {
			return err
		}
		rows, err := screenDemoCustomers(ctx, st)
		if err != nil {
			return err
		}
		return printDemo(ctx, g.Out, st, loaded, out.Run, demoReport{DB: g.DB, Kept: kept, Named: named, Screened: rows})
	})
}

// screenDemoCustomers screens the bundled customer list against the run
// just made.
func screenDemoCustomers(ctx context.Context, st store.Store) ([]screen.Row, error) {
	data, err := demo.Open(demo.CustomersFile)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	sc, err := screen.New(ctx, st, match.DefaultThresholds)
	if err != nil {
		return nil, fmt.Errorf("demo: screen: %w", err)
	}
	rd, err := screen.NewReader(bytes.NewReader(data), demo.CustomersFile, screen.CSV)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var rows rowList
	if _, err := sc.ScreenAll(ctx, rd, &rows, screen.Options{}); err != nil {
		return nil, fmt.Errorf("demo: screen: %w", err)
	}
	return rows, nil
}

type rowList []screen.Row

func (l *rowList) Write(r screen.Row) error { *l = append(*l, r); return nil }
func (l *rowList) Flush() error             { return nil }

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// displayDB is the store location safe to print (no credentials).
func displayDB(db string) string {
	if isNeo4jURI(db) {
		return store.RedactURI(db)
	}
	return db
}

type demoReport struct {
	DB       string
	Kept     bool
	Named    bool
	Screened []screen.Row // the bundled customer list, screened
}

// demoRow is one line of the demo's tables.
type demoRow struct {
	Verdict, Could model.Verdict
	ID, Name, Why  string
	PathLen        int // rank of the strongest evidence path: its length, then its sources
}

// printDemo writes what the demo found: where the data went, the flagged
// entities, the indeterminate ones and the commands to try next.
func printDemo(ctx context.Context, w io.Writer, st store.Store, loaded demo.Loaded, run model.Run, rep demoReport) error {
	var flagged, open []demoRow
	unknownOpen := 0
	err := st.EachResult(ctx, run.ID, func(r *model.Result) error {
		if !r.Flagged && !r.Indeterminate {
			return nil
		}
		e, err := st.Entity(ctx, r.EntityID)
		if err != nil {
			return fmt.Errorf("demo: entity %s: %w", r.EntityID, err)
		}
		if !r.Flagged && e.Kind == model.Unknown {
			unknownOpen++
			return nil // an undisclosed holder is the cause of indeterminacy, not its subject
		}
		row := demoRow{Verdict: r.Verdict, ID: r.EntityID, Name: e.Name, Could: r.PossibleVerdict, Why: oneLine(r)}
		if len(r.Evidence) > 0 {
			// longer paths first, then paths crossing more sources
			sources := map[string]bool{}
			for _, h := range r.Evidence[0].Hops {
				sources[h.Source] = true
			}
			row.PathLen = 10*len(r.Evidence[0].Path) + len(sources)
		}
		if r.Flagged {
			flagged = append(flagged, row)
		} else {
			open = append(open, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	byVerdict := func(a, b demoRow) int {
		if d := a.Verdict.Rank() - b.Verdict.Rank(); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	}
	slices.SortFunc(flagged, byVerdict)
	slices.SortFunc(open, byVerdict)

	var b strings.Builder
	b.WriteString("ubo demo: a fictional sample registry in four real source shapes, loaded into ")
	if rep.Named {
		fmt.Fprintf(&b, "%s\n", displayDB(rep.DB))
	} else {
		b.WriteString("a temporary embedded store\n")
	}
	for _, s := range loaded.Sources {
		fmt.Fprintf(&b, "  %-6s read %d records, wrote %d entities and %d relationships\n",
			s.Source, s.Read, s.Entities, s.Relationships)
	}
	fmt.Fprintf(&b, "  resolve: %d records merged into entities other sources name by the same identifier\n", loaded.Merged)
	fmt.Fprintf(&b, "Scored with policy %s (%s): %d entities, %d relationships; run %s, as of %s.\n\n",
		run.Policy, run.PolicyHash, run.Entities, run.Edges, run.ID, run.AsOf)

	fmt.Fprintf(&b, "Flagged entities (%d):\n", len(flagged))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERDICT\tID\tNAME\tWHY")
	for _, r := range flagged {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Verdict, r.ID, r.Name, r.Why)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\n%d flagged (%s); %d indeterminate", len(flagged), formatCounts(flaggedCounts(run)), run.Indeterminate)
	if unknownOpen > 0 {
		fmt.Fprintf(&b, " (%d of them undisclosed holders themselves)", unknownOpen)
	}
	b.WriteString(".\n")
	if len(open) > 0 {
		fmt.Fprintf(&b, "\nNot flagged on the known facts, but the data leaves it open (%d):\n", len(open))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "VERDICT\tCOULD BE\tID\tNAME\tWHY")
		for _, r := range open {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Verdict, r.Could, r.ID, r.Name, r.Why)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	if len(rep.Screened) > 0 {
		fmt.Fprintf(&b, "\nScreening a sample customer list (%d customers, as 'ubo screen CUSTOMERS.csv' does):\n", len(rep.Screened))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CUSTOMER\tSTATUS\tSCORE\tENTITY\tVERDICT\tWHY")
		for _, r := range rep.Screened {
			entity, verdict := r.EntityID, r.Verdict
			if r.Status == string(match.Review) && len(r.Candidates) > 0 {
				entity = r.Candidates[0].EntityID + "?"
				if more := len(r.Candidates) - 1; more > 0 {
					entity += fmt.Sprintf(" (+%d more)", more)
				}
			}
			if entity == "" {
				entity, verdict = "-", "-"
			}
			if verdict == "" {
				verdict = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%s\t%s\n", r.CustomerID, r.Status, r.Score, entity, verdict, strings.Join(r.Reasons, "; "))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	db := rep.DB
	if !rep.Kept {
		db = "demo.db"
		b.WriteString("\nThe temporary store is deleted now. Keep one to explore: ubo demo --db demo.db (or --keep), then try:\n")
	} else {
		b.WriteString("\nNext commands to try:\n")
	}
	flag := " --db " + shellQuote(displayDB(db))
	cmds := demoNextCommands(flagged, open)
	for _, c := range cmds {
		fmt.Fprintf(&b, "  ubo %s%s\n", c, flag)
	}
	// The page draws what chain and explain print; its entity links are
	// shareable, so point at the entity the chain suggestion shows.
	fmt.Fprintf(&b, "  ubo serve%s\n    and open http://127.0.0.1:8080/ to search, draw ownership graphs and screen customers in the browser", flag)
	if id := pickFlagged(flagged, model.VerdictControlled); id != "" {
		fmt.Fprintf(&b, ",\n    e.g. http://127.0.0.1:8080/#/entity/%s", id)
	}
	b.WriteString("\n")
	_, err = io.WriteString(w, b.String())
	return err
}

// demoNextCommands suggests search, chain, explain and export on entities
// the demo just flagged (the joint venture and the cross-source chain when
// present, they read best).
func demoNextCommands(flagged, open []demoRow) []string {
	// pick the entity of that verdict with the longest evidence path: its
	// chain and explanation show the most.
	pick := pickFlagged
	cmds := []string{`search "huaxin precision"`}
	if id := pick(flagged, model.VerdictControlled); id != "" {
		cmds = append(cmds, "chain "+id+" --depth 6")
	}
	if id := pick(flagged, model.VerdictJointControl); id != "" {
		cmds = append(cmds, "explain "+id)
	}
	if id := pick(flagged, model.VerdictOwned50); id != "" {
		cmds = append(cmds, "explain "+id)
	}
	if len(open) > 0 {
		cmds = append(cmds, "explain "+open[0].ID)
	}
	return append(cmds, "export --format jsonl", "screen your-customers.csv")
}

// pickFlagged picks the entity of that verdict with the longest evidence
// path: its chain and explanation show the most.
func pickFlagged(rows []demoRow, verdict model.Verdict) string {
	id, best := "", 0
	for _, r := range rows {
		if r.Verdict == verdict && r.PathLen > best {
			id, best = r.ID, r.PathLen
		}
	}
	return id
}

// flaggedCounts keeps the counts of the verdicts run's policy flags.
func flaggedCounts(run model.Run) map[model.Verdict]int {
	out := map[model.Verdict]int{}
	verdicts, _ := scoring.FlaggedVerdicts(run) // the demo's run records them
	for _, v := range verdicts {
		out[v] = run.Counts[v]
	}
	return out
}

// oneLine shortens the engine's explanation to its first clause: for a
// flagged entity why it is flagged, for an indeterminate one what it could
// be and through whom. (Splitting at ". " would cut "Co., Ltd. ".)
func oneLine(r *model.Result) string {
	s := strings.TrimSpace(r.Explanation)
	if s == "" && len(r.Evidence) > 0 {
		s = r.Evidence[0].Explanation
	}
	if i := strings.Index(s, " Possibly "); i >= 0 {
		if r.Flagged {
			s = s[:i]
		} else {
			s = s[i+1:]
			if _, rest, ok := strings.Cut(s, ": "); ok {
				s = strings.ToUpper(rest[:1]) + rest[1:]
			}
		}
	}
	if i := strings.Index(s, "; "); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

// shellQuote quotes a path for copy and paste when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:+@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
