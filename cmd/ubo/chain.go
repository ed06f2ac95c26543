package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newChainCmd) }

type chainOptions struct {
	Up, Down, Both bool
	Depth          int
	MinShare       float64
	MaxChildren    int
	JSON           bool
}

// runChain is `ubo chain` without cobra: the tree drawn, or as JSON.
func runChain(ctx context.Context, g *globalOptions, opts investigate.ChainOptions, asJSON bool) error {
	if err := opts.Check(); err != nil { // before the store is opened
		return err
	}
	return g.withStore(ctx, func(st store.Store) error {
		tree, err := investigate.Chain(ctx, st, opts)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(g.Out, tree)
		}
		return investigate.RenderTree(g.Out, tree, investigate.Style{Color: g.stdoutIsTerminal()})
	})
}

func newChainCmd(g *globalOptions) *cobra.Command {
	opts := &chainOptions{}
	cmd := &cobra.Command{
		Use:   "chain ID",
		Short: "Draw the ownership and control tree of an entity, Chinese roots marked",
		Long: `Chain draws the ownership and control tree around an entity: upwards to its holders (default),
downwards to what it holds, or both. Each link shows its share interval and kind; Chinese roots are
marked ★ and flagged entities ⚑ (from the latest complete run); unknown holders are shown; an entity
already on the path is shown once more with ↻ and not expanded; entities with many links are cut
with "+N more".`,
		Example: `  ubo chain gb-coh:01234567
  ubo chain lei:5493001KJTIIGC8Y1R12 --down --depth 3
  ubo chain target --both --min-share 10 --json`,
		Args: argsChecked(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := store.Up
			switch {
			case opts.Both || (opts.Up && opts.Down):
				dir = store.Both
			case opts.Down:
				dir = store.Down
			}
			return runChain(cmd.Context(), g, investigate.ChainOptions{ID: args[0], Dir: dir, Depth: opts.Depth,
				MinShare: opts.MinShare, MaxChildren: opts.MaxChildren}, opts.JSON)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.Up, "up", false, "walk to holders: owners and controllers (default)")
	f.BoolVar(&opts.Down, "down", false, "walk to held entities: subsidiaries")
	f.BoolVar(&opts.Both, "both", false, "walk both ways")
	f.IntVar(&opts.Depth, "depth", 6, "number of hops to walk (1..20)")
	f.Float64Var(&opts.MinShare, "min-share", 0, "hide ownership/voting links whose share is below this percent")
	f.IntVar(&opts.MaxChildren, "max-children", 25, "show at most this many links per entity, then +N more")
	f.BoolVar(&opts.JSON, "json", false, "print the tree as JSON")
	return cmd
}
