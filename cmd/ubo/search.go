package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newSearchCmd) }

type searchOptions struct {
	investigate.SearchOptions
	JSON bool
}

// runSearch is `ubo search` without cobra: the hits as a table or JSON.
func runSearch(ctx context.Context, g *globalOptions, opts searchOptions) error {
	if err := opts.Check(); err != nil { // before the store is opened
		return err
	}
	return g.withStore(ctx, func(st store.Store) error {
		hits, err := investigate.SearchWith(ctx, st, opts.SearchOptions)
		if err != nil {
			return err
		}
		if opts.JSON {
			return writeJSON(g.Out, hits)
		}
		return investigate.RenderHits(g.Out, g.ErrOut, opts.Text(), hits)
	})
}

func newSearchCmd(g *globalOptions) *cobra.Command {
	opts := &searchOptions{}
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find entities by name or identifier (LEI, GB-COH number, USCC, ...)",
		Long: `Search finds entities by exact id or identifier first (an LEI, a Companies House number, a
Chinese unified social credit code, or SCHEME:value such as GB-COH:01234567), then by name:
case-, accent- and punctuation-insensitive, word order tolerant, best matches first. Each hit shows
its id, name, kind, jurisdiction and its verdict in the latest complete run.`,
		Example: `  ubo search "huawei technologies"
  ubo search 5493001KJTIIGC8Y1R12
  ubo search GB-COH:01234567 --json`,
		Args: argsChecked(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSearch(cmd.Context(), g, searchOptions{SearchOptions: investigate.SearchOptions{Words: args, Limit: opts.Limit}, JSON: opts.JSON})
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", 20, "show at most this many hits")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the hits as JSON")
	return cmd
}
