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
verdict. Without arguments it compares the latest complete run with the previous complete run of the
same policy (name and hash: runs of other policies flag other entities by design); with one, that
run and the latest complete run. Runs of different policies given explicitly are compared, with a
warning. An empty verdict means the entity was not scored in that run.`,
		Args: argsChecked(cobra.MaximumNArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return g.withStore(ctx, func(st store.Store) error {
				a, b, err := diffRuns(cmd, st, args)
				if err != nil {
					return err
				}
				if !scoring.SamePolicy(a, b) {
					fmt.Fprintf(g.ErrOut, "warning: run %s was scored under policy %s@%s, run %s under %s@%s: changes include the policies' differences\n",
						a.ID, a.Policy, a.PolicyHash, b.ID, b.Policy, b.PolicyHash)
				}
				var tw *tabwriter.Writer
				enc := json.NewEncoder(g.Out)
				if !opts.JSON {
					tw = tabwriter.NewWriter(g.Out, 0, 0, 2, ' ', 0)
					fmt.Fprintf(g.ErrOut, "changes from run %s (%s) to run %s (%s)\n", a.ID, a.Policy, b.ID, b.Policy)
					fmt.Fprintln(tw, "ID\tOLD\tNEW")
				}
				n := 0
				err = scoring.Diff(ctx, st, a.ID, b.ID, func(c scoring.Change) error {
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
			})
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object per change")
	return cmd
}

// diffRuns resolves the two runs diff compares.
func diffRuns(cmd *cobra.Command, st store.Store, args []string) (model.Run, model.Run, error) {
	var none model.Run
	runs, err := st.Runs(cmd.Context())
	if err != nil {
		return none, none, fmt.Errorf("diff: %w", err)
	}
	var complete []model.Run
	byID := map[string]model.Run{}
	for _, r := range runs {
		byID[r.ID] = r
		if r.Status == model.RunComplete {
			complete = append(complete, r)
		}
	}
	for _, a := range args {
		switch r, ok := byID[a]; {
		case !ok:
			return none, none, usagef("diff: no run %q (see 'ubo runs')", a)
		case r.Status != model.RunComplete: // a running or failed run has only part of its results
			return none, none, usagef("diff: run %q is %s, not complete (see 'ubo runs')", a, r.Status)
		}
	}
	switch len(args) {
	case 2:
		return byID[args[0]], byID[args[1]], nil
	case 1:
		if len(complete) == 0 {
			return none, none, fmt.Errorf("diff: no complete run to compare %s with", args[0])
		}
		return byID[args[0]], complete[0], nil
	default:
		if len(complete) == 0 {
			return none, none, fmt.Errorf("diff: no complete run (run 'ubo score')")
		}
		latest := complete[0]
		prev, err := scoring.PreviousComplete(cmd.Context(), st, latest)
		if err != nil {
			return none, none, fmt.Errorf("diff: %w", err)
		}
		if prev == nil {
			return none, none, fmt.Errorf("diff: the latest complete run %s is the first of policy %s@%s; name two runs to compare (see 'ubo runs')",
				latest.ID, latest.Policy, latest.PolicyHash)
		}
		return *prev, latest, nil
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
