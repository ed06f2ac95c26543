package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/icij"
)

func init() { registerIngest(newIngestICIJCmd) }

func newIngestICIJCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "icij DIR|ZIP...",
		Short: "Load the ICIJ Offshore Leaks CSV bundle (a folder or the published zip)",
		Long: `Load the ICIJ Offshore Leaks database bundle: nodes-entities.csv, nodes-officers.csv,
nodes-intermediaries.csv, nodes-others.csv, nodes-addresses.csv and relationships.csv, from a
folder or the zip ICIJ publishes (members may sit in a sub-folder).

officer_of relationships are classified by their link text: shareholder, owner, beneficiary →
ownership (with the share when the text gives one, "Shareholder - 34%"); trustee, settlor,
protector → trust_role; nominee roles → nominee; significant / ultimate controller → control;
directors, secretaries and other office holders → officer. Intermediaries, registered agents and
addresses are not control and are not written. Similarity links (same_name_as, similar, same_as,
...) are kept only as "icij.candidate:<id>" list tags on both nodes: never merged, never control.`,
		Example: `  ubo ingest icij full-oldb.LATEST.zip
  ubo ingest icij ./offshoreleaks-csv/`,
		Args: argsChecked(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, paths []string) error {
			return runIngest(cmd, g, icij.Source, paths, func(ctx context.Context, sink ingest.Sink) error {
				for _, p := range paths {
					if err := icij.Parse(ctx, p, sink); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}
