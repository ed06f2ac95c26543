package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/gleif"
)

func init() { registerIngest(newIngestGLEIFCmd) }

func newIngestGLEIFCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "gleif FILES...",
		Short: "Load GLEIF golden-copy files: level 1 (LEI-CDF), relationships (RR-CDF), reporting exceptions",
		Long: `Load GLEIF golden-copy files, full or delta, in the published XML or CSV, plain, .gz or .zip.
What each file holds is recognised from its content (XML root element, CSV header), so any mix
of level-1, relationship and reporting-exception files may be given, in any order.

  level 1        lei:<LEI> companies with jurisdiction (ISO 3166-2 → country), headquarters
                 country, identifiers XI-LEI and the registration authority's entity id
                 (Companies House → GB-COH, a Chinese USCC → CN-USCC, else REG:<country>:<number>)
  relationships  child (StartNode) held by parent (EndNode): direct/ultimate consolidation,
                 international branch, fund management, sub-fund (control), feeder (fund management);
                 percentage quantifiers as shares, relationship periods as dates; INACTIVE
                 relationships and RETIRED records ended (period end, else LastUpdateDate)
  exceptions     NON_PUBLIC, NO_LEI, NON_CONSOLIDATING and withheld reasons → an unknown parent;
                 NATURAL_PERSONS, NO_KNOWN_PERSON → the chain ends

An INACTIVE entity, or a level-1 record RETIRED, MERGED, ANNULLED or DUPLICATE, is GLEIF no longer
asserting the entity: once the files are written it becomes inactive as of its LastUpdateDate
(ubo.inactive:<date>, see 'ubo ingest --help') when only GLEIF knows it. A LAPSED registration (not
renewed) changes nothing: the entity and its relationships stay.

Records with invalid LEI check digits or unknown codes are rejected; invalid XML or a truncated
archive stops the run with the file and position.`,
		Example: `  ubo ingest gleif 20261102-gleif-concatenated-file-lei2.xml.zip rr.xml.zip repex.xml.zip`,
		Args:    argsChecked(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			return runIngest(cmd, g, gleif.Source, files, func(ctx context.Context, sink ingest.Sink) error {
				for _, f := range files {
					if err := gleif.Parse(ctx, f, sink, gleif.Options{Log: g.Log}); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}
