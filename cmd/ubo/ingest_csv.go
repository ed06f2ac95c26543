package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest"
	csvingest "github.com/ubo-project/ubo/ingest/csv"
)

func init() { registerIngest(newIngestCSVCmd) }

type ingestCSVOptions struct {
	Entities      string
	Relationships string
}

func newIngestCSVCmd(g *globalOptions) *cobra.Command {
	opts := &ingestCSVOptions{}
	cmd := &cobra.Command{
		Use:   "csv --entities E.csv --relationships R.csv",
		Short: "Load the generic CSV format (your own ids, entities and relationships)",
		Long: `Load the generic CSV format. Either file may be omitted, not both; plain or .gz.
Both files need a header row; columns may come in any order; ids are kept exactly as given.

entities:      id,name,kind required; optional jurisdiction,hq_country,nationality,residence,
               state_owned,lists,identifiers,aliases,address_countries (lists, identifiers,
               nationality, aliases and address_countries ';'-separated; identifiers as
               SCHEME:value, e.g. XI-LEI:..., GB-COH:..., CN-USCC:..., REG:DE:HRB 123)
               kind: company | person | state_body | arrangement | unknown
               aliases: the entity's other names in any script (trading, former, transliterated)
               address_countries: the countries of the entity's addresses
               countries: ISO codes, ISO 3166-2 (CN-44), English names or demonyms; an unknown
               country rejects the row
relationships: holder_id,held_id,kind required; optional share (exact percent) or share_min,share_max
               with share_min_exclusive,share_max_exclusive (true/false), start_date,end_date
               (YYYY-MM-DD), source_ref. No share on ownership/voting means unknown.
               A holder or held id must be in the entities file or already in the store.

A quoted field may span lines; a quote that does not close into a row of the header's width
rejects only its own line ("unbalanced quote") and the next lines are read as rows of their own,
so every line is written or rejected and "read" is written + rejected (blank lines do not count).

Re-running the same files changes nothing: a relationship's id is holder, held, kind and
source_ref, so give rows that would otherwise collide a distinct source_ref.`,
		Example: `  ubo ingest csv --entities testdata/csv/entities.csv --relationships testdata/csv/relationships.csv`,
		Args:    argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Entities == "" && opts.Relationships == "" {
				return usagef("ingest csv: give --entities FILE, --relationships FILE, or both")
			}
			// A file that is not CSV, or whose header is unusable, is a
			// usage error, found before the store is touched.
			var inputs []string
			for _, f := range []string{opts.Entities, opts.Relationships} {
				if f != "" {
					inputs = append(inputs, f)
				}
			}
			if err := checkInputs(csvingest.Source, inputs); err != nil {
				return err
			}
			ignored, err := csvingest.CheckHeaders(opts.Entities, opts.Relationships)
			if err != nil {
				return usageError{err}
			}
			for _, c := range ignored {
				g.Log.Warn("ingest csv: ignoring unknown column", "column", c)
			}
			return runIngest(cmd, g, csvingest.Source, nil /* checked above */, func(ctx context.Context, sink ingest.Sink) error {
				popts := csvingest.Options{}
				if known, ok := sink.(csvingest.IDLookup); ok {
					popts.Known = known
				}
				return csvingest.Parse(ctx, opts.Entities, opts.Relationships, sink, popts)
			})
		},
	}
	cmd.Flags().StringVar(&opts.Entities, "entities", "", "entities CSV file")
	cmd.Flags().StringVar(&opts.Relationships, "relationships", "", "relationships CSV file")
	return cmd
}
