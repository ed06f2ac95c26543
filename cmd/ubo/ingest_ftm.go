package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/ftm"
)

func init() { registerIngest(newIngestFTMCmd) }

func newIngestFTMCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "ftm FILES...",
		Short: "Load FollowTheMoney entities (OpenSanctions entities.ftm.json, delta files)",
		Long: `Load FollowTheMoney entities, one JSON object per line (plain, .gz or in a .zip): OpenSanctions
entities.ftm.json exports and delta files ({"op": "ADD"|"MOD"|"DEL", "entity": {...}}).

Company, Organization and LegalEntity become companies, PublicBody a state body, Person a person;
Ownership edges keep the free-text percentage as a share interval ("25-50", ">50"; unreadable text
leaves the share unknown and logs a warning), Directorship edges are officer (or nominee) edges.
Referents become FTM:<id> identifiers so resolution folds them together; topics (and, for target
entities, dataset names) become list tags, gov.soe sets state-owned. Other schemata (Address,
Payment, Sanction, ...), which say nothing of ownership, and edges to them are counted as skipped,
by schema, in the summary.

Delta files apply their deletions once every file was written, in one transaction. A DEL needs
only the id ({"op":"DEL","entity":{"id":"X"}}), which is looked up in the store: an id it has
neither as an entity nor as an Ownership or Directorship record is counted as skipped, not
rejected. A DEL tags the entity ftm.deleted, ends a deleted ownership or
directorship (on last_seen, else today), retires every list tag the record gave
(ubo.retired:<date>:<tag>) and, when only FtM knew the entity, makes it inactive
(ubo.inactive:<date>, see 'ubo ingest --help'); a MOD that drops a topic or dataset retires that
tag as of the entity's last_change date. Tags another source gives (or may give) stay.
What a record gave before is taken from the last --snapshot or delta ingest of it, else, for an
entity only FtM knows, from the entity itself.`,
		Example: `  ubo ingest ftm entities.ftm.json
  ubo ingest ftm 20240528014702-pfh/entities.delta.json`,
		Args: argsChecked(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			return runIngest(cmd, g, ftm.Source, files, func(ctx context.Context, sink ingest.Sink) error {
				p := ftm.NewParser(sink)
				p.Warn = func(r ingest.Reject) { g.Log.Warn(r.String()) }
				for _, f := range files {
					if err := p.ParseFile(ctx, f); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}
