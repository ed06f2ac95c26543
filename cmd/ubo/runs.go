package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/scoring"
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
		Args:  argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
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
			fmt.Fprintln(tw, "RUN\tSTATUS\tSTARTED\tPOLICY\tAS OF\tENTITIES\tFLAGGED\tNEW\tCLEARED")
			for _, r := range runs {
				flagged := "?" // the run's policy is not known any more
				if n, ok := scoring.FlaggedCount(r); ok {
					flagged = strconv.Itoa(n)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s@%s\t%s\t%d\t%s\t%d\t%d\n", r.ID, r.Status,
					r.Started.Format("2006-01-02 15:04:05"), r.Policy, r.PolicyHash, r.AsOf,
					r.Entities, flagged, r.NewlyFlagged, r.NewlyCleared)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the run records as JSON")
	cmd.Flags().IntVar(&opts.Limit, "limit", 20, "show at most this many runs (0: all)")
	return cmd
}
