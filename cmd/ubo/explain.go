package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newExplainCmd) }

type explainOptions struct{ JSON bool }

func newExplainCmd(g *globalOptions) *cobra.Command {
	opts := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain an entity's verdict: shares, controllers and evidence paths in words",
		Long: `Explain prints an entity's verdict from the latest complete run in words: the integrated Chinese
share interval, the aggregate 50% rule, its controllers and joint controllers, and the evidence paths
with each hop's share, kind and source record. For an indeterminate verdict it lists the unknown
holders and share ranges that could change it, and to what.`,
		Example: `  ubo explain gb-coh:01234567
  ubo explain target --json`,
		Args: argsChecked(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
			e, err := findEntity(ctx, st, args[0])
			if err != nil {
				return err
			}
			run, _, err := latestResults(ctx, st)
			if err != nil {
				return err
			}
			if run == nil {
				return fmt.Errorf("explain: nothing scored yet; run 'ubo score' first")
			}
			r, err := st.Result(ctx, run.ID, e.ID)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("explain: %s was not scored in run %s (ingested later? run 'ubo score')", e.ID, run.ID)
			}
			if err != nil {
				return fmt.Errorf("explain: %w", err)
			}
			x := &investigate.Explanation{Entity: e, Result: r, RunID: run.ID,
				Policy: run.Policy + "@" + run.PolicyHash, AsOf: run.AsOf, Names: map[string]string{e.ID: e.Name}}
			ids := append(append([]string{}, r.Controllers...), r.JointControllers...)
			for _, ev := range r.Evidence {
				ids = append(ids, ev.Path...)
			}
			for _, id := range ids {
				if _, ok := x.Names[id]; ok {
					continue
				}
				if other, err := st.Entity(ctx, id); err == nil {
					x.Names[id] = other.Name
				}
			}
			if r.Indeterminate {
				if err := addUncertainty(cmd, st, x); err != nil {
					return err
				}
			}
			x.Summarize()
			if opts.JSON {
				return writeJSON(g.Out, x)
			}
			return x.Render(g.Out)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the explanation as JSON")
	return cmd
}

// addUncertainty lists unknown holders and share ranges up to four hops
// above the entity: the information whose absence makes it indeterminate.
func addUncertainty(cmd *cobra.Command, st store.Store, x *investigate.Explanation) error {
	sg, err := st.Neighbourhood(cmd.Context(), x.Entity.ID, store.Up, 4, 200)
	if err != nil {
		return err
	}
	kinds := map[string]model.EntityKind{}
	for _, e := range sg.Entities {
		kinds[e.ID] = e.Kind
		if _, ok := x.Names[e.ID]; !ok {
			x.Names[e.ID] = e.Name
		}
	}
	could := x.Result.PossibleVerdict
	for _, r := range sg.Relationships {
		var why string
		switch {
		case kinds[r.HolderID] == model.Unknown:
			why = fmt.Sprintf("undisclosed holder; if it is Chinese the verdict could be %s", could)
		case (r.Kind == model.Ownership || r.Kind == model.Voting) && !r.Share.Known:
			why = fmt.Sprintf("share not given; at its maximum the verdict could be %s", could)
		case (r.Kind == model.Ownership || r.Kind == model.Voting) && r.Share.Min != r.Share.Max:
			why = fmt.Sprintf("share known only as a range; at %s%% the verdict could be %s", model.FormatPercent(r.Share.Max), could)
		default:
			continue
		}
		x.Uncertain = append(x.Uncertain, investigate.Uncertainty{HolderID: r.HolderID, HeldID: r.HeldID,
			Kind: string(r.Kind), Share: r.Share, Why: why})
	}
	return nil
}
