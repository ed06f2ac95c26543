package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/scoring"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newDiffCmd) }

type diffOptions struct{ JSON bool }

func newDiffCmd(g *globalOptions) *cobra.Command {
	opts := &diffOptions{}
	cmd := &cobra.Command{
		Use:   "diff [RUN_A] [RUN_B]",
		Short: "List entities whose verdict changed between two runs",
		Long: `Diff lists the entities whose verdict changed from RUN_A to RUN_B, with the old and the new
verdict. Without arguments it compares the last two complete runs; with one, that run and the latest
complete run. An empty verdict means the entity was not scored in that run.`,
		Args: argsChecked(cobra.MaximumNArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := g.openExistingStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
			a, b, err := diffRuns(cmd, st, args)
			if err != nil {
				return err
			}
			var tw *tabwriter.Writer
			enc := json.NewEncoder(g.Out)
			if !opts.JSON {
				tw = tabwriter.NewWriter(g.Out, 0, 0, 2, ' ', 0)
				fmt.Fprintf(g.ErrOut, "changes from run %s to run %s\n", a, b)
				fmt.Fprintln(tw, "ID\tOLD\tNEW")
			}
			n := 0
			err = scoring.Diff(ctx, st, a, b, func(c scoring.Change) error {
				n++
				if opts.JSON {
					return enc.Encode(c)
				}
				_, err := fmt.Fprintf(tw, "%s\t%s\t%s\n", c.EntityID, orDash(c.OldVerdict), orDash(c.NewVerdict))
				return err
			})
			if err != nil {
				return err
			}
			if tw != nil {
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(g.ErrOut, "%d change(s)\n", n)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object per change")
	return cmd
}

// diffRuns resolves the two run ids diff compares.
func diffRuns(cmd *cobra.Command, st store.Store, args []string) (string, string, error) {
	runs, err := st.Runs(cmd.Context())
	if err != nil {
		return "", "", fmt.Errorf("diff: %w", err)
	}
	var complete []string
	status := map[string]string{}
	for _, r := range runs {
		status[r.ID] = r.Status
		if r.Status == model.RunComplete {
			complete = append(complete, r.ID)
		}
	}
	for _, a := range args {
		switch status[a] {
		case model.RunComplete:
		case "":
			return "", "", usagef("diff: no run %q (see 'ubo runs')", a)
		default: // a running or failed run has only part of its results
			return "", "", usagef("diff: run %q is %s, not complete (see 'ubo runs')", a, status[a])
		}
	}
	switch len(args) {
	case 2:
		return args[0], args[1], nil
	case 1:
		if len(complete) == 0 {
			return "", "", fmt.Errorf("diff: no complete run to compare %s with", args[0])
		}
		return args[0], complete[0], nil
	default:
		if len(complete) < 2 {
			return "", "", fmt.Errorf("diff: need two complete runs, have %d (run 'ubo score')", len(complete))
		}
		return complete[1], complete[0], nil
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
