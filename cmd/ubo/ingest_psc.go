package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/psc"
)

func init() { registerIngest(newIngestPSCCmd) }

func newIngestPSCCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "psc FILES...",
		Short: "Load a Companies House PSC snapshot (JSON lines, part files plain, .gz or .zip)",
		Long: `Load the Companies House "People with Significant Control" bulk snapshot: JSON lines
{"company_number":...,"data":{...}}. Give all part files of one snapshot in one run: the totals
trailer is reconciled against everything read (a mismatch is logged as a warning).

Every record kind is mapped: individuals, corporate entities (UK-registered ones become
gb-coh:<number>, others carry REG:<country>:<number> for resolution), legal persons, super-secure
PSCs (unknown holders), overseas-entity beneficial owners, statements (a PSC that exists but is
not identified → an unknown holder; "no individual or entity with significant control" → nothing)
and exemptions (nothing). Natures of control become ownership/voting bands with the Companies
House intervals (25-to-50 = (25, 50]), board, influence or nominee edges; ceased_on ends them.

A PSC id that a company's records use for owners of incompatible kinds (an individual and a
corporate entity) is ambiguous: the later record is kept apart as psc:<company>:<id>:<record kind>
and reported with a warning, never merged into the other.`,
		Example: `  ubo ingest psc psc-snapshot-2026-11-02_1of32.txt ... psc-snapshot-2026-11-02_32of32.txt
  ubo ingest psc persons-with-significant-control-snapshot-2026-11-02.zip
  # nightly: end the PSCs the new snapshot no longer lists (see 'ubo ingest --help')
  ubo ingest psc --snapshot --snapshot-date 2026-11-02 persons-with-significant-control-snapshot-2026-11-02.zip`,
		Args: argsChecked(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			return runIngest(cmd, g, psc.Source, files, func(ctx context.Context, sink ingest.Sink) error {
				if _, err := psc.Parse(ctx, files, sink, psc.Options{Log: g.Log}); err != nil {
					return err
				}
				return nil
			})
		},
	}
}
