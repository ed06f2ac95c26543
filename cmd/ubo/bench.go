package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ubo-project/ubo/bench"
	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
)

func init() { register(newBenchCmd) }

func newBenchCmd(g *globalOptions) *cobra.Command {
	var (
		sizes       string
		policyName  string
		counts      bool
		cfg         = bench.Config{}
		baselineMax int
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Benchmark the scoring engine on synthetic registries against path enumeration",
		Long: `For each size, generates a synthetic registry in memory (as "ubo gen" would), builds the
graph, scores it, and prints a Markdown table: entities, edges, build time (generator excluded),
score time, peak Go memory, graph bytes per edge, process max RSS, and the baseline that users run
today: enumerating every simple ownership path from every Chinese root ([:OWNS*] / networkx
all_simple_paths), with a timeout per size, and the speed-up of the engine over it.
No database is used.`,
		Example: `  ubo bench --sizes 100000,1000000
  ubo bench --sizes 10000000 --baseline-max 0`,
		Args: argsChecked(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, f := range strings.Split(sizes, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
				if err != nil || n <= 0 {
					return usagef("--sizes: %q is not a positive number of entities", f)
				}
				cfg.Sizes = append(cfg.Sizes, n)
			}
			p, err := policy.Load(policyName)
			if err != nil {
				return usageError{err}
			}
			cfg.Policy = p
			cfg.BaselineMax = baselineMax
			if cfg.Interlock == 0 {
				cfg.Interlock = -1 // the flag's 0 means none
			}
			if !g.Quiet {
				cfg.Log = g.ErrOut
			}
			fmt.Fprintf(g.Out, "policy %s (%s), seed %d, chinese share %g, interlock %g, baseline timeout %s\n\n",
				p.Name, p.Hash(), cfg.Seed, cfg.ChineseShare, max(cfg.Interlock, 0), cfg.BaselineTimeout)
			fmt.Fprintln(g.Out, bench.TableHeader)
			rows, err := bench.Run(cmd.Context(), cfg, func(r bench.Row) {
				fmt.Fprintln(g.Out, bench.FormatRow(r))
			})
			if err != nil {
				return err
			}
			if counts {
				fmt.Fprintln(g.Out)
				return bench.WriteCounts(g.Out, rows, model.Verdicts)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&sizes, "sizes", "100000,1000000,10000000", "comma-separated entity counts")
	f.IntVar(&baselineMax, "baseline-max", 1000000, "run the path-enumeration baseline only up to this many entities (0: never)")
	f.DurationVar(&cfg.BaselineTimeout, "baseline-timeout", 2*time.Minute, "give up the baseline after this long per size")
	f.Uint64Var(&cfg.Seed, "seed", 1, "generator seed")
	f.Float64Var(&cfg.ChineseShare, "chinese-share", gen.DefaultChineseShare, "share of corporate groups rooted in China (0..1)")
	f.Float64Var(&cfg.Interlock, "interlock", gen.DefaultInterlock, "share of Chinese groups' subsidiaries held through two sister companies (0..1; higher means more ownership paths)")
	f.StringVar(&policyName, "policy", "default", "policy preset name or YAML file")
	f.BoolVar(&counts, "counts", true, "also print the verdict counts per size")
	return cmd
}
