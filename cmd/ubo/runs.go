package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newRunsCmd) }

type runsOptions struct {
	JSON  bool
	Limit int
}

func newRunsCmd(g *globalOptions) *cobra.Command {
	opts := &runsOptions{}
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List scoring runs, newest first",
		Long: `Runs lists the scoring runs, newest first, with the policy each was scored under (name@hash),
its counts, and NEW and CLEARED: the entities newly flagged and newly cleared since SINCE, the
previous complete run of the same policy (name and hash; '-' for a policy's first run).`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return g.withStore(ctx, func(st store.Store) error {
				runs, err := st.Runs(ctx)
				if err != nil {
					return fmt.Errorf("runs: %w", err)
				}
				if opts.Limit > 0 && len(runs) > opts.Limit {
					runs = runs[:opts.Limit]
				}
				if opts.JSON {
					if runs == nil {
						runs = []model.Run{} // "[]", not "null", for scripts
					}
					return writeJSON(g.Out, runs)
				}
				tw := tabwriter.NewWriter(g.Out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "RUN\tSTATUS\tSTARTED\tPOLICY\tAS OF\tENTITIES\tFLAGGED\tNEW\tCLEARED\tSINCE")
				for _, r := range runs {
					flagged := "?" // the run's policy is not known any more
					if n, ok := scoring.FlaggedCount(r); ok {
						flagged = strconv.Itoa(n)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s@%s\t%s\t%d\t%s\t%d\t%d\t%s\n", r.ID, r.Status,
						r.Started.Format("2006-01-02 15:04:05"), r.Policy, r.PolicyHash, r.AsOf,
						r.Entities, flagged, r.NewlyFlagged, r.NewlyCleared, orDash(r.PreviousRun))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the run records as JSON")
	cmd.Flags().IntVar(&opts.Limit, "limit", 20, "show at most this many runs (0: all)")
	cmd.AddCommand(newRunsPruneCmd(g))
	return cmd
}

type runsPruneOptions struct {
	Keep int
	JSON bool
}

func newRunsPruneCmd(g *globalOptions) *cobra.Command {
	opts := &runsPruneOptions{}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete the results of old runs (their records stay, status pruned)",
		Long: fmt.Sprintf(`Prune deletes the results of every complete run but the newest --keep ones, keeping always the
latest complete run and the newest complete run of each policy (name and hash), which the next run
of that policy counts its newly flagged entities against. The run records stay listed with status
'pruned' (diff and export --changed-since refuse them). Running runs are left alone; failed runs
lose whatever results they wrote. A pruned run whose results a kept run's are stored against (a
rerun stores only its changes, see 'ubo score --help') keeps them until no kept run needs them.

Every completed 'ubo score' prunes the same way with --keep %d. Prune takes the store's scoring
lock, so it fails (exit 3) while a score runs. The embedded store's file does not shrink: the freed
pages hold the next runs' results.`, store.DefaultKeepRuns),
		Example: `  ubo runs prune --keep 3
  ubo runs prune --keep 1 --json`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Keep < 1 {
				return usagef("runs prune: --keep must be at least 1 (the latest complete run always stays)")
			}
			ctx := cmd.Context()
			return g.withStore(ctx, func(st store.Store) error {
				pruned, err := scoring.Prune(ctx, st, opts.Keep)
				if err != nil {
					return err
				}
				if opts.JSON {
					if pruned == nil {
						pruned = []string{}
					}
					return writeJSON(g.Out, map[string]any{"pruned": pruned})
				}
				for _, id := range pruned {
					fmt.Fprintln(g.Out, id)
				}
				fmt.Fprintf(g.ErrOut, "pruned the results of %d run(s)\n", len(pruned))
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&opts.Keep, "keep", store.DefaultKeepRuns, "complete runs that keep their results, newest first")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, `print {"pruned": [run ids]}`)
	return cmd
}
