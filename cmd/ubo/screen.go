package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ubo-project/ubo/match"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/screen"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newScreenCmd) }

type screenOptions struct {
	Out           string
	Format        string
	InputFormat   string
	Policy        string
	Rejects       string
	FailOnFlagged bool
	Workers       int
}

func newScreenCmd(g *globalOptions) *cobra.Command {
	opts := &screenOptions{}
	cmd := &cobra.Command{
		Use:   "screen CUSTOMERS.csv|CUSTOMERS.jsonl",
		Short: "Match your own customer list to graph entities and report each one's verdict",
		Long: `Screen reads the provider's customers (CSV with a header row, or JSON Lines with the same field
names), matches each one to an entity of the graph and writes one result row per customer, in input
order, with the verdict of the latest complete 'ubo score' run.

Customer columns: customer_id and name are required; optional country (any spelling: CN, CHN,
China), lei, registration_number with registration_country (default country), uscc, identifiers
("SCHEME:value;..." e.g. XI-LEI:..., GB-COH:01234567, CN-USCC:...), address.

Matching, strongest first: an identifier equal after normalisation (LEI, UK company number, USCC,
registration number and country, any SCHEME:value) is a match of score 1. Otherwise names: every name
and alias of the entities is compared after folding case, accents and punctuation, with legal forms
("Co., Ltd.", "Limited", "GmbH", "有限公司", ISO 20275 list) removed and Han script also read as pinyin;
candidates come from the store's name index. A country that agrees adds 0.02, one that conflicts
takes 0.15; legal forms of different kinds take 0.12. Every row lists the reasons of its score.

Status:
  MATCHED   the best candidate scores at least the match threshold (default 0.90) and no other is
            within the tie margin (0.02) of it; the row carries the entity's verdict, shares and
            explanation
  REVIEW    the best candidate scores at least the review threshold (0.70), or two are tied at the
            top: the top candidates are listed with their verdicts, the row has none
  NO_MATCH  no candidate reaches the review threshold; the verdict is empty, never CLEAR
Thresholds come from the policy's screening section (--policy).

Output: JSON Lines (default) or --format csv with the same fields flattened (candidates as
candidate_N_* columns). Every row names the run and policy of its verdict. A summary line goes to
standard error. With --out the file is written atomically. Rows that cannot be read (no id or name,
a repeated id, an unknown country, an identifier not written SCHEME:value) go to the rejects file;
an LEI or USCC with a wrong check character is not a reject: the row says it was not used.

` + exitStatusHelp + `
  (screen: 1 when nothing has been scored yet; 4 when rows were rejected; 5 with --fail-on-flagged when
  a MATCHED customer's verdict is flagged, which takes precedence over 4)`,
		Example: `  ubo screen customers.csv --out results.jsonl
  ubo screen customers.jsonl --format csv --out results.csv --fail-on-flagged
  ubo screen customers.csv --policy my-policy.yaml`,
		Args: argsChecked(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return runScreen(cmd, g, opts, args[0]) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Out, "out", "", "write the rows to this file atomically (default standard output)")
	f.StringVar(&opts.Format, "format", "jsonl", "output format: jsonl or csv")
	f.StringVar(&opts.InputFormat, "input-format", "", "customer file format: csv or jsonl (default from the file name, else its first byte)")
	f.StringVar(&opts.Policy, "policy", "default", "policy whose screening thresholds apply (built-in name or YAML file)")
	f.StringVar(&opts.Rejects, "rejects", "", "file for rows that cannot be read, always written (default: a new <customers>-rejects-<UTC time>.csv\nin the working directory, only when rows were rejected; an earlier one is never removed)")
	f.BoolVar(&opts.FailOnFlagged, "fail-on-flagged", false, "exit 5 when a MATCHED customer has a flagged verdict")
	f.IntVar(&opts.Workers, "workers", 4, "customers matched at once")
	return cmd
}

func runScreen(cmd *cobra.Command, g *globalOptions, opts *screenOptions, in string) error {
	ctx := cmd.Context()
	if opts.Format != "jsonl" && opts.Format != "csv" {
		return usagef("screen: --format %q: want jsonl or csv", opts.Format)
	}
	if f := opts.InputFormat; f != "" && f != string(screen.CSV) && f != string(screen.JSONL) {
		return usagef("screen: --input-format %q: want csv or jsonl", f)
	}
	if opts.Workers < 1 {
		return usagef("screen: --workers must be at least 1")
	}
	pol, err := policy.Load(opts.Policy)
	if err != nil {
		return usageError{fmt.Errorf("screen: %w", err)}
	}
	rejects, named := opts.Rejects, opts.Rejects != ""
	if !named {
		base := filepath.Base(in)
		rejects = strings.TrimSuffix(base, filepath.Ext(base)) + "-rejects-" + time.Now().UTC().Format("20060102T150405Z") + ".csv"
	}
	return g.withStore(ctx, func(st store.Store) error {
		th := match.Thresholds{Match: pol.Screening.Match, Review: pol.Screening.Review, TieMargin: pol.Screening.TieMargin}
		sc, err := screen.New(ctx, st, th)
		if errors.Is(err, screen.ErrNoRun) {
			return fmt.Errorf("screen: %w", err)
		}
		if err != nil {
			return fmt.Errorf("screen: %w", err)
		}
		p := newProgress(g)
		sum, err := sc.ScreenFile(ctx, screen.FileOptions{In: in, Format: screen.Format(opts.InputFormat),
			Out: opts.Out, Stdout: g.Out, OutFormat: opts.Format, Rejects: rejects, RejectsNamed: named, Workers: opts.Workers,
			Progress: func(n int) { p.stage("screen", n, false) }})
		if err != nil {
			return fmt.Errorf("screen: %w", err)
		}
		p.stage("screen", sum.Rows+sum.Rejected, true)
		rejectsNote := "none"
		if sum.RejectsFile != "" {
			rejectsNote = sum.RejectsFile
		}
		if !g.Quiet {
			fmt.Fprintf(g.ErrOut, "screen %s: %d rows: %d matched, %d review, %d no match; %d matched flagged; rejected %d (rejects: %s); verdicts of run %s, policy %s\n",
				in, sum.Rows, sum.Matched, sum.Review, sum.NoMatch, sum.Flagged, sum.Rejected, rejectsNote, sum.RunID, sum.Policy)
		}
		if opts.FailOnFlagged && sum.Flagged > 0 {
			return flaggedCustomersError{Flagged: sum.Flagged}
		}
		if sum.Rejected > 0 {
			return rejectsError{Rejected: sum.Rejected, RejectsFile: sum.RejectsFile}
		}
		return nil
	})
}
