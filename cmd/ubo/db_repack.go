package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/store"
)

type dbRepackOptions struct{ JSON bool }

func newDBRepackCmd(g *globalOptions) *cobra.Command {
	opts := &dbRepackOptions{}
	cmd := &cobra.Command{
		Use:   "repack",
		Short: "Rebuild Neo4j's packed copies after editing entities or relationships by hand",
		Long: `Rebuild the packed copies that scoring and export read.

Every entity and relationship ubo writes to Neo4j also carries its fields
packed into one property, _packed, because reading one property is several
times cheaper for the server than reading thirteen. Scoring, export and the
other whole-graph reads use that copy. If you change an entity's or a
relationship's properties by hand (Neo4j Browser, cypher-shell, another
program), run this command before the next score: it reads every entity and
relationship from its properties and rewrites the copies that are missing
or differ. Entities and relationships created by hand have no copy and are
read from their properties anyway. Running it twice changes nothing.

The embedded store has no copies; there the command does nothing.`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return g.withStore(ctx, func(st store.Store) error {
				rp, ok := st.(store.Repacker)
				if !ok {
					fmt.Fprintf(g.ErrOut, "db repack: the %s store keeps no packed copies; nothing to do\n", st.Backend())
					if opts.JSON {
						return writeJSON(g.Out, store.RepackStats{})
					}
					return nil
				}
				progress := newProgress(g)
				stats, err := rp.Repack(ctx, func(read int) { progress.stage("repack: read", read, false) })
				if err != nil {
					return fmt.Errorf("db repack: %w", err)
				}
				progress.stage("repack: read", stats.Entities+stats.Relationships, true)
				if opts.JSON {
					return writeJSON(g.Out, stats)
				}
				fmt.Fprintf(g.Out, "repacked %d of %d entities and %d of %d relationships (the others were current)\n",
					stats.EntitiesWritten, stats.Entities, stats.RelationshipsWritten, stats.Relationships)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the counts as JSON")
	return cmd
}
