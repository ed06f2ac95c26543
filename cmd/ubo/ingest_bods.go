package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/bods"
)

func init() { registerIngest(newIngestBODSCmd) }

func newIngestBODSCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "bods FILES...",
		Short: "Load Beneficial Ownership Data Standard statements (0.2, 0.3, 0.4; JSON array or JSON lines)",
		Long: `Load BODS statements. The version is recognised from each statement (0.4: recordId, recordType,
recordDetails; 0.2/0.3: statementType). Files hold a JSON array or JSON lines, plain, .gz or in a .zip (every member); give
all files of one publication in one run so that record versions and references carry across them.

Declared versions: each file's statements are counted by publicationDetails.bodsVersion and a
line per file says which versions it declares ("a.json: BODS 0.4: 12 statement(s)"). A statement
declaring a version other than 0.2, 0.3 or 0.4 (0.1, 1.0, ...), or one whose declared version
contradicts its shape, is rejected (field publicationDetails.bodsVersion) rather than read as some
other version; one declaring none is read by its shape. Every 0.4 statement is checked against the
official BODS 0.4 JSON schema (country codes, dates, URIs, required fields such as isComponent and
declarationSubject); a statement that fails it is rejected naming the field.

Versions: the latest statement per record wins (0.4 recordId + statementDate; 0.2/0.3
replacesStatements); a closed relationship record, or an interest a later version no longer
asserts, is kept with its end date, also when the later version comes in a later run (a 0.4
"updated" or "closed" statement ends what the store holds for its record); a closed entity or
person record is inactive from the closing statement's date. Interests map to ownership, voting, board, control, influence,
trust_role, nominee, officer or unknown_interest edges with the share interval as given
(exclusive bounds kept) and direct/indirect. Unspecified interested parties become unknown holders,
except "no beneficial owners" and "subject exempt from disclosure", which create nothing.
Identifiers (GB-COH, XI-LEI, CN-USCC...) feed cross-source resolution.

Ids: an entity's id is "bods:" + its record id, except in statements published by "ubo" (what
"ubo export --format bods" writes), whose record ids are ubo ids already and are kept; their
state ownership and list tags (annotation "uboAttributes") and consolidation, branch and fund
management interests are read back too, so an export re-ingested gives the same verdicts.`,
		Example: `  ubo ingest bods statements.json
  ubo ingest bods part-0001.jsonl.gz part-0002.jsonl.gz`,
		Args: argsChecked(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			return runIngest(cmd, g, bods.Source, files, func(ctx context.Context, sink ingest.Sink) error {
				p := bods.NewParser(sink)
				// What each file declares, said even when a file fails part way.
				defer func() {
					for _, v := range p.Versions() {
						fmt.Fprintf(g.ErrOut, "ingest %s: %s\n", bods.Source, v)
					}
				}()
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
