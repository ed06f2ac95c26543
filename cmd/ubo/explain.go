package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
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
			run, result, err := latestResults(ctx, st)
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
			if err := explainDetails(ctx, st, run, x, result); err != nil {
				return err
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

// whatIfDepth bounds the upward neighbourhood re-scored for the what-if
// analysis of an indeterminate verdict; whatIfPerNode bounds its hubs.
const (
	whatIfDepth   = 8
	whatIfPerNode = 200
)

// explainDetails adds what the stored result does not carry: the names of
// every entity it mentions, the aggregate-rule arithmetic over the direct
// holders and, for an indeterminate verdict, which unknown holders or
// share ranges could change it and to what (re-scoring the upward
// neighbourhood under the run's policy).
func explainDetails(ctx context.Context, st store.Store, run *model.Run, x *investigate.Explanation, result investigate.ResultFn) error {
	r := x.Result
	depth := 1
	if r.Indeterminate {
		depth = whatIfDepth
	}
	sg, err := st.Neighbourhood(ctx, x.Entity.ID, store.Up, depth, whatIfPerNode)
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	kinds := map[string]model.EntityKind{}
	for _, e := range sg.Entities {
		kinds[e.ID] = e.Kind
		x.Names[e.ID] = e.Name
	}
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
	pol, err := policy.Load(run.Policy)
	if err != nil || pol.Hash() != run.PolicyHash {
		x.Notes = append(x.Notes, fmt.Sprintf("policy %s@%s is not available to this command (a policy file?): the aggregate arithmetic and the what-if analysis are left out", run.Policy, run.PolicyHash))
		return nil
	}
	if r.Verdict != model.VerdictChineseEntity { // a root is covered whatever its holders
		th := pol.Thresholds.Aggregate
		agg := investigate.AggregateArithmetic(sg.Relationships, x.Entity.ID, kinds, result, th.Value, th.Inclusive, run.AsOf)
		x.Aggregate = &agg
	}
	if !r.Indeterminate {
		return nil
	}
	asOf, err := time.Parse("2006-01-02", run.AsOf)
	if err != nil {
		return fmt.Errorf("explain: run %s: as-of date %q: %w", run.ID, run.AsOf, err)
	}
	if len(sg.Truncated) > 0 {
		x.Notes = append(x.Notes, fmt.Sprintf("the what-if analysis looked at %d hops above the entity and at most %d links per entity; some links were left out", whatIfDepth, whatIfPerNode))
	}
	x.Uncertain, err = investigate.Uncertainties(sg, x.Entity.ID, pol, asOf)
	return err
}
