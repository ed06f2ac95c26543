package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ubo-project/ubo/export"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

func init() { register(newExportCmd) }

type exportOptions struct {
	Format       string
	All          bool
	Verdicts     []string
	ChangedSince string
	Out          string
	Run          string
}

func newExportCmd(g *globalOptions) *cobra.Command {
	opts := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export scored entities (flagged by default) with evidence: JSON Lines, CSV or BODS 0.4",
		Long: `Export writes the results of the latest complete run (or --run) for downstream KYC systems.
By default only flagged entities are written (the policy's flagged verdicts: CHINESE_ENTITY, CONTROLLED,
OWNED_50, JOINT_CONTROL under the default policy).

Formats:
  jsonl  one JSON object per entity: id, name, kind, verdict, indeterminate, chinese_share {min,max},
         aggregate_rule {certain,possible}, controllers, joint_controllers,
         evidence [{path, share, explanation}], run_id, policy (percent values 0-100)
  csv    the same fields flattened; evidence as readable text
  bods   a BODS 0.4 package: an entity/person statement for each exported entity (its verdict as an
         annotation) and for every entity above it, a relationship statement for every relationship
         above it (ended ones with their end date): all its verdict rests on, with jurisdiction,
         headquarters and other address countries, nationality, residence and identifiers; state
         ownership and list tags in an annotation's "uboAttributes". Record ids are ubo's entity ids
         and the publisher is "ubo": "ubo ingest bods" of the file keeps the ids and gives the same
         verdicts

With --out the file is written atomically (a temporary file renamed at the end; no half file on
failure); without it the export goes to standard output.`,
		Example: `  ubo export --out flagged.jsonl
  ubo export --format csv --verdict OWNED_50,CONTROLLED --out owned.csv
  ubo export --format bods --changed-since 20261127T020000Z-a1b2c3 --out changes.json`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return runExport(cmd, g, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "jsonl", "jsonl, csv or bods")
	f.BoolVar(&opts.All, "all", false, "export every scored entity, not only flagged ones")
	f.StringSliceVar(&opts.Verdicts, "verdict", nil, "export only these verdicts (comma-separated)")
	f.StringVar(&opts.ChangedSince, "changed-since", "", "export only entities whose verdict changed since this complete run\n(by default those flagged in either run, so newly cleared ones are included)")
	f.StringVar(&opts.Out, "out", "", "write to this file atomically (default standard output)")
	f.StringVar(&opts.Run, "run", "", "export this run (default the latest complete run)")
	return cmd
}

func runExport(cmd *cobra.Command, g *globalOptions, opts *exportOptions) error {
	ctx := cmd.Context()
	switch opts.Format {
	case export.JSONL, export.CSV, export.BODS:
	default:
		return usagef("export: --format %q: want jsonl, csv or bods", opts.Format)
	}
	for i, v := range opts.Verdicts {
		opts.Verdicts[i] = strings.ToUpper(strings.TrimSpace(v))
		if model.VerdictRank(opts.Verdicts[i]) == len(model.Verdicts) {
			return usagef("export: --verdict %q: want one of %s", v, strings.Join(model.Verdicts, ", "))
		}
	}
	return g.withStore(ctx, func(st store.Store) error {
		runs, err := st.Runs(ctx)
		if err != nil {
			return fmt.Errorf("export: list runs: %w", err)
		}
		run, err := exportRun(runs, opts.Run)
		if err != nil {
			return err
		}
		if opts.ChangedSince != "" {
			if _, err := completeRun(runs, "--changed-since", opts.ChangedSince); err != nil {
				return err
			}
		}
		p := newProgress(g)
		eopts := export.Options{Format: opts.Format, Run: run,
			Filter:   export.Filter{All: opts.All, Verdicts: opts.Verdicts, ChangedSince: opts.ChangedSince},
			Progress: func(n int) { p.stage("export", n, false) }}
		var n int
		if opts.Out == "" {
			n, err = export.Write(ctx, st, g.Out, eopts)
		} else {
			n, err = export.WriteFile(ctx, st, opts.Out, eopts)
		}
		if err != nil {
			return err
		}
		p.stage("export", n, true)
		dest := opts.Out
		if dest == "" {
			dest = "standard output"
		}
		if !g.Quiet {
			fmt.Fprintf(g.ErrOut, "exported %d entit%s from run %s as %s to %s\n", n, plural(n, "y", "ies"), run.ID, opts.Format, dest)
		}
		return nil
	})
}

// exportRun picks the run to export: --run, else the latest complete run.
func exportRun(runs []model.Run, id string) (model.Run, error) {
	if id != "" {
		return completeRun(runs, "--run", id)
	}
	for _, r := range runs { // newest first
		if r.Status == model.RunComplete {
			return r, nil
		}
	}
	return model.Run{}, fmt.Errorf("export: no complete scoring run yet; run 'ubo score' first")
}

// completeRun finds run id for flag, a usage error unless it exists and is
// complete (a running or failed run has no full set of results).
func completeRun(runs []model.Run, flag, id string) (model.Run, error) {
	for _, r := range runs {
		if r.ID == id {
			if r.Status != model.RunComplete {
				return r, usagef("export: %s %q: the run is %s, not complete (see 'ubo runs')", flag, id, r.Status)
			}
			return r, nil
		}
	}
	return model.Run{}, usagef("export: %s %q: no such run (see 'ubo runs')", flag, id)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
