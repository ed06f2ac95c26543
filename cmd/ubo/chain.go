package main

import (
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
			ctx := cmd.Context()
			dir := store.Up
			switch {
			case opts.Both || (opts.Up && opts.Down):
				dir = store.Both
			case opts.Down:
				dir = store.Down
			}
			if opts.Depth < 1 || opts.Depth > 20 {
				return usagef("chain: --depth %d: want 1..20", opts.Depth)
			}
			if opts.MinShare < 0 || opts.MinShare > 100 {
				return usagef("chain: --min-share %g: want a percent in 0..100", opts.MinShare)
			}
			if opts.MaxChildren < 1 {
				return usagef("chain: --max-children %d: want 1 or more", opts.MaxChildren)
			}
			st, err := g.openExistingStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close(ctx)
			e, err := findEntity(ctx, st, args[0])
			if err != nil {
				return err
			}
			// Several links may join two entities (kinds, sources): load a few
			// per entity shown, bounded so that hubs stay cheap; the tree cuts
			// to --max-children entities and says "+N more".
			sg, err := st.Neighbourhood(ctx, e.ID, dir, opts.Depth, 4*(opts.MaxChildren+1))
			if err != nil {
				return err
			}
			_, result, err := investigate.LatestResults(ctx, st)
			if err != nil {
				return err
			}
			tree, err := investigate.BuildTree(sg, e.ID, investigate.TreeOptions{Dir: dir, Depth: opts.Depth,
				MinShare: opts.MinShare, MaxChildren: opts.MaxChildren}, result)
			if err != nil {
				return err
			}
			if opts.JSON {
				return writeJSON(g.Out, tree)
			}
			return investigate.RenderTree(g.Out, tree, investigate.Style{Color: g.stdoutIsTerminal()})
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
