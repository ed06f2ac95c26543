package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newExplainCmd) }

type explainOptions struct{ JSON bool }

// runExplain is `ubo explain` without cobra: the explanation in words,
// or as JSON.
func runExplain(ctx context.Context, g *globalOptions, id string, opts explainOptions) error {
	return g.withStore(ctx, func(st store.Store) error {
		x, err := investigate.ExplainID(ctx, st, id)
		if err != nil {
			return err
		}
		if opts.JSON {
			return writeJSON(g.Out, x)
		}
		return x.Render(g.Out)
	})
}

func newExplainCmd(g *globalOptions) *cobra.Command {
	opts := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain an entity's verdict: shares, controllers and evidence paths in words",
		Long: `Explain prints an entity's verdict from the latest complete run in words: the Chinese ownership
(directly and through other entities; "not known" when the links to its Chinese holders give no
percentage) and the Chinese-held votes, the aggregate 50% rule with the sum the engine made (as
stored with the result), its controllers and joint
controllers, and the evidence paths with each hop's share, kind and source record. For an
indeterminate verdict it lists the unknown holders and share ranges that would change it, and to
what (relationships ended by the as-of date are never among them).`,
		Example: `  ubo explain gb-coh:01234567
  ubo explain target --json`,
		Args: argsChecked(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExplain(cmd.Context(), g, args[0], *opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the explanation as JSON")
	return cmd
}
